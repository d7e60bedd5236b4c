"""Figures and sentences for the Blend page: insight frames in, figure or sentences out.

Each person keeps one colour on every chart (PERSON_COLOURS, in member order).
"""
from __future__ import annotations

import html
from functools import lru_cache

import polars as pl
from plotly.subplots import make_subplots

from base.text import counted, listed
from dashapp.figures.base import Figure, empty_figure, figure

PERSON_COLOURS = ["#E50914", "#3FA7D6", "#F5C518", "#59CD90", "#B07BE8", "#FF8C42"]
PERSON_EXTRA = "<extra>%{fullData.name}</extra>"  # the trace's (escaped) name, not the raw one
NO_VIEWING = "No viewing rows to show (all titles hidden, or no profile yet)"
NO_MATCH = "None of these titles are in the catalog, so genres and countries are unknown"

OVER_TIME_TITLE = "Viewing per month (rows watched: episodes + movies)"
WEEKDAY_TITLE = "Viewing by weekday (% of each person's rows)"
MONTH_TITLE = "Viewing by calendar month (% of each person's rows)"
KIND_TITLE = "Movies vs TV shows (% of each person's rows)"
KIND_WORDS = {"movie": "Movies", "show": "TV shows"}
TOP_SHOWS_TITLE = "Top shows by episodes watched (episodes)"
BINGE_TITLE = "Binge sessions: 3+ episodes of one show in a day (sessions per month)"
GENRE_TITLE = "Genre mix (% of each person's catalog-matched titles)"
COUNTRY_TITLE = "Country mix (% of each person's catalog-matched titles)"


# The legend (people's names, which can be long) on its own row between the title (at the
# very top) and the plot: a legend placed below the plot ran into the axis title and the
# sentences under the chart.
LEGEND_UNDER_TITLE = {"title": {"y": 0.98, "yanchor": "top"}, "margin": {"t": 90},
                      "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0,
                                 "xanchor": "left"}}


def colours(people: list[str]) -> dict[str, str]:
    return {p: PERSON_COLOURS[i % len(PERSON_COLOURS)] for i, p in enumerate(people)}


def over_time(frame: pl.DataFrame, people: list[str]) -> Figure:
    if frame.is_empty():
        return empty_figure(OVER_TIME_TITLE, NO_VIEWING)
    totals = frame.group_by("person", "month").agg(pl.col("rows").sum()).sort("month")
    traces = []
    for person, colour in colours(people).items():
        part = totals.filter(pl.col("person") == person)
        if not part.is_empty():
            # a month with nothing watched is a 0 on the line, not a straight run across
            months = pl.date_range(part["month"].min(), part["month"].max(), "1mo",
                                   eager=True).alias("month").to_frame()
            part = months.join(part, on="month", how="left").with_columns(
                pl.col("rows").fill_null(0))
        traces.append({"type": "scatter", "x": part["month"].to_list(),
                       "y": part["rows"].to_list(), "name": _safe(person),
                       "mode": "lines+markers", "line": {"color": colour, "width": 2},
                       "marker": {"size": 4},
                       "hovertemplate": "%{x|%b %Y}: %{y:,} rows" + PERSON_EXTRA})
    return figure(traces, OVER_TIME_TITLE, hovermode="x unified", **LEGEND_UNDER_TITLE,
                  yaxis={"title": {"text": "rows watched per month"}, "rangemode": "tozero"})


