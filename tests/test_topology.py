"""The production topology on one machine, every part a real server: Debian's nginx
balancing two app hosts (gunicorn, separate data dirs, each following the shared
location), one PostgreSQL for user state and the refresh lock, one refresh host.

- a Blend created through host A opens, and is edited, through host B;
- a refresh published mid-load switches both hosts, with no failed request;
- one host killed mid-load costs no request nginx can retry (GETs, and POSTs it had not
  yet sent); a POST already sent to the dying host is the only kind that may fail.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from base.paths import Paths
from blend.profiles_pg import PgProfileStore, migrate
from conftest import new_database
from netflix_insights import distribute
from servers import ROOT, Proc, nginx_balancer, serve, spawn, stop

HISTORY = Path(__file__).resolve().parent / "data" / "viewing_histories" / "kdrama_romance.csv"
CALLBACK = "/_dash-update-component"
KPIS = {"output": "universe-kpis.children",
        "outputs": {"id": "universe-kpis", "property": "children"},
        "inputs": [{"id": "filters-store", "property": "data", "value": None}],
        "changedPropIds": []}


@dataclass
class Topology:
    lb: Proc
    hosts: dict[str, Proc]
    followers: list[Proc]
    refresh_host: Path
    shared: Path
    env: dict[str, str]
    db_url: str
    tmp: Path
    deps: list = field(default_factory=list)


@pytest.fixture(scope="module")
def topology(built_data_dir, postgres, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("topology")
    db_url = new_database(postgres, "topology")
    migrate(db_url)
    shared, refresh_host = tmp / "shared", tmp / "refresh-host"
    shutil.copytree(built_data_dir, refresh_host, symlinks=True)
    (refresh_host / "warehouse" / "refresh.lock").unlink(missing_ok=True)
    distribute.ship(refresh_host, distribute.local_build_id(Paths(refresh_host)), shared)
    env = {"NETFLIX_INSIGHTS_DATABASE_URL": db_url, "NETFLIX_INSIGHTS_PUBLISH_DIR": str(shared),
           "NETFLIX_INSIGHTS_TRAIN_MODELS": "0"}
    started: list[Proc] = []
    try:
        hosts, followers = {}, []
        for name in ("a", "b"):
            data = tmp / f"host-{name}"
            distribute.pull(shared, data)  # what `follow` does on a host's first start
            followers.append(Proc(spawn([sys.executable, "-m", "netflix_insights.cli",
                                         "follow", "--every", "0.3", "--data-dir", str(data)],
                                        tmp / f"follow-{name}.log", env), 0,
                                  tmp / f"follow-{name}.log"))
            started.append(followers[-1])
            hosts[name] = serve(data, tmp / f"host-{name}.log", proxy=False, env=env,
                                workers=1)
            started.append(hosts[name])
        lb = nginx_balancer(tmp / "lb", [f"127.0.0.1:{h.port}" for h in hosts.values()],
                            tmp / "lb.log")
        started.append(lb)
        topo = Topology(lb, hosts, followers, refresh_host, shared, env, db_url, tmp)
        topo.deps = httpx.get(lb.url + "/_dash-dependencies", timeout=30, trust_env=False).json()
        yield topo
    finally:
        for proc in reversed(started):
            stop(proc, signal.SIGQUIT if proc.log.name == "lb.log" else signal.SIGTERM)


# ── Dash callbacks over HTTP, as the browser sends them ──────────────────────────────
def _outputs(output: str) -> list[dict]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), p.rsplit(".", 1))) for p in parts]


def call(topo: Topology, url: str, trigger: str, values: dict, changed=None,
         output: str = "") -> dict:
    """POST the callback whose inputs include `trigger` ("id.prop") and whose outputs
    include `output`, with inputs and state filled from `values` ("id.prop" → value; a
    list for pattern-matching ALL inputs)."""
    dep = next(d for d in topo.deps if output in d["output"] and
               any(f"{i['id']}.{i['property']}" == trigger for i in d["inputs"]))

    def fill(items):
        return [values.get(f"{i['id']}.{i['property']}") if i["id"].startswith("{")
                else {**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]
    body = {"output": dep["output"], "outputs": _outputs(dep["output"]),
            "inputs": fill(dep["inputs"]), "state": fill(dep["state"]),
            "changedPropIds": changed or [trigger]}
    r = httpx.post(url + CALLBACK, json=body, timeout=60, trust_env=False)
    assert r.status_code == 200, r.text[:500]
    return r.json()["response"]


def pattern(kind: str, profile: str, prop: str, value) -> list[dict]:
    return [{"id": {"profile": profile, "type": kind}, "property": prop, "value": value}]


def pattern_key(kind: str, prop: str) -> str:
    return json.dumps({"profile": ["ALL"], "type": kind}, separators=(",", ":")) + f".{prop}"


# ── tests ─────────────────────────────────────────────────────────────────────────────
def test_nginx_balances_both_hosts(topology):
    pids = {httpx.get(topology.lb.url + "/health", timeout=30, trust_env=False).json()["worker_pid"]
            for _ in range(12)}
    direct = {name: httpx.get(h.url + "/health", timeout=30, trust_env=False).json()["worker_pid"]
              for name, h in topology.hosts.items()}
    assert set(direct.values()) <= pids and len(pids) == 2


def test_a_blend_made_through_a_opens_and_is_edited_through_b(topology):
    a, b = topology.hosts["a"].url, topology.hosts["b"].url
    contents = "data:text/csv;base64," + base64.b64encode(HISTORY.read_bytes()).decode()
    made = call(topology, a, "blend-new-upload.contents", {
        "blend-new-upload.contents": contents, "blend-new-upload.filename": "ana.csv",
        "blend-new-name.value": "Ana"})
    keys = next(v["data"] for k, v in made.items() if k == "blend-keys")
    [(profile_id, edit_key)] = keys.items()
    blend_id = next(v["pathname"] for v in made.values() if "pathname" in v).rsplit("/", 1)[1]

    assert httpx.get(f"{b}/blend/{blend_id}", timeout=30, trust_env=False).status_code == 200
    shown = call(topology, b, "blend-version.data", {
        "blend-version.data": 0, "blend-id.data": blend_id, "blend-keys.data": keys}, output="blend-members")
    assert "Ana" in json.dumps(shown["blend-members"])

    rename = {pattern_key("blend-rename-button", "n_clicks"):
              pattern("blend-rename-button", profile_id, "n_clicks", 1),
              pattern_key("blend-hide", "value"): pattern("blend-hide", profile_id, "value", []),
              pattern_key("blend-delete", "submit_n_clicks"):
              pattern("blend-delete", profile_id, "submit_n_clicks", None),
              pattern_key("blend-rename-input", "value"):
              pattern("blend-rename-input", profile_id, "value", "Ana on B"),
              pattern_key("blend-rename-input", "id"):
              pattern("blend-rename-input", profile_id, "id",
                      {"profile": profile_id, "type": "blend-rename-input"}),
              "blend-keys.data": {profile_id: edit_key}, "blend-version.data": 1,
              "blend-content.data": 0}
    changed = [json.dumps({"profile": profile_id, "type": "blend-rename-button"},
                          separators=(",", ":")) + ".n_clicks"]
    edited = call(topology, b, pattern_key("blend-rename-button", "n_clicks"), rename, changed)
    recs = call(topology, b, "blend-version.data", {
        "blend-version.data": 2, "blend-id.data": blend_id}, output="blend-recs")
    assert "blend-recs" in recs  # answered (models are off here: it says so, no 500)
    assert "renamed" in json.dumps(edited).lower() or "Ana on B" in json.dumps(edited)
    assert [m.name for m in PgProfileStore(topology.db_url).members(blend_id)] == ["Ana on B"]
    again = call(topology, a, "blend-version.data", {
        "blend-version.data": 2, "blend-id.data": blend_id, "blend-keys.data": {}}, output="blend-members")
    assert "Ana on B" in json.dumps(again["blend-members"])


class Load:
    """Threads sending GET /health and the KPI callback through nginx until stopped;
    every answer's status, method and time."""

    def __init__(self, url: str, threads: int = 4, pause_s: float = 0.05):
        self.url, self.stopping, self.results = url, threading.Event(), []
        self.pause_s = pause_s  # a user's pause: leaves the 2 cores to the refresh too
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(threads)]

    def _run(self, i: int) -> None:
        with httpx.Client(timeout=30, trust_env=False) as client:
            n = 0
            while not self.stopping.is_set():
                n += 1
                method = "POST" if (n + i) % 2 else "GET"
                try:
                    r = (client.post(self.url + CALLBACK, json=KPIS) if method == "POST"
                         else client.get(self.url + "/health"))
                    self.results.append((method, r.status_code, time.monotonic()))
                except httpx.HTTPError as exc:
                    self.results.append((method, type(exc).__name__, time.monotonic()))
                self.stopping.wait(self.pause_s)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for t in self.threads:
            t.join(60)

    def failures(self) -> list:
        return [r for r in self.results if r[1] != 200]


