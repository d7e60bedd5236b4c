"""Content Universe's top actors and directors: served (queries/sql/universe_top_people.sql,
the actors' credits joined on the integer titles.title_no) against the same query
joined on the varchar show_id (kept as the baseline in
benchmarks/sql/universe_top_people_show_id.sql), in the same process.

    .venv/bin/python benchmarks/bench_top_people.py --data-dir DIR [--rounds 9]

For each filter family (those of bench_page_scope.py) and role, each round takes a
fresh, result-neutral lower year bound where the family has none and a fresh list
length (15 + round), so no cached result is reused, selects the page's titles once
(the page's other query, as a filter change does), then times the two ways one after
the other, alternating which goes first. Both read the same page scope. It checks that
the two return the same rows and prints the median ms per family and role, both ways,
and the ratio (baseline / served: above 1 the served way is faster).
"""
from __future__ import annotations

import argparse
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
from queries import universe  # noqa: E402
from queries.db import Scope, Warehouse  # noqa: E402
from queries.filters import Filters  # noqa: E402

BASELINE = "universe_top_people_show_id"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    db.SQL = WithBaseline(db.SQL.folder, BASELINE)
    scope = Scope(universe.SCOPE.name, universe.SCOPE.queries + (BASELINE,))
    universe.SCOPE = scope  # the served wrapper reads the same scope as the baseline
    print(f"{args.data_dir}: {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start")
    print(f"{'family':8s} {'role':8s} {'show_id p50':>12s} {'title_no p50':>13s} {'ratio':>6s}")
    neutral = iter(range(1000, 1800))  # unique, result-neutral lower year bounds
    wh = Warehouse(args.data_dir, timeout_s=300)
    totals = {"show_id": [], "title_no": []}
    try:
        for family, base in FAMILIES.items():
            for role in ("actor", "director"):
                times = {"show_id": [], "title_no": []}
                for r in range(args.rounds):
                    f = Filters(**{**base.__dict__, "year_from": base.year_from or next(neutral),
                                   "year_to": base.year_to or 2200})
                    universe.ratings(wh, f)  # selects the page's titles
                    frames = {}
                    for how in (("show_id", "title_no") if r % 2 == 0
                                else ("title_no", "show_id")):
                        t0 = time.perf_counter()
                        if how == "title_no":
                            frames[how] = universe.top_people(wh, f, role=role, limit=15 + r)
                        else:
                            frames[how] = wh.query(BASELINE, scope=scope, role=role,
                                                   limit=15 + r, **f.params())
                        times[how].append((time.perf_counter() - t0) * 1000)
                    if frames["title_no"].rows() != frames["show_id"].rows():
                        print(f"{family} {role}: the two ways disagree", file=sys.stderr)
                        return 1
                med = {k: statistics.median(v) for k, v in times.items()}
                for k in totals:
                    totals[k].append(med[k])
                print(f"{family:8s} {role:8s} {med['show_id']:12.1f} {med['title_no']:13.1f} "
                      f"{med['show_id'] / med['title_no']:5.1f}x", flush=True)
    finally:
        wh.close()
    print(f"sum of medians: show_id {sum(totals['show_id']):,.0f} ms, title_no "
          f"{sum(totals['title_no']):,.0f} ms "
          f"({sum(totals['show_id']) / sum(totals['title_no']):.2f}x); load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
