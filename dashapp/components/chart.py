"""A chart card: figure, computed insights, "how to read this", a CSV download, and the
same data as a table on request.

Pages lay out `chart_card("universe-additions", how_to_read=...)` and register the
function that returns the chart's data for given filters with `register_csv`, so one
generic callback serves every chart's download with the data behind what is shown, and
another shows it as an HTML table ("Show as table") for screen readers and keyboards.

For assistive tech the chart is a `role=figure` named after the title Plotly draws
(assets/a11y.js copies it) and described by its computed insights (aria-describedby).
"""
from __future__ import annotations

from collections.abc import Callable

import dash_bootstrap_components as dbc
import polars as pl
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html

from dashapp import ids
from dashapp.components.a11y import dom_id
from queries import validation
from queries.export import frame_csv
from queries.filters import Filters

# The toolbar keeps save, zoom, pan and reset: the full set (select, lasso, spikes,
# hover modes, zoom +/-) spanned half a card and covered the chart's title. Plotly 3's
# "Share chart..." would upload the chart's data to Plotly Cloud: never offered.
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": "hover",
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "zoomIn2d", "zoomOut2d",
                                           "autoScale2d", "toggleSpikelines",
                                           "hoverClosestCartesian", "hoverCompareCartesian",
                                           "sendChartToCloud"],
                "toImageButtonOptions": {"format": "png", "scale": 2}}

_CSV_SOURCES: dict[str, Callable[[Filters], pl.DataFrame]] = {}
TABLE_ROWS = 100  # rows "Show as table" lists; the CSV has them all


def register_csv(chart_id: str, source: Callable[[Filters], pl.DataFrame]) -> None:
    """Declare where a chart's downloadable data comes from (filters → frame)."""
    _CSV_SOURCES[chart_id] = source


def graph_id(chart_id: str) -> str:
    return f"{chart_id}-graph"


def insights_id(chart_id: str) -> str:
    return f"{chart_id}-insights"


def chart_card(chart_id: str, how_to_read: str, height: int = 420,
               extra: list | None = None, config: dict | None = None,
               csv_type: str = ids.CSV_BUTTON, min_width: int | None = None) -> dbc.Card:
    """The standard card; the figure's own title states what is shown and its units.
    `config` adds to the Plotly config (e.g. a local topojsonURL for maps). A page whose
    charts are not driven by the global filters passes its own `csv_type` (the button's
    pattern-id type; the download's is the same with "button" → "download") and serves
    the download itself. `min_width`: the figure keeps that width (px) where its card is
    narrower (a phone) and scrolls sideways inside the card, never the page; while it
    scrolls it takes the keyboard focus, which lets arrow keys scroll it
    (assets/table_scroll.js: a tab stop only where there is something to scroll)."""
    graph = dcc.Graph(id=graph_id(chart_id), config={**GRAPH_CONFIG, **(config or {})},
                      style={"height": f"{height}px"})
    # the name until Plotly has drawn the title (a11y.js then names it after the title)
    fallback = "Chart: " + chart_id.replace("-", " ")
    with_table = csv_type == ids.CSV_BUTTON and chart_id in _CSV_SOURCES
    return dbc.Card(dbc.CardBody([
        *(extra or []),
        html.Div(dcc.Loading(graph, type="dot", color="#E50914"), role="figure",
                 **{"data-chart-figure": chart_id, "aria-label": fallback,
                    "aria-describedby": insights_id(chart_id)},
                 **({"className": "chart-scrolls",
                     "style": {"--chart-min-width": f"{min_width}px"}} if min_width else {})),
        html.Ul(id=insights_id(chart_id), className="insights mb-2", **{"aria-live": "polite"}),
        html.Div([
            html.Details([html.Summary("How to read this"), html.P(how_to_read, className="small")],
                         className="small text-muted flex-grow-1"),
            *([_table_button(chart_id)] if with_table else []),
            dbc.Button("Download CSV", id={"type": csv_type, "chart": chart_id},
                       size="sm", color="light", outline=True, className="ms-2"),
            dcc.Download(id={"type": csv_type.replace("button", "download"),
                             "chart": chart_id}),
        ], className="d-flex align-items-start flex-wrap gap-1"),
        *([html.Div(id={"type": ids.CHART_TABLE, "chart": chart_id})] if with_table else []),
    ]), className="mb-3 h-100")


def _table_button(chart_id: str) -> html.Button:
    """A toggle that says whether the table is shown (aria-expanded) and where it is."""
    return html.Button("Show as table", id={"type": ids.CHART_TABLE_BOX, "chart": chart_id},
                       n_clicks=0, className="btn btn-sm btn-outline-light ms-2",
                       **{"aria-expanded": "false",
                          "aria-controls": dom_id({"type": ids.CHART_TABLE, "chart": chart_id})})


def insight_items(sentences: list[str]) -> list[html.Li]:
    """Insights as list items (an empty list renders nothing)."""
    return [html.Li(s) for s in sentences]


@callback(Output({"type": ids.CHART_TABLE, "chart": MATCH}, "children"),
          Output({"type": ids.CHART_TABLE_BOX, "chart": MATCH}, "children"),
          Output({"type": ids.CHART_TABLE_BOX, "chart": MATCH}, "aria-expanded"),
          Input({"type": ids.CHART_TABLE_BOX, "chart": MATCH}, "n_clicks"),
          State(ids.FILTERS_STORE, "data"), prevent_initial_call=True)
def show_table(clicks, store):
    """The chart's data (the CSV's first rows) under the filters of the moment it is
    opened; a click hides it again. The filters are State, not Input: as an Input every
    chart's table callback ran on every filter change (13 requests on Universe), open
    or not; reopening the table shows the current filters' data."""
    clicks = validation.number(clicks, "n_clicks") or 0
    shown = int(clicks) % 2 == 1
    if not shown:
        return [], "Show as table", "false"
    output = ctx.outputs_list[0] if isinstance(ctx.outputs_list, list) else {}
    chart = (output.get("id") or {}).get("chart") if isinstance(output, dict) else None
    if not isinstance(chart, str) or chart not in _CSV_SOURCES:
        raise validation.BadInput(f"no chart {validation.excerpt(chart)} has a table")
    frame = _CSV_SOURCES[chart](Filters.from_store(store))
    return data_table(frame), "Hide table", "true"


def data_table(frame: pl.DataFrame) -> html.Div:
    """A frame's first TABLE_ROWS rows as an accessible table (caption, column headers);
    a scrolling region a keyboard can reach."""
    if frame.is_empty():
        return html.P("No rows under the current filters.", className="small")
    shown = frame.head(TABLE_ROWS)
    caption = (f"The data behind the chart: {frame.height:,} rows"
               + (f", the first {TABLE_ROWS} shown (Download CSV has them all)."
                  if frame.height > TABLE_ROWS else "."))
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in shown.columns]))
    body = html.Tbody([html.Tr([html.Td(_cell(v)) for v in row]) for row in shown.iter_rows()])
    return html.Div(dbc.Table([html.Caption(caption), head, body], size="sm", striped=True,
                              className="mb-0"),
                    className="chart-table mt-2", tabIndex="0", role="region",
                    **{"aria-label": "Chart data table"})


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


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
