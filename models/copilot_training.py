"""Training of the investment copilot (models/copilot.py; model card:
docs/models/copilot.md), run by `refresh`: features from the warehouse, out-of-fold
scores against base-rate and mean baselines, the 2021-additions split, reliability bins,
and the fitted Copilot artifact.
"""
from __future__ import annotations

from collections import Counter

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

from models import SQL
from models.artifacts import TrainedModel
from models.copilot import (  # noqa: F401  (NAME: the training registry keys on it)
    CV_SPLIT,
    FEATURES,
    NAME,
    OUTCOMES,
    PARAMS,
    SIMILARITY_ONLY,
    TEMPORAL_SPLIT,
    TEMPORAL_YEAR,
    Copilot,
    Encoder,
    iqr,
)
from models.metrics import metric_row

ORDER = 30
SEED = 42


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
    metrics = (temporal_rows(records, rows, y, seed)
               + classification_rows("copilot_hit", CV_SPLIT, y, p)
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
                        notes=f"{len(rows):,} scored titles, "
                              f"{int(has_pop.sum()):,} with popularity")


def temporal_rows(records: list[dict], rows: list[dict], y: np.ndarray, seed: int) -> list[dict]:
    """ROC-AUC, Brier and log loss on the 2021 additions of a classifier (its encoder
    too) fitted on the earlier additions, and of their hit rate as the baseline."""
    years = np.array([r["year_added"] or 0 for r in rows])
    before, during = np.flatnonzero((years > 0) & (years < TEMPORAL_YEAR)), np.flatnonzero(years == TEMPORAL_YEAR)
    if len(during) == 0 or len(set(y[during])) < 2:
        return []
    encoder = Encoder().fit([records[i] for i in before], PARAMS["min_count"])
    x = encoder.model_inputs(encoder.transform(records))
    p = _classifier(seed).fit(x[before], y[before]).predict_proba(x[during])[:, 1]
    base = np.full(len(during), y[before].mean())
    return (classification_rows("copilot_hit", TEMPORAL_SPLIT, y[during], p)
            + classification_rows("copilot_hit_baseline", TEMPORAL_SPLIT, y[during], base))


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

