"""Blend: one shared watch list for a group of friends (model card: docs/models/blend.md).

Training (a stage of refresh) embeds every title (models/blend_space_training.py, into
the models/blend_space.py artifact); this module only serves.
Serving (`recommend`) is pure numpy on that space, per request:
1. Each person's preference vector is the weighted mean of the vectors of what they
   watched: weight = log1p(episodes) × 0.5 ** (days before their latest view /
   half-life), so a binge counts more than a sampled pilot (with diminishing returns)
   and what they watched last season more than their taste of two years ago.
2. A person's content interest in an unwatched title is 0.75 × its cosine to that
   vector + 0.25 × a weighted power mean (p = 4) of its cosines to their most weighted
   watched titles, so a second taste is not averaged away. A popularity prior (the
   share of real households that watched the title, learned from genuine exports:
   models/blend_space.py) is mixed in with a weight that shrinks as the history grows:
       s = s_min + (1 − s_min) × k / (k + distinct titles watched)
       interest = (1 − s) × content + s × prior
   No history → the popularity list; hundreds of titles → mostly taste.
3. The group's titles are ranked by mean interest; of the top 2n, the n where people
   disagree least (max − min interest) are kept, so nobody's taste dominates; they are
   listed by mean interest. People are processed in sorted name order, so the list
   does not depend on the order they were given in.
Titles anyone in the group watched are never recommended. Each recommendation says why
(blend/explain.py).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl
from threadpoolctl import ThreadpoolController

from blend import explain as blend_explain
from blend.taste import Profile
from models.blend_space import NAME, TitleSpace  # noqa: F401  (NAME: the artifact, for callers)
from models.serving import BadInput

KINDS = ("movie", "show")
# Serving parameters: the model card says what each does and what was tried
# (benchmarks/bench_blend.py, on the tune half of the test histories).
# prior_min 0.1 -> 0.45, half_life_days 90 -> 365 and fresh_weight 0.1 were chosen on
# the TUNE half of the dev exports by blend-eval (docs/BLEND.md): mean recall@50 there
# 0.122 -> 0.191 against 0.157 for the most-voted titles (0.7 scored the same there but
# drowned a one-genre taste in popular titles).
BLEND_PARAMS = {"half_life_days": 365.0, "nearest_weight": 0.25, "nearest_power": 4,
                "nearest_titles": 128, "prior_min": 0.45,
                "prior_k": 10.0, "candidate_factor": 2, "max_n": 200,
                "mix_half_life_days": 365.0, "fresh_weight": 0.1, "fresh_half_life_days": 90.0}
ITEM_COLUMNS = ("show_id", "episodes", "last_watched")
# watch_share (0-1, how far each viewing was watched through) is optional: histories
# without durations count every viewing fully.


@dataclass(frozen=True)
class BlendFilters:
    kinds: tuple[str, ...] = ()                 # () = movies and shows
    max_runtime_minutes: int | None = None      # movies only; shows are not cut
    ratings: tuple[str, ...] = ()               # () = every maturity rating
    exclude_genres: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    show_id: str
    title: str
    kind: str
    release_year: int | None
    genres: tuple[str, ...]
    score: float                  # the group's mean interest
    interest: dict[str, float]    # person name → interest
    reason: str


def profile(space: TitleSpace, name: str, items: pl.DataFrame,
            half_life_days: float = BLEND_PARAMS["half_life_days"]) -> Profile:
    """A person's distinct titles known to the space, weighted by episodes and recency.
    Rows without a show_id (unmatched) or with one from another build are ignored."""
    missing = [c for c in ITEM_COLUMNS if c not in items.columns]
    if missing:
        raise BadInput(f"{name}'s history lacks the column(s) {', '.join(missing)}")
    share = (pl.col("watch_share").fill_null(1.0).clip(0.05, 1) if "watch_share" in items.columns
             else pl.lit(1.0))
    titles = (items.select(*ITEM_COLUMNS, share=share).filter(pl.col("show_id").is_not_null())
              .group_by("show_id")
              .agg(pl.col("episodes").fill_null(1).clip(1).sum(), pl.col("last_watched").max(),
                   pl.col("share").mean()))
    # a dict lookup per distinct title: far cheaper than handing polars 8,800 keys
    rows = np.array([space.row_of.get(s, -1) for s in titles["show_id"].to_list()], np.int64)
    titles = titles.filter(pl.Series(rows >= 0)).with_columns(row=pl.Series(rows[rows >= 0]))
    if titles.is_empty():
        return Profile(name, np.empty(0, np.int64), np.empty(0, np.float32), None)
    age = (pl.lit(titles["last_watched"].max()) - pl.col("last_watched")).dt.total_days()
    recency = pl.lit(0.5).pow(age.fill_null(0).clip(0) / half_life_days)
    titles = titles.with_columns(weight=(pl.col("episodes") * pl.col("share")).log1p() * recency,
                                 recency=recency).sort("row")
    # Each kind weighs what its share of the person's (recent) titles is: log1p(episodes)
    # alone left films 4-40% of the weight of people who watch 20-70% films.
    kinds = space.kind[titles["row"].to_numpy()]
    weights = titles["weight"].to_numpy().astype(np.float64)
    for kind in KINDS:
        here = kinds == kind
        if here.any() and weights[here].sum() > 0:
            weights[here] *= here.sum() / len(weights) / weights[here].sum() * weights.sum()
    return Profile(name, titles["row"].to_numpy(), weights.astype(np.float32),
                   movie_share(space, titles, half_life_days))


def movie_share(space: TitleSpace, titles: pl.DataFrame, half_life_days: float) -> float:
    """Share of films among a person's distinct titles, recent ones counting more
    (BLEND_PARAMS mix_half_life_days): the mix of their list follows it."""
    rows = titles["row"].to_numpy()
    age = (titles["last_watched"].max() - titles["last_watched"]).dt.total_days() \
        .fill_null(0).clip(0).to_numpy()
    w = 0.5 ** (age / BLEND_PARAMS["mix_half_life_days"])
    return float((w * (space.kind[rows] == "movie")).sum() / max(w.sum(), 1e-12))


def candidate_mask(space: TitleSpace, filters: BlendFilters, watched: np.ndarray) -> np.ndarray:
    """Titles that pass the filters and that nobody in the group watched."""
    bad = [k for k in filters.kinds if k not in KINDS]
    if bad:
        raise BadInput(f"unknown type {bad[0]!r}: use movie or show")
    cap = filters.max_runtime_minutes
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, (int, float)) or cap <= 0):
        raise BadInput("the maximum runtime is a number of minutes above 0")
    mask = np.ones(len(space.show_ids), dtype=bool)
    mask[watched] = False
    if filters.kinds:
        mask &= np.isin(space.kind, filters.kinds)
    if filters.max_runtime_minutes is not None:
        too_long = (space.kind == "movie") & ~(space.runtime <= filters.max_runtime_minutes)
        mask &= ~too_long
    if filters.ratings:
        mask &= np.isin(space.rating, filters.ratings)
    columns = [space.genre_names.index(g) for g in filters.exclude_genres if g in space.genre_names]
    if columns:
        mask &= ~np.asarray(space.genre_matrix[:, columns].sum(axis=1)).ravel().astype(bool)
    return mask


def prior_share(titles: int, params: dict = BLEND_PARAMS) -> float:
    """Weight of the popularity prior for a history of `titles` distinct titles."""
    s_min, k = params["prior_min"], params["prior_k"]
    return s_min + (1 - s_min) * k / (k + titles)


def power_mean(sims: np.ndarray, weights: np.ndarray, power: int) -> np.ndarray:
    """Weighted power mean over watched titles (columns) of the cosines (negatives as 0),
    power a power of two: 1 is the mean similarity, large powers approach the best
    single match, so a title close to one well-weighted watched title scores high even
    when the person's taste is spread over several kinds of titles."""
    values = np.maximum(sims, 0)
    for _ in range(int(np.log2(power))):   # repeated squaring: far cheaper than **
        values *= values
    mean = values @ (weights / weights.sum())
    return mean ** (1.0 / power)


