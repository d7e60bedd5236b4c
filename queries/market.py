"""Typed wrappers for the Market Opportunities page (queries/sql/market_*.sql).

Definitions (Saturation Index, zones, thresholds) are in docs/MARKET.md. The Pareto
chart's dimension and measure are user choices: they reach SQL only as keys of the
allow-lists below, bound as values, never formatted into the statement.
"""
from __future__ import annotations

import polars as pl

from queries.db import Scope, Warehouse
from queries.filters import Filters

# The page's title set under the filters, selected once per filter change (queries/db.py
# Scope): every query of the page that reads filtered_titles is listed.
SCOPE = Scope("market", (
    "market_genre_saturation",
    "market_pareto",
    "market_release_windows",
))

# UI value → label. The SQL branches on these exact keys (`case $dimension ...`).
PARETO_DIMENSIONS: dict[str, str] = {"genre": "Netflix category", "country": "country",
                                     "director": "director"}
PARETO_MEASURES: dict[str, str] = {"titles": "titles", "popularity": "TMDB popularity"}
DEFAULT_DIMENSION, DEFAULT_MEASURE = "genre", "titles"

MIN_SCORED_TITLES = 5    # fewer IMDb scores than this: no mean, no zone (docs/MARKET.md)
PARETO_BARS = 30         # bars drawn; the 80% answer always covers the whole dimension
SI_OVER, SI_UNDER = 1.25, 0.8  # Saturation Index bands (symmetric: 1.25 = 1 / 0.8)


def genre_saturation(wh: Warehouse, filters: Filters = Filters(),
                     min_scored: int = MIN_SCORED_TITLES) -> pl.DataFrame:
    """Grain: one row per genre family: Netflix titles, mean IMDb score, votes, zone,
    Netflix vs TMDB-market shares and the Saturation Index, under the filters."""
    return wh.query("market_genre_saturation", scope=SCOPE, **filters.params(), min_scored=min_scored,
                    si_over=SI_OVER, si_under=SI_UNDER)


def pareto(wh: Warehouse, filters: Filters = Filters(), dimension: str = DEFAULT_DIMENSION,
           measure: str = DEFAULT_MEASURE, limit: int = PARETO_BARS) -> pl.DataFrame:
    """Grain: one row per member of the dimension (top `limit` by the measure), with
    share, cumulative share and the dimension's 80% answer, under the filters."""
    if dimension not in PARETO_DIMENSIONS or measure not in PARETO_MEASURES:
        raise ValueError(f"unknown Pareto dimension/measure: {dimension!r}/{measure!r}")
    return wh.query("market_pareto", scope=SCOPE, **filters.params(), dimension=dimension,
                    measure=measure, limit=int(limit))


def pareto_all(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per dimension × measure × member (top bars of each): the CSV
    behind the Pareto chart for every selector setting (downloads see filters only)."""
    frames = [pareto(wh, filters, d, m).select(pl.lit(d).alias("dimension"),
                                               pl.lit(m).alias("measure"), pl.all())
              for d in PARETO_DIMENSIONS for m in PARETO_MEASURES]
    return pl.concat(frames, how="vertical_relaxed")


def release_windows(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per genre family × calendar month (1–12): Netflix additions in
    complete years and their share of the family, next to the market's release share."""
    return wh.query("market_release_windows", scope=SCOPE, **filters.params())
