// SQL console: Ctrl+Enter (Cmd+Enter on a Mac) in the editor runs the query, as in
// most SQL tools. A file under /assets/, so the page's CSP ('self') allows it.
document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) {
        return;
    }
    if (!event.target || event.target.id !== "sql-editor") {
        return;
    }
    var run = document.getElementById("sql-run");
    if (run) {
        event.preventDefault();
        run.click();
    }
});
