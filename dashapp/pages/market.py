"""Market Opportunities: where Netflix's catalog is crowded or thin against audience
performance and the TMDB market, under the global filters (docs/MARKET.md).

Four chart cards; each callback reads the filters store (and, for the Pareto chart,
its two page-local selectors), calls one query wrapper, and the figure and insights
functions of the chart(s) it feeds (saturation and share come from one query).
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
from dashapp.figures import market as figs
from dashapp.state import wh
from queries import market
from queries.filters import Filters

dash.register_page(__name__, path="/market", name="Market Opportunities", order=1,
                   title="Market Opportunities · Netflix Content Insights")

SATURATION = "market-saturation"
SHARE = "market-share"
PARETO = "market-pareto"
WINDOWS = "market-windows"
PARETO_DIMENSION = "market-pareto-dimension"
PARETO_MEASURE = "market-pareto-measure"

register_csv(SATURATION, lambda f: market.genre_saturation(wh(), f))
register_csv(SHARE, lambda f: market.genre_saturation(wh(), f))
register_csv(PARETO, lambda f: market.pareto_all(wh(), f))
register_csv(WINDOWS, lambda f: market.release_windows(wh(), f))

SATURATION_HOW = (
    "One bubble per genre family (the TMDB genre a Netflix category maps to, e.g. Dramas "
    "and TV Dramas → Drama). Across: how many titles of the filtered catalog carry it "
    "(log scale). Up: their mean IMDb score, from matched titles only (families with "
    f"fewer than {market.MIN_SCORED_TITLES} scored titles are left out). Bubble area: "
    "their total IMDb votes. Dashed lines are the medians across families: the teal "
    "top-left corner is the opportunity zone (few titles, audiences rate them well), the "
    "red bottom-right the saturated zone (many titles, weaker scores). Regional and "
    "format categories (International Movies, TV Shows…) have no family and are not shown.")
SHARE_HOW = (
    "For each genre family: its share of Netflix titles (red) and of the TMDB market "
    "(grey). Each title's weight of 1 is split equally across its families, so both sides "
    "sum to 100%. The Saturation Index (SI, at right) is Netflix share ÷ market share: "
    "above 1.25 (red) Netflix over-supplies the genre, below 0.8 (teal) it under-supplies "
    "it. The market snapshot holds movies only, so by default Netflix movies are compared "
    "with market movies; with TV shows selected there is nothing to compare. The release-"
    "year filter applies to both sides; other filters narrow the Netflix side only. The "
    "market is TMDB's top-rated and popular films, i.e. what audiences watch and rate, "
    "not everything produced. Only families Netflix's categories can express for that "
    "type are compared (Netflix has no 'Crime Movies' category, for instance).")
PARETO_HOW = (
    "Bars: the top members of the chosen dimension, largest first, by the chosen measure "
    "(titles, or the TMDB popularity of those titles summed). The white line is the "
    "cumulative share of the whole dimension, including members beyond the bars; bars up "
    "to the 80% line are solid. A title in two categories, countries or directors counts "
    "in each, so shares are of all title × member pairs. 'Netflix category' is the "
    "catalog's own listing (42 categories). The CSV holds every dimension × measure.")
WINDOWS_HOW = (
    "Rows: genre families, the largest at the top; columns: the calendar month titles "
    "were added to Netflix. Colour: that month's share of the family's additions (red "
    "above the even 8.3%, blue below), so seasonality shows for small and large genres "
    "alike; the number is titles added. Only complete calendar years count (the catalog "
    "stops part-way through its last year). Hover a cell for the share of the TMDB "
    "market's releases of the same family in that month, to compare Netflix's timing with "
    "the market's. Chosen over a mean-score heatmap because additions per month are "
    "known for every title, while scores cover only matched titles.")


def layout(**_query) -> html.Div:
    return html.Div([
        html.H2("Market opportunities"),
        html.P("Should we invest in this genre? Where the catalog is crowded, where "
               "audiences rate it well, and how it compares with the wider TMDB market.",
               className="text-muted"),
        dbc.Row([
            dbc.Col(chart_card(SATURATION, how_to_read=SATURATION_HOW, height=520), lg=7),
            dbc.Col(chart_card(SHARE, how_to_read=SHARE_HOW, height=520), lg=5),
        ], className="g-3"),
        chart_card(PARETO, how_to_read=PARETO_HOW, height=500, extra=[pareto_controls()]),
        chart_card(WINDOWS, how_to_read=WINDOWS_HOW, height=560),
    ], className="market-page")


def pareto_controls() -> html.Div:
    """Page-local selectors; values are the allow-list keys of queries.market."""
    def radio(id_, options, value):
        return dbc.RadioItems(
            id=id_, value=value, class_name="btn-group btn-group-sm me-3",
            input_class_name="btn-check", label_class_name="btn btn-outline-light",
            label_checked_class_name="active",
            # kept when the page is left and opened again (nav links re-render it)
            persistence=True, persistence_type="session",
            options=[{"label": label[0].upper() + label[1:], "value": key}
                     for key, label in options.items()])
    return html.Div([
        html.Span("Dimension", className="small text-muted me-2"),
        radio(PARETO_DIMENSION, market.PARETO_DIMENSIONS, market.DEFAULT_DIMENSION),
        html.Span("Measure", className="small text-muted me-2"),
        radio(PARETO_MEASURE, market.PARETO_MEASURES, market.DEFAULT_MEASURE),
    ], className="d-flex flex-wrap align-items-center mb-2 market-pareto-controls")


@callback(Output(graph_id(SATURATION), "figure"), Output(insights_id(SATURATION), "children"),
          Output(graph_id(SHARE), "figure"), Output(insights_id(SHARE), "children"),
          Input(ids.FILTERS_STORE, "data"))
def update_saturation(store):
    """One query feeds both the saturation map and the share comparison: one callback,
    so the two charts never run it twice (in two server processes) per filter change."""
    frame = market.genre_saturation(wh(), Filters.from_store(store))
    return (figs.saturation_map(frame), insight_items(figs.saturation_insights(frame)),
            figs.share_comparison(frame), insight_items(figs.share_insights(frame)))


@callback(Output(graph_id(PARETO), "figure"), Output(insights_id(PARETO), "children"),
          Input(ids.FILTERS_STORE, "data"), Input(PARETO_DIMENSION, "value"),
          Input(PARETO_MEASURE, "value"))
def update_pareto(store, dimension, measure):
    # anything not on the allow-lists falls back to the default, never reaches SQL
    dimension = dimension if dimension in market.PARETO_DIMENSIONS else market.DEFAULT_DIMENSION
    measure = measure if measure in market.PARETO_MEASURES else market.DEFAULT_MEASURE
    frame = market.pareto(wh(), Filters.from_store(store), dimension, measure)
    labels = market.PARETO_DIMENSIONS[dimension], market.PARETO_MEASURES[measure]
    return (figs.pareto_chart(frame, dimension, *labels),
            insight_items(figs.pareto_insights(frame, *labels)))


@callback(Output(graph_id(WINDOWS), "figure"), Output(insights_id(WINDOWS), "children"),
          Input(ids.FILTERS_STORE, "data"))
def update_windows(store):
    frame = market.release_windows(wh(), Filters.from_store(store))
    return figs.release_heatmap(frame), insight_items(figs.windows_insights(frame))
