"""Multi-label genre classifiers (model card: docs/models/genre_classifier.md).

- Netflix categories (42 labels of `listed_in`) from title, description and metadata
  (type, countries, rating, runtime/seasons, cast/directors, matched IMDb/TMDB genres).
- TMDB genres of a market movie from its overview and metadata (and, for the one movie
  in seven the Netflix catalog also has, what the catalog says of it).

Binary relevance (one-vs-rest logistic regression, class-balanced), one model per
Netflix type (movie and show categories barely overlap: "Dramas" vs "TV Dramas").
On 3-fold out-of-fold predictions of the training split each label's scores are
calibrated (Platt), then one threshold for all labels is chosen for micro-F1 (with
calibrated probabilities the micro-optimal rule is a single cut, about F1/2); at least
one label per title. TMDB adds a second stage (models/genre_stacking.py): neighbour
votes and a per-label gradient-boosted combiner, whose out-of-fold probabilities take
the Platt step's place. Evaluated on a fixed 20% held-out split (seed 42) next to the
naive baseline the issue names (TF-IDF min_df=20, one-vs-rest LR, 0.5).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import duckdb
import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

from models import SQL
from models.artifacts import TrainedModel
from models.genre_stacking import LabelCombiner, NeighbourVotes, fit_combiner, logit
from models.metrics import multilabel_rows
from models.text_features import FeatureBuilder, text_of

NAME = "genres"
ORDER = 10
SEED = 42
HOLDOUT = 0.2
# Chosen by 3-fold CV on the training split only (docs/models/genre_classifier.md).
PARAMS = {"C": 4.0, "oof_folds": 3, "min_label_positives": 3, "calibration_C": 100.0,
          "feature_weights": {"netflix": {"meta": 0.25, "people": 1.0, "stems": 0.5},
                              "tmdb": {"meta": 0.25, "title_chars": 0.5, "stems": 0.5}},
          "stacking": {"tmdb": {"neighbours": 100, "similarity_power": 1.5, "folds": 3,
                                "trees": 80, "learning_rate": 0.1, "leaves": 7,
                                "min_leaf": 40, "l2": 1.0}},
          "threshold_grid": [round(x, 2) for x in np.linspace(0.02, 0.96, 95)]}
# What a person can type into the live form (or pass to the CLI/API). The "netflix_form"
# variant is trained on these alone, so what the form shows is what it was scored on.
FORM_FIELDS = ("title", "description", "kind", "countries")
# variant -> (feature task, training query)
VARIANTS = {"netflix": ("netflix", "netflix"), "netflix_form": ("netflix", "netflix"),
            "tmdb": ("tmdb", "tmdb")}


@dataclass
class GroupModel:
    """Binary-relevance model for one group of records (a Netflix type, or all)."""
    features: FeatureBuilder
    classifier: OneVsRestClassifier
    columns: np.ndarray            # indices into the full label list
    calibration: np.ndarray | None  # 2 × columns: Platt slope and intercept on the logit
    thresholds: np.ndarray         # one per column (the same value: one cut for micro-F1)
    # the second stage (TMDB): it turns first-stage scores into probabilities instead of Platt
    neighbours: NeighbourVotes | None = None
    combiner: LabelCombiner | None = None

    def predict_proba(self, records: list[dict]) -> np.ndarray:
        x = self.features.transform(records)
        raw = self.classifier.predict_proba(x)
        if self.combiner is None:
            return _calibrate(raw, self.calibration)
        votes = self.neighbours.scores(self.features.text_columns(x))
        return self.combiner.predict_proba(raw, votes, records)


@dataclass
class GenreClassifier:
    task: str
    labels: list[str]
    groups: dict[str, GroupModel] = field(default_factory=dict)

    def group_of(self, record: dict) -> str:
        return record.get("kind") or "movie" if self.task == "netflix" else "all"

    def predict_proba(self, records: list[dict]) -> np.ndarray:
        """n × labels calibrated probabilities (0 for labels a record's type never has)."""
        out = np.zeros((len(records), len(self.labels)))
        for name, gm in self.groups.items():
            rows = [i for i, r in enumerate(records) if self.group_of(r) == name]
            if rows:
                out[np.ix_(rows, gm.columns)] = gm.predict_proba([records[i] for i in rows])
        return out

    def decide(self, records: list[dict], probs: np.ndarray) -> np.ndarray:
        """Thresholds, then at least one label (the most probable)."""
        pred = np.zeros_like(probs, dtype=int)
        for name, gm in self.groups.items():
            rows = [i for i, r in enumerate(records) if self.group_of(r) == name]
            pred[np.ix_(rows, gm.columns)] = probs[np.ix_(rows, gm.columns)] >= gm.thresholds
        empty = pred.sum(axis=1) == 0
        pred[empty, probs[empty].argmax(axis=1)] = 1
        return pred

    def predict(self, record: dict) -> list[tuple[str, float]]:
        """Predicted labels of one record with probabilities, most probable first."""
        probs = self.predict_proba([record])
        chosen = np.flatnonzero(self.decide([record], probs)[0])
        return sorted(((self.labels[j], float(probs[0, j])) for j in chosen),
                      key=lambda x: -x[1])

    def explain(self, record: dict, label: str, k: int = 6) -> list[tuple[str, float]]:
        """The words of the text that pushed `label` up most (coefficient × tf-idf)."""
        gm = self.groups.get(self.group_of(record))
        j = self.labels.index(label)
        if gm is None or j not in gm.columns:
            return []
        est = gm.classifier.estimators_[int(np.flatnonzero(gm.columns == j)[0])]
        n_text = len(gm.features.text.vocabulary_)
        x = gm.features.text.transform([text_of(record)])
        coef = np.asarray(est.coef_).ravel()[:n_text]
        contrib = x.multiply(coef).tocsr()
        words = gm.features.text_vocabulary
        pairs = [(words[i], float(v)) for i, v in zip(contrib.indices, contrib.data) if v > 0]
        return sorted(pairs, key=lambda p: -p[1])[:k]


def _classifier(seed: int) -> OneVsRestClassifier:
    # dual liblinear: far more columns than rows here, 10-20× faster than the primal
    return OneVsRestClassifier(LogisticRegression(
        C=PARAMS["C"], max_iter=3000, class_weight="balanced", solver="liblinear",
        dual=True, random_state=seed))


def _features(task: str, records: list[dict]) -> tuple[FeatureBuilder, sparse.csr_matrix]:
    """A fitted FeatureBuilder and the matrix of `records`."""
    feats = FeatureBuilder(task, PARAMS["feature_weights"][task])
    return feats, feats.fit_transform(records)


def _calibrate(probs: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    return expit(calibration[0] * logit(probs) + calibration[1])


def _platt(truth: np.ndarray, probs: np.ndarray) -> tuple[float, float]:
    """Slope and intercept mapping one label's out-of-fold logit to a probability.

    Class-balanced fits inflate small labels' scores; this puts every label on one
    scale, so that a single threshold means the same for all of them.
    """
    if truth.min() == truth.max():
        return 1.0, 0.0
    lr = LogisticRegression(C=PARAMS["calibration_C"]).fit(logit(probs)[:, None], truth)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def _fit_group(task: str, records: list[dict], y: np.ndarray, seed: int) -> tuple[GroupModel, np.ndarray]:
    """Fit one group; return it and its calibrated out-of-fold probabilities."""
    columns = np.flatnonzero(y.sum(axis=0) >= PARAMS["min_label_positives"])
    labels = y[:, columns]
    stacking = PARAMS["stacking"].get(task)
    oof, votes_oof = np.zeros(labels.shape), np.zeros(labels.shape)
    for fit, held in KFold(PARAMS["oof_folds"], shuffle=True, random_state=seed).split(records):
        feats, x = _features(task, [records[i] for i in fit])
        clf = _classifier(seed).fit(x, labels[fit])
        x_held = feats.transform([records[i] for i in held])
        oof[held] = clf.predict_proba(x_held)
        if stacking is not None:
            votes = _neighbours(stacking, feats.text_columns(x), labels[fit])
            votes_oof[held] = votes.scores(feats.text_columns(x_held))
    feats, x = _features(task, records)
    model = GroupModel(feats, _classifier(seed).fit(x, labels), columns, None,
                       np.full(len(columns), 0.5))
    full_oof = np.zeros_like(y, dtype=float)
    if stacking is None:
        model.calibration = np.array([_platt(labels[:, k], oof[:, k])
                                      for k in range(len(columns))]).T
        full_oof[:, columns] = _calibrate(oof, model.calibration)
        return model, full_oof
    model.neighbours = _neighbours(stacking, feats.text_columns(x), labels)
    model.combiner, full_oof[:, columns] = fit_combiner(stacking, oof, votes_oof, records,
                                                        labels, seed)
    return model, full_oof


def _neighbours(stacking: dict, texts, labels: np.ndarray) -> NeighbourVotes:
    """Neighbour votes over the TF-IDF text columns of the training rows."""
    return NeighbourVotes(stacking["neighbours"], stacking["similarity_power"]).fit(texts, labels)


def _best_threshold(truth: np.ndarray, probs: np.ndarray) -> float:
    """The grid threshold with the best F1 over all the cells given (ties: the lowest)."""
    best, best_f1 = 0.5, -1.0
    for th in PARAMS["threshold_grid"]:
        pred = probs >= th
        tp = np.sum(pred & (truth == 1))
        f1 = 2 * tp / max(pred.sum() + truth.sum(), 1)
        if f1 > best_f1:
            best, best_f1 = th, f1
    return best


def fit(task: str, records: list[dict], labels: list[str], y: np.ndarray,
        seed: int = SEED) -> tuple[GenreClassifier, np.ndarray]:
    """A classifier for `task`, and out-of-fold probabilities of its training rows."""
    model = GenreClassifier(task, labels)
    oof = np.zeros_like(y, dtype=float)
    scored = np.zeros_like(y, dtype=bool)   # cells a group model predicts at all
    for name in sorted({model.group_of(r) for r in records}):
        rows = [i for i, r in enumerate(records) if model.group_of(r) == name]
        gm, oof[rows] = _fit_group(task, [records[i] for i in rows], y[rows], seed)
        model.groups[name] = gm
        scored[np.ix_(rows, gm.columns)] = True
    threshold = _best_threshold(y[scored], oof[scored])  # one cut: micro-F1 out of fold
    for gm in model.groups.values():
        gm.thresholds = np.full(len(gm.columns), threshold)
    return model, oof


def baseline_predictions(train: list[dict], y_train, test: list[dict]) -> np.ndarray:
    """The issue's naive baseline: TF-IDF(min_df=20) on title+description, OvR LR, 0.5."""
    text = lambda rs: [" ".join(filter(None, [r["title"], r["description"]])) for r in rs]  # noqa: E731
    vec = TfidfVectorizer(min_df=20).fit(text(train))
    keep = np.flatnonzero(y_train.sum(axis=0) > 0)
    clf = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(vec.transform(text(train)),
                                                                     y_train[:, keep])
    out = np.zeros((len(test), y_train.shape[1]), dtype=int)
    out[:, keep] = clf.predict(vec.transform(text(test)))
    return out


def load_records(con: duckdb.DuckDBPyConnection, task: str) -> list[dict]:
    sql = SQL.text(f"genres_{task}_training")
    return con.sql(sql).pl().to_dicts()


def form_record(record: dict) -> dict:
    """Only the fields the live form offers (plus labels when training)."""
    return {k: record.get(k) for k in (*FORM_FIELDS, "labels")}


def holdout_split(n: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (train, held-out) of the fixed documented split."""
    return train_test_split(np.arange(n), test_size=HOLDOUT, random_state=seed)


def train_task(con, variant: str, seed: int = SEED) -> tuple[GenreClassifier, list[dict]]:
    """Fit on the training split, evaluate on the fixed held-out split and out of fold."""
    task, query = VARIANTS[variant]
    records = load_records(con, query)
    if variant == "netflix_form":
        records = [form_record(r) for r in records]
    binarizer = MultiLabelBinarizer()
    y = binarizer.fit_transform([r["labels"] for r in records])
    labels = list(binarizer.classes_)
    train_idx, test_idx = holdout_split(len(records), seed)
    train, test = [records[i] for i in train_idx], [records[i] for i in test_idx]
    model, oof = fit(task, train, labels, y[train_idx], seed)
    name = f"genres_{variant}"
    rows = multilabel_rows(name, "holdout", y[test_idx],
                           model.decide(test, model.predict_proba(test)), labels)
    rows += multilabel_rows(name, f"cv{PARAMS['oof_folds']}_oof", y[train_idx],
                            model.decide(train, oof), labels)
    if variant != "netflix_form":  # same inputs as the netflix baseline: not twice
        rows += multilabel_rows(f"{name}_baseline", "holdout", y[test_idx],
                                baseline_predictions(train, y[train_idx], test), labels)
    return model, rows


def train(con: duckdb.DuckDBPyConnection, seed: int = SEED) -> TrainedModel:
    """All classifiers in one artifact: {"netflix", "netflix_form", "tmdb"}."""
    started, models, rows = time.monotonic(), {}, []
    for variant in VARIANTS:
        models[variant], variant_rows = train_task(con, variant, seed)
        rows += variant_rows
    return TrainedModel(models, params={**PARAMS, "holdout": HOLDOUT}, metrics=rows,
                        seed=seed, notes=f"trained in {time.monotonic() - started:.1f} s")
