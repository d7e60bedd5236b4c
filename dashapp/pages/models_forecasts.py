"""Forecasts panel: pick a series, a horizon and a model; history with the forecast and
its 80%/95% bands, the backtest scores of every candidate next to seasonal naive, and a
momentum ranking of genres.

Every forecast was computed by `refresh` (models/forecasting.py) and is only sliced
here: changing the series, horizon or model never fits anything.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, callback, dcc, html

from dashapp.components import model_status
from dashapp.components.chart_spec import Chart, register_charts
from dashapp.figures import forecasts as figs
from dashapp.state import wh
from models import artifacts, serving
from models._forecast_core import CANDIDATES, HORIZON
from models.forecasting import MOMENTUM_FAMILIES, ForecastBundle
from queries import validation

dash.register_page(__name__, path="/models/forecasts", name="Forecasts", order=11,
                   filters=False,  # the series cover the whole catalog
                   title="Forecasts · Netflix Content Insights")

FORECAST, MOMENTUM = "forecasts-chart", "forecasts-momentum"
SERIES, HORIZON_ID, MODEL = "forecasts-series", "forecasts-horizon", "forecasts-model"
SCORES, NOTES, FAMILY = "forecasts-scores", "forecasts-notes", "forecasts-family"
DEFAULT_SERIES = "netflix_type:movie"


def bundle() -> ForecastBundle | None:
    """The build's forecasts (loaded once per build), or None when not trained."""
    try:
        return serving.load(wh().paths.data_dir, wh().build_id, "forecasts")[0]
    except artifacts.ModelMissing:
        return None


class ForecastView(NamedTuple):
    frame: pl.DataFrame          # history, forecast and bands (empty: nothing trained)
    scores: pl.DataFrame         # the backtest of every candidate
    series: Any                  # the fitted series (label, unit), None when missing
    notes: list[str]             # caveats, first the model asked for but not fitted


def forecast_view(series: str | None, horizon: int | None, model: str | None) -> ForecastView:
    """Slices of the trained forecasts (nothing is fitted here)."""
    b = bundle()
    if b is None or series not in b.series:
        return ForecastView(pl.DataFrame(), pl.DataFrame(), None, [])
    s, notes = b.series[series], list(b.series[series].all_notes())
    if model not in (None, "auto") and model not in s.fit.forecasts:
        notes.insert(0, f"{figs.model_name(model)} was not fitted for this series "
                        f"({s.fit.skipped.get(model, 'unknown model')}); showing auto.")
        model = "auto"
    return ForecastView(b.forecast_frame(series, model or "auto", horizon or HORIZON),
                        b.scores_frame(series), s, notes)


def momentum(family: str | None) -> pl.DataFrame:
    b = bundle()
    # an unknown or crafted value (a number, a list) shows the default family
    family = validation.choice(family, MOMENTUM_FAMILIES, "netflix_genre")
    return b.momentum_frame(family) if b else pl.DataFrame()


def all_forecasts() -> pl.DataFrame:
    """Every series and model (the forecast chart's CSV)."""
    b = bundle()
    return b.all_forecasts() if b else pl.DataFrame()


def all_momentum() -> pl.DataFrame:
    """Every family's momentum (the momentum chart's CSV)."""
    b = bundle()
    return b.momentum_frame() if b else pl.DataFrame()


def _forecast_figure(v: ForecastView, *_values):
    if v.series is None:
        return figs.forecast_chart(v.frame)
    return figs.forecast_chart(v.frame, v.series.label, v.series.unit)


def _forecast_insights(v: ForecastView, *_values) -> list[str]:
    if v.series is None:
        return []
    return figs.forecast_insights(v.frame, v.scores, v.series.unit, summable=v.series.summable)


def _backtest(v: ForecastView, *_values):
    return scores_table(v.scores) if v.series is not None else html.P(figs.MISSING_MODEL)


def _caveats(v: ForecastView, *_values) -> list:
    return notes_view(v.notes) if v.series is not None else []


def _family_picker() -> list:
    return [dbc.RadioItems(id=FAMILY, options=[{"label": v, "value": k}
                                               for k, v in MOMENTUM_FAMILIES.items()],
                           value="netflix_genre", inline=True, className="mb-2 small")]


# Neither chart follows the global filters: forecasts are computed for the whole
# catalog at refresh, and the page's own controls pick what is shown.
SPECS = [
    Chart(id=FORECAST, query=forecast_view, filtered=False, height=460, title="Forecast",
          inputs=(Input(SERIES, "value"), Input(HORIZON_ID, "value"), Input(MODEL, "value")),
          figure=_forecast_figure, insights=_forecast_insights,
          beside=((Output(SCORES, "children"), _backtest),
                  (Output(NOTES, "children"), _caveats)),
          csv=lambda _filters: all_forecasts(),
          how_to_read=(
              "Grey: what happened, month by month. Red: the forecast, with its 80% "
              "(darker) and 95% (lighter) prediction intervals; a month is expected to "
              "land outside the 80% band 1 time in 5. Intervals assume the past errors "
              "carry on and are cut at 0 (no negative counts). Download CSV gives every "
              "series and model.")),
    Chart(id=MOMENTUM, query=momentum, filtered=False, inputs=(Input(FAMILY, "value"),),
          height=440, extra=_family_picker, title=figs.MOMENTUM_TITLE,
          figure=lambda frame, _family: figs.momentum_chart(frame),
          insights=lambda frame, _family: figs.momentum_insights(frame),
          csv=lambda _filters: all_momentum(),
          how_to_read=(
              "Each bar compares the chosen model's forecast total for the next 12 months "
              "with the last 12 observed months. Hover for the totals, the model and its "
              "backtest MASE; a white outline marks a fallback (a baseline chosen because "
              "the series was too short or sparse). Point forecasts only: see the "
              "intervals on the chart above.")),
]
CHARTS = {spec.id: spec for spec in SPECS}
CALLBACKS = register_charts(*SPECS)
update_forecast, update_momentum = CALLBACKS[FORECAST], CALLBACKS[MOMENTUM]


