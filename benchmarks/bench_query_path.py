"""How the app fetches a query's rows: DuckDB 2's relation API (`cursor.sql(sql,
params).pl()`, the baseline) against the DB-API path it uses now (`cursor.execute(sql,
params)` then Arrow to Polars, queries/db.py `_fetch`), in the same process.

    .venv/bin/python benchmarks/bench_query_path.py --data-dir DIR [--data-dir DIR2 …]
        [--rounds 6] [--pages /,/market,/performance]

The relation API binds a statement to describe the relation and binds it again to run
it; the DB-API path binds it once but copies the Arrow rows once more. For each data dir
and page this replays whole filter changes in-process (Flask's test client, the real
Dash dispatch, every filter callback of the page, as bench_figure_template.py does),
each with a fresh filters payload from bench_callbacks' seeded families, so no change is
answered from the query cache; the two paths alternate on consecutive payloads, the
first path switching each round. Prints per page the median CPU ms (this process, all
threads: DuckDB's too) and wall ms of a filter change, both ways, and their ratio.

Then one large result, the copy's worst case: `select … from titles limit 200000`
(5 columns), median wall ms of 15 fetches each way.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import bench_callbacks as bench
from bench_figure_template import one_pass, page_calls

FAMILIES = ("none", "movie", "genre", "country", "years", "combo")
LARGE = "select show_id, title, release_year, genres, date_added from titles limit 200000"


def relation_fetch(cursor, sql: str, params: dict):
    """The baseline: the relation API, as queries/db.py fetched before."""
    return cursor.sql(sql, params=params or None).pl()


def median_ms(fn, n: int = 15) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_data_dir(data_dir: Path, pages: list[str], rounds: int) -> None:
    os.environ["NETFLIX_INSIGHTS_DATA_DIR"] = str(data_dir)
    from dashapp.app import server
    from queries import db

    paths = {"relation (baseline)": relation_fetch, "execute (app)": db._fetch}
    client = server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    shell = bench.components(client.get("/_dash-layout").get_json())
    payloads = bench.Payloads(shell, seed=5)
    print(f"\n{data_dir}: load average {os.getloadavg()[0]:.2f}; {rounds} rounds × "
          f"{len(FAMILIES)} filter families per page and path")
    print(f"{'page':<14} {'callbacks':>9} {'cpu ms, relation':>17} {'cpu ms, execute':>16} "
          f"{'ratio':>6} {'wall ms, relation':>18} {'wall ms, execute':>17}")
    try:
        for page in pages:
            calls, comps = page_calls(client, deps, shell, page)
            one_pass(client, calls, comps, payloads.make("none").to_store())  # warm-up
            cpu = {name: [] for name in paths}
            wall = {name: [] for name in paths}
            for i in range(rounds):
                for family in FAMILIES:
                    order = list(paths) if i % 2 == 0 else list(paths)[::-1]
                    for name in order:
                        db._fetch = paths[name]
                        store = payloads.make(family).to_store()
                        c0, w0 = time.process_time(), time.perf_counter()
                        one_pass(client, calls, comps, store)
                        cpu[name].append((time.process_time() - c0) * 1000)
                        wall[name].append((time.perf_counter() - w0) * 1000)
            rel, exe = (statistics.median(cpu[n]) for n in paths)
            rel_w, exe_w = (statistics.median(wall[n]) for n in paths)
            print(f"{page:<14} {len(calls):>9} {rel:>17.1f} {exe:>16.1f} {rel / exe:>6.2f} "
                  f"{rel_w:>18.1f} {exe_w:>17.1f}")
        wh = db.warehouse(data_dir)
        with wh.leased_connection() as con:
            cursor = con.cursor()
            rows = paths["execute (app)"](cursor, LARGE, {}).height
            times = {name: median_ms(lambda f=f: f(cursor, LARGE, {})) for name, f in
                     paths.items()}
            cursor.close()
        rel, exe = times.values()
        print(f"large result ({rows:,} rows × 5 columns), wall ms: relation {rel:.1f}, "
              f"execute {exe:.1f} (ratio {rel / exe:.2f})")
    finally:
        db._fetch = paths["execute (app)"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", type=Path, action="append", required=True)
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--pages", default="/,/market,/performance")
    args = p.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    for data_dir in args.data_dir:
        bench_data_dir(data_dir.resolve(), args.pages.split(","), args.rounds)


if __name__ == "__main__":
    main()
