"""Content Universe in headless Chromium: every chart renders, the map draws from the
local topojson, nothing is requested outside 127.0.0.1, and a filter change updates it."""
from __future__ import annotations

import pytest
from conftest import full_page_screenshot, texts, wait_for

pytestmark = pytest.mark.browser

GRAPHS = ["additions", "release-years", "lag", "map", "countries", "genres", "ratings",
          "runtimes", "seasons", "directors", "actors", "scatter"]


def _wait_for_charts(browser):
    from selenium.webdriver.common.by import By
    wait_for(browser, 30).until(lambda d: all(
        d.find_elements(By.CSS_SELECTOR, f"#universe-{g}-graph .main-svg") for g in GRAPHS)
        and d.find_elements(By.CSS_SELECTOR, "#universe-posters-grid .poster-tile"))


def _requested_urls(browser) -> list[str]:
    return browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".concat([location.href])")


def test_universe_draws_every_chart_offline(browser, served_app, artifacts_dir):
    from selenium.webdriver.common.by import By
    browser.get(served_app + "/")
    _wait_for_charts(browser)
    # the choropleth drew country shapes from /assets/topojson, not from a CDN
    wait_for(browser, 20).until(lambda d: len(d.find_elements(
        By.CSS_SELECTOR, "#universe-map-graph .choropleth path")) > 50)
    urls = _requested_urls(browser)
    assert any(u.endswith("/assets/topojson/world_110m.json") for u in urls)
    assert [u for u in urls if not u.startswith(served_app)] == []
    # posters are placeholders by default: no <img>, no request to TMDB
    tiles = browser.find_elements(By.CSS_SELECTOR, "#universe-posters-grid .poster-tile")
    assert len(tiles) == 12
    assert browser.find_elements(By.CSS_SELECTOR, "#universe-posters-grid img, .poster-img") == []
    assert browser.find_elements(By.CSS_SELECTOR, ".poster-placeholder")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "8,807" in body and "most-voted" in body and "Content Universe" in body
    assert len(browser.find_elements(By.CSS_SELECTOR, "#universe-scatter-graph .point")) > 100
    # matched share by year added: three lines, and the insight on unequal coverage
    assert len(browser.find_elements(By.CSS_SELECTOR,
                                     "#universe-matched-graph .scatterlayer .trace")) == 3
    assert "charts by period compare unequal coverage" in body
    full_page_screenshot(browser, artifacts_dir / "universe_full.png")
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_a_filter_change_updates_the_charts(browser, served_app, artifacts_dir):
    from selenium.webdriver.common.by import By
    browser.get(served_app + "/")
    _wait_for_charts(browser)
    browser.get(served_app + "/?type=show&country=India")
    wait = wait_for(browser, 30)
    wait.until(lambda d: "0 movies · 84 shows" in d.find_element(By.ID, "universe-kpis").text)
    _wait_for_charts(browser)
    wait.until(lambda d: "India leads with 84 titles" in
               d.find_element(By.ID, "universe-countries-insights").text)
    labels = texts(browser, "#universe-countries-graph .ytick text")
    assert "India" in labels and "Canada" not in labels
    wait.until(lambda d: "No movies with a runtime" in
               d.find_element(By.ID, "universe-runtimes-graph").text)
    assert "of the 84 shows" in browser.find_element(By.ID, "universe-seasons-insights").text
    assert [u for u in _requested_urls(browser) if not u.startswith(served_app)] == []
    full_page_screenshot(browser, artifacts_dir / "universe_shows_india.png")
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
