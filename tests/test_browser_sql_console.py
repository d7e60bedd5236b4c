"""SQL console in headless Chromium: a query runs and fills the grid, an example fills
the editor and runs, a forbidden statement shows the refusal (and writes nothing), the
schema browser opens, no request outside 127.0.0.1 and no SEVERE console message."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import texts, wait_for

pytestmark = pytest.mark.browser
ROWS = "#sql-result .ag-center-cols-container .ag-row"


def _click(browser, element) -> None:
    """Scroll instantly first: Bootstrap's smooth scrolling leaves the target moving
    when Selenium computes where to click."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})",
                           element)
    element.click()


def _type_sql(browser, sql: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    editor = browser.find_element(By.ID, "sql-editor")
    _click(browser, editor)
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys(sql)


def _run(browser) -> None:
    from selenium.webdriver.common.by import By
    _click(browser, browser.find_element(By.ID, "sql-run"))


def test_console_runs_a_query_and_refuses_a_write(browser, served_app, artifacts_dir, tmp_path):
    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 30)
    browser.get(served_app + "/health")
    browser.execute_script("window.sessionStorage.clear()")
    browser.get_log("browser")
    browser.get(served_app + "/sql")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".sql-schema details"))
    assert "time limit 2 s · at most 5,000 rows" in browser.find_element(By.ID, "sql-limits").text

    _type_sql(browser, "select title, release_year from titles\n"
                       "where title like 'Stranger%' order by title")
    _run(browser)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ROWS)
               and "rows" in d.find_element(By.ID, "sql-status").text)
    status = browser.find_element(By.ID, "sql-status").text
    rows = browser.find_elements(By.CSS_SELECTOR, ROWS)
    assert status.startswith(f"{len(rows)} rows ·") and len(rows) >= 2
    assert "Stranger Things" in browser.find_element(By.ID, "sql-result").text
    assert "VARCHAR" in browser.find_element(By.CSS_SELECTOR, "#sql-result .ag-header").text
    assert browser.find_element(By.ID, "sql-csv").is_enabled()

    # the row cap shows as truncated; Ctrl+Enter in the editor runs the query
    from selenium.webdriver.common.keys import Keys
    _type_sql(browser, "select * from range(100000)")
    browser.find_element(By.ID, "sql-editor").send_keys(Keys.CONTROL, Keys.ENTER)
    wait.until(lambda d: d.find_elements(By.ID, "sql-truncated"))
    assert browser.find_element(By.ID, "sql-status").text.startswith("5,000 rows")
    # the grid draws the rows in view, not all 5,000
    assert 0 < len(browser.find_elements(By.CSS_SELECTOR, ROWS)) < 5000

    # an example fills the editor and runs
    example = "button[id*='\"table\":\"title_genres\"']"
    _click(browser, browser.find_element(By.CSS_SELECTOR, example))
    wait.until(lambda d: "title_genres" in d.find_element(By.ID, "sql-editor")
               .get_attribute("value") and "Dramas" in d.find_element(By.ID, "sql-result").text)

    # a table in the schema browser opens to its columns with types and descriptions
    summary = browser.find_element(By.CSS_SELECTOR, ".sql-schema details summary")
    _click(browser, summary)
    wait.until(lambda d: "Netflix catalog id" in d.find_element(By.CSS_SELECTOR,
                                                                 ".sql-schema").text)
    browser.save_screenshot(str(artifacts_dir / "sql_console.png"))

    # forbidden: the refusal message, and no file
    target = Path(tmp_path) / "x.csv"
    _type_sql(browser, f"COPY titles TO '{target}'")
    _run(browser)
    # (.text, not presence: the link's callback briefly shows the loading state)
    wait.until(lambda d: "Refused" in d.find_element(By.ID, "sql-error").text)
    error = browser.find_element(By.ID, "sql-error").text
    assert "Refused" in error and "COPY statements are not allowed" in error
    assert "Traceback" not in error and not target.exists()
    assert not browser.find_element(By.ID, "sql-csv").is_enabled()
    browser.save_screenshot(str(artifacts_dir / "sql_console_refused.png"))

    urls = browser.execute_script("return performance.getEntriesByType('resource')"
                                  ".map(e => e.name).concat([location.href])")
    assert [u for u in urls if not u.startswith(served_app)] == []
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def _editor_value(browser) -> str:
    from selenium.webdriver.common.by import By
    return browser.find_element(By.ID, "sql-editor").get_attribute("value")


