"""Typed wrappers for the Performance Deep Dive queries (queries/sql/performance_*.sql).

The engagement score is the column titles.engagement_score (IMDb-based or TMDB-based,
see engagement_basis; warehouse/sql/macros/, docs/PERFORMANCE.md); these queries only
aggregate it. Metric and period names a user
can pick are checked against the allow-lists below before they are bound.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from queries import validation
from queries.db import Scope, Warehouse
from queries.filters import Filters

# The page's title set under the filters, selected once per filter change (queries/db.py
# Scope): every query of the page that reads filtered_titles is listed.
SCOPE = Scope("performance", (
    "performance_by_period",
    "performance_genre_engagement",
    "performance_metric_distribution",
    "performance_correlation_sample",
))


@dataclass(frozen=True)
class Metric:
    label: str
    unit: str
    log_scale: bool = False     # histogram bins on log10 (counts spanning decades)
    integer: bool = False       # whole-number bins
    higher_is_better: bool | None = None  # None: descriptive, no "better" direction


# Allow-list: the numeric title metrics the page can show, in display order. The
# rank-correlation SQL returns exactly these names.
METRICS: dict[str, Metric] = {
    "imdb_score": Metric("IMDb score", "points out of 10", higher_is_better=True),
    "imdb_votes": Metric("IMDb votes", "votes", log_scale=True, higher_is_better=True),
    "tmdb_popularity": Metric("TMDB popularity", "TMDB popularity points", log_scale=True,
                              higher_is_better=True),
    "tmdb_score": Metric("TMDB score", "points out of 10", higher_is_better=True),
    "tmdb_vote_count": Metric("TMDB votes", "votes", log_scale=True,
                              higher_is_better=True),
    "runtime_minutes": Metric("Runtime", "minutes", integer=True),
    "seasons": Metric("Seasons", "seasons", integer=True),
    "release_year": Metric("Release year", "year", integer=True),
    "addition_lag_years": Metric("Addition lag", "years", integer=True),
    "engagement_score": Metric("Engagement score", "points out of 100", higher_is_better=True),
}
DEFAULT_METRIC = "engagement_score"
PERIODS = {"month": "Month added", "quarter": "Quarter added"}
MAX_CORRELATION_TITLES = 10_000
# performance_correlation_sample.sql sorts only the titles in the lowest
# SAMPLE_OVERSAMPLING × max_titles / n share of hashes, about twice the sample
SAMPLE_OVERSAMPLING = 2.0


def metric_or_default(name: str | None) -> str:
    """A metric name from the allow-list (anything else becomes the default)."""
    return validation.choice(name, METRICS, DEFAULT_METRIC)


def rank_correlations(wh: Warehouse, filters: Filters = Filters(),
                      max_titles: int = MAX_CORRELATION_TITLES) -> pl.DataFrame:
    """Grain: one row per metric pair (metric_x ≤ metric_y, names of METRICS) that
    some title has both of: titles with both, Spearman rho over those titles (average
    ranks, as scipy.stats.spearmanr on those rows; null for fewer than two titles or a
    constant metric; 1 on the diagonal), and how many titles were in scope (scope_titles,
    at most max_titles of filtered_titles). Sorted by metric_x, metric_y."""
    max_titles = int(max_titles)
    found = _correlations(wh, filters, max_titles, SAMPLE_OVERSAMPLING)
    if found.is_empty() or found["scope_titles"][0] < min(max_titles,
                                                          found["filtered_titles"][0]):
        # the hash cut held fewer titles than the sample (or none, or none matched the
        # filters): draw it from every title
        found = _correlations(wh, filters, max_titles, math.inf)
    return found


def _correlations(wh: Warehouse, filters: Filters, max_titles: int,
                  oversample: float) -> pl.DataFrame:
    # derive: the cache keeps the ~55 correlation rows, not the sample's 10,000
    return wh.query("performance_correlation_sample", scope=SCOPE, max_titles=max_titles,
                    oversample=oversample, derive=_spearman_of_metrics, **filters.params())


def _spearman_of_metrics(sample: pl.DataFrame) -> pl.DataFrame:
    return spearman_pairs(sample, list(METRICS))


def spearman_pairs(sample: pl.DataFrame, metrics: list[str]) -> pl.DataFrame:
    """rank_correlations' rows from its sample (one row per title, a column per metric,
    filtered_titles). One select holds every pair, so Polars ranks them in parallel."""
    pairs = [(x, y) for i, x in enumerate(metrics) for y in metrics[i:]]
    exprs = []
    for k, (x, y) in enumerate(pairs):
        both = pl.col(x).is_not_null() & pl.col(y).is_not_null()
        exprs.append(both.sum().alias(f"n{k}"))
        if x != y:
            exprs.append(pl.corr(pl.col(x).filter(both), pl.col(y).filter(both),
                                 method="spearman").alias(f"r{k}"))
    found = sample.select(exprs).row(0, named=True) if sample.height else {}
    rows = []
    for k, (x, y) in enumerate(pairs):
        titles = found.get(f"n{k}") or 0
        if not titles:
            continue
        rho = 1.0 if x == y else found[f"r{k}"]
        # a pair of one title, or a metric constant over the pair, has no correlation
        rows.append((x, y, titles, rho if rho is not None and math.isfinite(rho) else None))
    scope = sample.height
    total = sample["filtered_titles"][0] if scope else 0
    return pl.DataFrame(rows, orient="row", schema={
        "metric_x": pl.String, "metric_y": pl.String, "titles": pl.Int64,
        "rho": pl.Float64}).with_columns(
        scope_titles=pl.lit(scope, pl.Int64), filtered_titles=pl.lit(total, pl.Int64),
    ).sort("metric_x", "metric_y")


def metric_distribution(wh: Warehouse, filters: Filters = Filters(),
                        metric: str = DEFAULT_METRIC, bins: int = 40) -> pl.DataFrame:
    """Grain: one row per kind × bin of `metric` (titles per bin, the kind's summary
    repeated); an unknown metric falls back to the default."""
    metric = metric_or_default(metric)
    spec = METRICS[metric]
    return wh.query("performance_metric_distribution", scope=SCOPE, metric=metric,
                    log_scale=spec.log_scale, integer_bins=spec.integer,
                    bins=int(bins), **filters.params())


def all_metric_distributions(wh: Warehouse, filters: Filters = Filters(),
                             bins: int = 40) -> pl.DataFrame:
    """Grain: one row per metric × kind × bin: metric_distribution for every metric the
    page offers, stacked (the chart's CSV: the selector is not part of the filters)."""
    return pl.concat([metric_distribution(wh, filters, m, bins)
                      .select(pl.lit(m).alias("metric"), pl.all()) for m in METRICS],
                     how="vertical_relaxed")


def by_period(wh: Warehouse, filters: Filters = Filters(),
              period: str = "month") -> pl.DataFrame:
    """Grain: one row per month (1–12) or quarter (1–4) added × kind: titles added and
    their engagement (mean, 95% CI half-width) and median IMDb score."""
    period = period if period in PERIODS else "month"
    return wh.query("performance_by_period", scope=SCOPE, period=period, **filters.params())


def by_all_periods(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per period type × period × kind: by_period for months and
    quarters, stacked (the chart's CSV)."""
    return pl.concat([by_period(wh, filters, p).select(pl.lit(p).alias("period_type"),
                                                       pl.all()) for p in PERIODS])


def genre_engagement(wh: Warehouse, filters: Filters = Filters(),
                     min_titles: int = 20) -> pl.DataFrame:
    """Grain: one row per Netflix category with ≥ min_titles scored filtered titles:
    engagement quartiles, mean, hit share, and the overall filtered median."""
    return wh.query("performance_genre_engagement", scope=SCOPE, min_titles=int(min_titles),
                    **filters.params())


def coverage(wh: Warehouse, filters: Filters = Filters()) -> pl.DataFrame:
    """Grain: one row per metric (METRICS names, engagement_imdb, engagement_tmdb,
    any_match): filtered titles with it (with_metric) and filtered titles (titles)."""
    return wh.query("metric_coverage", **filters.params())
