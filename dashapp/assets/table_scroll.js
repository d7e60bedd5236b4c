/* A table wider than its card scrolls sideways (Bootstrap's .table-responsive), but on
 * a phone nothing said so: the columns just stopped at the card's edge. While there is
 * more to the right, the right edge fades out (class "more-right", app.css); scrolled
 * to the end, or wide enough, it does not.
 * A chart that keeps a minimum width (.chart-scrolls, components/chart.py) is a tab
 * stop only while it scrolls, so arrow keys can scroll it; on a desktop, where it fits,
 * a stop on it would lead nowhere.
 */
(function () {
  "use strict";
  const SELECTOR = ".table-responsive, .chart-scrolls";

  function update(box) {
    const scrolls = box.clientWidth < box.scrollWidth - 2;
    if (box.classList.contains("chart-scrolls")) {
      if (scrolls && box.getAttribute("tabindex") !== "0") box.setAttribute("tabindex", "0");
      // (kept while it has the focus: taking it away would drop the focus to the page)
      if (!scrolls && box.hasAttribute("tabindex") && document.activeElement !== box) {
        box.removeAttribute("tabindex");
      }
      return;
    }
    const more = box.scrollLeft + box.clientWidth < box.scrollWidth - 2;
    box.classList.toggle("more-right", more);
  }

  const resized = typeof ResizeObserver === "function"
    ? new ResizeObserver(function (entries) {
      entries.forEach(function (e) { update(e.target); });
    }) : null;

  function watch(box) {
    if (box._scrollCue) return;
    box._scrollCue = true;
    box.addEventListener("scroll", function () { update(box); }, { passive: true });
    if (resized) resized.observe(box);
    update(box);
  }

  window.nfiEachElement(SELECTOR, function (box) {   // assets/_each_element.js
    watch(box);
    update(box);   // its rows may have changed
  });
})();
