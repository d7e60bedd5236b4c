"""`serve --prod --proxy nginx`: Debian's nginx in front of gunicorn, started and stopped
together. Static files from nginx with cache headers and the app's bytes, the security
headers on every reply (nginx's own errors too), size limits, slow clients kept off the
app, and no process left behind however serve ends."""
from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from dashapp import security
from servers import ROOT, alive, descendants, nginx_balancer, serve, stop

SECURITY = [*security.STATIC_HEADERS, "Content-Security-Policy"]


@pytest.fixture(scope="module")
def proxied(built_data_dir, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    shutil.copytree(built_data_dir, tmp / "data", symlinks=True)
    server = serve(tmp / "data", tmp / "serve.log", proxy=True)
    yield server
    stop(server)


def get(url: str, **kw) -> httpx.Response:
    return httpx.get(url, timeout=30, trust_env=False, **kw)


def assert_security_headers(r: httpx.Response) -> None:
    for name in SECURITY:
        assert len(r.headers.get_list(name)) == 1, (name, r.url, dict(r.headers))


def served_by_nginx(proxied, urls: set[str], timeout: float = 10) -> set[str]:
    """The URLs the access log shows nginx answered itself (no upstream). nginx writes a
    request's log line after the reply has gone out, so the last one can lag the client:
    CI once read the log with one line still missing. Wait for it, up to `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        served = set(re.findall(r'"GET (/_dash-component-suites/\S+|/assets/\S+) HTTP/1.1" '
                                r'200 \d+ [\d.]+s upstream=-', proxied.log_text()))
        if urls <= served or time.monotonic() > deadline:
            return served
        time.sleep(0.1)


def test_pages_come_from_the_app_and_static_files_from_nginx(proxied, tmp_path):
    page = get(proxied.url + "/titles")
    assert page.status_code == 200 and page.headers["server"] == "nginx"
    assert_security_headers(page)
    assert "'sha256-" in page.headers["content-security-policy"]  # the app's page policy
    urls = re.findall(r'(?:src|href)="(/(?:_dash-component-suites|assets)/[^"]+)"', page.text)
    assert len(urls) >= 10
    sock = next(proxied.log.parent.glob("data/run/serve-*/app.sock"))
    app = httpx.Client(transport=httpx.HTTPTransport(uds=str(sock)), base_url="http://app")
    for url in urls:
        r = get(proxied.url + url)
        assert r.status_code == 200 and r.content == app.get(url).content, url
        assert_security_headers(r)
        expected = "immutable" if "_dash-component-suites" in url else "max-age=86400"
        assert expected in r.headers["cache-control"], url
    assert set(urls) - served_by_nginx(proxied, set(urls)) == set()
    unfingerprinted = get(proxied.url + "/_dash-component-suites/dash/dcc/async-graph.js")
    assert unfingerprinted.status_code == 200
    assert unfingerprinted.headers["cache-control"] == "no-cache"
    assert get(proxied.url + "/_dash-component-suites/dash/__init__.py").status_code != 200


def test_nginx_errors_are_short_json_with_the_security_headers(proxied, tmp_path):
    big = httpx.post(proxied.url + "/_dash-update-component", content=b"{" * 8_000_000,
                     headers={"content-type": "application/json"}, timeout=30,
                     trust_env=False)
    assert big.status_code == 413
    assert big.json() == {"error": security.too_large_message()}
    assert_security_headers(big)
    huge_header = get(proxied.url + "/health", headers={"X-Junk": "x" * 20_000})
    assert huge_header.status_code == 400 and "headers are too large" in huge_header.json()["error"]
    assert_security_headers(huge_header)
    nowhere = nginx_balancer(tmp_path / "lb", ["127.0.0.1:9"], tmp_path / "lb.log")
    try:
        down = get(nowhere.url + "/titles")
    finally:
        stop(nowhere, signal.SIGQUIT)
    assert down.status_code == 502 and "no app server answered" in down.json()["error"]
    assert_security_headers(down)
    assert "<html" not in big.text + huge_header.text + down.text


def test_slow_clients_do_not_delay_health(proxied):
    """50 connections that send their headers a byte at a time: nginx holds them, the
    app never sees them (the stall the issue measured at 18 s on bare gunicorn)."""
    slow = [socket.create_connection(("127.0.0.1", proxied.port)) for _ in range(50)]
    try:
        for s in slow:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        timings = []
        for _ in range(5):
            for s in slow:
                s.sendall(b"X")
            start = time.perf_counter()
            assert get(proxied.url + "/health").status_code == 200
            timings.append(time.perf_counter() - start)
            time.sleep(0.2)
    finally:
        for s in slow:
            s.close()
    assert max(timings) < 1.0, timings


def test_proxy_needs_prod(built_data_dir):
    out = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "serve", "--proxy",
                          "nginx", "--no-build", "--data-dir", str(built_data_dir)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "add --prod" in out.stderr and "Traceback" not in out.stderr


def test_sigterm_stops_nginx_and_gunicorn_together(proxied):
    children = descendants(proxied.proc.pid)
    assert len(children) >= 4  # gunicorn master + 2 workers, nginx master + workers
    assert stop(proxied) == 0
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if alive(pid)]


def test_a_killed_serve_leaves_no_orphans(built_data_dir, tmp_path):
    server = serve(built_data_dir, tmp_path / "serve.log", proxy=True, workers=1)
    children = descendants(server.proc.pid)
    server.proc.kill()  # SIGKILL: no handler runs; PR_SET_PDEATHSIG stops the children
    server.proc.wait(5)
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if alive(pid)]


def test_an_ipv6_address_gives_a_config_nginx_accepts(tmp_path):
    """`proxy-config --host ::1`: the listen address and the default app server in
    brackets (they were written bare, and nginx refused the file at its next reload)."""
    from netflix_insights import nginx
    site = tmp_path / "site.conf"
    subprocess.run([sys.executable, "-m", "netflix_insights.cli", "proxy-config", "--host",
                    "::1", "--output", str(site)], cwd=ROOT, check=True, capture_output=True)
    text = site.read_text()
    assert "listen [::1]:80;" in text and re.search(r"server \[::1\]:\d+ ", text)
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx.main_config(tmp_path, site))
    check = subprocess.run([nginx.nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(conf),
                            "-e", "stderr"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
