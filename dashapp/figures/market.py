"""Figures and insights for the Market Opportunities page (definitions: docs/MARKET.md).

Frames come from queries/market.py; these functions only draw and word them.
"""
from __future__ import annotations

import math

import polars as pl

from dashapp.figures.base import (
    EMPTY_MESSAGE, Figure, empty_figure, figure, log_axis, merge, none_among_kept, pct)
from dashapp.theme import NETFLIX_RED, genre_colour
from queries.market import SI_UNDER

SATURATION_TITLE = "Genre saturation: titles vs mean IMDb score"
SATURATION_SUBTITLE = "Bubble area = IMDb votes · dashed lines = medians across genre families"
SHARE_TITLE = "Share of {words} by genre (%)"
PARETO_TITLE = "Pareto: {measure} by {dimension} (bars; line = cumulative % of all)"
WINDOWS_TITLE = ("Release windows: % of each genre family's Netflix additions by month "
                 "(complete years to {year}; number = titles)")
MARKET_GREY = "#B3B3B3"
OPPORTUNITY, SATURATED = "#2EC4B6", NETFLIX_RED
# The zone labels are small text on their zone's tint: Netflix red read at 2.7:1 there
# (WCAG asks 4.5:1), this lighter red at 5.7:1; the teal passes as it is.
LABEL_COLOURS = {OPPORTUNITY: OPPORTUNITY, SATURATED: "#FF8A8F"}
ZONE_TINT = 0.09
BAND_COLOURS = {"over-supplied": SATURATED, "under-supplied": OPPORTUNITY,
                "in line": MARKET_GREY}
# The share chart's "SI 1.23" labels are small text on the card: Netflix red read at
# 2.75:1 there, the zone labels' lighter red 5.8:1
BAND_TEXT_COLOURS = {band: LABEL_COLOURS.get(colour, colour)
                     for band, colour in BAND_COLOURS.items()}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
KIND_WORDS = {"movie": "movies", "show": "TV shows", "movie,show": "titles"}
NO_MARKET = ("The TMDB market data has no titles of this type<br>(the snapshot is "
             "movies only).<br>Choose Movies, or no type, to compare shares.")


def swatch(name: str) -> str:
    """An axis label led by the genre's colour, so genres read the same on every chart."""
    return f"<span style='color:{genre_colour(name)}'>■</span> {name}"


def compared_words(frame: pl.DataFrame) -> str:
    """'movies' / 'TV shows' / 'titles': what the share comparison compares."""
    kinds = frame["compared_kinds"].drop_nulls()
    return KIND_WORDS.get(kinds[0] if kinds.len() else "", "titles")


