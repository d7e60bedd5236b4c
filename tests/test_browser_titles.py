"""Title Explorer in headless Chromium: search, page, sort, the detail panel from a row
click, the selection in the URL fragment surviving a filter change, no request
outside 127.0.0.1 and no SEVERE console message."""
from __future__ import annotations

import pytest
from conftest import phone_width, text_of, texts, wait_for

pytestmark = pytest.mark.browser


def _fresh(browser, url):
    """Open `url` with no session state left by earlier tests (search, sort, page)."""
    browser.get(url.split("#")[0].rsplit("/", 1)[0] + "/health")
    browser.execute_script("window.sessionStorage.clear()")
    browser.get_log("browser")  # drop earlier tests' messages
    browser.get(url)


def _click(browser, element) -> None:
    """Scroll instantly first: Bootstrap's smooth scrolling leaves the target moving
    when Selenium computes where to click."""
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def _titles_shown(browser) -> list[str]:
    return texts(browser, "#titles-body .title-link")


def test_explorer_search_page_sort_and_detail(browser, served_app, artifacts_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    wait = wait_for(browser, 30)
    _fresh(browser, served_app + "/titles")
    wait.until(lambda d: "8,807 titles match" in text_of(d, "titles-summary"))
    assert text_of(browser, "titles-pager") == "Page 1 of 353"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#titles-body tr")) == 25

    # search over titles, descriptions and people (debounced input)
    box = browser.find_element(By.ID, "titles-search")
    box.send_keys("love")
    wait.until(lambda d: "titles match" in text_of(d, "titles-summary")
               and not text_of(d, "titles-summary").startswith("8,807"))
    matching = int(text_of(browser, "titles-summary").split()[0].replace(",", ""))
    assert 300 < matching < 2000
    pages = -(-matching // 25)
    assert text_of(browser, "titles-pager") == f"Page 1 of {pages}"

    # next page, then sort by title (back to page 1, ascending)
    first_page = _titles_shown(browser)
    _click(browser, browser.find_element(By.ID, "titles-next"))
    wait.until(lambda d: text_of(d, "titles-pager") == f"Page 2 of {pages}")
    second_page = _titles_shown(browser)
    assert len(second_page) == 25 and not set(first_page) & set(second_page)
    _click(browser, browser.find_element(By.CSS_SELECTOR, "button[id*='\"col\":\"title\"']"))
    wait.until(lambda d: "Title ▲" in d.find_element(By.CSS_SELECTOR, ".titles-table thead").text
               and text_of(d, "titles-pager") == f"Page 1 of {pages}")
    names = _titles_shown(browser)
    assert names == sorted(names, key=lambda s: s.encode())  # byte order, as DuckDB sorts

    # click a title: the fragment names it and the detail panel shows it
    link = browser.find_elements(By.CSS_SELECTOR, "#titles-body .title-link")[2]
    title = link.text
    _click(browser, link)
    wait.until(lambda d: "#title=s" in d.current_url
               and d.find_elements(By.ID, "titles-detail-title")
               and text_of(d, "titles-detail-title") == title)
    panel = text_of(browser, "titles-detail")
    for heading in ("DIRECTORS AND CAST", "AUDIENCE METRICS", "MATCH TO IMDB/TMDB",
                    "SIMILAR TITLES"):
        assert heading in panel.upper()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#titles-body tr.selected"))
    assert browser.find_element(By.CSS_SELECTOR, "#titles-body tr.selected").text.startswith(title)

    # a similar title opens in the same panel
    similar = browser.find_element(By.CSS_SELECTOR, "#titles-detail .similar-list .title-link")
    similar_title = similar.text
    _click(browser, similar)
    wait.until(lambda d: text_of(d, "titles-detail-title") == similar_title)
    browser.back()
    wait.until(lambda d: text_of(d, "titles-detail-title") == title)

    browser.save_screenshot(str(artifacts_dir / "titles.png"))
    urls = browser.execute_script("return performance.getEntriesByType('resource')"
                                  ".map(e => e.name).concat([location.href])")
    assert [u for u in urls if not u.startswith(served_app)] == []
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    box = browser.find_element(By.ID, "titles-search")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)  # leave no search behind for other tests


def test_selection_in_fragment_survives_a_filter_change(browser, served_app, artifacts_dir):
    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 30)
    _fresh(browser, served_app + "/titles?type=show#title=s2")
    wait.until(lambda d: "2,676 titles match" in text_of(d, "titles-summary")
               and d.find_elements(By.ID, "titles-detail-title")
               and text_of(d, "titles-detail-title") == "Blood & Water")
    assert "Ama Qamata" in text_of(browser, "titles-detail")
    _click(browser, browser.find_element(By.ID, "titles-last"))
    wait.until(lambda d: text_of(d, "titles-pager") == "Page 108 of 108")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#titles-body tr")) == 2676 - 107 * 25
    _click(browser, browser.find_element(By.ID, "filter-reset"))
    wait.until(lambda d: "?" not in d.current_url and d.current_url.endswith("#title=s2")
               and "8,807 titles match" in text_of(d, "titles-summary"))
    assert text_of(browser, "titles-pager") == "Page 1 of 353"  # a new filter: page 1
    assert text_of(browser, "titles-detail-title") == "Blood & Water"
    _click(browser, browser.find_element(By.CSS_SELECTOR, "#titles-detail .close-detail"))
    wait.until(lambda d: "Pick a title" in text_of(d, "titles-detail"))
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_on_a_phone_a_pick_brings_the_details_into_view(browser, served_app):
    """At 390 px the details card stacks under the table's 25 rows: picking a title
    scrolls to it (assets/title_explorer.js), where it used to change nothing in view."""
    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 30)
    with phone_width(browser):
        _fresh(browser, served_app + "/titles")
        wait.until(lambda d: len(_titles_shown(d)) == 25)
        card_top = "return document.querySelector('.titles-detail').getBoundingClientRect().top"
        assert browser.execute_script(card_top) > 844  # below the first screen
        link = browser.find_elements(By.CSS_SELECTOR, "#titles-body .title-link")[3]
        browser.execute_script("arguments[0].click()", link)
        wait.until(lambda d: d.find_elements(By.ID, "titles-detail-title")
                   and text_of(d, "titles-detail-title") == "Blood & Water")
        wait.until(lambda d: 0 <= d.execute_script(card_top) < 844 * 0.6)


def test_a_click_anywhere_on_a_row_picks_its_title(browser, served_app):
    """"Pick a title in the table": a click on a row's date cell opens that row's title
    (the link's box covers its row, assets/explorer.css), not only a click on the name."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 30)
    _fresh(browser, served_app + "/titles")
    wait.until(lambda d: len(_titles_shown(d)) == 25)
    row = browser.find_elements(By.CSS_SELECTOR, "#titles-body tr")[4]
    name = row.find_element(By.CSS_SELECTOR, ".title-link").text
    cell = row.find_elements(By.TAG_NAME, "td")[3]
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", cell)
    ActionChains(browser).move_to_element(cell).click().perform()
    wait.until(lambda d: d.find_elements(By.ID, "titles-detail-title")
               and text_of(d, "titles-detail-title") == name)
