"""Real servers for the serving tests: the CLI's `serve --prod [--proxy nginx]`, nginx
from a `proxy-config`, on free ports of 127.0.0.1; every process is started in its own
session and stopped (with its children) by the helper that started it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from base import settings

ROOT = settings.PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Proc:
    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def spawn(argv: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    env = {k: v for k, v in {**os.environ, **(env or {})}.items()
           if k != settings.SETTINGS["host"].env}
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=open(log, "ab"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(p: Proc, timeout: float = 90, path: str = "/health") -> None:
    """Until `path` answers 200 (the app behind is warmed up and serving)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert p.proc.poll() is None, f"exited {p.proc.returncode}:\n{p.log_text()[-3000:]}"
        try:
            if httpx.get(p.url + path, timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop(p)
    raise AssertionError(f"{path} not 200 in {timeout} s:\n{p.log_text()[-3000:]}")


def serve(data_dir: Path, log: Path, *, proxy: bool, env: dict | None = None,
          workers: int = 2, port: int | None = None) -> Proc:
    """`serve --prod [--proxy nginx] --no-build` on a free port, healthy."""
    port = port or free_port()
    argv = [sys.executable, "-m", "netflix_insights.cli", "serve", "--prod", "--no-build",
            "--data-dir", str(data_dir), "--port", str(port), "--workers", str(workers),
            "--threads", "4", *(["--proxy", "nginx"] if proxy else [])]
    p = Proc(spawn(argv, log, env), port, log)
    wait_healthy(p)
    return p


def nginx_balancer(run_dir: Path, upstreams: list[str], log: Path) -> Proc:
    """Debian's nginx with `proxy-config --upstream ...` (what an operator with their own
    nginx would install), in the foreground, on a free port."""
    from netflix_insights import nginx
    port = free_port()
    run_dir.mkdir(parents=True, exist_ok=True)
    site = run_dir / "site.conf"
    subprocess.run([sys.executable, "-m", "netflix_insights.cli", "proxy-config",
                    "--port", str(port), "--output", str(site),
                    *[a for u in upstreams for a in ("--upstream", u)]],
                   cwd=ROOT, check=True, capture_output=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(nginx.main_config(run_dir, site))
    proc = spawn([nginx.nginx_binary(), "-p", str(run_dir), "-c", str(conf), "-e", "stderr"],
                 log)
    p = Proc(proc, port, log)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, p.log_text()[-3000:]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return p
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nginx did not listen:\n{p.log_text()[-3000:]}")


def stop(p: Proc, sig: int = signal.SIGTERM, timeout: float = 40) -> int:
    """Signal the process; kill its session if it has not exited in `timeout` s."""
    if p.proc.poll() is None:
        p.proc.send_signal(sig)
    try:
        return p.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.proc.pid, signal.SIGKILL)  # the session this helper started
        return p.proc.wait(5)


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (from /proc/<pid>/task/*/children)."""
    out, todo = set(), [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in out:
                    out.add(child)
                    todo.append(child)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except OSError:
        return False
    return state != "Z"


def pg_binary(name: str) -> str:
    """A PostgreSQL server program from Debian's versioned directory (newest first)."""
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise AssertionError(f"PostgreSQL's {name} is missing: run the tests via "
                         "`python3 tasks.py test` (it installs Debian's postgresql)")


def _as_postgres_user():
    """initdb and postgres refuse to run as root (CI runs as root): drop to `postgres`."""
    import pwd
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)


@dataclass
class Postgres:
    proc: subprocess.Popen
    port: int
    data: Path

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"


def start_postgres(log: Path) -> Postgres:
    """A throwaway cluster (initdb into a fresh temp dir, trust auth, durability off:
    it is deleted after the session) on 127.0.0.1 and a free port."""
    import shutil as _shutil
    import tempfile
    data = Path(tempfile.mkdtemp(prefix="netflix-insights-pg-"))
    if os.geteuid() == 0:
        _shutil.chown(data, "postgres", "postgres")
    subprocess.run([pg_binary("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                    "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
                   check=True, capture_output=True, preexec_fn=_as_postgres_user)
    port = free_port()
    proc = subprocess.Popen(
        [pg_binary("postgres"), "-D", str(data), "-p", str(port), "-k", str(data),
         "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
         "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
         "-c", "max_connections=200"],
        stdout=open(log, "ab"), stderr=subprocess.STDOUT, preexec_fn=_as_postgres_user,
        start_new_session=True)
    server = Postgres(proc, port, data)
    import psycopg
    deadline = time.monotonic() + 30
    while True:
        assert proc.poll() is None, log.read_text()[-2000:]
        try:
            psycopg.connect(server.url(), connect_timeout=1).close()
            return server
        except psycopg.OperationalError:
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.1)


def stop_postgres(server: Postgres) -> None:
    server.proc.send_signal(signal.SIGQUIT)  # immediate shutdown: the data is thrown away
    try:
        server.proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(5)
    import shutil as _shutil
    _shutil.rmtree(server.data, ignore_errors=True)
