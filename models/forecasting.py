"""Monthly forecasts of catalog and market series (model card: docs/models/forecasting.md).

Series (models/sql/forecast_*.sql): Netflix titles added per month by type, by the top
8 categories and by the top 6 production countries (2015-01 to the last complete month
of additions); TMDB movies released per month and their mean popularity for the top 6
genres (2010-01 to the last month the market lists cover in full).

For every series the candidates of models/_forecast_core.py (naive, seasonal naive,
Theta, ETS, SARIMAX) are scored by a rolling-origin backtest (MASE), the lowest wins,
and every candidate's 12-month forecast with 80%/95% intervals is stored, so the panel
only slices stored arrays: nothing is fitted in a request.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import polars as pl
from threadpoolctl import threadpool_limits

from models.metrics import metric_row
from models import SQL
from models import _forecast_core as core
from models.artifacts import TrainedModel

NAME = "forecasts"
ORDER = 20
SEED = 42
PARAMS = {"netflix_start": "2015-01-01", "top_genres": 8, "top_countries": 6,
          "tmdb_start": "2010-01-01", "tmdb_top_genres": 6, "tmdb_min_coverage": 0.5,
          "horizon": core.HORIZON, "season": core.SEASON, "levels": list(core.LEVELS),
          "candidates": list(core.CANDIDATES), "backtest": core.BACKTEST,
          "sparse_zero_share": core.SPARSE_ZERO_SHARE,
          "sarimax_order": [list(core.SARIMAX_ORDER[0]), list(core.SARIMAX_ORDER[1])],
          "ets": core.ETS_SPEC}
# family → (what the series counts, unit shown on charts, which families are "genres")
FAMILIES = {
    "netflix_type": ("Netflix additions", "titles added per month"),
    "netflix_genre": ("Netflix additions", "titles added per month"),
    "netflix_country": ("Netflix additions", "titles added per month"),
    "tmdb_releases": ("TMDB market releases", "movies released per month"),
    "tmdb_popularity": ("TMDB mean popularity", "mean TMDB popularity points"),
}
MOMENTUM_FAMILIES = {"netflix_genre": "Netflix categories (additions)",
                     "tmdb_releases": "TMDB genres (movie releases)"}
KIND_NAMES = {"movie": "Movies", "show": "TV shows"}


@dataclass
class SeriesResult:
    """One series: where it comes from, its months, and its fit (core.SeriesFit)."""
    id: str
    family: str
    name: str
    months: list[date]
    fit: core.SeriesFit
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{FAMILIES[self.family][0]} · {KIND_NAMES.get(self.name, self.name)}"

    @property
    def unit(self) -> str:
        return FAMILIES[self.family][1]

    @property
    def summable(self) -> bool:
        """Counts add up over months; a monthly mean (popularity) does not."""
        return self.family != "tmdb_popularity"

    def all_notes(self) -> list[str]:
        return self.notes + self.fit.notes


@dataclass
class ForecastBundle:
    """The artifact: every series with stored forecasts, plus the momentum table."""
    series: dict[str, SeriesResult]
    momentum: list[dict]
    window: dict

    def options(self) -> list[dict]:
        return [{"label": s.label, "value": sid} for sid, s in self.series.items()]

    def forecast_frame(self, series_id: str, model: str = "auto",
                       horizon: int = core.HORIZON) -> pl.DataFrame:
        """History then the first `horizon` forecast months of `model` ("auto" = chosen):
        month, part (history/forecast), value, lower/upper at 80 and 95."""
        s = self.series[series_id]
        model = s.fit.chosen if model in (None, "auto") else model
        fc = s.fit.forecasts.get(model)
        hist = pl.DataFrame({"month": s.months, "part": "history",
                             "value": s.fit.history.tolist()})
        if fc is None:
            return hist.with_columns(model=pl.lit(None, pl.String))
        h = max(1, min(int(horizon), len(fc.mean)))
        ahead = pl.DataFrame({"month": future_months(s.months[-1], h), "part": "forecast",
                              "value": fc.mean[:h].tolist(),
                              **{f"{side}{lv}": getattr(fc, side)[lv][:h].tolist()
                                 for lv in core.LEVELS for side in ("lower", "upper")}})
        return pl.concat([hist, ahead], how="diagonal").with_columns(model=pl.lit(model))

    def scores_frame(self, series_id: str) -> pl.DataFrame:
        """One row per candidate: backtest MASE, ratio to seasonal naive, status."""
        fit = self.series[series_id].fit
        base = fit.scores.get("seasonal_naive")
        rows = [{"candidate": c, "mase": fit.scores.get(c),
                 "vs_seasonal_naive": (fit.scores[c] / base if c in fit.scores and base else None),
                 "origins": len(fit.origin_scores.get(c, [])),
                 "chosen": c == fit.chosen,
                 "status": fit.skipped.get(c) or ("chosen" if c == fit.chosen else
                                                  "baseline" if c == "seasonal_naive" else "")}
                for c in core.CANDIDATES]
        return pl.DataFrame(rows, schema={"candidate": pl.String, "mase": pl.Float64,
                                          "vs_seasonal_naive": pl.Float64, "origins": pl.Int64,
                                          "chosen": pl.Boolean, "status": pl.String})

    def momentum_frame(self, family: str | None = None) -> pl.DataFrame:
        frame = pl.DataFrame(self.momentum, schema=MOMENTUM_SCHEMA)
        return frame.filter(pl.col("family") == family) if family else frame

    def all_forecasts(self) -> pl.DataFrame:
        """Every series × candidate, history and 12 months ahead (the CSV download)."""
        frames = [self.forecast_frame(sid, c).with_columns(series=pl.lit(sid))
                  for sid, s in self.series.items() for c in s.fit.forecasts]
        return pl.concat(frames, how="diagonal") if frames else pl.DataFrame()


MOMENTUM_SCHEMA = {"family": pl.String, "series": pl.String, "name": pl.String,
                   "last_12": pl.Float64, "next_12": pl.Float64, "growth": pl.Float64,
                   "model": pl.String, "mase": pl.Float64, "fallback": pl.Boolean}


def future_months(last: date, h: int) -> list[date]:
    index = last.year * 12 + last.month - 1
    return [date((index + k) // 12, (index + k) % 12 + 1, 1) for k in range(1, h + 1)]


# --- data ---------------------------------------------------------------------------

def load_series(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """family, name, month, value (long) for every series, from the two SQL files."""
    netflix = con.sql(SQL.text("forecast_netflix_monthly"), params={
        "start": PARAMS["netflix_start"], "top_genres": PARAMS["top_genres"],
        "top_countries": PARAMS["top_countries"]}).pl()
    tmdb = con.sql(SQL.text("forecast_tmdb_monthly"), params={
        "start": PARAMS["tmdb_start"], "top_genres": PARAMS["tmdb_top_genres"],
        "min_coverage": PARAMS["tmdb_min_coverage"]}).pl()
    return pl.concat([netflix, tmdb]).with_columns(pl.col("value").cast(pl.Float64))


def prepare(values: pl.Series) -> tuple[np.ndarray, list[str]]:
    """Fill months without a value (mean popularity of a month with no release) by
    linear interpolation, and say how many were filled."""
    missing = values.null_count()
    if not missing:
        return values.to_numpy(), []
    filled = values.interpolate().fill_null(strategy="forward").fill_null(strategy="backward")
    return filled.to_numpy(), [f"{missing} month(s) had no release, so no mean: filled by "
                               "linear interpolation between neighbouring months."]


def build_series(frame: pl.DataFrame) -> dict[str, SeriesResult]:
    out = {}
    for (family, name), part in frame.sort("month").group_by("family", "name", maintain_order=True):
        y, notes = prepare(part["value"])
        sid = f"{family}:{name}"
        if len(y) < 2:
            continue  # nothing to forecast from; such a series is not listed at all
        out[sid] = SeriesResult(sid, family, name, part["month"].to_list(),
                                core.fit_series(y), notes)
        out[sid].notes += quality_notes(out[sid])
    return out


def quality_notes(s: SeriesResult) -> list[str]:
    notes = []
    chosen = s.fit.scores.get(s.fit.chosen)
    if chosen is not None and chosen > 1.5:
        notes.append(f"Even the best model's backtest error is {chosen:.1f}× the typical "
                     "year-on-year change: treat this forecast as a rough guess.")
    if s.family == "tmdb_popularity":
        notes.append("TMDB popularity is measured when the lists were exported, so recent "
                     "films score higher: the rise is recency, not a change in taste.")
    return notes


def momentum(series: dict[str, SeriesResult]) -> list[dict]:
    """Genres ranked by forecast growth: chosen model's next 12 months vs last 12."""
    rows = []
    for sid, s in series.items():
        fc = s.fit.forecasts.get(s.fit.chosen)
        if s.family not in MOMENTUM_FAMILIES or fc is None:
            continue
        last, ahead = float(s.fit.history[-12:].sum()), float(fc.mean[:12].sum())
        rows.append({"family": s.family, "series": sid, "name": s.name, "last_12": last,
                     "next_12": ahead, "growth": (ahead / last - 1) if last else None,
                     "model": s.fit.chosen, "mase": s.fit.scores.get(s.fit.chosen),
                     "fallback": bool(s.fit.skipped) or not s.fit.scores})
    return sorted(rows, key=lambda r: (r["family"], -(r["growth"] or 0)))


