"""Content clusters of the Netflix catalog (model card: docs/models/clusters.md).

Each title is a TF-IDF vector of its synopsis (words, English stop words removed,
sublinear tf) next to a TF-IDF vector of its Netflix categories, both L2-normalised and
stacked; TruncatedSVD reduces that to SVD_COMPONENTS dimensions (rows re-normalised, so
Euclidean distance ranks like cosine). KMeans is fitted on every title for each k in
K_VALUES and scored by its silhouette on a fixed 3,000-title sample; the smallest k
within 5% of the best silhouette wins (the curve rises almost steadily, see PARAMS).
A cluster is named by its most frequent distinctive
categories and the synopsis terms whose mean weight in the cluster exceeds the
catalog's most; the 2-D map is a PCA of the reduced space (no t-SNE/UMAP: seconds, not
minutes, and the same picture every run).

Everything the panel shows (the k-selection curve, cluster descriptions, per-title
cluster and map coordinates) is computed here and kept in the artifact. Training runs
single-threaded: on a shared 2-core machine BLAS/OpenMP threads fight other work and
were ~10× slower in CPU time.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import pairwise_distances, silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from models.metrics import metric_row
from models import SQL
from models.artifacts import TrainedModel

NAME = "clusters"
ORDER = 50
SEED = 42
K_VALUES = tuple(range(4, 21))
SVD_COMPONENTS = 50
# tolerance: silhouette rises almost steadily with k on this catalog (ever finer genre
# combinations separate a little better), so the smallest k within 5% of the best wins
# rather than the largest k tried; 5% is about the seed-to-seed spread at one k.
PARAMS = {"k_values": list(K_VALUES), "svd_components": SVD_COMPONENTS, "min_df": 3,
          "max_df": 0.5, "genre_weight": 1.0, "selection_sample": 3000, "tolerance": 0.05,
          "n_init": 3, "top_terms": 6, "top_genres": 3, "examples": 5, "threads": 1,
          # words of two or more characters with a letter in them: "000" (from "$1,000")
          # and bare years named clusters, and say nothing of what a cluster is about
          "token_pattern": r"(?u)\b(?=\w*[^\W\d_])\w\w+\b"}


def genre_tokens(genres) -> list[str]:
    """Analyzer of the category vectorizer: each category is one token (module-level,
    so the fitted vectorizer pickles)."""
    return list(genres or [])


@dataclass
class ClusterModel:
    """The fitted pipeline and everything the panel shows."""
    text: TfidfVectorizer
    genres: TfidfVectorizer
    svd: TruncatedSVD
    kmeans: KMeans
    pca: PCA
    selection: pl.DataFrame   # one row per k tried: k, silhouette, chosen, best
    clusters: pl.DataFrame    # one row per cluster: cluster, name, titles, top_terms, …
    titles: pl.DataFrame      # one row per title: show_id, title, kind, cluster, x, y, map_rank
    kmeans_to_cluster: tuple[int, ...]   # KMeans label → cluster number (1 = largest)

    @property
    def k(self) -> int:
        return int(self.kmeans.n_clusters)

    def embed(self, frame: pl.DataFrame) -> np.ndarray:
        """Reduced, row-normalised vectors of new rows (description + genres columns)."""
        return normalize(self.svd.transform(stack(self.text, self.genres, frame)))

    def assign(self, frame: pl.DataFrame) -> np.ndarray:
        """Cluster numbers (1 = the largest cluster) of new rows."""
        return np.asarray(self.kmeans_to_cluster)[self.kmeans.predict(self.embed(frame))]


def stack(text: TfidfVectorizer, genres: TfidfVectorizer, frame: pl.DataFrame) -> sparse.csr_matrix:
    blocks = [text.transform(frame["description"].to_list()),
              PARAMS["genre_weight"] * genres.transform(frame["genres"].to_list())]
    return normalize(sparse.hstack(blocks).tocsr())


def select_k(points: np.ndarray, k_values=K_VALUES, sample: int = PARAMS["selection_sample"],
             seed: int = SEED, tolerance: float = PARAMS["tolerance"]) -> pl.DataFrame:
    """KMeans (on every point) for each k, scored by the silhouette on one fixed random
    sample (distances computed once). One row per k: k, silhouette, chosen = the
    smallest k within `tolerance` (a share) of the best silhouette."""
    rows = np.sort(np.random.default_rng(seed).choice(len(points), min(sample, len(points)),
                                                      replace=False))
    distances = pairwise_distances(points[rows])
    scores = np.array([silhouette_score(distances, _kmeans(k, seed).fit_predict(points)[rows],
                                        metric="precomputed") for k in k_values])
    chosen = int(np.flatnonzero(scores >= (1 - tolerance) * scores.max())[0])
    return pl.DataFrame({"k": list(k_values), "silhouette": np.round(scores, 4),
                         "chosen": [i == chosen for i in range(len(scores))],
                         "best": [i == int(np.argmax(scores)) for i in range(len(scores))]})


def _kmeans(k: int, seed: int) -> KMeans:
    return KMeans(k, n_init=PARAMS["n_init"], random_state=seed)


def _top_terms(text_matrix: sparse.csr_matrix, members: np.ndarray, words: np.ndarray,
               overall: np.ndarray, n: int) -> list[str]:
    """Terms whose mean TF-IDF in the cluster exceeds the catalog's mean the most."""
    lift = np.asarray(text_matrix[members].mean(axis=0)).ravel() - overall
    return [str(words[i]) for i in np.argsort(-lift)[:n] if lift[i] > 0]


