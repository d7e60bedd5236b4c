"""Second stage of the TMDB genre classifier (model card: docs/models/genre_classifier.md).

TMDB overviews are short (a median of 42 words) and the linear first stage weighs each word
on its own; at about 0.66 micro-F1 every bag-of-words variant had stopped improving.
Two additions, each chosen on 3-fold cross-validation of the training split:

- Neighbour votes: the genres of the k most similar overviews of the training movies
  (TF-IDF cosine), weighted by similarity ** power. They carry a movie's phrasing as a
  whole, which a sum of word weights does not.
- A combiner per label: gradient-boosted trees over both stages' scores for *all*
  labels and the audience numbers (votes, rating, popularity, year, month, language,
  the list the movie came from, overview length). Trees can learn what a linear model
  can only add up: how one label's score bears on another's, and how that depends on
  language or year.

The combiner is trained on out-of-fold scores of both stages (never on scores of rows a
stage was fitted on), so what it learns is how the stages behave on movies they have not
seen. Scoring a *training* movie again would find the movie itself as its nearest
neighbour (similarity 1) and be far too confident: the model is for movies outside its
training rows, which is all the app asks of it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

_CHUNK = 512   # rows scored at once: the dense similarity block is chunk × training rows
_EPS = 1e-4
# The trees' OpenMP threads spin while they wait: next to another busy process (measured:
# a second training; a scheduled refresh always runs next to the app) two threads made
# the combiner 4-15x slower here. One thread costs ~15% when the machine is idle.
_TREE_THREADS = 1


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


@dataclass
class NeighbourVotes:
    """Similarity-weighted genres of the k most similar training texts.

    Texts are compared in the first stage's own TF-IDF space: its text columns, computed
    once for both (L2-normalised rows, so a dot product is the cosine).
    """
    k: int
    power: float
    matrix: sparse.csr_matrix = field(init=False, repr=False)  # vocabulary × training texts
    y: np.ndarray = field(init=False, repr=False)
    prior: np.ndarray = field(init=False, repr=False)

    def fit(self, texts: sparse.csr_matrix, y: np.ndarray) -> "NeighbourVotes":
        """`texts`: the training rows' TF-IDF text columns; `y`: their labels."""
        self.matrix = texts.astype(np.float32).T.tocsr()
        self.y, self.prior = y.astype(np.float32), y.mean(axis=0)
        return self

    def scores(self, texts: sparse.csr_matrix) -> np.ndarray:
        """n × labels: (Σ similarity^power × neighbour's labels + prior) / (Σ weights + 1).

        The prior (label frequency, as one pseudo-neighbour) keeps a text with no
        similar neighbour at the base rate instead of at zero.
        """
        n = texts.shape[0]
        out = np.empty((n, self.y.shape[1]))
        if n == 0:
            return out
        query = texts.astype(np.float32).tocsr()
        k = min(self.k, self.y.shape[0])
        for start in range(0, n, _CHUNK):
            sim = (query[start:start + _CHUNK] @ self.matrix).toarray()
            top = np.argpartition(-sim, k - 1, axis=1)[:, :k]
            weight = np.take_along_axis(sim, top, axis=1) ** self.power
            votes = np.einsum("rk,rkl->rl", weight, self.y[top])
            out[start:start + _CHUNK] = (votes + self.prior) / (weight.sum(axis=1) + 1)[:, None]
        return np.clip(out, _EPS, 1 - _EPS)


