"""Anomalies (IsolationForest) and content clusters (KMeans): the methods on synthetic
data, the artifacts of a real trained build, the panels' callbacks and the untrained
panels in a browser."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from conftest import wait_for
from polars.testing import assert_frame_equal

from base.paths import Paths
from dashapp.components import model_status
from models import anomalies, artifacts, clusters
from queries.db import open_read_only

# --- anomalies on synthetic data -------------------------------------------------------


def metric_frame(n: int = 400, seed: int = 0) -> pl.DataFrame:
    """Typical titles: correlated metrics around IMDb 6.5, 1k–30k votes, TMDB 6.5."""
    rng = np.random.default_rng(seed)
    score = rng.normal(6.5, 0.6, n).clip(3, 9)
    return pl.DataFrame({
        "show_id": [f"s{i}" for i in range(n)], "title": [f"Title {i}" for i in range(n)],
        "imdb_score": score.round(1), "imdb_votes": (10 ** rng.normal(3.8, 0.35, n)).astype(int),
        "tmdb_popularity": (10 ** rng.normal(1.0, 0.3, n)).round(2),
        "tmdb_score": (score + rng.normal(0, 0.3, n)).clip(0, 10).round(1)})


PLANTED = pl.DataFrame({
    "show_id": ["p1", "p2", "p3", "p4"], "title": ["Hyped Flop", "Lone Ten", "Sleeper", "Mega Hit"],
    "imdb_score": [2.1, 4.0, 6.4, 9.3], "imdb_votes": [2_000_000, 15, 6_000, 1_500_000],
    "tmdb_popularity": [400.0, 1.0, 10.0, 900.0], "tmdb_score": [2.5, 10.0, 6.5, 9.0]})


def test_isolation_forest_flags_planted_outliers():
    frame = pl.concat([metric_frame(), PLANTED], how="vertical_relaxed")
    model = anomalies.fit(frame, contamination=0.01, seed=42)
    flagged = set(model.flagged["show_id"])
    assert {"p1", "p2", "p4"} <= flagged and "p3" not in flagged
    assert abs(len(flagged) - 0.01 * frame.height) <= 1   # contamination sets the share
    why = dict(model.flagged.select("show_id", "reason").iter_rows())
    assert why["p1"].startswith("low IMDb score (2.1)") and "but high IMDb votes (2.0M)" in why["p1"]
    assert "IMDb and TMDB disagree (4.0 vs 10.0)" in why["p2"]
    assert model.titles.filter(pl.col("show_id") == "p4")["most_unusual"][0].startswith("high")


def test_reason_names_unusual_metrics_with_values():
    row = {"imdb_score": 3.5, "imdb_votes": 71_405, "tmdb_popularity": 123.0, "tmdb_score": 4.8,
           "z_imdb_score": -2.7, "z_imdb_votes": 1.6, "z_tmdb_popularity": 2.0, "z_tmdb_score": -1.8}
    assert anomalies.reason(row) == ("low IMDb score (3.5) and TMDB score (4.8) but high TMDB "
                                     "popularity (123.0) and IMDb votes (71k)")
    calm = {**row, "z_imdb_score": -1.2, "z_imdb_votes": 0.4, "z_tmdb_popularity": 1.0,
            "z_tmdb_score": 0.3}
    assert anomalies.reason(calm) == "an unusual mix; furthest out: low IMDb score (3.5)"


def test_anomalies_are_deterministic_per_seed():
    frame = metric_frame(300, seed=3)
    a, b = anomalies.fit(frame, 0.03, seed=7), anomalies.fit(frame, 0.03, seed=7)
    assert_frame_equal(a.titles, b.titles)
    assert anomalies.stability(a, (1, 2)) == anomalies.stability(b, (1, 2))


# --- clusters on synthetic data --------------------------------------------------------

def test_silhouette_selection_recovers_k_on_blobs():
    from sklearn.datasets import make_blobs
    angles = np.linspace(0, 2 * np.pi, 5, endpoint=False)   # five equally distant blobs
    centres = 10 * np.column_stack([np.cos(angles), np.sin(angles)])
    points, _ = make_blobs(n_samples=600, centers=centres, cluster_std=1.0, random_state=0)
    selection = clusters.select_k(points, range(2, 9), sample=400, seed=42)
    assert selection.filter(pl.col("chosen"))["k"].to_list() == [5]
    assert selection.filter(pl.col("best"))["k"].to_list() == [5]


TOPICS = {
    "Sci-Fi": ["astronaut", "planet", "alien", "spaceship", "galaxy", "orbit"],
    "Cooking": ["chef", "kitchen", "recipe", "restaurant", "dessert", "baking"],
    "Sports": ["football", "coach", "league", "stadium", "match", "striker"],
}


def topic_frame(per_topic: int = 60, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    filler = ["story", "people", "life", "new", "world", "friends", "town", "year"]
    rows = []
    for genre, words in TOPICS.items():
        for i in range(per_topic):
            text = " ".join(rng.choice(words, 4).tolist() + rng.choice(filler, 4).tolist())
            rows.append({"show_id": f"{genre}{i}", "title": f"{genre} {i}", "kind": "movie",
                         "release_year": 2020, "description": text, "genres": [genre]})
    return pl.DataFrame(rows)


def test_cluster_names_come_from_their_members():
    frame = topic_frame()
    model = clusters.fit(frame, seed=42, k_values=range(2, 7), components=8)
    assert model.k == 3 and sorted(model.clusters["titles"]) == [60, 60, 60]
    for row in model.clusters.iter_rows(named=True):
        members = model.titles.filter(pl.col("cluster") == row["cluster"])["show_id"]
        texts = " ".join(frame.filter(pl.col("show_id").is_in(members.implode()))["description"])
        genre = row["top_genres"][0]
        assert row["name"].startswith(genre) and row["genre_shares"][0] == 1.0
        assert row["top_terms"] and all(t in texts for t in row["top_terms"])
        assert set(row["top_terms"][:3]) <= set(TOPICS[genre])
        assert all(t in row["name"] for t in row["top_terms"][:3])


def test_cluster_terms_are_words_not_numbers():
    """'000' (from "$1,000,000") and years led real clusters' terms."""
    sci_fi = pl.col("genres").list.contains("Sci-Fi")
    frame = topic_frame().with_columns(description=pl.when(sci_fi).then(
        pl.col("description") + " 000 000 1999 won $1,000,000 in 1999")
        .otherwise(pl.col("description")))
    model = clusters.fit(frame, seed=42, k_values=range(2, 7), components=8)
    terms = [t for row in model.clusters.iter_rows(named=True) for t in row["top_terms"]]
    assert terms and not any(t.isdigit() for t in terms)