def layout(**_query) -> html.Div:
    b = bundle()
    options = b.options() if b else []
    values = [o["value"] for o in options]
    initial = DEFAULT_SERIES if DEFAULT_SERIES in values else (values[0] if values else None)
    return html.Div([
        html.H2("Forecasts"),
        html.P("Monthly Netflix additions (by type, top categories, top countries) and TMDB "
               "market releases and mean popularity (top genres), 12 months ahead. For each "
               "series five models were backtested on rolling origins; the lowest error wins "
               "unless you pick one. The other pages' filters do not apply here: forecasts are "
               "computed for the whole catalog at refresh. Model card: "
               "docs/models/forecasting.md.", className="text-muted"),
        status_alert(),
        controls(options, initial),
        dbc.Row([
            dbc.Col(CHARTS[FORECAST].card(), lg=8),
            dbc.Col(dbc.Card(dbc.CardBody([
                html.H5("Backtest (MASE, lower is better)"),
                html.Div(id=SCORES),
                html.Div(id=NOTES, className="small", **{"aria-live": "polite"}),
            ]), className="mb-3 h-100"), lg=4),
        ], className="g-3"),
        CHARTS[MOMENTUM].card(),
    ])


def status_alert():
    return model_status.status_alert("forecasts", describe)


def describe(meta) -> str:
    s = {m["metric"]: m["value"] for m in meta.metrics if not m["label"]}
    beats = s.get("share_selected_beats_seasonal_naive_last_origin")
    return (
        f"Forecasts trained on this build ({meta.build_id}) at {meta.trained_at} in "
        f"{meta.train_seconds:.0f} s; statsmodels {meta.versions.get('statsmodels', '?')}. "
        f"{s.get('series', 0):.0f} series; median backtest MASE {s.get('median_mase_chosen', float('nan')):.2f} "
        f"for the chosen models vs {s.get('median_mase_seasonal_naive', float('nan')):.2f} for "
        "seasonal naive" + (f"; picked on earlier origins, the choice beat seasonal naive on "
                            f"the last origin for {beats:.0%} of series." if beats is not None else "."))


def controls(options: list[dict], initial: str | None) -> dbc.Card:
    return dbc.Card(dbc.CardBody(dbc.Row([
        dbc.Col([dbc.Label("Series", html_for=SERIES),
                 dcc.Dropdown(id=SERIES, options=options, value=initial, clearable=False,
                              placeholder="No forecasts in this build")], lg=5),
        dbc.Col([dbc.Label("Horizon (months)", html_for=HORIZON_ID),
                 dcc.Slider(id=HORIZON_ID, min=1, max=HORIZON, step=1, value=HORIZON,
                            marks={k: str(k) for k in (1, 3, 6, 9, 12)})], lg=3),
        dbc.Col([dbc.Label("Model", html_for=MODEL),
                 dbc.RadioItems(id=MODEL, options=model_options(None, None), value="auto",
                                inline=True, className="small")], lg=4),
    ])), className="mb-3")


def model_options(b: ForecastBundle | None, series: str | None) -> list[dict]:
    """auto (naming the chosen model) and every candidate; not fitted ones disabled."""
    s = b.series.get(series) if b and series else None
    auto = f"auto ({figs.model_name(s.fit.chosen)})" if s else "auto"
    return [{"label": auto, "value": "auto"}] + [
        {"label": figs.model_name(c), "value": c,
         "disabled": s is None or c not in s.fit.forecasts} for c in CANDIDATES]


@callback(Output(MODEL, "options"), Input(SERIES, "value"))
def update_model_options(series):
    return model_options(bundle(), series)


def scores_table(scores: pl.DataFrame) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th("model"), html.Th("MASE"), html.Th("÷ seasonal naive"),
                               html.Th("status")]))
    rows = [html.Tr([html.Td(figs.model_name(r["candidate"])),
                     html.Td("—" if r["mase"] is None else f"{r['mase']:.2f}"),
                     html.Td("—" if r["vs_seasonal_naive"] is None else f"{r['vs_seasonal_naive']:.2f}"),
                     html.Td(r["status"] or "")],
                    className="table-danger fw-bold" if r["chosen"] else None)
            for r in scores.iter_rows(named=True)]
    origins = max(scores["origins"].to_list() or [0])
    caption = html.Caption(f"Mean over {origins} rolling origins, 12 months ahead each; "
                           "MASE 1 = the typical year-on-year change of the training data.",
                           className="small text-muted")
    return dbc.Table([caption, head, html.Tbody(rows)], size="sm", striped=True,
                     className="mb-2 caption-top")


def notes_view(notes: list[str]) -> list:
    if not notes:
        return [html.Small("No caveats for this series: full window, no fallback.",
                           className="text-muted")]
    return [dbc.Alert(html.Ul([html.Li(n) for n in notes], className="mb-0 ps-3"),
                      color="warning", className="py-2 mb-0")]
