"""Parse + match time of Netflix viewing-history files (blend/viewing_history.py)
against the per-row script a quick job would write, in the same process.

    python benchmarks/bench_history_parse.py                # 500 / 5,000 / 50,000 rows
    python benchmarks/bench_history_parse.py --runs 9 --baseline-cap 60

Inputs: the first 500 rows and the whole of tests/data/viewing_histories/
mainstream_household.csv (5,022 rows), and a 50,000-row history simulated by the same
generator (tests/data/make_viewing_histories.py): heavy household profiles over
2015-2022, merged.
The catalog is the bundled Kaggle snapshot's (show_id, kind, title, release_year), the
same columns queries/sql/blend_catalog.sql gives; building its index is timed apart.

Baseline: csv.reader, the title cut at its first colon, datetime.strptime for the date,
and rapidfuzz `process.extractOne` (WRatio, default processor, cutoff 90) over every
catalog title, row by row. It is timed once per size, and skipped when its projected
time (from the smaller size) is over --baseline-cap seconds; the ratio then uses the
projection and says so.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import gzip
import importlib.util
import io
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from blend.viewing_history import HistoryCatalog, parse_history  # noqa: E402
from etl.sources.snapshot import SNAPSHOT_DIR, read_csv_bytes  # noqa: E402

HISTORY = ROOT / "tests" / "data" / "viewing_histories" / "mainstream_household.csv"
GENERATOR = ROOT / "tests" / "data" / "make_viewing_histories.py"


def catalog_frame() -> pl.DataFrame:
    raw = read_csv_bytes(gzip.decompress((SNAPSHOT_DIR / "kaggle_netflix_titles.csv.gz").read_bytes()))
    return raw.select("show_id", "title",
                      kind=pl.when(pl.col("type") == "Movie").then(pl.lit("movie")).otherwise(pl.lit("show")),
                      release_year=pl.col("release_year").cast(pl.Int32, strict=False))


def heavy_history(rows: int) -> bytes:
    """A long history from the persona generator: the household persona over eight
    years, watching every day (profiles merged until there are enough rows), newest
    first, cut to `rows` rows."""
    spec = importlib.util.spec_from_file_location("make_viewing_histories", GENERATOR)
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen   # dataclasses look their module up there
    spec.loader.exec_module(gen)
    base = next(p for p in gen.PERSONAS if p.slug == "mainstream_household")
    heavy = dataclasses.replace(base, start=date(2015, 1, 1), end=date(2022, 12, 31),
                                activity=1.0, session=30.0, binge=0.5, loyalty=1.0, min_score=0.0)
    catalog = gen.load_catalog()
    account = gen.simulate(heavy, catalog)
    while len(account.views) < rows:   # one account runs out of catalog: add profiles
        more = gen.simulate(dataclasses.replace(heavy, seed=heavy.seed + len(account.views)), catalog)
        account.views.extend(more.views)
    return first_rows(gen.render_csv(account), rows)


def first_rows(data: bytes, rows: int) -> bytes:
    lines = data.decode("utf-8").splitlines(keepends=True)
    return "".join(lines[: rows + 1]).encode("utf-8")


def naive_parse(data: bytes, titles: list[str]) -> list[tuple]:
    """The per-row script: no date-order detection, no grouping, no season words."""
    out = []
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    next(reader)
    for title, when in reader:
        name = title.split(":")[0]
        best = process.extractOne(name, titles, scorer=fuzz.WRatio, score_cutoff=90)
        out.append((title, datetime.strptime(when, "%m/%d/%y").date(), best and best[2]))
    return out


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--baseline-cap", type=float, default=120.0,
                    help="skip a baseline run projected to take longer (seconds)")
    args = ap.parse_args()
    frame = catalog_frame()
    build_ms = median_ms(lambda: HistoryCatalog.from_frame(frame), args.runs)
    catalog = HistoryCatalog.from_frame(frame)
    titles = frame["title"].to_list()
    full = HISTORY.read_bytes()
    inputs = {500: first_rows(full, 500), full.count(b"\n") - 1: full,
              50_000: heavy_history(50_000)}
    print(f"catalog: {catalog.titles:,} titles, index built in {build_ms:.1f} ms (median of {args.runs})")
    print(f"{'rows':>7} | {'baseline (per row)':>20} | {'parse_history':>14} | {'ratio':>8} | match rate")
    per_row = None
    for rows, data in inputs.items():
        parse_history(data, catalog)   # warm-up: regex compilation, polars thread pool
        ours = median_ms(lambda: parse_history(data, catalog), args.runs)
        projected = per_row * rows / 1000 if per_row else 0.0
        if per_row and projected > args.baseline_cap:
            base, label = per_row * rows, f"~{per_row * rows / 1000:.0f} s projected"
        else:
            base = median_ms(lambda: naive_parse(data, titles), 1)
            per_row, label = base / rows, f"{base:,.0f} ms"
        rate = parse_history(data, catalog).match_rate
        print(f"{rows:>7,} | {label:>20} | {ours:>11.1f} ms | {base / ours:>7.0f}x | {rate:.3f}")


if __name__ == "__main__":
    main()
