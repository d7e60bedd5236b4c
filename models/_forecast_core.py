"""Forecasting core: candidate models, intervals, MASE and the rolling-origin backtest.

Pure functions over numpy arrays of monthly values (no warehouse, no dates): the model
module (models/forecasting.py) feeds series in and stores what comes out. Not a model
module itself (no NAME/ORDER/train), so model discovery skips it.

Every candidate returns a point forecast and a standard deviation per step; intervals
are mean ± z·sd from that one sd, so the 95% band always contains the 80% band. For
non-negative series (counts, popularity) bounds and means are clipped at 0.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

SEASON = 12             # monthly data, yearly seasonality
HORIZON = 12            # months forecast (and backtested) ahead
LEVELS = (80, 95)       # prediction-interval coverages, percent
# the standard normal (the standard library's: scipy.stats would cost every app worker
# ~0.3 s of imports for two quantiles)
_Z = NormalDist()
CANDIDATES = ("naive", "seasonal_naive", "theta", "ets", "sarimax")
BASELINES = ("naive", "seasonal_naive")
BACKTEST = {"origins": 4, "step": 6, "min_train": 36}
SPARSE_ZERO_SHARE = 0.3  # more zero months than this → only the baselines are fitted
SARIMAX_ORDER = ((0, 1, 1), (0, 1, 1, SEASON))  # the "airline" model, one fixed order
# heuristic initial states (from the first years, as in Hyndman et al. 2008) leave only
# the smoothing parameters to estimate: ~25× faster than estimating 14 initial states
ETS_SPEC = {"error": "add", "trend": "add", "damped_trend": True, "seasonal": "add",
            "initialization_method": "heuristic"}


@dataclass
class Forecast:
    """One candidate's forecast from one origin: means and nested interval bounds."""
    mean: np.ndarray
    lower: dict[int, np.ndarray]   # level (80, 95) → lower bounds
    upper: dict[int, np.ndarray]


@dataclass
class SeriesFit:
    """Everything the panel shows for one series; no fitting needed to display it."""
    history: np.ndarray
    scores: dict[str, float]                 # candidate → mean backtest MASE
    origin_scores: dict[str, list[float]]    # candidate → MASE per origin
    forecasts: dict[str, Forecast]           # candidate → HORIZON-month forecast
    chosen: str
    skipped: dict[str, str] = field(default_factory=dict)  # candidate → why not fitted
    notes: list[str] = field(default_factory=list)


# --- candidates: (y, h, with_sd) → (mean, sd or None) -------------------------------
# with_sd=False (the backtest only needs means) skips the costly part of Theta's sd.

