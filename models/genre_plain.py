"""The plain genre model every figure is compared with (issue 13), and the seed's baseline.

Plain: TF-IDF word 1-2-grams + character 2-5-grams of title and text, one-hot of the
categorical inputs the served model also takes (original language for TMDB; type and
countries for Netflix), one-vs-rest logistic regression with balanced class weights,
one threshold for all labels chosen for micro-F1 on 2-fold out-of-fold probabilities,
at least one label per title. Nothing is tuned for it: a strong, simple yardstick.

Seed-style: what the project first shipped as its baseline (TF-IDF min_df 20 on title +
description, one-vs-rest logistic regression, 0.5).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier

FOLDS = 2   # the threshold's CV: char 5-grams make each fit the costliest of the refresh
GRID = [round(x, 2) for x in np.linspace(0.02, 0.96, 95)]


def _text(r: dict) -> str:
    return " ".join(filter(None, [r.get("title"), r.get("description")]))


def _categories(task: str, r: dict) -> str:
    if task == "tmdb":
        return f"lang_{r.get('original_language') or 'xx'}"
    countries = [c.replace(" ", "_") for c in r.get("countries") or []]
    return " ".join([f"kind_{r.get('kind') or 'movie'}"] + [f"country_{c}" for c in countries])


def best_threshold(truth: np.ndarray, probs: np.ndarray, grid=GRID) -> float:
    """The grid cut with the best micro-F1 over all cells (ties: the lowest)."""
    best, best_f1 = 0.5, -1.0
    for th in grid:
        pred = probs >= th
        f1 = 2 * np.sum(pred & (truth == 1)) / max(pred.sum() + truth.sum(), 1)
        if f1 > best_f1:
            best, best_f1 = th, f1
    return best


def at_least_one(probs: np.ndarray, threshold: float) -> np.ndarray:
    pred = (probs >= threshold).astype(int)
    empty = pred.sum(axis=1) == 0
    pred[empty, probs[empty].argmax(axis=1)] = 1
    return pred


@dataclass
class PlainModel:
    task: str            # "netflix" or "tmdb"
    labels: list[str]
    threshold: float = 0.5
    vectorizers: list = field(default_factory=list)
    classifier: OneVsRestClassifier | None = None
    keep: np.ndarray | None = None   # label columns with positives in training

    def _matrix(self, records: list[dict], fit: bool = False) -> sparse.csr_matrix:
        fields = [_text, _text, lambda r: _categories(self.task, r)]
        if fit:
            self.vectorizers = [
                TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                sublinear_tf=True, dtype=np.float32),
                CountVectorizer(token_pattern=r"\S+", binary=True, lowercase=False)]
            return sparse.hstack([v.fit_transform(map(f, records))
                                  for v, f in zip(self.vectorizers, fields)]).tocsr()
        return sparse.hstack([v.transform(map(f, records))
                              for v, f in zip(self.vectorizers, fields)]).tocsr()

    @staticmethod
    def _classifier(seed: int) -> OneVsRestClassifier:
        return OneVsRestClassifier(LogisticRegression(
            class_weight="balanced", solver="liblinear", dual=True, max_iter=3000,
            random_state=seed))

    def fit(self, records: list[dict], y: np.ndarray, seed: int = 42) -> "PlainModel":
        # vectorizers see all training rows once (no labels: nothing leaks into the cut)
        x = self._matrix(records, fit=True)
        self.keep = np.flatnonzero(y.sum(axis=0) > 0)
        yk = y[:, self.keep]
        oof = np.zeros(yk.shape)
        for fit, held in KFold(FOLDS, shuffle=True, random_state=seed).split(records):
            oof[held] = self._classifier(seed).fit(x[fit], yk[fit]).predict_proba(x[held])
        self.threshold = best_threshold(yk, oof)
        self.classifier = self._classifier(seed).fit(x, yk)
        # out-of-fold probabilities of the training rows, for a blend's threshold; not
        # kept in the artifact (see __getstate__)
        self.oof = np.zeros(y.shape)
        self.oof[:, self.keep] = oof
        return self

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "oof"}

    def predict_proba(self, records: list[dict]) -> np.ndarray:
        out = np.zeros((len(records), len(self.labels)))
        out[:, self.keep] = self.classifier.predict_proba(self._matrix(records))
        return out

    def predict(self, records: list[dict]) -> np.ndarray:
        return at_least_one(self.predict_proba(records), self.threshold)


@dataclass
class SeedBaseline:
    """TF-IDF (min_df 20) on title + description, one-vs-rest LR, 0.5."""
    labels: list[str]
    vectorizer: TfidfVectorizer | None = None
    classifier: OneVsRestClassifier | None = None
    keep: np.ndarray | None = None

    def fit(self, records: list[dict], y: np.ndarray) -> "SeedBaseline":
        self.vectorizer = TfidfVectorizer(min_df=20).fit(map(_text, records))
        self.keep = np.flatnonzero(y.sum(axis=0) > 0)
        self.classifier = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(
            self.vectorizer.transform(map(_text, records)), y[:, self.keep])
        return self

    def predict(self, records: list[dict]) -> np.ndarray:
        out = np.zeros((len(records), len(self.labels)), dtype=int)
        out[:, self.keep] = self.classifier.predict(self.vectorizer.transform(map(_text, records)))
        return out
