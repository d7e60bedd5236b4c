/* dcc.Upload drops a file over its max_size in the browser without a word: the page
 * just did nothing (an 11 MB export in a review). The upload box's wrapper
 * (pages/_blend_parts.py, data-max-bytes) gets a message here, in its own
 * role="alert" element, as soon as the file is chosen or dropped; a file that fits
 * clears it. Text only (the file's name is the user's): nothing is sent.
 */
(function () {
  "use strict";

  function check(files, target) {
    const box = target && target.closest && target.closest("[data-max-bytes]");
    if (!box || !files || !files.length) return;
    const note = box.querySelector(".upload-too-big");
    if (!note) return;
    const most = Number(box.dataset.maxBytes), file = files[0];
    note.textContent = file.size > most
      ? file.name + " is " + (file.size / 1e6).toFixed(1) + " MB; the most accepted is " +
        (most / 1e6).toFixed(0) + " MB, so it was not read. Upload one profile's " +
        "NetflixViewingHistory.csv, or the zip Netflix sent (it is smaller)."
      : "";
  }

  // capture: before the drop zone's own handlers
  document.addEventListener("change", function (e) {
    if (e.target && e.target.type === "file") check(e.target.files, e.target);
  }, true);
  document.addEventListener("drop", function (e) {
    check(e.dataTransfer && e.dataTransfer.files, e.target);
  }, true);
})();
