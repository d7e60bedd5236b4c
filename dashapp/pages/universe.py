"""Content Universe: what the Netflix catalog holds, under the global filters.

The pattern every page follows: layout() places chart cards; each callback reads the
filters store, calls one query wrapper, one figure function and one insights function.
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
from dashapp.figures import universe as figs
from dashapp.pages import _universe_posters as posters
from dashapp.state import wh
from queries import catalog, universe
from queries.filters import Filters

dash.register_page(__name__, path="/", name="Content Universe", order=0,
                   title="Content Universe · Netflix Content Insights")

KPIS = "universe-kpis"
ADDITIONS = "universe-additions"
RELEASE = "universe-release-years"
LAG = "universe-lag"
MAP = "universe-map"
COUNTRIES = "universe-countries"
GENRES = "universe-genres"
RATINGS = "universe-ratings"
RUNTIMES = "universe-runtimes"
SEASONS = "universe-seasons"
DIRECTORS = "universe-directors"
ACTORS = "universe-actors"
SCATTER = "universe-scatter"
POSTERS = "universe-posters"

register_csv(ADDITIONS, lambda f: universe.additions_by_month(wh(), f))
register_csv(RELEASE, lambda f: universe.release_years(wh(), f))
register_csv(LAG, lambda f: universe.addition_lag(wh(), f))
register_csv(MAP, lambda f: universe.countries(wh(), f))
register_csv(COUNTRIES, lambda f: universe.countries(wh(), f).head(15))
register_csv(GENRES, lambda f: universe.top_genres(wh(), f))
register_csv(RATINGS, lambda f: universe.ratings(wh(), f))
register_csv(RUNTIMES, lambda f: universe.runtimes(wh(), f))
register_csv(SEASONS, lambda f: universe.seasons(wh(), f))
register_csv(DIRECTORS, lambda f: universe.top_people(wh(), f, "director"))
register_csv(ACTORS, lambda f: universe.top_people(wh(), f, "actor"))
register_csv(SCATTER, lambda f: universe.quality_popularity(wh(), f))
register_csv(POSTERS, lambda f: universe.top_titles(wh(), f))

HOW = {
    ADDITIONS: "Each bar is one calendar month of additions to Netflix, split into movies "
               "(red) and TV shows (grey). Titles without a date added are left out; the "
               "last month in the data may be incomplete.",
    RELEASE: "Each bar is one release year. For TV shows Netflix gives the year of the "
             "latest season, so long-running shows look newer than they are.",
    LAG: "How many years passed between a title's release and its arrival on Netflix "
         "(year added − release year). 0 means added in its release year; the last bar "
         "gathers everything 30 years or older. Movies and shows are side by side.",
    MAP: "Colour shows how many titles name each production country, on a log scale so "
         "that countries with a handful of titles still show. Co-productions count for "
         "every country they name. Historical names (e.g. West Germany, Soviet Union) "
         "have no shape on today's map; they are in the CSV and the bar chart.",
    COUNTRIES: "The 15 countries named on most titles, split into movies and TV shows. "
               "A title with several production countries counts once for each.",
    GENRES: "Netflix's own categories (listed_in). A title usually sits in two or three, "
            "so the bars add up to more than the number of titles. Each category keeps "
            "its colour on every page.",
    RATINGS: "Titles per maturity rating, ordered from the youngest audience to adults; "
             "US film ratings (G … NC-17) and TV ratings (TV-Y … TV-MA) are mixed in "
             "the catalog. NR/UR are not rated; Unrated has no rating at all.",
    RUNTIMES: "Movies only: how many fall in each 10-minute runtime bin. The last bar "
              "gathers every movie of 200 minutes or more.",
    SEASONS: "TV shows only: the number of seasons Netflix lists for each show (10+ "
             "gathers ten or more).",
    DIRECTORS: "Directors credited on most titles in the filtered catalog; hover for "
               "the movie/show split. Names are as the catalog writes them.",
    ACTORS: "Cast members credited on most titles in the filtered catalog; hover for the "
            "movie/show split.",
    SCATTER: f"Each dot is a title matched to the IMDb/TMDB dataset: TMDB popularity "
             f"(an activity index, log scale) across, TMDB score (0–10) up, dot area by "
             f"IMDb votes. To stay fast only the {universe.SCATTER_POINTS} most-voted "
             "titles are drawn; the correlation in the insights uses all of them.",
    POSTERS: f"The {universe.POSTER_TITLES} filtered titles with the highest TMDB "
             "popularity. Offline, each card is a placeholder in the colour of its main "
             "category; set NETFLIX_INSIGHTS_SHOW_POSTERS=1 to load poster images from "
             "TMDB (needs the internet; only movies matched to the TMDB market have one).",
}


def _card(chart_id: str, height: int = 420, config: dict | None = None) -> dbc.Card:
    return chart_card(chart_id, how_to_read=HOW[chart_id], height=height, config=config)


def _row(*cols: tuple[dbc.Card, int]) -> dbc.Row:
    return dbc.Row([dbc.Col(card, lg=width, className="mb-1") for card, width in cols])


def layout(**_query) -> html.Div:
    # world_110m.json is served from dashapp/assets/topojson/, never from a CDN
    topojson = {"topojsonURL": dash.get_asset_url("topojson/")}
    return html.Div([
        html.H2("Content Universe"),
        html.P("What the Netflix catalog holds: when titles arrived, where they come "
               "from, what they are, who makes them, and how they score.",
               className="text-muted"),
        dbc.Row(id=KPIS, className="mb-1"),
        _row((_card(ADDITIONS, 380), 12)),
        _row((_card(RELEASE), 6), (_card(LAG), 6)),
        _row((_card(MAP, 460, topojson), 7), (_card(COUNTRIES, 460), 5)),
        _row((_card(GENRES, 480), 6), (_card(RATINGS, 480), 6)),
        _row((_card(RUNTIMES), 6), (_card(SEASONS), 6)),
        _row((_card(DIRECTORS, 480), 6), (_card(ACTORS, 480), 6)),
        _row((_card(SCATTER, 560), 12)),
        _row((posters.poster_card(POSTERS, HOW[POSTERS]), 12)),
    ], className="universe-page")


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


def _outputs(chart_id: str) -> list[Output]:
    return [Output(graph_id(chart_id), "figure"), Output(insights_id(chart_id), "children")]


FILTERS = Input(ids.FILTERS_STORE, "data")


@callback(*_outputs(ADDITIONS), FILTERS)
def update_additions(store):
    frame = universe.additions_by_month(wh(), Filters.from_store(store))
    return figs.additions_by_month(frame), insight_items(figs.additions_insights(frame))


@callback(*_outputs(RELEASE), FILTERS)
def update_release_years(store):
    frame = universe.release_years(wh(), Filters.from_store(store))
    return figs.release_years(frame), insight_items(figs.release_insights(frame))


@callback(*_outputs(LAG), FILTERS)
def update_lag(store):
    frame = universe.addition_lag(wh(), Filters.from_store(store))
    return figs.addition_lag(frame), insight_items(figs.lag_insights(frame))


@callback(*_outputs(MAP), *_outputs(COUNTRIES), FILTERS)
def update_countries(store):
    """One query feeds both the map and the top-countries bar."""
    frame = universe.countries(wh(), Filters.from_store(store))
    return (figs.country_map(frame), insight_items(figs.map_insights(frame)),
            figs.top_countries(frame), insight_items(figs.countries_insights(frame)))


@callback(*_outputs(GENRES), FILTERS)
def update_genres(store):
    frame = universe.top_genres(wh(), Filters.from_store(store))
    return figs.top_genres(frame), insight_items(figs.genres_insights(frame))


@callback(*_outputs(RATINGS), FILTERS)
def update_ratings(store):
    frame = universe.ratings(wh(), Filters.from_store(store))
    return figs.ratings(frame), insight_items(figs.ratings_insights(frame))


@callback(*_outputs(RUNTIMES), FILTERS)
def update_runtimes(store):
    frame = universe.runtimes(wh(), Filters.from_store(store))
    return figs.runtimes(frame), insight_items(figs.runtime_insights(frame))


@callback(*_outputs(SEASONS), FILTERS)
def update_seasons(store):
    frame = universe.seasons(wh(), Filters.from_store(store))
    return figs.seasons(frame), insight_items(figs.seasons_insights(frame))


@callback(*_outputs(DIRECTORS), FILTERS)
def update_directors(store):
    frame = universe.top_people(wh(), Filters.from_store(store), "director")
    return (figs.top_people(frame, "director"),
            insight_items(figs.people_insights(frame, "director")))


@callback(*_outputs(ACTORS), FILTERS)
def update_actors(store):
    frame = universe.top_people(wh(), Filters.from_store(store), "actor")
    return figs.top_people(frame, "actor"), insight_items(figs.people_insights(frame, "actor"))


@callback(*_outputs(SCATTER), FILTERS)
def update_scatter(store):
    frame = universe.quality_popularity(wh(), Filters.from_store(store))
    return figs.quality_popularity(frame), insight_items(figs.scatter_insights(frame))


@callback(Output(posters.grid_id(POSTERS), "children"), Output(insights_id(POSTERS), "children"),
          FILTERS)
def update_posters(store):
    frame = universe.top_titles(wh(), Filters.from_store(store))
    return (posters.poster_grid(frame, posters.show_posters()),
            insight_items(posters.top_titles_insights(frame)))