def _naive(y: np.ndarray, h: int, with_sd: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Last value; random-walk sd grows with √h (sd of one-step changes)."""
    sigma = _rms(np.diff(y))
    return np.full(h, y[-1], dtype=float), sigma * np.sqrt(np.arange(1, h + 1))


def _seasonal_naive(y: np.ndarray, h: int, with_sd: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Value of the same month a year before; sd grows with the number of years ahead."""
    sigma = _rms(y[SEASON:] - y[:-SEASON])
    steps = np.arange(h)
    mean = y[len(y) - SEASON + steps % SEASON].astype(float)
    return mean, sigma * np.sqrt(steps // SEASON + 1)


def _theta(y: np.ndarray, h: int, with_sd: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Theta method (SES with drift on the deseasonalized series, additive
    decomposition when the seasonality test passes). Its sd needs an extra ARIMA fit."""
    from statsmodels.tsa.forecasting.theta import ThetaModel
    res = ThetaModel(y, period=SEASON, method="additive").fit()
    mean = np.asarray(res.forecast(h), dtype=float)
    if not with_sd:
        return mean, None
    upper = np.asarray(res.prediction_intervals(h, alpha=0.05)["upper"], dtype=float)
    return mean, (upper - mean) / _Z.inv_cdf(0.975)


def _ets(y: np.ndarray, h: int, with_sd: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """ETS(A,Ad,A): additive errors, damped additive trend, additive seasonality."""
    import pandas as pd  # ETS predictions need an indexed series (arrays fail in 0.15)
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    res = ETSModel(pd.Series(y), seasonal_periods=SEASON, **ETS_SPEC).fit(disp=False, maxiter=200)
    pred = res.get_prediction(start=len(y), end=len(y) + h - 1)
    return np.asarray(pred.predicted_mean, dtype=float), np.sqrt(np.asarray(pred.forecast_variance))


def _sarimax(y: np.ndarray, h: int, with_sd: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Airline model. Parameters are estimated on the differenced series with the scale
    concentrated out (6× faster than the diffuse level model), then run through the
    level model to forecast levels with standard errors (same parameters; forecasts
    agreed to 0.1 on test series)."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    order, seasonal = SARIMAX_ORDER
    res = SARIMAX(y, order=order, seasonal_order=seasonal, simple_differencing=True,
                  concentrate_scale=True).fit(disp=False, maxiter=50)
    params = np.r_[res.params, res.scale]
    fc = SARIMAX(y, order=order, seasonal_order=seasonal).smooth(params).get_forecast(h)
    return np.asarray(fc.predicted_mean, dtype=float), np.asarray(fc.se_mean, dtype=float)


FITTERS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray | None]]] = {
    "naive": _naive, "seasonal_naive": _seasonal_naive, "theta": _theta, "ets": _ets,
    "sarimax": _sarimax}


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x)))) if len(x) else 0.0


def point_forecast(candidate: str, y: np.ndarray, h: int = HORIZON) -> np.ndarray:
    """Means only (what the backtest scores)."""
    return _fit(candidate, y, h, with_sd=False)[0]


def forecast(candidate: str, y: np.ndarray, h: int = HORIZON, nonneg: bool = True) -> Forecast:
    """Fit `candidate` on y and forecast h steps with LEVELS intervals."""
    mean, sd = _fit(candidate, y, h, with_sd=True)
    return intervals(mean, sd, nonneg)


def _fit(candidate: str, y: np.ndarray, h: int, with_sd: bool):
    """Run one fitter.

    Convergence and start-parameter warnings are silenced here on purpose: the backtest
    is what judges a fit, and a poorly converged fit shows up there as a high MASE."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            mean, sd = FITTERS[candidate](np.asarray(y, dtype=float), h, with_sd)
    if not np.all(np.isfinite(mean)) or (sd is not None and not np.all(np.isfinite(sd))):
        raise FloatingPointError(f"{candidate} produced a non-finite forecast")
    return mean, sd


def intervals(mean: np.ndarray, sd: np.ndarray, nonneg: bool = True) -> Forecast:
    """Symmetric normal intervals at every level from one sd (so they nest)."""
    sd = np.maximum(np.asarray(sd, dtype=float), 0.0)
    clip = (lambda a: np.maximum(a, 0.0)) if nonneg else (lambda a: a)
    lower, upper = {}, {}
    for level in LEVELS:
        z = _Z.inv_cdf(0.5 + level / 200)
        lower[level], upper[level] = clip(mean - z * sd), clip(mean + z * sd)
    return Forecast(clip(np.asarray(mean, dtype=float)), lower, upper)


# --- scoring -------------------------------------------------------------------------

def mase_scale(train: np.ndarray, season: int = SEASON) -> float:
    """In-sample MAE of the seasonal naive forecast (lag `season`); lag 1 when the
    training window is too short or its seasonal differences are all zero."""
    train = np.asarray(train, dtype=float)
    if len(train) > season:
        scale = float(np.mean(np.abs(train[season:] - train[:-season])))
        if scale > 0:
            return scale
    return float(np.mean(np.abs(np.diff(train)))) if len(train) > 1 else 0.0


def mase(actual: np.ndarray, predicted: np.ndarray, train: np.ndarray,
         season: int = SEASON) -> float:
    """Mean absolute scaled error (Hyndman & Koehler 2006): out-of-sample MAE divided by
    the in-sample MAE of the seasonal naive forecast. NaN when the scale is 0."""
    scale = mase_scale(train, season)
    error = float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(predicted, float))))
    return error / scale if scale > 0 else float("nan")


