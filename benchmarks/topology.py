"""The production topology for benchmarks/load_test.py --topology: Debian's nginx (the
`proxy-config` an operator would install) balancing N app hosts (`serve --prod`, each
with its own data dir and a `follow` process on the shared location) and the refresh
host (the load test's data dir, refreshing with publish_dir set). Every process is
started in its own session and stopped, with its children, on exit.

Also the slow-client check: connections that send their request headers a byte at a
time, and how long /health takes meanwhile.
"""
from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

import bench_callbacks as bench  # noqa: E402  (on sys.path via load_test.py)
from base.paths import Paths
from netflix_insights import distribute, nginx

ROOT = bench.ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """nginx + `hosts` app hosts + followers; quacks like load_test.ProdServer."""

    def __init__(self, data_dir: Path, hosts: int, workers: int, threads: int):
        self.data_dir, self.n_hosts, self.workers, self.threads = data_dir, hosts, workers, threads
        self.logdir = Path(tempfile.mkdtemp(prefix="load-topology-"))
        self.shared = self.logdir / "shared"
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.hosts: list[tuple[str, subprocess.Popen]] = []  # (direct url, gunicorn master)
        self.refresh_env = {"NETFLIX_INSIGHTS_PUBLISH_DIR": str(self.shared)}

    def _spawn(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.logdir / f"{name}.log", "ab")
        proc = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((name, proc))
        return proc

    def __enter__(self) -> "Cluster":
        try:
            self._start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self) -> None:
        distribute.ship(self.data_dir, distribute.local_build_id(Paths(self.data_dir)), self.shared)
        cli = [sys.executable, "-m", "netflix_insights.cli"]
        for i in range(self.n_hosts):
            host_dir = self.logdir / f"host-{i}"
            distribute.pull(self.shared, host_dir)
            self._spawn(f"follow-{i}", cli + ["follow", "--every", "0.5", "--from",
                                              str(self.shared), "--data-dir", str(host_dir)])
            port = _free_port()
            proc = self._spawn(f"host-{i}", cli + [
                "serve", "--prod", "--no-build", "--data-dir", str(host_dir), "--port",
                str(port), "--workers", str(self.workers), "--threads", str(self.threads)])
            self.hosts.append((f"http://127.0.0.1:{port}", proc))
        for url, proc in self.hosts:
            _wait_health(url, proc, self.tail)
        run_dir = self.logdir / "nginx"
        run_dir.mkdir()
        port = _free_port()
        site = nginx.site_config(nginx.default_site(
            [u.removeprefix("http://") for u, _ in self.hosts], port))
        (run_dir / "site.conf").write_text(site)
        (run_dir / "nginx.conf").write_text(nginx.main_config(run_dir, run_dir / "site.conf",
                                                              access_log="off"))
        proxy = self._spawn("nginx", [nginx.nginx_binary(), "-p", str(run_dir), "-c",
                                      str(run_dir / "nginx.conf"), "-e", "stderr"])
        self.url = f"http://127.0.0.1:{port}"
        _wait_health(self.url, proxy, self.tail)

    def published_build(self) -> str | None:
        """The build the refresh host published last (what the hosts should switch to)."""
        return distribute.local_build_id(Paths(self.data_dir))

    def worker_pids(self) -> set[int]:
        pids = set()
        for _, proc in self.hosts:
            path = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
            if path.exists():
                pids |= {int(p) for p in path.read_text().split()}
        return pids

    def cpu_seconds(self) -> dict[int, float]:
        out = {}
        for pid in {p.pid for _, p in self.hosts} | self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return out

    def tail(self, n: int = 25) -> str:
        lines = []
        for name, _ in self.procs:
            text = (self.logdir / f"{name}.log").read_text(errors="replace")
            lines += [f"[{name}] {line}" for line in text.splitlines()[-n:]]
        return "\n".join(lines)

    def __exit__(self, *_exc) -> None:
        for name, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        for _, proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the session we started
                proc.wait(5)


def _wait_health(url: str, proc: subprocess.Popen, tail, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise bench.AppFailed(f"{url}: exited {proc.returncode}:\n{tail()}")
        try:
            if httpx.get(url + "/health", timeout=5, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise bench.AppFailed(f"no answer from {url}/health in {timeout:g} s:\n{tail()}")


def slow_clients(url: str, clients: int = 50, seconds: float = 8.0,
                 cap_s: float = 10.0) -> dict:
    """`clients` connections send their headers a byte every 0.5 s while /health is
    fetched every 0.5 s on a fresh connection (capped at `cap_s`); its timings."""
    host, port = url.removeprefix("http://").split(":")
    stop = threading.Event()
    socks = []
    for _ in range(clients):
        try:
            socks.append(socket.create_connection((host, int(port)), timeout=5))
        except OSError:
            break

    def dribble() -> None:
        request = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
        for i in range(len(request)):
            for s in socks:
                try:
                    s.send(request[i:i + 1])
                except OSError:
                    pass
            if stop.wait(0.5):
                return
    thread = threading.Thread(target=dribble, daemon=True)
    thread.start()
    timings, failures = [], 0
    end = time.monotonic() + seconds
    try:
        time.sleep(0.5)
        while time.monotonic() < end:
            t0 = time.perf_counter()
            try:
                ok = httpx.get(url + "/health", timeout=cap_s, trust_env=False).status_code == 200
            except httpx.HTTPError:
                ok = False
            timings.append(time.perf_counter() - t0)
            failures += not ok
            time.sleep(0.5)
    finally:
        stop.set()
        thread.join(5)
        for s in socks:
            s.close()
    return {"connections": len(socks), "probes": len(timings), "failures": failures,
            "max_s": max(timings), "median_s": statistics.median(timings)}