def test_clusters_are_deterministic_and_assign_new_rows():
    frame = topic_frame(40, seed=1)
    a = clusters.fit(frame, seed=5, k_values=range(2, 6), components=8)
    b = clusters.fit(frame, seed=5, k_values=range(2, 6), components=8)
    assert_frame_equal(a.titles, b.titles)
    assert_frame_equal(a.clusters, b.clusters)
    assert_frame_equal(a.selection, b.selection)
    assert a.assign(frame.head(10)).tolist() == a.titles.head(10)["cluster"].to_list()


# --- the trained build -----------------------------------------------------------------

@pytest.fixture(scope="session")
def trained_con(trained_data_dir):
    data_dir, _ = trained_data_dir
    con = open_read_only(Paths(data_dir).current_link.resolve())
    yield con
    con.close()


def model_metric(con, model: str, metric: str) -> float:
    return con.execute("select value from model_metrics where model = $m and metric = $n "
                       "and label = ''", {"m": model, "n": metric}).fetchall()[0][0]


@pytest.mark.slow
def test_anomaly_artifact_round_trip(trained_data_dir, trained_con):
    data_dir, build_id = trained_data_dir
    model, meta = artifacts.load(data_dir, build_id, "anomalies")
    assert meta.build_id == build_id and meta.seed == 42
    assert meta.params["contamination"] == anomalies.CONTAMINATION
    matched = trained_con.execute(
        "select count(*) from titles where imdb_score is not null and imdb_votes is not null "
        "and tmdb_popularity is not null and tmdb_score is not null").fetchall()[0][0]
    assert model.titles.height == matched == model_metric(trained_con, "anomalies", "titles_scored")
    assert model.flagged.height == model_metric(trained_con, "anomalies", "flagged")
    assert abs(model.flagged.height - anomalies.CONTAMINATION * matched) <= 2
    assert model.flagged["reason"].str.len_chars().min() > 10
    assert model_metric(trained_con, "anomalies", "stability_jaccard_mean") > 0.5
    again = model.score(model.titles.head(20))
    assert np.allclose(again, model.titles.head(20)["anomaly_score"], atol=1e-4)


@pytest.mark.slow
def test_cluster_artifact_round_trip(trained_data_dir, trained_con):
    data_dir, build_id = trained_data_dir
    model, meta = artifacts.load(data_dir, build_id, "clusters")
    assert meta.build_id == build_id and meta.params["k_values"] == list(clusters.K_VALUES)
    titles = trained_con.execute("select count(*) from titles").fetchall()[0][0]
    assert model.titles.height == titles and model.clusters["titles"].sum() == titles
    assert model.k == model_metric(trained_con, "clusters", "k") == model.clusters.height
    assert model.k in clusters.K_VALUES
    assert model.clusters["name"].n_unique() == model.k
    assert model.selection["chosen"].sum() == 1 and model.selection.height == len(clusters.K_VALUES)
    frame = clusters.load_frame(trained_con).head(30)
    assert model.assign(frame).tolist() == model.titles.head(30)["cluster"].to_list()
    for row in model.clusters.head(5).iter_rows(named=True):   # names from members' words
        ids = model.titles.filter(pl.col("cluster") == row["cluster"])["show_id"]
        texts = " ".join(clusters.load_frame(trained_con).filter(pl.col("show_id").is_in(ids.implode()))
                         ["description"]).lower()
        assert all(t in texts for t in row["top_terms"])