def share_bars(frame: pl.DataFrame, people: list[str], category: str, title: str) -> Figure:
    """Grouped bars of each person's share per category (weekday, month, kind)."""
    if frame.is_empty():
        return empty_figure(title, NO_VIEWING)
    traces = []
    for person, colour in colours(people).items():
        part = frame.filter(pl.col("person") == person)
        x = part[category].to_list()
        if category == "kind":   # as the rest of the app says them, not "movie"/"show"
            x = [KIND_WORDS.get(k, k) for k in x]
        traces.append({"type": "bar", "x": x,
                       "y": part["share"].to_list(), "name": _safe(person),
                       "marker": {"color": colour}, "customdata": part["rows"].to_list(),
                       "hovertemplate": "%{x}: %{y:.0%} (%{customdata:,} rows)" + PERSON_EXTRA})
    return figure(traces, title, barmode="group", **LEGEND_UNDER_TITLE,
                  yaxis={"tickformat": ".0%", "title": {"text": "share of the person's rows"}})


@lru_cache(maxsize=None)
def _panels(count: int) -> tuple[tuple[tuple[str, dict], ...], tuple[dict, ...]]:
    """make_subplots' one-row grid for `count` panels as plain layout, built once per
    count (making it per figure cost more than the rest of the figure): the axes, and
    the panel-title annotations (placeholder text: make_subplots leaves out empty
    titles). Callers copy, never modify."""
    grid = make_subplots(rows=1, cols=count, subplot_titles=["·"] * count,
                         horizontal_spacing=0.25 / max(count, 1) + 0.08)
    plain = grid.layout.to_plotly_json()
    axes = tuple((k, v) for k, v in plain.items() if k.startswith(("xaxis", "yaxis")))
    return axes, tuple(plain.get("annotations", ()))


def top_shows(frame: pl.DataFrame, people: list[str]) -> Figure:
    """One panel per person: their most-watched shows."""
    if frame.is_empty():
        return empty_figure(TOP_SHOWS_TITLE, "No episodes watched")
    axes, titles = _panels(len(people))
    traces = []
    for col, (person, colour) in enumerate(colours(people).items(), start=1):
        part = frame.filter(pl.col("person") == person).reverse()
        suffix = "" if col == 1 else str(col)
        traces.append({"type": "bar", "x": part["episodes"].to_list(),
                       "y": [_safe(_short(s, _label_width(len(people))))
                             for s in part["item_name"]],
                       "orientation": "h", "marker": {"color": colour}, "name": _safe(person),
                       "showlegend": False, "customdata": [_safe(s) for s in part["item_name"]],
                       "hovertemplate": "%{customdata}: %{x:,} episodes" + PERSON_EXTRA,
                       "xaxis": "x" + suffix, "yaxis": "y" + suffix})
    # one episode scale for everyone: 12 episodes drawn as long as another's 30 misled
    layout = {k: {**v, "title": {"text": "episodes"}, **({"matches": "x"} if k != "xaxis" else {})}
              if k.startswith("xaxis") else dict(v) for k, v in axes}
    annotations = [{**a, "text": _safe(p)} for a, p in zip(titles, people)]
    return figure(traces, TOP_SHOWS_TITLE, **LEGEND_UNDER_TITLE, **layout,
                  annotations=annotations)


def binges(frame: pl.DataFrame, people: list[str]) -> Figure:
    if frame.is_empty():
        return empty_figure(BINGE_TITLE, "No binge sessions (3+ episodes of one show in a day)")
    monthly = (frame.with_columns(month=pl.col("watched_on").dt.truncate("1mo"))
               .group_by("person", "month").agg(sessions=pl.len()).sort("month"))
    traces = []
    for person, colour in colours(people).items():
        part = monthly.filter(pl.col("person") == person)
        traces.append({"type": "bar", "x": part["month"].to_list(),
                       "y": part["sessions"].to_list(), "name": _safe(person),
                       "marker": {"color": colour},
                       "hovertemplate": "%{x|%b %Y}: %{y} sessions" + PERSON_EXTRA})
    return figure(traces, BINGE_TITLE, barmode="group", **LEGEND_UNDER_TITLE,
                  yaxis={"title": {"text": "binge sessions"}})


