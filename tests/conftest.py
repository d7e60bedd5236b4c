"""Shared fixtures: a real warehouse built once per session from the bundled snapshot."""
from __future__ import annotations

import os
import shutil
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from base.paths import Paths
from netflix_insights.refresh import refresh
from queries.db import open_read_only

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# Builds in tests skip model training (minutes on 2 cores) unless a test asks for it:
# tests/test_models*.py build their own trained warehouse once.
os.environ.setdefault("NETFLIX_INSIGHTS_TRAIN_MODELS", "0")


# Modules whose module-scoped servers (nginx, app hosts) must not start once per worker.
SERVER_MODULES = {"test_nginx", "test_topology", "test_profiles", "test_distribute"}


@pytest.hookimpl(tryfirst=True)   # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`tasks.py test` runs `-n 2 --dist loadgroup`): the tests that
    need trained models share one worker, so the models are trained once per run, and
    the browser tests share another Chromium-driving worker, and the tests on a real
    PostgreSQL or nginx share one worker (one server each per run); the rest spread
    freely."""
    for item in items:
        if "trained_data_dir" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group("trained"))
        elif item.get_closest_marker("browser") or "browser" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif "postgres" in item.fixturenames or item.module.__name__ in SERVER_MODULES:
            item.add_marker(pytest.mark.xdist_group("servers"))


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory) -> Path:
    """A data dir holding one published build of the bundled snapshot (read-only use)."""
    data_dir = tmp_path_factory.mktemp("data")
    refresh(data_dir, quiet=True)
    return data_dir


@pytest.fixture(scope="session")
def warehouse_con(built_data_dir):
    """A read-only connection to the session's published build, opened exactly as the
    app opens it: DuckDB refuses a second connection to the same file with a different
    configuration in one process."""
    con = open_read_only(Paths(built_data_dir).current_link.resolve())
    yield con
    con.close()


@pytest.fixture(scope="session")
def wh(built_data_dir):
    """The app's own Warehouse (queries/db.py) on the session's build, shared by every
    test that calls a query wrapper (its cache is keyed by build, so sharing is safe)."""
    from queries.db import Warehouse
    w = Warehouse(built_data_dir)
    yield w
    w.close()


@pytest.fixture
def fresh_data_dir(tmp_path, built_data_dir) -> Path:
    """A private copy of the built data dir, for tests that refresh or break things."""
    target = tmp_path / "data"
    shutil.copytree(built_data_dir, target, symlinks=True)
    (target / "warehouse" / "refresh.lock").unlink(missing_ok=True)
    return target


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def table_digest(con, table: str) -> str:
    """Order-independent fingerprint of a table's contents."""
    return con.execute(f'select md5(string_agg(md5(t::text), \'\' order by md5(t::text))) '
                       f'from main."{table}" as t').fetchall()[0][0]


@pytest.fixture(scope="session")
def served_app(built_data_dir):
    """The real app on 127.0.0.1 (random port), reading the session's warehouse."""
    mp = pytest.MonkeyPatch()
    mp.setenv("NETFLIX_INSIGHTS_DATA_DIR", str(built_data_dir))
    from werkzeug.serving import make_server

    from dashapp.app import app
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    mp.setenv("NETFLIX_INSIGHTS_PUBLIC_BASE_URL", url)  # links the app hands out
    yield url
    server.shutdown()
    mp.undo()


