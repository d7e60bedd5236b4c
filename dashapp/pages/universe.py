"""Content Universe: what the Netflix catalog holds, under the global filters.

The pattern every page follows: each chart is one `Chart` spec (its id, query wrapper,
figure and insights functions, how to read it); `register_charts` makes its callback,
CSV download and error state (dashapp/components/chart_spec.py) and layout() places
the cards. The KPI row and the poster grid are not charts and keep their own callbacks.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from base.text import counted
from dashapp import ids
from dashapp.components.chart import insight_items, insights_id, register_csv
from dashapp.components.chart_spec import Chart, register_charts
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
MATCHED = "universe-matched"
SCATTER = "universe-scatter"
POSTERS = "universe-posters"

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
             "the catalog. NR (not rated) and UR (unrated) mean the same; 'No rating' "
             "titles have none in the catalog.",
    RUNTIMES: "Movies only: how many fall in each 10-minute runtime bin. The last bar "
              "gathers every movie of 200 minutes or more.",
    SEASONS: "TV shows only: the number of seasons Netflix lists for each show (10+ "
             "gathers ten or more).",
    DIRECTORS: "Directors credited on most titles in the filtered catalog; hover for "
               "the movie/show split. Names are as the catalog writes them.",
    ACTORS: "Cast members credited on most titles in the filtered catalog; hover for the "
            "movie/show split.",
    MATCHED: "For each year Netflix added titles: the share of them matched to the "
             "IMDb/TMDB dataset or the TMDB market, and the share with an engagement score "
             "(IMDb- or TMDB-based). Recent additions are matched far more often than "
             "older ones, so the audience metrics of early years rest on fewer titles. "
             "Undated titles and years with fewer than 20 additions are not drawn (they "
             "are in the CSV); hover for counts.",
    SCATTER: f"Each dot is a title with a TMDB score and popularity: TMDB popularity "
             f"(an activity index, log scale) across, TMDB score (0–10) up, dot area by "
             f"IMDb votes (the smallest dots have none). To stay fast only the "
             f"{universe.SCATTER_POINTS} most-voted titles (then the most popular) are "
             "drawn; the correlation in the insights uses all of them.",
    POSTERS: f"The {universe.POSTER_TITLES} filtered titles with the highest TMDB "
             "popularity. Offline, each card is a placeholder in the colour of its main "
             "category; set NETFLIX_INSIGHTS_SHOW_POSTERS=1 to load poster images from "
             "TMDB (needs the internet; only movies matched to the TMDB market have one).",
}


def _people(role: str):
    """The top-people chart's query, figure and insights for one role."""
    return {"query": lambda f: universe.top_people(wh(), f, role),
            "title": figs.PEOPLE_TITLES[role],
            "figure": lambda frame: figs.top_people(frame, role),
            "insights": lambda frame: figs.people_insights(frame, role)}


def _countries(f: Filters):
    return universe.countries(wh(), f)  # one query feeds the map and the bar