def freshness(space: TitleSpace, rows: np.ndarray, when: np.datetime64 | None,
              params: dict = BLEND_PARAMS) -> np.ndarray:
    """0-1 per title of `rows`: how close its Netflix arrival (date_added) is to `when`
    (the group's latest viewing), halving every fresh_half_life_days. People watch
    what has just arrived; 0 for titles without a date."""
    if when is None or params["fresh_weight"] <= 0:
        return np.zeros(rows.size)
    days = np.abs((space.added[rows] - when).astype("timedelta64[D]").astype(np.float64))
    return np.nan_to_num(0.5 ** (days / params["fresh_half_life_days"]), nan=0.0)


def interest(space: TitleSpace, person: Profile, rows: np.ndarray,
             params: dict = BLEND_PARAMS, candidates: np.ndarray | None = None,
             fresh: np.ndarray | None = None) -> np.ndarray:
    """A person's interest (about 0–1) in each title of `rows` (`candidates`: their
    vectors, when the caller already has them; `fresh`: freshness of each)."""
    prior = space.popularity[rows]
    if fresh is not None:
        prior = (1 - params["fresh_weight"]) * prior + params["fresh_weight"] * fresh
    if person.size == 0:
        return prior.astype(np.float64)
    candidates = space.vectors[rows] if candidates is None else candidates
    watched = space.vectors[person.rows]
    preference = person.weights @ watched
    preference /= max(float(np.linalg.norm(preference)), 1e-12)
    content = candidates @ preference
    if params["nearest_weight"] > 0:
        # only the most weighted titles: with a 90-day half-life the rest weigh almost
        # nothing in the mean, and the cost grows with every title (1,200 in a
        # 5,000-row history)
        top = np.argsort(-person.weights, kind="stable")[: params["nearest_titles"]]
        nearest = power_mean(candidates @ watched[top].T, person.weights[top],
                             params["nearest_power"])
        content = (1 - params["nearest_weight"]) * content + params["nearest_weight"] * nearest
    share = prior_share(person.size, params)
    return ((1 - share) * content + share * prior).astype(np.float64)


