"""Forecasts: MASE and baselines by hand, candidates on synthetic series, fallbacks for
short and sparse series, nested intervals, the artifact of the session-trained build,
the panel's callbacks called as functions, and the page without a model in a browser."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from base.paths import Paths
from dashapp.figures import forecasts as figs
from models import _forecast_core as core
from models import artifacts
from models import forecasting as fc
from queries.db import open_read_only


def seasonal_series(n: int = 96, seed: int = 42) -> np.ndarray:
    """Trend + 12-month seasonality + noise: what the statistical models should catch."""
    t = np.arange(n)
    noise = np.random.default_rng(seed).normal(0, 4, n)
    return 100 + 1.5 * t + 20 * np.sin(2 * np.pi * t / 12) + noise


# --- core, by hand ----------------------------------------------------------------------

def test_mase_matches_hand_computation():
    train = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15], dtype=float)
    # seasonal differences: 14 - 1 = 13 and 15 - 2 = 13 → scale 13
    assert core.mase_scale(train) == pytest.approx(13.0)
    # errors |16 - 15| = 1 and |20 - 18| = 2 → MAE 1.5 → MASE 1.5 / 13
    assert core.mase([16, 20], [15, 18], train) == pytest.approx(1.5 / 13)
    # shorter than a season: lag-1 differences 2 and 3 → scale 2.5
    assert core.mase([4], [3], np.array([1.0, 3.0, 6.0])) == pytest.approx(1 / 2.5)
    assert np.isnan(core.mase([1], [1], np.zeros(30)))  # a constant history has no scale


def test_baselines_and_origins_by_hand():
    y = np.arange(24, dtype=float)
    snaive = core.forecast("seasonal_naive", y, 14)
    assert snaive.mean.tolist() == list(range(12, 24)) + [12, 13]
    assert core.forecast("naive", y, 3).mean.tolist() == [23, 23, 23]
    # naive sd: one-step changes are all 1 → sd √h; 80% half-width 1.2816·√h
    naive = core.forecast("naive", y, 4, nonneg=False)
    assert (naive.upper[80] - naive.mean) == pytest.approx(1.2815516 * np.sqrt([1, 2, 3, 4]))
    # 4 origins, 6 months apart, the last leaving exactly 12 months to score
    assert core.origins(80) == [50, 56, 62, 68]
    assert core.origins(52) == [40]       # training windows under 36 months are dropped
    assert core.origins(40) == []


def test_synthetic_seasonal_series_beats_the_naive_baseline():
    fit = core.fit_series(seasonal_series())
    assert fit.chosen in ("theta", "ets", "sarimax")
    assert fit.scores[fit.chosen] < fit.scores["naive"]
    assert fit.scores[fit.chosen] < fit.scores["seasonal_naive"]
    assert min(fit.scores[c] for c in ("theta", "ets", "sarimax")) < 0.8 * fit.scores["naive"]
    assert all(len(fit.origin_scores[c]) == 4 for c in core.CANDIDATES)


def test_fits_are_deterministic():
    a, b = core.fit_series(seasonal_series(seed=7)), core.fit_series(seasonal_series(seed=7))
    assert a.scores == b.scores and a.chosen == b.chosen
    assert all(np.array_equal(a.forecasts[c].upper[95], b.forecasts[c].upper[95]) for c in a.forecasts)


def test_intervals_nest_and_have_the_horizon():
    fit = core.fit_series(seasonal_series())
    assert set(fit.forecasts) == set(core.CANDIDATES)
    for name, f in fit.forecasts.items():
        assert len(f.mean) == core.HORIZON, name
        assert np.all(f.lower[95] <= f.lower[80]) and np.all(f.lower[80] <= f.mean), name
        assert np.all(f.mean <= f.upper[80]) and np.all(f.upper[80] <= f.upper[95]), name
        assert np.all(f.upper[95] - f.lower[95] > f.upper[80] - f.lower[80]), name
        assert np.all(f.lower[95] >= 0), name  # counts: clipped at zero


def test_short_series_fall_back_and_say_so():
    fit = core.fit_series(seasonal_series(30))
    assert fit.chosen == "seasonal_naive" and not fit.scores
    assert set(fit.skipped) == {"theta", "ets", "sarimax"}
    assert "only 30 months" in fit.skipped["ets"]
    assert any("too short for a rolling-origin backtest" in n for n in fit.notes)
    tiny = core.fit_series(np.array([3.0, 4, 2, 5, 6, 4, 3, 5]))
    assert tiny.chosen == "naive" and "seasonal_naive" in tiny.skipped
    assert len(tiny.forecasts["naive"].mean) == core.HORIZON


def test_sparse_series_fall_back_to_baselines_and_say_so():
    rng = np.random.default_rng(1)
    y = np.where(rng.random(72) < 0.6, 0.0, rng.integers(1, 4, 72).astype(float))
    fit = core.fit_series(y)
    assert fit.chosen in core.BASELINES and set(fit.forecasts) == set(core.BASELINES)
    assert all("sparse" in why for why in fit.skipped.values())
    assert any(n.startswith("Sparse series") for n in fit.notes)
    series = {"x:sparse": fc.SeriesResult("x:sparse", "netflix_genre", "X", [], fit)}
    rows = {r["metric"]: r["value"] for r in fc.metric_rows(series) if r["label"] == "x:sparse"}
    assert rows["fallback"] == 1.0 and "mase_theta" not in rows


# --- model module -------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_bundle() -> fc.ForecastBundle:
    """A bundle from two synthetic series, in the warehouse's long format."""
    months = pl.date_range(pl.date(2015, 1, 1), pl.date(2021, 12, 1), "1mo", eager=True)
    frames = [pl.DataFrame({"family": family, "name": name, "month": months,
                            "value": seasonal_series(len(months), seed)})
              for family, name, seed in [("netflix_genre", "Dramas", 1),
                                         ("netflix_genre", "Comedies", 2)]]
    return fc.fit_frame(pl.concat(frames))


