"""Typed wrappers for the Head-to-Head queries (queries/sql/h2h_*.sql).

Two sides, "a" and "b", are compared in one of three modes: two Netflix categories,
two production countries (both under the global filters) or two titles (show_ids; the
filters do not apply to a title someone picked by name).
"""
from __future__ import annotations

import polars as pl

from queries.db import Scope, Warehouse
from queries.filters import Filters
from queries.performance import METRICS, Metric

# The page's title set under the filters, selected once per filter change (queries/db.py
# Scope): every query of the page that reads filtered_titles is listed.
SCOPE = Scope("head_to_head", ("h2h_additions_by_year", "h2h_metrics"))

MODES = {"genre": "Genre vs genre", "country": "Country vs country",
         "title": "Title vs title"}
GROUP_MODES = ("genre", "country")
# the metrics compared, in display order; values are on the compared scale in SQL
# (log10 for votes and popularity; hit_share is the share of hits)
COMPARED: dict[str, Metric] = {
    "engagement_score": METRICS["engagement_score"],
    "hit_share": Metric("Hit rate", "share of scored titles", higher_is_better=True),
    "imdb_score": METRICS["imdb_score"],
    "imdb_votes": Metric("IMDb votes", "votes, geometric mean", log_scale=True,
                         higher_is_better=True),
    "tmdb_popularity": Metric("TMDB popularity", "points, geometric mean", log_scale=True,
                              higher_is_better=True),
    "tmdb_score": METRICS["tmdb_score"],
    "tmdb_vote_count": Metric("TMDB votes", "votes, geometric mean", log_scale=True,
                              higher_is_better=True),
    "runtime_minutes": METRICS["runtime_minutes"],
    "seasons": METRICS["seasons"],
    "release_year": METRICS["release_year"],
    "addition_lag_years": METRICS["addition_lag_years"],
}
TITLE_SEARCH_LIMIT = 30


def mode_or_default(mode: str | None) -> str:
    return mode if mode in MODES else "genre"


def metrics(wh: Warehouse, filters: Filters, mode: str, a: str, b: str) -> pl.DataFrame:
    """Grain: one row per side × metric of COMPARED: titles with the metric, mean and
    spread on the compared scale, the readable value, the catalog's spread, and the
    side's title count."""
    return wh.query("h2h_metrics", scope=SCOPE, mode=mode_or_default(mode), a=a or "",
                    b=b or "", **filters.params())


def additions_by_year(wh: Warehouse, filters: Filters, mode: str, a: str,
                      b: str) -> pl.DataFrame:
    """Grain: one row per side × year added (zeros filled) for the two groups of a
    genre/country comparison (empty in title mode)."""
    return wh.query("h2h_additions_by_year", scope=SCOPE, mode=mode_or_default(mode),
                    a=a or "", b=b or "", **filters.params())


def title_context(wh: Warehouse, a: str, b: str) -> pl.DataFrame:
    """Grain: one row per side × performance metric: each picked title next to the mean
    of its primary category (whole catalog) and the gap in catalog SDs."""
    return wh.query("h2h_title_context", a=a or "", b=b or "")


def title_search(wh: Warehouse, search: str = "",
                 limit: int = TITLE_SEARCH_LIMIT) -> pl.DataFrame:
    """Grain: one row per matching title (show_id, title, kind, release_year), exact
    and prefix matches first, then the most voted; at most `limit`."""
    return wh.query("h2h_title_search", search=(search or "").strip()[:100],
                    limit=int(limit))


def title_labels(wh: Warehouse, show_ids: list[str]) -> pl.DataFrame:
    """Grain: one row per existing show_id of `show_ids` (for picker labels)."""
    return wh.query("h2h_title_labels", show_ids=[s for s in show_ids if s])
