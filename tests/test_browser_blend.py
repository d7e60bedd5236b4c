"""The Blend in headless Chromium: two people upload their files, see a shared list and
their insights, one deletes their profile; a browser without the edit keys sees no
owner controls; a bad file gets a message; names are shown as text; no SEVERE console
message. (Hiding titles is tested through the store and callbacks: tests/test_profiles.py.)"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_accessible, click, text_of, texts, wait_for

from base.paths import Paths

pytestmark = pytest.mark.browser
HISTORIES = Path(__file__).resolve().parent / "data" / "viewing_histories"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def blend_model(built_data_dir, warehouse_con):
    """The recommender trained on the session's build (the session skips training)."""
    from models import artifacts, blend_space, blend_space_training
    build_id = Paths(built_data_dir).current_link.resolve().stem
    if not (artifacts.models_dir(built_data_dir) / build_id / f"{blend_space.NAME}.pkl").exists():
        artifacts.save(built_data_dir, build_id, blend_space.NAME, blend_space_training.train(warehouse_con), 0.0)


def _upload(browser, prefix: str, name: str, path: Path) -> None:
    from selenium.webdriver.common.by import By
    box = browser.find_element(By.ID, f"{prefix}-name")
    box.clear()
    box.send_keys(name)
    browser.find_element(By.CSS_SELECTOR, f"#{prefix}-upload input[type=file]").send_keys(
        str(path))


def _recs(browser) -> list[str]:
    return texts(browser, "#blend-recs li strong")


def test_two_people_blend(browser, served_app, blend_model, artifacts_dir, tmp_path):
    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 40)
    browser.get(served_app + "/blend")
    browser.get_log("browser")
    wait.until(lambda d: d.find_element(By.ID, "blend-new-upload"))
    assert not browser.find_element(By.ID, "filter-bar-wrap").is_displayed()
    assert "up to 5 MB" in text_of(browser, "blend-new-upload")

    # a file that is not a viewing history: a message, no blend, no navigation
    bad = tmp_path / "notes.csv"
    bad.write_text("Name,When\nDark,3/4/21\n")
    _upload(browser, "blend-new", "Ana", bad)
    wait.until(lambda d: "Title" in text_of(d, "blend-new-status"))
    assert browser.current_url.endswith("/blend")
    # a file over the limit is dropped by the browser: the page says so (it said nothing)
    big = tmp_path / "NetflixViewingHistory.csv"
    big.write_bytes(b"Title,Date\n" + b"x" * 5_100_000)
    _upload(browser, "blend-new", "Ana", big)
    wait.until(lambda d: "is 5.1 MB; the most accepted is 5 MB" in text_of(d, "blend-new-too-big"))
    assert browser.current_url.endswith("/blend")

    _upload(browser, "blend-new", "Ana", HISTORIES / "kdrama_romance.csv")
    # a file that fits clears it (the box is still there: the page has not moved yet)
    assert browser.find_elements(By.ID, "blend-new-too-big")
    assert text_of(browser, "blend-new-too-big") == ""
    wait.until(lambda d: "/blend/" in d.current_url)
    wait.until(lambda d: "Ana" in text_of(d, "blend-header"))
    share = browser.find_element(By.ID, "blend-share-url").get_attribute("value")
    assert share == browser.current_url

    _upload(browser, "blend-add", HOSTILE_NAME, HISTORIES / "true_crime_thrillers.csv")
    wait.until(lambda d: HOSTILE_NAME in text_of(d, "blend-header"))
    assert not browser.find_elements(By.CSS_SELECTOR, "#blend-header img")
    wait.until(lambda d: len(_recs(d)) == 20)
    together = _recs(browser)
    wait.until(lambda d: "you both watched" in text_of(d, "blend-recs"))  # loading, then drawn
    # each person's figure is labelled where it is read (it stood bare: "Ana: 0.68")
    assert "Fit to each taste (0–1): Ana 0." in text_of(browser, "blend-recs")

    # one person's own list differs from the shared one
    click(browser, By.CSS_SELECTOR, "#blend-for-whom")
    click(browser, By.XPATH, "//*[contains(text(), 'Ana only')]")
    wait.until(lambda d: _recs(d) and _recs(d) != together)
    wait.until(lambda d: "has not watched" in text_of(d, "blend-recs"))

    click(browser, By.XPATH, "//a[contains(text(), 'Your viewing')]")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".tab-pane.active .js-plotly-plot")) == 8)
    wait.until(lambda d: "both watched" in text_of(d, "blend-overlap"))
    # charts drawn while their tab was hidden take Plotly's default 700 px, then resize
    # to their cards once the tab shows (measured: within 2 s): picture them after that
    wait.until(lambda d: d.execute_script(
        "return [...document.querySelectorAll('.tab-pane.active .js-plotly-plot')].every("
        "g => parseFloat(g.querySelector('.main-svg').getAttribute('width')) <= g.clientWidth + 1)"))
    browser.set_window_size(1400, 4000)
    browser.save_screenshot(str(artifacts_dir / "blend_viewing.png"))
    browser.set_window_size(1400, 1000)

    # the second person deletes their profile (this browser holds both edit keys)
    cards = browser.find_elements(By.CSS_SELECTOR, ".member-card")
    assert len(cards) == 2
    edit = [s for s in cards[1].find_elements(By.TAG_NAME, "summary") if "Edit" in s.text][0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", edit)
    edit.click()
    cards[1].find_element(By.XPATH, ".//button[contains(text(), 'Delete my profile')]").click()
    wait.until(lambda d: d.switch_to.alert).accept()
    wait.until(lambda d: "deleted" in text_of(d, "blend-action-status"))
    wait.until(lambda d: text_of(d, "blend-header") == "Blend: Ana")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".member-card")) == 1
    assert "Edit (only you see this)" in text_of(browser, "blend-members")

    # another browser (no edit keys): the same link, no owner controls
    browser.execute_script("window.localStorage.clear()")
    browser.refresh()
    wait.until(lambda d: text_of(d, "blend-header") == "Blend: Ana")
    assert "Edit (only you see this)" not in text_of(browser, "blend-members")
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def test_a_missing_blend_says_so(browser, served_app):
    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 30)
    browser.get(served_app + "/blend/no-such-blend")
    wait.until(lambda d: "Blend not found" in text_of(d, "blend-header"))
    assert browser.find_element(By.LINK_TEXT, "Start a new blend")