@dataclass
class AudienceNumbers:
    """The numeric inputs of the combiner; languages are coded by training frequency."""
    languages: dict[str, int] = field(default_factory=dict)
    # columns with no value at all in training (a source without release dates): the
    # trees cannot bin an all-missing column, so those are fed as zeros
    blank: np.ndarray = field(
        default_factory=lambda: np.zeros(AudienceNumbers.COLUMNS, dtype=bool))
    COLUMNS = 8
    LANGUAGE_COLUMN = 5

    def fit(self, records: list[dict]) -> "AudienceNumbers":
        counts = Counter(r.get("original_language") or "xx" for r in records)
        # the trees' categorical support takes at most 255 codes; the rest count as missing
        self.languages = {lang: i for i, (lang, _) in enumerate(counts.most_common(250))}
        self.blank = np.zeros(self.COLUMNS, dtype=bool)   # measured on the raw numbers
        self.blank = np.isnan(self.matrix(records)).all(axis=0)
        return self

    def matrix(self, records: list[dict]) -> np.ndarray:
        def number(value):
            return np.nan if value is None else float(value)
        if not records:
            return np.empty((0, self.COLUMNS))
        out = np.array([[number(r.get("vote_average")), np.log1p(r.get("vote_count") or 0),
                         np.log1p(r.get("popularity") or 0), number(r.get("release_year")),
                         number(r.get("release_month")),
                         self.languages.get(r.get("original_language") or "xx", np.nan),
                         # snapshot "top_rated_snapshot", live "movie/top_rated"
                         float("top_rated" in (r.get("source_list") or "")),
                         float(len(r.get("description") or ""))] for r in records])
        out[:, self.blank] = 0.0
        return out


@dataclass
class LabelCombiner:
    """One gradient-boosted classifier per label over [first stage, votes, audience]."""
    params: dict
    audience: AudienceNumbers = field(default_factory=AudienceNumbers)
    trees: list = field(default_factory=list)

    def _inputs(self, first: np.ndarray, votes: np.ndarray, records: list[dict]) -> np.ndarray:
        return np.hstack([logit(first), logit(votes), self.audience.matrix(records)])

    def _tree(self, n_scores: int, seed: int) -> HistGradientBoostingClassifier:
        categorical = np.zeros(n_scores + AudienceNumbers.COLUMNS, dtype=bool)
        categorical[n_scores + AudienceNumbers.LANGUAGE_COLUMN] = True
        p = self.params
        return HistGradientBoostingClassifier(
            learning_rate=p["learning_rate"], max_iter=p["trees"], max_leaf_nodes=p["leaves"],
            min_samples_leaf=p["min_leaf"], l2_regularization=p["l2"],
            categorical_features=categorical, early_stopping=False, random_state=seed)

    def fit(self, first: np.ndarray, votes: np.ndarray, records: list[dict], y: np.ndarray,
            seed: int) -> "LabelCombiner":
        self.audience.fit(records)
        x = self._inputs(first, votes, records)
        with threadpool_limits(_TREE_THREADS, user_api="openmp"):
            self.trees = [self._tree(2 * y.shape[1], seed).fit(x, y[:, j])
                          for j in range(y.shape[1])]
        return self

    def predict_proba(self, first: np.ndarray, votes: np.ndarray, records: list[dict]) -> np.ndarray:
        if not records:
            return np.empty((0, len(self.trees)))
        x = self._inputs(first, votes, records)
        with threadpool_limits(_TREE_THREADS, user_api="openmp"):
            return np.column_stack([t.predict_proba(x)[:, 1] for t in self.trees])


def fit_combiner(params: dict, first_oof: np.ndarray, votes_oof: np.ndarray,
                 records: list[dict], y: np.ndarray, seed: int) -> tuple[LabelCombiner, np.ndarray]:
    """The combiner fitted on all rows, and its own out-of-fold probabilities.

    Its folds differ from the first stage's (another seed); a row's combiner score
    comes from trees that never saw that row.
    """
    oof = np.zeros(y.shape)
    for fit, held in KFold(params["folds"], shuffle=True, random_state=seed + 1).split(records):
        part = LabelCombiner(params).fit(first_oof[fit], votes_oof[fit],
                                         [records[i] for i in fit], y[fit], seed)
        oof[held] = part.predict_proba(first_oof[held], votes_oof[held], [records[i] for i in held])
    return LabelCombiner(params).fit(first_oof, votes_oof, records, y, seed), oof
