"""Pure figure functions: data in, Plotly figure out. No queries, no state."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

NETFLIX_RED = "#E50914"
KIND_COLOURS = {"movie": NETFLIX_RED, "show": "#8C8C8C"}
KIND_LABELS = {"movie": "Movies", "show": "TV shows"}


def base_layout(fig: go.Figure, title: str) -> go.Figure:
    """Dark theme, a title that states the units, readable hover labels."""
    fig.update_layout(template="plotly_dark", title={"text": title, "x": 0.01},
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
                      margin={"l": 50, "r": 20, "t": 60, "b": 40}, hovermode="x unified",
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom",
                              "x": 1, "xanchor": "right"})
    return fig


def empty_figure(title: str, message: str = "No titles match these filters") -> go.Figure:
    """A figure that says why it is empty instead of drawing blank axes."""
    fig = base_layout(go.Figure(), title)
    fig.add_annotation(text=message, showarrow=False, font={"size": 16},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def additions_by_year(frame: pl.DataFrame) -> go.Figure:
    """Stacked bars: titles added per year, movies vs TV shows."""
    title = "Titles added to Netflix per year (titles)"
    if frame.is_empty():
        return empty_figure(title)
    fig = go.Figure()
    for kind in ("movie", "show"):
        part = frame.filter(pl.col("kind") == kind)
        fig.add_bar(x=part["year"].to_list(), y=part["titles_added"].to_list(),
                    name=KIND_LABELS[kind], marker_color=KIND_COLOURS[kind],
                    hovertemplate="%{y:,} titles<extra>" + KIND_LABELS[kind] + "</extra>")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="Year added", dtick=1)
    fig.update_yaxes(title_text="Titles added")
    return base_layout(fig, title)
