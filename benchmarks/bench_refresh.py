"""Refresh wall time and peak memory for the bundled snapshot, median of N runs.

    .venv/bin/python benchmarks/bench_refresh.py [--runs 5] [--again]

Each run is a fresh process (`netflix-insights refresh` into a new data dir), reaped
with os.wait4 so its own peak RSS is read from the kernel. The baseline, run the same
way in the same session, is the least any refresh must do: DuckDB's read_csv_auto of
the same five files into a new database file, no cleaning, matching or checks. The
ratio says what cleaning, entity resolution, marts and 100+ data checks cost on top.

--again adds a refresh of the same inputs into a data dir that already holds one
build: the run a schedule makes when nothing changed, which reuses the first run's
title matches (etl/match_cache.py). Its first refresh is not timed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BASELINE = r"""
import duckdb, gzip, pathlib, sys, tempfile
snap = pathlib.Path(sys.argv[1]) / "etl" / "snapshot"
work = pathlib.Path(sys.argv[2])
con = duckdb.connect(str(work / "naive.duckdb"))
for gz in sorted(snap.glob("*.csv.gz")):
    name = gz.name.removesuffix(".csv.gz")
    con.execute(f"create table {name} as select * from read_csv_auto('{gz}', "
                "all_varchar=true, ignore_errors=true)")
con.close()
"""


def timed_child(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"benchmark run failed: {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024  # Linux reports KiB


def measure(make_cmd, runs: int, label: str, first=None) -> tuple[float, float]:
    """Median wall and peak RSS of make_cmd(dir) in a new dir per run; `first`, when
    given, runs there untimed before it."""
    walls, peaks = [], []
    for i in range(runs):
        with tempfile.TemporaryDirectory() as work:
            if first:
                timed_child(first(Path(work)))
            wall, peak = timed_child(make_cmd(Path(work)))
        walls.append(wall)
        peaks.append(peak)
        print(f"  {label} run {i + 1}/{runs}: {wall:6.2f} s  {peak:7.1f} MiB", flush=True)
    return statistics.median(walls), statistics.median(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--again", action="store_true",
                        help="also time a second refresh of the same inputs")
    args = parser.parse_args()
    py = sys.executable
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          f"{args.runs} runs each, fresh process and data dir per run")
    base = measure(lambda w: [py, "-c", BASELINE, str(ROOT), str(w)], args.runs,
                   "baseline (naive CSV load)")
    def refresh(w: Path) -> list[str]:
        return [py, "-m", "netflix_insights.cli", "refresh", "--quiet", "--data-dir",
                str(w / "data")]
    full = measure(refresh, args.runs, "refresh (snapshot)")
    again = measure(refresh, args.runs, "refresh again (same inputs)",
                    first=refresh) if args.again else None
    print()
    print(f"{'':28} {'median wall':>12} {'median peak RSS':>16}")
    print(f"{'baseline: naive CSV load':28} {base[0]:10.2f} s {base[1]:12.1f} MiB")
    print(f"{'refresh --source snapshot':28} {full[0]:10.2f} s {full[1]:12.1f} MiB")
    if again:
        print(f"{'refresh again, same inputs':28} {again[0]:10.2f} s {again[1]:12.1f} MiB")
    print(f"{'ratio refresh / baseline':28} {full[0] / base[0]:11.1f}x {full[1] / base[1]:15.1f}x")
    if again:
        print(f"{'ratio again / baseline':28} {again[0] / base[0]:11.1f}x "
              f"{again[1] / base[1]:15.1f}x")


if __name__ == "__main__":
    main()
