"""Multi-label genre classifiers (model card: docs/models/genre_classifier.md).

- Netflix categories (42 labels of `listed_in`) from title, description and metadata:
  `netflix` takes every input a person can give (type, countries, rating, release
  year, runtime/seasons, cast/directors); `netflix_form` only what the form takes
  (title, description, type, countries). Matched IMDb/TMDB genres are no input: no
  request can carry them, and a model scored with them would overstate what it serves.
- TMDB genres of a movie from what a person can give: title, overview, release year
  and month, original language.

Binary relevance (one-vs-rest logistic regression, class-balanced), one model per
Netflix type (movie and show categories barely overlap: "Dramas" vs "TV Dramas").
On 3-fold out-of-fold predictions of the training split each label's scores are
calibrated (Platt), then one threshold for all labels is chosen for micro-F1 (with
calibrated probabilities the micro-optimal rule is a single cut, about F1/2); at least
one label per title.

Evaluated the way it is used (the headline): Netflix variants trained on the titles
added before 2021-01-01 and scored on the 2021 additions (`temporal_2021`); the TMDB
model scored on recent movies outside the bundle (`unseen_tmdb`, the report part of
etl/snapshot/tmdb_unseen_movies.csv.gz). The random split stays as a secondary row:
3-fold out-of-fold predictions of the training rows (`cv3_oof`). The served artifacts
are the models those scores measure. Every split also scores the plain model and the seed's baseline
(models/genre_plain.py), trained on the same rows in the same run.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial
from pathlib import Path

import duckdb
import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

from base import settings
from base.paths import Paths
from etl.matching import normalize_title_str
from models import SQL, genre_aux, genre_files, sentence_encoder
from models.artifacts import TrainedModel
from models.genre_aux import AuxGenres
from models.genre_inputs import (CV_SPLIT, SENTENCE_VECTOR, TEMPORAL_SPLIT, UNSEEN_SPLIT,
                                 form_record)
from models.genre_plain import PlainModel, SeedBaseline, best_threshold
from models.multilabel import multilabel_rows
from models.neighbour_votes import NeighbourVotes
from models.text_features import (FeatureBuilder, text_of, with_request_vectors,
                                  with_sentence_vectors)

NAME = "genres"
ORDER = 10
TRAINS_IN_WORKERS = True   # its jobs run in `train_jobs` processes (run_jobs)
SEED = 42
# Per variant: C and the feature blocks' weights (docs/models/genre_classifier.md). The
# full and TMDB ones were chosen by 3-fold CV on a random training split (the full
# model's aux weight on the 2020 additions: benchmarks/eval_genres_aux.py); the form's
# on a split one year before the reported one (trained on additions before 2020, scored
# on the 2020 additions: benchmarks/eval_genres_params.py), where the full model's
# choice lost to them: without cast, rating and year, the type and country tokens and
# the title's spelling carry more, and a smaller C fits less of the text's noise.
PARAMS = {"oof_folds": 3, "min_label_positives": 3, "calibration_C": 100.0,
          # the sentence block's principal axes (benchmarks/eval_genres_sentence.py)
          "sentence_dims": 64,
          # neighbour votes (models/neighbour_votes.py; benchmarks/eval_genres_neighbours.py):
          # each variant's "neighbours" is the votes' share of its probabilities
          "neighbour_k": 50, "neighbour_temperature": 0.05,
          # "stems" 0: left out since the votes came (benchmarks/eval_genres_blocks.py)
          "variants": {
              "netflix": {"C": 4.0, "neighbours": 0.35,
                          "weights": {"meta": 0.25, "people": 1.0, "stems": 0.0,
                                      "aux": 0.25, "sentence": 0.5}},
              "netflix_form": {"C": 2.0, "neighbours": 0.35,
                               "weights": {"meta": 0.5, "stems": 0.0, "title_chars": 0.5,
                                           "aux": 0.25, "sentence": 0.5}},
              "tmdb": {"C": 4.0, "neighbours": 0.35,
                       "weights": {"meta": 0.25, "title_chars": 0.5, "stems": 0.0,
                                   "sentence": 0.25}}},
          "threshold_grid": [round(x, 2) for x in np.linspace(0.02, 0.96, 95)]}
# variant -> (feature task, training query)
VARIANTS = {"netflix": ("netflix", "netflix"), "netflix_form": ("netflix", "netflix"),
            "tmdb": ("tmdb", "tmdb")}
TEMPORAL_CUTOFF, TEMPORAL_END = date(2021, 1, 1), date(2022, 1, 1)
# a record this close (cosine of the sentence vectors of title + synopsis) to a training
# row is that row, give or take an edit: the 1,154 unseen TMDB movies come no closer than
# 0.886 to a training movie (benchmarks/eval_genres_served.py), while 1,827 of the 3,870
# movies of a TMDB "popular" export, mostly bundled, reach 0.95 (1,672 reach 0.999)
SEEN_SIMILARITY = 0.95


@dataclass
class GroupModel:
    """Binary-relevance model for one group of records (a Netflix type, or all)."""
    features: FeatureBuilder
    classifier: OneVsRestClassifier
    columns: np.ndarray            # indices into the full label list
    calibration: np.ndarray        # 2 × columns: Platt slope and intercept on the logit
    thresholds: np.ndarray         # one per column (the same value: one cut for micro-F1)
    neighbours: NeighbourVotes | None = None   # None in artifacts from before them
    neighbour_weight: float = 0.0

    def predict_proba(self, records: list[dict]) -> np.ndarray:
        """Calibrated probabilities, mixed with the neighbour votes (records carry their
        sentence vectors: GenreClassifier.predict_proba)."""
        raw = self.classifier.predict_proba(self.features.transform(records))
        probs = _calibrate(raw, self.calibration)
        if self.neighbours is None:
            return probs
        vectors = [r[SENTENCE_VECTOR] for r in with_request_vectors(records)]
        votes = self.neighbours.votes(np.stack(vectors))
        return (1 - self.neighbour_weight) * probs + self.neighbour_weight * votes


@dataclass
class GenreClassifier:
    task: str
    labels: list[str]
    groups: dict[str, GroupModel] = field(default_factory=dict)
    # (normalized title, release year) of the training rows, for trained_on_rows (empty
    # in artifacts from before it)
    trained_titles: frozenset[tuple[str, int | None]] = frozenset()

    def group_of(self, record: dict) -> str:
        return record.get("kind") or "movie" if self.task == "netflix" else "all"

    def predict_proba(self, records: list[dict]) -> np.ndarray:
        """n × labels calibrated probabilities (0 for labels a record's type never has)."""
        if any(gm.neighbours is not None for gm in self.groups.values()):
            records = with_request_vectors(records)   # embedded once for both readers
        out = np.zeros((len(records), len(self.labels)))
        for name, gm in self.groups.items():
            rows = [i for i, r in enumerate(records) if self.group_of(r) == name]
            if rows:
                out[np.ix_(rows, gm.columns)] = gm.predict_proba([records[i] for i in rows])
        return out

    def trained_on_rows(self, records: list[dict]) -> tuple[np.ndarray, list[str]]:
        """Which records are rows this model was trained on (evaluate-genres scores
        them apart: a score on them measures memory), and by which tests: "title" (the
        same normalized title and release year; the title alone for a record without a
        year, so a remake sent without its year counts as seen: the unseen figures
        leave out too much rather than too little) and "synopsis" (a sentence vector of
        title + synopsis within SEEN_SIMILARITY of a training row's: the neighbour
        votes keep them). An artifact from before a test does not run it."""
        seen, tests = np.zeros(len(records), dtype=bool), []
        if self.trained_titles:
            tests.append("title")
            titles = {name for name, _year in self.trained_titles}
            seen |= np.array([(_title(r), r["release_year"]) in self.trained_titles
                              if r.get("release_year") else _title(r) in titles
                              for r in records], dtype=bool)
        votes = list({id(gm.neighbours): gm.neighbours for gm in self.groups.values()
                      if gm.neighbours is not None}.values())   # one per distinct copy
        if votes and records:
            tests.append("synopsis")
            vectors = np.stack([r[SENTENCE_VECTOR] for r in with_request_vectors(records)])
            seen |= np.max([v.closest(vectors) for v in votes], axis=0) >= SEEN_SIMILARITY
        return seen, tests

    def decide(self, records: list[dict], probs: np.ndarray) -> np.ndarray:
        """Thresholds, then at least one label (the most probable)."""
        pred = np.zeros_like(probs, dtype=int)
        for name, gm in self.groups.items():
            rows = [i for i, r in enumerate(records) if self.group_of(r) == name]
            pred[np.ix_(rows, gm.columns)] = probs[np.ix_(rows, gm.columns)] >= gm.thresholds
        empty = pred.sum(axis=1) == 0
        pred[empty, probs[empty].argmax(axis=1)] = 1
        return pred

    @cached_property   # read on every request that names a country
    def countries(self) -> frozenset[str]:
        """The countries it has a token for (its meta block's vocabulary): a name it has
        not read would count as no country the catalog has."""
        names = set()
        for gm in self.groups.values():
            for block, _weight, vectorizer, _field in gm.features.blocks:
                if block == "meta":
                    names |= {token[len("country_"):].replace("_", " ")
                              for token in vectorizer.vocabulary_
                              if token.startswith("country_")}
        return frozenset(names - {"unknown"})

    def predict_many(self, records: list[dict]) -> np.ndarray:
        return self.decide(records, self.predict_proba(records))

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


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _classifier(C: float, seed: int) -> OneVsRestClassifier:
    # dual liblinear: far more columns than rows here, 10-20× faster than the primal
    return OneVsRestClassifier(LogisticRegression(
        C=C, max_iter=3000, class_weight="balanced", solver="liblinear", dual=True,
        random_state=seed))


def _features(task: str, params: dict, records: list[dict],
              aux: AuxGenres | None) -> tuple[FeatureBuilder, sparse.csr_matrix]:
    """A fitted FeatureBuilder and the matrix of `records`."""
    feats = FeatureBuilder(task, params["weights"], aux,
                           params.get("sentence_dims", PARAMS["sentence_dims"]))
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


def _fit_group(task: str, params: dict, records: list[dict], y: np.ndarray, seed: int,
               aux: AuxGenres | None) -> tuple[GroupModel, np.ndarray]:
    """Fit one group; return it and its calibrated out-of-fold probabilities (mixed with
    the out-of-fold neighbour votes: a held-out row votes with the other folds' rows)."""
    columns = np.flatnonzero(y.sum(axis=0) >= PARAMS["min_label_positives"])
    labels = y[:, columns]
    weight = params.get("neighbours", 0.0)
    n_neighbours = params.get("neighbour_k", PARAMS["neighbour_k"])
    temperature = params.get("neighbour_temperature", PARAMS["neighbour_temperature"])
    vectors = (np.stack([r[SENTENCE_VECTOR] for r in with_request_vectors(records)])
               if weight > 0 else None)
    oof, votes = np.zeros(labels.shape), np.zeros(labels.shape)
    for fit, held in KFold(PARAMS["oof_folds"], shuffle=True, random_state=seed).split(records):
        feats, x = _features(task, params, [records[i] for i in fit], aux)
        clf = _classifier(params["C"], seed).fit(x, labels[fit])
        oof[held] = clf.predict_proba(feats.transform([records[i] for i in held]))
        if weight > 0:
            votes[held] = NeighbourVotes.fit(vectors[fit], labels[fit], n_neighbours,
                                             temperature).votes(vectors[held])
    feats, x = _features(task, params, records, aux)
    calibration = np.array([_platt(labels[:, k], oof[:, k]) for k in range(len(columns))]).T
    model = GroupModel(feats, _classifier(params["C"], seed).fit(x, labels), columns,
                       calibration, np.full(len(columns), 0.5))
    full_oof = np.zeros_like(y, dtype=float)
    full_oof[:, columns] = _calibrate(oof, calibration)
    if weight > 0:
        model.neighbours = NeighbourVotes.fit(vectors, labels, n_neighbours, temperature)
        model.neighbour_weight = weight
        full_oof[:, columns] = (1 - weight) * full_oof[:, columns] + weight * votes
    return model, full_oof


def fit(variant: str, records: list[dict], labels: list[str], y: np.ndarray,
        seed: int = SEED, aux: AuxGenres | None = None,
        params: dict | None = None) -> tuple[GenreClassifier, np.ndarray]:
    """A classifier `variant` (a key of VARIANTS), and out-of-fold probabilities of its
    training rows. `aux`: fitted auxiliary genre models (Netflix), an input like any
    other feature. `params`: C and block weights, by default the variant's own
    (PARAMS["variants"]); the benchmarks pass others to compare."""
    task = VARIANTS[variant][0]
    params = params or PARAMS["variants"][variant]
    model = GenreClassifier(task, labels)
    oof = np.zeros_like(y, dtype=float)
    scored = np.zeros_like(y, dtype=bool)   # cells a group model predicts at all
    for name in sorted({model.group_of(r) for r in records}):
        rows = [i for i, r in enumerate(records) if model.group_of(r) == name]
        gm, oof[rows] = _fit_group(task, params, [records[i] for i in rows], y[rows], seed,
                                   aux)
        model.groups[name] = gm
        scored[np.ix_(rows, gm.columns)] = True
    # one cut: micro-F1 out of fold
    threshold = best_threshold(y[scored], oof[scored], PARAMS["threshold_grid"])
    for gm in model.groups.values():
        gm.thresholds = np.full(len(gm.columns), threshold)
    # the form variant's rows have no year; evaluate-genres asks the full model, trained
    # on the same titles
    if variant != "netflix_form":
        model.trained_titles = frozenset((_title(r), r.get("release_year")) for r in records
                                         if _title(r))
    return model, oof


def _title(record: dict) -> str | None:
    """A record's title as the catalog matcher compares titles (accents, case,
    punctuation and "&" / "and" set aside), or None."""
    return normalize_title_str(record.get("title")) or None


def load_records(con: duckdb.DuckDBPyConnection, task: str) -> list[dict]:
    sql = SQL.text(f"genres_{task}_training")
    return con.sql(sql).pl().to_dicts()


def temporal_split(records: list[dict], start: date = TEMPORAL_CUTOFF,
                   end: date = TEMPORAL_END) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (added before `start`, added from `start` until `end`: by default
    before 2021 and in 2021); titles without a date in neither."""
    added = [r.get("date_added") for r in records]
    before = [i for i, d in enumerate(added) if d is not None and d < start]
    during = [i for i, d in enumerate(added) if d is not None and start <= d < end]
    return np.array(before, dtype=int), np.array(during, dtype=int)


def binarize(records: list[dict]) -> tuple[list[str], np.ndarray]:
    binarizer = MultiLabelBinarizer()
    y = binarizer.fit_transform([r["labels"] for r in records])
    return list(binarizer.classes_), y


def _rows(name: str, split: str, y, pred, labels) -> list[dict]:
    return multilabel_rows(f"genres_{name}", split, y, pred, labels)


# --- evaluation: independent jobs, run side by side ----------------------------------
# Each job fits one model on its rows and scores it; it returns ({name: model}, metric
# rows). The jobs share nothing, so they run in `train_jobs` worker processes.

def _classifier_job(variant: str, fit_rows: list[dict], score_rows: list[dict],
                    labels: list[str], y_fit: np.ndarray, y_score: np.ndarray,
                    score_split: str, seed: int,
                    aux: AuxGenres | None = None) -> tuple[dict, list[dict]]:
    """The served classifier: scored on `score_rows` and out of fold on its own rows."""
    model, oof = fit(variant, fit_rows, labels, y_fit, seed, aux)
    rows = _rows(variant, score_split, y_score, model.predict_many(score_rows), labels)
    rows += _rows(variant, CV_SPLIT, y_fit, model.decide(fit_rows, oof), labels)
    return {variant: model}, rows


def _plain_job(name: str, task: str, fit_rows: list[dict], score_rows: list[dict],
               labels: list[str], y_fit: np.ndarray, y_score: np.ndarray, score_split: str,
               seed: int) -> tuple[dict, list[dict]]:
    plain = PlainModel(task, labels).fit(fit_rows, y_fit, seed)
    return {name: plain}, _rows(name, score_split, y_score, plain.predict(score_rows), labels)


def _seed_job(name: str, fit_rows: list[dict], score_rows: list[dict], labels: list[str],
              y_fit: np.ndarray, y_score: np.ndarray, score_split: str) -> tuple[dict, list[dict]]:
    """The seed baseline's scores only: it is not served."""
    base = SeedBaseline(labels).fit(fit_rows, y_fit)
    return {}, _rows(name, score_split, y_score, base.predict(score_rows), labels)


def netflix_jobs(records: list[dict], aux: AuxGenres | None, seed: int) -> list[partial]:
    """Both variants, the plain model (form inputs) and the seed baseline, fitted on the
    titles added before 2021 and scored on the 2021 additions; the variants also on
    their own 3-fold out-of-fold predictions. `aux`: the auxiliary genre models, fitted
    on no catalog title (models/genre_aux.py)."""
    labels, y = binarize(records)
    train_idx, test_idx = temporal_split(records)
    train, test = [records[i] for i in train_idx], [records[i] for i in test_idx]
    form_train, form_test = [form_record(r) for r in train], [form_record(r) for r in test]
    split = (labels, y[train_idx], y[test_idx], TEMPORAL_SPLIT)
    return [partial(_classifier_job, "netflix", train, test, *split, seed, aux),
            partial(_classifier_job, "netflix_form", form_train, form_test, *split,
                    seed, aux),
            partial(_plain_job, "netflix_plain", "netflix", form_train, form_test, *split, seed),
            partial(_seed_job, "netflix_baseline", train, test, *split)]


def tmdb_jobs(records: list[dict], seed: int) -> list[partial]:
    """The TMDB model, the plain model and the seed baseline fitted on every bundled
    movie, scored on the unseen movies (report part); the model also out of fold."""
    labels, y = binarize(records)
    unseen = with_sentence_vectors(genre_files.unseen_tmdb("report", labels).records)
    y_unseen = MultiLabelBinarizer(classes=labels).fit_transform([r["labels"] for r in unseen])
    split = (labels, y, y_unseen, UNSEEN_SPLIT)
    return [partial(_classifier_job, "tmdb", records, unseen, *split, seed),
            partial(_plain_job, "tmdb_plain", "tmdb", records, unseen, *split, seed),
            partial(_seed_job, "tmdb_baseline", records, unseen, *split)]


def _numbered(i: int, job: partial) -> tuple[int, tuple[dict, list[dict]]]:
    return i, job()


def run_jobs(jobs: list[partial], n_jobs: int,
             progress: Callable[[str], None] = lambda m: None) -> tuple[dict, list[dict]]:
    """Every job's models and rows, in the jobs' order. Processes, not threads:
    liblinear draws from one process-wide random generator, so fits in threads would
    interleave their draws and change the scores from run to run; in processes each fit
    is alone, and the scores are those of a sequential run. The costliest jobs (the plain
    models: character 2-5-grams) go first so the other process fills in beside them.
    Each job's end is reported as it comes (the whole took two silent minutes)."""
    order = sorted(range(len(jobs)), key=lambda i: jobs[i].func is not _plain_job)
    # (each worker process gets one BLAS thread from joblib: liblinear uses none)
    done = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator_unordered")(
        delayed(_numbered)(i, jobs[i]) for i in order)
    results = {}
    for i, result in done:
        results[i] = result
        progress(f"{len(results)}/{len(jobs)} fits done ({jobs[i].args[0]})")
    models, rows = {}, []
    for i in range(len(jobs)):
        models.update(results[i][0])
        rows += results[i][1]
    return models, rows


