"""Figures and insights for the overview page."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashapp.figures.base import base_layout, empty_figure, pct
from dashapp.theme import KIND_COLOURS, KIND_LABELS

ADDITIONS_TITLE = "Titles added to Netflix per year (titles)"


def additions_by_year(frame: pl.DataFrame) -> go.Figure:
    """Stacked bars: titles added per year, movies vs TV shows."""
    if frame.is_empty() or frame["titles_added"].sum() == 0:
        return empty_figure(ADDITIONS_TITLE)
    fig = go.Figure()
    for kind in ("movie", "show"):
        part = frame.filter(pl.col("kind") == kind)
        if part.is_empty():
            continue  # no empty legend entry for a kind the filters removed
        fig.add_bar(x=part["year"].to_list(), y=part["titles_added"].to_list(),
                    name=KIND_LABELS[kind], marker_color=KIND_COLOURS[kind],
                    hovertemplate="%{x}: %{y:,} titles<extra>" + KIND_LABELS[kind] + "</extra>")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="Year added", dtick=1)
    fig.update_yaxes(title_text="Titles added")
    return base_layout(fig, ADDITIONS_TITLE, hovermode="x unified")


def additions_insights(frame: pl.DataFrame) -> list[str]:
    """Sentences computed from the data behind additions_by_year."""
    if frame.is_empty() or frame["titles_added"].sum() == 0:
        return []
    per_year = frame.group_by("year").agg(pl.col("titles_added").sum()).sort("year")
    peak = per_year.sort("titles_added", descending=True).row(0, named=True)
    total = per_year["titles_added"].sum()
    shows = frame.filter(pl.col("kind") == "show")["titles_added"].sum()
    out = [f"The busiest year was {peak['year']}, with {peak['titles_added']:,} titles "
           f"added ({pct(peak['titles_added'], total)} of the {total:,} shown)."]
    if 0 < shows < total:  # only worth saying when both kinds are shown
        out.append(f"TV shows are {pct(shows, total)} of additions.")
    if per_year.height >= 2:
        last, prev = per_year.row(-1, named=True), per_year.row(-2, named=True)
        change = (last["titles_added"] - prev["titles_added"]) / max(prev["titles_added"], 1)
        out.append(f"{last['year']} has {last['titles_added']:,} additions, "
                   f"{abs(change):.0%} {'more' if change >= 0 else 'fewer'} than "
                   f"{prev['year']} (the last year may be partial).")
    return out
