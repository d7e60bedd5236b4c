"""The Performance page's rank correlations: served (queries/performance.py: the sample
drawn from a hash cut of the filtered titles, ranked by Polars) against the SQL it
replaced (the whole filtered catalog sorted for the sample, ranked by DuckDB window
functions; kept as the baseline in benchmarks/sql/rank_correlations_windowed.sql), in
the same process.

    .venv/bin/python benchmarks/bench_rank_correlations.py --data-dir DIR [--rounds 15]

For each filter family (those of bench_page_scope.py), each round takes a fresh
lower year bound where the family has none (result-neutral) and a fresh sample size
(10,000 + round: the same result below 10,000 titles), so no cached result is reused,
selects the page's titles once (the page's other query, as a filter change does),
then times the two ways
one after the other, alternating which goes first. Both read the same page scope. It
checks that the two agree (rho within 1e-9, null where the baseline has NaN) and prints
the median and p95 ms per family, both ways, and the ratio (baseline / served: above 1
the served way is faster).
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import queries.db as db  # noqa: E402
from _baseline_sql import WithBaseline  # noqa: E402
from bench_page_scope import FAMILIES  # noqa: E402
from queries import performance  # noqa: E402
from queries.db import Scope, Warehouse  # noqa: E402
from queries.filters import Filters  # noqa: E402

BASELINE = "rank_correlations_windowed"


def agree(served, baseline) -> bool:
    if served.select("metric_x", "metric_y", "titles", "scope_titles",
                     "filtered_titles").rows() != baseline.select(
            "metric_x", "metric_y", "titles", "scope_titles", "filtered_titles").rows():
        return False
    for a, b in zip(served["rho"], baseline["rho"]):
        if a is None:
            if not (b is None or math.isnan(b)):
                return False
        elif b is None or abs(a - b) > 1e-9:
            return False
    return True


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    db.SQL = WithBaseline(db.SQL.folder, BASELINE)
    scope = Scope(performance.SCOPE.name, performance.SCOPE.queries + (BASELINE,))
    performance.SCOPE = scope  # the served wrapper reads the same scope as the baseline
    print(f"{args.data_dir}: {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start")
    print(f"{'family':8s} {'titles':>9s} {'windowed p50':>13s} {'served p50':>11s} "
          f"{'ratio':>6s} {'windowed p95':>13s} {'served p95':>11s}")
    neutral = iter(range(1000, 1800))  # unique, result-neutral lower year bounds
    wh = Warehouse(args.data_dir, timeout_s=300)
    totals = {"windowed": [], "served": []}
    try:
        for family, base in FAMILIES.items():
            times = {"windowed": [], "served": []}
            titles = 0
            for r in range(args.rounds):
                f = Filters(**{**base.__dict__, "year_from": base.year_from or next(neutral),
                               "year_to": base.year_to or 2200})
                performance.metric_distribution(wh, f)  # selects the page's titles
                frames = {}
                sample_size = performance.MAX_CORRELATION_TITLES + r
                for how in (("windowed", "served") if r % 2 == 0 else ("served", "windowed")):
                    t0 = time.perf_counter()
                    if how == "served":
                        frames[how] = performance.rank_correlations(wh, f, sample_size)
                    else:
                        frames[how] = wh.query(BASELINE, scope=scope,
                                               max_titles=sample_size, **f.params())
                    times[how].append((time.perf_counter() - t0) * 1000)
                if not agree(frames["served"], frames["windowed"]):
                    print(f"{family}: the two ways disagree", file=sys.stderr)
                    return 1
                if not frames["served"].is_empty():
                    titles = frames["served"]["filtered_titles"][0]
            med = {k: statistics.median(v) for k, v in times.items()}
            for k in totals:
                totals[k].append(med[k])
            print(f"{family:8s} {titles:9,d} {med['windowed']:13.1f} {med['served']:11.1f} "
                  f"{med['windowed'] / med['served']:5.1f}x {p95(times['windowed']):13.1f} "
                  f"{p95(times['served']):11.1f}", flush=True)
    finally:
        wh.close()
    print(f"sum of medians: windowed {sum(totals['windowed']):,.0f} ms, served "
          f"{sum(totals['served']):,.0f} ms "
          f"({sum(totals['windowed']) / sum(totals['served']):.2f}x); load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
