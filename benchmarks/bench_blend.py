"""Blend recommender: quality on the test viewing histories, request latency, training time.

    .venv/bin/python benchmarks/bench_blend.py [--data-dir DIR] [--runs 20]

Without --data-dir the bundled snapshot is built into a temporary data dir (models
off; the Blend model is trained here). Prints:
1. Quality (blend/evaluation.py): per history in tests/data/viewing_histories, the most
   recent 20% of its distinct matched titles are hidden and the single-person list
   (n = 50) is made from the rest; recall@50 and NDCG@50 against the baseline of the
   same session, the 50 most popular titles the person has not watched. Means over
   all histories, and over two fixed halves (alternate files in name order): "tune"
   is the half the serving parameters were tuned on, "held-out" the other
   (docs/models/blend.md).
   Then every pair of histories blended: each person's recall of their own hidden
   titles in the shared list, against the popularity list and the plain mean ranking.
2. Latency of a 2-person blend of two 5,000-row histories (median of --runs): blend
   only (histories parsed once beforehand) and parse+match+blend, against the 300 ms
   budget. The two files are made from the test histories' rows (each account mixes
   several personas; see five_thousand_rows). Also the page's own path: both profiles
   read back from a profiles database, then blended.
3. Training time (median of --train-runs) against the 15 s target.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from base.paths import (
    Paths,  # noqa: E402
    current_build,  # noqa: E402
)
from blend import evaluation as blend_eval  # noqa: E402
from blend import recommender as blend
from blend.viewing_history import parse_history  # noqa: E402
from models import blend_space_training
from queries.db import open_read_only  # noqa: E402

HISTORIES = ROOT / "tests" / "data" / "viewing_histories"
BUDGET_MS = 300.0
TRAIN_TARGET_S = 15.0
ROWS = 5000


def warehouse(data_dir: Path | None, scratch: Path) -> Path:
    """The published build's file: DIR's, or a fresh build of the bundled snapshot."""
    if data_dir is None:
        os.environ["NETFLIX_INSIGHTS_TRAIN_MODELS"] = "0"
        from netflix_insights.refresh import refresh
        data_dir = scratch / "data"
        print(f"building the bundled snapshot into {data_dir} …", flush=True)
        refresh(data_dir, quiet=True)
    return current_build(Paths(data_dir))


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def quality(space, histories: dict[str, pl.DataFrame]) -> None:
    table = blend_eval.evaluate(space, histories, n=50)
    print("\nquality: hide the most recent 20% of titles, single-person list, n = 50")
    print(f"  {'history':24} {'titles':>6} {'hidden':>6} {'recall':>7} {'base':>6} "
          f"{'NDCG':>6} {'base':>6}")
    for r in table.iter_rows(named=True):
        print(f"  {r['history']:24} {r['titles']:6} {r['hidden']:6} {r['recall']:7.3f} "
              f"{r['baseline_recall']:6.3f} {r['ndcg']:6.3f} {r['baseline_ndcg']:6.3f}")
    names = table["history"].to_list()
    for label, subset in [("mean, all", names), ("mean, tune half", names[0::2]),
                          ("mean, held-out half", names[1::2])]:
        part = table.filter(pl.col("history").is_in(subset))
        rec, base = part["recall"].mean(), part["baseline_recall"].mean()
        ndcg, base_ndcg = part["ndcg"].mean(), part["baseline_ndcg"].mean()
        print(f"  {label:24} {'':6} {'':6} {rec:7.3f} {base:6.3f} {ndcg:6.3f} {base_ndcg:6.3f}"
              f"   recall {rec / base:.1f}x, NDCG {ndcg / base_ndcg:.1f}x the baseline")
    print(f"  tune half: {', '.join(names[0::2])}")


def pairs(space, histories: dict[str, pl.DataFrame]) -> None:
    """Every pair of histories blended (recent 20% of each hidden): each person's recall
    of their own hidden titles in the shared list of 50. Also with the disagreement step
    off (candidate_factor 1: plain mean interest), to show what it costs."""
    print(f"\ngroup lists: {len(histories) * (len(histories) - 1) // 2} pairs, n = 50, "
          "recall of each person's own hidden titles")
    print(f"  {'':36} {'mean':>6} {'worse-off person':>17}")
    plain = {**blend.BLEND_PARAMS, "candidate_factor": 1}
    table = blend_eval.evaluate_pairs(space, histories)
    for label, mean, worse in [
            ("blend (top 2n, least disagreement)", table["mean"].mean(), table["worse"].mean()),
            ("popularity baseline", table["baseline_mean"].mean(), table["baseline_worse"].mean())]:
        print(f"  {label:36} {mean:6.3f} {worse:17.3f}")
    other = blend_eval.evaluate_pairs(space, histories, params=plain)
    print(f"  {'plain mean interest (factor 1)':36} {other['mean'].mean():6.3f} "
          f"{other['worse'].mean():17.3f}")


def five_thousand_rows(con, first: str) -> bytes:
    """A 5,000-row export (Title,Date month-first, newest first) whose rows are the
    viewings of `first` then of the other test histories, in name order, until 5,000."""
    catalog = blend_eval.history_catalog(con)
    files = sorted(HISTORIES.glob("*.csv"), key=lambda p: (p.stem != first, p.stem))
    frames = [parse_history(p.read_bytes(), catalog).viewings.select("raw_title", "watched_on")
              for p in files]
    rows = pl.concat(frames).unique(maintain_order=True).head(ROWS).sort("watched_on",
                                                                        descending=True)
    if rows.height < ROWS:
        sys.exit(f"the test histories hold only {rows.height} distinct rows")
    out = io.StringIO()
    rows.select(Title="raw_title", Date=pl.col("watched_on").dt.strftime("%-m/%-d/%y")
                ).write_csv(out)
    return out.getvalue().encode()


def app_path_ms(space, parsed: dict, scratch: Path, runs: int) -> float:
    """What the page's list callback does: read both profiles back from the profiles
    database (blend/profiles.py, one open/lock/close per read) and blend them."""
    from blend import service as blend_service
    from blend.profiles import ProfileStore
    profiles = ProfileStore(scratch)
    blend_id = profiles.create_blend()
    for who, history in parsed.items():
        profiles.create_profile(who, history, file_name=None, blend_id=blend_id)

    def request():
        data = blend_service.load_blend(scratch, blend_id, with_viewings=False)
        return blend.recommend(space, blend_service.histories(data, data.people), n=20)
    request()
    return median_ms(request, runs)


def latency(con, space, runs: int, scratch: Path) -> None:
    names = sorted(p.stem for p in HISTORIES.glob("*.csv"))
    files = {"Ana": five_thousand_rows(con, names[-1]), "Ben": five_thousand_rows(con, names[0])}
    catalog = blend_eval.history_catalog(con)
    parsed = {who: parse_history(data, catalog) for who, data in files.items()}
    people = {who: blend_eval.matched_items(p) for who, p in parsed.items()}
    sizes = ", ".join(f"{who}: {p.rows_read} rows, {people[who].height} matched titles"
                      for who, p in parsed.items())
    blend.recommend(space, people, n=20)   # first call: BLAS and polars warm-up
    only = median_ms(lambda: blend.recommend(space, people, n=20), runs)
    full = median_ms(lambda: blend.recommend(
        space, {who: blend_eval.matched_items(parse_history(data, catalog))
                for who, data in files.items()}, n=20), runs)
    stored = app_path_ms(space, parsed, scratch, runs)
    print(f"\nlatency of a 2-person blend, n = 20, median of {runs} ({sizes}):")
    for label, ms in [("blend only", only), ("parse + match + blend", full),
                      ("profiles DB read + blend", stored)]:
        print(f"  {label:24} {ms:7.1f} ms   {ms / BUDGET_MS:.0%} of the {BUDGET_MS:.0f} ms budget")


def training(con, runs: int):
    times, trained = [], None
    for _ in range(runs):
        start = time.perf_counter()
        trained = blend_space_training.train(con)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    print(f"training: {seconds:.1f} s median of {runs} (target {TRAIN_TARGET_S:.0f} s, "
          f"{seconds / TRAIN_TARGET_S:.0%} of it)")
    for row in trained.metrics:
        print(f"  {row['metric']:36} {row['value']:.4g}")
    return trained.model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--train-runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        con = open_read_only(warehouse(args.data_dir, Path(scratch)))
        space = training(con, args.train_runs)
        histories = blend_eval.load_histories(con, HISTORIES)
        quality(space, histories)
        pairs(space, histories)
        latency(con, space, args.runs, Path(scratch))
        con.close()


if __name__ == "__main__":
    main()
