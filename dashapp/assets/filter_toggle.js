/* The filter bar's "Filters" button (phones only, components/filter_bar.py): it opens
 * and folds the controls. aria-expanded is the one state: app.css shows the controls
 * when it is "true", and screen readers announce it. Delegated from the document, as
 * Dash draws the bar after this script runs. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("#filter-toggle");
    if (!button) return;
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
  });
})();
