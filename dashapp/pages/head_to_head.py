"""Head-to-Head: two genres, two countries or two titles side by side, with a winner.

The comparison is part of the path (/head-to-head/<mode>/<a>/<b>, see _h2h_view), so
it can be bookmarked and shared with the global filters in the query string. Changing
a picker navigates to the new path; the page is re-rendered for it.
"""
from __future__ import annotations

from typing import NamedTuple
from urllib.parse import unquote

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from dashapp import ids
from dashapp.components.chart_spec import Chart, register_charts
from dashapp.figures import head_to_head as figs
from dashapp.pages import _h2h_view as view
from dashapp.state import wh
from queries import head_to_head as h2h
from queries import validation
from queries.filters import Filters

dash.register_page(__name__, path=view.PAGE_PATH, path_template=view.PATH_TEMPLATE,
                   name="Head-to-Head", order=3,
                   title="Head-to-Head · Netflix Content Insights")

DIFF = "h2h-diff"
TREND = "h2h-trend"
TABLE = "h2h-table"
VERDICT = "h2h-verdict"
STORE = "h2h-state"


def comparison_frame(filters: Filters, state: view.State) -> pl.DataFrame:
    """The comparison table behind the difference chart, with the sides' names."""
    table = figs.comparison(h2h.metrics(wh(), filters, state.mode, state.a, state.b),
                            state.mode)
    return table.select(pl.lit(state.mode).alias("mode"),
                        pl.lit(state.names["a"]).alias("side_a"),
                        pl.lit(state.names["b"]).alias("side_b"), pl.all())


def trend_frame(filters: Filters, state: view.State) -> pl.DataFrame:
    if state.mode == "title":
        return h2h.title_context(wh(), state.a, state.b)
    return h2h.additions_by_year(wh(), filters, state.mode, state.a, state.b)


View = view.State  # the page's store, parsed and checked (State is Dash's here)


class Comparison(NamedTuple):
    """What the difference chart, the verdict and the side-by-side table draw."""
    state: view.State
    table: pl.DataFrame          # figs.comparison: one row per metric, both sides
    side_titles: dict            # side → how many titles it holds
    colours: dict                # side → its colour
    measured: set                # the sides with audience metrics


class Trend(NamedTuple):
    state: view.State
    frame: pl.DataFrame          # additions per year, or a title's place in its category


def comparison(filters: Filters, store) -> Comparison:
    state = View.from_store(store)
    frame = h2h.metrics(wh(), filters, state.mode, state.a, state.b)
    side_titles = {r["side"]: r["side_titles"] for r in
                   frame.unique("side").iter_rows(named=True)}
    return Comparison(state, figs.comparison(frame, state.mode), side_titles,
                      figs.SIDE_COLOURS, figs.measured_sides(frame))


def trend(filters: Filters, store) -> Trend:
    state = View.from_store(store)
    return Trend(state, trend_frame(filters, state))


def _trend_figure(t: Trend, _store):
    colours = figs.SIDE_COLOURS
    if t.state.mode == "title":
        return figs.title_context(t.frame, t.state.names, colours)
    return figs.additions_trend(t.frame, t.state.names, colours)


def _trend_title(store) -> str:
    # the raw store: the error may be that it does not parse
    title_mode = isinstance(store, dict) and store.get("mode") == "title"
    return figs.CONTEXT_TITLE if title_mode else figs.TREND_TITLE


def _trend_insights(t: Trend, _store) -> list[str]:
    if t.state.mode == "title":
        return figs.context_insights(t.frame, t.state.names)
    return figs.trend_insights(t.frame, t.state.names)


