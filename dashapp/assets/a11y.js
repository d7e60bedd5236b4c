/* Accessibility repairs for what Dash 4's own components render and offer no prop for
 * (dash 4.4.1; axe-core found each of these). Every repair is keyed on the component's
 * DOM, is idempotent, and runs again whenever React redraws a part of the page. A
 * control's name comes from its <label for=id> (dashapp/components/a11y.py helpers).
 * When Dash fixes one upstream, drop its repair: tests/test_browser_a11y.py still
 * holds the line.
 */
(function () {
  "use strict";

  function labelText(id) {
    if (!id) return "";
    const label = document.querySelector('label[for="' + CSS.escape(id) + '"]');
    return label ? label.textContent.trim() : "";
  }

  function labelId(id) {
    const label = id && document.querySelector('label[for="' + CSS.escape(id) + '"]');
    if (!label) return "";
    if (!label.id) label.id = id + "--label";
    return label.id;
  }

  function setAttr(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  /* dcc.Dropdown: Tab lands on a hidden, aria-hidden <input> that forwards focus to the
   * real trigger <button tabindex=-1>, so assistive tech meets a focusable element it
   * is told does not exist. The trigger itself becomes the tab stop (the proxy input is
   * disabled), and its name starts with the field's label, not just the value shown. */
  function repairDropdowns(root) {
    root.querySelectorAll("button.dash-dropdown").forEach(function (button) {
      const proxy = button.previousElementSibling;
      if (proxy && proxy.classList.contains("dash-dropdown-focus-target")) {
        if (!proxy.disabled) proxy.disabled = true;
        setAttr(button, "tabindex", button.disabled ? "-1" : "0");
      }
      const ids = (button.getAttribute("aria-labelledby") || "").split(/\s+/)
        .filter(function (i) { return i && document.getElementById(i); });
      const own = labelId(button.id);
      if (own && ids[0] !== own) ids.unshift(own);
      if (ids.length) setAttr(button, "aria-labelledby", ids.join(" "));
      // the open list: named after the field (the trigger's aria-controls names it)
      const list = document.getElementById(button.getAttribute("aria-controls") || "");
      const options = list && list.querySelector(".dash-options-list");
      if (options && own) setAttr(options, "aria-labelledby", own);
    });
    // the clear "x" is an <a> without href (not focusable, aria-label not allowed) inside
    // the trigger button; keyboards clear with Delete/Backspace on the trigger instead
    root.querySelectorAll("a.dash-dropdown-clear").forEach(function (clear) {
      setAttr(clear, "aria-hidden", "true");
      if (clear.hasAttribute("aria-label")) clear.removeAttribute("aria-label");
    });
  }

  /* Option lists (dropdown menus, dcc.Checklist/RadioItems): each option is a
   * role=option <label> around a real checkbox/radio, an interactive control inside
   * another. The native inputs already say everything, so the wrapping roles go: a
   * group of labelled checkboxes or radios. */
  function repairOptionLists(root) {
    root.querySelectorAll('.dash-options-list [role="option"]').forEach(function (option) {
      if (!option.querySelector("input")) return;
      option.removeAttribute("role");
      option.removeAttribute("aria-selected");
    });
    root.querySelectorAll('.dash-options-list[role="listbox"]').forEach(function (list) {
      if (!list.querySelector('[role="option"]')) setAttr(list, "role", "group");
    });
  }

  /* dbc.Tabs (2.0.4) gives every tab the same id ("…-tab-null") and points
   * aria-controls at a panel id that does not exist: pair tabs and panels in order. */
  function repairTabs(root) {
    root.querySelectorAll('[role="tablist"]').forEach(function (list, n) {
      const tabs = list.querySelectorAll('[role="tab"]');
      const content = list.parentElement && list.parentElement.querySelector(".tab-content");
      const panes = content ? content.querySelectorAll(":scope > .tab-pane") : [];
      const base = (list.parentElement && list.parentElement.id) || "tabs-" + n;
      tabs.forEach(function (tab, i) {
        setAttr(tab, "id", base + "--tab-" + i);
        const pane = panes[i];
        if (pane) {
          setAttr(pane, "id", base + "--panel-" + i);
          setAttr(pane, "role", "tabpanel");
          setAttr(pane, "aria-labelledby", tab.id);
          setAttr(tab, "aria-controls", pane.id);
        } else {
          tab.removeAttribute("aria-controls");
        }
      });
    });
  }

  /* dcc.Upload: its hidden file <input> is named after the drop zone's own text. */
  function repairUploads(root) {
    root.querySelectorAll('input[type="file"]').forEach(function (input) {
      if (input.id && labelText(input.id)) return;
      const zone = input.parentElement;
      const text = zone ? zone.textContent.trim().replace(/\s+/g, " ") : "";
      setAttr(input, "aria-label", text || "Choose a file");
    });
  }

  /* dcc.Slider / dcc.RangeSlider: the number boxes have no name and the thumbs are
   * called "Minimum"/"Maximum" whatever they measure. */
  function repairSliders(root) {
    root.querySelectorAll(".dash-slider-container[id]").forEach(function (box) {
      const name = labelText(box.id) || "Value";
      const range = !!box.querySelector(".dash-range-slider-min-input");
      box.querySelectorAll("input.dash-range-slider-input").forEach(function (input) {
        const end = input.classList.contains("dash-range-slider-min-input") ? " from"
          : (range ? " to" : "");
        setAttr(input, "aria-label", name + end);
      });
      box.querySelectorAll('[role="slider"]').forEach(function (thumb, i, all) {
        setAttr(thumb, "aria-label", all.length > 1 ? name + (i ? " to" : " from") : name);
      });
    });
  }

  /* dcc.DatePickerRange: aria-expanded on a plain <div> (not allowed), aria-labelledby
   * naming ids that do not exist ("undefined"), and a clear "link" with no href: not
   * focusable, so no keyboard could clear the dates. */
  function repairDatePickers(root) {
    root.querySelectorAll(".dash-datepicker-input-wrapper").forEach(function (wrap) {
      if (wrap.hasAttribute("aria-expanded") && !wrap.getAttribute("role")) {
        wrap.removeAttribute("aria-expanded");
      }
      const ids = (wrap.getAttribute("aria-labelledby") || "").split(/\s+/)
        .filter(function (i) { return i && document.getElementById(i); });
      if (ids.length) setAttr(wrap, "aria-labelledby", ids.join(" "));
      else wrap.removeAttribute("aria-labelledby");
    });
    root.querySelectorAll("a.dash-datepicker-clear").forEach(function (clear) {
      setAttr(clear, "role", "button");
      setAttr(clear, "tabindex", "0");
      if (!clear.dataset.keys) {
        clear.dataset.keys = "1";
        clear.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            clear.click();
          }
        });
      }
    });
  }

  /* A chart's accessible name is the title Plotly drew (the figure states what is
   * shown); its description is the insights list (aria-describedby, set in Python). */
  function nameCharts(root) {
    root.querySelectorAll("[data-chart-figure]").forEach(function (figure) {
      const title = figure.querySelector(".main-svg .gtitle");
      const text = title ? title.textContent.trim() : "";
      if (text) setAttr(figure, "aria-label", "Chart: " + text);
    });
  }

  function repair() {
    const root = document.body;
    repairDropdowns(root);
    repairOptionLists(root);
    repairUploads(root);
    repairTabs(root);
    repairSliders(root);
    repairDatePickers(root);
    nameCharts(root);
  }

  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; repair(); });
  }

  /* The skip link moves keyboard focus to <main> without adding #main-content to the
   * URL (the app reads its URL for filters). */
  function skipLink(event) {
    const link = event.target.closest && event.target.closest("a.skip-link");
    if (!link) return;
    const main = document.getElementById("main-content");
    if (!main) return;
    event.preventDefault();
    main.focus();
    main.scrollIntoView({ block: "start" });
  }

  function start() {
    document.addEventListener("click", skipLink);
    new MutationObserver(schedule).observe(document.body, {
      childList: true, subtree: true, attributes: true,
      attributeFilter: ["aria-labelledby", "aria-label", "tabindex", "aria-expanded", "class",
                        "role", "id", "aria-controls"],
    });
    schedule();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
