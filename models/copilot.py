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

This module is the model itself: what its artifact holds and how it answers
(Copilot, its Encoder, the risk rule). Training is models/copilot_training.py (run by
`refresh`), request parsing and the answer the API, CLI and panel give are
models/copilot_serving.py. Artifacts pickle the classes here, so they stay here.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from base.kinds import MATURITY_RATINGS

if TYPE_CHECKING:   # the fitted estimators come in with the artifact (pickle imports them)
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import Ridge
    from sklearn.neighbors import NearestNeighbors

NAME = "copilot"
PARAMS = {"C": 1.0, "calibration": "sigmoid", "calibration_folds": 3, "cv_folds": 5,
          "ridge_alpha": 1.0, "min_count": 10, "neighbours": 10, "reliability_bins": 10}
CV_SPLIT = f"cv{PARAMS['cv_folds']}_oof"
# trained on the titles added before 2021, scored on the 2021 additions: how a planner
# uses it (a title that is not in the catalog yet), beside the random CV figures
TEMPORAL_SPLIT, TEMPORAL_YEAR = "temporal_2021", 2021
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
RATINGS = MATURITY_RATINGS
# Similarity weight of each feature group (kind is excluded: benchmarks share the type).
SIMILARITY = {"genre": 1.0, "country": 1.0, "language": 0.5, "rating": 0.5, "runtime": 0.7,
              "seasons": 0.7, "quarter": 0.3, "month": 0.2}
# token group ← record field, for the fields a planner may leave empty
UNSTATED = (("country", "country"), ("language", "language"), ("rating", "maturity_rating"))
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
        # A field the planner left empty prefers no titles. Encoded as "unknown" it made
        # the titles whose country (say) is unknown the nearest: a plan with no country
        # was benchmarked against country-less titles only (the table: "—" on each row).
        unstated = {group for group, key in UNSTATED if not record.get(key)}
        if unstated:
            x[0, [i for i, (g, _) in enumerate(self.encoder.columns) if g in unstated]] = 0.0
        # A plan of a few fields ties with hundreds of titles (every 110-minute
        # international drama is 0.78 alike): among equals, the best-known titles (most
        # IMDb votes) come first, which a planner can place, where the index's own order
        # gave an arbitrary ten.
        dist, found = index.kneighbors(x, n_neighbors=len(rows))   # a few ms: brute force
        ranked = sorted(zip(dist[0], found[0]), key=lambda dj: (
            round(float(dj[0]), 9), -(self.titles[rows[dj[1]]].get("imdb_votes") or 0)))
        return [(self.titles[rows[j]], 1 - float(d)) for d, j in ranked[:k]]

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
    # the probability as the answer publishes it (4 places): 0.17498 printed 17% here
    # and 18% from the published 0.175 beside it
    reason = (f"hit probability {round(p, 4):.0%} is {band} the {base:.0%} base rate of "
              f"{plural}; the "
              f"middle half of the {len(engagement)} most similar titles' engagement scores "
              f"spans {spread:.1f} points ({'wider than' if is_wide else 'within'} the "
              f"{wide:.1f} that 3 in 4 catalog neighbourhoods stay within)")
    return {"level": level, "reason": reason, "spread": spread}

