"""Figures, comparison logic and insights for the Head-to-Head page (pure functions).

Differences are normalised as (a − b) / the metric's standard deviation over the whole
catalog (on the log10 scale for votes and popularity), so "0.5" means half a typical
catalog spread whatever the metric. A side wins a performance metric when it is higher
by at least TIE_SD; for two groups the gap must also be clear of sampling noise (Welch
95%: |a − b| > 1.96 × √(sd_a²/n_a + sd_b²/n_b)).
"""
from __future__ import annotations

import math

import polars as pl

from base.text import counted
from dashapp.figures.base import Figure, count_axis, empty_figure, figure
from dashapp.theme import NETFLIX_RED, OTHER
from queries.head_to_head import COMPARED, GROUP_MODES

TIE_SD = 0.1
SIDE_B = "#3B82F6"  # blue: side B against side A's Netflix red
DIFF_TITLE = "Difference between the two sides (catalog standard deviations)"
TREND_TITLE = "Titles added to Netflix per year (titles)"
CONTEXT_TITLE = "Each title against its primary category's average (catalog SDs)"


# Netflix red for side A, blue for side B, whatever is compared. Genre mode used the two
# genres' own colours, which made the commonest pair, Dramas vs Comedies, green vs red:
# the pair colour-blind readers cannot tell apart.
SIDE_COLOURS = {"a": NETFLIX_RED, "b": SIDE_B}