CHARTS = {spec.id: spec for spec in [
    Chart(ADDITIONS, lambda f: universe.additions_by_month(wh(), f),
          figs.additions_by_month, figs.additions_insights, HOW[ADDITIONS], height=380,
          title=figs.ADDITIONS_TITLE),
    Chart(RELEASE, lambda f: universe.release_years(wh(), f), figs.release_years,
          figs.release_insights, HOW[RELEASE], title=figs.RELEASE_TITLE),
    Chart(LAG, lambda f: universe.addition_lag(wh(), f), figs.addition_lag,
          figs.lag_insights, HOW[LAG], title=figs.LAG_TITLE),
    Chart(MAP, _countries, figs.country_map, figs.map_insights, HOW[MAP], height=460,
          title=figs.MAP_TITLE),
    Chart(COUNTRIES, _countries, figs.top_countries, figs.countries_insights,
          HOW[COUNTRIES], height=460, csv=lambda f: _countries(f).head(15),
          title=figs.COUNTRIES_TITLE),
    Chart(GENRES, lambda f: universe.top_genres(wh(), f), figs.top_genres,
          figs.genres_insights, HOW[GENRES], height=480, title=figs.GENRES_TITLE),
    Chart(RATINGS, lambda f: universe.ratings(wh(), f), figs.ratings,
          figs.ratings_insights, HOW[RATINGS], height=480, title=figs.RATINGS_TITLE),
    Chart(RUNTIMES, lambda f: universe.runtimes(wh(), f), figs.runtimes,
          figs.runtime_insights, HOW[RUNTIMES], title=figs.RUNTIME_TITLE),
    Chart(SEASONS, lambda f: universe.seasons(wh(), f), figs.seasons,
          figs.seasons_insights, HOW[SEASONS], title=figs.SEASONS_TITLE),
    Chart(DIRECTORS, **_people("director"), how_to_read=HOW[DIRECTORS], height=480),
    Chart(ACTORS, **_people("actor"), how_to_read=HOW[ACTORS], height=480),
    Chart(MATCHED, lambda f: universe.matched_share(wh(), f), figs.matched_share,
          figs.matched_insights, HOW[MATCHED], height=380,
          title=figs.MATCHED_TITLE),
    Chart(SCATTER, lambda f: universe.quality_popularity(wh(), f),
          figs.quality_popularity, figs.scatter_insights, HOW[SCATTER], height=560,
          title=figs.SCATTER_TITLE),
]}
CALLBACKS = register_charts(*CHARTS.values())
# the pages' update functions, by the names tests and docs know them
update_additions = CALLBACKS[ADDITIONS]
update_release_years = CALLBACKS[RELEASE]
update_matched = CALLBACKS[MATCHED]
update_lag = CALLBACKS[LAG]
update_countries = CALLBACKS[MAP]
update_genres = CALLBACKS[GENRES]
update_ratings = CALLBACKS[RATINGS]
update_runtimes = CALLBACKS[RUNTIMES]
update_seasons = CALLBACKS[SEASONS]
update_directors = CALLBACKS[DIRECTORS]
update_actors = CALLBACKS[ACTORS]
update_scatter = CALLBACKS[SCATTER]
register_csv(POSTERS, lambda f: universe.top_titles(wh(), f))


def _card(chart_id: str, config: dict | None = None) -> dbc.Card:
    return CHARTS[chart_id].card(config)


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
        _row((_card(ADDITIONS), 12)),
        _row((_card(RELEASE), 6), (_card(LAG), 6)),
        _row((_card(MAP, topojson), 7), (_card(COUNTRIES), 5)),
        _row((_card(GENRES), 6), (_card(RATINGS), 6)),
        _row((_card(RUNTIMES), 6), (_card(SEASONS), 6)),
        _row((_card(DIRECTORS), 6), (_card(ACTORS), 6)),
        _row((_card(MATCHED), 12)),
        _row((_card(SCATTER), 12)),
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
    k = catalog.catalog_kpis(wh(), Filters.from_store(store), universe.SCOPE)
    if k.titles == 0:
        return [dbc.Col(dbc.Alert("No titles match these filters. Widen them or press "
                                  "Reset filters.", color="secondary"))]
    added = f"{k.first_added:%Y} – {k.last_added:%Y}" if k.first_added else "—"
    score = f"{k.mean_imdb_score:.2f}" if k.mean_imdb_score is not None else "—"
    kinds = f"{counted(k.movies, 'movie')} · {counted(k.shows, 'show')}"
    return [kpi_card("Titles", f"{k.titles:,}", kinds),
            kpi_card("Countries", f"{k.countries:,}", "production countries named"),
            kpi_card("Added", added, f"last addition {k.last_added:%d %b %Y}"
                     if k.last_added else "no dated additions"),
            kpi_card("Mean IMDb score", score,
                     f"over {counted(k.imdb_scored, 'title')} with an IMDb score "
                     f"({k.imdb_scored / k.titles:.0%})" if k.imdb_scored else
                     "no title here has an IMDb score")]


FILTERS = Input(ids.FILTERS_STORE, "data")


@callback(Output(posters.grid_id(POSTERS), "children"), Output(insights_id(POSTERS), "children"),
          FILTERS)
def update_posters(store):
    frame = universe.top_titles(wh(), Filters.from_store(store))
    images = posters.show_posters()
    return (posters.poster_grid(frame, images),
            insight_items(posters.top_titles_insights(frame, images)))
