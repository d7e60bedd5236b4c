"""Building the Blend's title space (models/blend_space.py says what it holds): the
blocks' TF-IDF matrices, their SVD, the audience prior. Run by `refresh`; serving reads
the space it saves and never imports this module (nor scikit-learn)."""
from __future__ import annotations

import time

import duckdb
import numpy as np
import polars as pl
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from models import SQL
from models.artifacts import TrainedModel
from models.blend_space import (
    META_COLUMNS,
    NAME,
    SPACE_PARAMS,
    TitleSpace,
    WatchPrior,
    read_watch_prior,
    titles_named,
    watch_popularity,
)
from models.metrics import metric_row

ORDER = 60
SEED = 42
PARAMS = {**SPACE_PARAMS, "threads": 1}


def _items(values) -> list[str]:
    """Analyzer of the list-valued blocks: each list element is one token (module
    level so a vectorizer could be pickled; the space keeps only the vectors)."""
    return [v for v in (values or []) if v]


def meta_tokens(row: dict) -> list[str]:
    """Type, rating, decade, language and IMDb score band of one title."""
    tokens = [f"kind_{row['kind']}", f"rating_{row['maturity_rating'] or 'none'}"]
    if row["release_year"] is not None:
        tokens.append(f"decade_{row['release_year'] // 10}")
    if row["original_language"]:
        tokens.append(f"lang_{row['original_language']}")
    if row["imdb_score"] is not None:
        tokens.append(f"imdb_{int(row['imdb_score'])}")
    return tokens


def block_matrices(frame: pl.DataFrame,
                   params: dict = SPACE_PARAMS) -> dict[str, sparse.csr_matrix]:
    """Block name → row-normalised TF-IDF matrix (one row per title of `frame`)."""
    people = [d + c for d, c in zip(frame["directors"].to_list(), frame["cast_members"].to_list())]
    sources = {
        "text": (TfidfVectorizer(min_df=params["text_min_df"], max_df=0.5, stop_words="english",
                                 sublinear_tf=True), frame["description"].to_list()),
        "title": (TfidfVectorizer(min_df=2, sublinear_tf=True), frame["title"].to_list()),
        "genres": (TfidfVectorizer(analyzer=_items), frame["genres"].to_list()),
        "people": (TfidfVectorizer(analyzer=_items, min_df=params["people_min_df"]), people),
        "countries": (TfidfVectorizer(analyzer=_items), frame["countries"].to_list()),
        "meta": (TfidfVectorizer(analyzer=_items),
                 [meta_tokens(r) for r in frame.iter_rows(named=True)]),
    }
    return {name: normalize(vec.fit_transform(values)).tocsr()
            for name, (vec, values) in sources.items() if params["weights"].get(name, 0) > 0}


def embed(blocks: dict[str, sparse.csr_matrix], weights: dict[str, float], dims: int,
          seed: int) -> tuple[np.ndarray, float]:
    """(row-normalised float32 vectors, share of variance the SVD keeps)."""
    stacked = sparse.hstack([np.sqrt(weights[name]) * m for name, m in blocks.items()]).tocsr()
    svd = TruncatedSVD(min(dims, stacked.shape[1] - 1), random_state=seed)
    vectors = normalize(svd.fit_transform(stacked)).astype(np.float32)
    return vectors, float(svd.explained_variance_ratio_.sum())


def popularity_prior(frame: pl.DataFrame, unmatched: float) -> np.ndarray:
    """Mean of the available audience percentiles (0–1), `unmatched` when neither."""
    prior = frame.select(pl.mean_horizontal("votes_percentile", "popularity_percentile")
                         .fill_null(unmatched)).to_series()
    return prior.to_numpy().astype(np.float32)


def build_space(frame: pl.DataFrame, params: dict = SPACE_PARAMS, seed: int = 42,
                watch_prior: WatchPrior | None = None) -> TitleSpace:
    """Embed every title of `frame` (the rows of models/sql/blend_titles.sql); the
    prior from `watch_prior` when given (else the audience prior)."""
    vectors, explained = embed(block_matrices(frame, params), params["weights"],
                               params["dims"], seed)
    show_ids = frame["show_id"].to_numpy().astype(str)
    audience = popularity_prior(frame, params["unmatched_prior"])
    return TitleSpace(show_ids, vectors, watch_popularity(show_ids, audience, watch_prior),
                      frame.select(META_COLUMNS), explained, audience,
                      titles_named(show_ids, watch_prior))


def neighbour_genre_agreement(space: TitleSpace, sample: int = 1000,
                              seed: int = SEED) -> tuple[float, float]:
    """(share of sampled titles whose nearest other title has the same primary Netflix
    category, the same share for random pairs): a cheap check that the space puts like
    next to like."""
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(space.show_ids), min(sample, len(space.show_ids)),
                              replace=False))
    sims = space.vectors[rows] @ space.vectors.T
    sims[np.arange(rows.size), rows] = -np.inf
    primary = np.array([g[0] if g else "" for g in space.genres])
    random_pairs = rng.choice(len(space.show_ids), rows.size)
    return (float(np.mean(primary[rows] == primary[sims.argmax(axis=1)])),
            float(np.mean(primary[rows] == primary[random_pairs])))


def metric_rows(space: TitleSpace, frame: pl.DataFrame, seconds: float) -> list[dict]:
    nearest, chance = neighbour_genre_agreement(space)
    matched = frame.select(pl.any_horizontal(pl.col("votes_percentile", "popularity_percentile")
                                             .is_not_null()).mean()).item()
    values = {"titles": len(space.show_ids), "dims": space.dims,
              "svd_explained_variance": space.explained_variance,
              "prior_matched_share": matched,
              "watch_prior_titles": space.watch_prior_titles,
              "neighbour_primary_genre_agreement": nearest,
              "random_primary_genre_agreement": chance,
              "train_seconds": seconds}
    return [metric_row(NAME, m, v) for m, v in values.items()]


def load_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(SQL.text("blend_titles"),
                   params={"cast_depth": SPACE_PARAMS["cast_depth"]}).pl()


def train(con: duckdb.DuckDBPyConnection, seed: int = SEED) -> TrainedModel:
    started = time.monotonic()
    frame = load_frame(con)
    with threadpool_limits(PARAMS["threads"]):
        space = build_space(frame, SPACE_PARAMS, seed, read_watch_prior())
        seconds = time.monotonic() - started
        metrics = metric_rows(space, frame, seconds)
    return TrainedModel(space, params=dict(PARAMS), metrics=metrics, seed=seed,
                        notes=f"trained in {seconds:.1f} s")
