"""Performance Deep Dive: how the title metrics relate, how they are distributed, and
how the engagement score varies by period added and by category, under the filters.

The engagement score is the warehouse macro engagement_score(...) (docs/PERFORMANCE.md).
The metric and period selectors are page-local and persist (Dash persistence), so
leaving the page and coming back keeps the chosen metric; a filter change leaves the
page in place anyway (dashapp/components/filter_bar.py).
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from dashapp import ids
from dashapp.components.chart import (
    chart_card,
    graph_id,
    insight_items,
    insights_id,
    register_csv,
)
from dashapp.figures import performance as figs
from dashapp.state import wh
from queries import performance as perf
from queries.filters import Filters

dash.register_page(__name__, path="/performance", name="Performance", order=2,
                   title="Performance Deep Dive · Netflix Content Insights")

CORRELATIONS = "performance-correlations"
DISTRIBUTION = "performance-distribution"
PERIOD = "performance-period"
GENRES = "performance-genres"
METRIC_SELECT = "performance-metric"
PERIOD_SELECT = "performance-period-select"

register_csv(CORRELATIONS, lambda f: perf.rank_correlations(wh(), f))
register_csv(DISTRIBUTION, lambda f: perf.all_metric_distributions(wh(), f))
register_csv(PERIOD, lambda f: perf.by_all_periods(wh(), f))
register_csv(GENRES, lambda f: perf.genre_engagement(wh(), f))

SCORE_NOTE = (
    "Engagement score (0–100): 40% IMDb score, 35% IMDb votes (log scale), 25% TMDB "
    "popularity (log scale), each on fixed anchors, so a title's score never depends on "
    "the filters. Titles without IMDb score and votes have none. A hit is a title in the "
    "top quarter of its type (movies, shows) in the whole catalog.")


def layout(**_query) -> html.Div:
    return html.Div([
        html.H2("Performance deep dive"),
        html.P(SCORE_NOTE, className="text-muted small mb-3", id="performance-score-note"),
        chart_card(CORRELATIONS, height=620, how_to_read=(
            "Each cell is the Spearman rank correlation of two metrics over the filtered "
            "titles that have both (n, under the value): +1 means the two put titles in "
            "the same order, −1 the opposite order, 0 no relation. Ranks make it robust "
            "to the huge skew of votes and popularity. Runtime exists only for movies and "
            "seasons only for shows, so that pair has no titles. Engagement is built from "
            "IMDb score, votes and popularity, so those cells are high by construction.")),
        dbc.Row([
            dbc.Col(chart_card(DISTRIBUTION, height=460, extra=[_metric_picker()],
                               how_to_read=(
                "Bars count filtered titles per range of the chosen metric, stacked by "
                "type; the boxes below span the middle half of each type, the line is the "
                "median and the whiskers reach the 5th and 95th percentiles. Votes and "
                "popularity use a log scale (each tick is 10× the previous). Titles "
                "without the metric are left out. The CSV holds every metric.")), lg=6),
            dbc.Col(chart_card(PERIOD, height=460, extra=[_period_picker()],
                               how_to_read=(
                "Bars are the mean engagement score of titles Netflix added in each "
                "month (or quarter) of the year, any year, by type; whiskers are 95% "
                "confidence intervals, so bars whose whiskers overlap are not clearly "
                "different. Hover for how many titles each bar rests on. The CSV holds "
                "months and quarters.")), lg=6),
        ]),
        chart_card(GENRES, height=820, how_to_read=(
            "One row per Netflix category with at least 20 scored titles: the dot is the "
            "median engagement score, the whisker spans the middle half of its titles, "
            "the dotted line is the median of all filtered titles. A title counts in "
            "each of its categories. TV shows score higher than movies on average "
            "(IMDb users rate series higher), so compare TV and movie categories with the "
            "type filter.")),
    ])


def _metric_picker() -> html.Div:
    options = [{"label": f"{m.label} ({m.unit})", "value": k} for k, m in perf.METRICS.items()]
    return html.Div([
        html.Label("Metric", htmlFor=METRIC_SELECT, className="small text-muted me-2"),
        dbc.Select(id=METRIC_SELECT, options=options, value=perf.DEFAULT_METRIC, size="sm",
                   persistence=True, persistence_type="session", style={"maxWidth": "320px"}),
    ], className="d-flex align-items-center mb-2")


def _period_picker() -> html.Div:
    return html.Div([
        html.Label("Group by", className="small text-muted me-2"),
        dbc.RadioItems(id=PERIOD_SELECT, inline=True, value="month",
                       options=[{"label": v, "value": k} for k, v in perf.PERIODS.items()],
                       persistence=True, persistence_type="session"),
    ], className="d-flex align-items-center mb-2")


@callback(Output(graph_id(CORRELATIONS), "figure"), Output(insights_id(CORRELATIONS), "children"),
          Input(ids.FILTERS_STORE, "data"))
def update_correlations(store):
    frame = perf.rank_correlations(wh(), Filters.from_store(store))
    return figs.rank_correlations(frame), insight_items(figs.correlation_insights(frame))


@callback(Output(graph_id(DISTRIBUTION), "figure"), Output(insights_id(DISTRIBUTION), "children"),
          Input(ids.FILTERS_STORE, "data"), Input(METRIC_SELECT, "value"))
def update_distribution(store, metric):
    metric = perf.metric_or_default(metric)
    frame = perf.metric_distribution(wh(), Filters.from_store(store), metric)
    return (figs.metric_distribution(frame, metric),
            insight_items(figs.distribution_insights(frame, metric)))


@callback(Output(graph_id(PERIOD), "figure"), Output(insights_id(PERIOD), "children"),
          Input(ids.FILTERS_STORE, "data"), Input(PERIOD_SELECT, "value"))
def update_period(store, period):
    period = period if period in perf.PERIODS else "month"
    frame = perf.by_period(wh(), Filters.from_store(store), period)
    return figs.by_period(frame, period), insight_items(figs.period_insights(frame, period))


@callback(Output(graph_id(GENRES), "figure"), Output(insights_id(GENRES), "children"),
          Input(ids.FILTERS_STORE, "data"))
def update_genres(store):
    frame = perf.genre_engagement(wh(), Filters.from_store(store))
    return figs.genre_engagement(frame), insight_items(figs.genre_insights(frame))
