"""Accessibility in headless Chromium (docs/ACCESSIBILITY.md): axe-core's WCAG 2.1 A/AA
rules on every page and the states users reach, a page driven by keyboard alone, charts
named and described for screen readers, and no horizontal page scrolling at 390 px.

One axe run per page or state; every wait is for a condition (conftest.page_settled).
"""
from __future__ import annotations

import base64
from pathlib import Path

import pytest

from conftest import app_serving, assert_accessible, click, page_settled, wait_for

pytestmark = pytest.mark.browser
HISTORIES = Path(__file__).resolve().parent / "data" / "viewing_histories"

# every page in its default state, and states reached by a link (filters applied, an
# empty result). Model pages here read a build without models: they say so.
PAGES = ["/", "/performance", "/market", "/head-to-head", "/titles", "/sql", "/blend",
         "/models/genres", "/models/forecasts", "/models/copilot", "/models/anomalies",
         "/models/clusters"]
STATES = {
    "filtered": "/performance?type=movie&genre=Comedies&release=2000-2015",
    "empty": "/?type=show&rating=NC-17",            # no show is rated NC-17
    "title detail": "/titles?type=movie&genre=Dramas",
    "h2h titles": "/head-to-head/title/s1/s2",
}


PENDING_JS = """
return {loading: [...document.querySelectorAll('[data-dash-is-loading]')].map(e => e.id),
        undrawn: [...document.querySelectorAll('[data-chart-figure]')]
          .filter(f => f.offsetParent !== null && !f.querySelector('.main-svg'))
          .map(f => f.dataset.chartFigure),
        page_rendered: !!document.querySelector('#_pages_content > *')};
"""


def _open(browser, url: str, seconds: float = 90) -> None:
    """Load a page and wait until it has settled; a timeout says what was pending."""
    from selenium.common.exceptions import TimeoutException
    browser.get(url)
    try:
        wait_for(browser, seconds).until(page_settled)
    except TimeoutException:
        raise AssertionError(f"{url} did not settle: {browser.execute_script(PENDING_JS)}")


# what the page is wider than the window by, and the elements that stick out
OVERFLOW_JS = """
const w = document.documentElement.clientWidth;
const wide = [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.right > w + 1 && getComputedStyle(e).position !== 'fixed';
}).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + String(e.className).slice(0, 40));
return [document.documentElement.scrollWidth - window.innerWidth, wide];
"""


# charts whose title, subtitle or x-axis title runs past the chart's edge (Plotly does
# not wrap them; assets/chart_titles.js does)
CUT_TITLES_JS = """
return [...document.querySelectorAll('.js-plotly-plot')].filter(gd => gd.offsetParent)
  .flatMap(gd => {
    // a chart that scrolls inside its card (chart_card's min_width): the part shown
    const box = (gd.closest('.chart-scrolls') || gd).getBoundingClientRect();
    return [...gd.querySelectorAll('.gtitle, .gtitle-subtitle, .xtitle')].filter(t => {
      const r = t.getBoundingClientRect();
      return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1
                             || r.top < box.top - 1);   // a wrapped title pinned on top
    }).map(t => t.textContent.slice(0, 50));
  });
"""


# cards stacked in one column with no gap between them (a card's margin spilling out of
# its column put them edge to edge on a phone): "title / title" of each such pair
TOUCHING_CARDS_JS = """
const cards = [...document.querySelectorAll('#_pages_content .card')]
  .filter(c => c.offsetParent && !c.parentElement.closest('.card'))
  .map(c => [c.getBoundingClientRect(), (c.innerText || '').trim().slice(0, 30)])
  .sort((a, b) => a[0].top - b[0].top);
const out = [];
for (let i = 1; i < cards.length; i++) {
  const [a, at] = cards[i - 1], [b, bt] = cards[i];
  if (Math.abs(a.left - b.left) < 2 && b.top - a.bottom < 4) out.push(at + ' / ' + bt);
}
return out;
"""


