"""Headless Chromium (Debian's chromium + chromium-driver) against the served app."""
from __future__ import annotations

import pytest
from conftest import click, text_of, wait_for

pytestmark = pytest.mark.browser


def test_universe_renders_without_console_errors(browser, served_app, artifacts_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    browser.get(served_app + "/")
    wait = wait_for(browser, 20)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#universe-additions-graph .main-svg")))
    bars = browser.find_elements(By.CSS_SELECTOR, "#universe-additions-graph .bars path")
    assert len(bars) > 10
    assert "8,807" in browser.find_element(By.TAG_NAME, "body").text
    assert "Data as of" in browser.find_element(By.ID, "footer-freshness").text
    browser.save_screenshot(str(artifacts_dir / "universe.png"))
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []


def test_filters_live_in_the_url_and_survive_back(browser, served_app):
    """Opening a shared link applies its filters; back/forward restore earlier views."""
    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 20)
    summary = lambda: browser.find_element(By.ID, "filter-summary").text  # noqa: E731
    browser.get(served_app + "/?type=show")
    wait.until(lambda d: "show" in summary() and "2,676" in d.find_element(By.ID, "universe-kpis").text)
    browser.get(served_app + "/?type=movie&genre=Dramas")
    wait.until(lambda d: "Dramas" in summary())
    click(browser, By.ID, "filter-reset")
    wait.until(lambda d: "?" not in d.current_url and "whole catalog" in summary())
    browser.back()
    wait.until(lambda d: "genre=Dramas" in d.current_url and "Dramas" in summary())
    # a value the catalog has no option for is left out, and the bar says so (the
    # dropdown dropped it and the page showed every title under the link)
    browser.get(served_app + "/?type=show&country=Atlantis&country=India&rating=TV-Y7-FV")
    wait.until(lambda d: "countries: India" in summary()
               and "Left out of the link: 'Atlantis', not in the catalog." in summary())
    # on a wide screen the chosen rating is shown whole, with its clear and open
    # buttons inside the control (a twelfth of the row cut "NC-17" to "N…" and hid them)
    wait.until(lambda d: "TV-Y7-FV" in text_of(d, "filter-ratings"))
    assert browser.execute_script(RATING_FITS_JS) == [], "the Rating control cuts its value"
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


# what does not fit inside the Rating control: a value's text cut short, or a button
# outside the control's box
RATING_FITS_JS = """
const box = document.getElementById('filter-ratings');
const edge = box.getBoundingClientRect();
if (window.innerWidth < 1200 || !edge.width) return [`not laid out wide: ${window.innerWidth} px`];
return [...box.querySelectorAll('*')].filter(e => {
  const r = e.getBoundingClientRect();
  if (!r.width) return false;
  const cut = e.clientWidth > 0 && e.textContent.trim() && e.scrollWidth > e.clientWidth + 1;
  return cut || r.right > edge.right + 1 || r.left < edge.left - 1;
}).map(e => e.outerHTML.slice(0, 80));
"""
