"""Head-to-Head in headless Chromium: the comparison renders with a winner, the mode and
picker changes land in the URL path, a filter change keeps the comparison, the title
picker searches server-side, back restores the previous comparison, no SEVERE console
message and nothing requested outside 127.0.0.1."""
from __future__ import annotations

import pytest

from conftest import click, escape, full_page_screenshot, text_of, wait_for

pytestmark = pytest.mark.browser


def options(browser) -> list[str]:
    return browser.execute_script(
        "return [...document.querySelectorAll('.dash-dropdown-option')].map(o => o.innerText)")


def open_dropdown(browser, css: str):
    from selenium.webdriver.common.by import By
    click(browser, By.CSS_SELECTOR, css)  # scrolls instantly: Bootstrap's is animated


def choose(browser, css: str, search: str | None, option: str) -> None:
    """Open a Dash 4 dropdown, optionally type into its search box, click an option."""
    from selenium.webdriver.common.by import By
    open_dropdown(browser, css)
    if search:
        box = wait_for(browser).until(lambda d: d.find_element(By.CSS_SELECTOR,
                                                           "input.dash-dropdown-search"))
        box.send_keys(search)
    wait_for(browser).until(lambda d: any(o.startswith(option) for o in options(d)))
    wait_for(browser).until(lambda d: browser.execute_script(
        "const o = [...document.querySelectorAll('.dash-dropdown-option')]"
        ".find(o => o.innerText.startsWith(arguments[0])); if (o) o.click(); return !!o",
        option))
    escape(browser)  # a multi-select stays open


PICKER_B = "button[id*='h2h-picker'][id*='\"b\"']"


def test_head_to_head_compares_and_keeps_state_in_the_url(browser, served_app, artifacts_dir):
    from selenium.webdriver.common.by import By
    browser.get(served_app + "/head-to-head")
    wait_for(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#h2h-diff-graph .bars path")
                        and d.find_elements(By.CSS_SELECTOR, "#h2h-trend-graph .scatterlayer path")
                        and "Dramas" in text_of(d, "h2h-verdict")
                        and text_of(d, "h2h-diff-insights"))
    assert "Comedies" in text_of(browser, "h2h-table")

    # mode: countries, with the path as the page state
    click(browser, By.XPATH, "//label[text()='Country vs country']")
    wait_for(browser).until(lambda d: d.current_url.endswith(
        "/head-to-head/country/United%20States/India"))
    wait_for(browser).until(lambda d: "United States" in text_of(d, "h2h-verdict"))

    # picker b: France
    choose(browser, PICKER_B, "Fran", "France")
    wait_for(browser).until(lambda d: "/head-to-head/country/United%20States/France" in d.current_url)
    wait_for(browser).until(lambda d: "France" in text_of(d, "h2h-table"))
    before = text_of(browser, "h2h-table")

    # a global filter: the comparison stays, the numbers follow the filter
    choose(browser, "button#filter-type", None, "TV shows")
    wait_for(browser).until(lambda d: "type=show" in d.current_url)
    assert "/head-to-head/country/United%20States/France" in browser.current_url
    # one read per check: the table may be redrawn (empty for a moment) between two reads
    wait_for(browser).until(lambda d: (lambda table: "France" in table and table != before
                                       and "Seasons" in table and "Runtime" not in table)(
                                           text_of(d, "h2h-table")))
    # the genres offered are now the shows' own (each Netflix category is one type's)
    open_dropdown(browser, "button#filter-genres")
    wait_for(browser).until(lambda d: "TV Dramas" in options(d))
    assert "Kids' TV" in options(browser) and "Dramas" not in options(browser)
    escape(browser)

    # titles: the picker asks the server, it never holds the whole catalog
    click(browser, By.XPATH, "//label[text()='Title vs title']")
    wait_for(browser).until(lambda d: "/head-to-head/title/" in d.current_url)
    wait_for(browser).until(lambda d: "Winner" in text_of(d, "h2h-verdict")
                        or "draw" in text_of(d, "h2h-verdict"))
    open_dropdown(browser, PICKER_B)
    wait_for(browser).until(lambda d: options(d))
    assert len(options(browser)) <= 40
    browser.switch_to.active_element.send_keys("\ue00c")  # Escape
    choose(browser, PICKER_B, "stranger th", "Stranger Things (2019, show)")
    wait_for(browser).until(lambda d: "Stranger Things" in text_of(d, "h2h-verdict"))
    assert browser.current_url.split("?")[0].endswith("/s3686")
    assert "type=show" in browser.current_url
    wait_for(browser).until(lambda d: "Stranger Things vs" in text_of(d, "h2h-trend-graph"))

    full_page_screenshot(browser, artifacts_dir / "head_to_head.png")

    # back, twice: the title defaults, then the countries come back with their paths
    browser.back()
    wait_for(browser).until(lambda d: "/head-to-head/title/" in d.current_url
                        and "s3686" not in d.current_url)
    wait_for(browser).until(lambda d: "Stranger Things" not in text_of(d, "h2h-verdict")
                        and "Breaking Bad" in text_of(d, "h2h-table"))
    browser.back()
    wait_for(browser).until(lambda d: "/head-to-head/country/United%20States/France" in d.current_url)
    wait_for(browser).until(lambda d: "France" in text_of(d, "h2h-table"))

    urls = browser.execute_script("return performance.getEntriesByType('resource')"
                                  ".map(e => e.name).concat([location.href])")
    assert all(u.startswith(served_app) for u in urls), urls
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
