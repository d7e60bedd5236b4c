"""Refresh fault tests beyond tests/test_refresh.py: SIGKILL in every stage, a disk that
fills up while building, corrupt and truncated source files, and a TMDB server that
times out, fails or sends malformed JSON. Every time: a clear message, nothing
published, the served build untouched, and the next run succeeds."""
from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_refresh import start_paused_refresh
from tmdb_server import FakeTmdb

from base.paths import Paths
from etl.publish import run_history
from etl.sources.snapshot import SNAPSHOT_DIR
from netflix_insights.refresh import RefreshFailed, refresh

ROOT = Path(__file__).resolve().parent.parent


def assert_untouched(data_dir: Path, before: Path) -> None:
    paths = Paths(data_dir)
    assert paths.current_link.resolve() == before
    assert not list(paths.builds_dir.glob("*.partial*"))
    with duckdb.connect(str(paths.current_link), read_only=True) as con:
        assert con.execute("select count(*) from titles").fetchall()[0][0] == 8807


@pytest.mark.parametrize("stage", ["transform", "build", "train"])
def test_killed_in_the_other_stages(fresh_data_dir, stage, monkeypatch):
    """extract, check and publish are in tests/test_refresh.py."""
    monkeypatch.setenv("NETFLIX_INSIGHTS_TRAIN_MODELS", "0")  # the train stage still runs
    before = Paths(fresh_data_dir).current_link.resolve()
    proc = start_paused_refresh(fresh_data_dir, stage)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert Paths(fresh_data_dir).current_link.resolve() == before
    assert run_history(Paths(fresh_data_dir))[-1]["status"] == "failed"
    result = refresh(fresh_data_dir, quiet=True)   # the lock was released by the kernel
    assert Paths(fresh_data_dir).current_link.resolve() == result.path


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a failed write, not a killed process
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from netflix_insights.cli import main
sys.exit(main(["refresh", "--data-dir", sys.argv[2], "--replay", sys.argv[3]]))
"""


def test_a_full_disk_while_building_publishes_nothing(fresh_data_dir):
    """The refresh process may write no file past 4 MiB (RLIMIT_FSIZE: the kernel
    answers EFBIG, as a full disk answers ENOSPC); the build file needs far more."""
    paths = Paths(fresh_data_dir)
    before = paths.current_link.resolve()
    load = next((paths.raw_dir / "snapshot").iterdir())
    done = subprocess.run([sys.executable, "-c", FULL_DISK, str(4 << 20), str(fresh_data_dir),
                           str(load)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NETFLIX_INSIGHTS_TRAIN_MODELS": "0"})
    assert done.returncode == 1, done.stderr
    assert "out of disk space (or over a file-size limit)" in done.stderr
    assert "nothing published" in done.stderr and "Traceback" not in done.stderr
    assert_untouched(fresh_data_dir, before)
    assert run_history(paths)[-1]["status"] == "failed"
    assert refresh(fresh_data_dir, quiet=True, replay=load).build_id


def _catalog_text() -> str:
    return gzip.decompress((SNAPSHOT_DIR / "kaggle_netflix_titles.csv.gz").read_bytes()).decode()


@pytest.mark.parametrize("name, damage, message", [
    ("truncated mid-row", lambda t: t[: len(t) // 2], ""),
    ("binary garbage", lambda t: os.urandom(4000), ""),
    ("a zip archive named .csv", lambda t: b"PK\x03\x04" + os.urandom(3000), ""),
    ("header only", lambda t: t.splitlines()[0] + "\n", ""),
    ("empty", lambda t: "", ""),
])
def test_corrupt_or_truncated_catalog(fresh_data_dir, tmp_path, name, damage, message):
    """A damaged Kaggle file either fails the run with a message (nothing published)
    or, if it still parses, must not replace a good build with a gutted one: the
    row-count check against the previous build stops a half-size catalog."""
    before = Paths(fresh_data_dir).current_link.resolve()
    data = damage(_catalog_text())
    path = tmp_path / "netflix_titles.csv"
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    with pytest.raises(RefreshFailed) as err:
        refresh(fresh_data_dir, kaggle_csv=path, quiet=True)
    text = str(err.value)
    assert text and "Traceback" not in text and message in text
    assert_untouched(fresh_data_dir, before)


def test_corrupt_bundled_snapshot_is_refused(fresh_data_dir, tmp_path, monkeypatch):
    """A damaged or altered bundled file fails before anything is built."""
    import etl.sources.snapshot as snapshot
    copy = tmp_path / "snapshot"
    copy.mkdir()
    for f in SNAPSHOT_DIR.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    victim = copy / "kaggle_netflix_titles.csv.gz"
    victim.write_bytes(victim.read_bytes()[:-100])   # truncated
    original = snapshot.extract
    monkeypatch.setattr(snapshot, "extract", lambda: original(copy))
    before = Paths(fresh_data_dir).current_link.resolve()
    with pytest.raises(RefreshFailed, match="not a complete gzip file"):
        refresh(fresh_data_dir, quiet=True)
    assert_untouched(fresh_data_dir, before)
    # intact gzip, altered content: the checksum catches it
    victim.write_bytes(gzip.compress(_catalog_text().replace("Dick Johnson", "Rick").encode()))
    with pytest.raises(RefreshFailed, match="does not match SHA256SUMS"):
        refresh(fresh_data_dir, quiet=True)
    assert_untouched(fresh_data_dir, before)


@pytest.fixture
def kaggle_csv(tmp_path):
    path = tmp_path / "netflix_titles.csv"
    path.write_text(_catalog_text())
    return path


@pytest.mark.parametrize("kind, message", [("500", "500"), ("malformed", "JSON"),
                                           ("slow", "")])
def test_failing_tmdb_server_publishes_nothing(fresh_data_dir, kaggle_csv, monkeypatch,
                                               kind, message):
    before = Paths(fresh_data_dir).current_link.resolve()
    with FakeTmdb() as tmdb:
        monkeypatch.setenv("TMDB_BASE_URL", tmdb.base_url)
        monkeypatch.setenv("TMDB_API_TOKEN", tmdb.token)
        monkeypatch.setenv("TMDB_PAGES", "1")
        monkeypatch.setenv("TMDB_MAX_RETRIES", "1")
        monkeypatch.setenv("TMDB_TIMEOUT_SECONDS", "0.5")
        tmdb.fail(kind, times=None, path="/genre", delay=2.0)
        with pytest.raises(RefreshFailed) as err:
            refresh(fresh_data_dir, source="live", kaggle_csv=kaggle_csv, quiet=True,
                    tmdb_limit=5)
    assert message in str(err.value) and "Traceback" not in str(err.value)
    assert_untouched(fresh_data_dir, before)
