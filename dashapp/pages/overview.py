"""Overview: headline numbers and additions per year, under the global filters.

The pattern every page follows: layout() places chart cards; each callback reads the
filters store, calls one query wrapper, one figure function and one insights function.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from dashapp import ids
from dashapp.components.chart import chart_card, graph_id, insight_items, insights_id, register_csv
from dashapp.figures import overview as figs
from dashapp.state import wh
from queries import catalog
from queries.filters import Filters

dash.register_page(__name__, path="/", name="Overview", order=0,
                   title="Overview · Netflix Content Insights")

ADDITIONS = "overview-additions"
KPIS = "overview-kpis"

register_csv(ADDITIONS, lambda f: catalog.additions_by_year(wh(), f))


def layout(**_query) -> html.Div:
    return html.Div([
        html.H2("Netflix catalog at a glance"),
        dbc.Row(id=KPIS, className="mb-1"),
        chart_card(ADDITIONS, how_to_read=(
            "Each bar is one calendar year of additions to Netflix, split into movies "
            "(red) and TV shows (grey). Titles without a date added are left out. The "
            "last year in the data may be incomplete.")),
    ])


def kpi_card(label: str, value: str, hint: str) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(label, className="text-muted small"),
        html.Div(value, className="fs-3 fw-bold"),
        html.Div(hint, className="small text-muted"),
    ]), className="h-100"), md=3, sm=6, className="mb-3")


@callback(Output(KPIS, "children"), Input(ids.FILTERS_STORE, "data"))
def update_kpis(store):
    k = catalog.catalog_kpis(wh(), Filters.from_store(store))
    if k.titles == 0:
        return [dbc.Col(dbc.Alert("No titles match these filters. Widen them or press "
                                  "Reset filters.", color="secondary"))]
    added = f"{k.first_added:%Y} – {k.last_added:%Y}" if k.first_added else "—"
    score = f"{k.mean_imdb_score:.2f}" if k.mean_imdb_score is not None else "—"
    return [kpi_card("Titles", f"{k.titles:,}", f"{k.movies:,} movies · {k.shows:,} shows"),
            kpi_card("Countries", f"{k.countries:,}", "production countries named"),
            kpi_card("Added", added, f"last addition {k.last_added:%d %b %Y}"
                     if k.last_added else "no dated additions"),
            kpi_card("Mean IMDb score", score,
                     f"{k.imdb_match_rate:.0%} of these titles matched to IMDb")]


@callback(Output(graph_id(ADDITIONS), "figure"), Output(insights_id(ADDITIONS), "children"),
          Input(ids.FILTERS_STORE, "data"))
def update_additions(store):
    frame = catalog.additions_by_year(wh(), Filters.from_store(store))
    return figs.additions_by_year(frame), insight_items(figs.additions_insights(frame))
