"""Wall time of a full entity resolution on the bundled snapshot, and the sampler
behind tests/data/match_sample_labelled.csv.

    python benchmarks/bench_matching.py                 # medians of 5 runs
    python benchmarks/bench_matching.py --report        # match rates by kind/method
    python benchmarks/bench_matching.py --draw-sample out.csv   # unlabelled sample

The sample is drawn with a fixed seed from the current resolver's output (plus some
candidates it rejected), so the same code and data give the same rows.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl import matching  # noqa: E402
from tests.test_matching import _csv, bundled_imdb, bundled_netflix  # noqa: E402

SEED = 20240601
STRATA = {"exact": 60, "exact_title_kind": 30, "fuzzy": 60,
          "rejected_exact": 20, "rejected_fuzzy": 20}


def bundled_market(dedupe: bool = True) -> pl.DataFrame:
    """TMDB top-rated ∪ popular movies, by default one row per (title, year),
    top-rated first. Popular rows have no TMDB id, so they get a synthetic key; the
    split-overview defect rows (no vote count) are dropped."""
    top = _csv("tmdb_top10k_movies").select(
        pl.col("id").alias("tmdb_key"), "title",
        pl.col("release_date").str.slice(0, 4).cast(pl.Int32, strict=False)
        .alias("release_year"), pl.col("overview").alias("description"))
    yy = pl.col("Release_Date").str.extract(r"/(\d{2})$").cast(pl.Int32, strict=False)
    popular = (_csv("tmdb_popular_movies_posters").with_row_index("row")
               .filter(pl.col("Vote_Count").str.contains(r"^\d+$"))
               .select((pl.lit("popular:") + pl.col("row").cast(pl.String)).alias("tmdb_key"),
                       pl.col("Title").alias("title"),
                       # two-digit years: 00-26 are this century (rule of thumb here)
                       pl.when(yy <= 26).then(yy + 2000).otherwise(yy + 1900)
                       .cast(pl.Int32).alias("release_year"),
                       pl.col("Overview").alias("description")))
    both = pl.concat([top, popular]).with_columns(kind=pl.lit("movie"))
    if not dedupe:
        return both
    return both.unique([matching.normalize_title(pl.col("title")), "release_year"],
                       keep="first", maintain_order=True)


def median_seconds(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench() -> None:
    netflix, imdb, market = bundled_netflix(), bundled_imdb(), bundled_market()
    imdb_s = median_seconds(lambda: matching.resolve_titles(
        netflix, imdb, left_key="show_id", right_key="id"))
    market_s = median_seconds(lambda: matching.resolve_market_movies(netflix, market))
    union = bundled_market(dedupe=False)
    union_s = median_seconds(lambda: matching.resolve_market_movies(netflix, union))
    print(f"netflix {netflix.height} x imdb {imdb.height}: {imdb_s:.2f} s (median of 5)")
    print(f"netflix movies x market {market.height} (deduplicated): {market_s:.2f} s")
    print(f"netflix movies x market {union.height} (raw union): {union_s:.2f} s")


def report() -> None:
    netflix, imdb, market = bundled_netflix(), bundled_imdb(), bundled_market()
    with pl.Config(tbl_rows=40):
        print(matching.match_report(netflix, matching.resolve_titles(
            netflix, imdb, left_key="show_id", right_key="id")))
        movies = netflix.filter(pl.col("kind") == "movie")
        print(matching.match_report(movies, matching.resolve_market_movies(netflix, market)))


def rejected_candidates(netflix: pl.DataFrame, imdb: pl.DataFrame,
                        matches: pl.DataFrame) -> pl.DataFrame:
    """Pairs the resolver looked at for a left title it left unmatched: same normalized
    title and kind, or a fuzzy title score >= 0.70 within the year window."""
    lp, rp = matching._prepare(netflix, "show_id"), matching._prepare(imdb, "id")
    found = pl.concat([
        matching._exact_pairs(lp, rp).select("_key", "_key_r", method=pl.lit("rejected_exact")),
        matching._fuzzy_pairs(lp, rp, 0.70).select("_key", "_key_r",
                                                   method=pl.lit("rejected_fuzzy"))])
    found = found.rename({"_key": "show_id", "_key_r": "id"})
    return (found.join(matches, on="show_id", how="anti")
            .unique(["show_id", "id"], keep="first").sort("show_id", "id"))


def draw_sample(path: Path) -> None:
    netflix, imdb = bundled_netflix(), bundled_imdb()
    matches = matching.resolve_titles(netflix, imdb, left_key="show_id", right_key="id")
    exact = matches.filter(pl.col("match_method") != matching.FUZZY)
    picks = {"exact": exact.sample(STRATA["exact"], seed=SEED)}
    etk = exact.filter(pl.col("match_method") == matching.EXACT).join(
        picks["exact"], on="show_id", how="anti")
    picks["exact_title_kind"] = etk.sample(min(STRATA["exact_title_kind"], etk.height), seed=SEED)
    fuzzy = matches.filter(pl.col("match_method") == matching.FUZZY)
    picks["fuzzy"] = fuzzy.sample(min(STRATA["fuzzy"], fuzzy.height), seed=SEED)
    rejected = rejected_candidates(netflix, imdb, matches).rename({"method": "match_method"})
    for name in ("rejected_exact", "rejected_fuzzy"):
        pool = rejected.filter(pl.col("match_method") == name)
        picks[name] = pool.sample(min(STRATA[name], pool.height), seed=SEED)
    rows = pl.concat([p.select("show_id", "id", "match_method",
                               pl.col("match_confidence") if "match_confidence" in p.columns
                               else pl.lit(None, pl.Float64).alias("match_confidence"))
                      .with_columns(stratum=pl.lit(name)) for name, p in picks.items()])
    out = (rows.join(netflix.select("show_id", "title", "release_year"), on="show_id")
           .join(imdb.select("id", "title", "release_year"), on="id", suffix="_imdb")
           .select("show_id", pl.col("id").alias("imdb_id"),
                   pl.col("title").alias("netflix_title"),
                   pl.col("title_imdb").alias("imdb_title"),
                   pl.col("release_year").alias("netflix_year"),
                   pl.col("release_year_imdb").alias("imdb_year"),
                   pl.col("match_method").alias("method"),
                   pl.col("match_confidence").alias("confidence"),
                   is_correct=pl.lit(""), note=pl.lit(""), stratum="stratum")
           .sort("stratum", "show_id", "imdb_id"))
    out.write_csv(path)
    print(f"wrote {out.height} rows to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", action="store_true", help="print match rates")
    parser.add_argument("--draw-sample", type=Path, help="write an unlabelled sample CSV")
    args = parser.parse_args()
    if args.draw_sample:
        draw_sample(args.draw_sample)
    elif args.report:
        report()
    else:
        bench()


if __name__ == "__main__":
    main()
