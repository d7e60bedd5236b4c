/* Chart titles that fit their chart, and charts that fit a phone. Plotly draws a title (and a subtitle, an axis
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
      room: function (gd) { return Math.min(shownWidth(gd), modebarLeft(gd)) - SIDE_PX; } },
    { selector: ".g-gtitle .gtitle-subtitle", attr: "title.subtitle.text", margin: "t",
      line: 16, room: function (gd) { return shownWidth(gd) - SIDE_PX; } },
    { selector: ".g-xtitle .xtitle", attr: "xaxis.title.text", margin: "b", line: 18,
      room: centredOnPlot },
    { selector: ".g-ytitle .ytitle", attr: "yaxis.title.text", margin: "l", line: 18,
      room: function (gd) { return gd._fullLayout._size.h + SIDE_PX; } },
  ];

  // A chart that keeps a minimum width on a phone scrolls inside its card (app.css
  // .chart-scrolls): its (left-aligned) title fits the part shown before any scrolling,
  // or it ran off the card's edge, out of sight.
  function shownWidth(gd) {
    const box = gd.closest(".chart-scrolls");
    return box ? Math.min(gd.clientWidth, box.clientWidth) : gd.clientWidth;
  }

  // The toolbar sits at the top right, on the title's line: a title ran under it ("…(%,
  // 5-fold CV)" hidden behind the buttons), so it wraps before the toolbar. No toolbar
  // (a phone: app.css hides it), no limit.
  function modebarLeft(gd) {
    const bar = gd.querySelector(".modebar");
    const box = bar && bar.getBoundingClientRect();
    if (!box || !box.width) return Infinity;
    return box.left - gd.getBoundingClientRect().left;
  }

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

  // What the narrow-chart fits changed, per chart: the figure's own settings, to give
  // back when the chart is wide again. Kept by the graph's id, not on its element:
  // Dash mounts a new element for the same chart at times, drawn from the figure
  // object our relayouts changed in place. Whether a fit is in place is read off what
  // is drawn each time, never remembered, so a draw that drops it gets it again.
  const chartStates = new Map();

  function stateOf(gd) {
    const holder = gd.closest(".dash-graph");
    const key = holder && holder.id;
    if (!key) return gd._nfiState || (gd._nfiState = { wideAxes: {}, hiddenCellText: {} });
    if (!chartStates.has(key)) chartStates.set(key, { wideAxes: {}, hiddenCellText: {} });
    return chartStates.get(key);
  }

  function fit(gd) {
    if (!window.Plotly || !gd.layout || !gd._fullLayout || !gd._fullLayout._size) return;
    // A chart drawn in a hidden tab has no width: fitted then, every category name was
    // cut to nothing but its last letter ("Franc…") and stayed so once shown. It is
    // fitted when it is drawn where it can be seen.
    if (!gd.clientWidth) return;
    const ours = gd._fittedTexts || (gd._fittedTexts = {});
    // At most a few relayouts of our own in a row (a new figure from the server or a
    // second's pause starts again): two texts whose margins change each other's room
    // must not re-fit each other for ever.
    const fresh = PARTS.some(function (part) {
      const text = read(gd.layout, part.attr);
      return typeof text === "string" && (!ours[part.attr] || ours[part.attr].text !== text);
    });
    // (and a chart crossing NARROW_PX starts again: its fits must be undone even when
    // the last ones were made a moment ago)
    const narrow = gd.clientWidth < NARROW_PX;
    if (fresh || narrow !== gd._fitWasNarrow || Date.now() - (gd._fitAt || 0) > 1000) {
      gd._fitRuns = 0;
    }
    gd._fitWasNarrow = narrow;
    if (gd._fitRuns >= 6) return;
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
    if (!Object.keys(update).length) {
      // texts fitted: now what a narrow chart piles up (one kind of change per draw)
      if (fitCellTexts(gd) || fitNarrow(gd, update)) {
        gd._fitRuns += 1;
        gd._fitAt = Date.now();
      }
      if (Object.keys(update).length) window.Plotly.relayout(gd, update);
      return;
    }
    ["t", "b", "l"].forEach(function (side) { update["margin." + side] = margin[side]; });
    // A title with a subtitle that grew is pinned to the top of the chart: left at
    // "auto", plotly centres the title line in the grown margin with the subtitle
    // hanging below it, so the margin had to grow by twice the subtitle's lines and
    // ~50 px stayed blank above the title on a phone. (The pad: plotly sets a wrapped
    // title's top about 16 px above the anchor; the 16 px the margin kept above the
    // title for the toolbar are not needed up there.)
    if (margin.t > gd._fullLayout.margin.t && read(gd.layout, "title.subtitle.text") &&
        read(gd.layout, "title.yanchor") !== "top") {
      update["margin.t"] = margin.t - 16;
      update["title.yref"] = "container";
      update["title.y"] = 1;
      update["title.yanchor"] = "top";
      update["title.pad.t"] = 24;
    }
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

  const NARROW_PX = 600;   // a phone, or a half-width card on a small laptop
  const MIN_PLOT_PX = 220;

  function plainLength(text) {   // the longest line of a label, markup left out
    return String(text).split(/<br\s*\/?>/i).reduce(function (longest, line) {
      return Math.max(longest, line.replace(/<[^>]*>/g, "").length);
    }, 0);
  }

  // Numbers written in heatmap cells run into each other once a cell is narrower than
  // its number (the market's release windows at 390 px): those cells show no text,
  // the colour and the hover still tell, and the text comes back when there is room.
  function fitCellTexts(gd) {
    const size = gd._fullLayout._size;
    const state = stateOf(gd);
    const hidden = state.hiddenCellText;
    const restyles = [];
    (gd.data || []).forEach(function (trace, i) {
      const full = gd._fullData && gd._fullData[i];
      if (!full || full.type !== "heatmap" || !Array.isArray(trace.text)) return;
      const row = Array.isArray(trace.text[0]) ? trace.text[0] : trace.text;
      const columns = Math.max(1, row.length);
      const chars = trace.text.reduce(function (longest, r) {
        return (Array.isArray(r) ? r : [r]).reduce(function (m, cell) {
          return Math.max(m, cell == null ? 0 : plainLength(cell));
        }, longest);
      }, 0);
      const fontSize = (full.textfont && full.textfont.size) || 12;
      const fits = size.w / columns >= chars * fontSize * 0.62 + 2;
      if (!fits && trace.texttemplate) {
        hidden[i] = trace.texttemplate;
        restyles.push([{ texttemplate: "" }, [i]]);
      } else if (fits && hidden[i] !== undefined && !trace.texttemplate) {
        restyles.push([{ texttemplate: hidden[i] }, [i]]);
        delete hidden[i];
      }
    });
    restyles.forEach(function (r) { window.Plotly.restyle(gd, r[0], r[1]); });
    // a title that says what the numbers are (layout.meta.cell_text_note) stops saying
    // it while they are hidden, and says it again when they come back
    const note = read(gd.layout, "meta.cell_text_note");
    const title = read(gd.layout, "title.text");
    const anyHidden = Object.keys(hidden).length > 0;
    if (note && typeof title === "string") {
      // compared with what is drawn each time, not done once: a new draw by dcc.Graph
      // brings the server's title back
      const unwrapped = title.replace(/<br>/g, " ");   // fit() may have wrapped it
      const saying = unwrapped.indexOf(note) >= 0;
      if (anyHidden && saying) {
        state.titleWithNote = unwrapped;
        window.Plotly.relayout(gd, { "title.text": unwrapped.replace(note, "") });
        return true;
      }
      if (!anyHidden && !saying && state.titleWithNote !== undefined) {
        const whole = state.titleWithNote;
        delete state.titleWithNote;
        window.Plotly.relayout(gd, { "title.text": whole });
        return true;
      }
    }
    return restyles.length > 0;
  }

  // "International… Movies", "International… Shows": the last word stays, so names
  // that differ only at the end do not shorten to the same "International…"
  function shortened(name, most) {
    if (name.length <= most) return name;
    const last = name.slice(name.lastIndexOf(" ") + 1);
    const keep = most - last.length - 2;
    if (name.indexOf(" ") < 0 || last.length > most / 2 || keep < 4) {
      return name.slice(0, most - 1).trimEnd() + "…";
    }
    return name.slice(0, keep).trimEnd() + "… " + last;
  }

  function shortenCategories(gd, name, narrow, roomPx, crowding, update) {
    const axis = gd._fullLayout[name];
    const own = stateOf(gd).wideAxes;
    const key = name + ".ticktext";
    if (!axis || axis.type !== "category" || !axis._categories) return;
    const perChar = ((axis.tickfont && axis.tickfont.size) || 12) * 0.55;
    const most = Math.floor(roomPx / perChar);
    const long = axis._categories.some(function (c) { return String(c).length > most; });
    const drawn = (gd.layout[name] || {}).tickmode === "array";
    if (narrow && long && crowding && !drawn) {
      own[key] = true;
      // every step-th name, as plotly's own ticks skip names that have no room
      const fontPx = (axis.tickfont && axis.tickfont.size) || 12;
      const along = name === "xaxis" ? gd._fullLayout._size.w : gd._fullLayout._size.h;
      const step = Math.max(1, Math.ceil(axis._categories.length * fontPx * 1.2 / along));
      const shown = axis._categories.filter(function (c, i) { return i % step === 0; });
      update[name + ".tickmode"] = "array";
      update[name + ".tickvals"] = shown;
      update[key] = shown.map(function (c) { return shortened(String(c), most); });
    } else if (!narrow && own[key] && drawn) {
      update[name + ".tickmode"] = "auto";
      update[name + ".tickvals"] = null;
      update[key] = null;
    }
  }

  function box(gd, selector) {
    const el = gd.querySelector(selector);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return r.width && r.height ? r : null;
  }

  // On a narrow chart: a legend above the plot that a wrapped title now reaches moves
  // down by the overlap; diagonal category labels turn upright where they pile up; a
  // category axis whose names take most of the width shows them shortened (hover and
  // the table keep the whole name). Each returns to the figure's own setting when wide.
  function fitNarrow(gd, update) {
    const full = gd._fullLayout;
    const own = stateOf(gd).wideAxes;
    const narrow = gd.clientWidth < NARROW_PX;
    const title = box(gd, ".g-gtitle"), legend = box(gd, ".infolayer .legend");
    if (narrow && title && legend && full.legend && full.legend.y >= 1 &&
        legend.top < title.bottom && legend.left < title.right &&
        legend.right > title.left) {
      // the title stays where it is drawn: left at "auto", plotly centres it in the top
      // margin, and it would follow the legend down half the way
      const top = title.top - gd.getBoundingClientRect().top;
      update["title.yref"] = "container";
      update["title.yanchor"] = "top";
      update["title.y"] = 1 - top / full.height;
      update["margin.t"] = full.margin.t + Math.ceil(title.bottom - legend.top) + 4;
    }
    // A title pinned to the top of the chart (yanchor "top", the Blend's charts) that
    // wrapped: plotly sets its first line above the anchor, and at the top of the chart
    // it was cut in half. It moves down into view, and back when it is one line again.
    // (Wrapped, not narrow: a chart that scrolls in its card wraps to the part shown.)
    const pinned = full.title && full.title.yanchor === "top" && full.title.yref === "container";
    const wrapped = String(read(gd.layout, "title.text") || "").indexOf("<br>") >= 0;
    if (wrapped && pinned && title && title.top - gd.getBoundingClientRect().top < 2) {
      if (own.titleY === undefined) own.titleY = { value: read(gd.layout, "title.y") };
      const above = 2 - (title.top - gd.getBoundingClientRect().top);
      update["title.y"] = (update["title.y"] ?? full.title.y) - above / full.height;
    } else if (!wrapped && own.titleY) {
      update["title.y"] = own.titleY.value;
      delete own.titleY;
    }
    // a legend under the plot that the (wrapped) x title reaches moves down past it
    const xtitle = box(gd, ".g-xtitle");
    if (xtitle && legend && full.legend && full.legend.y < 0 && legend.top < xtitle.bottom &&
        legend.bottom > xtitle.top && legend.left < xtitle.right && legend.right > xtitle.left) {
      update["legend.y"] = full.legend.y - (Math.ceil(xtitle.bottom - legend.top) + 4)
        / full._size.h;
    }
    // a plot that the wrapped titles and a stacked legend squeezed under MIN_PLOT_PX
    // (the coverage lines on a phone: 130 px) makes the figure taller instead
    // (its card's graph box holds a fixed height of its own: the box grows, and the
    // figure, sized by its box, follows; the box's own height is kept on the box)
    const holder = gd.closest(".dash-graph") || gd.parentElement;
    if (narrow && full._size.h < MIN_PLOT_PX - 1) {
      if (holder.dataset.nfiHeight === undefined) holder.dataset.nfiHeight = holder.style.height;
      const grown = full.height + (MIN_PLOT_PX - full._size.h);
      holder.style.height = grown + "px";
      if (gd.layout.height) update.height = grown;   // a figure of fixed height grows too
    } else if (!narrow && holder.dataset.nfiHeight !== undefined) {
      holder.style.height = holder.dataset.nfiHeight;
      delete holder.dataset.nfiHeight;
    }
    // a figure that lists its legend elsewhere on the page (the cluster cards) drops it
    // on a phone rather than squeeze the plot beside it: layout.meta.narrow_legend
    if (read(gd.layout, "meta.narrow_legend") === "hide") {
      if (narrow && gd.layout.showlegend !== false) {
        own.showlegend = true;
        update.showlegend = false;
      } else if (!narrow && own.showlegend && gd.layout.showlegend === false) {
        update.showlegend = true;
      }
    }
    const xaxis = full.xaxis;
    if (xaxis && xaxis.type === "category" && typeof xaxis.tickangle === "number") {
      const angle = Math.abs(xaxis.tickangle);
      if (narrow && angle > 0 && angle < 90) {
        if (!own.tickangle) own.tickangle = { value: (gd.layout.xaxis || {}).tickangle };
        update["xaxis.tickangle"] = -90;
      }
    }
    if (!narrow && own.tickangle) {
      const value = own.tickangle.value === undefined ? "auto" : own.tickangle.value;
      if ((gd.layout.xaxis || {}).tickangle !== value) update["xaxis.tickangle"] = value;
    }
    // a category axis whose names take much of the chart (y: the width, x upright: the
    // height) shows them shortened on a phone
    shortenCategories(gd, "yaxis", narrow, 0.3 * gd.clientWidth,
                      full._size.l > 0.4 * gd.clientWidth, update);
    shortenCategories(gd, "xaxis", narrow, 0.25 * full.height,
                      full._size.b > 0.3 * full.height, update);
    return Object.keys(update).length > 0;
  }

  // Point labels (the market's bubbles) drawn over another label or over another
  // point's marker: the later one is left out, in the figure's own order (the
  // saturation map lists its biggest bubbles first), so a phone shows the labels that
  // fit, never a pile; hover still names every point. Only styles change here, never
  // the figure: no redraw.
  function hideCrowdedLabels(gd) {
    const kept = [];
    const markers = [];
    gd.querySelectorAll(".scatterlayer .trace").forEach(function (trace) {
      const texts = trace.querySelectorAll(".textpoint text");
      if (!texts.length) return;
      const points = Array.prototype.map.call(trace.querySelectorAll(".points .point"),
        function (p) { return p.getBoundingClientRect(); });
      Array.prototype.push.apply(markers, points);
      texts.forEach(function (text, i) { text._ownMarker = points[i]; });
    });
    function hits(r, k, slack) {
      return r.left < k.right - slack && r.right > k.left + slack &&
        r.top < k.bottom - slack && r.bottom > k.top + slack;
    }
    gd.querySelectorAll(".scatterlayer .textpoint text").forEach(function (text) {
      text.style.visibility = "";
      const r = text.getBoundingClientRect();
      if (!r.width) return;
      const crowded = kept.some(function (k) { return hits(r, k, 1); }) ||
        markers.some(function (m) { return m !== text._ownMarker && hits(r, m, 3); });
      if (crowded) text.style.visibility = "hidden";
      else kept.push(r);
    });
  }

  function watch(gd) {
    if (gd._fitsTexts || typeof gd.on !== "function") return;
    gd._fitsTexts = true;
    gd.on("plotly_afterplot", function () { fit(gd); hideCrowdedLabels(gd); });
    fit(gd);
    hideCrowdedLabels(gd);
  }

  window.nfiEachElement(".js-plotly-plot", watch);   // assets/_each_element.js
})();
