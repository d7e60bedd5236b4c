"""`netflix-insights serve`: build the warehouse if missing, then serve the app.

Two ways to serve the same app:
- dev (default): Flask's threaded server in this process.
- `--prod --proxy nginx`: nginx on the port, in front of gunicorn on a unix socket;
  this process supervises both (netflix_insights/supervise.py).
- `--prod`: gunicorn (gthread workers, netflix_insights/gunicorn_conf.py). This process
  replaces itself with the gunicorn master (exec), so nothing it did, such as
  building a warehouse, leaves DuckDB state behind to be inherited by the forked
  workers; each worker opens its own read-only connection lazily.

Both warm the app up before the first real request (warm_up): Dash finishes its
setup on the first request it sees, and requests arriving concurrently with that one
fail with "Callback function not found".
"""
from __future__ import annotations

import errno
import importlib.util
import logging
import os
import socket
import sys
from pathlib import Path

from base import settings
from base.paths import Paths, current_build

log = logging.getLogger(__name__)

WARM_UP_PATHS = ("/", "/_dash-layout", "/_dash-dependencies")
FLAGS = {"port": "--port", "workers": "--workers", "threads": "--threads",
         "worker_timeout_seconds": "--timeout"}


class ServeError(RuntimeError):
    """A configuration the server cannot start with; the message says why."""


def ensure_warehouse(data_dir: Path, build_if_missing: bool) -> Path:
    """The published build, refreshing from the bundled snapshot first if none exists."""
    paths = Paths(data_dir)
    if not paths.current_link.exists() and build_if_missing:
        print("no warehouse yet: building it from the bundled snapshot…", file=sys.stderr)
        from netflix_insights.refresh import refresh
        refresh(data_dir)
    return current_build(paths)


def warm_up(app) -> list[str]:
    """Issue the app's first requests in-process, before it takes traffic; returns a
    line per request that did not answer 200 (logged, the server still starts)."""
    client = app.server.test_client()
    problems = []
    for path in WARM_UP_PATHS:
        status = client.get(path).status_code
        if status != 200:
            problems.append(f"warm-up GET {path} answered {status}")
            log.warning(problems[-1])
    _warm_console_pool()
    return problems


def _warm_console_pool() -> None:
    """Start this process's SQL console workers now (in the background), so the first
    console query does not wait for a Python and DuckDB start-up."""
    from dashapp.state import wh
    from base.errors import WarehouseMissing
    from queries import sandbox
    try:
        sandbox.pool().warm(wh()._target())
    except WarehouseMissing:
        sandbox.pool().warm()


