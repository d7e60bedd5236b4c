/* window.nfiEachElement(selector, visit): calls visit(element) for every element that
 * matches `selector`, now and whenever the page's DOM changes (Dash renders pages and
 * charts after load), at most once per animation frame. The page scripts
 * (chart_titles.js, table_scroll.js) start from here; the file name sorts first, and
 * Dash loads assets in name order.
 */
(function () {
  "use strict";
  window.nfiEachElement = function (selector, visit) {
    const start = function () {
      let pending = false;
      const scan = function () {
        pending = false;
        document.querySelectorAll(selector).forEach(visit);
      };
      new MutationObserver(function () {
        if (!pending) { pending = true; window.requestAnimationFrame(scan); }
      }).observe(document.body, { childList: true, subtree: true });
      scan();
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  };
})();