# ---------------------------------------------------------------- saturation map
def saturation_map(frame: pl.DataFrame) -> Figure:
    """Bubbles per genre family: x = titles (log), y = mean IMDb score, area = votes,
    with the opportunity and saturated quadrants cut at the medians."""
    # biggest first, so a small bubble is drawn over a big one rather than hidden by it
    plotted = frame.filter(pl.col("mean_imdb_score").is_not_null() & (pl.col("titles") > 0)) \
        .sort("imdb_votes", descending=True, nulls_last=True, maintain_order=True)
    if plotted.is_empty():
        return empty_figure(SATURATION_TITLE, none_among_kept("IMDb score")
                            if not frame.is_empty() and frame["titles"].sum() else EMPTY_MESSAGE)
    mx, my = plotted["median_titles"][0], plotted["median_imdb_score"][0]
    x_lo, x_hi = plotted["titles"].min() / 1.8, plotted["titles"].max() * 1.8
    y_lo, y_hi = plotted["mean_imdb_score"].min() - 0.3, plotted["mean_imdb_score"].max() + 0.3
    medians = [{"type": "scatter", "x": xs, "y": ys, "mode": "lines", "hoverinfo": "skip",
                "showlegend": False,
                "line": {"color": "rgba(255,255,255,0.35)", "dash": "dash", "width": 1}}
               for xs, ys in (([mx, mx], [y_lo, y_hi]), ([x_lo, x_hi], [my, my]))]
    votes = plotted["imdb_votes"].cast(pl.Float64).fill_null(0)
    sizeref = 2 * max(votes.max() or 1, 1) / 55 ** 2
    diameters = [max(5.0, math.sqrt(v / sizeref)) for v in votes]   # plotly's area sizing
    x_range, y_range = (math.log10(x_lo), math.log10(x_hi)), (y_lo, y_hi)
    bubbles = {
        "type": "scatter", "x": plotted["titles"].to_list(),
        "y": plotted["mean_imdb_score"].to_list(), "mode": "markers+text",
        "text": plotted["genre_family"].to_list(),
        "textposition": label_positions(plotted, x_range, y_range, diameters),
        "textfont": {"size": 11}, "showlegend": False,
        "marker": {"size": votes.to_list(), "sizemode": "area", "sizemin": 5,
                   "sizeref": sizeref,
                   "color": [genre_colour(g) for g in plotted["genre_family"]],
                   "line": {"color": "rgba(255,255,255,0.6)", "width": 1}, "opacity": 0.85},
        "customdata": _saturation_hover(plotted),
        "hovertemplate": ("<b>%{text}</b><br>%{x:,} titles (%{customdata[0]:,} movies)<br>"
                          "Mean IMDb score %{y:.2f} (1–10) from %{customdata[1]:,} scored "
                          "titles<br>%{customdata[2]} IMDb votes<br>%{customdata[3]}"
                          "<br>Zone: %{customdata[4]}<extra></extra>")}
    zones = [_zone((x_lo, mx), (my, y_hi), OPPORTUNITY), _zone((mx, x_hi), (y_lo, my), SATURATED)]
    labels = [_zone_label(0.01, 0.98, "left", "top", "OPPORTUNITY: few titles, strong scores",
                          OPPORTUNITY),
              _zone_label(0.99, 0.02, "right", "bottom",
                          "SATURATED: many titles, weaker scores", SATURATED)]
    return figure(
        [*zones, *medians, bubbles], SATURATION_TITLE, **subtitle(SATURATION_SUBTITLE),
        annotations=labels,
        xaxis={**log_axis(pl.Series([x_lo, x_hi])), "range": list(x_range),
               "title": {"text": f"Netflix titles in the genre family (titles, log scale; "
                                 f"median {mx:,.0f})"}},
        yaxis={"range": list(y_range),
               "title": {"text": f"Mean IMDb score (points, 1–10; median {my:.2f})"}})


def subtitle(text: str) -> dict:
    """Layout for a second title line, clear of the mode bar on narrow cards."""
    return {"title": {"subtitle": {"text": text, "font": {"size": 12}}}, "margin": {"t": 80}}


# The plot area a desktop card gives the saturation map, in px, and the label font's
# average glyph width and line height: labels are placed in this pixel space, where a
# bubble's radius and a label's width can be compared (a phone squeezes the same layout).
PLOT_PX = (680, 330)
GLYPH_PX, LINE_PX = 6.3, 14
LABEL_SPOTS = ("top center", "bottom center", "middle right", "middle left",
               "top right", "top left", "bottom right", "bottom left")


def label_positions(plotted: pl.DataFrame, x_range: tuple[float, float],
                    y_range: tuple[float, float], diameters: list[float]) -> list[str]:
    """Put each bubble's label where its box overlaps least the other bubbles, the other
    labels and the plot's edges, and lies nearer its own bubble than any other (biggest
    bubbles first; ties keep the earlier spot, so a label sits above its bubble when it
    can)."""
    (x0, x1), (y0, y1) = x_range, y_range
    centres = [((math.log10(a) - x0) / (x1 - x0) * PLOT_PX[0],
                (b - y0) / (y1 - y0) * PLOT_PX[1])
               for a, b in zip(plotted["titles"], plotted["mean_imdb_score"])]
    bubbles = [(cx - d / 2, cy - d / 2, cx + d / 2, cy + d / 2)
               for (cx, cy), d in zip(centres, diameters)]

    def box(i: int, spot: str) -> tuple[float, float, float, float]:
        (cx, cy), r = centres[i], diameters[i] / 2 + 2
        w, h = GLYPH_PX * len(plotted["genre_family"][i]), LINE_PX
        vertical, horizontal = spot.split()
        left = {"center": cx - w / 2, "right": cx + r, "left": cx - r - w}[horizontal]
        if vertical == "middle":
            bottom = cy - h / 2
        else:   # a corner spot sits beside the bubble; a centred one clears its top
            lift = r if horizontal == "center" else r * 0.7
            bottom = cy + lift if vertical == "top" else cy - lift - h
        return left, bottom, left + w, bottom + h

    def overlap(a, b) -> float:
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * \
            max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

    def gap(b, j: int) -> float:   # from a label box to bubble j's edge, in px
        (cx, cy), r = centres[j], diameters[j] / 2
        dx, dy = max(b[0] - cx, 0, cx - b[2]), max(b[1] - cy, 0, cy - b[3])
        return math.hypot(dx, dy) - r

    def cost(i: int, spot: str, others: list[tuple]) -> float:
        b = box(i, spot)
        outside = (b[2] - b[0]) * (b[3] - b[1]) - overlap(b, (0, 0, *PLOT_PX))
        # a label nearer another bubble than its own reads as that bubble's name
        mistaken = sum(1 for j in range(len(centres)) if j != i and gap(b, j) < gap(b, i) + 3)
        return (sum(overlap(b, o) for j, o in enumerate(bubbles) if j != i)
                + 2 * sum(overlap(b, o) for o in others) + 2 * outside + 300 * mistaken)

    order = sorted(range(len(centres)), key=lambda k: -diameters[k])
    out: dict[int, str] = {}
    for i in order:   # greedy, then two passes that move a label if that helps
        out[i] = min(LABEL_SPOTS, key=lambda s, i=i: cost(i, s, [box(j, out[j]) for j in out]))
    for _ in range(2):
        for i in order:
            others = [box(j, out[j]) for j in out if j != i]
            out[i] = min(LABEL_SPOTS, key=lambda s, i=i: cost(i, s, others))
    return [out[i] for i in range(len(centres))]


