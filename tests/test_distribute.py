"""One refresh host, several app hosts: a build shipped to the shared location is pulled
whole and checked before it is published on a host; a bad copy publishes nothing; the
refresh lock lives in PostgreSQL when database_url is set."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from base import pg
from base.paths import Paths
from conftest import new_database
from etl.publish import RefreshLocked
from netflix_insights import distribute
from netflix_insights.refresh import cluster_lock
from servers import ROOT


@pytest.fixture
def hosts(built_data_dir, tmp_path):
    """(refresh host's data dir, an app host's empty data dir, the shared location)."""
    refresh_host = tmp_path / "refresh"
    shutil.copytree(built_data_dir, refresh_host, symlinks=True)
    return refresh_host, tmp_path / "app", tmp_path / "shared"


def test_a_shipped_build_is_pulled_checked_and_published(hosts):
    refresh_host, app_host, shared = hosts
    build_id = distribute.local_build_id(Paths(refresh_host))
    assert distribute.pull(shared, app_host) is None  # nothing shipped yet
    shared.mkdir()

    def follow_once() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "netflix_insights.cli", "follow", "--once",
                               "--from", str(shared), "--data-dir", str(app_host)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    out = follow_once()   # a wrong --from used to be silent
    assert out.returncode == 0 and f"no build shipped to {shared} yet" in out.stderr
    pointer = distribute.ship(refresh_host, build_id, shared)
    assert json.loads((shared / "current.json").read_text()) == pointer
    out = follow_once()
    assert out.returncode == 0 and f"published {build_id}" in out.stderr, out.stderr
    local = Paths(app_host).current_link.resolve()
    assert local.parent == Paths(app_host).builds_dir and local.stem == build_id
    assert local.read_bytes() == Paths(refresh_host).build_file(build_id).read_bytes()
    assert distribute.pull(shared, app_host) is None  # already current: nothing to do
    assert f"up to date: build {build_id}" in follow_once().stderr


def test_a_damaged_copy_publishes_nothing(hosts):
    refresh_host, app_host, shared = hosts
    build_id = distribute.local_build_id(Paths(refresh_host))
    distribute.ship(refresh_host, build_id, shared)
    shipped = shared / "builds" / f"{build_id}.duckdb"
    data = bytearray(shipped.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shipped.write_bytes(bytes(data))
    with pytest.raises(distribute.ShipError, match="does not match its pointer"):
        distribute.pull(shared, app_host)
    assert not Paths(app_host).current_link.exists()
    assert not list(Paths(app_host).builds_dir.glob("*"))  # no partial left either


def test_the_refresh_lock_is_held_in_postgresql(postgres, monkeypatch):
    url = new_database(postgres, "refresh_lock")
    monkeypatch.setenv("NETFLIX_INSIGHTS_DATABASE_URL", url)
    with pg.advisory_lock(url, "refresh") as taken:  # another host's refresh
        assert taken
        with pytest.raises(RefreshLocked, match="another refresh is running on some host"):
            with cluster_lock():
                pass
    with cluster_lock():  # released when that host's connection ended
        pass
    monkeypatch.setenv("NETFLIX_INSIGHTS_DATABASE_URL",
                       f"postgresql://nobody@127.0.0.1:{_closed_port()}/x")
    with pytest.raises(pg.DatabaseUnavailable, match="cannot reach PostgreSQL"):
        with cluster_lock():
            pass


def _closed_port() -> int:
    from servers import free_port
    return free_port()


def test_follow_without_a_location_is_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NETFLIX_INSIGHTS_PUBLISH_DIR"}
    out = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "follow", "--once",
                          "--data-dir", str(tmp_path)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "--from DIR" in out.stderr and "Traceback" not in out.stderr
