"""Anomalies panel: titles whose IMDb/TMDB metrics are unusual, on a scatter and in a
table with the reason each was flagged.

The IsolationForest is trained by `refresh` (models/anomalies.py); this page only reads
the artifact and narrows it to the filtered titles (models/panels.py).
"""
from __future__ import annotations

from typing import NamedTuple

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, callback, dcc, html

from dashapp import ids
from dashapp.components import model_status
from dashapp.components.chart import register_csv
from dashapp.components.chart_spec import Chart, register_charts
from dashapp.components.model_status import csv_or_empty
from dashapp.figures import anomalies as figs
from dashapp.state import wh
from models import artifacts
from models import panels as mp
from queries import validation
from queries.filters import Filters

dash.register_page(__name__, path="/models/anomalies", name="Anomalies", order=13,
                   title="Anomalies · Netflix Content Insights")

SCATTER, FLAGGED, VIEW = "anomalies-scatter", "anomalies-flagged", "anomalies-view"
TABLE = f"{FLAGGED}-table"
COLUMNS = [("title", "Title"), ("kind", "Type"), ("release_year", "Year"),
           ("imdb_score", "IMDb"), ("imdb_votes", "IMDb votes"), ("tmdb_score", "TMDB"),
           ("tmdb_popularity", "TMDB pop."), ("anomaly_score", "Anomaly score"),
           ("reason", "Why flagged")]
NOWRAP = {"whiteSpace": "nowrap"}
NUMBER_FORMATS = {"imdb_score": "{:.1f}", "imdb_votes": "{:,}", "tmdb_score": "{:.1f}",
                  "tmdb_popularity": "{:,.1f}", "anomaly_score": "{:.3f}"}


class ScatterData(NamedTuple):
    titles: pl.DataFrame     # every scored title passing the filters
    view: str                # which pair of metrics is drawn (validated)
    contamination: float     # the forest's setting, stated in the title


def scatter_data(filters: Filters, view: str) -> ScatterData:
    return ScatterData(mp.anomaly_titles(wh(), filters),
                       validation.choice(view, figs.VIEWS, "imdb"),
                       mp.anomaly_facts(wh())["contamination"])


def _view_picker() -> list:
    return [dbc.RadioItems(id=VIEW, options=[{"label": v, "value": k}
                                             for k, v in figs.VIEW_LABELS.items()],
                           value="imdb", inline=True, className="mb-2 small")]


SCATTER_CHART = Chart(
    id=SCATTER, query=scatter_data, inputs=(Input(VIEW, "value"),), height=560,
    figure=lambda d, _view: figs.scatter(d.titles, d.view, d.contamination),
    insights=lambda d, _view: figs.scatter_insights(d.titles, d.contamination),
    title=lambda view: figs.scatter_title(validation.choice(view, figs.VIEWS, "imdb"), None),
    csv=csv_or_empty(lambda f: mp.anomaly_titles(wh(), f)), extra=_view_picker,
    how_to_read=(
        "Each dot is a title matched to IMDb/TMDB that has all four metrics. Red dots are "
        "the flagged titles; hover one for why. The forest looks at all four metrics at "
        "once, so a red dot in the middle of this view is unusual on the metrics not "
        "drawn: switch views above. Global filters choose which titles are shown; the "
        "model itself was fitted once on the whole catalog."))
update_scatter = register_charts(SCATTER_CHART)[SCATTER]
register_csv(FLAGGED, csv_or_empty(lambda f: mp.flagged_titles(wh(), f)))


def layout(**_query) -> html.Div:
    return html.Div([
        html.H2("Anomalies"),
        html.P("Titles whose audience metrics sit far from the rest of the catalog: an "
               "IsolationForest over IMDb score, log IMDb votes, log TMDB popularity and TMDB "
               "score (standardised) of the titles matched to IMDb/TMDB. It flags a fixed share "
               "of titles, the contamination; each flag comes with the metrics that made it "
               "unusual. Model card: docs/models/anomalies.md.", className="text-muted"),
        status_alert(),
        SCATTER_CHART.card(),
        dbc.Card(dbc.CardBody([
            html.H5("Flagged titles, most unusual first"),
            # a scrolling box is a tab stop (and a named region) so keys can scroll it
            html.Div(id=TABLE, style={"maxHeight": "560px", "overflowY": "auto"}, tabIndex="0",
                     role="region", **{"aria-label": "Flagged titles"}),
            html.Div([
                html.Details([html.Summary("How to read this"), html.P(
                    "Anomaly score is the IsolationForest's (0–1; higher = isolated in fewer "
                    "random splits). A metric is named in the reason when it is at least 1.5 "
                    "standard deviations from the catalog's mean on the model's (log) scale; "
                    "IMDb and TMDB 'disagree' when their scores are 2.5 standard deviations "
                    "apart.", className="small")], className="small text-muted flex-grow-1"),
                dbc.Button("Download CSV", id={"type": ids.CSV_BUTTON, "chart": FLAGGED},
                           size="sm", color="light", outline=True, className="ms-2"),
                dcc.Download(id={"type": ids.CSV_DOWNLOAD, "chart": FLAGGED}),
            ], className="d-flex align-items-start mt-2"),
        ]), className="mb-3"),
    ])


def status_alert() -> dbc.Alert:
    """What was trained, when, and the contamination setting (or why nothing is shown)."""
    return model_status.status_alert("anomalies", describe, alert_id="anomalies-status")


def describe(meta) -> list:
    facts = mp.anomaly_facts(wh())
    stability = (f" Flags overlap {facts['stability']:.0%} (Jaccard) with forests trained with "
                 "other seeds." if facts["stability"] is not None else "")
    return [
        dbc.Badge(f"contamination = {facts['contamination']:g}", color="danger", className="me-2"),
        f"IsolationForest of {facts['trees']} trees: {facts['flagged']:,} of "
        f"{facts['titles']:,} matched titles flagged ({facts['contamination']:.0%} by design).",
        stability, " ", model_status.trained_sentence(meta),
    ]


@callback(Output(TABLE, "children"), Input(ids.FILTERS_STORE, "data"))
def update_flagged(store):
    try:
        frame = mp.flagged_titles(wh(), Filters.from_store(store))
    except artifacts.ModelMissing as exc:
        return dbc.Alert(str(exc), color="warning")
    return flagged_table(frame)


# The reason keeps a readable width: on a phone it was squeezed to ~80 px, each row ~280
# px tall; the table scrolls sideways instead (its right edge fades while it does).
CELL_STYLES = {"title": {"minWidth": "9rem"}, "reason": {"minWidth": "16rem"}}


def flagged_table(frame: pl.DataFrame) -> html.Div:
    """The flagged titles as a plain table (every value a text child: React escapes it)."""
    if frame.is_empty():
        return html.P("No flagged title passes these filters.", className="text-muted")
    head = html.Thead(html.Tr([html.Th(label) for _, label in COLUMNS]))
    rows = [html.Tr([html.Td(_cell(column, row[column]), style=CELL_STYLES.get(column, NOWRAP))
                     for column, _ in COLUMNS])
            for row in frame.iter_rows(named=True)]
    return dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, hover=True,
                     responsive=True, className="mb-0 small")


def _cell(column: str, value) -> str:
    if value is None:
        return "—"
    if column == "kind":
        return {"movie": "Movie", "show": "TV show"}.get(value, value)
    return NUMBER_FORMATS[column].format(value) if column in NUMBER_FORMATS else str(value)