def positive_int(name: str, value) -> int:
    """`value` as a whole number ≥ 1, else a ServeError naming the setting."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number < 1:
        raise ServeError(f"{name} must be a whole number of at least 1, got {value!r} "
                         f"({FLAGS[name]} or {settings.SETTINGS[name].env})")
    return number


def export_settings(data_dir: Path, **overrides) -> dict[str, str]:
    """Put the data dir and the given flags into the environment (the app and the
    gunicorn config read them there); returns the effective serving settings."""
    os.environ[settings.SETTINGS["data_dir"].env] = str(data_dir)
    for name, value in overrides.items():
        if value is not None:
            os.environ[settings.SETTINGS[name].env] = str(value)
    effective = {name: settings.raw(name) for name in
                 ("host", "port", "workers", "threads", "worker_timeout_seconds")}
    for name in FLAGS:
        positive_int(name, effective[name])
    return effective


def serve(data_dir: Path, host: str | None = None, port: int | None = None,
          build_if_missing: bool = True, prod: bool = False, workers: int | None = None,
          threads: int | None = None, timeout: int | None = None,
          proxy: str | None = None) -> int:
    """Serve until interrupted: the dev server here, (prod) exec gunicorn, or (prod,
    proxy nginx) supervise nginx in front of gunicorn. Settings are checked before
    anything is built."""
    if proxy is not None and not prod:
        raise ServeError("--proxy nginx serves with gunicorn: add --prod")
    if not prod and (workers is not None or threads is not None):   # were ignored
        raise ServeError("--workers and --threads size gunicorn: add --prod (the "
                         "development server is one process)")
    conf = export_settings(data_dir, host=host, port=port, workers=workers,
                           threads=threads, worker_timeout_seconds=timeout)
    # every setting, after the flags took their variables' place (--port wins over a bad
    # NETFLIX_INSIGHTS_PORT): a bad one failed requests (a 500 per page), not the start
    settings.check_all()
    check_address(conf["host"], int(conf["port"]))
    if proxy == "nginx":
        from netflix_insights.supervise import check_nginx
        check_nginx()
    path = ensure_warehouse(data_dir, build_if_missing)
    if proxy == "nginx":
        from netflix_insights.supervise import serve_behind_nginx
        return serve_behind_nginx(data_dir, path, conf)
    if prod:
        if not _loopback(conf["host"]):
            print(f"gunicorn alone on {conf['host']}: a few slow clients can hold all its "
                  f"{int(conf['workers']) * int(conf['threads'])} threads for as long as "
                  "they like; add --proxy nginx for a network you do not trust "
                  "(docs/OPERATIONS.md)", file=sys.stderr)
        exec_gunicorn(path, conf)  # does not return
    from dashapp.app import app
    warm_up(app)
    print(f"serving {path.name} on http://{conf['host']}:{conf['port']}/ with the "
          "development server (Ctrl-C to stop; --prod for gunicorn)", file=sys.stderr)
    app.run(host=conf["host"], port=int(conf["port"]), debug=False)
    return 0


def _loopback(host: str) -> bool:
    """Whether only this machine can reach `host` (the default 127.0.0.1)."""
    bare = host.strip("[]")
    return bare == "localhost" or bare == "::1" or bare.startswith("127.")


def check_address(host: str, port: int) -> None:
    """ServeError unless this machine can listen on host:port now: checked before a
    warehouse is built or a worker started (a bad --host used to fail only after the
    build and the warm-up, with the server's own traceback-like output). Probed as the
    servers bind: IPv6 when the host has a ':' (brackets or not), else IPv4."""
    bare = host.strip("[]")
    where = (f"[{bare}]:{port}" if ":" in bare else f"{bare}:{port}") + \
        f" (--host/--port, {settings.SETTINGS['host'].env}/{settings.SETTINGS['port'].env})"
    if not 1 <= port <= 65535:
        raise ServeError(f"the port is 1–65535, got {port}: {where}")
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    try:
        address = socket.getaddrinfo(bare, port, family, socket.SOCK_STREAM)[0][4]
    except (socket.gaierror, UnicodeError):
        raise ServeError(f"cannot listen on {where}: {host!r} is not a host name or IP "
                         "address of this machine") from None
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        hint = ("another program listens there: stop it or choose another --port"
                if exc.errno == errno.EADDRINUSE else
                f"{host} is not an address of this machine"
                if exc.errno == errno.EADDRNOTAVAIL else exc.strerror or str(exc))
        raise ServeError(f"cannot listen on {where}: {hint}") from None


def exec_gunicorn(path: Path, conf: dict[str, str]) -> None:
    """Replace this process with gunicorn configured by netflix_insights/gunicorn_conf.py."""
    if importlib.util.find_spec("gunicorn") is None:
        raise ServeError("serve --prod needs gunicorn: pip install "
                         "'netflix-content-insights[serve]'")
    print(f"serving {path.name} on http://{conf['host']}:{conf['port']}/ with gunicorn: "
          f"{conf['workers']} workers × {conf['threads']} threads (Ctrl-C to stop)",
          file=sys.stderr, flush=True)
    sys.stdout.flush()
    os.execv(sys.executable, gunicorn_argv())


def gunicorn_argv(*extra: str) -> list[str]:
    """The gunicorn command of --prod (settings from netflix_insights/gunicorn_conf.py;
    flags in `extra`, such as --bind, override them)."""
    return [sys.executable, "-m", "gunicorn", "--config",
            "python:netflix_insights.gunicorn_conf", *extra]