# where the upload box and the how-to card start, and the viewport's height
UPLOAD_PLACE_JS = """
const top = id => document.getElementById(id).getBoundingClientRect().top;
return [top('blend-new-upload'), top('blend-how-to'), window.innerHeight];
"""


def test_on_a_phone_the_upload_is_on_the_first_screen(browser, served_app):
    """At 390 × 844 px the upload box is on the first screen, above the instructions
    (it sat below a screen of them); side by side from 992 px, the how-to first."""
    from selenium.webdriver.common.by import By
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        browser.get(served_app + "/blend")
        wait_for(browser, 30).until(lambda d: d.find_elements(By.ID, "blend-new-upload"))
        upload, how_to, height = browser.execute_script(UPLOAD_PLACE_JS)
        assert upload < height * 0.9, (upload, height)
        assert upload < how_to
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get(served_app + "/blend")
    wait_for(browser, 30).until(lambda d: d.find_elements(By.ID, "blend-new-upload"))
    upload, how_to, _ = browser.execute_script(UPLOAD_PLACE_JS)
    assert how_to <= upload

# the y labels of each panel of a one-row facet chart that cross the bars of another
# panel (Plotly draws panel k's labels in its own .yaxislayer-above)
LABELS_OVER_OTHER_PANELS = """
const graph = document.getElementById(arguments[0]);
const subs = [...graph.querySelectorAll('.cartesianlayer .subplot')];
const cross = (l, b) =>
  l.right > b.left && l.left < b.right && l.bottom > b.top && l.top < b.bottom;
const found = [];
subs.forEach((panel, i) => {
  const labels = [...panel.querySelectorAll('.yaxislayer-above text')];
  subs.forEach((other, j) => {
    if (i === j) return;
    other.querySelectorAll('.bars path').forEach(bar => {
      const b = bar.getBoundingClientRect();
      labels.forEach(t => { if (cross(t.getBoundingClientRect(), b)) found.push(t.textContent); });
    });
  });
});
return found;"""


