"""The global filters bound as one STRUCT against the 8 separate arguments they replaced.

    .venv/bin/python benchmarks/bench_filter_struct.py OLD.duckdb NEW.duckdb

OLD is a build whose filtered_titles macro takes the 8 arguments (before issue 11, e.g.
a synthetic_warehouse.py build made from that code), NEW one of today's (one STRUCT).
Runs the same query files both ways in one process, alternating, under three filter
values, and prints median ms and new/old: the STRUCT's fields are cast in the macro,
and this checks that no per-row cost came with it.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queries.db import open_read_only, sql_text  # noqa: E402
from queries.filters import Filters  # noqa: E402

OLD_ARGS = ("$kinds::varchar[], $year_from::integer, $year_to::integer, $added_from::date, "
            "$added_to::date, $genres::varchar[], $countries::varchar[], $ratings::varchar[]")
FILTERS = {"none": Filters(), "years": Filters(year_from=1900, year_to=2100),
           "genre": Filters(genres=("Dramas",))}
QUERIES = ("universe_ratings", "titles_count", "universe_release_years")


def main() -> int:
    old, new = (open_read_only(Path(a).resolve()) for a in sys.argv[1:3])
    for label, f in FILTERS.items():
        struct = f.params()["filters"]
        for name in QUERIES:
            extra = {"search": None} if name == "titles_count" else {}
            sql_new = sql_text(name)
            sql_old = sql_new.replace("$filters", OLD_ARGS)
            times = {"old": [], "new": []}
            for i in range(5):
                for how in (("old", "new") if i % 2 else ("new", "old")):
                    cursor = (old if how == "old" else new).cursor()
                    t0 = time.perf_counter()
                    if how == "old":
                        cursor.sql(sql_old, params={**struct, **extra}).pl()
                    else:
                        cursor.sql(sql_new, params={"filters": struct, **extra}).pl()
                    times[how].append((time.perf_counter() - t0) * 1000)
                    cursor.close()
            o, n = (statistics.median(times[k]) for k in ("old", "new"))
            print(f"{name:24s} {label:6s} 8 arguments {o:7.1f} ms  STRUCT {n:7.1f} ms  "
                  f"new/old {n / o:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
