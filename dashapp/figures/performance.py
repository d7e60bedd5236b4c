"""Figures and insights for the Performance Deep Dive page (pure: frame in, figure out)."""
from __future__ import annotations

import math

import polars as pl
from plotly.subplots import make_subplots

from base.text import counted
from dashapp.figures.base import Figure, count_axis, empty_figure, figure, pct
from dashapp.theme import KIND_COLOURS, KIND_LABELS, LIGHT_TEXT, NETFLIX_RED, genre_colour
from queries.performance import METRICS, PERIODS

CORR_TITLE = "Spearman rank correlation between title metrics (ρ, −1 to +1)"
GENRE_TITLE = "Engagement score by Netflix category (0–100): median and middle half"
# blue (opposite ranks) → near-black (unrelated) → Netflix red (same ranks)
DIVERGING = [[0.0, "#3B82F6"], [0.5, "#262626"], [1.0, NETFLIX_RED]]
# pairs related by construction: engagement is built from the first three metrics, and
# addition lag is year added − release year
BUILT_IN = {frozenset(p) for p in [("engagement_score", "imdb_score"),
                                   ("engagement_score", "imdb_votes"),
                                   ("engagement_score", "tmdb_popularity"),
                                   ("release_year", "addition_lag_years")]}
MIN_PAIR_TITLES = 30  # fewer titles than this: no insight drawn from the pair
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# half-width cards: the legend goes left, under the title, instead of beside it
LEGEND_UNDER_TITLE = {"legend": {"x": 0, "xanchor": "left"}, "margin": {"t": 90}}
# the histogram over its box strip: make_subplots' grid, built once (its output is
# plain layout; making it per figure would cost more than the rest of the figure)
HISTOGRAM_GRID = {k: v for k, v in make_subplots(
    rows=2, cols=1, shared_xaxes=True, row_heights=[0.78, 0.22],
    vertical_spacing=0.04).layout.to_plotly_json().items() if k != "template"}


def label(metric: str) -> str:
    return METRICS[metric].label


def in_sentence(name: str) -> str:
    """'Engagement score' → 'engagement score' inside a sentence; 'IMDb score' and
    'TMDB votes' keep their capitals."""
    first = name.split(" ")[0]
    return name if first[1:] != first[1:].lower() else name[:1].lower() + name[1:]


# --- rank correlations -------------------------------------------------------------

def correlation_matrix(frame: pl.DataFrame) -> tuple[list[str], list[list], list[list]]:
    """(metrics, rho matrix, titles matrix) in METRICS order; None where no title has
    both metrics. Metrics no filtered title has are left out."""
    present = set(frame.filter(pl.col("metric_x") == pl.col("metric_y"))["metric_x"])
    names = [m for m in METRICS if m in present]
    cells = {(r["metric_x"], r["metric_y"]): r for r in frame.iter_rows(named=True)}
    rho = [[None] * len(names) for _ in names]
    titles = [[0] * len(names) for _ in names]
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            cell = cells.get((a, b)) or cells.get((b, a))
            if cell:
                rho[i][j], titles[i][j] = cell["rho"], cell["titles"]
    return names, rho, titles


def _no_minus_zero(r: float) -> float:
    """-0.004 prints as "-0.00": a sign on a value that rounds to zero says nothing."""
    return 0.0 if abs(r) < 0.005 else r


