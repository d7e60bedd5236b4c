"""Load test: N simulated users clicking through pages and filters, against
`netflix-insights serve --prod` on 127.0.0.1, with and without a refresh mid-run.

    .venv/bin/python benchmarks/load_test.py [--data-dir DIR] [--users 1,8,32]
        [--duration 20] [--think 1.0] [--refresh-users 8] [--workers 2] [--threads 4]

Without --data-dir it builds a data dir from the bundled snapshot (`refresh`, models
off unless --train-models) in a temporary folder; a given --data-dir is copied there
first, since the test publishes a new build into it. The server is the real CLI
(`serve --prod --no-build`) on a free port; it is stopped in every case.

What a user does (asyncio, one httpx client per user, at most 6 connections like a
browser; callback bodies from benchmarks/bench_callbacks.py, which discovers pages and
callbacks from the app itself):
- visit a page (30 % of clicks, and the first): GET the page URL, GET /_dash-layout and
  /_dash-dependencies, then the callbacks a load fires: pages router, nav links and the
  filter bar (which yields the filters store), then every filter callback of the page;
- change a filter (70 %): the request sequence Chromium sends (bench_callbacks'
  filter_change, ported to asyncio), with a fresh seeded payload, so the app's query
  cache never answers it;
- pause `--think` seconds (uniform ±50 %) between clicks.

Each level runs `--duration` seconds; a click in flight at the end is completed and
counted. Reported: requests/s, p50/p95/p99 of request latency (client wall time on
loopback), click latency, errors (HTTP status other than 200/204, or a request dropped
twice; a request on a kept-alive connection the server closed is retried once, as
browsers do, and counted under "retried"), and the load average. The refresh level
starts `netflix-insights refresh` on the same data dir after 30 % of the duration and
polls /health on new connections until every worker reports the new build id.

--topology runs the same users against the production topology instead (benchmarks/
topology.py): Debian's nginx balancing `--hosts` app hosts (each `serve --prod` on its own
data dir, `--workers` each, following the shared location), the load test's data dir
as the refresh host (its refresh ships the build; the hosts pull and switch). Its
target is 16 users, p95 <= 250 ms, 0 errors; it then checks that 50 clients sending
their headers a byte at a time do not delay /health beyond 1 s through nginx, beside
the same check against one app host's gunicorn directly (the baseline).

    .venv/bin/python benchmarks/load_test.py --topology --users 16 --workers 1

Exits 2 when the app does not start, 1 when a request failed or the refresh did not
reach every worker (or, with --topology, /health waited past 1 s behind nginx), else 0.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_callbacks as bench  # noqa: E402  (adds the project root to sys.path)
import topology  # noqa: E402

ROOT = bench.ROOT
TARGET_USERS, TARGET_P95_MS = 8, 250.0
TOPOLOGY_TARGET_USERS, SLOW_HEALTH_LIMIT_S = 16, 1.0
VISIT_SHARE = 0.3


# ── the server and its data ────────────────────────────────────────────────────────
class ProdServer(bench.Server):
    """`netflix-insights serve --prod` in a subprocess (bench_callbacks' lifecycle)."""

    def command(self, port: int) -> list[str]:
        return [sys.executable, "-m", "netflix_insights.cli", "serve", "--prod", "--no-build",
                "--data-dir", str(self.data_dir), "--port", str(port),
                "--workers", str(self.workers), "--threads", str(self.threads)]

    def worker_pids(self) -> set[int]:
        """The gunicorn workers: children of the master (the exec'd CLI process)."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return {int(p) for p in path.read_text().split()} if path.exists() else set()

    def cpu_seconds(self) -> dict[int, float]:
        """pid → CPU time (user + system, all threads) of the master and each worker."""
        out = {}
        for pid in {self.proc.pid} | self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue  # a worker that just exited
            out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return out


def refresh_env(train_models: bool) -> dict[str, str]:
    return {**os.environ, "NETFLIX_INSIGHTS_TRAIN_MODELS": "1" if train_models else "0"}


def prepare_data_dir(given: Path | None, work: Path, train_models: bool) -> Path:
    """A private data dir with a published build."""
    target = work / "data"
    if given is not None:
        if not (given / "warehouse" / "current.duckdb").exists():
            raise bench.AppFailed(f"no published warehouse in {given}")
        shutil.copytree(given, target, symlinks=True)
        (target / "warehouse" / "refresh.lock").unlink(missing_ok=True)
        return target
    print("building a data dir from the bundled snapshot…", flush=True)
    subprocess.run([sys.executable, "-m", "netflix_insights.cli", "refresh", "--data-dir", str(target),
                    "--quiet"], cwd=ROOT, env=refresh_env(train_models), check=True)
    return target


# ── one simulated user ─────────────────────────────────────────────────────────────
@dataclass
class Stats:
    """Everything measured during one level."""
    latencies: list[float] = field(default_factory=list)  # ms, answered requests
    by_kind: dict[str, list[float]] = field(default_factory=dict)  # the same, per kind
    clicks: list[float] = field(default_factory=list)     # ms, whole clicks
    errors: dict[str, int] = field(default_factory=dict)  # "kind status" → count
    retried: int = 0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class User:
    """One browser tab: its own connections, current page, URL search and store."""

    def __init__(self, client: httpx.AsyncClient, app: bench.App, pay: bench.Payloads,
                 rng: random.Random, stats: Stats):
        self.client, self.app, self.pay, self.rng, self.stats = client, app, pay, rng, stats
        self.page, self.search, self.store = app.pages[0], "", None

    async def request(self, kind: str, method: str, path: str, body=None) -> httpx.Response | None:
        """One request; None (and an error counted) unless it answered 200/204. A reset
        of a reused connection is retried once, as browsers do; a refused connection or
        a timeout is not."""
        for attempt in (1, 2):
            t0 = time.perf_counter()
            try:
                r = await self.client.request(method, path, json=body)
                break
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError) as exc:
                if attempt == 2:
                    self.stats.error(f"{kind} {type(exc).__name__}")
                    return None
                self.stats.retried += 1
            except (httpx.ConnectError, httpx.TimeoutException) as exc:
                self.stats.error(f"{kind} {type(exc).__name__}")
                return None
        ms = (time.perf_counter() - t0) * 1000
        self.stats.latencies.append(ms)
        self.stats.by_kind.setdefault(kind, []).append(ms)
        if r.status_code not in (200, 204):
            self.stats.error(f"{kind} {r.status_code}")
            return None
        return r

    async def callback(self, call: bench.Call, values: dict, changed: list[str]) -> dict | None:
        comps = {**self.app.shell, **self.page.comps}
        cid, prop = bench.split_spec(call.dep["output"])[0]
        label = call.label or f"{bench.key(cid)}.{prop}"
        r = await self.request(f"callback {label}", "POST", "/_dash-update-component",
                               call.body(comps, values, changed))
        return r.json() if r is not None and r.status_code == 200 and r.content else None

    def shell_calls(self) -> list[bench.Call]:
        sync = bench.sync_dep(self.app)
        return [bench.Call(d) for d in self.app.deps if d is not sync and (
            bench.has_input(d, "url", "search") or bench.has_input(d, "_pages_location", "search"))]

    def location(self) -> dict:
        return {("url", "search"): self.search, ("_pages_location", "pathname"): self.page.path,
                ("_pages_location", "search"): self.search,
                ("page-drawn", "data"): self.page.path}  # once drawn, as in a browser

    async def page_callbacks(self, changed: list[str], calls=None) -> None:
        """The page's filter callbacks (or `calls`), with the current filters store."""
        values = {bench.STORE: self.store} if self.store is not None else {}
        await asyncio.gather(*(self.callback(c, {**values, **self.location()}, changed)
                               for c in (self.page.calls if calls is None else calls)))

    async def visit(self, page: bench.Page | None = None) -> None:
        """A full page load of `page` (default: a random one), keeping the filters."""
        self.page = page or self.rng.choice(self.app.pages)
        await self.request("page", "GET", self.page.path + self.search)
        await asyncio.gather(self.request("layout", "GET", "/_dash-layout"),
                             self.request("dependencies", "GET", "/_dash-dependencies"))
        sync = bench.sync_dep(self.app)
        filters = self.callback(bench.Call(sync), self.location(), []) if sync else None
        shell = [self.callback(c, self.location(), []) for c in self.shell_calls()]
        replies = await asyncio.gather(*([filters] if filters else []), *shell)
        if filters and replies[0]:
            self.store = replies[0]["response"]["filters-store"]["data"]
        await self.page_callbacks([], initial_calls(self.app, self.page))

    async def change_filter(self) -> None:
        """What Chromium sends when a filter control changes (bench.filter_change)."""
        sync = bench.sync_dep(self.app)
        if sync is None:
            return await self.visit()
        f = self.pay.make(bench.FAMILIES[self.rng.randrange(len(bench.FAMILIES))])
        values = {**bench.control_values(f, self.app), ("url", "search"): self.search}
        reply = await self.callback(bench.Call(sync), values, ["filter-type.value"])
        if reply is None:
            return None
        self.search = reply["response"].get("url", {}).get("search", self.search)
        self.store = reply["response"]["filters-store"]["data"]
        pages_out = [c for c in self.shell_calls() if bench.PAGES_OUT in bench.outputs_of(c.dep)]
        others = [c for c in self.shell_calls() if c not in pages_out]
        await asyncio.gather(
            self.page_callbacks([".".join(bench.STORE)]),
            *(self.callback(c, self.location(), bench.changed_inputs(c.dep)) for c in others),
            self._rerender(pages_out))
        return None

    async def _rerender(self, pages_out: list[bench.Call]) -> None:
        """The ?search changed: the pages router answers, and only when it sends a new
        page (not for a search-only change) do the page's callbacks fire again."""
        if pages_out:
            replies = await asyncio.gather(*(
                self.callback(c, self.location(), bench.changed_inputs(c.dep))
                for c in pages_out))
            if any(r and bench.PAGES_OUT[0] in r.get("response", {}) for r in replies):
                await self.page_callbacks([])

    async def run(self, deadline: float, think: float) -> None:
        await self.click(self.visit)
        while time.monotonic() < deadline:
            if think:
                await asyncio.sleep(self.rng.uniform(0.5 * think, 1.5 * think))
            if time.monotonic() >= deadline:
                break
            await self.click(self.visit if self.rng.random() < VISIT_SHARE
                             else self.change_filter)

    async def click(self, action) -> None:
        t0 = time.perf_counter()
        await action()
        self.stats.clicks.append((time.perf_counter() - t0) * 1000)


def initial_calls(app: bench.App, page: bench.Page) -> list[bench.Call]:
    """Server callbacks a fresh render of the page fires by itself (outputs on the page,
    no prevent_initial_call): its filter callbacks and the rest (e.g. a model page's
    selectors). Cached on the page."""
    if not hasattr(page, "initial"):
        comps = {**app.shell, **page.comps}
        page.initial = [call for dep in app.deps
                        if not dep.get("clientside_function") and not dep.get("prevent_initial_call")
                        for call in bench.expand(dep, comps)
                        if any(i in page.comps for i in call.output_ids)]
    return page.initial


# ── a level: N users for a while (optionally with a refresh) ───────────────────────
@dataclass
class Level:
    users: int
    seconds: float
    stats: Stats
    load: float
    client_cpu: float  # seconds of CPU this process (the users) used
    server_cpu: dict[int, float]  # pid → seconds of CPU used (master and workers)
    refresh: dict | None = None


async def run_level(srv: ProdServer, app: bench.App, pay: bench.Payloads, users: int,
                    duration: float, think: float, seed: int, refresh=None) -> Level:
    """`users` users for `duration` s; `refresh(t0, duration)` runs alongside."""
    stats, t0, cpu0, srv0 = Stats(), time.monotonic(), time.process_time(), srv.cpu_seconds()
    limits = httpx.Limits(max_connections=bench.BROWSER_CONNECTIONS)
    clients = [httpx.AsyncClient(base_url=srv.url, limits=limits, timeout=30, trust_env=False)
               for _ in range(users)]
    probe = asyncio.ensure_future(refresh(t0, duration)) if refresh else None
    try:
        await asyncio.gather(*(User(c, app, pay, random.Random(seed + i), stats)
                               .run(t0 + duration, think) for i, c in enumerate(clients)))
        seconds, cpu = time.monotonic() - t0, time.process_time() - cpu0
        srv1, load = srv.cpu_seconds(), os.getloadavg()[0]
        server_cpu = {pid: t - srv0.get(pid, 0.0) for pid, t in srv1.items()}
        refreshed = await probe if probe else None  # may outlast the users
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return Level(users, seconds, stats, load, cpu, server_cpu, refreshed)


async def tour(url: str, app: bench.App, pay: bench.Payloads) -> Stats:
    """One user visits every page and changes a filter there: checks that every request
    the levels will send works, and warms the workers."""
    stats = Stats()
    async with httpx.AsyncClient(base_url=url, timeout=30, trust_env=False) as client:
        user = User(client, app, pay, random.Random(0), stats)
        for page in app.pages:
            await user.visit(page)
            await user.change_filter()
    return stats


class RefreshProbe:
    """Runs `refresh` partway through a level and watches the workers switch builds."""

    def __init__(self, server: ProdServer, train_models: bool, start_share: float = 0.3):
        self.server, self.train_models, self.start_share = server, train_models, start_share
        # --topology: the refresh ships its build to the shared location the hosts follow
        self.env = {**refresh_env(train_models), **getattr(server, "refresh_env", {})}

    async def health(self) -> dict | None:
        # A new connection per probe, so the kernel hands it to any worker.
        async with httpx.AsyncClient(base_url=self.server.url, timeout=10,
                                     trust_env=False) as c:
            try:
                r = await c.get("/health")
                return r.json() if r.status_code == 200 else None
            except httpx.HTTPError:
                return None

    async def __call__(self, t0: float, duration: float) -> dict:
        before = await self.health()
        await asyncio.sleep(max(0.0, t0 + self.start_share * duration - time.monotonic()))
        started = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "netflix_insights.cli", "refresh", "--data-dir",
            str(self.server.data_dir), "--quiet", cwd=ROOT, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await proc.communicate()
        published = time.monotonic()
        # --topology: the hosts switch only once `follow` has pulled the build, so the
        # new id comes from the refresh host, not from whichever host answers /health
        new_id = (self.server.published_build() if hasattr(self.server, "published_build")
                  else (await self.health() or {}).get("build_id"))
        switched = await self.until_all_switched(new_id, published)
        return {"old": (before or {}).get("build_id"), "new": new_id, "rc": proc.returncode,
                "refresh_s": published - started, "switched": switched,
                "workers": self.server.worker_pids(), "output": output.decode(errors="replace")}

    async def until_all_switched(self, new_id: str | None, since: float,
                                 timeout: float = 30) -> dict[int, float]:
        """worker pid → seconds after publish of its first answer with the new build."""
        seen: dict[int, float] = {}
        while new_id and time.monotonic() < since + timeout:
            reply = await self.health()
            if reply and reply.get("build_id") == new_id:
                seen.setdefault(reply.get("worker_pid"), time.monotonic() - since)
            if self.server.worker_pids() <= set(seen):
                break
            await asyncio.sleep(0.05)
        return seen


# ── reporting ──────────────────────────────────────────────────────────────────────
def level_row(level: Level, think: float) -> list:
    s, fmt, pct = level.stats, bench.fmt, bench.pct
    n = len(s.latencies) + sum(s.errors.values())
    label = f"{level.users}" + (" + refresh" if level.refresh else "")
    return [label, f"{think:g}", f"{level.seconds:.0f}", len(s.clicks), n,
            f"{n / level.seconds:.1f}", fmt(pct(s.latencies, 50)), fmt(pct(s.latencies, 95)),
            fmt(pct(s.latencies, 99)), fmt(max(s.latencies, default=float("nan"))),
            fmt(pct(s.clicks, 50)), fmt(pct(s.clicks, 95)), sum(s.errors.values()), s.retried,
            "+".join(f"{100 * t / level.seconds:.0f}" for _, t in sorted(level.server_cpu.items())),
            fmt(1000 * sum(level.server_cpu.values()) / max(1, len(s.latencies))),
            f"{100 * level.client_cpu / level.seconds:.0f}", f"{level.load:.1f}"]


def report(levels: list[Level], think: float, topology_mode: bool = False) -> None:
    print("\nrequest latency: client wall time per HTTP request, ms; click: a page visit or "
          "filter change, all its requests; server cpu: % of one core used by the gunicorn "
          "master + each worker, and CPU ms per answered request; client cpu: this process; load avg: 1-minute, at "
          "the end of the level")
    bench.table(["users", "think s", "secs", "clicks", "requests", "req/s", "p50", "p95",
                 "p99", "max", "click p50", "click p95", "errors", "retried", "server cpu %",
                 "cpu ms/req", "client cpu %", "load avg"],
                [level_row(lv, think) for lv in levels])
    for lv in levels:
        if lv.stats.errors:
            print(f"  errors at {lv.users} users: {lv.stats.errors}")
        if lv.refresh:
            report_refresh(lv.refresh)
    target_users = TOPOLOGY_TARGET_USERS if topology_mode else TARGET_USERS
    target = next((lv for lv in levels if lv.users == target_users and not lv.refresh), None)
    if target:
        report_kinds(target)
        p95 = bench.pct(target.stats.latencies, 95)
        ok = p95 < TARGET_P95_MS and not target.stats.errors
        print(f"\ntarget at {target_users} users: zero errors and p95 < {TARGET_P95_MS:.0f} ms "
              f"→ {'met' if ok else 'MISSED'} (p95 {bench.fmt(p95)} ms, "
              f"{sum(target.stats.errors.values())} errors)")


def refresh_ok(r: dict) -> bool:
    """The refresh published and every worker was seen serving its build."""
    return r["rc"] == 0 and r["new"] != r["old"] and r["workers"] <= set(r["switched"])


def report_kinds(level: Level) -> None:
    """Where the time goes at one level: per request kind, slowest callbacks first."""
    kinds = level.stats.by_kind
    calls = sorted((k for k in kinds if k.startswith("callback ")),
                   key=lambda k: -bench.pct(kinds[k], 95))
    rows = [[k, len(kinds[k]), bench.fmt(bench.pct(kinds[k], 50)),
             bench.fmt(bench.pct(kinds[k], 95))]
            for k in ["page", "layout", "dependencies"] + calls[:8] if k in kinds]
    every = [ms for k in calls for ms in kinds[k]]
    rows.append(["callback (all)", len(every), bench.fmt(bench.pct(every, 50)),
                 bench.fmt(bench.pct(every, 95))])
    print(f"\nper request kind at {level.users} users (the 8 slowest callbacks by p95):")
    bench.table(["request", "n", "p50", "p95"], rows)


def report_refresh(r: dict) -> None:
    print(f"  refresh mid-run: exit {r['rc']}, {r['refresh_s']:.1f} s, build {r['old']} → "
          f"{r['new']}")
    if r["rc"] != 0:
        print("  refresh output:\n" + r["output"])
    for pid in sorted(r["workers"]):
        at = r["switched"].get(pid)
        print(f"    worker {pid}: " + ("never seen on the new build" if at is None else
                                      f"served the new build {at:.2f} s after the refresh exited"))
    print("  every worker switched to the new build" if refresh_ok(r)
          else "  NOT every worker switched")


# ── main ───────────────────────────────────────────────────────────────────────────
def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", type=Path, default=None,
                   help="copy this data dir (default: build one from the bundled snapshot)")
    p.add_argument("--users", default="1,8,32", help="comma-separated user counts")
    p.add_argument("--duration", type=float, default=20, help="seconds per level")
    p.add_argument("--think", type=float, default=1.0,
                   help="mean pause between one user's clicks, seconds (0: none)")
    p.add_argument("--refresh-users", type=int, default=TARGET_USERS,
                   help="users during the refresh level (0: skip it)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--train-models", action="store_true",
                   help="train models in the builds (slower refresh, model pages filled)")
    p.add_argument("--seed", type=int, default=20261121)
    p.add_argument("--topology", action="store_true",
                   help="nginx in front of --hosts app hosts (--workers each) and a refresh "
                        "host shipping builds to them (benchmarks/topology.py)")
    p.add_argument("--hosts", type=int, default=2, help="--topology: app hosts")
    p.add_argument("--slow-clients", type=int, default=50,
                   help="--topology: slow clients in the /health check (0: skip it)")
    return p.parse_args()


