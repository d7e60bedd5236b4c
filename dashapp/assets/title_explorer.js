/* Title Explorer on a narrow screen: the details card stacks under the table (25 rows
 * and more), so picking a title changed nothing the user could see. When a pick sets
 * the URL's #title=… and the card sits below the visible part of the page, the page
 * jumps to the card, and again once the title's details have replaced the card's
 * content (rows re-rendering above it move it meanwhile). Side by side (lg and wider)
 * the card is sticky and already in view: no jump.
 */
(function () {
  "use strict";
  let picked = 0;   // when the last pick was made; a render within 5 s follows it

  function card() { return document.querySelector(".titles-detail"); }

  function bringIntoView() {
    const el = card();
    if (el && el.getBoundingClientRect().top > window.innerHeight * 0.6) {
      el.scrollIntoView({ block: "start" });
    }
  }

  window.addEventListener("hashchange", function () {
    if (window.location.hash.indexOf("#title=") !== 0) return;
    picked = Date.now();
    bringIntoView();
  });

  new MutationObserver(function (records) {
    const el = card();
    if (!picked || Date.now() - picked > 5000 || !el) return;
    if (records.some(function (r) { return el.contains(r.target); })) {
      picked = 0;
      window.requestAnimationFrame(bringIntoView);
    }
  }).observe(document.body, { childList: true, subtree: true });
})();