TITLES_UNDER_THE_TOOLBAR = """
return [...document.querySelectorAll('.js-plotly-plot')].filter(gd => {
  const bar = gd.querySelector('.modebar'), title = gd.querySelector('.gtitle');
  if (!bar || !title || !bar.getBoundingClientRect().width) return false;
  const b = bar.getBoundingClientRect(), t = title.getBoundingClientRect();
  return t.right > b.left && t.top < b.bottom && t.bottom > b.top;
}).map(gd => gd.closest('[data-chart-figure]').dataset.chartFigure);"""


def test_sample_household_and_profile_picker(browser, served_app, blend_model, artifacts_dir,
                                             tmp_path):
    """A visitor without a file: "Try it with a sample history" opens a blend of the
    made-up household (films and shows in the list). Then a household download: the
    page asks whose history, and adds the chosen profile."""
    from selenium.webdriver.common.by import By

    from blend.service import SAMPLE
    wait = wait_for(browser, 60)
    browser.get(served_app + "/blend")
    wait.until(lambda d: d.find_element(By.ID, "blend-sample")).click()
    wait.until(lambda d: "/blend/" in d.current_url)
    wait.until(lambda d: all(n in text_of(d, "blend-header") for n in ("Alex", "Sam", "Robin")))
    wait.until(lambda d: len(_recs(d)) == 20)
    assert "trailer" in text_of(browser, "blend-members")
    assert "films" in text_of(browser, "blend-members")
    # three people's top shows side by side: no name over the bars of another panel
    click(browser, By.XPATH, "//a[contains(text(), 'Your viewing')]")
    wait.until(lambda d: len(d.find_elements(
        By.CSS_SELECTOR, "#blend-top-shows-graph .subplot .bars path")) >= 3)
    assert browser.execute_script(LABELS_OVER_OTHER_PANELS, "blend-top-shows-graph") == []
    # drawn while their tab was hidden (no width), the mixes' names were cut to all but
    # their last letter ("Franc…") and stayed so once shown
    wait.until(lambda d: d.execute_script(
        "return document.querySelectorAll('#blend-countries-graph .ytick text').length > 2"))
    assert browser.execute_script(
        "return [...document.querySelectorAll('#blend-genres-graph .ytick text,"
        " #blend-countries-graph .ytick text')].map(t => t.textContent)"
        ".filter(t => t.endsWith('\u2026'))") == []
    # no title runs under the chart's toolbar (it wraps before it, once fitted)
    wait.until(lambda d: d.execute_script(TITLES_UNDER_THE_TOOLBAR) == [])
    # narrow: the chart keeps its width and scrolls in its card (by keyboard too), the
    # page does not
    browser.set_window_size(500, 1000)
    # the charts redraw at the new width (Plotly's resize handler): wait for the page to
    # fit, with the top shows' panels still 700 px wide in their scrolling box
    wait.until(lambda d: d.execute_script(
        "const box = document.querySelector('[data-chart-figure=blend-top-shows]');"
        "return document.documentElement.scrollWidth <= window.innerWidth"
        " && box.scrollWidth >= 700 && box.clientWidth < 500"))
    assert browser.execute_script(LABELS_OVER_OTHER_PANELS, "blend-top-shows-graph") == []
    assert_accessible(browser, "the Blend's viewing tab, 500 px")
    browser.set_window_size(1400, 1000)
    click(browser, By.XPATH, "//a[contains(text(), 'What to watch together')]")
    browser.set_window_size(1400, 2600)
    browser.save_screenshot(str(artifacts_dir / "blend_sample.png"))
    browser.set_window_size(1400, 1000)

    browser.get(served_app + "/blend")
    wait.until(lambda d: d.find_element(By.ID, "blend-new-upload"))
    _upload(browser, "blend-new", "", SAMPLE)
    wait.until(lambda d: "choose whose history" in text_of(d, "blend-new-status"))
    assert browser.find_element(By.ID, "blend-new-profile-box").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "#blend-new-profile").click()
    wait.until(lambda d: d.find_element(By.XPATH, "//*[text()='Sam']")).click()
    wait.until(lambda d: "/blend/" in d.current_url)
    wait.until(lambda d: text_of(d, "blend-header") == "Blend: Sam")
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe
