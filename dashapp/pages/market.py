"""Market Opportunities: where Netflix's catalog is crowded or thin against audience
performance and the TMDB market, under the global filters (docs/MARKET.md).

Four chart cards, one `Chart` spec each (dashapp/components/chart_spec.py): the Pareto
chart adds its two page-local selectors as inputs; saturation and share come from one
query, so they share one callback.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, html

from dashapp.components.chart_spec import Chart, register_charts
from dashapp.figures import market as figs
from dashapp.state import wh
from queries import market, validation
from queries.filters import Filters

dash.register_page(__name__, path="/market", name="Market Opportunities", order=1,
                   title="Market Opportunities · Netflix Content Insights")

SATURATION = "market-saturation"
SHARE = "market-share"
PARETO = "market-pareto"
WINDOWS = "market-windows"
PARETO_DIMENSION = "market-pareto-dimension"
PARETO_MEASURE = "market-pareto-measure"

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
        html.H2("Market Opportunities"),
        html.P("Should we invest in this genre? Where the catalog is crowded, where "
               "audiences rate it well, and how it compares with the wider TMDB market.",
               className="text-muted"),
        dbc.Row([
            dbc.Col(CHARTS[SATURATION].card(), lg=7),
            dbc.Col(CHARTS[SHARE].card(), lg=5),
        ], className="g-3"),
        CHARTS[PARETO].card(),
        CHARTS[WINDOWS].card(),
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


def _saturation(f: Filters):
    """One query feeds both the saturation map and the share comparison: one callback
    (register_charts groups specs by query), so the two charts never run it twice (in
    two server processes) per filter change."""
    return market.genre_saturation(wh(), f)


def _pareto_choice(dimension, measure) -> tuple[str, str]:
    # anything not on the allow-lists falls back to the default, never reaches SQL
    return (validation.choice(dimension, market.PARETO_DIMENSIONS, market.DEFAULT_DIMENSION),
            validation.choice(measure, market.PARETO_MEASURES, market.DEFAULT_MEASURE))


def _pareto_labels(dimension, measure) -> tuple[str, str]:
    dimension, measure = _pareto_choice(dimension, measure)
    return market.PARETO_DIMENSIONS[dimension], market.PARETO_MEASURES[measure]


CHARTS = {spec.id: spec for spec in [
    Chart(SATURATION, _saturation, figs.saturation_map, figs.saturation_insights,
          SATURATION_HOW, height=520, title=figs.SATURATION_TITLE),
    Chart(SHARE, _saturation, figs.share_comparison, figs.share_insights, SHARE_HOW,
          height=520, title=figs.SHARE_TITLE.format(words="titles")),
    Chart(PARETO, lambda f, dimension=None, measure=None: market.pareto(
              wh(), f, *_pareto_choice(dimension, measure)),
          lambda frame, dimension, measure: figs.pareto_chart(
              frame, _pareto_choice(dimension, measure)[0], *_pareto_labels(dimension, measure)),
          lambda frame, dimension, measure: figs.pareto_insights(
              frame, *_pareto_labels(dimension, measure)),
          PARETO_HOW, height=500, extra=lambda: [pareto_controls()],
          title=lambda dimension=None, measure=None: figs.pareto_title(
              *_pareto_labels(dimension, measure)),
          inputs=(Input(PARETO_DIMENSION, "value"), Input(PARETO_MEASURE, "value")),
          csv=lambda f: market.pareto_all(wh(), f)),
    Chart(WINDOWS, lambda f: market.release_windows(wh(), f), figs.release_heatmap,
          figs.windows_insights, WINDOWS_HOW, height=560,
          title=figs.WINDOWS_TITLE.format(year="—")),
]}
CALLBACKS = register_charts(*CHARTS.values())
update_saturation = CALLBACKS[SATURATION]  # also draws SHARE (the same query)
update_pareto = CALLBACKS[PARETO]
update_windows = CALLBACKS[WINDOWS]
