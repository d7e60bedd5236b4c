"""Filter changes in headless Chromium: each chart callback runs once per change, and
the URL's query string stays the source of truth (bookmarks, back/forward, nav links).

The page records every callback request it sends (a wrapper around window.fetch, which
dash-renderer calls for each POST to /_dash-update-component) and whether the pages
router answered with a new page: a re-rendered page would mount its charts again and
fire every chart callback a second time.
"""
from __future__ import annotations

import json
import time
import urllib.request

import pytest
from conftest import click, phone_width, wait_for

RECORDER = """
if (!window.__dashPosts) {
  window.__dashPosts = [];
  const original = window.fetch;
  window.fetch = function (url, init) {
    const reply = original.apply(this, arguments);
    if (String(url).includes('_dash-update-component')) {
      const post = {output: JSON.parse(init.body).output, done: false, page: false};
      window.__dashPosts.push(post);
      reply.then(r => r.clone().text())
           .then(text => { post.page = text.includes('"_pages_content"'); post.done = true; },
                 () => { post.done = true; });
    }
    return reply;
  };
}
window.__dashPosts.length = 0;
"""
ROUTER = ".._pages_content.children..._pages_store.data.."
SYNC_MARK = "filters-store.data"
NAV_MARK = '"type":"nav-link"'


def _record(browser) -> None:
    browser.execute_script(RECORDER)


def _posts_when_idle(browser, quiet_s: float = 1.5, timeout_s: float = 30) -> list[dict]:
    """The recorded requests once every one has answered and none came for quiet_s."""
    deadline, last, since = time.monotonic() + timeout_s, None, time.monotonic()
    while time.monotonic() < deadline:
        posts = browser.execute_script("return window.__dashPosts.map(p => ({...p}))")
        state = (len(posts), all(p["done"] for p in posts))
        if state != last:
            last, since = state, time.monotonic()
        elif state[1] and time.monotonic() - since >= quiet_s:
            return posts
        time.sleep(0.1)
    raise AssertionError(f"callbacks still running after {timeout_s} s: {last}")


def _filter_outputs(served_app: str, browser) -> set[str]:
    """Outputs of the callbacks that follow the filters store, for components on the
    current page (asked from the app itself, so new charts are covered too)."""
    from selenium.webdriver.common.by import By
    with urllib.request.urlopen(served_app + "/_dash-dependencies") as reply:
        deps = json.load(reply)
    out = set()
    for dep in deps:
        if not any(i["id"] == "filters-store" and i["property"] == "data"
                   for i in dep["inputs"]) or SYNC_MARK in dep["output"]:
            continue
        first = dep["output"].strip(".").split("...")[0].rsplit(".", 1)[0]
        if not first.startswith("{") and browser.find_elements(By.ID, first):
            out.add(dep["output"])
    return out


def _once_each(posts: list[dict], expected: set[str]) -> None:
    counts: dict[str, int] = {}
    for p in posts:
        counts[p["output"]] = counts.get(p["output"], 0) + 1
    assert {o: counts.get(o, 0) for o in expected} == {o: 1 for o in expected}


def _kpis(browser) -> str:
    from selenium.webdriver.common.by import By
    return browser.find_element(By.ID, "universe-kpis").text


