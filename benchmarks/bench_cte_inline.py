"""The filtered-titles CTE read in place (`with filtered as not materialized (…)`, what
the page queries that carry the hint run) against DuckDB's own choice (the same SQL
without the hint, the baseline: DuckDB materializes a CTE that is read more than once),
in the same process.

    .venv/bin/python benchmarks/bench_cte_inline.py --data-dir DIR [--rounds 5]
        [--pages universe,market,performance,head_to_head]

A page query reads its filtered titles twice (the rows, and their count for a share),
so DuckDB 2.0 materializes the CTE: it copies every filtered title's columns, lists
included, before either reader starts. Read in place, the filter runs twice over the
table scan instead, which costs less than the copy when the readers are aggregates or a
top-N. For each page and filter family (bench_page_scope.py's, with its result-neutral
year bounds) this runs the page's query wrappers one after another on a fresh Warehouse
(cold cache), both ways, alternating which goes first, and prints the median CPU ms
(this process, DuckDB's threads included) of each hinted query and of the whole page,
both ways. It fails (exit 1) if any wrapper returns different rows the two ways.
"""
from __future__ import annotations

import os
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from bench_page_scope import FAMILIES, PAGES, fresh_filters, page_arguments  # noqa: E402

from queries import db  # noqa: E402
from queries.filters import Filters  # noqa: E402

HINT = re.compile(r"\bas not materialized \(")
SERVED_SQL = db.sql_text


def baseline_sql(name: str) -> str:
    return HINT.sub("as (", SERVED_SQL(name))


def hinted(name: str) -> bool:
    return bool(HINT.search(SERVED_SQL(name)))


class Recording(db.Warehouse):
    """The app's Warehouse, noting each query's CPU ms and rows by SQL file name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cpu: dict[str, float] = defaultdict(float)
        self.frames: list[tuple[str, pl.DataFrame]] = []

    def query(self, name, **params):
        start = time.process_time()
        frame = super().query(name, **params)
        self.cpu[name] += (time.process_time() - start) * 1000
        self.frames.append((name, frame))
        return frame


def run_page(data_dir: Path, page: str, f: Filters, sql) -> Recording:
    db.sql_text = sql
    wh = Recording(data_dir, timeout_s=300)
    try:
        PAGES[page](wh, f)
    finally:
        wh.close()
        db.sql_text = SERVED_SQL
    return wh


def main() -> int:
    args = page_arguments(__doc__.splitlines()[0])
    ways = {"materialized (baseline)": baseline_sql, "in place (app)": SERVED_SQL}
    print(f"{args.data_dir}: {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start; median CPU ms of {args.rounds} rounds")
    fresh = fresh_filters()
    per_query = defaultdict(lambda: {w: [] for w in ways})
    differ = []
    print(f"{'page':13s} {'family':8s} {'materialized':>13s} {'in place':>9s} {'ratio':>6s}")
    sums = {w: 0.0 for w in ways}
    for page in args.pages.split(","):
        for family, base in FAMILIES.items():
            page_cpu = {w: [] for w in ways}
            for r in range(args.rounds):
                f = fresh(base)
                runs = {}
                for way in (list(ways) if r % 2 == 0 else list(ways)[::-1]):
                    runs[way] = run_page(args.data_dir, page, f, ways[way])
                    page_cpu[way].append(sum(runs[way].cpu.values()))
                    for name, ms in runs[way].cpu.items():
                        if hinted(name):
                            per_query[name][way].append(ms)
                old, new = (runs[w].frames for w in ways)
                for (name, a), (_, b) in zip(old, new):
                    try:
                        assert_frame_equal(a, b, check_exact=False, rel_tol=1e-9)
                    except AssertionError:
                        differ.append(f"{page}/{family}/{name}")
            old, new = (statistics.median(page_cpu[w]) for w in ways)
            sums[list(ways)[0]] += old
            sums[list(ways)[1]] += new
            print(f"{page:13s} {family:8s} {old:13,.1f} {new:9,.1f} {old / new:5.2f}x",
                  flush=True)
    print(f"sum of page medians: {sums[list(ways)[0]]:,.0f} → {sums[list(ways)[1]]:,.0f} ms "
          f"({sums[list(ways)[0]] / sums[list(ways)[1]]:.2f}x)")
    print(f"\n{'hinted query (all families)':38s} {'materialized':>13s} {'in place':>9s} "
          f"{'ratio':>6s}")
    for name, t in sorted(per_query.items()):
        old, new = (statistics.median(t[w]) for w in ways)
        print(f"{name:38s} {old:13,.1f} {new:9,.1f} {old / new:5.2f}x")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    if differ:
        print(f"DIFFERENT ROWS: {', '.join(sorted(set(differ)))}")
        return 1
    print("same rows both ways in every run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
