"""Performance Deep Dive in headless Chromium: every chart renders with its insights, the
metric selector and a filter change update the charts (the selector survives the filter
change), nothing is requested outside 127.0.0.1, no SEVERE console message."""
from __future__ import annotations

import pytest

from conftest import click, escape, full_page_screenshot, text_of, wait_for

pytestmark = pytest.mark.browser

CHARTS = ["correlations", "distribution", "period", "genres"]
# the correlation matrix on a phone: [metrics named on its x axis, the page fits the
# screen, the matrix scrolls in its card, its title fits the part of the card shown,
# it is a tab stop (arrow keys scroll it)]
MATRIX_JS = "return document.querySelector('[data-chart-figure=performance-correlations]')"
MATRIX_ON_A_PHONE_JS = """
const box = document.querySelector('[data-chart-figure=performance-correlations]');
const title = box.querySelector('.gtitle');
return [box.querySelectorAll('.xtick text').length,
        document.documentElement.scrollWidth <= window.innerWidth,
        box.scrollWidth > box.clientWidth,
        !!title && title.getBoundingClientRect().right <= box.getBoundingClientRect().right + 1,
        box.getAttribute('tabindex') === '0'];
"""


def chart_title(browser, chart: str) -> str:
    return browser.execute_script(
        "const t = document.querySelector(`#performance-${arguments[0]}-graph .gtitle`);"
        "return t ? t.textContent : ''", chart)


def pick_dropdown_option(browser, button_css: str, option: str) -> None:
    """Open a Dash 4 dropdown and click the option with this label."""
    from selenium.webdriver.common.by import By
    button = browser.find_element(By.CSS_SELECTOR, button_css)
    browser.execute_script(  # instant: Bootstrap makes scrolling smooth (animated)
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()
    wait_for(browser).until(lambda d: any(o.text == option for o in
                                      d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")))
    next(o for o in browser.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
         if o.text == option).click()
    escape(browser)


def test_performance_page_renders_and_reacts(browser, served_app, artifacts_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select
    browser.get(served_app + "/performance")
    wait_for(browser).until(lambda d: all(
        d.find_elements(By.CSS_SELECTOR, f"#performance-{c}-graph .main-svg") for c in CHARTS)
        and all(text_of(d, f"performance-{c}-insights") for c in CHARTS))
    assert browser.find_elements(By.CSS_SELECTOR, "#performance-correlations-graph .hm")
    assert "Runtime" in text_of(browser, "performance-correlations-graph")
    assert "TV Dramas" in text_of(browser, "performance-genres-graph")

    # on a phone the 10 × 10 matrix keeps its width and scrolls inside its card (at 390
    # px every other name was dropped and the cells were 11 px wide); the page does not
    # where it fits (this desktop window) it is no tab stop: there is nothing to scroll
    assert browser.execute_script(MATRIX_JS + ".hasAttribute('tabindex')") is False
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 900, "deviceScaleFactor": 1, "mobile": True})
    try:
        wait_for(browser).until(lambda d: d.execute_script(MATRIX_ON_A_PHONE_JS)
                            == [10, True, True, True, True])
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    wait_for(browser).until(lambda d: not d.execute_script(MATRIX_JS + ".hasAttribute('tabindex')"))

    # the metric selector redraws the distribution
    Select(browser.find_element(By.ID, "performance-metric")).select_by_value("imdb_votes")
    wait_for(browser).until(lambda d: "IMDb votes" in chart_title(d, "distribution"))
    assert "votes" in text_of(browser, "performance-distribution-insights")
    # each chart says what it rests on (issue 16): coverage first, split by basis
    assert "of 8,807 titles" in text_of(browser, "performance-distribution-insights")
    assert "with IMDb votes" in text_of(browser, "performance-distribution-insights")
    assert "TMDB-based" in text_of(browser, "performance-genres-insights")

    # the period selector
    click(browser, By.XPATH, "//label[text()='Quarter added']")
    wait_for(browser).until(lambda d: "quarter" in chart_title(d, "period"))

    # a filter (TV shows only): the URL, every chart and the kept metric follow
    pick_dropdown_option(browser, "button#filter-type", "TV shows")
    wait_for(browser).until(lambda d: "type=show" in d.current_url)
    wait_for(browser).until(lambda d: "Runtime" not in text_of(d, "performance-correlations-graph")
                        and "Movies" not in text_of(d, "performance-distribution-insights")
                        and text_of(d, "performance-distribution-insights"))
    assert Select(browser.find_element(By.ID, "performance-metric")) \
        .first_selected_option.get_attribute("value") == "imdb_votes"
    assert "IMDb votes" in chart_title(browser, "distribution")
    genres = browser.execute_script(
        "return [...document.querySelectorAll('#performance-genres-graph .ytick text')]"
        ".map(t => t.textContent)")
    assert "TV Dramas" in genres and "Dramas" not in genres  # a movie category

    full_page_screenshot(browser, artifacts_dir / "performance.png")
    urls = browser.execute_script("return performance.getEntriesByType('resource')"
                                  ".map(e => e.name).concat([location.href])")
    assert all(u.startswith(served_app) for u in urls), urls
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