def test_a_refresh_mid_load_switches_both_hosts(topology):
    before = distribute.local_build_id(Paths(topology.refresh_host))
    with Load(topology.lb.url) as load:
        time.sleep(1)
        out = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "refresh", "--quiet",
                              "--data-dir", str(topology.refresh_host)], cwd=ROOT,
                             env={**os.environ, **topology.env}, capture_output=True, text=True,
                             timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
        after = distribute.local_build_id(Paths(topology.refresh_host))
        assert after != before
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            served = {name: httpx.get(h.url + "/health", timeout=30, trust_env=False).json()["build_id"]
                      for name, h in topology.hosts.items()}
            if set(served.values()) == {after}:
                break
            time.sleep(0.2)
        assert set(served.values()) == {after}, served
        time.sleep(1)  # requests on the new build, through nginx
    assert len(load.results) > 50
    assert load.failures() == []


def test_a_host_killed_mid_load_costs_no_retryable_request(topology):
    victim = topology.hosts["b"]
    with Load(topology.lb.url, threads=6) as load:
        time.sleep(1.5)
        killed_at = time.monotonic()
        os.killpg(victim.proc.pid, signal.SIGKILL)  # master and worker, no goodbye
        victim.proc.wait(10)
        time.sleep(2.5)
    gets = [r for r in load.results if r[0] == "GET"]
    after = [r for r in load.results if r[2] > killed_at + 0.5]
    assert len(gets) > 20 and len(after) > 20
    # nginx retried every GET it could: none failed but one whose response was being sent
    # when the host died (nginx passes a request on "only if nothing has been sent to a
    # client yet"): seen once in a fresh clone's suite, as httpx's RemoteProtocolError
    cut = [(r[1], round(r[2] - killed_at, 3)) for r in gets if r[1] != 200]
    assert all(kind == "RemoteProtocolError" and after_kill < 0.5
               for kind, after_kill in cut), cut
    assert len(cut) <= 1, cut
    lost = [(r[1], round(r[2] - killed_at, 3)) for r in load.failures() if r[0] == "POST"]
    # in flight only: each ended within 0.5 s of the kill (seconds after it, listed), as
    # nginx's 502 or, once in a full-suite run under load, as a connection closed
    # without a whole response (httpx RemoteProtocolError): the same POST in flight
    assert all(kind in (502, "RemoteProtocolError") and after_kill < 0.5
               for kind, after_kill in lost), lost
    assert len(lost) <= 6                                # at most one per client