def test_bundle_frames_slice_stored_forecasts(small_bundle):
    frame = small_bundle.forecast_frame("netflix_genre:Dramas", "ets", 5)
    ahead = frame.filter(pl.col("part") == "forecast")
    assert ahead.height == 5 and frame.height == 84 + 5 and set(frame["model"]) == {"ets"}
    assert str(ahead["month"][0]) == "2022-01-01"  # history ends 2021-12
    full = small_bundle.series["netflix_genre:Dramas"].fit.forecasts["ets"]
    assert ahead["upper95"].to_list() == full.upper[95][:5].tolist()
    scores = small_bundle.scores_frame("netflix_genre:Dramas")
    assert scores.height == len(core.CANDIDATES) and scores["chosen"].sum() == 1
    assert scores.filter(pl.col("candidate") == "seasonal_naive")["vs_seasonal_naive"][0] == 1.0
    momentum = small_bundle.momentum_frame("netflix_genre")
    assert momentum.height == 2 and momentum["growth"].to_list() == sorted(momentum["growth"], reverse=True)


def test_future_months_cross_year_end():
    from datetime import date
    assert fc.future_months(date(2021, 11, 1), 3) == [date(2021, 12, 1), date(2022, 1, 1),
                                                      date(2022, 2, 1)]


# --- the session-trained build --------------------------------------------------------

@pytest.fixture(scope="module")
def trained(trained_data_dir):
    data_dir, build_id = trained_data_dir
    return artifacts.load(data_dir, build_id, "forecasts")


@pytest.mark.slow
def test_artifact_round_trip_and_metrics(trained_data_dir, trained):
    data_dir, build_id = trained_data_dir
    bundle, meta = trained
    assert isinstance(bundle, fc.ForecastBundle) and meta.build_id == build_id
    assert meta.seed == 42 and "statsmodels" in meta.versions
    assert meta.train_seconds < 120  # measured ≈ 11 s CPU; loose guard for a loaded box
    assert len(bundle.series) == 2 + 8 + 6 + 6 + 6
    assert bundle.window["netflix_type"] == {"start": "2015-01-01", "end": "2021-08-01"}
    assert bundle.window["tmdb_releases"]["end"] == "2022-03-01"
    for s in bundle.series.values():
        assert s.fit.chosen in s.fit.forecasts
        assert all(len(f.mean) == core.HORIZON for f in s.fit.forecasts.values())
    con = open_read_only(Paths(data_dir).current_link.resolve())
    try:
        rows = con.sql("select metric, label, value from model_metrics where model = 'forecasts' "
                       "and split = 'backtest'").pl()
        summary = dict(rows.filter(pl.col("label") == "").select("metric", "value").iter_rows())
        labels = set(rows.filter(pl.col("label") != "")["label"])
        # independent check of the Netflix series: monthly_totals over the same window
        movies = con.sql("select sum(titles_added) from monthly_totals where kind = 'movie' "
                         "and month between '2015-01-01' and '2021-08-01'").fetchall()[0][0]
    finally:
        con.close()
    assert labels == set(bundle.series)
    assert summary["share_chosen_beats_seasonal_naive"] >= 0.75
    assert summary["median_mase_chosen"] < summary["median_mase_seasonal_naive"]
    assert bundle.series["netflix_type:movie"].fit.history.sum() == movies