def _post_router(served_app: str, changed: list[str], drawn: str | None = "/market") -> dict:
    """The pages router's callback as a browser posts it, for /market?type=show, with
    the content on screen drawn for the path `drawn`."""
    body = {"output": ROUTER, "outputs": [{"id": "_pages_content", "property": "children"},
                                          {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/market"},
                       {"id": "_pages_location", "property": "search", "value": "?type=show"}],
            "state": [{"id": "page-drawn", "property": "data", "value": drawn}],
            "changedPropIds": changed}
    request = urllib.request.Request(served_app + "/_dash-update-component",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as reply:
        return json.load(reply)["response"]


def test_the_router_keeps_the_page_when_only_the_query_string_changes(served_app):
    import dash
    assert "_pages_content" not in _post_router(served_app, ["_pages_location.search"])
    # outside a callback (tests, validation layouts) a wrapped layout renders as before
    page = dash.page_registry["dashapp.pages.market"]["layout"]()
    assert "Market Opportunities" in json.dumps(page.to_plotly_json(), default=str)
    for changed in (["_pages_location.pathname"], [],  # navigation; first load
                    ["_pages_location.pathname", "_pages_location.search"]):
        page = _post_router(served_app, changed)["_pages_content"]["children"]
        assert "Market Opportunities" in json.dumps(page), changed
    # a filter change while the page is still being drawn (first load: nothing drawn;
    # navigation: the old page drawn): Dash dropped that render, so this one draws
    for drawn in (None, "/performance"):
        page = _post_router(served_app, ["_pages_location.search"], drawn)
        assert "Market Opportunities" in json.dumps(page["_pages_content"]), drawn


@pytest.mark.browser
def test_a_filter_change_runs_each_chart_callback_once(browser, served_app):
    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 30)
    browser.get(served_app + "/?type=show")  # a bookmark applies its filters
    wait.until(lambda d: "2,676" in _kpis(d) and d.find_elements(
        By.CSS_SELECTOR, "#universe-scatter-graph .main-svg"))
    charts = _filter_outputs(served_app, browser)
    assert len(charts) >= 12
    _record(browser)
    _posts_when_idle(browser)  # the first load has settled

    _record(browser)
    click(browser, By.ID, "filter-reset")  # one filter change
    wait.until(lambda d: "?" not in d.current_url and "8,807" in _kpis(d))
    posts = _posts_when_idle(browser)
    _once_each(posts, charts)
    router = [p for p in posts if p["output"] == ROUTER]
    assert len(router) == 1 and not router[0]["page"]  # the page stayed in place
    assert sum(SYNC_MARK in p["output"] for p in posts) == 1
    assert len(posts) == len(charts) + 3  # + the filter, nav and pages callbacks

    _record(browser)
    browser.back()  # back restores the filters, again with one run per chart
    wait.until(lambda d: d.current_url.endswith("/?type=show") and "2,676" in _kpis(d))
    posts = _posts_when_idle(browser)
    _once_each(posts, charts)
    assert not any(p["page"] for p in posts)

    _record(browser)
    browser.forward()
    wait.until(lambda d: "?" not in d.current_url and "8,807" in _kpis(d))
    _once_each(_posts_when_idle(browser), charts)
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


@pytest.mark.browser
def test_nav_links_carry_the_filters_and_render_the_new_page_once(browser, served_app):
    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 30)
    browser.get(served_app + "/?type=show&country=India")
    wait.until(lambda d: "84 shows" in _kpis(d))
    _record(browser)
    _posts_when_idle(browser)
    link = browser.find_element(By.CSS_SELECTOR, "a.nav-link[href^='/market']")
    assert link.get_attribute("href").endswith("/market?type=show&country=India")

    _record(browser)
    link.click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#market-pareto-graph .main-svg"))
    posts = _posts_when_idle(browser)
    assert [p["page"] for p in posts if p["output"] == ROUTER] == [True]
    _once_each(posts, _filter_outputs(served_app, browser))
    assert "India" in browser.find_element(By.ID, "filter-summary").text
    assert browser.current_url.endswith("/market?type=show&country=India")


@pytest.mark.browser
def test_a_url_in_another_order_draws_its_page_when_the_first_render_is_slow(
        browser, served_app, monkeypatch):
    """A bookmarked or hand-typed URL whose parameters are not in the app's order. The
    app once rewrote it at load, which re-ran the page router while the first render
    was still in flight: Dash dropped that render as stale and the router answered the
    search-only change with no_update, so on a loaded server the page stayed blank
    (CI, tests/test_browser_a11y.py's filtered state). A 3 s first render stands in for
    the loaded server; the URL keeps the order it was opened with."""
    from conftest import page_settled

    _slow_first_render(monkeypatch, "/performance", 3)
    url = served_app + "/performance?type=movie&genre=Comedies&release=2000-2015"
    browser.get(url)
    wait_for(browser, 60).until(page_settled)
    assert "Comedies" in browser.find_element("id", "filter-summary").text
    assert browser.current_url == url


def _slow_first_render(monkeypatch, path: str, seconds: float) -> None:
    """Make the page at `path` take `seconds` to render on a new path (first load,
    navigation), as on a loaded server; a search-only call of the router stays fast."""
    import dash

    from dashapp.components.filter_bar import _triggered, search_only_change
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    layout = page["layout"]

    def slow(**kwargs):
        if not search_only_change(_triggered()):
            time.sleep(seconds)
        return layout(**kwargs)
    monkeypatch.setitem(page, "layout", slow)


@pytest.mark.browser
def test_a_filter_change_during_a_slow_first_render_draws_the_page(
        browser, served_app, monkeypatch):
    """Reset clicked while the page's first render is in flight writes the URL, which
    re-runs the router: Dash drops the first render as stale, so the router must draw
    the page (not answer no_update as for a filter change on a drawn page)."""
    from conftest import page_settled
    from selenium.webdriver.common.by import By

    _slow_first_render(monkeypatch, "/performance", 4)
    browser.get(served_app + "/performance?type=movie")
    wait_for(browser, 30).until(
        lambda d: "Movies" in d.find_element("id", "filter-summary").text)
    click(browser, By.ID, "filter-reset")
    wait_for(browser, 60).until(page_settled)
    assert browser.find_element("id", "filter-summary").text.startswith("No filters")
    assert browser.find_elements(By.CSS_SELECTOR, "#_pages_content [data-chart-figure]")


