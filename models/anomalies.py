"""Unusual titles by their audience metrics (model card: docs/models/anomalies.md).

An IsolationForest over four metrics of the Netflix titles matched to the IMDb/TMDB
dataset: IMDb score, log10 IMDb votes, log10(1 + TMDB popularity) and TMDB score, each
standardised (votes and popularity span five orders of magnitude; without the log a
forest only ever isolates the blockbusters). A fixed share of titles, CONTAMINATION, is
flagged. Each flagged title gets a reason in words: the metrics that sit far from the
catalog's typical values (|z| ≥ REASON_Z on the standardised scale), e.g. "high IMDb
votes (1.2M) but low IMDb score (3.5)", and whether IMDb and TMDB disagree.

Unsupervised, so there is no held-out score: the metrics are the count flagged, the
contamination, and how stable the flags are when only the forest's seed changes
(Jaccard overlap with four other seeds). Everything the panel shows is computed here
and kept in the artifact; the dashboard only reads it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import duckdb
import numpy as np
import polars as pl
from sklearn.ensemble import IsolationForest
from sklearn.preprocessing import StandardScaler

from base.text import listed
from models.metrics import metric_row
from models import SQL
from models.artifacts import TrainedModel

NAME = "anomalies"
ORDER = 40
SEED = 42
CONTAMINATION = 0.02   # share of titles flagged: ~80 of ~3,900, a list a person can read
N_ESTIMATORS = 200
REASON_Z = 1.5         # a metric this many standard deviations out is named in the reason
DISAGREE_Z = 2.5       # IMDb and TMDB scores this far apart (in z) "disagree"
STABILITY_SEEDS = (1, 2, 3, 4)
# column -> (label, log10-transformed)
FEATURES: dict[str, tuple[str, bool]] = {
    "imdb_score": ("IMDb score", False), "imdb_votes": ("IMDb votes", True),
    "tmdb_popularity": ("TMDB popularity", True), "tmdb_score": ("TMDB score", False)}
PARAMS = {"contamination": CONTAMINATION, "n_estimators": N_ESTIMATORS,
          "features": list(FEATURES), "log10_features": [c for c, (_, log) in FEATURES.items() if log],
          "reason_z": REASON_Z, "disagree_z": DISAGREE_Z, "stability_seeds": list(STABILITY_SEEDS)}


@dataclass
class AnomalyModel:
    """The fitted forest and everything the panel shows, per scored title."""
    scaler: StandardScaler
    forest: IsolationForest
    contamination: float
    titles: pl.DataFrame       # input columns + z_<metric>, anomaly_score, flagged, reason
    stability: list[float] = field(default_factory=list)   # Jaccard vs other seeds

    def score(self, frame: pl.DataFrame) -> np.ndarray:
        """Anomaly scores of new rows (higher = more unusual; flagged above threshold)."""
        return -self.forest.score_samples(self.scaler.transform(feature_matrix(frame)))

    @property
    def threshold(self) -> float:
        return float(-self.forest.offset_)

    @property
    def flagged(self) -> pl.DataFrame:
        return self.titles.filter(pl.col("flagged")).sort("anomaly_score", descending=True)


def feature_matrix(frame: pl.DataFrame) -> np.ndarray:
    """n × 4: the metrics, log10(1 + x) for the heavy-tailed counts."""
    cols = [np.log10(1 + frame[c].to_numpy().astype(float)) if log
            else frame[c].to_numpy().astype(float) for c, (_, log) in FEATURES.items()]
    return np.column_stack(cols)


def _forest(contamination: float, seed: int) -> IsolationForest:
    return IsolationForest(n_estimators=N_ESTIMATORS, contamination=contamination,
                           random_state=seed)


def fit(frame: pl.DataFrame, contamination: float = CONTAMINATION,
        seed: int = SEED) -> AnomalyModel:
    """Fit on `frame` (one row per title with the FEATURES columns) and explain the flags."""
    scaler = StandardScaler().fit(feature_matrix(frame))
    z = scaler.transform(feature_matrix(frame))
    forest = _forest(contamination, seed).fit(z)
    flagged = forest.predict(z) == -1
    z_cols = {f"z_{c}": np.round(z[:, j], 3) for j, c in enumerate(FEATURES)}
    titles = frame.with_columns(
        anomaly_score=np.round(-forest.score_samples(z), 4), flagged=flagged,
        **{k: pl.Series(v) for k, v in z_cols.items()})
    titles = titles.with_columns(
        most_unusual=pl.Series([most_unusual(r) for r in titles.iter_rows(named=True)]),
        reason=pl.Series([reason(r) if r["flagged"] else "" for r in titles.iter_rows(named=True)]))
    return AnomalyModel(scaler, forest, contamination, titles)


def stability(model: AnomalyModel, seeds=STABILITY_SEEDS) -> list[float]:
    """Jaccard overlap of the flags with forests that differ only in their seed."""
    z = model.scaler.transform(feature_matrix(model.titles))
    ours = set(np.flatnonzero(model.titles["flagged"].to_numpy()))
    out = []
    for seed in seeds:
        theirs = set(np.flatnonzero(_forest(model.contamination, seed).fit(z).predict(z) == -1))
        out.append(round(len(ours & theirs) / max(len(ours | theirs), 1), 4))
    return out


def _fmt(column: str, value: float) -> str:
    if column == "imdb_votes":
        return f"{value / 1e6:.1f}M" if value >= 1e6 else (
            f"{value / 1e3:.0f}k" if value >= 1e3 else f"{value:.0f}")
    return f"{value:,.1f}" if column != "tmdb_popularity" or value >= 1 else f"{value:.2f}"


def _part(row: dict, column: str) -> str:
    return f"{FEATURES[column][0]} ({_fmt(column, row[column])})"


def most_unusual(row: dict) -> str:
    """The single metric furthest from typical, with its direction: "low IMDb score"."""
    column = _top(row)
    return f"{'high' if row[f'z_{column}'] > 0 else 'low'} {FEATURES[column][0]}"


def reason(row: dict) -> str:
    """Which metrics are unusual, in words, strongest first:
    "high IMDb votes (1.2M) but low IMDb score (3.5) and TMDB score (4.2)"."""
    strong = sorted((c for c in FEATURES if abs(row[f"z_{c}"]) >= REASON_Z),
                    key=lambda c: -abs(row[f"z_{c}"]))
    groups = {"high": [c for c in strong if row[f"z_{c}"] > 0],
              "low": [c for c in strong if row[f"z_{c}"] < 0]}
    order = sorted((d for d in groups if groups[d]), key=lambda d: strong.index(groups[d][0]))
    text = " but ".join(f"{d} " + listed([_part(row, c) for c in groups[d]]) for d in order)
    if not text:
        top = _top(row)
        text = f"an unusual mix; furthest out: {most_unusual(row)} ({_fmt(top, row[top])})"
    if abs(row["z_imdb_score"] - row["z_tmdb_score"]) >= DISAGREE_Z:
        text += (f"; IMDb and TMDB disagree ({_fmt('imdb_score', row['imdb_score'])} vs "
                 f"{_fmt('tmdb_score', row['tmdb_score'])})")
    return text


def _top(row: dict) -> str:
    return max(FEATURES, key=lambda c: abs(row[f"z_{c}"]))


def metric_rows(model: AnomalyModel) -> list[dict]:
    """Whole-model rows, plus flagged titles per most unusual metric (label)."""
    flagged = model.flagged
    rows = {"titles_scored": model.titles.height, "flagged": flagged.height,
            "contamination": model.contamination, "threshold": model.threshold,
            "stability_jaccard_mean": float(np.mean(model.stability)) if model.stability else None,
            "stability_jaccard_min": min(model.stability) if model.stability else None}
    out = [_metric(m, "", v) for m, v in rows.items() if v is not None]
    for label, n in flagged.group_by("most_unusual").len().sort("most_unusual").iter_rows():
        out.append(_metric("flagged_by_metric", label, n))
    return out



def load_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(SQL.text("anomalies_training")).pl()


def train(con: duckdb.DuckDBPyConnection, seed: int = SEED) -> TrainedModel:
    started = time.monotonic()
    model = fit(load_frame(con), CONTAMINATION, seed)
    model.stability = stability(model)
    return TrainedModel(model, params=dict(PARAMS), metrics=metric_rows(model), seed=seed,
                        notes=f"trained in {time.monotonic() - started:.1f} s")


def _metric(metric: str, label: str, value) -> dict:
    return metric_row(NAME, metric, value, label=label)