def origins(n: int, h: int = HORIZON, count: int = BACKTEST["origins"],
            step: int = BACKTEST["step"], min_train: int = BACKTEST["min_train"]) -> list[int]:
    """Training lengths of the rolling origins, latest last: every test window is a full
    h months inside the data and every training window at least `min_train` months."""
    last = n - h
    return [o for o in range(last - step * (count - 1), last + 1, step) if o >= min_train]


def backtest(candidate: str, y: np.ndarray, cuts: list[int], h: int = HORIZON,
             nonneg: bool = True) -> list[float]:
    """MASE of `candidate` at each origin (fit on y[:cut], score y[cut:cut+h])."""
    clip = (lambda a: np.maximum(a, 0.0)) if nonneg else (lambda a: a)
    return [mase(y[cut:cut + h], clip(point_forecast(candidate, y[:cut], h)), y[:cut])
            for cut in cuts]


# --- one series, end to end ----------------------------------------------------------

def eligible(y: np.ndarray) -> tuple[list[str], dict[str, str], list[str]]:
    """Candidates worth fitting on y, why the others are not, and notes to show."""
    n, zero_share = len(y), float(np.mean(np.asarray(y) == 0)) if len(y) else 1.0
    skipped, notes = {}, []
    if n < BACKTEST["min_train"]:
        reason = f"only {n} months (statistical models need ≥ {BACKTEST['min_train']})"
        skipped = {c: reason for c in CANDIDATES if c not in BASELINES}
    elif zero_share > SPARSE_ZERO_SHARE:
        reason = (f"sparse: {zero_share:.0%} of months are zero (limit "
                  f"{SPARSE_ZERO_SHARE:.0%}); only the baselines are fitted")
        skipped = {c: reason for c in CANDIDATES if c not in BASELINES}
        notes.append(f"Sparse series ({zero_share:.0%} zero months): fell back to the "
                     "naive baselines; read the forecast as a rough level, not a pattern.")
    if n <= SEASON:
        skipped["seasonal_naive"] = f"only {n} months (needs more than {SEASON})"
    return [c for c in CANDIDATES if c not in skipped], skipped, notes


def fit_series(y: np.ndarray, nonneg: bool = True) -> SeriesFit:
    """Backtest every eligible candidate, pick the lowest mean MASE (ties: the simpler,
    in CANDIDATES order), and forecast HORIZON months with every candidate."""
    y = np.asarray(y, dtype=float)
    names, skipped, notes = eligible(y)
    cuts = origins(len(y))
    if not cuts and names:
        notes.append(f"Only {len(y)} months: too short for a rolling-origin backtest "
                     f"(needs ≥ {BACKTEST['min_train'] + HORIZON}); no backtest scores, "
                     "the forecast is a baseline.")
    origin_scores, forecasts = {}, {}
    for name in names:
        try:
            origin_scores[name] = backtest(name, y, cuts, nonneg=nonneg) if cuts else []
            forecasts[name] = forecast(name, y, HORIZON, nonneg)
        except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
            skipped[name] = f"fit failed: {exc}"[:160]
            origin_scores.pop(name, None)
    scores = {k: float(np.mean(v)) for k, v in origin_scores.items()
              if v and np.all(np.isfinite(v))}
    chosen = _choose(scores, forecasts, notes)
    return SeriesFit(y, scores, origin_scores, forecasts, chosen, skipped, notes)


def _choose(scores: dict[str, float], forecasts: dict[str, Forecast], notes: list[str]) -> str:
    if scores:
        return min(scores, key=lambda c: (scores[c], CANDIDATES.index(c)))
    fallback = "seasonal_naive" if "seasonal_naive" in forecasts else "naive"
    if forecasts and not any("backtest" in n for n in notes):
        notes.append(f"No usable backtest score (zero scale): showing {fallback}.")
    return fallback