def _reflows_at(browser, width: int) -> list:
    """At `width` CSS px the page scrolls only vertically (WCAG 1.4.10; 390 px is a
    phone, and stricter than 1280 px at 200% zoom), every chart's titles fit the chart
    and stacked cards do not touch. Waits for the charts to re-fit; returns [] or what
    stuck out. The width is emulated: headless Chromium will not make its window
    narrower than 500 px."""
    from selenium.common.exceptions import TimeoutException
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": True})

    def problems(d):
        overflow, wide = d.execute_script(OVERFLOW_JS)
        return ([wide] if overflow > 0 else []) + d.execute_script(CUT_TITLES_JS) + \
            [f"touching cards: {pair}" for pair in d.execute_script(TOUCHING_CARDS_JS)]
    try:
        wait_for(browser, 15).until(
            lambda d: d.execute_script("return window.innerWidth") == width and not problems(d))
        return []
    except TimeoutException:
        return problems(browser)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations_and_reflows(browser, served_app, path):
    _open(browser, served_app + path)
    assert_accessible(browser, path)
    assert _reflows_at(browser, 390) == [], f"{path} scrolls sideways at 390 px"


@pytest.mark.parametrize("state", STATES)
def test_state_has_no_axe_violations(browser, served_app, state):
    from selenium.webdriver.common.by import By
    _open(browser, served_app + STATES[state])
    if state == "title detail":  # open the first title's detail panel
        # the table's rows come from a callback that may not have started when the page
        # settles (the page has no chart to wait for): wait for a row's link
        wait_for(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".title-link"))
        click(browser, By.CSS_SELECTOR, ".title-link")
        wait_for(browser, 30).until(lambda d: d.find_elements(By.ID, "titles-detail-title"))
    assert_accessible(browser, state)


def test_open_dropdown_and_chart_table_have_no_axe_violations(browser, served_app):
    """The states a keyboard user opens: a filter dropdown's option list, a chart's
    data table."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    _open(browser, served_app + "/")
    browser.execute_script("document.getElementById('filter-genres').focus()")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-content"))
    assert_accessible(browser, "genres dropdown open")
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    toggle = browser.find_element(By.CSS_SELECTOR, "button[id*='universe-genres'][aria-expanded]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", toggle)
    browser.execute_script("arguments[0].click()", toggle)  # charts above may still move it
    wait_for(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".chart-table tbody tr"))
    assert toggle.get_attribute("aria-expanded") == "true"
    assert_accessible(browser, "chart table shown")


# where focus is in an open dropdown: "search", an option's value, or "" (outside)
OPTION_FOCUSED_JS = """
const e = document.activeElement;
if (!e.closest('.dash-dropdown-content')) return '';
return e.classList.contains('dash-dropdown-search') ? 'search' : e.value;
"""

FOCUSED_JS = """
const e = document.activeElement, style = getComputedStyle(e), r = e.getBoundingClientRect();
return {id: e.id, cls: String(e.className), tag: e.tagName,
        name: e.getAttribute('aria-label') || e.textContent.trim().slice(0, 40),
        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        shown: r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight};