# --- metrics ------------------------------------------------------------------------

def metric_rows(series: dict[str, SeriesResult]) -> list[dict]:
    rows = []
    for sid, s in series.items():
        fit = s.fit
        values = {f"mase_{c}": v for c, v in fit.scores.items()}
        values |= {"chosen_" + fit.chosen: 1.0, "months": float(len(fit.history)),
                   "fallback": float(bool(fit.skipped) or not fit.scores)}
        if fit.chosen in fit.scores and "seasonal_naive" in fit.scores:
            values["chosen_beats_seasonal_naive"] = float(
                fit.scores[fit.chosen] < fit.scores["seasonal_naive"])
        rows += [_metric(k, sid, v) for k, v in values.items()]
    return rows + [_metric(k, "", v) for k, v in summary(series).items()]


def summary(series: dict[str, SeriesResult]) -> dict[str, float]:
    """Whole-model backtest figures, including a selection-honest one: the model picked
    on the earlier origins, scored on the last origin only, against seasonal naive."""
    scored = [s.fit for s in series.values()
              if s.fit.chosen in s.fit.scores and "seasonal_naive" in s.fit.scores]
    chosen = np.array([f.scores[f.chosen] for f in scored])
    base = np.array([f.scores["seasonal_naive"] for f in scored])
    honest = [_last_origin_pair(f) for f in scored]
    honest = np.array([p for p in honest if p is not None])
    out = {"series": float(len(series)), "series_scored": float(len(scored)),
           "share_fallback": float(np.mean([bool(s.fit.skipped) or not s.fit.scores
                                            for s in series.values()])) if series else 0.0}
    if len(scored):
        out |= {"share_chosen_beats_seasonal_naive": float(np.mean(chosen < base)),
                "median_mase_chosen": float(np.median(chosen)),
                "median_mase_seasonal_naive": float(np.median(base)),
                "median_mase_naive": float(np.median([f.scores.get("naive", np.nan) for f in scored]))}
    if len(honest):
        out["share_selected_beats_seasonal_naive_last_origin"] = float(np.mean(honest[:, 0] < honest[:, 1]))
        out["median_mase_selected_last_origin"] = float(np.median(honest[:, 0]))
    return {k: v for k, v in out.items() if np.isfinite(v)}


