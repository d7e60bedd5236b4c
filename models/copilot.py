"""Investment copilot (model card: docs/models/copilot.md).

For a hypothetical title, from what a planner knows before release (type, Netflix
categories, primary country, language, month/quarter added, runtime or seasons,
maturity rating; never IMDb/TMDB outcomes):
- the probability of a hit (top quartile of engagement among scored titles of its
  type): logistic regression calibrated by CalibratedClassifierCV (sigmoid, 3 folds);
- predicted TMDB popularity: ridge regression on log(1 + popularity);
- the most similar existing titles of the same type (cosine nearest neighbours over
  weighted features) as benchmarks, with their actual engagement;
- a risk level from the probability and the spread of the benchmarks' engagement.
Scored out of fold (stratified 5-fold) against base-rate and mean baselines; every
prediction carries those scores.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (
    brier_score_loss,
    log_loss,
    mean_absolute_error,
    roc_auc_score,
)
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from base.kinds import kind_of
from models import SQL
from models.artifacts import TrainedModel
from models.metrics import metric_row, summary
from models.serving import BadInput, load

NAME = "copilot"
ORDER = 30
SEED = 42
PARAMS = {"C": 1.0, "calibration": "sigmoid", "calibration_folds": 3, "cv_folds": 5,
          "ridge_alpha": 1.0, "min_count": 10, "neighbours": 10, "reliability_bins": 10}
CV_SPLIT = f"cv{PARAMS['cv_folds']}_oof"
# What a planner knows before release: the only inputs of every model here.
FEATURES = ("kind", "genres", "country", "language", "month", "quarter", "runtime_minutes",
            "seasons", "maturity_rating")
# Seasons pick benchmarks but are not a model input: a catalog show's season count
# includes renewals, which follow success (with it, show ROC-AUC rose 0.77 → 0.83).
SIMILARITY_ONLY = ("seasons", "log_seasons")
# What audiences did afterwards: targets and benchmark columns, never features.
OUTCOMES = ("engagement_score", "is_hit", "hit_threshold", "tmdb_popularity", "imdb_score",
            "imdb_votes")
BENCHMARK_COLUMNS = ("show_id", "title", "release_year", "country", "genres",
                     "engagement_score", "is_hit", "tmdb_popularity")
RATINGS = ("TV-MA", "TV-14", "TV-PG", "R", "PG-13", "TV-Y7", "TV-Y", "PG", "TV-G", "NR", "G",
           "TV-Y7-FV", "NC-17", "UR")
# Similarity weight of each feature group (kind is excluded: benchmarks share the type).
SIMILARITY = {"genre": 1.0, "country": 1.0, "language": 0.5, "rating": 0.5, "runtime": 0.7,
              "seasons": 0.7, "quarter": 0.3, "month": 0.2}
RUNTIME_EDGES = (30, 60, 90, 105, 120, 150)   # minutes: bins <30, 30–59, …, ≥150
SEASON_EDGES = (2, 3, 4, 6)                     # bins 1, 2, 3, 4–5, ≥6


def tokens(record: dict) -> list[tuple[str, str]]:
    """(group, value) one-hot tokens of a planner record."""
    out = [("kind", record["kind"])] + [("genre", g) for g in record["genres"]]
    out += [("country", record.get("country") or "unknown"),
            ("language", record.get("language") or "unknown"),
            ("rating", record.get("maturity_rating") or "unknown")]
    out += [(k, str(record[k])) for k in ("month", "quarter") if record.get(k)]
    if record["kind"] == "movie":
        out.append(("runtime", str(np.searchsorted(RUNTIME_EDGES, record["runtime_minutes"] or 0,
                                                   side="right"))))
    else:
        out.append(("seasons", str(np.searchsorted(SEASON_EDGES, record["seasons"] or 1,
                                                   side="right"))))
    return out


def numeric(record: dict) -> list[float]:
    """Log runtime (movies, centred on 100 min) and log seasons (shows); 0 otherwise."""
    if record["kind"] == "movie":
        return [math.log((record["runtime_minutes"] or 100) / 100), 0.0]
    return [0.0, math.log(record["seasons"] or 1)]


@dataclass
class Encoder:
    """One-hot tokens seen at least `min_count` times (rarer ones → "<group>=other")."""
    columns: list[tuple[str, str]] = field(default_factory=list)

    def fit(self, records: list[dict], min_count: int) -> "Encoder":
        counts = Counter(t for r in records for t in tokens(r))
        kept = {t for t, n in counts.items() if n >= min_count}
        self.columns = sorted(kept | {(g, "other") for g, _ in counts})
        return self

    @property
    def names(self) -> list[str]:
        return [f"{g}={v}" for g, v in self.columns] + ["log_runtime", "log_seasons"]

    def transform(self, records: list[dict]) -> np.ndarray:
        index = {c: i for i, c in enumerate(self.columns)}
        x = np.zeros((len(records), len(self.columns) + 2))
        for i, r in enumerate(records):
            for g, v in tokens(r):
                x[i, index.get((g, v), index[(g, "other")])] = 1.0
            x[i, -2:] = numeric(r)
        return x

    def similarity_weights(self) -> np.ndarray:
        return np.array([SIMILARITY.get(g, 0.0) for g, _ in self.columns] + [0.0, 0.0])

    def model_inputs(self, x: np.ndarray) -> np.ndarray:
        """The columns the classifier and regressor see (not SIMILARITY_ONLY)."""
        keep = [n.split("=")[0] not in SIMILARITY_ONLY for n in self.names]
        return x[:, np.array(keep)]


@dataclass
class Copilot:
    """Everything a prediction needs, in one artifact (nothing is fitted at request time)."""
    encoder: Encoder
    classifier: CalibratedClassifierCV
    regressor: Ridge
    titles: list[dict]                      # training titles: features, outcomes, oof probability
    neighbours: dict[str, tuple[NearestNeighbors, np.ndarray]]  # kind → (index, title rows)
    base_rate: dict[str, float]             # hit share per kind
    spread_limits: dict[str, float]         # kind → 75th pct of neighbourhood engagement IQR
    residual_quantiles: tuple[float, float]  # 25th/75th pct of CV log-popularity errors
    reliability: list[dict]                 # kind × bin: predicted, observed, titles
    vocabulary: dict                        # form options: genres per kind, countries, languages

    def encode(self, record: dict) -> list[dict]:
        """One record per possible release month when only a quarter (or nothing) is given."""
        if record.get("month"):
            return [{**record, "quarter": (record["month"] - 1) // 3 + 1}]
        q = record.get("quarter")
        months = range(3 * q - 2, 3 * q + 1) if q else range(1, 13)
        return [{**record, "month": m, "quarter": (m - 1) // 3 + 1} for m in months]

    def similar(self, record: dict, k: int) -> list[tuple[dict, float]]:
        index, rows = self.neighbours[record["kind"]]
        x = self.encoder.transform([record]) * self.encoder.similarity_weights()
        dist, found = index.kneighbors(x, n_neighbors=k)
        return [(self.titles[rows[j]], 1 - float(d)) for d, j in zip(dist[0], found[0])]

    def predict(self, record: dict) -> dict:
        variants = self.encode(record)
        x = self.encoder.model_inputs(self.encoder.transform(variants))
        p = float(self.classifier.predict_proba(x)[:, 1].mean())
        log_pop = float(self.regressor.predict(x).mean())
        bench = self.similar(variants[0] if record.get("month") else record, PARAMS["neighbours"])
        kind_probs = [t["oof_probability"] for t in self.titles if t["kind"] == record["kind"]]
        lo, hi = self.residual_quantiles
        return {"probability": p, "percentile": float(np.mean(np.array(kind_probs) < p)),
                "popularity": math.expm1(log_pop), "popularity_range":
                    (math.expm1(max(log_pop + lo, 0)), math.expm1(log_pop + hi)),
                "risk": risk(p, self.base_rate[record["kind"]],
                             [t["engagement_score"] for t, _ in bench],
                             self.spread_limits[record["kind"]], record["kind"]),
                "benchmarks": bench}


def iqr(values) -> float:
    q1, q3 = np.percentile(values, [25, 75])
    return float(q3 - q1)


def risk(p: float, base: float, engagement: list[float], wide: float, kind: str) -> dict:
    """Low: probability ≥ 1.25 × base rate and benchmark spread not wide. High: below
    0.75 × base rate, or near the base rate with a wide spread. Medium: the rest."""
    spread = iqr(engagement)
    band = "above" if p >= 1.25 * base else "below" if p < 0.75 * base else "near"
    is_wide = spread > wide
    level = ("low" if band == "above" and not is_wide else
             "high" if band == "below" or is_wide and band == "near" else "medium")
    plural = "movies" if kind == "movie" else "shows"
    reason = (f"hit probability {p:.0%} is {band} the {base:.0%} base rate of {plural}; the "
              f"{len(engagement)} most similar titles' engagement has an interquartile range "
              f"of {spread:.1f} points ({'wider than' if is_wide else 'within'} the "
              f"{wide:.1f} that 75% of catalog neighbourhoods stay within)")
    return {"level": level, "reason": reason, "spread": spread}


def classification_rows(model: str, split: str, y: np.ndarray, p: np.ndarray) -> list[dict]:
    values = {"roc_auc": roc_auc_score(y, p), "brier": brier_score_loss(y, p),
              "log_loss": log_loss(y, np.clip(p, 1e-6, 1 - 1e-6)), "titles": len(y),
              "hit_rate": np.mean(y)}
    return [metric_row(model, m, v, split=split) for m, v in values.items()]


def regression_rows(model: str, split: str, log_true: np.ndarray,
                    log_pred: np.ndarray) -> list[dict]:
    """MAE on log(1 + popularity) and in popularity points (predictions back-transformed)."""
    values = {"mae_log": mean_absolute_error(log_true, log_pred),
              "mae_points": mean_absolute_error(np.expm1(log_true), np.expm1(log_pred)),
              "titles": len(log_true)}
    return [metric_row(model, m, v, split=split) for m, v in values.items()]


def reliability(y: np.ndarray, p: np.ndarray, bins: int) -> list[dict]:
    """Equal-count bins of predicted probability: mean predicted vs observed hit share."""
    order = np.argsort(p, kind="stable")
    return [{"bin": i + 1, "predicted": float(p[chunk].mean()),
             "observed": float(y[chunk].mean()), "titles": int(len(chunk))}
            for i, chunk in enumerate(np.array_split(order, bins)) if len(chunk)]


def calibration_error(bins: list[dict]) -> float:
    """Expected calibration error: title-weighted mean |predicted − observed| over bins."""
    n = sum(b["titles"] for b in bins)
    return sum(b["titles"] * abs(b["predicted"] - b["observed"]) for b in bins) / n



def load_rows(con: duckdb.DuckDBPyConnection) -> tuple[list[dict], dict[str, str]]:
    rows = con.sql(SQL.text("copilot_training")).pl().to_dicts()
    langs = dict(con.sql(SQL.text("copilot_country_languages")).fetchall())
    return rows, langs


def planner_record(row: dict, country_languages: dict[str, str]) -> dict:
    """FEATURES of a training row. The original language is used only where the country
    is known: for country-less titles it would flag TMDB-matched (popular) ones."""
    country = row["primary_country"]
    language = (row["original_language"] if country else None) or country_languages.get(country)
    return {"kind": row["kind"], "genres": list(row["genres"] or []), "country": country,
            "language": language, "month": row["month_added_number"],
            "quarter": row["quarter_added"], "runtime_minutes": row["runtime_minutes"],
            "seasons": row["seasons"], "maturity_rating": row["maturity_rating"]}


def _classifier(seed: int) -> CalibratedClassifierCV:
    lr = LogisticRegression(C=PARAMS["C"], solver="liblinear", random_state=seed)
    folds = StratifiedKFold(PARAMS["calibration_folds"], shuffle=True, random_state=seed)
    return CalibratedClassifierCV(lr, method=PARAMS["calibration"], cv=folds)


def cross_validate(x, y, log_pop, has_pop, seed: int):
    """Out-of-fold hit probabilities, base-rate baseline, log-popularity predictions and
    the mean baseline (each fold's training mean)."""
    p, base = np.zeros(len(y)), np.zeros(len(y))
    folds = StratifiedKFold(PARAMS["cv_folds"], shuffle=True, random_state=seed)
    for fit, held in folds.split(x, y):
        p[held] = _classifier(seed).fit(x[fit], y[fit]).predict_proba(x[held])[:, 1]
        base[held] = y[fit].mean()
    xr, yr = x[has_pop], log_pop[has_pop]
    pred, mean = np.zeros(len(yr)), np.zeros(len(yr))
    for fit, held in KFold(PARAMS["cv_folds"], shuffle=True, random_state=seed).split(xr):
        pred[held] = Ridge(PARAMS["ridge_alpha"]).fit(xr[fit], yr[fit]).predict(xr[held])
        mean[held] = yr[fit].mean()
    return p, base, pred, mean


def neighbourhoods(titles, weighted, kinds) -> tuple[dict, dict]:
    """Per kind: a cosine index over its titles, and the 75th percentile of the engagement
    IQR of each title's own neighbours (itself left out): the 'wide spread' limit."""
    index, limits, k = {}, {}, PARAMS["neighbours"]
    for kind in sorted(set(kinds)):
        rows = np.flatnonzero(kinds == kind)
        nn = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute")
        nn.fit(weighted[rows])
        _, found = nn.kneighbors(weighted[rows], n_neighbors=k + 1)
        spreads = [iqr([titles[rows[j]]["engagement_score"] for j in f if j != i][:k])
                   for i, f in enumerate(found)]
        index[kind], limits[kind] = (nn, rows), float(np.percentile(spreads, 75))
    return index, limits


def train(con: duckdb.DuckDBPyConnection, seed: int = SEED) -> TrainedModel:
    # One BLAS/OpenMP thread: on 2 shared cores the default threads made fits 5× slower.
    with threadpool_limits(1):
        return _train(con, seed)


def _train(con, seed: int) -> TrainedModel:
    rows, langs = load_rows(con)
    records = [planner_record(r, langs) for r in rows]
    encoder = Encoder().fit(records, PARAMS["min_count"])
    full = encoder.transform(records)
    x = encoder.model_inputs(full)
    y = np.array([r["is_hit"] for r in rows], dtype=int)
    kinds = np.array([str(r["kind"]) for r in rows], dtype=object)
    has_pop = np.array([r["tmdb_popularity"] is not None for r in rows])
    log_pop = np.log1p(np.array([r["tmdb_popularity"] or 0.0 for r in rows]))
    p, base, pred, mean = cross_validate(x, y, log_pop, has_pop, seed)
    metrics = (classification_rows("copilot_hit", CV_SPLIT, y, p)
               + classification_rows("copilot_hit_baseline", CV_SPLIT, y, base)
               + regression_rows("copilot_popularity", CV_SPLIT, log_pop[has_pop], pred)
               + regression_rows("copilot_popularity_baseline", CV_SPLIT, log_pop[has_pop], mean))
    bins, by_kind = reliability_by_kind(y, p, kinds)
    titles = [{**{k: r[k] for k in ("show_id", "title", "release_year", *OUTCOMES)},
               **records[i], "oof_probability": float(p[i])} for i, r in enumerate(rows)]
    index, limits = neighbourhoods(titles, full * encoder.similarity_weights(), kinds)
    model = Copilot(
        encoder, _classifier(seed).fit(x, y),
        Ridge(PARAMS["ridge_alpha"]).fit(x[has_pop], log_pop[has_pop]), titles, index,
        {k: float(y[kinds == k].mean()) for k in sorted(set(kinds))}, limits,
        tuple(float(q) for q in np.percentile(log_pop[has_pop] - pred, [25, 75])), bins,
        vocabulary(records, langs))
    return TrainedModel(model, params={**PARAMS, "features": list(FEATURES),
                                       "similarity_only": list(SIMILARITY_ONLY),
                                       "model_columns": int(x.shape[1])},
                        metrics=metrics + by_kind, seed=seed,
                        notes=f"{len(rows)} scored titles, {int(has_pop.sum())} with popularity")


def reliability_by_kind(y, p, kinds) -> tuple[list[dict], list[dict]]:
    """Reliability bins for all titles and per type, and calibration error / ROC-AUC rows
    (label '' for all titles, else the type)."""
    bins, rows = [], []
    for kind in ("all", *sorted(set(kinds))):
        sel = np.ones(len(y), bool) if kind == "all" else kinds == kind
        kind_bins = reliability(y[sel], p[sel], PARAMS["reliability_bins"])
        bins += [{"kind": kind, **b} for b in kind_bins]
        label = "" if kind == "all" else kind
        rows.append(metric_row("copilot_hit", "calibration_error", calibration_error(kind_bins),
                               label=label, split=CV_SPLIT))
        if label:
            rows.append(metric_row("copilot_hit", "roc_auc", roc_auc_score(y[sel], p[sel]),
                                   label=label, split=CV_SPLIT))
    return bins, rows


def vocabulary(records: list[dict], langs: dict[str, str]) -> dict:
    """What the form may offer: categories per type, countries, languages (most common
    first), and each country's usual language."""
    def ranked(values) -> list[str]:
        return [v for v, _ in sorted(Counter(values).items(), key=lambda c: (-c[1], c[0]))]
    return {"genres": {k: ranked(g for r in records if r["kind"] == k for g in r["genres"])
                       for k in ("movie", "show")},
            "countries": ranked(r["country"] for r in records if r["country"]),
            "languages": ranked(r["language"] for r in records if r["language"]),
            "country_languages": langs}


# ---- serving -----------------------------------------------------------------------

@dataclass(frozen=True)
class CopilotRequest:
    """A hypothetical title: exactly the FEATURES, in their order."""
    kind: str
    genres: tuple[str, ...]
    country: str | None = None
    language: str | None = None
    month: int | None = None
    quarter: int | None = None
    runtime_minutes: int | None = None
    seasons: int | None = None
    maturity_rating: str | None = None

    @classmethod
    def parse(cls, data: dict) -> "CopilotRequest":
        """Validate a JSON-ish dict (form or API); BadInput says what is wrong."""
        if not isinstance(data, dict):
            raise BadInput("send a JSON object with at least a type and genres")
        kind = kind_of(data.get("type") or data.get("kind") or "")
        if kind is None:
            raise BadInput("type must be movie or show")
        genres = data.get("genres") or []
        genres = [genres] if isinstance(genres, str) else list(genres)
        if not 1 <= len(genres) <= 5:
            raise BadInput("pick between 1 and 5 genres (Netflix categories)")
        month, quarter = _int(data, "month", 1, 12), _int(data, "quarter", 1, 4)
        if month and quarter and quarter != (month - 1) // 3 + 1:
            raise BadInput(f"month {month} is not in quarter {quarter}")
        runtime, seasons = _int(data, "runtime_minutes", 1, 600), _int(data, "seasons", 1, 50)
        if kind == "movie" and runtime is None:
            raise BadInput("give the movie's runtime in minutes (1–600)")
        if kind == "show" and seasons is None:
            raise BadInput("give the show's number of seasons (1–50)")
        rating = data.get("maturity_rating") or None
        if rating is not None and rating not in RATINGS:
            raise BadInput(f"maturity rating must be one of {', '.join(RATINGS)}")
        language = (str(data.get("language") or "").strip().lower() or None)
        if language and not (language.isalpha() and len(language) in (2, 3)):
            raise BadInput("language must be an ISO 639-1 code such as en, es, ko")
        return cls(kind, tuple(str(g) for g in genres),
                   str(data.get("country") or "").strip() or None, language, month, quarter,
                   runtime if kind == "movie" else None, seasons if kind == "show" else None,
                   rating)


def _int(data: dict, key: str, low: int, high: int) -> int | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadInput(f"{key} must be a whole number") from None
    if not low <= number <= high or number != float(value):
        raise BadInput(f"{key} must be a whole number from {low} to {high}")
    return number


def request_record(model: Copilot, request: CopilotRequest) -> dict:
    """The planner record of a request, checked against what the model has seen."""
    known = model.vocabulary["genres"][request.kind]
    unknown = [g for g in request.genres if g not in known]
    if unknown:
        raise BadInput(f"not a {request.kind} category in this catalog: {', '.join(unknown)}")
    if request.country and request.country not in model.vocabulary["countries"]:
        raise BadInput(f"unknown primary country {request.country!r}")
    language = request.language or model.vocabulary["country_languages"].get(request.country)
    return {**asdict(request), "genres": list(request.genres), "language": language}


def scores(meta) -> dict[str, dict[str, float]]:
    """Whole-model CV metrics of each copilot model, from the artifact's metadata."""
    return {m: summary([r for r in meta.metrics if r["model"] == m], CV_SPLIT)
            for m in ("copilot_hit", "copilot_hit_baseline", "copilot_popularity",
                      "copilot_popularity_baseline")}


def predict(data_dir: Path, build_id: str, request: CopilotRequest) -> dict:
    """Hit probability, popularity and risk for a hypothetical title, with the CV scores
    of the models that made them (never a probability without them) and benchmarks."""
    model, meta = load(data_dir, build_id, NAME)
    out = model.predict(request_record(model, request))
    s = scores(meta)
    hit, pop, pop_base = s["copilot_hit"], s["copilot_popularity"], s["copilot_popularity_baseline"]
    return {
        "build_id": build_id, "model": NAME, "trained_at": meta.trained_at,
        "kind": request.kind, "hit_probability": round(out["probability"], 4),
        "percentile_among_titles": round(out["percentile"], 4),
        "base_rate": round(model.base_rate[request.kind], 4),
        "hit_model_scores": {"split": CV_SPLIT, "roc_auc": round(hit["roc_auc"], 4),
                             "brier": round(hit["brier"], 4),
                             "baseline_brier": round(s["copilot_hit_baseline"]["brier"], 4),
                             "calibration_error": round(hit["calibration_error"], 4)},
        "popularity": {"predicted": round(out["popularity"], 2),
                       "middle_half": [round(v, 2) for v in out["popularity_range"]],
                       "mae_points": round(pop["mae_points"], 2),
                       "mae_log": round(pop["mae_log"], 4),
                       "baseline_mae_points": round(pop_base["mae_points"], 2),
                       "baseline_mae_log": round(pop_base["mae_log"], 4)},
        "risk": {"level": out["risk"]["level"], "reason": out["risk"]["reason"]},
        "benchmarks": [{**{k: t[k] for k in BENCHMARK_COLUMNS}, "similarity": round(sim, 3)}
                       for t, sim in out["benchmarks"]],
    }
