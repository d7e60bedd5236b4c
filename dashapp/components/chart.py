"""A chart card: figure, computed insights, "how to read this", and a CSV download.

Pages lay out `chart_card("universe-additions", how_to_read=...)` and register the
function that returns the chart's data for given filters with `register_csv`, so one
generic callback serves every chart's download with the data behind what is shown.
"""
from __future__ import annotations

from collections.abc import Callable

import dash_bootstrap_components as dbc
import polars as pl
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html

from dashapp import ids
from queries import validation
from queries.export import frame_csv
from queries.filters import Filters

GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "toImageButtonOptions": {"format": "png", "scale": 2}}

_CSV_SOURCES: dict[str, Callable[[Filters], pl.DataFrame]] = {}


def register_csv(chart_id: str, source: Callable[[Filters], pl.DataFrame]) -> None:
    """Declare where a chart's downloadable data comes from (filters → frame)."""
    _CSV_SOURCES[chart_id] = source


def graph_id(chart_id: str) -> str:
    return f"{chart_id}-graph"


def insights_id(chart_id: str) -> str:
    return f"{chart_id}-insights"


def chart_card(chart_id: str, how_to_read: str, height: int = 420,
               extra: list | None = None, config: dict | None = None,
               csv_type: str = ids.CSV_BUTTON) -> dbc.Card:
    """The standard card; the figure's own title states what is shown and its units.
    `config` adds to the Plotly config (e.g. a local topojsonURL for maps). A page whose
    charts are not driven by the global filters passes its own `csv_type` (the button's
    pattern-id type; the download's is the same with "button" → "download") and serves
    the download itself."""
    return dbc.Card(dbc.CardBody([
        *(extra or []),
        dcc.Loading(dcc.Graph(id=graph_id(chart_id), config={**GRAPH_CONFIG, **(config or {})},
                              style={"height": f"{height}px"}), type="dot", color="#E50914"),
        html.Ul(id=insights_id(chart_id), className="insights mb-2", **{"aria-live": "polite"}),
        html.Div([
            html.Details([html.Summary("How to read this"), html.P(how_to_read, className="small")],
                         className="small text-muted flex-grow-1"),
            dbc.Button("Download CSV", id={"type": csv_type, "chart": chart_id},
                       size="sm", color="light", outline=True, className="ms-2"),
            dcc.Download(id={"type": csv_type.replace("button", "download"),
                             "chart": chart_id}),
        ], className="d-flex align-items-start"),
    ]), className="mb-3 h-100")


def insight_items(sentences: list[str]) -> list[html.Li]:
    """Insights as list items (an empty list renders nothing)."""
    return [html.Li(s) for s in sentences]


@callback(Output({"type": ids.CSV_DOWNLOAD, "chart": MATCH}, "data"),
          Input({"type": ids.CSV_BUTTON, "chart": MATCH}, "n_clicks"),
          State(ids.FILTERS_STORE, "data"), prevent_initial_call=True)
def download_csv(_clicks, store):
    """The data behind the chart, under the current filters, as a safe CSV."""
    trigger = ctx.triggered_id  # None when a request names no input as changed
    chart = trigger.get("chart") if isinstance(trigger, dict) else None
    if not isinstance(chart, str) or chart not in _CSV_SOURCES:
        raise validation.BadInput(f"no chart {validation.excerpt(chart)} has a CSV")
    frame = _CSV_SOURCES[chart](Filters.from_store(store))
    return dcc.send_string(frame_csv(frame), f"{chart}.csv")