def _zone(xs: tuple, ys: tuple, colour: str) -> dict:
    # a filled trace, not a shape: its corners are plain data values on the log axis
    return {"type": "scatter", "x": [xs[0], xs[1], xs[1], xs[0], xs[0]],
            "y": [ys[0], ys[0], ys[1], ys[1], ys[0]], "fill": "toself",
            "fillcolor": _rgba(colour, ZONE_TINT), "mode": "none", "hoverinfo": "skip",
            "showlegend": False}


def _zone_label(x, y, xanchor, yanchor, text, colour) -> dict:
    return {"text": text, "x": x, "y": y, "xref": "x domain", "yref": "y domain",
            "xanchor": xanchor, "yanchor": yanchor, "showarrow": False,
            "font": {"size": 11, "color": LABEL_COLOURS[colour]}}


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _saturation_hover(plotted: pl.DataFrame) -> list[list]:
    words = compared_words(plotted)
    rows = []
    for r in plotted.iter_rows(named=True):
        si = (f"Saturation Index {r['saturation_index']:.2f} ({r['si_band']}; {words} "
              f"vs TMDB market)" if r["saturation_index"] is not None
              else "Saturation Index: no comparable market genre")
        rows.append([r["movies"], r["scored_titles"], _compact(r["imdb_votes"]), si, r["zone"]])
    return rows