def _top_genres(genre_lists: list[list[str]], catalog: Counter, total: int,
                n: int) -> list[tuple[str, float]]:
    """The most frequent categories among members that are more common there than in the
    catalog (share > catalog share), with their share of members."""
    counts = Counter(g for gs in genre_lists for g in gs)
    size = max(len(genre_lists), 1)
    ranked = [(g, c / size) for g, c in counts.most_common()
              if c / size > catalog[g] / total] or [(g, c / size) for g, c in counts.most_common(1)]
    return [(g, round(s, 3)) for g, s in ranked[:n]]


def cluster_name(genres: list[tuple[str, float]], terms: list[str]) -> str:
    """'Stand-Up Comedy: comedian, stand, special' (two categories when both are in at
    least half of the cluster's titles)."""
    head = [g for i, (g, share) in enumerate(genres[:2]) if i == 0 or share >= 0.5]
    return f"{' & '.join(head) or 'Mixed'}: {', '.join(terms[:3])}"


def describe(frame: pl.DataFrame, text_matrix, labels: np.ndarray, points: np.ndarray,
             centres: np.ndarray, words: np.ndarray) -> pl.DataFrame:
    """One row per cluster: name, size, top terms, top categories, typical titles."""
    overall = np.asarray(text_matrix.mean(axis=0)).ravel()
    genre_lists = frame["genres"].to_list()
    catalog = Counter(g for gs in genre_lists for g in gs)
    rows, names = [], set()
    for c in range(centres.shape[0]):
        members = np.flatnonzero(labels == c)
        terms = _top_terms(text_matrix, members, words, overall, PARAMS["top_terms"])
        genres = _top_genres([genre_lists[i] for i in members], catalog, frame.height,
                             PARAMS["top_genres"])
        nearest = members[np.argsort(-(points[members] @ centres[c]))[:PARAMS["examples"]]]
        name = cluster_name(genres, terms)
        name = name if name not in names else f"{name} ({c + 1})"
        names.add(name)
        rows.append({"cluster": c + 1, "name": name, "titles": len(members), "top_terms": terms,
                     "top_genres": [g for g, _ in genres], "genre_shares": [s for _, s in genres],
                     "examples": frame["title"].gather(nearest).to_list()})
    return pl.DataFrame(rows)


def _by_size(labels: np.ndarray, k: int) -> np.ndarray:
    """kmeans label → cluster number 0…k-1 by descending size (ties: lower label)."""
    order = sorted(range(k), key=lambda c: (-np.sum(labels == c), c))
    mapping = np.empty(k, dtype=int)
    mapping[order] = np.arange(k)
    return mapping


def fit(frame: pl.DataFrame, seed: int = SEED, k_values=K_VALUES,
        components: int = SVD_COMPONENTS) -> ClusterModel:
    """Fit on `frame` (show_id, title, kind, description, genres); deterministic per seed."""
    text = TfidfVectorizer(min_df=PARAMS["min_df"], max_df=PARAMS["max_df"],
                           token_pattern=PARAMS["token_pattern"], stop_words="english",
                           sublinear_tf=True).fit(frame["description"].to_list())
    genres = TfidfVectorizer(analyzer=genre_tokens).fit(frame["genres"].to_list())
    svd = TruncatedSVD(min(components, len(text.vocabulary_) - 1), random_state=seed)
    points = normalize(svd.fit_transform(stack(text, genres, frame)))
    selection = select_k(points, k_values, seed=seed)
    k = int(selection.filter(pl.col("chosen"))["k"][0])
    kmeans = _kmeans(k, seed).fit(points)   # the very fit scored in select_k (same seed)
    mapping = _by_size(kmeans.labels_, k)
    labels = mapping[kmeans.labels_]
    centres = normalize(kmeans.cluster_centers_[np.argsort(mapping)])
    pca = PCA(2, random_state=seed).fit(points)
    xy = pca.transform(points)
    titles = frame.select("show_id", "title", "kind", "release_year").with_columns(
        cluster=pl.Series(labels + 1, dtype=pl.Int32), x=np.round(xy[:, 0], 4),
        y=np.round(xy[:, 1], 4),
        map_rank=pl.Series(np.random.default_rng(seed).permutation(frame.height), dtype=pl.Int32))
    clusters = describe(frame, text.transform(frame["description"].to_list()), labels, points,
                        centres, text.get_feature_names_out())
    return ClusterModel(text, genres, svd, kmeans, pca, selection, clusters, titles,
                        tuple(int(m) + 1 for m in mapping))


def metric_rows(model: ClusterModel) -> list[dict]:
    """k and its silhouette, the whole curve (label = k), cluster sizes (label = name)."""
    chosen = model.selection.filter(pl.col("chosen")).row(0, named=True)
    rows = [_metric("k", "", model.k), _metric("silhouette", "", chosen["silhouette"]),
            _metric("titles", "", model.titles.height),
            _metric("svd_explained_variance", "", float(model.svd.explained_variance_ratio_.sum()))]
    rows += [_metric("silhouette_at_k", str(k), s) for k, s in model.selection.select("k", "silhouette").iter_rows()]
    rows += [_metric("cluster_titles", n, t) for n, t in model.clusters.select("name", "titles").iter_rows()]
    return rows



def load_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(SQL.text("clusters_training")).pl()


def train(con: duckdb.DuckDBPyConnection, seed: int = SEED) -> TrainedModel:
    started = time.monotonic()
    frame = load_frame(con)
    with threadpool_limits(PARAMS["threads"]):
        model = fit(frame, seed)
    return TrainedModel(model, params=dict(PARAMS), metrics=metric_rows(model), seed=seed,
                        notes=f"trained in {time.monotonic() - started:.1f} s")


def _metric(metric: str, label: str, value) -> dict:
    return metric_row(NAME, metric, value, label=label)
