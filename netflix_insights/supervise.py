"""`serve --prod --proxy nginx`: nginx on the port, gunicorn behind it on a unix socket,
started, watched and stopped together by this process.

- gunicorn starts first, on <data_dir>/run/serve-<port>/app.sock; nginx starts once the
  socket accepts connections, so nginx never answers 502 while the app boots.
- SIGTERM / SIGINT stop both: nginx first, gracefully (SIGQUIT: it stops accepting and
  finishes the requests it has), then gunicorn (SIGTERM: its workers finish theirs).
  SIGHUP reloads both (new nginx config, new gunicorn workers).
- If either one exits on its own, the other is stopped and serve exits 1.
- No orphans: each child gets PR_SET_PDEATHSIG=SIGTERM, so even a SIGKILL of this
  process stops both (gunicorn's and nginx's own workers follow their masters).
"""
from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from netflix_insights import nginx
from netflix_insights.serve import ServeError, gunicorn_argv

PR_SET_PDEATHSIG = 1
BOOT_TIMEOUT_S = 120
STOP_TIMEOUT_S = 40


def check_nginx() -> str:
    """The nginx binary, or a ServeError saying how to install it."""
    try:
        return nginx.nginx_binary()
    except nginx.ProxyConfigError as exc:
        raise ServeError(str(exc)) from None


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the serve process dies, however it dies."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def write_configs(run_dir: Path, socket_path: Path, port: int) -> Path:
    """nginx.conf + site.conf in `run_dir` (rewritten at every start); the main file."""
    try:
        site = nginx.default_site([f"unix:{socket_path}"], port)
        site_conf, main_conf = run_dir / "site.conf", run_dir / "nginx.conf"
        site_conf.write_text(nginx.site_config(site))
        main_conf.write_text(nginx.main_config(run_dir, site_conf))
    except nginx.ProxyConfigError as exc:
        raise ServeError(str(exc)) from None
    return main_conf


def run_dir_for(data_dir: Path, port: int) -> Path:
    """A directory per served port: two servers on one data dir do not collide."""
    run_dir = Path(data_dir) / "run" / f"serve-{port}"
    run_dir.mkdir(parents=True, exist_ok=True)
    return run_dir


def serve_behind_nginx(data_dir: Path, build: Path, conf: dict[str, str]) -> int:
    """Start gunicorn, then nginx; block until a signal or a child's exit; stop both."""
    port = int(conf["port"])
    run_dir = run_dir_for(data_dir, port)
    sock = run_dir / "app.sock"
    sock.unlink(missing_ok=True)
    main_conf = write_configs(run_dir, sock, port)
    binary = check_nginx()
    test = subprocess.run([binary, "-t", "-q", "-p", str(run_dir), "-c", str(main_conf),
                           "-e", "stderr"], capture_output=True, text=True)
    if test.returncode != 0:
        raise ServeError(f"nginx refused the configuration {main_conf}: "
                         f"{test.stderr.strip()[-500:]}")
    stop = _StopFlag()
    app = subprocess.Popen(gunicorn_argv("--bind", f"unix:{sock}"),
                           preexec_fn=_die_with_parent)
    proxy = None
    try:
        if not _wait_for_socket(sock, app, stop):
            return 1 if app.poll() is not None else 0
        proxy = subprocess.Popen([binary, "-p", str(run_dir), "-c", str(main_conf),
                                  "-e", "stderr"], preexec_fn=_die_with_parent)
        print(f"serving {build.name} on http://{conf['host']}:{port}/: nginx → gunicorn "
              f"({conf['workers']} workers × {conf['threads']} threads on {sock}); "
              "Ctrl-C stops both", file=sys.stderr, flush=True)
        return _watch(app, proxy, stop)
    finally:
        _stop_all(proxy, app)
        sock.unlink(missing_ok=True)


class _StopFlag:
    """SIGTERM/SIGINT set it; SIGHUP is forwarded to the children as a reload."""

    def __init__(self):
        self.stopping = False
        self.children: list[subprocess.Popen] = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        signal.signal(signal.SIGHUP, self._reload)

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def _reload(self, signum, frame) -> None:
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGHUP)


def _wait_for_socket(sock: Path, app: subprocess.Popen, stop: _StopFlag) -> bool:
    """True once gunicorn accepts on the socket; False if it exited or we were stopped."""
    stop.children = [app]
    deadline = time.monotonic() + BOOT_TIMEOUT_S
    while time.monotonic() < deadline and not stop.stopping:
        if app.poll() is not None:
            print(f"error: gunicorn exited ({app.returncode}) before it listened",
                  file=sys.stderr)
            return False
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(str(sock))
            return True
        except OSError:
            time.sleep(0.05)
    if not stop.stopping:
        print(f"error: gunicorn did not listen on {sock} in {BOOT_TIMEOUT_S} s",
              file=sys.stderr)
    return False


def _watch(app: subprocess.Popen, proxy: subprocess.Popen, stop: _StopFlag) -> int:
    stop.children = [proxy, app]
    while not stop.stopping:
        for name, child in (("nginx", proxy), ("gunicorn", app)):
            if child.poll() is not None:
                print(f"error: {name} exited ({child.returncode}); stopping the other",
                      file=sys.stderr, flush=True)
                return 1
        time.sleep(0.2)
    return 0


def _stop_all(proxy: subprocess.Popen | None, app: subprocess.Popen) -> None:
    """nginx gracefully first (no new requests reach a stopping app), then gunicorn."""
    for child, sig in ((proxy, signal.SIGQUIT), (app, signal.SIGTERM)):
        if child is None or child.poll() is not None:
            continue
        child.send_signal(sig)
        try:
            child.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)

