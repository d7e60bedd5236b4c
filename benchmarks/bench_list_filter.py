"""The genre and country filters' "any of these" test: `len(list_filter(list, lambda v:
list_contains(chosen, v))) > 0` (what warehouse/sql/macros/filtered_titles.sql runs)
against `list_has_any(list, chosen)` (what it ran before, the baseline), in the same
process on the same connection.

    .venv/bin/python benchmarks/bench_list_filter.py --data-dir DIR [--rounds 9]

For the catalog's most common genres and countries, one, two and three of them chosen,
counts the titles that pass each way, alternating which goes first, and prints the
median CPU ms (this process, DuckDB's threads included) and wall ms of each way and the
ratio. Exits 1 if the two ways ever select different titles (compared as the sum and
count of title_no, and the count alone).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]
from _baseline_sql import agreement  # noqa: E402

WAYS = {
    "list_has_any (baseline)": "list_has_any({col}, $chosen::varchar[])",
    "list_filter (app)": ("len(list_filter({col}, "
                          "lambda v: list_contains($chosen::varchar[], v))) > 0"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    con = duckdb.connect(str(args.data_dir / "warehouse" / "current.duckdb"), read_only=True)
    con.execute("set threads = 2")  # as the app's connections (queries/db.py)
    titles = con.execute("select count(*) from titles").fetchone()[0]
    print(f"{args.data_dir}: {titles:,} titles, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start; medians of {args.rounds} rounds")
    print(f"{'column':10s} {'chosen':45s} {'titles':>9s} {'baseline cpu':>13s} "
          f"{'app cpu':>8s} {'ratio':>6s} {'baseline wall':>14s} {'app wall':>9s}")
    differ, sums = [], {w: 0.0 for w in WAYS}
    for col in ("genres", "countries"):
        common = [r[0] for r in con.execute(
            f"select v from (select unnest({col}) as v from titles) group by v "
            "order by count(*) desc, v limit 3").fetchall()]
        for n in (1, 2, 3):
            chosen = common[:n]
            cpu, wall, results = ({w: [] for w in WAYS} for _ in range(3))
            for r in range(args.rounds):
                for way in (list(WAYS) if r % 2 == 0 else list(WAYS)[::-1]):
                    sql = (f"select count(*), sum(title_no) from titles where "
                           f"{WAYS[way].format(col=col)}")
                    c, w = time.process_time(), time.perf_counter()
                    results[way].append(con.execute(sql, {"chosen": chosen}).fetchone())
                    cpu[way].append((time.process_time() - c) * 1000)
                    wall[way].append((time.perf_counter() - w) * 1000)
            answers = {a for w in WAYS for a in results[w]}
            if len(answers) != 1:
                differ.append(f"{col} {chosen}: {answers}")
            (bc, ac), (bw, aw) = ([statistics.median(t[w]) for w in WAYS] for t in (cpu, wall))
            sums[list(WAYS)[0]] += bc
            sums[list(WAYS)[1]] += ac
            print(f"{col:10s} {', '.join(chosen)[:45]:45s} {results[list(WAYS)[0]][0][0]:9,d} "
                  f"{bc:13.1f} {ac:8.1f} {bc / ac:5.2f}x {bw:14.1f} {aw:9.1f}", flush=True)
    base, app = sums.values()
    print(f"sum of medians: {base:,.0f} → {app:,.0f} ms CPU ({base / app:.2f}x); "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    return agreement(differ, "titles")


if __name__ == "__main__":
    sys.exit(main())
