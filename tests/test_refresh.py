"""A full refresh from the bundled snapshot, and everything that must not break it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from conftest import table_digest

from base.paths import Paths
from etl import raw
from etl.publish import RefreshLocked, refresh_lock, run_history
from netflix_insights.refresh import RefreshFailed, refresh
from queries import catalog
from queries.db import Warehouse
from warehouse import schema

NOT_CONTENT = {"etl_runs", "build_info", "model_metrics"}  # describe the run, not the data


def mart_digests(path: Path) -> dict[str, str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: table_digest(con, t) for t in schema.tables() if t not in NOT_CONTENT}
    finally:
        con.close()


def test_snapshot_build_publishes_every_documented_table(warehouse_con):
    built = {r[0] for r in warehouse_con.execute(
        "select table_name from information_schema.tables where table_schema='main'").fetchall()}
    assert built == set(schema.tables())
    assert warehouse_con.execute("select count(*) from titles").fetchall()[0][0] == 8807
    run = warehouse_con.execute("select status, checks_failed, checks_passed from etl_runs").fetchall()
    assert run[0][0] == "published" and run[0][1] == 0 and run[0][2] > 100


def test_quarantine_and_repairs_are_recorded(warehouse_con):
    q = warehouse_con.execute("select source_table, count(*) from quarantine group by all "
                              "order by all").fetchall()
    assert q == [("imdb_titles", 1), ("tmdb_popular", 11)]
    fixed = dict(warehouse_con.execute("select issue, rows_affected from data_issues").fetchall())
    assert fixed["duration in the rating column"] == 3


def test_match_rates_clear_the_floor(warehouse_con):
    rates = dict(warehouse_con.execute("select kind, match_rate from match_rates where "
                                       "source='imdb' and match_method='all'").fetchall())
    assert rates["movie"] > 0.40 and rates["show"] > 0.55


def test_monthly_series_are_dense_and_add_up(warehouse_con):
    gaps = warehouse_con.execute("""
        select count(*) from (select kind, genre, month,
               month - lag(month) over (partition by kind, genre order by month) as step
               from monthly_additions) where step is not null and step > 31  -- date - date = days
    """).fetchall()[0][0]
    assert gaps == 0
    total = warehouse_con.execute("select sum(titles_added) from monthly_totals").fetchall()[0][0]
    assert total == 8807 - 10  # every title with a date_added, once


def test_refresh_is_idempotent_and_replayable(fresh_data_dir, capsys):
    """The second run reuses the first's title matches (etl/match_cache.py, stored in the
    copied data dir): every mart must come out as the first run's, which matched."""
    paths = Paths(fresh_data_dir)
    first = paths.current_link.resolve()
    second = refresh(fresh_data_dir)
    assert "title matches reused" in capsys.readouterr().err
    assert second.path != first
    assert mart_digests(first) == mart_digests(second.path)
    load = sorted((paths.raw_dir / "snapshot").iterdir())[-1]
    replayed = refresh(fresh_data_dir, replay=load, quiet=True)
    assert mart_digests(replayed.path) == mart_digests(first)
    con = duckdb.connect(str(replayed.path), read_only=True)
    statuses = con.execute("select status from etl_runs order by started_at").fetchall()
    con.close()
    assert [s[0] for s in statuses] == ["published"] * 3


def test_a_broken_match_cache_file_is_matched_again_not_trusted(fresh_data_dir, capsys):
    cache = Paths(fresh_data_dir).cache_dir / "matches"
    (entry,) = cache.glob("*.parquet")   # stored by the session's build
    good = mart_digests(Paths(fresh_data_dir).current_link.resolve())
    entry.write_bytes(b"PAR1 torn")
    result = refresh(fresh_data_dir)
    assert "title matches reused" not in capsys.readouterr().err
    assert mart_digests(result.path) == good
    refresh(fresh_data_dir)   # the rewritten entry is whole, and used
    assert "title matches reused" in capsys.readouterr().err


def test_raw_load_is_complete_parquet(built_data_dir):
    load_dir = next((Paths(built_data_dir).raw_dir / "snapshot").iterdir())
    load = raw.read_load(load_dir)
    tables = raw.load_tables(load)
    assert load.manifest["row_counts"]["netflix_titles"] == tables["netflix_titles"].height == 8807
    raw.check_contract(tables)


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_bad_input_fails_clearly_and_keeps_last_good_build(fresh_data_dir, tmp_path):
    paths = Paths(fresh_data_dir)
    before = paths.current_link.resolve()
    bad = write_csv(tmp_path / "netflix.csv", "show_id,title", ["s1,Oops"])
    with pytest.raises(RefreshFailed, match="missing columns"):
        refresh(fresh_data_dir, kaggle_csv=bad, quiet=True)
    assert paths.current_link.resolve() == before
    assert not list(paths.builds_dir.glob("*.partial*"))
    assert run_history(paths)[-1]["status"] == "failed"