STATE = Input(STORE, "data")
CHARTS = {spec.id: spec for spec in [
    Chart(id=DIFF, query=comparison, inputs=(STATE,), height=460,
          title=figs.DIFF_TITLE,
          figure=lambda c, _s: figs.differences(c.table, c.state.names, c.colours),
          insights=lambda c, _s: figs.difference_insights(c.table, c.state.names,
                                                          c.state.mode, c.side_titles),
          beside=((Output(VERDICT, "children"),
                   lambda c, _s: view.verdict_banner(c.table, c.state, c.colours, c.measured)),
                  (Output(TABLE, "children"),
                   lambda c, _s: view.metrics_table(c.table, c.side_titles, c.state,
                                                    c.colours))),
          csv=lambda f: comparison_frame(f, view.state_from_request(wh())), how_to_read=(
              "Each bar is one metric's gap between the sides, divided by how much that "
              "metric varies across the whole catalog (its standard deviation; log "
              "scale for votes and popularity), so metrics in different units compare. "
              "Bars to the right favour the first side, to the left the second. A "
              "coloured bar is a win: at least 0.1 SD and, for genres and countries, "
              "larger than sampling noise (95%). Grey bars are ties or traits with no "
              "better direction.")),
    # how to read it depends on the mode: the layout passes it (trend_help)
    Chart(id=TREND, query=trend, inputs=(STATE,), title=_trend_title, figure=_trend_figure,
          insights=_trend_insights, how_to_read="",
          csv=lambda f: trend_frame(f, view.state_from_request(wh()))),
]}
CALLBACKS = register_charts(*CHARTS.values())
# the callbacks as functions (tests): update_comparison → (difference figure, insights,
# verdict, table), update_trend → (figure, insights)
update_comparison, update_trend = CALLBACKS[DIFF], CALLBACKS[TREND]


GROUP_NOTE = ("Means per title; votes and popularity as geometric means (typical title). "
              "Hit rate: share of scored titles in the top quarter of engagement for their "
              "type. ✓ marks the side that wins a performance metric; muted rows describe, "
              "they do not score.")
TITLE_NOTE = ("Each title's own figures. Hit: whether it is in the top quarter of "
              "engagement for its type. ✓ marks the side that wins a performance metric; "
              "muted rows describe, they do not score.")


def layout(mode: str | None = None, a: str | None = None, b: str | None = None,
           **_query) -> html.Div:
    state = view.resolve(wh(), *(unquote(v) if v else v for v in (mode, a, b)))
    trend_help = (
        "Bars show how far each title sits above (right) or below (left) the average "
        "of its own primary category over the whole catalog, per metric, in catalog "
        "standard deviations." if state.mode == "title" else
        "Lines count the filtered titles of each side that Netflix added per calendar "
        "year; the last year may be partial. A title in both sides counts in both.")
    return html.Div([
        dcc.Store(id=STORE, data=state.to_store()),
        html.H2("Head-to-Head"),
        view.controls(state),
        html.Div(id=VERDICT),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody([
                html.H5("Side by side", className="card-title"),
                dcc.Loading(html.Div(id=TABLE), type="dot", color="#E50914"),
                html.Small(TITLE_NOTE if state.mode == "title" else GROUP_NOTE,
                           className="text-muted"),
            ]), className="mb-3 h-100"), lg=5),
            dbc.Col(CHARTS[DIFF].card(), lg=7),
        ]),
        CHARTS[TREND].card(how_to_read=trend_help),
    ])


@callback(Output(ids.URL, "pathname", allow_duplicate=True),
          Input(view.MODE, "value"), Input({"type": view.PICKER, "side": ALL}, "value"),
          State(STORE, "data"), prevent_initial_call=True)
def navigate(mode, picks, store):
    """A new mode or pick is a new page path (bookmarkable; re-renders the page)."""
    path = view.next_path(wh(), ctx.triggered_id == view.MODE, mode, picks, store)
    return path or no_update


@callback(Output({"type": view.PICKER, "side": MATCH}, "options"),
          Input({"type": view.PICKER, "side": MATCH}, "search_value"),
          State({"type": view.PICKER, "side": MATCH}, "value"), State(STORE, "data"),
          prevent_initial_call=True)
def search_titles(search, value, store):
    """Title mode: search the catalog server-side (the picker never holds 8,807 rows)."""
    if not store or not search:
        return no_update
    if View.from_store(store).mode != "title":
        return no_update
    validation.text(search, "search", max_len=200)
    return view.title_options(wh(), search, [value or ""])
