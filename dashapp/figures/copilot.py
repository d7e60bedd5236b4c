"""Figures and insights for the investment copilot panel (models/copilot.py)."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashapp.figures.base import base_layout, empty_figure
from dashapp.theme import KIND_COLOURS, KIND_LABELS, NETFLIX_RED

POSITION_TITLE = "Existing titles by predicted hit probability (%, 5-fold CV)"
CALIBRATION_TITLE = "Calibration: predicted vs observed hit share (%, 5-fold CV)"
NO_MODEL = "No trained copilot for this build"


def probability_position(frame: pl.DataFrame, probability: float | None = None) -> go.Figure:
    """Histogram of existing titles' out-of-fold hit probabilities (columns
    oof_probability, is_hit), split by whether they became hits; a line for this title."""
    if frame.is_empty():
        return empty_figure(POSITION_TITLE, NO_MODEL)
    fig = go.Figure()
    for hit, name, colour in ((False, "not a hit", "#8C8C8C"), (True, "hit", NETFLIX_RED)):
        part = frame.filter(pl.col("is_hit") == hit)
        fig.add_trace(go.Histogram(
            x=(100 * part["oof_probability"]).to_list(), name=name, marker_color=colour,
            xbins={"start": 0, "end": 100, "size": 2.5}, opacity=0.85,
            hovertemplate="%{x}% predicted: %{y:,} titles<extra>" + name + "</extra>"))
    fig.update_layout(barmode="stack", bargap=0.05)
    if probability is not None:
        fig.add_vline(x=100 * probability, line={"color": "#FFFFFF", "width": 3, "dash": "dash"},
                      annotation_text=f"this title: {probability:.0%}",
                      annotation_position="top right")
    fig.update_xaxes(title_text="predicted hit probability (%)", range=[0, 100])
    fig.update_yaxes(title_text="titles")
    return base_layout(fig, POSITION_TITLE)


def position_insights(frame: pl.DataFrame, probability: float | None,
                      base_rate: float | None) -> list[str]:
    if frame.is_empty():
        return []
    probs = frame["oof_probability"]
    hits = frame.filter(pl.col("is_hit"))
    out = [f"Among {frame.height:,} existing titles of this type, the model's out-of-fold "
           f"probabilities run from {probs.min():.0%} to {probs.max():.0%} (median "
           f"{probs.median():.0%}); actual hits have a median of "
           f"{hits['oof_probability'].median():.0%}."]
    if probability is not None:
        below = float((probs < probability).mean())
        out.append(f"This title's {probability:.0%} is higher than {below:.0%} of them"
                   + (f"; the base rate is {base_rate:.0%}." if base_rate is not None else "."))
    return out


def calibration(frame: pl.DataFrame) -> go.Figure:
    """Reliability curve per type: rows kind, bin, predicted, observed, titles."""
    if frame.is_empty():
        return empty_figure(CALIBRATION_TITLE, NO_MODEL)
    fig = go.Figure(go.Scatter(x=[0, 100], y=[0, 100], mode="lines", name="perfect calibration",
                               line={"color": "#5A5A5A", "dash": "dot"}, hoverinfo="skip"))
    for kind in ("movie", "show"):
        part = frame.filter(pl.col("kind") == kind)
        if part.is_empty():
            continue
        fig.add_trace(go.Scatter(
            x=(100 * part["predicted"]).to_list(), y=(100 * part["observed"]).to_list(),
            mode="lines+markers", name=KIND_LABELS[kind], marker_color=KIND_COLOURS[kind],
            customdata=part["titles"].to_list(),
            hovertemplate="predicted %{x:.0f}% → observed %{y:.0f}%<br>%{customdata:,} "
                          "titles<extra>" + KIND_LABELS[kind] + "</extra>"))
    fig.update_xaxes(title_text="mean predicted hit probability in the bin (%)", range=[0, 100])
    fig.update_yaxes(title_text="observed hit share in the bin (%)", range=[0, 100])
    # the legend in a corner a calibrated curve never reaches: low predicted, high
    # observed (above the plot it touched the title and the 100 tick; bottom right, on a
    # phone, it covered the points between 20% and 40%)
    return base_layout(fig, CALIBRATION_TITLE).update_layout(legend={
        "orientation": "v", "x": 0.02, "xanchor": "left", "y": 0.98, "yanchor": "top",
        "bgcolor": "rgba(34,34,34,0.85)"})


def calibration_insights(frame: pl.DataFrame) -> list[str]:
    if frame.is_empty():
        return []
    gaps = frame.with_columns(gap=(pl.col("predicted") - pl.col("observed")).abs())
    out = []
    for kind in ("movie", "show"):
        part = gaps.filter(pl.col("kind") == kind)
        if part.is_empty():
            continue
        ece = float((part["gap"] * part["titles"]).sum() / part["titles"].sum())
        worst = part.sort("gap", descending=True).row(0, named=True)
        out.append(f"{KIND_LABELS[kind]}: predictions are off by {100 * ece:.1f} points on "
                   f"average (title-weighted); the worst bin predicts {worst['predicted']:.0%} "
                   f"where {worst['observed']:.0%} were hits ({worst['titles']:,} titles).")
    return out
