"""Typed wrappers for the Content Universe page (queries/sql/universe_*.sql).

Each function runs the SQL file of the same name (prefixed `universe_`) under the
global filters; all bucketing and aggregation happens in SQL, so every frame is small
whatever the catalog's size. The page's KPI cards use `catalog.catalog_kpis`.
"""
from __future__ import annotations

import polars as pl

from queries.db import Scope, Warehouse
from queries.filters import Filters

# The page's title set under the filters, selected once per filter change (queries/db.py
# Scope): every query of the page that reads filtered_titles is listed.
SCOPE = Scope("universe", (
    "catalog_kpis",
    "universe_addition_lag",
    "universe_additions_by_month",
    "universe_countries",
    "universe_quality_popularity",
    "universe_ratings",
    "universe_release_years",
    "universe_runtimes",
    "universe_seasons",
    "universe_top_genres",
    "universe_top_people",
    "universe_top_titles",
))

ROLES = {"director": "director", "actor": "actor"}  # allow-list for top_people
SCATTER_POINTS = 400   # the quality/popularity scatter shows at most this many titles
POSTER_TITLES = 12     # titles in the poster grid


def additions_by_month(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per month × kind (month, kind, titles_added)."""
    return wh.query("universe_additions_by_month", scope=SCOPE, **filters.params())


def release_years(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per release year × kind (release_year, kind, titles)."""
    return wh.query("universe_release_years", scope=SCOPE, **filters.params())


def addition_lag(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per lag (years, 30 = 30+) × kind (lag_years, kind, titles,
    median_lag_years of that kind)."""
    return wh.query("universe_addition_lag", scope=SCOPE, **filters.params())


def top_genres(wh: Warehouse, filters: Filters = Filters(), limit: int = 15) -> pl.DataFrame:
    """Grain: one row per Netflix category, top `limit` by titles (genre, titles, movies,
    shows, total_titles, genres_named)."""
    return wh.query("universe_top_genres", scope=SCOPE, limit=int(limit), **filters.params())


def countries(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per production country, most titles first (country, titles, movies,
    shows, total_titles, titles_without_country, coproductions)."""
    return wh.query("universe_countries", scope=SCOPE, **filters.params())


def ratings(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per maturity rating × kind (maturity_rating, kind, titles)."""
    return wh.query("universe_ratings", scope=SCOPE, **filters.params())


def runtimes(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per 10-minute runtime bin of movies (bin_start, movies,
    median_minutes of all the filtered movies)."""
    return wh.query("universe_runtimes", scope=SCOPE, **filters.params())


def seasons(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per season count of shows, 10 = 10+ (seasons, shows, max_seasons)."""
    return wh.query("universe_seasons", scope=SCOPE, **filters.params())


def top_people(wh: Warehouse, filters: Filters = Filters(), role: str = "director",
               limit: int = 15) -> pl.DataFrame:
    """Grain: one row per person in `role`, top `limit` by titles (person_name, titles,
    movies, shows, people = how many people hold that role)."""
    return wh.query("universe_top_people", scope=SCOPE, role=ROLES[role], limit=int(limit),
                    **filters.params())


def quality_popularity(wh: Warehouse, filters: Filters = Filters(),
                       limit: int = SCATTER_POINTS) -> pl.DataFrame:
    """Grain: one row per title with TMDB score, popularity and IMDb votes, the `limit`
    with most votes (plus matched_titles and score_popularity_corr over all of them)."""
    return wh.query("universe_quality_popularity", scope=SCOPE, limit=int(limit), **filters.params())


def matched_share(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per year added (year_added, titles, imdb_matched, any_matched,
    scored): how much of each year's additions the metrics cover."""
    return wh.query("universe_matched_share", **filters.params())


def top_titles(wh: Warehouse, filters: Filters = Filters(),
               limit: int = POSTER_TITLES) -> pl.DataFrame:
    """Grain: one row per title, the `limit` most popular on TMDB (title, kind, year,
    scores, poster_url, titles_with_poster among all the filtered titles)."""
    return wh.query("universe_top_titles", scope=SCOPE, limit=int(limit), **filters.params())
