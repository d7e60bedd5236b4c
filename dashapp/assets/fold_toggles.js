/* The phone-only fold buttons: "Filters" (components/filter_bar.py) opens and folds the
 * filter controls, "Menu" (components/shell.py) the page links. aria-expanded is the
 * one state: app.css shows what a button controls when it is "true", and screen
 * readers announce it. Delegated from the document, as Dash draws both after this
 * script runs. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    const button = event.target.closest("#filter-toggle, #nav-toggle");
    if (button) {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      return;
    }
    // a page picked from the open menu: the menu folds so the page shows at once
    // (pages change without a reload, so nothing else would fold it)
    if (event.target.closest("#nav-links a[href]:not(.dropdown-toggle)")) {
      const menu = document.getElementById("nav-toggle");
      if (menu) menu.setAttribute("aria-expanded", "false");
    }
  });
})();
