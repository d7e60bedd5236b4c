"""Model training time and prediction latency.

    .venv/bin/python benchmarks/bench_models.py --data-dir DIR [--runs 20] [--baseline]
        [--models genres,...] [--skip-predictions]

DIR must hold a published build trained by refresh (`netflix-insights refresh
--data-dir DIR`, models on). Trains every model once more against it (into
models/experiments/bench/, as `netflix-insights train` does, so the published
artifacts are untouched) in one `train_all` call, as a refresh does, and prints each
model's time and the whole call's wall time against the issue's budget (all models
under 2 minutes on 2 cores); then times `runs` predictions of the genre classifier and the
copilot (median and p95) against the 200 ms budget. The baseline in the same process
is one warehouse query of the app (`filter_options`), so the ratio says how a
prediction compares with an ordinary cheap request.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

import polars as pl

from base import settings
from base.paths import Paths, current_build
from models import copilot_serving, serving, training
from queries import catalog
from queries.db import Warehouse, open_read_only

GENRE_REQUESTS = [{"description": d, "type": t} for d, t in [
    ("A stand-up comedian riffs on dating apps and family dinners.", "movie"),
    ("A chaebol heir falls for a struggling webtoon artist in Seoul.", "show"),
    ("Narrated wildlife documentary about coral reefs and whales.", "movie"),
    ("A detective hunts a serial killer through rain-soaked Oslo.", "show")]]
FULL_REQUESTS = [{**r, "release_year": 2019, "rating": "TV-MA", "cast": ["Ana de Armas"],
                  **({"runtime_minutes": 104} if r["type"] == "movie" else {"seasons": 2})}
                 for r in GENRE_REQUESTS]
TMDB_REQUESTS = [{"overview": r["description"], "year": 2024, "language": "en"}
                 for r in GENRE_REQUESTS]
COPILOT_REQUESTS = [{"type": "movie", "genres": ["Dramas", "International Movies"],
                     "country": "India", "month": 3, "runtime_minutes": 130},
                    {"type": "show", "genres": ["Kids' TV"], "country": "United States",
                     "quarter": 4, "seasons": 2, "maturity_rating": "TV-Y7"}]


def timed(fn, runs: int) -> list[float]:
    out = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--baseline", action="store_true",
                        help="first train with train_jobs=1 (one process, in turn), the "
                             "baseline the product's training is compared with")
    parser.add_argument("--models", default="",
                        help="comma-separated model names to train (default: all)")
    parser.add_argument("--skip-predictions", action="store_true")
    parser.add_argument("--skip-training", action="store_true",
                        help="only time predictions (the build must already be trained)")
    args = parser.parse_args()
    path = current_build(Paths(args.data_dir))
    build_id = path.stem
    con = open_read_only(path)
    if not args.skip_training:
        # All models in one train_all call, as a refresh trains them: the genre
        # classifiers' jobs run in `train_jobs` worker processes while the other models
        # train here (so per-model times overlap, and this process's CPU time misses the
        # workers'); the budget is the whole call's wall time. The baseline, in the same
        # process just before: the same call with train_jobs=1 (everything in turn).
        runs = [("baseline", "1")] if args.baseline else []
        runs.append(("product", settings.raw("train_jobs")))
        totals, scores = {}, {}
        only = args.models.split(",") if args.models else None
        for label, jobs in runs:
            os.environ[settings.SETTINGS["train_jobs"].env] = jobs
            lines: list[str] = []
            start = time.perf_counter()
            metrics = training.train_all(con, args.data_dir, "experiments/bench", only=only,
                                         progress=lines.append)
            totals[label] = time.perf_counter() - start
            # the scores, without the rows that time the training itself
            scores[label] = metrics.filter(~pl.col("metric").str.contains("seconds")) \
                .drop("trained_at").sort(pl.all())
            print(f"training ({label}), {args.models or 'every model'}, one train_all call, {os.cpu_count()} "
                  f"cores, train_jobs={jobs}:")
            for line in lines:
                print(f"  {line}")
            print(f"  all {totals[label]:7.1f} s wall   budget 120 s -> "
                  f"{totals[label] / 120:.0%} of it; load average {os.getloadavg()[0]:.1f}")
        if "baseline" in totals:
            print(f"  baseline / product: {totals['baseline'] / totals['product']:.2f}x")
            same = scores["baseline"].equals(scores["product"])
            print(f"  metric rows identical in both runs ({scores['product'].height:,} rows): "
                  f"{'yes' if same else 'NO'}")
    con.close()

    if args.skip_predictions:
        return
    wh = Warehouse(args.data_dir)
    baseline = timed(lambda i: (wh._cache.clear(), catalog.filter_options(wh)), args.runs)
    genre = timed(lambda i: serving.predict_genres(
        args.data_dir, build_id, serving.GenreRequest.parse(GENRE_REQUESTS[i % 4])), args.runs)
    full = timed(lambda i: serving.predict_genres(
        args.data_dir, build_id, serving.GenreRequest.parse(FULL_REQUESTS[i % 4])), args.runs)
    tmdb = timed(lambda i: serving.predict_tmdb_genres(
        args.data_dir, build_id, serving.TmdbGenreRequest.parse(TMDB_REQUESTS[i % 4])), args.runs)
    cop = timed(lambda i: copilot_serving.predict(
        args.data_dir, build_id, copilot_serving.CopilotRequest.parse(COPILOT_REQUESTS[i % 2])), args.runs)
    print(f"\nprediction latency, {args.runs} runs (first includes loading the artifact):")
    print(f"  {'':28} {'median':>9} {'p95':>9}  vs baseline median")
    b = statistics.median(baseline)
    for label, values in [("baseline: filter_options query", baseline),
                          ("genres, form inputs", genre), ("genres, full inputs", full),
                          ("TMDB genres", tmdb), ("copilot", cop)]:
        med = statistics.median(values)
        print(f"  {label:28} {med:7.1f} ms {p95(values):7.1f} ms  {med / b:5.1f}x"
              f"{'' if label.startswith('baseline') else '   budget 200 ms'}")
    if args.skip_training:   # else training's peak hides the serving one
        print(f"  peak RSS of this process (every model loaded, as a worker that served "
              f"each): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
