"""Every filtered query wrapper's result under a seeded set of filters, saved or compared.

    .venv/bin/python benchmarks/query_snapshots.py --data-dir DIR --save SNAPDIR
    .venv/bin/python benchmarks/query_snapshots.py --data-dir DIR --compare SNAPDIR

For refactors that must not change a result (issue 11: the filters bound as one STRUCT,
the filtered title set computed once per page): save with the old code and its build,
compare with the new code and its build of the same data. Frames are compared exactly
(dtypes, row order, every non-float value); float columns may differ by summation
order only (|a - b| <= 1e-8 * max(1, |a|): DuckDB's parallel sums are not
bit-reproducible run to run, and a rounded sum can flip its last decimal), and rows that tie on a query's ORDER BY may come in
another order (counted apart). Prints one line per difference and exits 1 when any.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queries import catalog, head_to_head, market, performance, titles, universe  # noqa: E402
from queries import models as model_queries  # noqa: E402
from queries.db import Warehouse  # noqa: E402
from queries.filters import Filters  # noqa: E402

FILTERS = {
    "none": Filters(),
    "movie": Filters(kinds=("movie",)),
    "show-years": Filters(kinds=("show",), year_from=2010, year_to=2019),
    "genre": Filters(genres=("Dramas", "Comedies")),
    "country-rating": Filters(countries=("India", "United States"), ratings=("TV-MA", "R")),
    "added": Filters(added_from=date(2018, 1, 1), added_to=date(2020, 6, 30)),
    "combo": Filters(kinds=("movie",), year_from=2000, genres=("Dramas",),
                     countries=("United States",), added_from=date(2016, 1, 1)),
    "empty": Filters(genres=("No such genre",)),
}


def calls(wh: Warehouse, f: Filters) -> dict[str, pl.DataFrame]:
    """name → frame for every wrapper that takes the global filters."""
    out = {
        "universe.additions_by_month": universe.additions_by_month(wh, f),
        "universe.release_years": universe.release_years(wh, f),
        "universe.addition_lag": universe.addition_lag(wh, f),
        "universe.top_genres": universe.top_genres(wh, f),
        "universe.countries": universe.countries(wh, f),
        "universe.ratings": universe.ratings(wh, f),
        "universe.runtimes": universe.runtimes(wh, f),
        "universe.seasons": universe.seasons(wh, f),
        "universe.top_directors": universe.top_people(wh, f, "director"),
        "universe.top_actors": universe.top_people(wh, f, "actor"),
        "universe.quality_popularity": universe.quality_popularity(wh, f),
        "universe.top_titles": universe.top_titles(wh, f),
        "catalog.kpis": pl.DataFrame([catalog.catalog_kpis(wh, f).__dict__]),
        "catalog.additions_by_year": catalog.additions_by_year(wh, f),
        "market.genre_saturation": market.genre_saturation(wh, f),
        "market.pareto_all": market.pareto_all(wh, f),
        "market.release_windows": market.release_windows(wh, f),
        "performance.rank_correlations": performance.rank_correlations(wh, f),
        "performance.all_metric_distributions": performance.all_metric_distributions(wh, f),
        "performance.by_all_periods": performance.by_all_periods(wh, f),
        "performance.genre_engagement": performance.genre_engagement(wh, f),
        "models.genre_cooccurrence": model_queries.genre_cooccurrence(wh, f),
        "titles.count": pl.DataFrame({"n": [titles.titles_count(wh, f)]}),
        "titles.count_search": pl.DataFrame({"n": [titles.titles_count(wh, f, "love")]}),
        "titles.page": titles.titles_page(wh, f).rows,
        "titles.page_last": titles.titles_page(wh, f, page=10**6).rows,
        "titles.page_search": titles.titles_page(wh, f, "love").rows,
        "anomalies_filtered_show_ids": wh.query("anomalies_filtered_show_ids", **f.params()),
        "clusters_filtered_show_ids": wh.query("clusters_filtered_show_ids", **f.params()),
    }
    for mode in head_to_head.MODES:
        a, b = {"genre": ("Dramas", "Comedies"), "country": ("India", "United States")}.get(
            mode, ("s1", "s2"))
        out[f"h2h.metrics.{mode}"] = head_to_head.metrics(wh, f, mode, a, b)
        out[f"h2h.additions_by_year.{mode}"] = head_to_head.additions_by_year(wh, f, mode, a, b)
    return out


def _same_but_rounding(old: pl.DataFrame, new: pl.DataFrame) -> bool:
    if old.shape != new.shape:
        return False
    for name in old.columns:
        a, b = old[name], new[name]
        if a.equals(b, null_equal=True):
            continue
        if not a.dtype.is_float() or not (a.is_null() == b.is_null()).all():
            return False
        gap = ((a - b).abs() - 1e-8 * a.abs().clip(lower_bound=1)).max()
        if gap is not None and gap > 0:
            return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args()
    wh = Warehouse(args.data_dir, timeout_s=120)
    differences = compared = rounding = ties = 0
    for label, f in FILTERS.items():
        for name, frame in calls(wh, f).items():
            path = (args.save or args.compare) / f"{label}__{name}.parquet"
            if args.save:
                path.parent.mkdir(parents=True, exist_ok=True)
                frame.write_parquet(path)
                continue
            compared += 1
            if not path.exists():
                print(f"no snapshot: {path.name}")
                differences += 1
                continue
            old = pl.read_parquet(path)
            if old.schema == frame.schema and old.equals(frame, null_equal=True):
                continue
            if old.schema == frame.schema and _same_but_rounding(old, frame):
                rounding += 1
                continue
            if old.schema == frame.schema and _same_but_rounding(*(
                    x.sort(x.columns, nulls_last=True) for x in (old, frame))):
                # the same rows; rows that tie on the query's ORDER BY came in another
                # order (at 1M titles the synthetic replicas tie on title and votes)
                print(f"same rows, tied rows in another order: {label} {name}")
                ties += 1
                continue
            print(f"DIFFERENT {label} {name}: old {old.shape} {old.schema}\n"
                  f"  new {frame.shape} {frame.schema}")
            differences += 1
    if args.compare:
        print(f"{compared} results compared: {compared - differences - rounding - ties} "
              f"identical, {rounding} identical but for float summation order, {ties} the "
              f"same rows with ties in another order, {differences} different")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