def facet_bars(frame: pl.DataFrame, people: list[str], title: str) -> Figure:
    """Horizontal grouped bars: each person's share of matched titles per value."""
    if frame.is_empty():
        return empty_figure(title, NO_MATCH)
    order = (frame.group_by("value").agg(pl.col("titles").sum())
             .sort(["titles", "value"], descending=[False, True])["value"].to_list())
    traces = []
    for person, colour in colours(people).items():
        part = frame.filter(pl.col("person") == person)
        traces.append({"type": "bar", "y": part["value"].to_list(),
                       "x": part["share"].to_list(), "name": _safe(person),
                       "orientation": "h", "marker": {"color": colour},
                       "customdata": part["titles"].to_list(),
                       "hovertemplate": "%{y}: %{x:.0%} (%{customdata} titles)" + PERSON_EXTRA})
    return figure(traces, title, barmode="group", **LEGEND_UNDER_TITLE,
                  height=max(380, 34 * len(order) * max(len(people), 1) // 2),
                  yaxis={"categoryorder": "array", "categoryarray": order},
                  xaxis={"tickformat": ".0%", "title": {"text": "share of matched titles"}})


def _safe(text: str) -> str:
    """User text as Plotly shows it: Plotly renders a few HTML tags (<a href>, <b>) in
    names, labels and hover text, so escape them; '%{' would start a template."""
    return html.escape(str(text)).replace("%{", "%\u200b{")


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _label_width(panels: int) -> int:
    """Characters of a show's name beside a panel's bars. The first panel's labels get
    a margin of their own; the others have only the gap between panels (_panels): in a
    card the page's width, ~85 characters' worth of the figure's width in all keeps a
    name off the bars of the panel to its left from 700 px up (three people's
    28-character names in a half-width card ran over them)."""
    return 28 if panels == 1 else max(8, int((0.25 / panels + 0.08) * 85))


# --- sentences --------------------------------------------------------------------

def weekend_sentences(weekday: pl.DataFrame) -> list[str]:
    """'Ana watches 41% of her rows on weekends; Ben 23%.'"""
    weekend = (weekday.filter(pl.col("weekday").is_in(["Sat", "Sun"]))
               .group_by("person", maintain_order=True).agg(pl.col("share").sum()))
    if weekend.is_empty():
        return []
    parts = [f"{p} {s:.0%}" for p, s in weekend.iter_rows()]
    peaks = [f"{p}: {listed(days)}" for p, days in _tops(weekday, "weekday")]
    return [f"Share of viewing at weekends: {'; '.join(parts)} (2 of 7 days = 29%).",
            f"Busiest weekday — {'; '.join(peaks)}."]


def over_time_sentences(monthly: pl.DataFrame) -> list[str]:
    """'Ana: 664 rows from Jul 2019 to Sep 2022; busiest month Apr 2021 (40 rows).'"""
    totals = monthly.group_by("person", "month").agg(pl.col("rows").sum())
    out = []
    for (person,), part in totals.group_by("person", maintain_order=True):
        peak = part.sort(["rows", "month"], descending=[True, False]).row(0, named=True)
        out.append(f"{person}: {counted(part['rows'].sum(), 'row')} from "
                   f"{part['month'].min():%b %Y} to {part['month'].max():%b %Y}; busiest month "
                   f"{peak['month']:%b %Y} ({counted(peak['rows'], 'row')}).")
    return sorted(out)


def peak_sentences(shares: pl.DataFrame, category: str, noun: str) -> list[str]:
    """Each person's category with the largest share ('Ana's busiest month: Apr')."""
    even = 1 / shares[category].n_unique()
    share = dict(shares.group_by("person").agg(pl.col("share").max()).iter_rows())
    return [f"{p}'s busiest {noun}{'s' if len(tops) > 1 else ''}: {listed(tops)} "
            f"({share[p]:.0%} of their rows{' each' if len(tops) > 1 else ''}; an even "
            f"spread would give {even:.0%})." for p, tops in sorted(_tops(shares, category))]


def _tops(shares: pl.DataFrame, category: str) -> list[tuple[str, list[str]]]:
    """Each person's categories with the largest share, in the frame's order: a tie
    names them all ("Sam's busiest month: Apr" hid five others at 12.5%)."""
    top = shares.filter(pl.col("share") == pl.col("share").max().over("person"))
    return [(p, part[category].to_list())
            for (p,), part in top.group_by("person", maintain_order=True)]



def kind_sentences(kinds: pl.DataFrame) -> list[str]:
    shows = kinds.filter(pl.col("kind") == "show")
    return [f"{p}: {s:.0%} of rows are TV episodes ({counted(t, 'show')})."
            for p, t, s in shows.select("person", "titles", "share").iter_rows()]


def top_show_sentences(top: pl.DataFrame) -> list[str]:
    firsts = top.group_by("person", maintain_order=True).first()
    return [f"{p}'s most-watched show: {n} ({counted(e, 'episode')})."
            for p, n, e in firsts.select("person", "item_name", "episodes").iter_rows()]


def binge_sentences(sessions: pl.DataFrame, people: list[str]) -> list[str]:
    if sessions.is_empty():
        return []
    out = []
    for person in people:
        part = sessions.filter(pl.col("person") == person)
        if part.is_empty():
            out.append(f"{person}: no binge sessions.")
            continue
        top = part.row(0, named=True)
        out.append(f"{person}: {counted(part.height, 'binge session')}; the longest was "
                   f"{top['episodes']} episodes of {top['item_name']} on "
                   f"{top['watched_on']:%d %b %Y}.")
    return out


def facet_sentences(mix: pl.DataFrame, noun: str) -> list[str]:
    if mix.is_empty():
        return []
    firsts = mix.sort("share", descending=True).group_by("person", maintain_order=True).first()
    out = [f"{p}'s top {noun}: {v} ({s:.0%} of matched titles)."
           for p, v, s in firsts.select("person", "value", "share").iter_rows()]
    if mix["person"].n_unique() > 1:
        spread = (mix.group_by("value").agg(gap=pl.col("share").max() - pl.col("share").min(),
                                            n=pl.col("person").n_unique())
                  .filter(pl.col("n") > 1).sort("gap", descending=True))
        if not spread.is_empty():
            out.append(f"Biggest difference: {spread['value'][0]} "
                       f"({spread['gap'][0] * 100:.0f} percentage points apart).")
    return out


def overlap_sentences(pairs: pl.DataFrame, shared: pl.DataFrame, people: int) -> list[str]:
    if people < 2:
        return ["Add a second person to see what you have in common."]
    out = [f"{a} and {b} both watched {counted(n, 'title')} (Jaccard similarity {j:.2f}: "
           f"0 = nothing shared, 1 = identical)."
           for a, b, n, j in pairs.iter_rows()]
    if people > 2:
        out.append(f"Watched by all {people}: {counted(shared.height, 'title')}.")
    if not shared.is_empty():
        out.append("Most-watched in common: " + ", ".join(shared["item_name"].head(5)) + ".")
    return out



def insight_sentences(frames: dict[str, pl.DataFrame], people: list[str]) -> list[list[str]]:
    """Sentences for the eight charts, in chart order, then the 'in common' list."""
    if not people:
        return [[] for _ in range(8)] + [["Nobody is in this blend yet."]]
    f = frames
    return [over_time_sentences(f["blend-over-time"]), weekend_sentences(f["blend-weekday"]),
            peak_sentences(f["blend-month"], "month", "month"), kind_sentences(f["blend-kinds"]),
            top_show_sentences(f["blend-top-shows"]),
            binge_sentences(f["blend-binges"], people),
            facet_sentences(f["blend-genres"], "genre"),
            facet_sentences(f["blend-countries"], "country"),
            overlap_sentences(f["overlap"], f["shared"], len(people))]
