"""Content clusters panel: how k was chosen, what each cluster is, and a 2-D map of
titles coloured by cluster.

KMeans on TF-IDF of synopses and Netflix categories is trained by `refresh`
(models/clusters.py); this page only reads the artifact and narrows it to the filtered
titles (models/panels.py).
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, callback, html

from dashapp import ids
from dashapp.components import model_status
from dashapp.components.chart import (
    chart_card,
    graph_id,
    insight_items,
    insights_id,
    register_csv,
)
from dashapp.components.model_status import csv_or_empty
from dashapp.figures import clusters as figs
from dashapp.figures.base import empty_figure
from dashapp.state import wh
from models import artifacts
from models import panels as mp
from queries.filters import Filters

dash.register_page(__name__, path="/models/clusters", name="Clusters", order=14,
                   title="Content clusters · Netflix Content Insights")

KSEL, MAP, CARDS = "clusters-k", "clusters-map", "clusters-cards"

register_csv(KSEL, csv_or_empty(lambda f: mp.k_selection(wh())))
register_csv(MAP, csv_or_empty(lambda f: mp.cluster_titles(wh(), f)))


def layout(**_query) -> html.Div:
    return html.Div([
        html.H2("Content clusters"),
        html.P("Titles grouped by what they are about: KMeans on TF-IDF features of each "
               "synopsis and its Netflix categories, reduced with TruncatedSVD. The number "
               "of clusters is chosen by the silhouette (left); each cluster is named by its "
               "most distinctive categories and synopsis terms. Model card: "
               "docs/models/clusters.md.", className="text-muted"),
        status_alert(),
        dbc.Row([
            dbc.Col(chart_card(KSEL, height=520, how_to_read=(
                "For each k, KMeans was fitted on every title and scored by the mean "
                "silhouette of a fixed sample of 3,000 titles: how much closer a title is "
                "to its own cluster than to the next one (1 = perfectly separated, 0 = on "
                "a border). The red dot is the k in use. This curve describes the model, "
                "so the global filters do not change it.")), lg=4),
            dbc.Col(chart_card(MAP, height=520, how_to_read=(
                "Each dot is a title, placed by the first two principal components of the "
                "reduced text space and coloured by its cluster; click a legend entry to "
                "hide a cluster. At most 3,000 titles are drawn (a fixed random sample of "
                "the filtered titles, so the picture is the same on every visit); the CSV "
                "has every filtered title.")), lg=8),
        ]),
        html.H4("The clusters", className="mt-2"),
        html.P("Size in the catalog and under the current filters; top terms are the "
               "synopsis words over-represented in the cluster; category shares are the "
               "share of the cluster's titles carrying each; examples are the titles "
               "nearest the cluster's centre.", className="text-muted small"),
        html.Div(id=CARDS, **{"aria-live": "polite"}),
    ])


def status_alert() -> dbc.Alert:
    """What was trained, when, and how k was chosen (or why nothing is shown)."""
    return model_status.status_alert("clusters", describe, alert_id="clusters-status")


def describe(meta) -> list:
    facts = mp.cluster_facts(wh())
    low, high = facts["k_values"]
    return [
        dbc.Badge(f"k = {facts['k']}", color="danger", className="me-2"),
        f"{facts['titles']:,} titles in {facts['k']} clusters, chosen among k = {low}–{high} "
        f"as the smallest k within {facts['tolerance']:.0%} of the best silhouette "
        f"(silhouette {facts['silhouette']:.3f}; {facts['components']} SVD dimensions). ",
        model_status.trained_sentence(meta),
    ]


@callback(Output(graph_id(KSEL), "figure"), Output(insights_id(KSEL), "children"),
          Input(ids.FILTERS_STORE, "data"))
def update_k_selection(_store):
    try:
        frame, tolerance = mp.k_selection(wh()), mp.cluster_facts(wh())["tolerance"]
    except artifacts.ModelMissing:
        return empty_figure(figs.K_TITLE, model_status.NOT_TRAINED), []
    return (figs.k_selection(frame, tolerance),
            insight_items(figs.k_selection_insights(frame, tolerance)))


@callback(Output(graph_id(MAP), "figure"), Output(insights_id(MAP), "children"),
          Output(CARDS, "children"), Input(ids.FILTERS_STORE, "data"))
def update_map(store):
    filters = Filters.from_store(store)
    try:
        points, summary = mp.cluster_map(wh(), filters), mp.cluster_summary(wh(), filters)
        variance = mp.cluster_facts(wh())["map_variance"]
    except artifacts.ModelMissing as exc:
        return empty_figure(figs.MAP_TITLE, model_status.NOT_TRAINED), [], dbc.Alert(str(exc), color="warning")
    return (figs.cluster_map(points, summary),
            insight_items(figs.map_insights(points, summary, variance)), cluster_cards(summary))


def cluster_cards(summary: pl.DataFrame) -> dbc.Row:
    """One card per cluster: colour, name, size, top terms, categories, typical titles."""
    return dbc.Row([dbc.Col(_card(row), md=6, xl=4, className="mb-3")
                    for row in summary.sort("cluster").iter_rows(named=True)])


def _card(row: dict) -> dbc.Card:
    genres = ", ".join(f"{g} {s:.0%}" for g, s in zip(row["top_genres"], row["genre_shares"]))
    return dbc.Card(dbc.CardBody([
        html.H6([html.Span("●", style={"color": figs.cluster_colour(row["cluster"])},
                           className="me-2"), f"{row['cluster']}. {row['name']}"]),
        html.Div(f"{row['titles']:,} titles · {row['filtered']:,} under the current filters",
                 className="small text-muted mb-1"),
        html.Div([html.Strong("Top terms: "), ", ".join(row["top_terms"])], className="small"),
        html.Div([html.Strong("Categories: "), genres], className="small"),
        html.Div([html.Strong("Examples: "), "; ".join(row["examples"])],
                 className="small text-muted"),
    ]), className="h-100", style={"borderLeft": f"4px solid {figs.cluster_colour(row['cluster'])}"})
