"""Universe queries rewritten for speed against the way each was written before (kept in
benchmarks/sql as the baseline), in the same process: the lag and runtime charts read
their medians from per-value counts instead of median() over every filtered title
(`universe_addition_lag_*`, `universe_runtimes_*`), and the top actors and directors
test each title's kind once, as a flag, instead of each credit's kind string
(`universe_top_people_kind`).

    .venv/bin/python benchmarks/bench_rewrites.py --data-dir DIR [--rounds 9]
        [--charts lag,runtimes,actors,directors]

For each chart and filter family of bench_page_scope.py (with its result-neutral year
bounds, so no cache answers), runs its `queries.universe` wrapper on a fresh Warehouse
both ways, alternating which goes first, after another Universe chart has selected the
page's titles for the filters (queries/db.py Scope: on the page these queries read
them, they do not filter), and prints the median CPU ms (this process, DuckDB's threads
included) and wall ms of each way and their ratio. Exits 1 if the two ways ever return
different rows: a rewrite must give exactly what it replaced.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from polars.testing import assert_frame_equal

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from _baseline_sql import BASELINE_DIR, agreement  # noqa: E402
from bench_page_scope import FAMILIES, fresh_filters  # noqa: E402

from queries import db, universe  # noqa: E402

# chart → (its wrapper, its SQL file, the baseline's file in benchmarks/sql)
CHARTS = {"lag": (universe.addition_lag, "universe_addition_lag",
                  "universe_addition_lag_median"),
          "runtimes": (universe.runtimes, "universe_runtimes", "universe_runtimes_median"),
          "actors": (lambda wh, f: universe.top_people(wh, f, "actor"), "universe_top_people",
                     "universe_top_people_kind"),
          "directors": (lambda wh, f: universe.top_people(wh, f, "director"),
                        "universe_top_people", "universe_top_people_kind")}
SERVED_SQL = db.sql_text


def baseline_sql(name: str) -> str:
    """The SQL text of `name` with each chart's file replaced by its kept baseline."""
    baseline = {file: kept for _, file, kept in CHARTS.values()}
    if name in baseline:
        return (BASELINE_DIR / f"{baseline[name]}.sql").read_text()
    return SERVED_SQL(name)


def run(data_dir: Path, chart: str, f, sql):
    """(frame, CPU ms, wall ms) of the chart's query on a fresh (cold) Warehouse."""
    db.sql_text = sql
    wh = db.Warehouse(data_dir, timeout_s=300)
    try:
        universe.release_years(wh, f)  # the page's title set, selected outside the timing
        cpu, wall = time.process_time(), time.perf_counter()
        frame = CHARTS[chart][0](wh, f)
        return frame, (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
    finally:
        wh.close()
        db.sql_text = SERVED_SQL


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--charts", default=",".join(CHARTS))
    args = parser.parse_args()
    ways = {"before (baseline)": baseline_sql, "rewritten (app)": SERVED_SQL}
    print(f"{args.data_dir}: {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start; medians of {args.rounds} rounds")
    print(f"{'chart':9s} {'family':8s} {'baseline cpu':>13s} {'app cpu':>8s} {'ratio':>6s} "
          f"{'baseline wall':>14s} {'app wall':>9s}")
    fresh, differ = fresh_filters(), []
    for chart in args.charts.split(","):
        for family, base in FAMILIES.items():
            cpu = {w: [] for w in ways}
            wall = {w: [] for w in ways}
            for r in range(args.rounds):
                f = fresh(base)
                frames = {}
                for way in (list(ways) if r % 2 == 0 else list(ways)[::-1]):
                    frames[way], c, w = run(args.data_dir, chart, f, ways[way])
                    cpu[way].append(c)
                    wall[way].append(w)
                try:
                    assert_frame_equal(*frames.values())
                except AssertionError as exc:
                    differ.append(f"{chart} {family}: {str(exc).splitlines()[0]}")
            (bc, ac), (bw, aw) = ([statistics.median(t[w]) for w in ways]
                                  for t in (cpu, wall))
            print(f"{chart:9s} {family:8s} {bc:13.1f} {ac:8.1f} {bc / ac:5.2f}x {bw:14.1f} "
                  f"{aw:9.1f}", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return agreement(differ, "rows")


if __name__ == "__main__":
    sys.exit(main())
