"""The five model panels in headless Chromium, with the models a real refresh trained.

The session-wide app (`served_app`) reads a build made without training, where the
panels can only say so (each model's test file checks that); here the app reads the
trained build, so every chart, table and form is drawn from real artifacts.
"""
from __future__ import annotations

import pytest
from conftest import app_serving, click, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PANELS = {"genres": 2, "forecasts": 1, "copilot": 1, "anomalies": 1, "clusters": 1}
MISSING = ("has not been trained", "No trained model for this build")


def drawn_graphs(browser) -> list:
    """Graphs Plotly has finished drawing, with a title (every chart here has one)."""
    from selenium.webdriver.common.by import By
    return [g for g in browser.find_elements(By.CSS_SELECTOR, ".js-plotly-plot")
            if g.find_elements(By.CSS_SELECTOR, ".main-svg .gtitle")]


@pytest.fixture(scope="module")
def trained_app(trained_data_dir):
    data_dir, _ = trained_data_dir
    with app_serving(data_dir) as base:
        yield base


@pytest.mark.parametrize("panel, least_graphs", PANELS.items())
def test_panel_draws_from_trained_models(browser, trained_app, artifacts_dir, panel, least_graphs):
    from selenium.webdriver.common.by import By
    browser.get(f"{trained_app}/models/{panel}")
    body = lambda d: d.find_element(By.TAG_NAME, "body").text  # noqa: E731
    wait_for(browser, 60).until(lambda d: "trained on this build" in body(d).lower())
    wait_for(browser, 60).until(lambda d: len(drawn_graphs(d)) >= least_graphs)
    text = body(browser)
    assert not any(m in text for m in MISSING), text[:400]
    browser.save_screenshot(str(artifacts_dir / f"models_{panel}.png"))
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_genre_form_predicts_in_the_browser(browser, trained_app, artifacts_dir):
    """Paste a synopsis, click, read the categories, their words and the model's score."""
    from selenium.webdriver.common.by import By
    browser.get(f"{trained_app}/models/genres")
    wait_for(browser, 60).until(lambda d: len(drawn_graphs(d)) >= 2)  # callbacks are live
    box = browser.find_element(By.ID, "genres-form-description")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.send_keys("Narrated wildlife documentary exploring coral reefs, whales and the "
                  "deep-sea ecosystems of our planet.")
    # a click event on the button itself: charts still drawing above it move it, so a
    # pointer click at the coordinates Selenium computed can land on something else
    browser.execute_script("arguments[0].click();", browser.find_element(By.ID, "genres-form-go"))
    result = lambda d: d.find_element(By.ID, "genres-form-result").text  # noqa: E731
    wait_for(browser, 30).until(lambda d: "never saw (temporal_2021)" in result(d))
    shown = result(browser)
    assert "Documentaries" in shown and "words:" in shown and "(genres_netflix_form)" in shown
    # more about the title (folded): a year and a length, and the full model answers
    browser.execute_script("document.querySelector('#genres-form-year').closest('details')"
                           ".open = true;")
    for name, value in (("year", "2019"), ("length", "95")):
        click(browser, By.ID, f"genres-form-{name}")
        browser.find_element(By.ID, f"genres-form-{name}").send_keys(value)
    browser.execute_script("arguments[0].click();", browser.find_element(By.ID, "genres-form-go"))
    wait_for(browser, 30).until(lambda d: "(genres_netflix)" in result(d))
    assert "Documentaries" in result(browser)
    # the scores table lists the TMDB variant next to its baseline
    table = browser.find_element(By.TAG_NAME, "table").text
    assert "genres_tmdb" in table and "genres_tmdb_baseline" in table
    browser.set_window_size(1400, 1700)   # table, form and its answer in one picture
    try:
        browser.execute_script("window.scrollTo(0, 0);")
        browser.save_screenshot(str(artifacts_dir / "genre_model.png"))
    finally:
        browser.set_window_size(1400, 1000)
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
