"""The genre classifiers: trained by a real refresh, metrics checked, artifact round-trip."""
from __future__ import annotations

import numpy as np
import pytest

from base.paths import Paths
from models import artifacts
from models.genre_classifier import form_record
from models.metrics import multilabel_rows, summary
from queries.db import open_read_only

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def genres(trained_data_dir):
    data_dir, build_id = trained_data_dir
    return artifacts.load(data_dir, build_id, "genres")


def metric(con, model: str, name: str, split: str = "holdout") -> float:
    return con.execute("select value from model_metrics where model = $m and metric = $n "
                       "and split = $s and label = ''", {"m": model, "n": name, "s": split}
                       ).fetchall()[0][0]


def test_metrics_match_hand_computation():
    y_true = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]])
    y_pred = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 1]])
    s = summary(multilabel_rows("m", "h", y_true, y_pred, ["a", "b", "c"]), "h")
    # micro: TP=3 (a,a,b) FP=1 (c) FN=2 → P=3/4, R=3/5, F1=2PR/(P+R)=2/3
    assert s["micro_f1"] == pytest.approx(2 / 3)
    # per label F1: a=1, b=2/3 (TP1 FN1), c=0 → macro=5/9
    assert s["macro_f1"] == pytest.approx(5 / 9)
    assert s["hamming_loss"] == pytest.approx(3 / 9)
    assert s["subset_accuracy"] == pytest.approx(1 / 3)
    # samples: row1 F1=2/3, row2=1, row3=1/2 → mean 13/18
    assert s["samples_f1"] == pytest.approx(13 / 18)


def test_published_metrics_beat_the_baseline(trained_data_dir):
    data_dir, _ = trained_data_dir
    con = open_read_only(Paths(data_dir).current_link.resolve())
    try:
        full = metric(con, "genres_netflix", "micro_f1")
        base = metric(con, "genres_netflix_baseline", "micro_f1")
        # the targets; measured 0.776 / 0.644 (0.771-0.783 over other split seeds)
        assert full > 0.75 and full > 3 * base
        assert metric(con, "genres_netflix", "macro_f1") > 0.55
        assert metric(con, "genres_netflix", "micro_f1", "cv3_oof") > 0.75
        tmdb = metric(con, "genres_tmdb", "micro_f1")  # the target; measured 0.6845 (deterministic)
        assert tmdb >= 0.68 and tmdb > metric(con, "genres_tmdb_baseline", "micro_f1") + 0.2
        assert metric(con, "genres_tmdb", "micro_f1", "cv3_oof") > 0.66
        labels = con.execute("select count(distinct label) from model_metrics where "
                             "model='genres_netflix' and metric='support'").fetchall()[0][0]
        assert labels == 42
    finally:
        con.close()


def test_artifact_round_trip_and_metadata(trained_data_dir, genres):
    data_dir, build_id = trained_data_dir
    model, meta = genres
    assert meta.build_id == build_id and meta.seed == 42 and "scikit-learn" in meta.versions
    again, _ = artifacts.load(data_dir, build_id, "genres")
    record = {"kind": "movie", "title": "x", "description": "a heist thriller"}
    assert again["netflix_form"].predict(record) == model["netflix_form"].predict(record)


def test_one_cut_on_calibrated_probabilities(genres):
    """Platt keeps each label's ranking (slope > 0), or the TMDB second stage replaces
    it; one threshold per variant."""
    for variant, model in genres[0].items():
        cuts = {float(t) for gm in model.groups.values() for t in gm.thresholds}
        assert len(cuts) == 1 and 0.1 < cuts.pop() < 0.6, variant
        for gm in model.groups.values():
            stacked = variant == "tmdb"
            assert (gm.combiner is not None) == stacked
            assert stacked or (gm.calibration[0] > 0).all()
        probs = model.predict_proba([{"kind": "movie", "title": "x", "description": "a heist"}])
        assert ((probs >= 0) & (probs <= 1)).all()


