"""`serve --prod` under gunicorn: warm-up, loopback bind, security headers, request cap,
malformed callbacks, short errors, a refresh while serving, and the CSP in Chromium.

Every server here is the real CLI (`python -m netflix_insights.cli serve --prod`) on a free port of
127.0.0.1, stopped at the end of its fixture or test.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from base import settings
from base.paths import Paths
from dashapp import security
from etl import publish
from queries.db import open_read_only

ROOT = settings.PROJECT_ROOT
CALLBACK = "/_dash-update-component"
KPIS = {"output": "universe-kpis.children",
        "outputs": {"id": "universe-kpis", "property": "children"},
        "inputs": [{"id": "filters-store", "property": "data", "value": None}],
        "changedPropIds": []}
ROUTER = {"output": ".._pages_content.children..._pages_store.data..",
          "outputs": [{"id": "_pages_content", "property": "children"},
                      {"id": "_pages_store", "property": "data"}],
          "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/titles"},
                     {"id": "_pages_location", "property": "search", "value": ""}],
          "state": [{"id": "page-drawn", "property": "data", "value": None}],
          "changedPropIds": ["_pages_location.pathname"]}
TRACEBACK = re.compile(r"Traceback|File \"|\.py\", line")


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log: Path
    data_dir: Path
    burst: list[int] = field(default_factory=list)  # statuses of the first requests

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> set[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return {int(p) for p in children.read_text().split()}

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir: Path, log: Path, env: dict | None = None) -> Server:
    """`serve --prod` with 2 workers; returns as soon as the port accepts connections
    (before any worker has necessarily booted: the master binds first)."""
    port = free_port()
    env = {k: v for k, v in {**os.environ, **(env or {})}.items()
           if k != settings.SETTINGS["host"].env}  # the default bind address
    proc = subprocess.Popen(
        [sys.executable, "-m", "netflix_insights.cli", "serve", "--prod", "--no-build", "--data-dir",
         str(data_dir), "--port", str(port), "--workers", "2", "--threads", "4"],
        cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    server = Server(proc, port, log, data_dir)
    wait_listening(server)
    return server


def wait_listening(server: Server, timeout: float = 60) -> None:
    """Until the server's port accepts connections (gunicorn's master binds before any
    worker has booted); stops it and fails if it exits or never listens."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.proc.poll() is None, f"server exited:\n{server.log_text()[-3000:]}"
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    stop(server)
    raise AssertionError(f"not listening in {timeout:g} s:\n{server.log_text()[-3000:]}")


def stop(server: Server) -> None:
    server.proc.terminate()  # gunicorn's master stops its workers gracefully
    try:
        server.proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(server.proc.pid, signal.SIGKILL)  # the session this test started
        server.proc.wait(5)


def wait_booted(server: Server, workers: int = 2, timeout: float = 90) -> None:
    """Until every worker has logged its warm-up (one may serve long before the other)."""
    deadline = time.monotonic() + timeout
    while len(re.findall(r"worker \d+ warmed up in \d+ ms\n", server.log_text())) < workers:
        assert time.monotonic() < deadline, server.log_text()[-3000:]
        time.sleep(0.1)


def post_json(url: str, body, timeout: float = 60) -> httpx.Response:
    return httpx.post(url + CALLBACK, json=body, timeout=timeout, trust_env=False)


@pytest.fixture(scope="module")
def prod(built_data_dir, tmp_path_factory):
    """serve --prod on a copy of the session's data dir (the last test refreshes it);
    the first requests hit it the moment the port opens, concurrently, while the
    workers are still booting."""
    tmp = tmp_path_factory.mktemp("serve")
    shutil.copytree(built_data_dir, tmp / "data", symlinks=True)
    server = start(tmp / "data", tmp / "server.log")
    try:
        requests = [("POST", KPIS), ("POST", ROUTER), ("GET", "/")] * 8
        with ThreadPoolExecutor(len(requests)) as pool:
            server.burst = list(pool.map(lambda r: (
                post_json(server.url, r[1]) if r[0] == "POST"
                else httpx.get(server.url + r[1], timeout=60, trust_env=False)).status_code,
                requests))
        wait_booted(server)
        yield server
    finally:
        stop(server)


# ── start-up ───────────────────────────────────────────────────────────────────────
def test_workers_answer_callbacks_from_the_first_request(prod):
    assert prod.burst == [200] * len(prod.burst)
    log = prod.log_text()
    assert "Callback function not found" not in log and "Traceback" not in log