_blas_lock = threading.Lock()


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


@contextmanager
def _single_threaded_blas():
    """One BLAS thread for the request's few small products: on the shared 2-core
    machine two threads made a blend 2× slower (77 vs 35 ms). The limit is
    process-wide, so requests take it in turn (a blend holds it for ~20 ms)."""
    with _blas_lock, _blas().limit(limits=1, user_api="blas"):
        yield


def select(mean: np.ndarray, spread: np.ndarray, n: int, factor: int) -> np.ndarray:
    """Positions of the n titles kept: of the top factor·n by mean interest (ties: lower
    position first), the n with the smallest spread (ties: higher mean interest),
    returned by mean interest."""
    order = np.lexsort((np.arange(mean.size), -mean))[: factor * n]
    calm = order[np.lexsort((np.arange(order.size), spread[order]))[:n]]
    return calm[np.lexsort((calm, -mean[calm]))]


def group_movie_share(profiles: list[Profile]) -> float | None:
    """Mean film share of the people with a history; None when nobody has one."""
    shares = [p.movie_share for p in profiles if p.movie_share is not None]
    return float(np.mean(shares)) if shares else None


def select_mixed(table: np.ndarray, kinds: np.ndarray, n: int, factor: int,
                 share: float | None) -> np.ndarray:
    """Positions of the n titles kept: round(n × share) films (at least one when the
    group watches films at all) and the rest shows, each chosen by the group rule
    (select); with no share, or when a kind runs short, one pool. By mean interest."""
    mean, spread = table.mean(axis=0), table.max(axis=0) - table.min(axis=0)
    if share is None:
        return select(mean, spread, n, factor)
    films = int(round(n * share))
    if share > 0:
        films = max(films, 1)
    films = min(films, n)
    parts = []
    for kind, quota in (("movie", films), ("show", n - films)):
        pos = np.flatnonzero(kinds == kind)
        if quota and pos.size:
            parts.append(pos[select(mean[pos], spread[pos], min(quota, pos.size), factor)])
    chosen = np.concatenate(parts) if parts else np.empty(0, np.int64)
    if chosen.size < n:   # a kind ran out (filters): top up from the other
        rest = np.setdiff1d(np.arange(mean.size), chosen)
        chosen = np.concatenate([chosen, rest[select(mean[rest], spread[rest],
                                                     min(n - chosen.size, rest.size), factor)]])
    return chosen[np.lexsort((chosen, -mean[chosen]))]


def recommend(space: TitleSpace, people: dict[str, pl.DataFrame], n: int = 20,
              filters: BlendFilters = BlendFilters(),
              params: dict = BLEND_PARAMS,
              available: np.ndarray | None = None) -> list[Recommendation]:
    """The group's shared list (one person: their own list), best first. Films and
    shows in the group's mean mix (quotas, each filled by the group rule), so a
    film-watcher's list holds films. `available`: a mask of the titles that may be
    recommended (evaluation: the catalog as it was on a date)."""
    if not people:
        raise BadInput("add at least one person's viewing history")
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= params["max_n"]:
        raise BadInput(f"ask for between 1 and {params['max_n']} titles")
    profiles = [profile(space, name, people[name], params["half_life_days"])
                for name in sorted(people)]
    watched = np.unique(np.concatenate([p.rows for p in profiles]))
    mask = candidate_mask(space, filters, watched)
    if available is not None:
        mask &= available
    rows = np.flatnonzero(mask)
    with _single_threaded_blas():
        candidates = space.vectors[rows]
        latest = [people[p.name]["last_watched"].max() for p in profiles if p.size]
        when = np.datetime64(max(latest), "D") if latest and max(latest) is not None else None
        fresh = freshness(space, rows, when, params)
        table = np.vstack([interest(space, p, rows, params, candidates, fresh)
                           for p in profiles])
        chosen = select_mixed(table, space.kind[rows], n, params["candidate_factor"],
                              group_movie_share(profiles))
        reasons = blend_explain.reasons(space, profiles, rows[chosen])
    return [_recommendation(space, rows[c], table[:, c], profiles, reason)
            for c, reason in zip(chosen, reasons)]


def _recommendation(space: TitleSpace, row: int, values: np.ndarray, profiles: list[Profile],
                    reason: str) -> Recommendation:
    meta = space.titles.row(int(row), named=True)
    return Recommendation(meta["show_id"], meta["title"], meta["kind"], meta["release_year"],
                          space.genres[row], round(float(values.mean()), 4),
                          {p.name: round(float(v), 4) for p, v in zip(profiles, values)},
                          reason)