def train(con: duckdb.DuckDBPyConnection, seed: int = SEED,
          progress: Callable[[str], None] = lambda m: None) -> TrainedModel:
    """All classifiers in one artifact: {"netflix", "netflix_form", "netflix_plain",
    "tmdb", "tmdb_plain"}. The Netflix ones are those trained on the additions before
    2021 (what their headline scores measure), the TMDB ones on every bundled movie."""
    started, n_jobs = time.monotonic(), settings.get("train_jobs")
    netflix = with_sentence_vectors(load_records(con, "netflix"), progress)
    aux = genre_aux.fit(genre_aux.training_records(con, netflix, TEMPORAL_CUTOFF.year), seed)
    progress("auxiliary genre models fitted")
    tmdb = with_sentence_vectors(load_records(con, "tmdb"), progress)
    models, rows = run_jobs(netflix_jobs(netflix, aux, seed) + tmdb_jobs(tmdb, seed),
                            n_jobs, progress)
    # each job's process returned its own copy of the auxiliary models: keep one (the
    # same fitted object, so the same predictions) and the artifact holds it once
    for variant in ("netflix", "netflix_form"):
        for gm in models[variant].groups.values():
            gm.features.share_aux(aux)
    # both variants vote with the same training titles: one copy of their vectors in
    # the artifact and in a server's memory
    for name, gm in models["netflix_form"].groups.items():
        full = models["netflix"].groups.get(name)
        if full and full.neighbours and gm.neighbours and full.neighbours.same_as(gm.neighbours):
            gm.neighbours = full.neighbours
    return TrainedModel(models,
                        params={**PARAMS, "temporal_cutoff": str(TEMPORAL_CUTOFF),
                                "unseen_file": genre_files.UNSEEN_TMDB.name},
                        metrics=rows, seed=seed,
                        notes=f"trained in {time.monotonic() - started:.1f} s wall with "
                              f"{n_jobs} process{'es' if n_jobs > 1 else ''}")


def sentence_texts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every text a refresh's genre training embeds: the Netflix and TMDB training rows
    and the unseen movies it scores."""
    tmdb = load_records(con, "tmdb")
    labels, _ = binarize(tmdb)
    unseen = [r for part in ("tune", "report")
              for r in genre_files.unseen_tmdb(part, labels).records]
    return [text_of(r) for r in load_records(con, "netflix") + tmdb + unseen]


def write_sentence_vectors(data_dir: Path) -> int:
    """The shipped sentence vectors (models/sentence_encoder.py), from `data_dir`'s
    published build (of the bundled snapshot)."""
    with duckdb.connect(str(Paths(data_dir).current_link), read_only=True) as con:
        texts = sentence_texts(con)
    return sentence_encoder.write_shipped(texts)


if __name__ == "__main__":   # python -m models.genre_classifier DATA_DIR
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m models.genre_classifier DATA_DIR "
                         "(writes the shipped sentence vectors)")
    print(f"{write_sentence_vectors(Path(sys.argv[1])):,} vectors written to "
          f"{sentence_encoder.SHIPPED}")