def _compact(n: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= size:
            return f"{n / size:.1f}{suffix}"
    return f"{n:,.0f}"


def saturation_insights(frame: pl.DataFrame) -> list[str]:
    """Zones named, and the genre whose popularity share most differs from its title share."""
    plotted = frame.filter(pl.col("zone").is_not_null())
    if plotted.is_empty():
        return []
    mx, my = plotted["median_titles"][0], plotted["median_imdb_score"][0]
    out = []
    for zone, reading in (("opportunity", f"fewer titles than the median {mx:,.0f} and a mean "
                                          f"IMDb score at or above the median {my:.2f}"),
                          ("saturated", "at least the median number of titles but a "
                                        "below-median score")):
        names = plotted.filter(pl.col("zone") == zone)["genre_family"].to_list()
        if names:
            out.append(f"{zone.capitalize()} zone ({reading}): {', '.join(names)}.")
    gaps = plotted.with_columns(gap=pl.col("popularity_share") - pl.col("title_share"))
    for row in (gaps.sort("gap").row(0, named=True), gaps.sort("gap").row(-1, named=True)):
        if abs(row["gap"]) >= 0.03:
            out.append(f"{row['genre_family']} is {row['title_share']:.0%} of titles but "
                       f"{row['popularity_share']:.0%} of TMDB popularity.")
    return out[:4]


# ---------------------------------------------------------------- share vs market
def share_title(frame: pl.DataFrame) -> str:
    words = compared_words(frame) if not frame.is_empty() else "titles"
    return SHARE_TITLE.format(words=words)


def share_comparison(frame: pl.DataFrame) -> Figure:
    """Dumbbells per family: Netflix share (red) vs market share (grey), SI at right."""
    title = share_title(frame)
    shown = frame.filter(pl.col("saturation_index").is_not_null()).sort("saturation_index")
    if shown.is_empty():
        return empty_figure(title, NO_MARKET if frame["titles"].sum() > 0 else
                            f"No {compared_words(frame)} match these filters"
                            if not frame.is_empty() else EMPTY_MESSAGE)
    names = [swatch(g) for g in shown["genre_family"]]
    nf, mk = (shown["netflix_share"] * 100).to_list(), (shown["market_share"] * 100).to_list()
    custom = shown.select("market_titles", "saturation_index", "si_band").rows()
    words = compared_words(shown)
    x_text = max(nf + mk) * 1.12
    traces = [{"type": "scatter", "x": [v for a, b in zip(nf, mk) for v in (a, b, None)],
               "y": [n for n in names for _ in range(3)], "mode": "lines", "showlegend": False,
               "hoverinfo": "skip", "line": {"color": "rgba(255,255,255,0.3)", "width": 3}}]
    traces += [{"type": "scatter", "x": xs, "y": names, "mode": "markers", "name": label,
                "customdata": custom, "marker": {"size": 12, "color": colour},
                "hovertemplate": (f"%{{y}}<br>{label}: %{{x:.1f}}% of {words}<br>Saturation "
                                  "Index %{customdata[1]:.2f} (%{customdata[2]})<extra></extra>")}
               for label, xs, colour in (("Netflix", nf, NETFLIX_RED),
                                         ("TMDB market", mk, MARKET_GREY))]
    traces.append({"type": "scatter", "x": [x_text] * shown.height, "y": names, "mode": "text",
                   "showlegend": False, "text": [f"SI {v:.2f}" for v in shown["saturation_index"]],
                   "textfont": {"color": [BAND_TEXT_COLOURS[b] for b in shown["si_band"]]},
                   # drawn past the axis end on a narrow chart, not cut at it
                   "textposition": "middle right", "hoverinfo": "skip", "cliponaxis": False})
    look = merge(subtitle("Netflix (red) vs TMDB market (grey), title-weighted · SI = "
                          "Netflix share ÷ market share"),
                 {"legend": {"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0,
                             "xanchor": "left"}, "margin": {"b": 90, "r": 50}})
    return figure(traces, title, **look,
                  xaxis={"title": {"text": f"Share of {words} (%, title-weighted)"},
                         "range": [0, x_text * 1.25], "ticksuffix": "%"})


def share_insights(frame: pl.DataFrame) -> list[str]:
    """Most over- and under-supplied families, and how many sit in each band."""
    shown = frame.filter(pl.col("saturation_index").is_not_null()).sort("saturation_index")
    if shown.is_empty():
        return []
    words = compared_words(shown)
    hi, lo = shown.row(-1, named=True), shown.row(0, named=True)
    out = []
    if hi["si_band"] == "over-supplied":
        out.append(f"Most over-supplied: {hi['genre_family']} is {hi['netflix_share']:.1%} "
                   f"of Netflix {words} vs {hi['market_share']:.1%} of the TMDB market "
                   f"(Saturation Index {hi['saturation_index']:.2f}).")
    if lo["si_band"] == "under-supplied":
        out.append(f"Most under-supplied: {lo['genre_family']} is {lo['netflix_share']:.1%} "
                   f"of Netflix {words} vs {lo['market_share']:.1%} of the market "
                   f"(Saturation Index {lo['saturation_index']:.2f}).")
    under = shown.filter(pl.col("si_band") == "under-supplied")["genre_family"].to_list()
    if under:
        out.append(f"{len(under)} of {shown.height} genre families are under-supplied "
                   f"(Saturation Index ≤ {SI_UNDER:g}): {', '.join(reversed(under))}.")
    missing = frame.filter(pl.col("saturation_index").is_null() & (pl.col("titles") > 0))
    if not missing.is_empty():
        out.append(f"No market counterpart for {', '.join(missing['genre_family'])} "
                   f"(not a TMDB genre of the compared {words}), so no index.")
    return out[:4]


# ---------------------------------------------------------------- Pareto
def pareto_title(dimension_label: str, measure_label: str) -> str:
    unit = "titles" if measure_label == "titles" else "TMDB popularity (points, summed)"
    return PARETO_TITLE.format(measure=unit, dimension=dimension_label)


def pareto_chart(frame: pl.DataFrame, dimension: str, dimension_label: str,
                 measure_label: str) -> Figure:
    """Sorted bars of the top members + the cumulative share of the whole dimension."""
    title = pareto_title(dimension_label, measure_label)
    if frame.is_empty() or not frame["value_total"][0]:
        return empty_figure(title)
    n80 = frame["members_for_80"][0]
    members = frame["member"].to_list()
    colours = [genre_colour(m) if dimension == "genre" else NETFLIX_RED for m in members]
    bars = {"type": "bar", "x": members, "y": frame["value"].to_list(), "name": measure_label,
            "showlegend": False,
            "marker": {"color": colours,
                       "opacity": [1.0 if r <= n80 else 0.45 for r in frame["rank"]],
                       "line": {"color": "rgba(255,255,255,0.3)", "width": 1}},
            "customdata": (frame["share"] * 100).to_list(),
            "hovertemplate": ("<b>%{x}</b><br>%{y:,.0f} " + measure_label +
                              " (%{customdata:.1f}% of all)<extra></extra>")}
    cumulative = {"type": "scatter", "x": members, "y": (frame["cum_share"] * 100).to_list(),
                  "name": "Cumulative %", "yaxis": "y2", "mode": "lines+markers",
                  "line": {"color": "#FFFFFF", "width": 2}, "marker": {"size": 5},
                  "hovertemplate": "%{x}: %{y:.1f}% cumulative<extra></extra>"}
    line80 = {"type": "scatter", "x": [members[0], members[-1]], "y": [80, 80], "yaxis": "y2",
              "mode": "lines", "name": "80%", "hoverinfo": "skip",
              "line": {"color": "rgba(255,255,255,0.45)", "dash": "dash", "width": 1}}
    yaxis = {"title": {"text": measure_label[0].upper() + measure_label[1:]},  # y2: its own
             "tickformat": ","}
    if frame["value"].max() <= 10:
        yaxis["dtick"] = 1  # a few titles each: no half-title ticks
    return figure([bars, cumulative, line80], title, hovermode="x unified",
                  yaxis=yaxis, xaxis={"tickangle": -40, "automargin": True},
                  yaxis2={"overlaying": "y", "side": "right", "range": [0, 105],
                          "ticksuffix": "%", "dtick": 20, "showgrid": False,
                          "title": {"text": "Cumulative share of all (%)"}})


def pareto_answer(frame: pl.DataFrame, dimension_label: str, measure_label: str) -> str:
    """'38% of Netflix categories (16 of 42) make 80% of titles.'"""
    n80, total = frame["members_for_80"][0], frame["members_total"][0]
    if total == 1:  # "100% of Netflix categories (1 of 1)" says nothing
        return f"One {dimension_label} holds all of {measure_label} under these filters."
    return (f"{pct(n80, total)} of {_plural(dimension_label)} ({n80:,} of {total:,}) make "
            f"80% of {measure_label}.")


def pareto_insights(frame: pl.DataFrame, dimension_label: str, measure_label: str) -> list[str]:
    """The 80/20 answer, the head's weight, and titles vs popularity for the leader."""
    if frame.is_empty() or not frame["value_total"][0]:
        return []
    out = [pareto_answer(frame, dimension_label, measure_label)]
    if frame.height >= 3:
        out.append(f"The top 3 ({', '.join(frame['member'][:3])}) alone make "
                   f"{frame['cum_share'][2]:.0%} of {measure_label}.")
    if frame["popularity_share"][0] is None:
        return out  # no popularity at all under these filters: nothing to contrast
    gaps = frame.with_columns(gap=(pl.col("popularity_share") - pl.col("title_share")).abs())
    picks = [frame.row(0, named=True)] + [r for r in gaps.sort("gap", descending=True)
                                          .head(1).iter_rows(named=True) if r["gap"] >= 0.03]
    for row in {r["member"]: r for r in picks}.values():
        out.append(f"{row['member']} is {_share(row['title_share'])} of titles but "
                   f"{_share(row['popularity_share'])} of TMDB popularity (shares across all "
                   f"{_plural(dimension_label)}).")
    return out[:4]


def _share(x: float) -> str:
    return f"{x:.1%}" if x >= 0.01 or x == 0 else f"{x:.2%}"


def _plural(label: str) -> str:
    return label if label.endswith("s") else (
        label[:-1] + "ies" if label.endswith("y") else label + "s")


# ---------------------------------------------------------------- release windows
def release_heatmap(frame: pl.DataFrame) -> Figure:
    """Month × genre family: colour = share of the family's additions (even = 8.3%)."""
    if frame.is_empty() or frame["titles_added"].sum() == 0:
        # no year to cite: the title stops at what the chart shows
        return empty_figure(WINDOWS_TITLE.split(" (")[0])
    title = WINDOWS_TITLE.format(year=frame["last_full_year"][0])
    order = (frame.group_by("genre_family").agg(pl.col("titles_added").sum())
             .sort(["titles_added", "genre_family"], descending=[False, True])["genre_family"])
    grid = {g: frame.filter(pl.col("genre_family") == g).sort("month") for g in order}
    custom = [[[r["titles_added"], g, _market_text(r, g)] for r in grid[g].iter_rows(named=True)]
              for g in order]
    z = [(grid[g]["share_of_genre"] * 100).to_list() for g in order]
    # A share runs from 0%, with the even spread (8.3%) the neutral colour. zmid did
    # that by mirroring the top about 8.3%: a family all in one month (100%) drew a
    # colour bar from -83%.
    even, top = 100 / 12, max(max((v or 0) for v in row) for row in z)
    top = max(top, 2 * even)
    heatmap = {
        "type": "heatmap", "z": z, "zmin": 0, "zmax": top,
        "x": MONTHS, "y": [swatch(g) for g in order], "customdata": custom,
        "text": [grid[g]["titles_added"].to_list() for g in order], "texttemplate": "%{text}",
        "textfont": {"size": 10},
        "colorscale": [[0, "#2B6CB0"], [even / top, "#222222"], [1, NETFLIX_RED]],
        "colorbar": {"title": {"text": "% of the<br>family's<br>additions"}, "ticksuffix": "%"},
        "hovertemplate": ("<b>%{customdata[1]} · %{x}</b><br>%{customdata[0]:,} titles added = "
                          "%{z:.1f}% of the family's additions (even spread 8.3%)<br>"
                          "%{customdata[2]}<extra></extra>")}
    # a phone too narrow for the cell numbers hides them (assets/chart_titles.js), and
    # drops this part of the title with them
    return figure([heatmap], title, meta={"cell_text_note": "; number = titles"},
                  xaxis={"title": {"text": "Month added to Netflix"}, "side": "bottom"})


def _market_text(row: dict, genre: str) -> str:
    if row["market_share_of_genre"] is None:
        return "TMDB market: no comparable releases"
    return (f"TMDB market: {row['market_share_of_genre']:.1%} of {genre} releases "
            f"({row['market_releases']:,} titles) fall in this month")


def windows_insights(frame: pl.DataFrame, min_titles: int = 50) -> list[str]:
    """Strongest seasonal peak, quietest month, and the largest gap to market timing."""
    if frame.is_empty() or frame["titles_added"].sum() == 0:
        return []
    sized = frame.filter(pl.col("titles_added").sum().over("genre_family") >= min_titles)
    out = []
    if not sized.is_empty():
        peak = sized.sort(["share_of_genre", "genre_family", "month"],
                          descending=[True, False, False]).row(0, named=True)
        out.append(f"{peak['genre_family']} additions peak in {MONTH_NAMES[peak['month'] - 1]}: "
                   f"{peak['share_of_genre']:.0%} of the family's titles vs 8% for an even "
                   f"spread.")
    months = frame.group_by("month").agg(pl.col("titles_added").sum()).sort(
        ["titles_added", "month"])
    total = months["titles_added"].sum()
    low, high = months.row(0, named=True), months.row(-1, named=True)
    out.append(f"{MONTH_NAMES[high['month'] - 1]} is the busiest month "
               f"({pct(high['titles_added'], total)} of genre additions), "
               f"{MONTH_NAMES[low['month'] - 1]} the quietest "
               f"({pct(low['titles_added'], total)}).")
    gaps = sized.filter(pl.col("market_share_of_genre").is_not_null()).with_columns(
        gap=pl.col("share_of_genre") - pl.col("market_share_of_genre"))
    if not gaps.is_empty():
        g = gaps.sort(["gap", "genre_family", "month"],
                      descending=[True, False, False]).row(0, named=True)
        if g["gap"] >= 0.03:
            out.append(f"Netflix adds {g['share_of_genre']:.0%} of its {g['genre_family']} "
                       f"titles in {MONTH_NAMES[g['month'] - 1]}, when only "
                       f"{g['market_share_of_genre']:.0%} of the market's {g['genre_family']} "
                       f"releases come out.")
    return out
