"""Market Opportunities in headless Chromium: the four charts render offline, the Pareto
dimension selector and a global filter (chosen in the filter bar) update them, and the
console stays free of SEVERE messages."""
from __future__ import annotations

import pytest
from conftest import click, full_page_screenshot, phone_width, text_of, wait_for

pytestmark = pytest.mark.browser

CHARTS = ["saturation", "share", "pareto", "windows"]


def _wait_for_charts(browser):
    from selenium.webdriver.common.by import By
    wait_for(browser, 30).until(lambda d: all(
        d.find_elements(By.CSS_SELECTOR, f"#market-{c}-graph .main-svg") for c in CHARTS))


def _scroll_to(browser, element) -> None:
    # instant: Bootstrap's smooth scrolling would still be moving when we click
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})",
                           element)


def _severe(browser) -> list:
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_market_page_renders_its_charts_offline(browser, served_app, artifacts_dir):
    from selenium.webdriver.common.by import By
    browser.get(served_app + "/market")
    _wait_for_charts(browser)
    wait = wait_for(browser, 30)
    wait.until(lambda d: "make 80% of titles" in text_of(d, "market-pareto-insights"))
    points = browser.find_elements(By.CSS_SELECTOR, "#market-saturation-graph .scatterlayer .point")
    assert len(points) >= 10  # one bubble per genre family
    assert len(browser.find_elements(By.CSS_SELECTOR, "#market-pareto-graph .bars path")) == 30
    assert browser.find_elements(By.CSS_SELECTOR, "#market-windows-graph .heatmaplayer image")
    assert "SI " in text_of(browser, "market-share-graph")
    assert "Opportunity zone" in text_of(browser, "market-saturation-insights")
    assert "under-supplied" in text_of(browser, "market-share-insights")
    assert "busiest month" in text_of(browser, "market-windows-insights")
    urls = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert [u for u in urls if not u.startswith(served_app)] == []
    full_page_screenshot(browser, artifacts_dir / "market.png")
    assert _severe(browser) == []


def test_pareto_dimension_and_a_global_filter_update_the_charts(browser, served_app,
                                                                artifacts_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    browser.get(served_app + "/market")
    _wait_for_charts(browser)
    wait = wait_for(browser, 30)
    wait.until(lambda d: "of Netflix categories" in text_of(d, "market-pareto-insights"))

    # page-local selector: Pareto by director
    label = browser.find_element(By.CSS_SELECTOR,
                                 "label[for$='market-pareto-dimension_input_director']")
    _scroll_to(browser, label)
    label.click()
    wait.until(lambda d: "of directors" in text_of(d, "market-pareto-insights"))
    wait.until(lambda d: "by director" in text_of(d, "market-pareto-graph"))
    all_directors = text_of(browser, "market-pareto-insights")

    # global filter, chosen in the filter bar: TV shows only
    _scroll_to(browser, browser.find_element(By.ID, "filter-type"))
    click(browser, By.ID, "filter-type")
    option = wait.until(lambda d: [o for o in d.find_elements(By.CSS_SELECTOR,
                                                               ".dash-dropdown-option")
                                   if o.text == "TV shows"])
    option[0].click()
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait.until(lambda d: "type=show" in d.current_url)
    wait.until(lambda d: "movies only" in text_of(d, "market-share-graph"))
    # the Pareto keeps its dimension through the re-render and shows the shows' directors
    wait.until(lambda d: "of directors" in text_of(d, "market-pareto-insights")
               and text_of(d, "market-pareto-insights") != all_directors)
    saturation = text_of(browser, "market-saturation-insights")
    assert "Opportunity zone" in saturation or "Saturated zone" in saturation
    full_page_screenshot(browser, artifacts_dir / "market_shows_directors.png")
    assert _severe(browser) == []


LABEL_BOXES_JS = """
return Array.from(document.querySelectorAll('#market-saturation-graph .textpoint text'))
  .filter(t => getComputedStyle(t).visibility !== 'hidden')
  .map(t => { const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; });
"""

PARETO_ANGLE_JS = ("return document.querySelector('#market-pareto-graph .js-plotly-plot')"
                   "._fullLayout.xaxis.tickangle")


def _overlapping(boxes: list) -> list:
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1]


# The saturation chart's blank above its title, and between its subtitle and its plot
TITLE_GAPS_JS = """
const gd = document.querySelector('#market-saturation-graph .js-plotly-plot');
const title = gd && gd.querySelector('.g-gtitle .gtitle');
const sub = gd && gd.querySelector('.g-gtitle .gtitle-subtitle');
const plot = gd && gd.querySelector('.bglayer rect, .cartesianlayer .xy .gridlayer');
if (!title || !sub || !plot) return null;
const top = gd.getBoundingClientRect().top;
return [title.getBoundingClientRect().top - top,
        plot.getBoundingClientRect().top - sub.getBoundingClientRect().bottom];
"""


def test_on_a_phone_labels_do_not_pile_up(browser, served_app):
    """At 390 px (assets/chart_titles.js): the saturation map shows only bubble labels
    that do not overlap; the release windows hide their cell numbers and the title's
    "number = titles" with them. Back at desktop width, both return."""
    from selenium.webdriver.common.by import By

    def windows_title(d) -> str:
        found = d.find_elements(By.CSS_SELECTOR, "#market-windows-graph .gtitle")
        return found[0].text if found else ""

    browser.set_window_size(1400, 1000)
    browser.get(served_app + "/market")
    _wait_for_charts(browser)
    wait = wait_for(browser, 30)
    wait.until(lambda d: "number = titles" in windows_title(d))
    wide_labels = browser.execute_script(LABEL_BOXES_JS)
    assert len(wide_labels) >= 10 and _overlapping(wide_labels) == []
    with phone_width(browser):
        wait.until(lambda d: windows_title(d) and "number = titles" not in windows_title(d))
        assert "Release windows" in windows_title(browser)
        wait.until(lambda d: not d.find_elements(
            By.CSS_SELECTOR, "#market-windows-graph .heatmaplayer text"))
        narrow_labels = browser.execute_script(LABEL_BOXES_JS)
        assert narrow_labels and _overlapping(narrow_labels) == []
        wait.until(lambda d: d.execute_script(PARETO_ANGLE_JS) == -90)  # names upright
        # the wrapped title and subtitle start at the chart's top, not ~50 px below it,
        # and the plot starts under the subtitle
        wait.until(lambda d: (d.execute_script(TITLE_GAPS_JS) or [99])[0] <= 16)
        above, below = browser.execute_script(TITLE_GAPS_JS)
        assert 0 <= above <= 16 and 0 <= below <= 24, (above, below)
    wait.until(lambda d: "number = titles" in windows_title(d))
    wait.until(lambda d: d.execute_script(PARETO_ANGLE_JS) != -90)  # the figure's own angle
    assert browser.find_elements(By.CSS_SELECTOR, "#market-windows-graph .heatmaplayer text")