def rank_correlations(frame: pl.DataFrame) -> Figure:
    """Annotated heatmap of Spearman rho; each cell says how many titles it uses."""
    if frame.is_empty():
        return empty_figure(CORR_TITLE)
    names, rho, titles = correlation_matrix(frame)
    # a pair of metrics on a handful of titles has a rho of ±1.00 by chance (2 titles
    # always rank alike or opposite): drawn as "—" with its n, not as a correlation
    rho = [[r if i == j or n >= MIN_PAIR_TITLES else None
            for j, (r, n) in enumerate(zip(row_r, row_n))]
           for i, (row_r, row_n) in enumerate(zip(rho, titles))]
    labels = [label(m) for m in names]
    text = [[("—" if r is None else f"{_no_minus_zero(r):.2f}")
             + f"<br><span style='font-size:9px'>n={n:,}</span>"
             for r, n in zip(row_r, row_n)] for row_r, row_n in zip(rho, titles)]
    heatmap = {
        "type": "heatmap", "z": rho, "x": labels, "y": labels, "text": text,
        "texttemplate": "%{text}", "customdata": titles, "zmin": -1, "zmax": 1,
        "colorscale": DIVERGING, "xgap": 2, "ygap": 2,
        "textfont": {"color": LIGHT_TEXT, "size": 12},
        "colorbar": {"title": {"text": "ρ"}, "tickvals": [-1, -0.5, 0, 0.5, 1]},
        "hovertemplate": "%{y} vs %{x}<br>ρ = %{z:.2f} over %{customdata:,} titles"
                         "<extra></extra>"}
    scope, total = frame["scope_titles"][0], frame["filtered_titles"][0]
    title = CORR_TITLE if scope == total else \
        f"{CORR_TITLE} · sample of {scope:,} of {total:,} titles"
    return figure([heatmap], title, yaxis={"autorange": "reversed"},
                  xaxis={"tickangle": -30})


