"""Headless Chromium (Debian's chromium + chromium-driver) against the served app."""
from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("chromium/chromedriver missing: run the tests via `python3 tasks.py test`")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--window-size=1400,1000"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def test_overview_renders_without_console_errors(browser, served_app, artifacts_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(served_app + "/")
    wait = WebDriverWait(browser, 20)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#overview-additions-by-year .main-svg")))
    bars = browser.find_elements(By.CSS_SELECTOR, "#overview-additions-by-year .bars path")
    assert len(bars) > 10
    assert "8,807" in browser.find_element(By.TAG_NAME, "body").text
    assert "Data as of" in browser.find_element(By.ID, "footer-freshness").text
    browser.save_screenshot(str(artifacts_dir / "overview.png"))
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
