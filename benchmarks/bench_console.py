"""The cost of running console queries in a worker process (queries/sandbox.py)
against running them in the app's own process, in one run.

    .venv/bin/python benchmarks/bench_console.py [--data-dir DIR] [--repeat 300]

Both paths run the same queries on the same published build with the same checks and
limits: "in-process" is queries.console.run_query on a hardened connection opened here
(what the console did before), "worker" is a warm ConsolePool (one pipe round trip,
the worker's own connection already open). Prints per query the median and p90 of
each path in ms and the hop (worker median − in-process median); the target is a hop
of at most 10 ms at p50. Queries alternate between the paths so both see the same
machine load.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from base import settings  # noqa: E402
from base.paths import Paths, current_build  # noqa: E402
from queries import console, sandbox  # noqa: E402

QUERIES = {
    "select 1": "select 1",
    "count titles": "select count(*) from titles",
    "100 rows": "select * from titles order by show_id limit 100",
    "5000 rows (row cap)": "select show_id, title, release_year from titles",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    path = current_build(Paths(settings.data_dir(args.data_dir)))
    limits = sandbox.limits_from_settings(timeout_s=10, row_cap=5000)
    con = console.open_console_connection(path, memory_limit="512MB")
    pool = sandbox.ConsolePool(1, sandbox.setting("console_memory_mb", int))
    pool.warm(path)
    pool.run(path, "select 1", limits)  # waits for the worker to be up
    print(f"build {path.stem} · {args.repeat} runs per query and path · "
          f"worker limit {pool.memory_mb} MB")
    print(f"{'query':<22} {'in-process p50':>15} {'p90':>7} {'worker p50':>11} {'p90':>7} "
          f"{'hop p50':>8} {'ratio':>6}")
    worst = 0.0
    for name, sql in QUERIES.items():
        local, remote = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            a = console.run_query(con, sql, timeout_s=10, row_cap=5000,
                                  max_bytes=limits.max_bytes)
            local.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            b = pool.run(path, sql, limits)
            remote.append((time.perf_counter() - started) * 1000)
            assert a.ok and b.ok and a.rows == b.rows, (a.error, b.error)
        hop = statistics.median(remote) - statistics.median(local)
        worst = max(worst, hop)
        print(f"{name:<22} {statistics.median(local):>15.2f} {_p90(local):>7.2f} "
              f"{statistics.median(remote):>11.2f} {_p90(remote):>7.2f} {hop:>8.2f} "
              f"{statistics.median(remote) / statistics.median(local):>6.2f}")
    pool.close()
    con.close()
    print(f"largest hop at p50: {worst:.2f} ms (target ≤ 10 ms)")
    return 0


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


if __name__ == "__main__":
    raise SystemExit(main())