def test_tmdb_movie_gets_its_obvious_genres(genres):
    """The stacked TMDB model end to end on one record, as the artifact is loaded."""
    model = genres[0]["tmdb"]
    record = {"kind": "movie", "title": "Haunted Hollow", "original_language": "en",
              "description": "A family moves into an old house where a demon begins "
                             "to possess their youngest daughter.",
              "release_year": 2019, "vote_average": 6.1, "vote_count": 900}
    assert "Horror" in [label for label, _ in model.predict(record)]
    assert model.explain(record, "Horror")


@pytest.mark.parametrize("record, expected", [
    ({"kind": "movie", "title": "Live at the Apollo", "description":
      "The comedian riffs on marriage, parenting and airport security in this stand-up "
      "special filmed live."}, "Stand-Up Comedy"),
    ({"kind": "show", "title": "Seoul Hearts", "countries": ["South Korea"], "description":
      "A chaebol heir and a struggling webtoon artist fall for each other in Seoul."},
     "Korean TV Shows"),
    ({"kind": "movie", "title": "Our Planet: Oceans", "description":
      "Narrated wildlife documentary exploring coral reefs, whales and the deep sea "
      "ecosystems of our planet."}, "Documentaries"),
])
def test_obvious_descriptions(genres, record, expected):
    predicted = [label for label, _ in genres[0]["netflix_form"].predict(form_record(record))]
    assert expected in predicted


def test_explanations_are_words_of_the_text(genres):
    record = {"kind": "movie", "title": "Live at the Apollo",
              "description": "A stand-up comedy special filmed live in London."}
    words = genres[0]["netflix_form"].explain(record, "Stand-Up Comedy")
    assert words and all(w.split()[0] in record["description"].lower() + " live apollo"
                         for w, _ in words)


def test_missing_and_stale_models_say_why(trained_data_dir, tmp_path):
    data_dir, build_id = trained_data_dir
    with pytest.raises(artifacts.ModelMissing, match=f"trained on build {build_id}"):
        artifacts.load(data_dir, "20990101T000000Z-newbuild", "genres")
    with pytest.raises(artifacts.ModelMissing, match="has not been trained"):
        artifacts.load(tmp_path, build_id, "genres")


def test_predict_genres_cli_and_http(trained_data_dir):
    import json
    import subprocess
    import sys
    data_dir, _ = trained_data_dir
    out = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "predict-genres", "--data-dir",
                          str(data_dir), "--json", "A stand-up comedy special about dating apps"],
                         capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(out.stdout)
    assert result["labels"][0]["label"] == "Stand-Up Comedy" and result["model_scores"]["micro_f1"] > 0.5

    from conftest import app_serving, post_json
    with app_serving(data_dir) as base:
        def post(body: bytes):
            return post_json(base + "/api/predict-genres", body)
        status, body = post(json.dumps({"description": "A nature documentary about whales",
                                        "type": "movie"}).encode())
        assert status == 200 and "Documentaries" in [x["label"] for x in body["labels"]]
        assert post(b"not json")[0] == 400
        assert post(json.dumps({"description": "x" * 6000}).encode())[0] == 400
        assert post(json.dumps({"description": "ok", "type": "podcast"}).encode())[0] == 400


def test_panel_callbacks_with_a_trained_model(trained_data_dir, monkeypatch):
    from dashapp.pages import models_genres as page
    data_dir, _ = trained_data_dir
    monkeypatch.setenv("NETFLIX_INSIGHTS_DATA_DIR", str(data_dir))
    shown = str(page.predict(1, "", "Narrated wildlife documentary about whales and coral reefs",
                             "movie", []).to_plotly_json())
    assert "Documentaries" in shown and "held-out micro-F1" in shown
    assert "give a description" in str(page.predict(1, "", "", "movie", []).to_plotly_json())
    fig, insights = page.update_labels("genres_tmdb")
    assert len(fig.data[0].y) == 19 and insights  # 19 TMDB movie genres


def test_panel_without_a_model_says_so(browser, served_app, artifacts_dir):
    """The session warehouse is built with train_models=0: the page must explain."""
    from conftest import wait_for
    from selenium.webdriver.common.by import By
    browser.get(served_app + "/models/genres")
    wait_for(browser).until(lambda d: "has not been trained" in d.find_element(By.TAG_NAME, "body").text)
    assert "No model metrics in this build" in browser.find_element(By.TAG_NAME, "body").text
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