@pytest.fixture(scope="module")
def pages():
    """The two page modules (Dash registers pages only once the app exists)."""
    from dashapp.app import app
    from dashapp.pages import models_anomalies, models_clusters
    assert app.title  # imported first, so the page modules can register
    return models_anomalies, models_clusters


@pytest.mark.slow
def test_panel_callbacks_with_trained_models(trained_data_dir, monkeypatch, pages):
    an, cl = pages
    data_dir, _ = trained_data_dir
    monkeypatch.setenv("NETFLIX_INSIGHTS_DATA_DIR", str(data_dir))
    assert "contamination = 0.02" in str(an.status_alert().to_plotly_json())
    fig, insights = an.update_scatter(None, "imdb")
    assert [t.name.split(" ")[0] for t in fig.data] == ["typical", "flagged"]
    assert "contamination 0.02" in fig.layout.title.text and insights
    movies, _ = an.update_scatter({"kinds": ["movie"]}, "scores")
    assert sum(len(t.x) for t in movies.data) < sum(len(t.x) for t in fig.data)
    table = str(an.update_flagged({"kinds": ["show"]}).to_plotly_json())
    assert "TV show" in table and "Movie'" not in table
    k_fig, k_insights = cl.update_k_selection(None)
    assert len(k_fig.data[0].x) == len(clusters.K_VALUES) and k_insights
    map_fig, map_insights, cards = cl.update_map(None)
    shown = sum(len(t.x) for t in map_fig.data)
    assert shown == 3000 and "fixed random sample" in map_insights[0].children
    assert len(cards.children) == len(map_fig.data)
    _, _, show_cards = cl.update_map({"kinds": ["show"]})
    assert "under the current filters" in str(show_cards.to_plotly_json())


def test_panels_without_trained_models_say_why(built_data_dir, monkeypatch, pages):
    an, cl = pages
    monkeypatch.setenv("NETFLIX_INSIGHTS_DATA_DIR", str(built_data_dir))
    fig, insights = an.update_scatter(None, "imdb")
    assert fig.layout.annotations[0].text == model_status.NOT_TRAINED and insights == []
    assert "has not been trained" in str(an.status_alert().to_plotly_json())
    assert "has not been trained" in str(an.update_flagged(None).to_plotly_json())
    assert cl.update_k_selection(None)[0].layout.annotations[0].text == model_status.NOT_TRAINED
    assert "has not been trained" in str(cl.update_map(None)[2].to_plotly_json())
    assert "has not been trained" in str(cl.status_alert().to_plotly_json())


# --- figures on small frames -----------------------------------------------------------

def test_figures_handle_empty_and_small_frames():
    from dashapp.figures import anomalies as af
    from dashapp.figures import clusters as cf
    assert af.scatter(pl.DataFrame(), "imdb").layout.annotations and af.scatter_insights(pl.DataFrame()) == []
    model = anomalies.fit(metric_frame(200), 0.05, seed=1)
    frame = model.titles.with_columns(kind=pl.lit("movie"), release_year=pl.lit(2020))
    fig = af.scatter(frame, "tmdb", 0.05)
    assert fig.layout.xaxis.type == "log" and len(fig.data) == 2
    assert af.scatter_insights(frame, 0.05)[0].startswith("10 of 200")
    assert cf.k_selection(pl.DataFrame()).layout.annotations
    assert cf.cluster_map(pl.DataFrame(), pl.DataFrame()).layout.annotations
    assert cf.cluster_colour(1) != cf.cluster_colour(2)
    # every k the model may choose (up to 20) gives each cluster its own colour and shape
    marks = [(cf.cluster_colour(c), cf.cluster_symbol(c)) for c in range(1, 21)]
    assert len(set(marks)) == 20 and cf.cluster_glyph(14) == "◆"


# --- browser: the untrained app ------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("page", ["anomalies", "clusters"])
def test_untrained_panels_render_the_missing_model_message(browser, served_app, artifacts_dir, page):
    from selenium.webdriver.common.by import By
    browser.get(f"{served_app}/models/{page}")
    wait = wait_for(browser, 30)
    wait.until(lambda d: "has not been trained" in d.find_element(By.ID, f"{page}-status").text)
    wait.until(lambda d: "has not been trained" in d.find_element(By.TAG_NAME, "body").text
               and d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg"))
    browser.save_screenshot(str(artifacts_dir / f"models_{page}_untrained.png"))
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
