// SQL console editor: highlighting, table/column completion, Ctrl+Enter to run.
//
// The <textarea id="sql-editor"> stays the real input (label, keyboard, undo, Dash's
// value); its text is transparent and a <pre id="sql-highlight"> under it shows the
// same text tokenized. Completion lists the warehouse's table and column names (the
// sql-schema-names store, filled once per page from information_schema) in the
// <ul id="sql-complete" role="listbox">; the textarea points at it with aria-controls
// and aria-activedescendant. A file under /assets/, so the page's CSP ('self') allows
// it: no inline script, no eval.
(function () {
    "use strict";
    var EDITOR = "sql-editor", HIGHLIGHT = "sql-highlight", LIST = "sql-complete",
        STATUS = "sql-complete-status", MAX_ITEMS = 8;
    var KEYWORDS = new Set((
        "select from where group by order having limit offset as and or not in is null " +
        "like ilike between case when then else end join left right full inner outer " +
        "cross on using union all intersect except distinct with recursive asc desc " +
        "nulls first last over partition window rows range qualify filter true false " +
        "values describe summarize explain analyze pivot unpivot show table tables " +
        "exists any cast try_cast interval lateral natural semi anti asof struct map " +
        "list unnest pragma call install load copy attach detach create drop insert " +
        "update delete alter set reset use export import"
    ).split(" "));
    // One regex, one group per token kind; anything else is plain text.
    var TOKEN = new RegExp([
        "(--[^\\n]*|/\\*[\\s\\S]*?(?:\\*/|$))",          // 1 comment
        "('(?:[^']|'')*(?:'|$))",                       // 2 string
        "(\"(?:[^\"]|\"\")*(?:\"|$))",                  // 3 quoted identifier
        "(\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b)",   // 4 number
        "([A-Za-z_][A-Za-z0-9_]*)"                      // 5 word
    ].join("|"), "g");
    var state = {schema: {tables: {}}, names: new Set(), items: [], active: 0, start: 0};

    function tokenize(text) {
        var tokens = [], last = 0, match;
        TOKEN.lastIndex = 0;
        while ((match = TOKEN.exec(text)) !== null) {
            if (match[0] === "") { TOKEN.lastIndex++; continue; }
            if (match.index > last) tokens.push(["", text.slice(last, match.index)]);
            var kind = match[1] ? "com" : match[2] ? "str" : match[3] ? "ident" :
                match[4] ? "num" : KEYWORDS.has(match[5].toLowerCase()) ? "kw" :
                state.names.has(match[5].toLowerCase()) ? "name" : "";
            tokens.push([kind, match[0]]);
            last = TOKEN.lastIndex;
        }
        if (last < text.length) tokens.push(["", text.slice(last)]);
        return tokens;
    }

    function render(editor, text) {
        var pre = document.getElementById(HIGHLIGHT);
        if (!pre || !editor) return 0;
        if (!editor.hasAttribute("aria-controls")) {  // dcc.Textarea takes no aria-* props
            editor.setAttribute("aria-autocomplete", "list");
            editor.setAttribute("aria-controls", LIST);
            editor.setAttribute("aria-describedby", "sql-editor-help");
        }
        var tokens = tokenize(text), fragment = document.createDocumentFragment();
        tokens.forEach(function (t) {
            if (!t[0]) { fragment.appendChild(document.createTextNode(t[1])); return; }
            var span = document.createElement("span");
            span.className = "tok-" + t[0];
            span.textContent = t[1];  // text, never HTML
            fragment.appendChild(span);
        });
        fragment.appendChild(document.createTextNode("\n"));  // a last empty line shows
        pre.replaceChildren(fragment);
        syncScroll(editor);
        return tokens.length;
    }

    function syncScroll(editor) {
        var pre = document.getElementById(HIGHLIGHT);
        if (pre) { pre.scrollTop = editor.scrollTop; pre.scrollLeft = editor.scrollLeft; }
    }

    function setSchema(schema) {
        if (!schema || typeof schema.tables !== "object") return;
        state.schema = schema;
        state.names = new Set();
        Object.keys(schema.tables).forEach(function (table) {
            state.names.add(table.toLowerCase());
            state.names.add(table.split(".").pop().toLowerCase());
            schema.tables[table].forEach(function (c) { state.names.add(c.toLowerCase()); });
        });
    }

    // ------------------------------------------------------------------ completion
    // Table names the query mentions after FROM or JOIN, by alias too ("from titles t").
    function aliases(text) {
        var found = {}, re = /\b(?:from|join)\s+([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)(?:\s+(?:as\s+)?([A-Za-z_][A-Za-z0-9_]*))?/gi, m;
        while ((m = re.exec(text)) !== null) {
            var table = tableNamed(m[1]);
            if (!table) continue;
            found[m[1].toLowerCase()] = table;
            if (m[2] && !KEYWORDS.has(m[2].toLowerCase())) found[m[2].toLowerCase()] = table;
        }
        return found;
    }

    function tableNamed(name) {
        var lower = name.toLowerCase();
        return Object.keys(state.schema.tables).find(function (t) {
            return t.toLowerCase() === lower;
        });
    }

    function candidates(qualifier, prefix, text) {
        var tables = state.schema.tables, seen = new Set(), out = [], used = aliases(text);
        var mentioned = new Set(Object.values(used));
        function add(name, kind, rank) {
            if (!seen.has(name) && name.toLowerCase().startsWith(prefix.toLowerCase())
                && name.toLowerCase() !== prefix.toLowerCase()) {
                seen.add(name);
                out.push([name, kind, rank]);
            }
        }
        if (qualifier) {
            var q = qualifier.toLowerCase(), table = used[q] || tableNamed(qualifier);
            if (table) tables[table].forEach(function (c) { add(c, "column of " + table, 0); });
            Object.keys(tables).forEach(function (t) {
                if (t.toLowerCase().startsWith(q + ".")) add(t.split(".").pop(), "table", 0);
            });
        } else if (prefix) {
            Object.keys(tables).forEach(function (t) { add(t, "table", 1); });
            // the query's own tables first, so their columns are named as theirs
            Object.keys(tables).sort(function (a, b) {
                return mentioned.has(b) - mentioned.has(a);
            }).forEach(function (t) {
                tables[t].forEach(function (c) {
                    add(c, mentioned.has(t) ? "column of " + t : "column", mentioned.has(t) ? 0 : 2);
                });
            });
        }
        // the query's own tables' columns first, then short names before long ones
        out.sort(function (a, b) {
            return a[2] - b[2] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1);
        });
        return out.slice(0, MAX_ITEMS);
    }

    function wordBeforeCaret(editor) {
        var before = editor.value.slice(0, editor.selectionStart);
        var tokens = tokenize(before), lastToken = tokens[tokens.length - 1];
        if (lastToken && (lastToken[0] === "com" || lastToken[0] === "str")) return null;
        var match = /(?:([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\.)?([A-Za-z_][A-Za-z0-9_]*)?$/
            .exec(before);
        if (!match || (!match[1] && !match[2])) return null;
        return {qualifier: match[1] || "", prefix: match[2] || "",
                start: editor.selectionStart - (match[2] || "").length};
    }

    function update(editor) {
        var word = editor.selectionStart === editor.selectionEnd ? wordBeforeCaret(editor) : null;
        state.items = word ? candidates(word.qualifier, word.prefix, editor.value) : [];
        state.active = 0;
        state.chosen = false;
        state.start = word ? word.start : 0;
        show(editor);
    }

    function show(editor) {
        var list = document.getElementById(LIST), status = document.getElementById(STATUS);
        if (!list) return;
        list.replaceChildren();
        if (!state.items.length) {
            close(editor);
            return;
        }
        state.items.forEach(function (item, i) {
            var li = document.createElement("li");
            li.id = LIST + "-" + i;
            li.setAttribute("role", "option");
            li.setAttribute("aria-selected", i === state.active ? "true" : "false");
            li.className = "sql-complete-item" + (i === state.active ? " active" : "");
            var name = document.createElement("span");
            name.textContent = item[0];
            var kind = document.createElement("small");
            kind.textContent = " " + item[1];
            li.append(name, kind);
            li.addEventListener("mousedown", function (event) {
                event.preventDefault();  // keep the focus in the editor
                state.active = i;
                accept(editor);
            });
            list.appendChild(li);
        });
        place(editor, list);
        list.hidden = false;
        editor.setAttribute("aria-activedescendant", LIST + "-" + state.active);
        if (status) {
            status.textContent = state.items.length + " suggestion" +
                (state.items.length === 1 ? "" : "s") + ": Tab inserts the first, arrow keys " +
                "and Enter choose another, Escape closes.";
        }
    }

    function close(editor) {
        var list = document.getElementById(LIST), status = document.getElementById(STATUS);
        state.items = [];
        if (list) { list.hidden = true; list.replaceChildren(); }
        if (editor) editor.removeAttribute("aria-activedescendant");
        if (status) status.textContent = "";
    }

    // Under the caret: the highlight layer holds the same text at the same place, so a
    // range at the caret's offset there gives its position.
    function place(editor, list) {
        var pre = document.getElementById(HIGHLIGHT), wrap = editor.parentElement;
        var offset = editor.selectionStart, walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
        var node, range = document.createRange(), placed = false;
        while ((node = walker.nextNode())) {
            if (offset <= node.length) {
                range.setStart(node, offset);
                range.setEnd(node, offset);
                placed = true;
                break;
            }
            offset -= node.length;
        }
        if (!placed) return;
        var rect = range.getClientRects()[0] || range.getBoundingClientRect();
        var box = wrap.getBoundingClientRect();
        list.style.left = Math.max(0, Math.min(rect.left - box.left, box.width - 240)) + "px";
        list.style.top = (rect.bottom - box.top + 2) + "px";
    }

    function accept(editor) {
        var item = state.items[state.active];
        if (!item) return;
        var name = /^[A-Za-z_][A-Za-z0-9_.]*$/.test(item[0]) ? item[0] :
            '"' + item[0].replace(/"/g, '""') + '"';
        editor.setSelectionRange(state.start, editor.selectionStart);
        // insertText keeps the undo history and fires the input event React listens to
        if (!document.execCommand("insertText", false, name)) {
            editor.setRangeText(name, state.start, editor.selectionEnd, "end");
            editor.dispatchEvent(new Event("input", {bubbles: true}));
        }
        close(editor);
    }

    function move(editor, step) {
        state.chosen = true;
        state.active = (state.active + step + state.items.length) % state.items.length;
        show(editor);
    }

    // ------------------------------------------------------------------ events
    document.addEventListener("keydown", function (event) {
        var editor = event.target;
        if (!editor || editor.id !== EDITOR) return;
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            var run = document.getElementById("sql-run");
            close(editor);
            if (run) { event.preventDefault(); run.click(); }
            return;
        }
        if (event.key === " " && event.ctrlKey) {  // ask for suggestions here
            event.preventDefault();
            update(editor);
            return;
        }
        if (!state.items.length) return;
        if (["ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]
                .indexOf(event.key) >= 0) {
            close(editor);  // the caret leaves the word the list was for
            return;
        }
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            move(editor, event.key === "ArrowDown" ? 1 : -1);
        } else if ((event.key === "Tab" || (event.key === "Enter" && state.chosen))
                   && !event.shiftKey) {
            // Enter inserts only a suggestion chosen with the arrow keys: typing
            // "from titles" and Enter must give a new line, not "titles_added".
            event.preventDefault();
            accept(editor);
        } else if (event.key === "Escape") {
            event.preventDefault();
            close(editor);
        }
    });
    document.addEventListener("input", function (event) {
        if (event.target && event.target.id === EDITOR) {
            render(event.target, event.target.value);
            update(event.target);
        }
    });
    document.addEventListener("scroll", function (event) {
        if (event.target && event.target.id === EDITOR) syncScroll(event.target);
    }, true);  // scroll does not bubble
    document.addEventListener("focusout", function (event) {
        if (event.target && event.target.id === EDITOR) close(event.target);
    });
    document.addEventListener("click", function (event) {
        if (event.target && event.target.id === EDITOR) update(event.target);
    });

    // Dash calls this whenever the editor's value changes, also from the server (an
    // example, the history, a link), which fires no input event.
    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        sql_editor: {
            highlight: function (value, schema) {
                setSchema(schema);
                var editor = document.getElementById(EDITOR);
                return {tokens: render(editor, value || ""), chars: (value || "").length};
            }
        }
    });
    window.sqlEditorTokenize = tokenize;  // for the browser test
}());