"""


def test_keyboard_alone_drives_the_universe_page(browser, served_app):
    """Skip link, the filter bar in reading order, a dropdown, a year box, a slider
    thumb, reset, and a chart's table: Tab, Enter, arrows and Escape only. Every stop
    shows a focus ring."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    _open(browser, served_app + "/")
    browser.execute_script("window.scrollTo(0, 0); document.activeElement.blur();")
    visited = []

    def press(key, modifier=None) -> dict:
        chain = ActionChains(browser)
        if modifier:  # held down around the key (send_keys would release it first)
            chain = chain.key_down(modifier).send_keys(key).key_up(modifier)
        else:
            chain = chain.send_keys(key)
        chain.perform()
        now = browser.execute_script(FOCUSED_JS)
        visited.append(now)
        return now

    def summary(d) -> str:
        return d.find_element(By.ID, "filter-summary").text

    assert "skip-link" in press(Keys.TAB)["cls"] and visited[-1]["shown"]
    assert press(Keys.ENTER)["id"] == "main-content"
    stops = [press(Keys.TAB) for _ in range(11)]
    assert [s["id"] or s["name"] for s in stops] == [
        "filter-type", "Release year from", "Release year to", "Release year from",
        "Release year to", "filter-added", "filter-added-end-date", "Clear Dates",
        "filter-genres", "filter-countries", "filter-ratings"]
    for _ in range(10):  # back to Type, through the same stops in reverse
        press(Keys.TAB, Keys.SHIFT)
    assert visited[-1]["id"] == "filter-type"

    # open; arrows reach "TV shows"; Enter picks. Each key waits for the focus its
    # predecessor moved (the list opens and takes focus a frame later: a key sent
    # before that is lost, as it would be for a user who typed ahead of the screen)
    def focus_reaches(state: str) -> None:
        wait_for(browser, 10).until(lambda d: d.execute_script(OPTION_FOCUSED_JS) == state)
    press(Keys.ENTER)
    focus_reaches("search")
    press(Keys.ARROW_DOWN)
    focus_reaches("movie")
    press(Keys.ARROW_DOWN)
    focus_reaches("show")
    press(Keys.ENTER)
    press(Keys.ESCAPE)
    wait_for(browser, 20).until(lambda d: "type=show" in d.current_url
                                and "show" in summary(d))
    assert visited[-1]["id"] == "filter-type"  # Escape hands focus back to the trigger

    box = press(Keys.TAB)                  # the "from" year box: type a year
    assert box["name"] == "Release year from"
    press("a", Keys.CONTROL)
    press("2000")
    press(Keys.TAB)
    press(Keys.TAB)
    thumb = press(Keys.TAB)                # the "to" thumb: one year down
    assert thumb["name"] == "Release year to"
    press(Keys.ARROW_LEFT)
    wait_for(browser, 20).until(lambda d: "release=2000-2020" in d.current_url)

    for _ in range(12):                    # on to Reset filters, and press it
        if press(Keys.TAB)["id"] == "filter-reset":
            break
    press(Keys.ENTER)
    wait_for(browser, 20).until(lambda d: "?" not in d.current_url
                                and "whole catalog" in summary(d))

    for _ in range(40):                    # the first chart's "Show as table"
        if press(Keys.TAB)["name"] == "Show as table":
            break
    press(Keys.ENTER)
    wait_for(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".chart-table tbody tr"))
    assert press(Keys.TAB)["name"] == "Download CSV"
    assert press(Keys.TAB)["cls"].startswith("chart-table")  # the table is a tab stop

    blind = [v for v in visited if v["tag"] not in ("BODY", "MAIN") and not v["ring"]]
    assert blind == [], f"no visible focus ring on {blind}"


def test_charts_are_named_and_described(browser, served_app):
    """Every chart on the Universe page is a figure named after its drawn title and
    described by its insights (which are filled)."""
    _open(browser, served_app + "/")
    figures = browser.execute_script(
        "return [...document.querySelectorAll('[data-chart-figure]')].map(f => {"
        "  const d = document.getElementById(f.getAttribute('aria-describedby'));"
        "  return {role: f.getAttribute('role'), name: f.getAttribute('aria-label'),"
        "          title: (f.querySelector('.gtitle') || {}).textContent || '',"
        "          described: d ? d.textContent.trim() : null};})")
    assert len(figures) >= 10
    for f in figures:
        assert f["role"] == "figure" and f["name"] == "Chart: " + f["title"].strip(), f
        assert f["described"], f


def test_sql_console_result_and_error(browser, served_app):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    _open(browser, served_app + "/sql")
    editor = browser.find_element(By.ID, "sql-editor")

    def run(sql: str) -> None:
        editor.send_keys(Keys.CONTROL, "a")
        editor.send_keys(Keys.DELETE)
        editor.send_keys(sql)
        browser.execute_script("document.getElementById('sql-run').click()")

    run("select title, release_year from titles order by title limit 20")
    wait_for(browser, 30).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, "#sql-result .ag-center-cols-container .ag-row"))
    assert_accessible(browser, "sql result")
    run("select * from no_such_table")
    wait_for(browser, 30).until(lambda d: d.find_elements(By.ID, "sql-error"))
    assert_accessible(browser, "sql error")


