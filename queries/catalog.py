"""Typed wrappers for the catalog overview queries (queries/sql/*.sql of the same name)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from queries.db import Scope, Warehouse
from queries.filters import FilterOptions, Filters


@dataclass(frozen=True)
class BuildInfo:
    build_id: str
    built_at: datetime
    source: str
    code_version: str | None


@dataclass(frozen=True)
class CatalogKpis:
    titles: int
    movies: int
    shows: int
    countries: int
    first_added: date | None
    last_added: date | None
    mean_imdb_score: float | None
    imdb_scored: int                 # titles the mean is over
    imdb_match_rate: float


def build_info(wh: Warehouse) -> BuildInfo:
    """Grain: one row, the published build."""
    return BuildInfo(**wh.query("build_info").row(0, named=True))


def last_refresh(wh: Warehouse) -> dict:
    """Grain: one row, the newest run in the build's history."""
    return wh.query("last_refresh").row(0, named=True)


def catalog_kpis(wh: Warehouse, filters: Filters = Filters(),
                 scope: Scope | None = None) -> CatalogKpis:
    """Grain: one row of headline numbers for the filtered catalog (`scope`: the page's
    title set, when its SCOPE lists catalog_kpis)."""
    return CatalogKpis(**wh.query("catalog_kpis", scope=scope,
                                  **filters.params()).row(0, named=True))


def additions_by_year(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per year × kind (year, kind, titles_added), filtered."""
    return wh.query("additions_by_year", **filters.params())


def filter_options(wh: Warehouse) -> FilterOptions:
    """Grain: one row: ranges and value lists (most frequent first) for the filter bar."""
    row = wh.query("filter_options").row(0, named=True)
    return FilterOptions(**{k: tuple(v) if isinstance(v, list) else v for k, v in row.items()})