def main() -> int:
    args = parse_args()
    levels_n = [int(n) for n in args.users.split(",") if n.strip()]
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {date.today()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    work = Path(tempfile.mkdtemp(prefix="load-test-"))
    try:
        data_dir = prepare_data_dir(args.data_dir, work, args.train_models)
        if args.topology:
            with topology.Cluster(data_dir, args.hosts, args.workers, args.threads) as srv:
                return run_all(srv, args, levels_n)
        with ProdServer(data_dir, "prod", args.workers, args.threads) as srv:
            return run_all(srv, args, levels_n)
    except bench.AppFailed as exc:
        print(f"\nthe app failed: {exc}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)


def rss_mib(pid: int, field_name: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_all(srv: ProdServer, args, levels_n: list[int]) -> int:
    what = (f"nginx on {srv.url} → {args.hosts} app hosts ({', '.join(u for u, _ in srv.hosts)})"
            f", each serve --prod --workers {args.workers} --threads {args.threads}"
            if args.topology else f"netflix-insights serve --prod --workers {args.workers} "
            f"--threads {args.threads} on {srv.url}")
    print(f"server: {what} (workers {sorted(srv.worker_pids())})")
    with httpx.Client(base_url=srv.url, trust_env=False, timeout=60) as client:
        app = bench.discover(client)
    print("pages: " + ", ".join(f"{p.path} ({len(p.calls)} filter callbacks)" for p in app.pages))
    pay = bench.Payloads(app.shell, args.seed)  # one for the run: every payload unique
    toured = asyncio.run(tour(srv.url, app, pay))
    print(f"tour (every page visited once, one filter change each): "
          f"{len(toured.latencies)} requests, errors {toured.errors or 'none'}")
    levels = []
    for n in levels_n:
        lv = asyncio.run(run_level(srv, app, pay, n, args.duration, args.think,
                                   args.seed + n))
        print(f"  {n} users: {len(lv.stats.clicks)} clicks, load average {lv.load:.1f}",
              flush=True)
        levels.append(lv)
    if args.refresh_users:
        probe = RefreshProbe(srv, args.train_models)
        levels.append(asyncio.run(run_level(srv, app, pay, args.refresh_users,
                                            args.duration, args.think, args.seed + 1000,
                                            probe)))
    report(levels, args.think, args.topology)
    slow_ok = True
    if args.topology and args.slow_clients:
        slow_ok = report_slow_clients(srv, args.slow_clients)
    print("worker memory at the end (VmRSS / VmHWM peak): " + ", ".join(
        f"{pid}: {rss_mib(pid, 'VmRSS'):.0f} / {rss_mib(pid, 'VmHWM'):.0f} MiB"
        for pid in sorted(srv.worker_pids())))
    if "Traceback" in srv.tail(100_000):
        print(f"\nthe server logged tracebacks: {srv.logdir / 'server.log'} (kept)")
    else:
        shutil.rmtree(srv.logdir, ignore_errors=True)
    failed = toured.errors or any(lv.stats.errors for lv in levels) or any(
        not refresh_ok(lv.refresh) for lv in levels if lv.refresh) or not slow_ok
    return 1 if failed else 0


def report_slow_clients(srv, n: int) -> bool:
    """/health under `n` slow clients: through nginx, then one host's gunicorn directly
    (the baseline: what the issue measured, 18 s at 8 slow clients)."""
    print(f"\n{n} clients sending their request headers a byte every 0.5 s; /health "
          "fetched every 0.5 s on a new connection (10 s cap):")
    rows, behind = [], None
    for label, url in (("through nginx", srv.url), ("one host's gunicorn directly (baseline)",
                                                     srv.hosts[0][0])):
        r = topology.slow_clients(url, n)
        behind = behind or r
        rows.append([label, r["connections"], r["probes"], f"{r['median_s'] * 1000:.0f}",
                     f"{r['max_s'] * 1000:.0f}", r["failures"]])
    bench.table(["/health", "slow conns", "probes", "median ms", "max ms", "failed"], rows)
    ok = behind["max_s"] <= SLOW_HEALTH_LIMIT_S and not behind["failures"]
    print(f"target: /health within {SLOW_HEALTH_LIMIT_S:g} s behind nginx → "
          f"{'met' if ok else 'MISSED'}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