@pytest.mark.browser
def test_a_filter_change_during_a_slow_navigation_draws_the_new_page(
        browser, served_app, monkeypatch):
    """The same race on a page change: the old page is still shown when the filter
    changes, so the router must see that the new path has not been drawn yet."""
    from conftest import page_settled
    from selenium.webdriver.common.by import By

    _slow_first_render(monkeypatch, "/performance", 4)
    browser.get(served_app + "/?type=movie")
    wait_for(browser, 60).until(page_settled)
    click(browser, By.CSS_SELECTOR, "a.nav-link[href^='/performance']")
    click(browser, By.ID, "filter-reset")
    wait_for(browser, 60).until(lambda d: d.execute_script(
        "return location.pathname") == "/performance" and page_settled(d))
    assert browser.find_element("id", "filter-summary").text.startswith("No filters")
    assert browser.find_elements(By.CSS_SELECTOR, "#_pages_content [id^='performance-']")
    # The old page's chart callbacks, fired by the reset, answer after it is gone; Dash
    # logs each as a nonexistent Output. Nothing else may fail.
    severe = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert all("A nonexistent object was used in an `Output`" in m and
               "The id of this object is `universe-" in m for m in severe), severe


def _folded(browser, url: str, summary: str, button_id: str):
    """Open `url` and wait for its filters (`summary` in the summary line); the fold
    button `button_id` shows, folded. Returns (the wait, the button)."""
    from selenium.webdriver.common.by import By
    browser.get(url)
    wait = wait_for(browser, 30)
    wait.until(lambda d: summary in d.find_element(By.ID, "filter-summary").text)
    button = browser.find_element(By.ID, button_id)
    assert button.is_displayed() and button.get_attribute("aria-expanded") == "false"
    return wait, button


@pytest.mark.browser
def test_on_a_phone_the_controls_fold_behind_a_filters_button(browser, served_app):
    """At 390 px the six controls took the whole first screen: they are folded behind
    "Filters" (aria-expanded tells its state), with the summary and Reset in view; at
    desktop width there is no button and every control shows."""
    from selenium.webdriver.common.by import By

    def shown(element_id: str) -> bool:
        return browser.find_element(By.ID, element_id).is_displayed()

    with phone_width(browser):
        wait, toggle = _folded(browser, served_app + "/?type=show", "TV shows", "filter-toggle")
        assert not shown("filter-type") and not shown("filter-genres")
        assert shown("filter-reset")
        assert browser.find_element(By.ID, "filter-summary").location["y"] < 400
        toggle.click()
        wait.until(lambda d: shown("filter-genres") and shown("filter-type"))
        assert toggle.get_attribute("aria-expanded") == "true"
        toggle.click()
        wait.until(lambda d: not shown("filter-genres"))
    browser.get(served_app + "/")
    wait_for(browser, 30).until(lambda d: shown("filter-genres"))
    assert not shown("filter-toggle")


@pytest.mark.browser
def test_on_a_phone_the_page_links_fold_behind_a_menu_button(browser, served_app):
    """At 390 px the nine links wrapped to three rows above every page: they fold behind
    "Menu" (aria-expanded tells its state); a page picked from the open menu shows with
    the menu folded again; at desktop width there is no button and every link shows."""
    from selenium.webdriver.common.by import By

    def link(page: str):
        return browser.find_element(By.CSS_SELECTOR, f"#nav-links a[href^='/{page}']")

    with phone_width(browser):
        wait, menu = _folded(browser, served_app + "/market?type=movie", "Movies", "nav-toggle")
        assert not link("performance").is_displayed()
        heading = wait.until(lambda d: d.find_element(By.TAG_NAME, "h2"))
        assert heading.location["y"] < 260   # under a one-row navbar and the folded bar
        menu.click()
        wait.until(lambda d: link("performance").is_displayed())
        assert menu.get_attribute("aria-expanded") == "true"
        link("performance").click()
        wait.until(lambda d: "/performance?type=movie" in d.current_url
                   and "Performance" in d.find_element(By.TAG_NAME, "h2").text)
        assert menu.get_attribute("aria-expanded") == "false"
        assert not link("market").is_displayed()
    browser.get(served_app + "/")
    wait_for(browser, 30).until(lambda d: link("performance").is_displayed())
    assert not browser.find_element(By.ID, "nav-toggle").is_displayed()