def _off_diagonal(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter((pl.col("metric_x") != pl.col("metric_y"))
                        & (pl.col("titles") >= MIN_PAIR_TITLES) & pl.col("rho").is_not_null())


def _strength(rho: float) -> str:
    size = abs(rho)
    word = "strongly" if size >= 0.6 else "moderately" if size >= 0.3 else "weakly"
    return f"{word} {'positively' if rho >= 0 else 'negatively'}"


def correlation_insights(frame: pl.DataFrame) -> list[str]:
    """The strongest genuine pair, the weakest-linked quality/reach pair, what drives
    engagement here, and the sample note."""
    pairs = _off_diagonal(frame)
    if pairs.is_empty():
        return []
    genuine = pairs.filter([frozenset((a, b)) not in BUILT_IN for a, b in
                            zip(pairs["metric_x"], pairs["metric_y"])])
    out = []
    if not genuine.is_empty():
        top = genuine.sort(pl.col("rho").abs(), descending=True).row(0, named=True)
        out.append(f"{label(top['metric_x'])} and {label(top['metric_y'])} are the most "
                   f"related pair: {_strength(top['rho'])} (ρ = {top['rho']:.2f} over "
                   f"{top['titles']:,} titles).")
    drivers = pairs.filter((pl.col("metric_x") == "engagement_score")
                           | (pl.col("metric_y") == "engagement_score"))
    drivers = drivers.filter([frozenset((a, b)) in BUILT_IN for a, b in
                              zip(drivers["metric_x"], drivers["metric_y"])])
    if not drivers.is_empty():
        d = drivers.sort("rho", descending=True).row(0, named=True)
        other = d["metric_y"] if d["metric_x"] == "engagement_score" else d["metric_x"]
        out.append(f"Here the engagement score follows {in_sentence(label(other))} most "
                   f"closely (ρ = {d['rho']:.2f}); it is built from IMDb score, votes and TMDB "
                   "popularity, so those cells are high by construction.")
    sizes = pairs.sort("titles").row(0, named=True)
    if sizes["titles"] < 0.5 * pairs["titles"].max():
        out.append(f"Coverage varies: {label(sizes['metric_x'])} × "
                   f"{label(sizes['metric_y'])} rests on only {sizes['titles']:,} titles.")
    scope, total = frame["scope_titles"][0], frame["filtered_titles"][0]
    if scope < total:
        out.append(f"Computed on a reproducible sample of {scope:,} of the {total:,} "
                   "filtered titles.")
    return out


# --- metric distribution -----------------------------------------------------------

def distribution_title(metric: str) -> str:
    spec = METRICS[metric]
    scale = ", log scale" if spec.log_scale else ""
    return f"Distribution of {in_sentence(spec.label)} by type · {spec.unit}{scale}"


def _log_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    vals = list(range(math.floor(lo), math.ceil(hi) + 1))
    return vals, [_compact(10 ** v) for v in vals]


def _compact(x: float) -> str:
    """2 significant figures with k/M/B: 2511.9 → '2.5k', 15.8 → '16', 0.631 → '0.63'."""
    if x == 0:
        return "0"
    x = round(x, -math.floor(math.log10(abs(x))) + 1)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= size:
            return f"{x / size:g}{suffix}"
    return f"{x:g}"


def _edge(x: float, spec) -> str:
    return _compact(10 ** x) if spec.log_scale else f"{x:g}"


def _bin_label(start: float, end: float, spec) -> str:
    """'2.5k–4k', '90–100', or for whole-number bins (end exclusive) '2016–2018' / '1'."""
    if spec.integer:
        last = end - 1
        return f"{start:g}" if last <= start else f"{start:g}–{last:g}"
    return f"{_edge(start, spec)}–{_edge(end, spec)}"


def _value(x: float, metric: str, mean: bool = False) -> str:
    """A value in the metric's units, for sentences."""
    spec = METRICS[metric]
    if metric == "release_year":
        return f"{x:.0f}"
    if (spec.integer and not mean) or (spec.log_scale and x >= 100):
        return f"{x:,.0f}"
    return f"{x:,.1f}"


def metric_distribution(frame: pl.DataFrame, metric: str) -> Figure:
    """Stacked histogram by type, with each type's box (5th–95th percentile whiskers)."""
    title = distribution_title(metric)
    if frame.is_empty():
        return empty_figure(title, "No filtered title has this metric")
    spec = METRICS[metric]
    traces = []
    for kind in ("movie", "show"):
        part = frame.filter(pl.col("kind") == kind)
        if not part.is_empty():
            traces += _histogram_and_box(part, kind, spec)
    axis = {"title": {"text": f"{spec.label} ({spec.unit})"}}
    if spec.log_scale:
        axis["tickvals"], axis["ticktext"] = _log_ticks(frame["bin_start"].min(),
                                                        frame["bin_end"].max())
    # whole titles on the count axis: with one or two titles ",d" alone wrote its 0.2
    # steps as "0 0 0 1 1 1"
    top = frame.group_by("bin_start").agg(pl.col("titles").sum())["titles"].max()
    grid = {**HISTOGRAM_GRID, "yaxis": {**HISTOGRAM_GRID["yaxis"], "title": {"text": "Titles"},
                                        **count_axis(top)},
            "xaxis2": {**HISTOGRAM_GRID["xaxis2"], **axis}}
    return figure(traces, title, barmode="stack", bargap=0, **grid, **LEGEND_UNDER_TITLE)


def _histogram_and_box(part: pl.DataFrame, kind: str, spec) -> list[dict]:
    """One kind's bars (top panel) and box (bottom strip)."""
    starts, ends = part["bin_start"].to_list(), part["bin_end"].to_list()
    s = part.row(0, named=True)
    bars = {"type": "bar", "x": [(a + b) / 2 for a, b in zip(starts, ends)],
            "width": [b - a for a, b in zip(starts, ends)], "y": part["titles"].to_list(),
            "customdata": [_bin_label(a, b, spec) for a, b in zip(starts, ends)],
            "name": KIND_LABELS[kind], "marker": {"color": KIND_COLOURS[kind]},
            "legendgroup": kind, "xaxis": "x", "yaxis": "y",
            "hovertemplate": "%{customdata} " + spec.unit + ": %{y:,} titles<extra>"
                             + KIND_LABELS[kind] + "</extra>"}
    box = {"type": "box", "q1": [s["box_q1"]], "median": [s["box_median"]],
           "q3": [s["box_q3"]], "lowerfence": [s["box_p05"]], "upperfence": [s["box_p95"]],
           "y": [KIND_LABELS[kind]], "orientation": "h", "name": KIND_LABELS[kind],
           "marker": {"color": KIND_COLOURS[kind]}, "legendgroup": kind, "showlegend": False,
           "hoverinfo": "skip", "xaxis": "x2", "yaxis": "y2"}
    return [bars, box]


def distribution_insights(frame: pl.DataFrame, metric: str) -> list[str]:
    """Median per type, the skew (mean vs median), and where most titles sit."""
    if frame.is_empty():
        return []
    spec = METRICS[metric]
    unit = "" if metric == "release_year" else f" {spec.unit}"
    kinds = frame.unique("kind").sort("kind")
    out = [f"{KIND_LABELS[k['kind']]}: median {_value(k['median_value'], metric)}{unit}, "
           f"mean {_value(k['mean_value'], metric, mean=True)}, over "
           f"{counted(k['kind_titles'], 'title')}."
           for k in kinds.iter_rows(named=True)]
    top = kinds.sort("kind_titles", descending=True).row(0, named=True)
    if top["median_value"] and top["mean_value"] > 1.5 * top["median_value"]:
        out.append(f"Right-skewed: for {KIND_LABELS[top['kind']]} the mean is "
                   f"{top['mean_value'] / top['median_value']:.1f}× the median, so a few "
                   "titles pull the average up.")
    per_bin = frame.group_by("bin_start", "bin_end").agg(pl.col("titles").sum())
    peak = per_bin.sort(["titles", "bin_start"], descending=[True, False]).row(0, named=True)
    span = _bin_label(peak["bin_start"], peak["bin_end"], spec)
    out.append(f"The most common {'range' if '–' in span else 'value'} is {span}{unit}, with "
               f"{pct(peak['titles'], per_bin['titles'].sum())} of the titles shown.")
    return out[:4]


# --- by period added ---------------------------------------------------------------

def period_title(period: str) -> str:
    return f"Mean engagement score (0–100) by {PERIODS[period].lower()}, ±95% CI"


def period_labels(period: str, values) -> list[str]:
    return [MONTHS[v - 1] if period == "month" else f"Q{v}" for v in values]


def by_period(frame: pl.DataFrame, period: str) -> Figure:
    """Grouped bars per type with 95% confidence whiskers; hover gives the counts."""
    title = period_title(period)
    scored = frame.filter(pl.col("scored_titles") > 0) if not frame.is_empty() else frame
    if scored.is_empty():
        return empty_figure(title, "No filtered title with a date added has a score")
    traces = []
    for kind in ("movie", "show"):
        part = scored.filter(pl.col("kind") == kind)
        if part.is_empty():
            continue
        traces.append({
            "type": "bar", "x": period_labels(period, part["period"]),
            "y": part["mean_engagement"].to_list(),
            "error_y": {"type": "data", "color": "#BDBDBD", "thickness": 1.2,
                        "array": part["ci95_engagement"].fill_null(0).to_list()},
            "customdata": part.select("ci95_engagement", "scored_titles", "titles_added",
                                      "median_imdb_score").fill_null(float("nan")).rows(),
            "name": KIND_LABELS[kind], "marker": {"color": KIND_COLOURS[kind]},
            "hovertemplate": "%{x}: mean %{y:.1f} ± %{customdata[0]:.1f} (0–100)<br>"
                             "%{customdata[1]:,} scored of %{customdata[2]:,} added<br>"
                             "median IMDb %{customdata[3]:.1f} points<extra>"
                             + KIND_LABELS[kind] + "</extra>"})
    order = period_labels(period, range(1, 13 if period == "month" else 5))
    return figure(traces, title, hovermode="x unified", barmode="group", **LEGEND_UNDER_TITLE,
                  xaxis={"title": {"text": PERIODS[period]}, "categoryorder": "array",
                         "categoryarray": order},
                  yaxis={"title": {"text": "Mean engagement score (0–100)"},
                         "rangemode": "tozero"})


def period_insights(frame: pl.DataFrame, period: str) -> list[str]:
    """Best and worst period for the larger type (do their CIs overlap?), busiest period."""
    scored = frame.filter(pl.col("scored_titles") >= 10) if not frame.is_empty() else frame
    if scored.is_empty():
        return []
    kind = scored.group_by("kind").agg(pl.col("scored_titles").sum()) \
        .sort("scored_titles", descending=True)["kind"][0]
    part = scored.filter(pl.col("kind") == kind).sort("mean_engagement", descending=True)
    name = KIND_LABELS[kind]
    out = []
    if part.height >= 2:
        best, worst = part.row(0, named=True), part.row(-1, named=True)
        b, w = period_labels(period, [best["period"], worst["period"]])
        overlap = (best["mean_engagement"] - (best["ci95_engagement"] or 0)
                   <= worst["mean_engagement"] + (worst["ci95_engagement"] or 0))
        out.append(f"{name} added in {b} score highest ({best['mean_engagement']:.1f}) and "
                   f"those added in {w} lowest ({worst['mean_engagement']:.1f}).")
        out.append("Their 95% intervals overlap, so the gap may be noise."
                   if overlap else "Their 95% intervals do not overlap: the gap is "
                   "larger than sampling noise alone would explain.")
    added = frame.group_by("period").agg(pl.col("titles_added").sum()) \
        .sort("titles_added", descending=True)
    top = added.row(0, named=True)
    name = period_labels(period, [top["period"]])[0]
    share = pct(top["titles_added"], added["titles_added"].sum())
    out.append(f"The busiest {period} for additions is {name} "
               f"({top['titles_added']:,} titles, {share}).")
    return out


# --- engagement by genre -----------------------------------------------------------

def genre_engagement(frame: pl.DataFrame) -> Figure:
    """Median engagement per category (dot) with its interquartile range (whisker)."""
    if frame.is_empty():
        return empty_figure(GENRE_TITLE, "No category has enough scored titles")
    data = frame.sort("median_engagement")
    dots = {
        "type": "scatter", "x": data["median_engagement"].to_list(),
        "y": data["genre"].to_list(), "mode": "markers",
        "marker": {"color": [genre_colour(g) for g in data["genre"]], "size": 11,
                   "line": {"color": "#F5F5F5", "width": 0.5}},
        "error_x": {"type": "data", "symmetric": False, "color": "#8C8C8C", "thickness": 1.5,
                    "array": (data["q3_engagement"] - data["median_engagement"]).to_list(),
                    "arrayminus": (data["median_engagement"]
                                   - data["q1_engagement"]).to_list()},
        "customdata": data.select("q1_engagement", "q3_engagement", "mean_engagement",
                                  "hit_share", "scored_titles").rows(),
        "hovertemplate": "%{y}<br>median %{x:.1f} (middle half %{customdata[0]:.1f}–"
                         "%{customdata[1]:.1f}), mean %{customdata[2]:.1f} (0–100)<br>"
                         "hits %{customdata[3]:.0%} of %{customdata[4]:,} scored titles"
                         "<extra></extra>", "showlegend": False}
    overall = data["overall_median"][0]
    # the dotted line at the overall median, labelled above the plot by the line's own
    # label: an annotation at x = the median widened the axis's autorange to fit its
    # text, which on a phone pushed the axis to start at -31 and crowded the dots right
    line = {"type": "line", "x0": overall, "x1": overall, "xref": "x", "y0": 0, "y1": 1,
            "yref": "y domain", "line": {"color": NETFLIX_RED, "dash": "dot"},
            # short and centred: a shape's label is clipped at the plot's edges
            "label": {"text": f"overall {overall:.1f}", "textangle": 0,
                      "textposition": "end", "xanchor": "center", "yanchor": "bottom",
                      "font": {"size": 12, "color": LIGHT_TEXT}}}
    return figure([dots], GENRE_TITLE, shapes=[line],
                  xaxis={"title": {"text": "Engagement score (0–100)"}},
                  yaxis={"automargin": True})


def genre_insights(frame: pl.DataFrame) -> list[str]:
    """Top and bottom category, how many beat the overall median, best hit rate."""
    if frame.is_empty():
        return []
    data = frame.sort("median_engagement", descending=True)
    top, bottom = data.row(0, named=True), data.row(-1, named=True)
    overall = top["overall_median"]
    out = [f"{top['genre']} leads with a median engagement of "
           f"{top['median_engagement']:.1f} over {counted(top['scored_titles'], 'scored title')} "
           f"(all filtered titles: {overall:.1f})."]
    if data.height >= 2:
        out.append(f"{bottom['genre']} is lowest at {bottom['median_engagement']:.1f}; "
                   f"{(data['median_engagement'] > overall).sum()} of {data.height} "
                   "categories sit above the overall median.")
    hits = data.sort("hit_share", descending=True).row(0, named=True)
    out.append(f"{hits['genre']} has the highest hit rate: {hits['hit_share']:.0%} of its "
               "titles are in the top quartile of engagement for their type.")
    return out