@pytest.fixture(scope="module")
def blend_with_people(served_app, built_data_dir, warehouse_con):
    """A blend of two people (generated test histories), made through the same service
    the upload calls; returns its URL."""
    from base.paths import Paths
    from blend import service
    from models import artifacts, blend_space, blend_space_training
    from queries.db import Warehouse
    build_id = Paths(built_data_dir).current_link.resolve().stem
    if not (artifacts.models_dir(built_data_dir) / build_id / f"{blend_space.NAME}.pkl").exists():
        artifacts.save(built_data_dir, build_id, blend_space.NAME,
                       blend_space_training.train(warehouse_con), 0.0)
    wh = Warehouse(built_data_dir)
    blend_id = None
    for name, file in (("Ana", "kdrama_romance.csv"), ("Ben", "true_crime_thrillers.csv")):
        contents = "data:text/csv;base64," + base64.b64encode(
            (HISTORIES / file).read_bytes()).decode()
        blend_id = service.add_person(built_data_dir, wh, blend_id, name, contents,
                                       file).blend_id
    return f"{served_app}/blend/{blend_id}"


def test_blend_with_people(browser, blend_with_people):
    from selenium.webdriver.common.by import By
    browser.get(blend_with_people)
    wait_for(browser, 60).until(
        lambda d: d.find_element(By.ID, "blend-header").text == "Blend: Ana & Ben"
        and len(d.find_elements(By.CSS_SELECTOR, ".member-card")) == 2)
    wait_for(browser, 60).until(page_settled)
    assert_accessible(browser, "blend with two people")
    # their viewing side by side: on a phone the charts' wrapped titles (pinned to the
    # top, the legend under them) were cut in half at the top
    browser.find_element(By.XPATH, "//*[contains(@class,'nav-link')]"
                                   "[normalize-space()='Your viewing']").click()
    wait_for(browser, 60).until(lambda d: len(d.find_elements(
        By.CSS_SELECTOR, ".tab-pane.active .js-plotly-plot .main-svg")) >= 4)
    assert _reflows_at(browser, 390) == []


@pytest.fixture(scope="module")
def trained_app(trained_data_dir):
    data_dir, _ = trained_data_dir
    with app_serving(data_dir) as base:
        yield base


@pytest.mark.slow
@pytest.mark.parametrize("panel", ["genres", "forecasts", "copilot", "anomalies", "clusters"])
def test_trained_model_panel(browser, trained_app, panel):
    _open(browser, f"{trained_app}/models/{panel}")
    assert_accessible(browser, f"{panel} panel, trained")


@pytest.mark.slow
def test_model_forms_answered(browser, trained_app):
    from selenium.webdriver.common.by import By
    _open(browser, f"{trained_app}/models/genres")
    browser.find_element(By.ID, "genres-form-description").send_keys(
        "Narrated wildlife documentary exploring coral reefs and whales.")
    browser.execute_script("document.getElementById('genres-form-go').click()")
    wait_for(browser, 30).until(
        lambda d: "never saw (temporal_2021)" in d.find_element(By.ID, "genres-form-result").text)
    # the folded "more about the title" fields are checked open
    browser.execute_script("document.querySelector('#genres-form-year').closest('details')"
                           ".open = true;")
    assert_accessible(browser, "genre form answered")
    _open(browser, f"{trained_app}/models/copilot")
    browser.execute_script("document.getElementById('copilot-form-go').click()")
    wait_for(browser, 30).until(lambda d: "press Assess" not in d.find_element(
        By.ID, "copilot-form-result").text)
    wait_for(browser, 30).until(page_settled)
    assert_accessible(browser, "copilot answered")


def test_an_unknown_address_says_so_and_lists_the_pages(browser, served_app):
    """/nope: a page that says nothing is there and links every page of the navbar (it
    was Dash's bare "404 - Page not found" under the catalog filters), accessible."""
    from selenium.webdriver.common.by import By
    _open(browser, served_app + "/no/such/page")
    assert browser.find_element(By.TAG_NAME, "h2").text == "Page not found"
    links = [a.get_attribute("pathname") for a in
             browser.find_elements(By.CSS_SELECTOR, "#not-found a")]
    assert set(links) == {p.split("?")[0] for p in PAGES}
    assert not browser.find_element(By.ID, "filter-bar-wrap").is_displayed()
    assert browser.title == "Page not found · Netflix Content Insights"
    assert_accessible(browser, "not found")