def test_a_bare_gunicorn_worker_answers_callbacks_from_its_first_request(built_data_dir,
                                                                         tmp_path):
    """Without serve --prod's warm-up, as someone running `gunicorn dashapp.app:server`
    themselves would: callbacks queued for a worker that is still booting all answer
    200 (Dash's first-request setup ran on one thread while the others found no
    callbacks: 400 "no callback has the output")."""
    port, log = free_port(), tmp_path / "gunicorn.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", "8",
         "-b", f"127.0.0.1:{port}", "dashapp.app:server"], cwd=ROOT,
        env={**os.environ, "NETFLIX_INSIGHTS_DATA_DIR": str(built_data_dir)},
        stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(proc, port, log, built_data_dir)
    try:
        wait_listening(server)  # the requests then wait in the backlog for the worker
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda _: post_json(server.url, KPIS), range(16)))
        assert [(a.status_code, a.text[:120]) for a in answers if a.status_code != 200] == []
    finally:
        stop(server)


def test_binds_loopback_by_default_and_the_master_never_loads_duckdb(prod):
    assert f"Listening at: http://127.0.0.1:{prod.port}" in prod.log_text()
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == prod.port:
                listening.append(local.rsplit(":", 1)[0])
    assert listening == ["0100007F"]  # 127.0.0.1, little-endian hex; nothing else
    maps = lambda pid: Path(f"/proc/{pid}/maps").read_text()  # noqa: E731
    assert "duckdb" not in maps(prod.proc.pid)
    assert all("duckdb" in maps(pid) for pid in prod.workers())


def test_importing_the_config_and_app_opens_no_warehouse():
    code = ("import sys; import netflix_insights.gunicorn_conf as c; "
            "assert 'duckdb' not in sys.modules and 'dashapp.app' not in sys.modules; "
            "assert c.worker_class == 'gthread' and c.preload_app is False; "
            "import dashapp.app; from queries import db; "
            "assert all(w._build is None for w in db._DEFAULT.values()); print('ok')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr[-2000:]


def test_bad_serving_settings_are_one_line_errors(built_data_dir, tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    in_use = str(taken.getsockname()[1])
    try:
        _bad_settings_are_refused(built_data_dir, tmp_path, in_use)
    finally:
        taken.close()


def _bad_settings_are_refused(built_data_dir, tmp_path, in_use: str) -> None:
    for args, env, needle in [
            (["--workers", "0"], {}, "workers must be a whole number of at least 1"),
            ([], {"NETFLIX_INSIGHTS_THREADS": "many"}, "NETFLIX_INSIGHTS_THREADS"),
            (["--port", in_use], {}, "another program listens there: stop it or choose "),
            (["--host", "bad host"], {}, "'bad host' is not a host name or IP address"),
            ([], {"NETFLIX_INSIGHTS_PORT": "70000"}, "the port is 1–65535, got 70000"),
            # not serving's own settings: each failed every page with a 500
            ([], {"NETFLIX_INSIGHTS_APP_MEMORY_LIMIT": "lots"}, "APP_MEMORY_LIMIT must be"),
            ([], {"NETFLIX_INSIGHTS_QUERY_TIMEOUT_SECONDS": "abc"}, "QUERY_TIMEOUT_SECONDS"),
            # a flag wins over its variable: the bad PORT is not the error, the host is
            (["--port", "8123", "--host", "bad host"], {"NETFLIX_INSIGHTS_PORT": "abc"},
             "'bad host' is not a host name")]:
        out = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "serve", "--prod", "--no-build",
                              "--data-dir", str(built_data_dir), *args], cwd=ROOT,
                             env={**os.environ, **env}, capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 1 and needle in out.stderr and "Traceback" not in out.stderr
    # checked before a warehouse is built: a bad host used to fail after the whole build
    out = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "serve", "--port",
                          in_use, "--data-dir", str(tmp_path / "new")], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "another program listens there" in out.stderr
    assert not (tmp_path / "new" / "warehouse").exists()


def test_a_bracketed_ipv6_host_is_checked_as_the_servers_bind_it():
    """gunicorn and nginx take "[::1]"; the pre-check refused it as no host name."""
    from netflix_insights import serve
    try:
        with socket.socket(socket.AF_INET6) as free:
            free.bind(("::1", 0))
            port = free.getsockname()[1]
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    serve.check_address("[::1]", port)
    serve.check_address("::1", port)
    with socket.socket(socket.AF_INET6) as taken:
        taken.bind(("::1", port))
        taken.listen()
        with pytest.raises(serve.ServeError, match=r"\[::1\]:\d+ .*another program listens"):
            serve.check_address("[::1]", port)