def _last_origin_pair(fit: core.SeriesFit) -> tuple[float, float] | None:
    early = {c: np.mean(v[:-1]) for c, v in fit.origin_scores.items() if len(v) > 1}
    if not early or "seasonal_naive" not in early:
        return None
    pick = min(early, key=lambda c: (early[c], core.CANDIDATES.index(c)))
    return fit.origin_scores[pick][-1], fit.origin_scores["seasonal_naive"][-1]



# --- training -----------------------------------------------------------------------

def fit_frame(frame: pl.DataFrame) -> ForecastBundle:
    # one BLAS thread: these are tiny matrices, and on a shared 2-core machine
    # multithreaded BLAS made each fit 5× slower
    with threadpool_limits(1):
        series = build_series(frame)
    window = {f: {"start": str(min(s.months[0] for s in series.values() if s.family == f)),
                  "end": str(max(s.months[-1] for s in series.values() if s.family == f))}
              for f in FAMILIES if any(s.family == f for s in series.values())}
    return ForecastBundle(series, momentum(series), window)


def train(con: duckdb.DuckDBPyConnection, seed: int = SEED) -> TrainedModel:
    """Backtest and forecast every series; deterministic (no random draws: the seed is
    recorded for the artifact's metadata only)."""
    started = time.monotonic()
    bundle = fit_frame(load_series(con))
    seconds = time.monotonic() - started
    return TrainedModel(bundle, params={**PARAMS, "window": bundle.window},
                        metrics=metric_rows(bundle.series), seed=seed,
                        notes=f"{len(bundle.series)} series in {seconds:.1f} s")


def _metric(metric: str, label: str, value) -> dict:
    return metric_row(NAME, metric, value, label=label, split="backtest")
