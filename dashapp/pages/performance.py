"""Performance Deep Dive: how the title metrics relate, how they are distributed, and
how the engagement score varies by period added and by category, under the filters.

The engagement score is titles.engagement_score, IMDb-based or TMDB-based
(docs/PERFORMANCE.md). Every chart's insights open with the coverage of the metrics it
shows (how many of the filtered titles have them).
The metric and period selectors are page-local and persist (Dash persistence), so
leaving the page and coming back keeps the chosen metric; a filter change leaves the
page in place anyway (dashapp/components/filter_bar.py).
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, html

from dashapp.components.chart_spec import Chart, register_charts
from dashapp.figures import performance as figs
from dashapp.figures.base import coverage_note
from dashapp.state import wh
from queries import performance as perf
from queries import validation
from queries.filters import Filters

dash.register_page(__name__, path="/performance", name="Performance", order=2,
                   title="Performance Deep Dive · Netflix Content Insights")

CORRELATIONS = "performance-correlations"
DISTRIBUTION = "performance-distribution"
PERIOD = "performance-period"
GENRES = "performance-genres"
METRIC_SELECT = "performance-metric"
PERIOD_SELECT = "performance-period-select"

SCORE_NOTE = (
    "Engagement score (0–100): 40% IMDb score, 35% IMDb votes (log scale), 25% TMDB "
    "popularity (log scale), each on fixed anchors, so a title's score never depends on "
    "the filters. Titles without IMDb data but with a TMDB score and popularity get a "
    "TMDB-based score calibrated to the same scale (typically within 5–8 points of what "
    "the IMDb formula would give); titles with neither have none. A hit is a title in the "
    "top quarter of its type (movies, shows) in the whole catalog.")


def layout(**_query) -> html.Div:
    return html.Div([
        html.H2("Performance Deep Dive"),
        html.P(SCORE_NOTE, className="text-muted small mb-3", id="performance-score-note"),
        CHARTS[CORRELATIONS].card(),
        dbc.Row([
            dbc.Col(CHARTS[DISTRIBUTION].card(), lg=6),
            dbc.Col(CHARTS[PERIOD].card(), lg=6),
        ]),
        CHARTS[GENRES].card(),
    ])


def _metric_picker() -> html.Div:
    options = [{"label": f"{m.label} ({m.unit})", "value": k} for k, m in perf.METRICS.items()]
    return html.Div([
        html.Label("Metric", htmlFor=METRIC_SELECT, className="small text-muted me-2"),
        # wraps under its label where the two do not fit on a line (a phone), rather than
        # cutting "Engagement score (points out of 100)" short
        dbc.Select(id=METRIC_SELECT, options=options, value=perf.DEFAULT_METRIC, size="sm",
                   persistence=True, persistence_type="session",
                   style={"maxWidth": "320px", "flex": "1 1 300px"}),
    ], className="d-flex flex-wrap align-items-center row-gap-1 mb-2")


def _period_picker() -> html.Div:
    return html.Div([
        html.Label("Group by", className="small text-muted me-2 text-nowrap"),
        dbc.RadioItems(id=PERIOD_SELECT, inline=True, value="month",
                       options=[{"label": v, "value": k} for k, v in perf.PERIODS.items()],
                       persistence=True, persistence_type="session"),
    ], className="d-flex flex-wrap align-items-center mb-2")


def coverage_notes(filters: Filters, *metrics: str) -> list[str]:
    """The coverage sentence of each metric a chart shows (what its figures rest on)."""
    frame = perf.coverage(wh(), filters)
    return [n for n in (coverage_note(frame, m) for m in metrics) if n]


def _period(period) -> str:
    return validation.choice(period, perf.PERIODS, "month")


CHARTS = {spec.id: spec for spec in [
    Chart(CORRELATIONS, lambda f: perf.rank_correlations(wh(), f), figs.rank_correlations,
          figs.correlation_insights, height=620, min_width=480, title=figs.CORR_TITLE,
          notes=lambda f: coverage_notes(f, "imdb_score", "tmdb_score", "engagement_score"),
          how_to_read=(
            "Each cell is the Spearman rank correlation of two metrics over the filtered "
            "titles that have both (n, under the value): +1 means the two put titles in "
            "the same order, −1 the opposite order, 0 no relation. Ranks make it robust "
            "to the huge skew of votes and popularity. Runtime exists only for movies and "
            "seasons only for shows, so that pair has no titles. A pair with fewer than "
            f"{figs.MIN_PAIR_TITLES} titles shows — (a few titles rank alike or opposite by "
            "chance). Engagement is built from IMDb score, votes and popularity, so those "
            "cells are high by construction.")),
    Chart(DISTRIBUTION,
          lambda f, metric=None: perf.metric_distribution(wh(), f,
                                                          perf.metric_or_default(metric)),
          lambda frame, metric: figs.metric_distribution(frame, perf.metric_or_default(metric)),
          lambda frame, metric: figs.distribution_insights(frame,
                                                           perf.metric_or_default(metric)),
          inputs=(Input(METRIC_SELECT, "value"),), extra=lambda: [_metric_picker()],
          title=lambda metric=None: figs.distribution_title(perf.metric_or_default(metric)),
          notes=lambda f, metric=None: coverage_notes(f, perf.metric_or_default(metric)),
          csv=lambda f: perf.all_metric_distributions(wh(), f), height=460, how_to_read=(
            "Bars count filtered titles per range of the chosen metric, stacked by "
            "type; the boxes below span the middle half of each type, the line is the "
            "median and the whiskers reach the 5th and 95th percentiles. Votes and "
            "popularity use a log scale (each tick is 10× the previous). Titles "
            "without the metric are left out. The CSV holds every metric.")),
    Chart(PERIOD, lambda f, period=None: perf.by_period(wh(), f, _period(period)),
          lambda frame, period: figs.by_period(frame, _period(period)),
          lambda frame, period: figs.period_insights(frame, _period(period)),
          inputs=(Input(PERIOD_SELECT, "value"),), extra=lambda: [_period_picker()],
          title=lambda period=None: figs.period_title(_period(period)),
          notes=lambda f, period=None: coverage_notes(f, "engagement_score"),
          csv=lambda f: perf.by_all_periods(wh(), f), height=460, how_to_read=(
            "Bars are the mean engagement score of titles Netflix added in each "
            "month (or quarter) of the year, any year, by type; whiskers are 95% "
            "confidence intervals, so bars whose whiskers overlap are not clearly "
            "different. Hover for how many titles each bar rests on. The CSV holds "
            "months and quarters.")),
    Chart(GENRES, lambda f: perf.genre_engagement(wh(), f), figs.genre_engagement,
          figs.genre_insights, height=820, title=figs.GENRE_TITLE,
          notes=lambda f: coverage_notes(f, "engagement_score"),
          how_to_read=(
            "One row per Netflix category with at least 20 scored titles: the dot is the "
            "median engagement score, the whisker spans the middle half of its titles, "
            "the dotted line is the median of all filtered titles. A title counts in "
            "each of its categories. TV shows score higher than movies on average "
            "(IMDb users rate series higher), so compare TV and movie categories with the "
            "type filter.")),
]}
CALLBACKS = register_charts(*CHARTS.values())
update_correlations = CALLBACKS[CORRELATIONS]
update_distribution = CALLBACKS[DISTRIBUTION]
update_period = CALLBACKS[PERIOD]
update_genres = CALLBACKS[GENRES]