# ── pages, health, headers ─────────────────────────────────────────────────────────
def test_pages_and_health_under_gunicorn(prod):
    for path in ("/", "/titles", "/market", "/sql", "/models/genres"):
        r = httpx.get(prod.url + path, timeout=30, trust_env=False)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    health = httpx.get(prod.url + "/health", timeout=30, trust_env=False).json()
    assert health["status"] == "ok"
    assert health["build_id"] == Paths(prod.data_dir).current_link.resolve().stem
    assert health["worker_pid"] in prod.workers()


def inline_script_hashes(html: str) -> set[str]:
    """sha256 CSP sources of the page's executable inline scripts."""
    out = set()
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)  # e.g. Dash's <!--[if IE]> notice
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        if "src=" in attrs or "application/json" in attrs:
            continue
        out.add("'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest())
                .decode() + "'")
    return out


def test_security_headers_on_every_response(prod):
    client = httpx.Client(base_url=prod.url, timeout=30, trust_env=False)
    responses = [client.get("/"), client.get("/titles"), client.get("/_dash-layout"),
                 client.get("/_dash-dependencies"), client.get("/health"),
                 client.get("/assets/app.css"), client.post(CALLBACK, json=KPIS),
                 client.post(CALLBACK, json={}), client.delete("/health")]
    assert [r.status_code for r in responses] == [200] * 7 + [400, 405]
    assert "GET" in responses[-1].headers["allow"]
    for r in responses:
        for name, value in security.STATIC_HEADERS.items():
            assert r.headers[name] == value, (r.url, name)
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    page = responses[0]
    csp = dict(d.strip().split(" ", 1) for d in page.headers["content-security-policy"].split(";"))
    scripts = set(csp["script-src"].split()[1:])
    assert csp["script-src"].split()[0] == "'self'" and "unsafe" not in csp["script-src"]
    assert inline_script_hashes(page.text) <= scripts and len(scripts) >= 2
    assert responses[2].headers["content-security-policy"] == security.CSP_NON_DOCUMENT