def format_value(metric: str, value: float | None, single: bool = False) -> str:
    """A value for people; `single`: one title (hit share reads as yes/no)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if metric == "hit_share":
        return ("yes" if value >= 0.5 else "no") if single else f"{value:.0%}"
    if metric == "release_year":
        return f"{value:.0f}"
    if metric == "runtime_minutes" or (COMPARED[metric].log_scale and value >= 100):
        return f"{value:,.0f}"
    return f"{value:,.2f}" if metric in ("imdb_score", "tmdb_score") else f"{value:,.1f}"


def _pick(frame: pl.DataFrame, side: str) -> dict[str, dict]:
    return {r["metric"]: r for r in frame.filter(pl.col("side") == side).iter_rows(named=True)}


def _better(a: dict, b: dict, std_diff: float | None, group: bool) -> str | None:
    """'a', 'b' or None (tie, not comparable, or not clear of noise for groups)."""
    if std_diff is None or abs(std_diff) < TIE_SD:
        return None
    if group:
        if (a["titles"] or 0) < 2 or (b["titles"] or 0) < 2:
            return None
        se = math.sqrt((a["scale_sd"] or 0) ** 2 / a["titles"]
                       + (b["scale_sd"] or 0) ** 2 / b["titles"])
        if abs(a["scale_mean"] - b["scale_mean"]) <= 1.96 * se:
            return None
    return "a" if std_diff > 0 else "b"


def comparison(frame: pl.DataFrame, mode: str) -> pl.DataFrame:
    """One row per compared metric: both values, title counts, the normalised gap, and
    which side is better ('a'/'b'; null for ties and descriptive metrics)."""
    a, b = _pick(frame, "a"), _pick(frame, "b")
    rows = []
    for metric, spec in COMPARED.items():
        ra, rb = a.get(metric), b.get(metric)
        if not ra or not rb or not ra["titles"] or not rb["titles"]:
            continue
        sd = ra["catalog_sd"]
        diff = (ra["scale_mean"] - rb["scale_mean"]) / sd if sd else None
        better = _better(ra, rb, diff, mode in GROUP_MODES) if spec.higher_is_better else None
        label, unit = spec.label, spec.unit
        if mode not in GROUP_MODES:   # one title's own figure: no mean of anything
            label, unit = (("Hit", "top quarter of its type") if metric == "hit_share"
                           else (label, unit.removesuffix(", geometric mean")))
        rows.append({"metric": metric, "label": label, "unit": unit,
                     "a_value": ra["value"], "b_value": rb["value"],
                     "a_titles": ra["titles"], "b_titles": rb["titles"],
                     "std_diff": diff, "performance": bool(spec.higher_is_better),
                     "better": better})
    schema = {"metric": pl.String, "label": pl.String, "unit": pl.String,
              "a_value": pl.Float64, "b_value": pl.Float64, "a_titles": pl.Int64,
              "b_titles": pl.Int64, "std_diff": pl.Float64, "performance": pl.Boolean,
              "better": pl.String}
    return pl.DataFrame(rows, schema=schema)


def verdict(table: pl.DataFrame) -> dict:
    """{'winner': 'a'|'b'|None, 'won': {'a': [labels], 'b': [labels]}, 'ties': [labels]}."""
    perf = table.filter(pl.col("performance")) if not table.is_empty() else table
    won = {s: perf.filter(pl.col("better") == s)["label"].to_list() for s in ("a", "b")}
    ties = perf.filter(pl.col("better").is_null())["label"].to_list() if \
        not perf.is_empty() else []
    winner = None if len(won["a"]) == len(won["b"]) else \
        ("a" if len(won["a"]) > len(won["b"]) else "b")
    return {"winner": winner, "won": won, "ties": ties}


def measured_sides(frame: pl.DataFrame) -> set[str]:
    """The sides ('a', 'b') with titles on at least one performance metric."""
    performance = [m for m, spec in COMPARED.items() if spec.higher_is_better]
    return set(frame.filter(pl.col("metric").is_in(performance) & (pl.col("titles") > 0))
               ["side"].to_list()) if not frame.is_empty() else set()


def verdict_sentence(v: dict, names: dict[str, str], measured: set[str] = frozenset()) -> str:
    """'Dramas wins 4 of 7 performance metrics (…); Comedies wins 1 (…).' With nothing
    to compare, `measured` (measured_sides) says which side lacks audience metrics."""
    total = len(v["won"]["a"]) + len(v["won"]["b"]) + len(v["ties"])
    if total == 0:
        if len(measured) == 1:   # "neither" blamed a side that had them
            lacking = names["b" if "a" in measured else "a"]
            return (f"Nothing to compare: {lacking} has no audience metrics under these "
                    f"filters (only {names[next(iter(measured))]} has).")
        if len(measured) == 2:   # each has some, none in common (IMDb only vs TMDB only)
            return (f"Nothing to compare: {names['a']} and {names['b']} have audience "
                    "metrics, but no metric in common under these filters.")
        return "Nothing to compare: neither side has audience metrics under these filters."
    parts = []
    for side in ("a", "b"):
        labels = v["won"][side]
        parts.append(f"{names[side]} wins {len(labels)}" +
                     (f" ({', '.join(labels)})" if labels else ""))
    head = (f"{names[v['winner']]} comes out ahead. " if v["winner"] else "A draw. ")
    tail = f"; {len(v['ties'])} too close to call" if v["ties"] else ""
    return f"{head}Of {total} performance metrics, " + "; ".join(parts) + tail + "."


# the zero line of the diverging bar charts
ZERO_LINE = {"type": "line", "x0": 0, "x1": 0, "xref": "x", "y0": 0, "y1": 1,
             "yref": "y domain", "line": {"color": "#BDBDBD", "width": 1}}


def differences(table: pl.DataFrame, names: dict[str, str],
                colours: dict[str, str]) -> Figure:
    """Diverging bars: right = side a higher, left = side b higher; grey = no winner."""
    if table.is_empty():
        return empty_figure(DIFF_TITLE, "No metric has titles on both sides")
    data = table.filter(pl.col("std_diff").is_not_null()).reverse()
    bars = {
        "type": "bar", "x": data["std_diff"].to_list(), "y": data["label"].to_list(),
        "orientation": "h", "marker": {"color": [colours[b] if b else OTHER
                                                 for b in data["better"]]},
        "customdata": [[format_value(m, x), format_value(m, y), u] for m, x, y, u in
                       zip(data["metric"], data["a_value"], data["b_value"], data["unit"])],
        "hovertemplate": "%{y}: %{x:+.2f} SD<br>" + names["a"] + ": %{customdata[0]}<br>"
                         + names["b"] + ": %{customdata[1]} (%{customdata[2]})<extra></extra>"}
    span = max(0.5, float(data["std_diff"].abs().max() or 0) * 1.15)
    return figure([bars], DIFF_TITLE, shapes=[ZERO_LINE], yaxis={"automargin": True},
                  xaxis={"range": [-span, span], "zeroline": False,
                         "title": {"text": f"← {names['b']} higher · {names['a']} higher → "
                                           "(SD)"}})


def difference_insights(table: pl.DataFrame, names: dict[str, str], mode: str,
                        side_titles: dict[str, int] | None = None) -> list[str]:
    """The widest performance gap, the engagement gap, the most different trait, and
    (for groups, given each side's title count) what the audience metrics cover."""
    rated = table.filter(pl.col("std_diff").is_not_null()) if not table.is_empty() else table
    if rated.is_empty():
        return []
    single = mode not in GROUP_MODES
    out = []
    perf = rated.filter(pl.col("performance"))
    if not perf.is_empty():
        big = perf.sort(pl.col("std_diff").abs(), descending=True).row(0, named=True)
        lead = names["a"] if big["std_diff"] > 0 else names["b"]
        out.append(f"The widest performance gap is {big['label']}: {names['a']} "
                   f"{format_value(big['metric'], big['a_value'], single)} vs {names['b']} "
                   f"{format_value(big['metric'], big['b_value'], single)}, "
                   f"{abs(big['std_diff']):.2f} catalog SD in favour of {lead}.")
    eng = rated.filter(pl.col("metric") == "engagement_score")
    if not eng.is_empty():
        e = eng.row(0, named=True)
        # the gap of the shown (rounded) values, so the sentence adds up: 49.2 vs 46.8 is +2.4
        a, b = round(e["a_value"], 1), round(e["b_value"], 1)
        line = f"Engagement: {a:.1f} vs {b:.1f} points ({a - b:+.1f})"
        if not single:
            line += (f", {'a clear gap' if e['better'] else 'not clear of sampling noise'}"
                     f", over {e['a_titles']:,} and {e['b_titles']:,} scored "
                     f"{'title' if e['a_titles'] + e['b_titles'] == 1 else 'titles'}")
        out.append(line + ".")
    desc = rated.filter(~pl.col("performance"))
    if not desc.is_empty():
        d = desc.sort(pl.col("std_diff").abs(), descending=True).row(0, named=True)
        out.append(f"The most different trait is {d['label']} "
                   f"({format_value(d['metric'], d['a_value'])} vs "
                   f"{format_value(d['metric'], d['b_value'])} {d['unit']}).")
    if not single and side_titles:
        out.extend(coverage_insights(table, names, side_titles))
    return out


def coverage_insights(table: pl.DataFrame, names: dict[str, str],
                      side_titles: dict[str, int]) -> list[str]:
    """What each side's engagement and IMDb figures rest on: "Based on 120 of 300
    Dramas titles and 80 of 150 Comedies titles with an engagement score (IMDb- or
    TMDB-based)"; coverage differs between groups, so a gap can partly be who is rated."""
    out = []
    for metric, what in (("engagement_score", "an engagement score (IMDb- or TMDB-based)"),
                         ("imdb_score", "an IMDb score")):
        row = table.filter(pl.col("metric") == metric)
        if row.is_empty():
            continue
        r = row.row(0, named=True)
        a, b = side_titles.get("a", 0), side_titles.get("b", 0)
        out.append(f"Based on {r['a_titles'] or 0:,} of {a:,} {names['a']} titles and "
                   f"{r['b_titles'] or 0:,} of {b:,} {names['b']} titles with {what}.")
    return out


def additions_trend(frame: pl.DataFrame, names: dict[str, str],
                    colours: dict[str, str]) -> Figure:
    """Two lines: filtered titles of each side added per year."""
    if frame.is_empty() or frame["titles_added"].sum() == 0:
        return empty_figure(TREND_TITLE, "Neither side has dated titles under these filters")
    lines = []
    for side in ("a", "b"):
        part = frame.filter(pl.col("side") == side)
        lines.append({"type": "scatter", "x": part["year"].to_list(),
                      "y": part["titles_added"].to_list(), "mode": "lines+markers",
                      "name": names[side], "line": {"color": colours[side], "width": 2.5},
                      "hovertemplate": "%{x}: %{y:,} titles<extra>" + names[side] + "</extra>"})
    return figure(lines, TREND_TITLE, hovermode="x unified",
                  xaxis={"title": {"text": "Year added"}, "dtick": 1},
                  yaxis={**count_axis(frame["titles_added"].max()),
                         "title": {"text": "Titles added"}})


def trend_insights(frame: pl.DataFrame, names: dict[str, str]) -> list[str]:
    """Totals, each side's peak year, and who added more in the latest year."""
    if frame.is_empty() or frame["titles_added"].sum() == 0:
        return []
    out = []
    totals = {s: frame.filter(pl.col("side") == s)["titles_added"].sum() for s in ("a", "b")}
    out.append(f"{names['a']}: {counted(totals['a'], 'title')} added; {names['b']}: "
               f"{totals['b']:,}.")
    for side in ("a", "b"):
        part = frame.filter(pl.col("side") == side)
        if part["titles_added"].sum():
            peak = part.sort(["titles_added", "year"], descending=True).row(0, named=True)
            out.append(f"{names[side]} peaked in {peak['year']} with "
                       f"{counted(peak['titles_added'], 'addition')}.")
    last = frame["year"].max()
    now = {r["side"]: r["titles_added"] for r in
           frame.filter(pl.col("year") == last).iter_rows(named=True)}
    if now.get("a") != now.get("b"):
        ahead = "a" if now.get("a", 0) > now.get("b", 0) else "b"
        out.append(f"In {last} (possibly partial) {names[ahead]} added more "
                   f"({now.get(ahead, 0):,} vs {now.get('b' if ahead == 'a' else 'a', 0):,}).")
    return out


def title_context(frame: pl.DataFrame, names: dict[str, str],
                  colours: dict[str, str]) -> Figure:
    """Grouped bars: each title's gap to its primary category's mean, per metric."""
    data = frame.filter(pl.col("std_diff").is_not_null()) if not frame.is_empty() else frame
    if data.is_empty():
        return empty_figure(CONTEXT_TITLE, "Neither title has audience metrics")
    bars = []
    for side in ("a", "b"):
        part = data.filter(pl.col("side") == side)
        if part.is_empty():
            continue
        bars.append({
            "type": "bar", "y": [COMPARED[m].label for m in part["metric"]],
            "x": part["std_diff"].to_list(), "orientation": "h",
            "name": f"{names[side]} vs {part['primary_genre'][0]}",
            "marker": {"color": colours[side]},
            "customdata": [[format_value(m, t), format_value(m, g)] for m, t, g in
                           zip(part["metric"], part["title_value"], part["genre_value"])],
            "hovertemplate": "%{y}: %{customdata[0]} vs category mean %{customdata[1]} "
                             "(%{x:+.2f} SD)<extra>" + names[side] + "</extra>"})
    return figure(bars, CONTEXT_TITLE, barmode="group", shapes=[ZERO_LINE],
                  xaxis={"title": {"text": "Above (+) or below (−) the category mean, in "
                                           "catalog SDs"}},
                  yaxis={"automargin": True, "autorange": "reversed"})


def context_insights(frame: pl.DataFrame, names: dict[str, str]) -> list[str]:
    """For each title: how far its engagement sits from its category's mean."""
    data = frame.filter(pl.col("std_diff").is_not_null()) if not frame.is_empty() else frame
    out = []
    for side in ("a", "b"):
        part = data.filter(pl.col("side") == side)
        if part.is_empty():
            continue
        above = (part["std_diff"] > 0).sum()
        genre = part["primary_genre"][0]
        eng = part.filter(pl.col("metric") == "engagement_score")
        line = f"{names[side]} beats the {genre} average on {above} of {part.height} metrics"
        if not eng.is_empty():
            e = eng.row(0, named=True)
            line += (f"; engagement {e['title_value']:.1f} vs {e['genre_value']:.1f} "
                     f"over {counted(e['genre_titles'], f'scored {genre} title')}")
        out.append(line + ".")
    return out
