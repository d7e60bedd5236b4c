"""A whole page's queries for one filter change: filtered once per page (queries/db.py
Scope) against filtered once per chart (the same SQL, no scope), in the same process.

    .venv/bin/python benchmarks/bench_page_scope.py --data-dir DIR [--rounds 5]

For each page (Universe, Market, Performance, Head-to-Head) and payload family (the
filter-store families of bench_callbacks.py), runs every query wrapper the page's
filter callbacks call, one after another, on a fresh Warehouse (cold cache), with and
without the scope, alternating which goes first. Every payload gets result-neutral year
bounds outside the data's range, as bench_callbacks.py does to keep payloads unique,
so "none" and "movie" select nearly every title. Prints the median ms per page change
and family, both ways, and the ratio (unscoped / scoped: above 1 the scope is faster).
Sequential on purpose: on the 2-core box the page's callbacks share the same cores,
so the total work is what a filter change costs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queries import catalog, head_to_head, market, performance, universe  # noqa: E402
from queries.db import Warehouse  # noqa: E402
from queries.filters import Filters  # noqa: E402


class Unscoped(Warehouse):
    """The same Warehouse, every query filtering on its own (as before scopes)."""

    def query(self, name, *, scope=None, **params):
        return super().query(name, **params)


def universe_page(wh, f):
    catalog.catalog_kpis(wh, f, universe.SCOPE)
    for fn in (universe.additions_by_month, universe.release_years, universe.addition_lag,
               universe.countries, universe.top_genres, universe.ratings, universe.runtimes,
               universe.seasons, universe.quality_popularity, universe.top_titles):
        fn(wh, f)
    universe.top_people(wh, f, "director")
    universe.top_people(wh, f, "actor")


def market_page(wh, f):
    market.genre_saturation(wh, f)
    market.pareto(wh, f)
    market.release_windows(wh, f)


def performance_page(wh, f):
    performance.rank_correlations(wh, f)
    performance.metric_distribution(wh, f)
    performance.by_period(wh, f)
    performance.genre_engagement(wh, f)


def h2h_page(wh, f):
    head_to_head.metrics(wh, f, "genre", "Dramas", "Comedies")
    head_to_head.additions_by_year(wh, f, "genre", "Dramas", "Comedies")


PAGES = {"universe": universe_page, "market": market_page,
         "performance": performance_page, "head_to_head": h2h_page}
FAMILIES = {
    "none": Filters(),
    "movie": Filters(kinds=("movie",)),
    "genre": Filters(genres=("Dramas",)),
    "country": Filters(countries=("India",)),
    "years": Filters(year_from=2015, year_to=2019),
    "combo": Filters(kinds=("movie",), genres=("Dramas", "Comedies"),
                     countries=("United States",), year_from=1995),
}


def page_arguments(description: str) -> argparse.Namespace:
    """--data-dir, --rounds and --pages, the options of the page-query benchmarks."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", default=",".join(PAGES))
    return parser.parse_args()


def fresh_filters():
    """A function of a family's filters that gives them a unique, result-neutral lower
    year bound (and 2200 as the upper) where they have none, so no cache answers."""
    neutral = iter(range(1000, 1800))
    return lambda base: Filters(**{**base.__dict__,
                                   "year_from": base.year_from or next(neutral),
                                   "year_to": base.year_to or 2200})


def main() -> int:
    args = page_arguments(__doc__.splitlines()[0])
    print(f"{args.data_dir}: {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start")
    fresh = fresh_filters()
    print(f"{'page':13s} {'family':8s} {'per chart p50':>14s} {'per page p50':>13s} "
          f"{'ratio':>6s}")
    totals = {"plain": [], "scoped": []}
    for page in args.pages.split(","):
        run = PAGES[page]
        for family, base in FAMILIES.items():
            times = {"plain": [], "scoped": []}
            for r in range(args.rounds):
                order = ("plain", "scoped") if r % 2 == 0 else ("scoped", "plain")
                for how in order:
                    f = fresh(base)
                    wh = (Unscoped if how == "plain" else Warehouse)(args.data_dir,
                                                                     timeout_s=300)
                    t0 = time.perf_counter()
                    run(wh, f)
                    times[how].append((time.perf_counter() - t0) * 1000)
                    wh.close()
            plain, scoped = (statistics.median(times[k]) for k in ("plain", "scoped"))
            totals["plain"].append(plain)
            totals["scoped"].append(scoped)
            print(f"{page:13s} {family:8s} {plain:14,.0f} {scoped:13,.0f} "
                  f"{plain / scoped:5.1f}x", flush=True)
    print(f"sum of medians: per chart {sum(totals['plain']):,.0f} ms, per page "
          f"{sum(totals['scoped']):,.0f} ms ({sum(totals['plain']) / sum(totals['scoped']):.2f}x);"
          f" load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