def test_a_link_reproduces_a_query_and_back_returns_to_the_last(browser, served_app):
    from urllib.parse import quote

    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 30)
    linked = "select title from titles where title like 'Stranger%' order by title"
    browser.get(served_app + "/sql#q=" + quote(linked))
    wait.until(lambda d: "Stranger Things" in d.find_element(By.ID, "sql-result").text)
    assert _editor_value(browser) == linked
    assert browser.find_elements(By.CSS_SELECTOR, ROWS)

    # running another query puts it in the link (one history entry per query)
    _type_sql(browser, "select 40 + 2 as answer")
    _run(browser)
    wait.until(lambda d: "answer" in d.find_element(By.ID, "sql-result").text)
    requests = browser.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('_dash-update-component')).length")
    assert browser.execute_script("return location.hash") == "#q=" + quote(
        "select 40 + 2 as answer", safe="")
    assert browser.execute_script("return location.search") == ""  # the filters' own

    # back: the previous link's query is in the editor and its result in the grid
    browser.back()
    wait.until(lambda d: "Stranger Things" in d.find_element(By.ID, "sql-result").text)
    assert _editor_value(browser) == linked

    # a link too long to hold: a message, nothing run
    browser.get(served_app + "/sql#q=" + "x" * 9000)
    wait.until(lambda d: d.find_elements(By.ID, "sql-link-error"))
    assert "links hold queries of up to 8,000" in browser.find_element(
        By.ID, "sql-link-error").text
    assert requests > 0
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_history_lists_queries_run_and_loads_one_back(browser, served_app):
    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 30)
    items = ".sql-history-item"
    browser.get(served_app + "/health")
    browser.execute_script("window.localStorage.clear(); window.sessionStorage.clear()")
    browser.get(served_app + "/sql")
    wait.until(lambda d: d.find_elements(By.ID, "sql-history-empty"))
    assert "appear here" in browser.find_element(By.ID, "sql-history-empty").text

    for sql in ("select 1 as one", "select nope", "select 2 as two", "select 1 as one"):
        _type_sql(browser, sql)
        _run(browser)
        wait.until(lambda d, sql=sql: d.execute_script("return location.hash").endswith(
            sql.split()[-1]))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, items)) == 2)
    # newest first, once each; the failed query is not kept
    assert texts(browser, items) == [
        "select 1 as one", "select 2 as two"]

    # kept in this browser across visits; a click loads the query into the editor
    browser.get(served_app + "/sql")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, items)) == 2)
    _click(browser, browser.find_elements(By.CSS_SELECTOR, items)[1])
    wait.until(lambda d: _editor_value(d) == "select 2 as two")

    _click(browser, browser.find_element(By.ID, "sql-history-clear"))
    wait.until(lambda d: d.find_elements(By.ID, "sql-history-empty"))
    assert browser.execute_script("return window.localStorage.getItem('sql-history')") \
        in ("[]", '{"data":[]}', None) or "[]" in browser.execute_script(
            "return window.localStorage.getItem('sql-history')")


def _spans(browser) -> list[tuple[str, str]]:
    return browser.execute_script(
        "return [...document.querySelectorAll('#sql-highlight span')]"
        ".map(s => [s.className, s.textContent])")