# The binary itself: Debian's /usr/bin/chromium-headless-shell is a shell script that
# starts it as a child (no exec), so quitting the driver ended the script and left the
# browser running after the suite.
HEADLESS_SHELL = Path("/usr/lib/chromium/chromium-headless-shell")


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium-headless-shell driven by Selenium (installed by `tasks.py
    test`): Chromium's headless build draws the pages with ~13 % less CPU than the full
    browser's headless mode (benchmarks/bench_browser_cpu.py), and the suite is
    CPU-bound on two cores."""
    if not (HEADLESS_SHELL.exists() and shutil.which("chromedriver")):
        pytest.fail("chromium-headless-shell/chromedriver missing: run the tests via "
                    "`python3 tasks.py test`")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = str(HEADLESS_SHELL)
    for flag in ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--window-size=1400,1000"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(shutil.which("chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    started = _descendants(service.process.pid)   # the browser chromedriver started
    yield driver
    driver.quit()
    deadline = time.monotonic() + 10
    while (left := [pid for pid in started if Path(f"/proc/{pid}").exists()
                    and _state(pid) != "Z"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:   # not left behind for the next run, and still a failure
        with suppress(OSError):
            os.kill(pid, 9)
    assert not left, f"the browser outlived the session: pids {left}"


def _descendants(pid: int) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = [], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


@pytest.fixture(autouse=True)
def _browser_log_of_this_test(request):
    """Empty Chromium's console log before each browser test, so a test that asserts no
    console errors reads only its own: the browser is shared by the session, and a test
    that ends with requests in flight (tests/test_browser_filters.py's races) leaves
    their errors in the log."""
    if "browser" in request.fixturenames:
        request.getfixturevalue("browser").get_log("browser")


@contextmanager
def phone_width(browser, width: int = 390):
    """The page laid out as on a phone `width` CSS px wide (emulated: headless Chromium
    will not open a window narrower than 500 px), back to the window's width after."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        yield
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def full_page_screenshot(browser, path) -> None:
    """A screenshot of the whole page (up to 8,000 px tall) at the session's width."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(height + 100, 8000))
    try:
        browser.save_screenshot(str(path))
    finally:
        browser.set_window_size(1400, 1000)


# How often a wait looks again. Selenium's default, 0.5 s, left the browser worker idle
# for a quarter of a second on average after most states were already reached.
POLL_S = 0.05


def wait_for(browser, seconds: float = 30):
    """WebDriverWait that retries while Dash re-renders an element (stale references)."""
    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
    )
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, seconds, poll_frequency=POLL_S,
                         ignored_exceptions=[NoSuchElementException, StaleElementReferenceException])


def click(browser, by, locator: str) -> None:
    """Click once the element can take it: on a loaded machine Dash may still be
    re-rendering it (ElementNotInteractable / intercepted), so wait for that state to
    pass instead of failing on the first try."""
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        ElementNotInteractableException,
        StaleElementReferenceException,
    )
    from selenium.webdriver.support.ui import WebDriverWait

    def clicked(d) -> bool:
        element = d.find_element(by, locator)
        d.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})",
                         element)
        element.click()
        return True
    WebDriverWait(browser, 30, poll_frequency=POLL_S, ignored_exceptions=[
        StaleElementReferenceException, ElementNotInteractableException,
        ElementClickInterceptedException]).until(clicked)


@pytest.fixture(scope="session")
def trained_data_dir(tmp_path_factory):
    """A build made with model training on (the product default): every model in
    models/ trained once per session. Returns (data_dir, build_id)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("NETFLIX_INSIGHTS_TRAIN_MODELS", "1")
    data_dir = tmp_path_factory.mktemp("trained")
    result = refresh(data_dir, quiet=True)
    mp.undo()
    return data_dir, result.build_id


@contextmanager
def app_serving(data_dir: Path):
    """The real app on 127.0.0.1 (random port) reading `data_dir`, for one test; yields
    its base URL. (served_app is the session-wide one on the session warehouse.)"""
    from werkzeug.serving import make_server

    from dashapp.app import app
    mp = pytest.MonkeyPatch()
    mp.setenv("NETFLIX_INSIGHTS_DATA_DIR", str(data_dir))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        mp.undo()


def escape(browser) -> None:
    """Escape to whatever has the focus (closes an open dropdown). Not sent to an element:
    after a pick that re-renders, the focused search box may be gone or hidden
    (ElementNotInteractable, once in a fresh clone's suite)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()


def post_json(url: str, body: bytes) -> tuple[int, dict]:
    """POST raw bytes as application/json; (status, parsed JSON answer)."""
    import json
    import urllib.error
    import urllib.request
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


# axe-core's WCAG 2.0 and 2.1 level A and AA rules (tests/test_browser_a11y.py)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# Texts read in one script call: a list re-renders while a wait polls it, and an element
# found by one WebDriver call can be gone by the next (StaleElementReference, seen under
# load); one script reads one consistent DOM. innerText is the rendered text, as
# Selenium's .text (an element in a loading state reads as empty).
def text_of(browser, element_id: str) -> str:
    """The rendered text of the element with this id ('' when there is none)."""
    return browser.execute_script(
        "const e = document.getElementById(arguments[0]);"
        "return e ? (e.innerText ?? e.textContent) : ''",
        element_id).strip()


def texts(browser, css: str) -> list[str]:
    """The rendered texts of every element matching a CSS selector, in page order."""
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])]"
        ".map(e => (e.innerText ?? e.textContent).trim())", css)  # SVG text has no innerText


def axe_violations(browser) -> list[dict]:
    """axe-core (shipped by axe-core-python: no download) run on the current page."""
    import json

    from axe_core_python.base import AXE_SCRIPT
    browser.set_script_timeout(180)  # a page of charts on a busy 2-core machine
    if not browser.execute_script("return typeof window.axe === 'object'"):
        browser.execute_script(AXE_SCRIPT)
    # only violations are read: axe then skips gathering every passing node (~15 % of a run)
    every_rule_but_contrast = {"runOnly": {"type": "tag", "values": AXE_TAGS},
                               "rules": {"color-contrast": {"enabled": False}},
                               "resultTypes": ["violations"]}
    contrast = {"runOnly": {"type": "rule", "values": ["color-contrast"]},
                "resultTypes": ["violations"]}
    # Contrast is checked everywhere but inside the charts: axe cannot tell the colour
    # behind Plotly's SVG text and left every such node "needs review" (none of 243 on /
    # or 354 on /market passed or failed), which was most of the contrast rule's time;
    # the charts' text colours are checked against the card in tests/test_theme.py
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"axe.run(document, {json.dumps(every_rule_but_contrast)}).then(first =>"   # one at a time
        f" axe.run({{exclude: [['.js-plotly-plot']]}}, {json.dumps(contrast)})"
        ".then(second => done(first.violations.concat(second.violations))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));")


def assert_accessible(browser, where: str) -> None:
    """No axe violation on the page as it is now; the message lists each rule and the
    first elements it failed on."""
    violations = axe_violations(browser)
    lines = [f"{v['id']} ({v.get('impact')}): {v['help']}\n"
             + "\n".join(f"    {n['target']} {n['html'][:160]}" for n in v["nodes"][:5])
             + ("\n    " + " ".join((v["nodes"][0].get("failureSummary") or "").split())[:300]
                if v["nodes"] else "")
             for v in violations]
    assert not violations, f"{where}: {len(violations)} axe violations\n" + "\n".join(lines)


def page_settled(browser) -> bool:
    """No Dash callback in flight and every shown chart drawn (for an axe run or a
    screenshot: a half-drawn page is not the state a user reads)."""
    return browser.execute_script(
        "if (document.querySelector('[data-dash-is-loading]')) return false;"
        "if (!document.querySelector('#_pages_content') ||"
        "    !document.querySelector('#_pages_content').children.length) return false;"
        "return [...document.querySelectorAll('[data-chart-figure]')]"
        "  .filter(f => f.offsetParent !== null)"
        "  .every(f => f.querySelector('.main-svg'));")


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    """One real PostgreSQL (Debian's) for the session, on 127.0.0.1 and a free port."""
    from servers import start_postgres, stop_postgres
    server = start_postgres(tmp_path_factory.mktemp("pg") / "postgres.log")
    yield server
    stop_postgres(server)


def new_database(postgres, name: str) -> str:
    """A fresh, empty database on the session's server; its URL."""
    import psycopg
    with psycopg.connect(postgres.url(), autocommit=True) as con:
        con.execute(f'drop database if exists "{name}"')
        con.execute(f'create database "{name}"')
    return postgres.url(name)
