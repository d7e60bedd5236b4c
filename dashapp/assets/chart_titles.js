/* Chart titles that fit their chart. Plotly draws a title (and a subtitle, an axis
 * title) on one line and never wraps it, so on a phone, or in a half-width card, a
 * long one ran past the chart's edge and was cut off. After every draw, a text wider
 * than its room is set again with line breaks between words, and the margin on its
 * side grows by a line for each break. A new figure from the server is fitted afresh.
 */
(function () {
  "use strict";

  const SIDE_PX = 24;   // room kept free beside a text
  // what to fit: the drawn element, the layout attribute, the margin that holds it,
  // the height of one more line, and the room it has (a y title runs along the plot)
  const PARTS = [
    { selector: ".g-gtitle .gtitle", attr: "title.text", margin: "t", line: 22,
      room: function (gd) { return gd.clientWidth - SIDE_PX; } },
    { selector: ".g-gtitle .gtitle-subtitle", attr: "title.subtitle.text", margin: "t",
      line: 32, room: function (gd) { return gd.clientWidth - SIDE_PX; } },
    { selector: ".g-xtitle .xtitle", attr: "xaxis.title.text", margin: "b", line: 18,
      room: centredOnPlot },
    { selector: ".g-ytitle .ytitle", attr: "yaxis.title.text", margin: "l", line: 18,
      room: function (gd) { return gd._fullLayout._size.h + SIDE_PX; } },
  ];

  // an x title is centred on the plot, which need not be centred in the figure
  function centredOnPlot(gd) {
    const size = gd._fullLayout._size;
    const centre = size.l + size.w / 2;
    return 2 * Math.min(centre, gd.clientWidth - centre) - SIDE_PX;
  }

  function read(object, path) {
    return path.split(".").reduce(function (o, key) { return o && o[key]; }, object);
  }

  function wrapWords(text, perLine) {
    const lines = [];
    let line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > perLine) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    return lines;
  }

  // A text is measured once, as the server sent it; its width per character then
  // re-fits it whenever the chart's width changes (a phone turned, a window resized).
  function fitted(part, gd, text, prior) {
    const room = part.room(gd);
    if (!(room > 0)) return null;
    let original = text, perChar;
    if (prior && prior.text === text) {
      if (prior.room === room) return null;
      original = prior.original;
      perChar = prior.perChar;
    } else {
      if (text.indexOf("<") >= 0) return null;   // markup of its own (<br>, <sup>)
      const shown = gd.querySelector(part.selector);
      if (!shown || !text.length) return null;
      perChar = shown.getBBox().width / text.length;
    }
    const wanted = original.length * perChar <= room ? original
      : wrapWords(original, Math.max(12, Math.floor(room / perChar))).join("<br>");
    return { text: wanted, original: original, perChar: perChar, room: room };
  }

  function fit(gd) {
    if (!window.Plotly || !gd.layout || !gd._fullLayout || !gd._fullLayout._size) return;
    const ours = gd._fittedTexts || (gd._fittedTexts = {});
    // At most a few relayouts of our own in a row (a new figure from the server or a
    // second's pause starts again): two texts whose margins change each other's room
    // must not re-fit each other for ever.
    const fresh = PARTS.some(function (part) {
      const text = read(gd.layout, part.attr);
      return typeof text === "string" && (!ours[part.attr] || ours[part.attr].text !== text);
    });
    if (fresh || Date.now() - (gd._fitAt || 0) > 1000) gd._fitRuns = 0;
    if (gd._fitRuns >= 4) return;
    const update = {};
    const margin = Object.assign({}, gd._fullLayout.margin);
    PARTS.forEach(function (part) {
      const text = read(gd.layout, part.attr);
      if (typeof text !== "string") return;
      const next = fitted(part, gd, text, ours[part.attr]);
      if (!next) return;
      ours[part.attr] = next;
      if (next.text === text) return;
      update[part.attr] = next.text;
      margin[part.margin] += (next.text.split("<br>").length - text.split("<br>").length)
        * part.line;
    });
    if (!Object.keys(update).length) return;
    ["t", "b", "l"].forEach(function (side) { update["margin." + side] = margin[side]; });
    // a legend below the plot moves with the x title it sits under
    const legend = gd._fullLayout.legend;
    const grown = margin.b - gd._fullLayout.margin.b;
    if (grown && legend && legend.y < 0 && legend.yanchor === "top") {
      update["legend.y"] = legend.y - grown / gd._fullLayout._size.h;
    }
    gd._fitRuns += 1;
    gd._fitAt = Date.now();
    window.Plotly.relayout(gd, update);
  }

  function watch(gd) {
    if (gd._fitsTexts || typeof gd.on !== "function") return;
    gd._fitsTexts = true;
    gd.on("plotly_afterplot", function () { fit(gd); });
    fit(gd);
  }

  function start() {
    let pending = false;
    const scan = function () {
      pending = false;
      document.querySelectorAll(".js-plotly-plot").forEach(watch);
    };
    new MutationObserver(function () {
      if (!pending) { pending = true; window.requestAnimationFrame(scan); }
    }).observe(document.body, { childList: true, subtree: true });
    scan();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