def test_editor_highlights_sql_and_completes_names_from_the_schema(browser, served_app):
    from conftest import assert_accessible
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    wait = wait_for(browser, 30)
    listbox = "#sql-complete:not([hidden]) [role=option]"
    browser.get(served_app + "/health")
    browser.execute_script("window.localStorage.clear(); window.sessionStorage.clear()")
    browser.get(served_app + "/sql")
    wait.until(lambda d: ["tok-kw", "select"] in _spans(d))

    _type_sql(browser, "select 'it''s' as s, 42 -- a note\nfrom titles")
    wait.until(lambda d: ["tok-com", "-- a note"] in _spans(d))
    spans = _spans(browser)
    for token in (["tok-kw", "select"], ["tok-str", "'it''s'"], ["tok-num", "42"],
                  ["tok-kw", "from"], ["tok-name", "titles"]):
        assert token in spans, (token, spans)
    # the layer holds exactly the editor's text (plus the line end that shows a last line)
    assert browser.find_element(By.ID, "sql-highlight").get_attribute("textContent") \
        == _editor_value(browser) + "\n"

    # completion: table names, then the columns of a table by its alias
    editor = browser.find_element(By.ID, "sql-editor")
    _type_sql(browser, "select tit")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, listbox))
    options = [o.text.split()[0] for o in browser.find_elements(By.CSS_SELECTOR, listbox)]
    assert options[0] == "titles" and "title" in options
    assert editor.get_attribute("aria-activedescendant") == "sql-complete-0"
    assert editor.get_attribute("aria-controls") == "sql-complete"
    assert "suggestion" in browser.find_element(By.ID, "sql-complete-status").get_attribute(
        "textContent")
    assert_accessible(browser, "sql console, completion open")
    editor.send_keys(Keys.TAB)
    assert _editor_value(browser) == "select titles"
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys("select t.rel")
    assert not browser.find_elements(By.CSS_SELECTOR, listbox)  # t is no table yet
    editor.send_keys(Keys.END, " from titles t")
    editor.send_keys(*[Keys.ARROW_LEFT] * len(" from titles t"))
    editor.send_keys(Keys.CONTROL, " ")  # ask
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, listbox))
    assert browser.find_element(By.CSS_SELECTOR, listbox).text.startswith(
        "release_year column of titles")
    editor.send_keys(Keys.ARROW_DOWN, Keys.ARROW_UP, Keys.ENTER)  # chosen: Enter inserts
    assert _editor_value(browser) == "select t.release_year from titles t"
    editor.send_keys(Keys.END, " order by t.rel")  # not chosen: Enter is a new line
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, listbox))
    editor.send_keys(Keys.ENTER)
    assert _editor_value(browser) == "select t.release_year from titles t order by t.rel\n"
    _type_sql(browser, "select t.release_year from titles t")
    editor.send_keys(Keys.ESCAPE)
    assert not browser.find_elements(By.CSS_SELECTOR, listbox)
    # no completion inside a string or a comment; Escape closes the list
    editor.send_keys(Keys.END, " where t.title = 'tit")
    assert not browser.find_elements(By.CSS_SELECTOR, listbox)
    editor.send_keys("' and t.ti")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, listbox))
    editor.send_keys(Keys.ESCAPE)
    assert not browser.find_elements(By.CSS_SELECTOR, listbox)
    assert editor.get_attribute("aria-activedescendant") is None

    # Ctrl+Enter still runs; a value set by the server (an example) is highlighted too
    _type_sql(browser, "select 40 + 2 as answer")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    wait.until(lambda d: "answer" in d.find_element(By.ID, "sql-result").text)
    _click(browser, browser.find_element(By.CSS_SELECTOR,
                                         "button[id*='\"table\":\"title_genres\"']"))
    wait.until(lambda d: ["tok-name", "title_genres"] in _spans(d))
    assert browser.find_element(By.ID, "sql-highlight").get_attribute("textContent") \
        == _editor_value(browser) + "\n"
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
