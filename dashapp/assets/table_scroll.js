/* A table wider than its card scrolls sideways (Bootstrap's .table-responsive), but on
 * a phone nothing said so: the columns just stopped at the card's edge. While there is
 * more to the right, the right edge fades out (class "more-right", app.css); scrolled
 * to the end, or wide enough, it does not.
 */
(function () {
  "use strict";
  const SELECTOR = ".table-responsive";

  function update(box) {
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