# ── request cap, malformed payloads, errors ────────────────────────────────────────
def test_oversize_request_is_413_and_an_upload_sized_one_is_not(prod):
    cap = security.request_max_bytes()
    r = httpx.post(prod.url + CALLBACK, content=b"x" * (cap + 1), timeout=60, trust_env=False,
                   headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"].startswith("request too large: the server accepts up to")
    upload = settings.get("upload_max_bytes")
    data_url = "data:text/csv;base64," + "A" * (4 * math.ceil(upload / 3))
    body = {**KPIS, "output": "no-such.children",
            "inputs": [{"id": "upload", "property": "contents", "value": data_url},
                       {"id": "upload", "property": "filename", "value": "history.csv"}]}
    r = post_json(prod.url, body)
    assert r.status_code == 400 and "no callback has the output" in r.json()["error"]


MALFORMED = [
    ("not json", b"{this is not json", "application/json"),
    ("form post", b"a=1&b=2", "application/x-www-form-urlencoded"),
    ("a list", b"[1, 2, 3]", "application/json"),
    ("empty object", b"{}", "application/json"),
    ("output not a string", json.dumps({**KPIS, "output": 7}).encode(), "application/json"),
    ("unknown callback", json.dumps({**KPIS, "output": "nope.children"}).encode(),
     "application/json"),
    ("inputs not a list", json.dumps({**KPIS, "inputs": {"a": 1}}).encode(), "application/json"),
    ("input without id", json.dumps({**KPIS, "inputs": [{"value": 1}]}).encode(),
     "application/json"),
    ("outputs missing", json.dumps({k: v for k, v in KPIS.items() if k != "outputs"}).encode(),
     "application/json"),
]


@pytest.mark.parametrize("name,body,content_type", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_callback_payloads_get_a_short_400(prod, name, body, content_type):
    r = httpx.post(prod.url + CALLBACK, content=body, timeout=30, trust_env=False,
                   headers={"content-type": content_type})
    assert r.status_code == 400, r.text
    assert r.json()["error"].startswith("malformed callback request: ")
    assert not TRACEBACK.search(r.text) and len(r.text) < 300


def test_callbacks_called_without_their_arguments_are_a_400_not_a_500(prod):
    # These were 500s (the callback ran and failed); they are checked before it runs.
    workers = prod.workers()
    bodies = [{**KPIS, "inputs": []},  # the callback is called without its argument
              {**ROUTER, "inputs": [{"id": "_pages_location", "property": "pathname",
                                     "value": {"not": "a path"}}, ROUTER["inputs"][1]]}]
    for body in bodies:
        r = post_json(prod.url, body)
        assert r.status_code == 400 and len(r.content) < 300
        assert r.json()["error"].startswith("malformed callback request: ")
        assert not TRACEBACK.search(r.text)
    assert post_json(prod.url, KPIS).status_code == 200
    assert "Traceback" not in prod.log_text()
    assert prod.workers() == workers  # no worker died or was replaced


def test_an_unexpected_error_is_a_generic_500_with_the_traceback_in_the_log(caplog):
    """What is left for a 500 (a bug): an id to quote, the traceback only in the log."""
    import dash
    app = dash.Dash(__name__)
    app.layout = dash.html.Div()
    security.install(app)

    def broken():
        raise RuntimeError("a bug")
    app.server.add_url_rule("/broken", "broken", broken)
    with caplog.at_level("ERROR"):
        r = app.server.test_client().get("/broken")
    assert r.status_code == 500
    error = r.get_data(as_text=True)
    assert re.fullmatch(r"internal error \(id [0-9a-f]{12}\); the details are in the "
                        r"server log\n", error) and not TRACEBACK.search(error)
    assert f"error id {error.split('id ')[1][:12]}: GET /broken raised RuntimeError" \
        in caplog.text


# ── refresh helpers, and the file semantics pruning relies on ───────────────────────
class Traffic:
    """Requests in background threads until stopped; every failure is kept."""

    def __init__(self, url: str):
        self.url, self.stop, self.failures, self.count = url, threading.Event(), [], 0
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True)
                        for i in range(3)]

    def run(self, i: int) -> None:
        # Thread 0 reuses one connection; the others open a new one per request, so
        # the kernel spreads them over the workers.
        headers = {} if i == 0 else {"connection": "close"}
        with httpx.Client(base_url=self.url, timeout=30, trust_env=False,
                          headers=headers) as client:
            for n in range(10**9):
                if self.stop.wait(0.01):  # a pause: leave the refresh some CPU
                    return
                self.one(client, [("GET", "/health", None), ("POST", CALLBACK, KPIS),
                                  ("POST", CALLBACK, ROUTER), ("GET", "/market", None)][n % 4])

    def one(self, client, request) -> None:
        method, path, body = request
        try:
            r = client.request(method, path, json=body)
            if r.status_code != 200:
                self.failures.append(f"{method} {path}: {r.status_code} {r.text[:200]}")
        except httpx.HTTPError as exc:
            self.failures.append(f"{method} {path}: {exc!r}")
        self.count += 1

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        for t in self.threads:
            t.join(60)