def test_failing_data_checks_publish_nothing(fresh_data_dir, tmp_path):
    """A catalog that parses but matches nothing trips the match-rate floor."""
    header = ("show_id,type,title,director,cast,country,date_added,release_year,rating,"
              "duration,listed_in,description")
    rows = [f's{i},Movie,Zzqx Unknown Film {i},,,France,"May 1, 2020",2020,PG,90 min,Dramas,x'
            for i in range(200)]
    paths = Paths(fresh_data_dir)
    before = paths.current_link.resolve()
    with pytest.raises(RefreshFailed, match="data checks failed") as err:
        refresh(fresh_data_dir, kaggle_csv=write_csv(tmp_path / "n.csv", header, rows), quiet=True)
    assert "match_rate_floor" in str(err.value)
    assert "row count vs previous build" in str(err.value)
    assert paths.current_link.resolve() == before


def test_second_refresh_is_refused_while_one_runs(fresh_data_dir):
    with refresh_lock(Paths(fresh_data_dir)):
        with pytest.raises(RefreshLocked, match="another refresh is running"):
            refresh(fresh_data_dir, quiet=True)


def start_paused_refresh(data_dir: Path, stage: str) -> subprocess.Popen:
    env = {**os.environ, "NETFLIX_INSIGHTS_TEST_PAUSE_STAGE": stage,
           "NETFLIX_INSIGHTS_TEST_PAUSE_SECONDS": "120"}
    proc = subprocess.Popen([sys.executable, "-m", "netflix_insights.cli", "refresh", "--data-dir",
                             str(data_dir)], env=env, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if f"paused at stage {stage}" in line:
            return proc
    raise AssertionError(f"refresh never reached stage {stage}: exit {proc.wait()}")


@pytest.mark.parametrize("stage", ["extract", "check", "publish"])
def test_killed_refresh_leaves_served_build_and_recovers(fresh_data_dir, stage):
    paths = Paths(fresh_data_dir)
    before = paths.current_link.resolve()
    proc = start_paused_refresh(fresh_data_dir, stage)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert paths.current_link.resolve() == before
    con = duckdb.connect(str(paths.current_link), read_only=True)  # still a whole file
    assert con.execute("select count(*) from titles").fetchall()[0][0] == 8807
    con.close()
    assert run_history(paths)[-1]["status"] == "failed"  # the killed run, reported
    result = refresh(fresh_data_dir, quiet=True)  # lock recovered, leftovers removed
    assert paths.current_link.resolve() == result.path
    assert not list(paths.builds_dir.glob("*.partial*"))


def test_an_interrupted_refresh_says_so_and_the_next_run_cleans_up(fresh_data_dir):
    """Ctrl-C in the build stage: the run is logged 'interrupted' (it stayed 'running',
    read back as 'killed?'), and its partial build goes with the next run."""
    paths = Paths(fresh_data_dir)
    before = paths.current_link.resolve()
    proc = start_paused_refresh(fresh_data_dir, "build")
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    assert proc.returncode != 0 and paths.current_link.resolve() == before
    assert run_history(paths)[-1]["status"] == "interrupted"
    refresh(fresh_data_dir, quiet=True)
    assert not list(paths.builds_dir.glob("*.partial*"))


def test_reader_keeps_working_while_a_refresh_publishes(fresh_data_dir):
    wh = Warehouse(fresh_data_dir)
    first_id = wh.build_id
    errors, seen, stop = [], set(), threading.Event()

    def read_loop():
        while not stop.is_set():
            try:
                seen.add(wh.query("build_info")["build_id"][0])
                assert catalog.catalog_kpis(wh).titles == 8807
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(repr(exc))
            wh._cache.clear()  # force real queries, not cache hits

    readers = [threading.Thread(target=read_loop) for _ in range(3)]
    for t in readers:
        t.start()
    new = refresh(fresh_data_dir, quiet=True)
    time.sleep(0.5)
    stop.set()
    for t in readers:
        t.join()
    assert errors == []
    assert {first_id, new.build_id} <= seen
    assert wh.build_id == new.build_id and wh._retired == []
    wh.close()


def test_old_builds_are_pruned(fresh_data_dir, monkeypatch):
    monkeypatch.setenv("NETFLIX_INSIGHTS_KEEP_BUILDS", "2")
    for _ in range(2):  # with the fixture's own build: three, one more than kept
        refresh(fresh_data_dir, quiet=True)
    builds = sorted(Paths(fresh_data_dir).builds_dir.glob("*.duckdb"))
    assert len(builds) == 2 and Paths(fresh_data_dir).current_link.resolve() == builds[-1]


def test_old_raw_loads_are_pruned_but_replayable_ones_kept(fresh_data_dir, monkeypatch):
    monkeypatch.setenv("NETFLIX_INSIGHTS_KEEP_RAW_LOADS", "2")
    source = Paths(fresh_data_dir).raw_dir / "snapshot"
    (source / "20000101T000000Z-deadbeef.partial").mkdir()  # a killed extract's leftover
    for _ in range(2):  # with the fixture's own load: three, one more than kept
        refresh(fresh_data_dir, quiet=True)
    loads = sorted(source.iterdir())
    assert len(loads) == 2 and not any(p.name.endswith(".partial") for p in loads)
    assert refresh(fresh_data_dir, replay=loads[0], quiet=True).build_id


def test_run_history_reads_past_a_torn_line(fresh_data_dir):
    paths = Paths(fresh_data_dir)
    with open(paths.runs_log, "a") as f:
        f.write('{"build_id": "x", "started_')  # what a kill mid-write leaves
    assert run_history(paths)[-1]["status"] == "published"
    json.loads(paths.runs_log.read_text().splitlines()[0])
