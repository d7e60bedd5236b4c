"""Content clusters panel: how k was chosen, what each cluster is, and a 2-D map of
titles coloured by cluster.

KMeans on TF-IDF of synopses and Netflix categories is trained by `refresh`
(models/clusters.py); this page only reads the artifact and narrows it to the filtered
titles (models/panels.py).
"""
from __future__ import annotations

from typing import NamedTuple

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Output, html

from dashapp.components import model_status
from dashapp.components.chart_spec import Chart, register_charts
from dashapp.components.model_status import csv_or_empty
from dashapp.figures import clusters as figs
from dashapp.state import wh
from models import panels as mp
from queries.filters import Filters

dash.register_page(__name__, path="/models/clusters", name="Content clusters", order=14,
                   title="Content clusters · Netflix Content Insights")

KSEL, MAP, CARDS = "clusters-k", "clusters-map", "clusters-cards"



class KSelection(NamedTuple):
    tried: pl.DataFrame          # one row per k: silhouette, chosen, best
    tolerance: float | None      # how close to the best silhouette the chosen k may be


class ClusterMap(NamedTuple):
    points: pl.DataFrame         # the drawn titles (a fixed sample of the filtered ones)
    summary: pl.DataFrame        # one row per cluster, with its filtered count
    variance: float              # share of the text space the 2-D map keeps


def k_selection(_filters: Filters) -> KSelection:
    """The model's own curve: the global filters do not change it."""
    return KSelection(mp.k_selection(wh()), mp.cluster_facts(wh())["tolerance"])


def cluster_map(filters: Filters) -> ClusterMap:
    return ClusterMap(mp.cluster_map(wh(), filters), mp.cluster_summary(wh(), filters),
                      mp.cluster_facts(wh())["map_variance"])


CHARTS = {spec.id: spec for spec in [
    Chart(id=KSEL, query=k_selection, title=figs.K_TITLE, height=520,
          figure=lambda d: figs.k_selection(d.tried, d.tolerance),
          insights=lambda d: figs.k_selection_insights(d.tried, d.tolerance),
          csv=csv_or_empty(lambda f: mp.k_selection(wh())), how_to_read=(
              "For each k, KMeans was fitted on every title and scored by the mean "
              "silhouette of a fixed sample of 3,000 titles: how much closer a title is "
              "to its own cluster than to the next one (1 = perfectly separated, 0 = on "
              "a border). The red dot is the k in use. This curve describes the model, "
              "so the global filters do not change it.")),
    Chart(id=MAP, query=cluster_map, title=figs.MAP_TITLE, height=520,
          figure=lambda d: figs.cluster_map(d.points, d.summary),
          insights=lambda d: figs.map_insights(d.points, d.summary, d.variance),
          beside=((Output(CARDS, "children"), lambda d: cluster_cards(d.summary)),),
          csv=csv_or_empty(lambda f: mp.cluster_titles(wh(), f)), how_to_read=(
              "Each dot is a title, placed by the first two principal components of the "
              "reduced text space and coloured by its cluster; click a legend entry to "
              "hide a cluster. At most 3,000 titles are drawn (a fixed random sample of "
              "the filtered titles, so the picture is the same on every visit); the CSV "
              "has every filtered title.")),
]}
CALLBACKS = register_charts(*CHARTS.values())
update_k_selection, update_map = CALLBACKS[KSEL], CALLBACKS[MAP]


def layout(**_query) -> html.Div:
    return html.Div([
        html.H2("Content clusters"),
        html.P("Titles grouped by what they are about: KMeans on TF-IDF features of each "
               "synopsis and its Netflix categories, reduced with TruncatedSVD. The number "
               "of clusters is chosen by the silhouette score (its chart below); each "
               "cluster is named by its most distinctive categories and synopsis terms. "
               "Model card: "
               "docs/models/clusters.md.", className="text-muted"),
        status_alert(),
        dbc.Row([
            dbc.Col(CHARTS[KSEL].card(), lg=4),
            dbc.Col(CHARTS[MAP].card(), lg=8),
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


def cluster_cards(summary: pl.DataFrame) -> dbc.Row:
    """One card per cluster: colour, name, size, top terms, categories, typical titles."""
    return dbc.Row([dbc.Col(_card(row), md=6, xl=4, className="mb-3")
                    for row in summary.sort("cluster").iter_rows(named=True)])


def _card(row: dict) -> dbc.Card:
    genres = ", ".join(f"{g} {s:.0%}" for g, s in zip(row["top_genres"], row["genre_shares"]))
    return dbc.Card(dbc.CardBody([
        html.H6([html.Span(figs.cluster_glyph(row["cluster"]), **{"aria-hidden": "true"},
                           style={"color": figs.cluster_colour(row["cluster"])},
                           className="me-2"), f"{row['cluster']}. {row['name']}"]),
        html.Div(f"{row['titles']:,} titles · {row['filtered']:,} under the current filters",
                 className="small text-muted mb-1"),
        html.Div([html.Strong("Top terms: "), ", ".join(row["top_terms"])], className="small"),
        html.Div([html.Strong("Categories: "), genres], className="small"),
        html.Div([html.Strong("Examples: "), "; ".join(row["examples"])],
                 className="small text-muted"),
    ]), className="h-100", style={"borderLeft": f"4px solid {figs.cluster_colour(row['cluster'])}"})
