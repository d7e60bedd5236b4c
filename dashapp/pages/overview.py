"""Overview: headline numbers and additions per year (the landing page)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashapp import figures
from dashapp.state import wh
from queries import catalog

dash.register_page(__name__, path="/", name="Overview", order=0,
                   title="Overview · Netflix Content Insights")


def kpi_card(label: str, value: str, hint: str) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(label, className="text-muted small"),
        html.Div(value, className="fs-3 fw-bold"),
        html.Div(hint, className="small text-muted"),
    ]), className="h-100"), md=3, sm=6, className="mb-3")


def layout(**_query) -> html.Div:
    kpis = catalog.catalog_kpis(wh())
    cards = dbc.Row([
        kpi_card("Titles", f"{kpis.titles:,}", f"{kpis.movies:,} movies · {kpis.shows:,} shows"),
        kpi_card("Countries", f"{kpis.countries:,}", "production countries named"),
        kpi_card("Added", f"{kpis.first_added:%Y} – {kpis.last_added:%Y}",
                 f"last addition {kpis.last_added:%d %b %Y}"),
        kpi_card("Mean IMDb score", f"{kpis.mean_imdb_score:.2f}",
                 f"{kpis.imdb_match_rate:.0%} of titles matched to IMDb"),
    ])
    chart = dcc.Graph(id="overview-additions-by-year",
                      figure=figures.additions_by_year(catalog.additions_by_year(wh())),
                      config={"displaylogo": False})
    return html.Div([html.H2("Netflix catalog at a glance"), cards, dbc.Card(
        dbc.CardBody(chart))])