@pytest.fixture
def page():
    import importlib
    importlib.import_module("dashapp.app")  # pages register against the app: it comes first
    return importlib.import_module("dashapp.pages.models_forecasts")


@pytest.mark.slow
def test_panel_callbacks_with_a_trained_model(trained_data_dir, monkeypatch, page):
    monkeypatch.setenv("NETFLIX_INSIGHTS_DATA_DIR", str(trained_data_dir[0]))
    fig, insights, table, notes = page.update_forecast("netflix_genre:Dramas", 12, "auto")
    forecast = [t for t in fig.data if t.name == "forecast"][0]
    assert len(forecast.x) == 13 and "titles added per month" in fig.layout.title.text
    assert insights and "chosen" in str(table.to_plotly_json())
    fig3, *_ = page.update_forecast("netflix_genre:Dramas", 3, "ets")
    assert len([t for t in fig3.data if t.name == "forecast"][0].x) == 4
    assert "ETS" in fig3.layout.title.subtitle.text
    fig_pop, ins_pop, _, notes_pop = page.update_forecast("tmdb_popularity:Drama", 6, "sarimax")
    assert "popularity" in fig_pop.layout.title.text and "in total" not in ins_pop[0].children
    assert "recency" in str(notes_pop[0].to_plotly_json())
    _, _, _, odd = page.update_forecast("netflix_type:show", 12, "no-such-model")
    assert "showing auto" in str(odd[0].to_plotly_json())
    options = page.update_model_options("netflix_type:show")
    assert options[0]["label"].startswith("auto (") and len(options) == 1 + len(core.CANDIDATES)
    mfig, minsights = page.update_momentum("tmdb_releases")
    assert len(mfig.data[0].y) == 6 and minsights


def test_panel_callbacks_without_a_model(built_data_dir, monkeypatch, page):
    monkeypatch.setenv("NETFLIX_INSIGHTS_DATA_DIR", str(built_data_dir))
    fig, insights, table, _ = page.update_forecast(None, 12, "auto")
    # a long message is wrapped onto lines (<br>), not cut off at the card's edges
    assert fig.layout.annotations[0].text.replace("<br>", " ") == figs.MISSING_MODEL
    assert insights == []
    mfig, minsights = page.update_momentum("netflix_genre")
    assert mfig.layout.annotations[0].text.replace("<br>", " ") == figs.MISSING_MODEL
    assert minsights == []
    assert "has not been trained" in str(page.status_alert().to_plotly_json())


# --- figures on small frames --------------------------------------------------------

def test_figures_and_insights_on_small_and_empty_frames(small_bundle):
    frame = small_bundle.forecast_frame("netflix_genre:Comedies", "auto", 12)
    scores = small_bundle.scores_frame("netflix_genre:Comedies")
    fig = figs.forecast_chart(frame, "Netflix additions · Comedies", "titles added per month")
    assert [t.name for t in fig.data].count("95% interval") == 1 and fig.layout.hovermode == "x unified"
    text = figs.forecast_insights(frame, scores, "titles added per month")
    assert "in total" in text[0] and "seasonal naive" in text[1]
    assert figs.forecast_insights(frame, scores, "points", summable=False)[0].count("in total") == 0
    empty = figs.forecast_chart(pl.DataFrame()).layout.annotations[0].text
    assert empty.replace("<br>", " ") == figs.MISSING_MODEL
    assert figs.forecast_insights(pl.DataFrame(), scores) == []
    empty = pl.DataFrame(schema=fc.MOMENTUM_SCHEMA)
    assert figs.momentum_insights(empty) == [] and figs.momentum_chart(empty).layout.annotations
    assert "Strongest momentum" in figs.momentum_insights(small_bundle.momentum_frame())[0]


# --- browser: the session warehouse has no trained model ------------------------------

@pytest.mark.browser
def test_page_without_a_model_says_so(browser, served_app, artifacts_dir):
    from conftest import wait_for
    from selenium.webdriver.common.by import By
    browser.get(served_app + "/models/forecasts")
    wait_for(browser).until(lambda d: "has not been trained" in d.find_element(By.TAG_NAME, "body").text)
    wait_for(browser).until(lambda d: "No trained forecasts" in d.find_element(
        By.ID, "forecasts-chart-graph").text)
    assert "No trained forecasts" in browser.find_element(By.ID, "forecasts-scores").text
    browser.save_screenshot(str(artifacts_dir / "models_forecasts_missing.png"))
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
