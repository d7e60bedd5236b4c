"""Figures and insights for the forecasts panel (frames from models.forecasting)."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashapp.figures.base import base_layout, empty_figure
from dashapp.theme import NETFLIX_RED, genre_colour

MODEL_NAMES = {"naive": "naive", "seasonal_naive": "seasonal naive", "theta": "Theta",
               "ets": "ETS(A,Ad,A)", "sarimax": "SARIMAX airline"}
BANDS = ((95, "rgba(229, 9, 20, 0.16)"), (80, "rgba(229, 9, 20, 0.32)"))
HISTORY_COLOUR = "#BFBFBF"
MISSING_MODEL = "No trained forecasts for this build: run `netflix-insights refresh`"


def model_name(key: str | None) -> str:
    return MODEL_NAMES.get(key or "", key or "—")


def forecast_title(label: str, unit: str, model: str | None, horizon: int) -> dict:
    """Title and subtitle as plotly's own parts (not one text with <br> markup), so
    assets/chart_titles.js can wrap each to a narrow card."""
    return {"text": f"{label} ({unit})",
            "subtitle": {"text": f"history and {horizon}-month forecast by "
                                 f"{model_name(model)}, with 80% and 95% prediction intervals"}}


def forecast_chart(frame: pl.DataFrame, label: str = "", unit: str = "") -> go.Figure:
    """History line, forecast line, and the 95% band drawn under the 80% band."""
    if frame.is_empty():
        return empty_figure("Forecast", MISSING_MODEL)
    hist = frame.filter(pl.col("part") == "history")
    ahead = frame.filter(pl.col("part") == "forecast")
    model = frame["model"][0]
    fig = go.Figure(go.Scatter(
        x=hist["month"].to_list(), y=hist["value"].to_list(), name="history", mode="lines",
        line={"color": HISTORY_COLOUR, "width": 1.6},
        hovertemplate="%{x|%b %Y}: %{y:,.1f} " + unit + "<extra>history</extra>"))
    if not ahead.is_empty():
        _add_forecast(fig, hist.tail(1), ahead, unit)
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    fig.update_xaxes(title_text="month")
    base_layout(fig, "", hovermode="x unified")
    fig.update_layout(title=forecast_title(label, unit, model, ahead.height), margin={"t": 80},
                      legend={"y": -0.18, "yanchor": "top", "x": 0, "xanchor": "left"})
    return fig


def _add_forecast(fig: go.Figure, last: pl.DataFrame, ahead: pl.DataFrame, unit: str) -> None:
    x = ahead["month"].to_list()
    for level, colour in BANDS:
        fig.add_trace(go.Scatter(x=x, y=ahead[f"lower{level}"].to_list(), mode="lines",
                                 line={"width": 0}, showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(
            x=x, y=ahead[f"upper{level}"].to_list(), mode="lines", line={"width": 0},
            fill="tonexty", fillcolor=colour, name=f"{level}% interval",
            customdata=ahead[f"lower{level}"].to_list(),
            hovertemplate=f"{level}%: %{{customdata:,.1f}}–%{{y:,.1f}}<extra></extra>"))
    # the forecast line starts at the last observed month so the two lines join
    fig.add_trace(go.Scatter(
        x=last["month"].to_list() + x, y=last["value"].to_list() + ahead["value"].to_list(),
        name="forecast", mode="lines+markers", line={"color": NETFLIX_RED, "width": 2.4},
        marker={"size": 5},
        hovertemplate="%{x|%b %Y}: %{y:,.1f} " + unit + "<extra>forecast</extra>"))


def forecast_insights(frame: pl.DataFrame, scores: pl.DataFrame, unit: str = "",
                      summable: bool = True) -> list[str]:
    """What the forecast says next to the same months a year before, and how well the
    shown model did in the backtest compared with seasonal naive. `summable` is False
    for means (popularity), whose monthly values do not add up to a total."""
    ahead = frame.filter(pl.col("part") == "forecast") if not frame.is_empty() else frame
    if ahead.is_empty():
        return []
    hist = frame.filter(pl.col("part") == "history")
    h, model = ahead.height, ahead["model"][0]
    mean = float(ahead["value"].mean())
    total = f" ({float(ahead['value'].sum()):,.0f} in total)" if summable else ""
    name = model_name(model)
    first = (f"{name[:1].upper() + name[1:]} forecasts {mean:,.1f} {unit} on average over the next "
             f"{h} months{total}")
    if hist.height >= 12:
        before = float(hist.tail(12).head(h)["value"].mean())
        change = f", {mean / before - 1:+.0%}" if before else ""
        first += f", against {before:,.1f} in the same months a year earlier{change}"
    out = [first + "."] + _score_sentence(scores, model)
    width = float((ahead["upper80"] - ahead["lower80"]).mean())
    out.append(f"The 80% interval is {width:,.1f} wide on average ({unit}): 1 month in 5 is "
               "expected to fall outside it if the past errors carry on.")
    return out


def _score_sentence(scores: pl.DataFrame, model: str) -> list[str]:
    row = scores.filter(pl.col("candidate") == model)
    base = scores.filter(pl.col("candidate") == "seasonal_naive")
    if row.is_empty() or row["mase"][0] is None:
        return ["This model has no backtest score for this series (see the notes)."]
    m = row["mase"][0]
    if model == "seasonal_naive" or base.is_empty() or base["mase"][0] is None:
        return [f"Backtest MASE of {model_name(model)}: {m:.2f}."]
    b = base["mase"][0]
    verdict = "lower" if m < b else "higher"
    return [f"Backtest MASE {m:.2f} vs {b:.2f} for seasonal naive: "
            f"{abs(1 - m / b):.0%} {verdict} error than repeating last year."]


MOMENTUM_TITLE = "Momentum: forecast change, next 12 months vs last 12 (%)"


def momentum_chart(frame: pl.DataFrame) -> go.Figure:
    f = frame.drop_nulls("growth") if not frame.is_empty() else frame
    if f.is_empty():
        return empty_figure(MOMENTUM_TITLE, MISSING_MODEL)
    f = f.sort("growth")
    fig = go.Figure(go.Bar(
        x=(100 * f["growth"]).to_list(), y=f["name"].to_list(), orientation="h",
        marker_color=[genre_colour(n) for n in f["name"].to_list()],
        marker_line={"color": ["#FFFFFF" if fb else "rgba(0,0,0,0)" for fb in f["fallback"].to_list()],
                     "width": 1.5},
        customdata=list(zip(f["last_12"].to_list(), f["next_12"].to_list(),
                            [model_name(m) for m in f["model"].to_list()],
                            [m if m is not None else float("nan") for m in f["mase"].to_list()])),
        hovertemplate="%{y}: %{x:+.0f}%<br>last 12 months %{customdata[0]:,.0f} → next 12 "
                      "forecast %{customdata[1]:,.0f}<br>%{customdata[2]}, backtest MASE "
                      "%{customdata[3]:.2f}<extra></extra>"))
    fig.add_vline(x=0, line={"color": "#888", "width": 1})
    fig.update_xaxes(title_text="forecast change vs last 12 months (%)", ticksuffix="%")
    return base_layout(fig, MOMENTUM_TITLE)


def momentum_insights(frame: pl.DataFrame) -> list[str]:
    f = frame.drop_nulls("growth") if not frame.is_empty() else frame
    if f.is_empty():
        return []
    top, bottom = f.sort("growth", descending=True).row(0, named=True), f.sort("growth").row(0, named=True)
    out = [f"Strongest momentum: {top['name']} ({top['growth']:+.0%}, {top['last_12']:,.0f} → "
           f"{top['next_12']:,.0f}); weakest: {bottom['name']} ({bottom['growth']:+.0%})."]
    shaky = f.filter(pl.col("mase") > 1)
    if shaky.height:
        out.append(f"{shaky.height} of {f.height} rankings rest on a model whose backtest "
                   "error exceeds the typical year-on-year change (MASE > 1): read those "
                   "as direction at most.")
    return out