def refresh_subprocess(data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NETFLIX_INSIGHTS_TRAIN_MODELS": "0"}
    return subprocess.run([sys.executable, "-m", "netflix_insights.cli", "refresh", "--data-dir",
                           str(data_dir), "--quiet"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)


def every_worker_reports(server: Server, build_id: str, timeout: float = 30) -> None:
    """Poll /health on new connections until each worker has answered with build_id."""
    seen, deadline = set(), time.monotonic() + timeout
    while not server.workers() <= seen:
        assert time.monotonic() < deadline, f"workers {server.workers() - seen} never " \
                                            f"reported {build_id}"
        r = httpx.get(server.url + "/health", timeout=10, trust_env=False,
                      headers={"connection": "close"})
        if r.status_code == 200 and r.json()["build_id"] == build_id:
            seen.add(r.json()["worker_pid"])


def open_builds(pids: set[int]) -> set[str]:
    """Build files (name, '(deleted)' kept) the processes hold open."""
    found = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if "/builds/" in target:
                found.add(target.rsplit("/", 1)[1])
    return found


def test_pruning_keeps_the_build_just_replaced_even_with_keep_builds_1(tmp_path):
    """A server may have resolved the link to the previous build an instant before the
    swap; that file must still exist when it opens it."""
    paths = Paths(tmp_path)
    paths.builds_dir.mkdir(parents=True)
    builds = [paths.build_file(f"2026010{i}T000000000000Z-abcdef0{i}") for i in range(1, 5)]
    for b in builds:
        b.write_bytes(b"")
    paths.current_link.symlink_to(builds[-1].relative_to(paths.warehouse_dir))
    assert publish.prune_builds(paths, keep=1) == builds[:2]
    assert sorted(paths.builds_dir.iterdir()) == builds[2:]


def test_an_unlinked_build_stays_readable_until_closed(built_data_dir, tmp_path):
    """What pruning relies on: a reader keeps reading a deleted build (Linux), and the
    space is freed when it closes it."""
    copy = tmp_path / "old.duckdb"
    copy.write_bytes(Paths(built_data_dir).current_link.resolve().read_bytes())
    con = open_read_only(copy)
    titles = con.sql("select count(*) from titles").fetchall()[0][0]
    copy.unlink()
    assert held_open(str(copy)) and all(f.endswith("(deleted)") for f in held_open(str(copy)))
    genres = con.sql("select count(*) from title_genres").fetchall()[0][0]  # not read yet
    assert titles > 8000 and genres > titles
    con.close()
    assert held_open(str(copy)) == []


def held_open(path: str) -> list[str]:
    """This process's open file descriptors on `path`."""
    out = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(path):
            out.append(target)
    return out


# ── the CSP in a real browser ──────────────────────────────────────────────────────
@pytest.mark.browser
def test_pages_render_under_the_csp_in_chromium(prod, browser):
    from conftest import wait_for
    from selenium.webdriver.common.by import By
    wait = wait_for(browser, 30)
    browser.get_log("browser")  # drop what earlier tests left
    for path, ready in [("/", "#universe-additions-graph .main-svg"),
                        ("/titles", "#titles-body"), ("/market", "#market-share-graph .main-svg"),
                        ("/sql", "#sql-editor"), ("/models/forecasts", "#forecasts-chart-graph")]:
        browser.get(prod.url + path)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ready))
        wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading]"))
    logs = browser.get_log("browser")
    assert [e for e in logs if e["level"] == "SEVERE" or "Content Security" in e["message"]] == []
    # The policy is enforced: an injected inline script is refused.
    browser.execute_script("const s = document.createElement('script');"
                           "s.textContent = 'window.__injected = 1';"
                           "document.body.appendChild(s);")
    assert browser.execute_script("return window.__injected === undefined")
    assert any("Content Security Policy" in e["message"] for e in browser.get_log("browser"))


# ── last: a refresh while serving (changes the module server's build) ─────────────
def test_refresh_while_serving_drops_no_request(prod):
    """A refresh under traffic: every worker moves to the new build and closes the old
    one, and no request fails. (The old file stays on disk as the build just replaced;
    publish.prune_builds deletes it at a later publish, tests/test_refresh.py.) Last in
    the file: it changes the build the module's server serves."""
    paths = Paths(prod.data_dir)
    old = paths.current_link.resolve()
    every_worker_reports(prod, old.stem)
    assert open_builds(prod.workers()) == {old.name}
    log_start = len(prod.log_text())
    with Traffic(prod.url) as traffic:
        time.sleep(0.5)
        result = refresh_subprocess(prod.data_dir)
        assert result.returncode == 0, result.stderr
        new = paths.current_link.resolve()
        assert new != old
        every_worker_reports(prod, new.stem)
        time.sleep(0.5)
    assert traffic.failures == [] and traffic.count > 20
    assert open_builds(prod.workers()) == {new.name}  # the old one closed once unused
    assert old.exists() and "Traceback" not in prod.log_text()[log_start:]



def test_a_model_loads_once_per_process_and_only_the_served_builds_stay(tmp_path):
    """models/serving.load: the first request loads an artifact, later ones get the same
    object; a model of a newer build drops the older build's, so a long-lived worker
    does not keep one set of models per refresh."""
    from models import artifacts, serving
    for build, names in (("build-a", ("genres", "copilot")), ("build-b", ("genres",))):
        for name in names:
            artifacts.save(tmp_path, build, name, artifacts.TrainedModel(
                {"model": name, "build": build}, params={}, metrics=[]), 0.0)
    genres_a, _ = serving.load(tmp_path, "build-a", "genres")
    copilot_a, _ = serving.load(tmp_path, "build-a", "copilot")
    assert serving.load(tmp_path, "build-a", "genres")[0] is genres_a
    assert genres_a == {"model": "genres", "build": "build-a"}
    assert serving.load(tmp_path, "build-b", "genres")[0]["build"] == "build-b"
    assert {k[1:] for k in serving._loaded if k[0] == str(tmp_path)} == {("build-b", "genres")}
    assert serving.load(tmp_path, "build-a", "copilot")[0] is not copilot_a   # read again
