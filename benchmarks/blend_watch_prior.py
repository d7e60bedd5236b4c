"""How the Blend's watch prior was chosen, and what it gains (issue 12; docs/BLEND.md).

    .venv/bin/python benchmarks/blend_watch_prior.py --data-dir DIR \
        --fit TUNE_DIR --score REPORT_DIR [--grid A:MIN_HOUSEHOLDS:PRIOR_MIN ...] [--all]

TUNE_DIR / REPORT_DIR: folders of exports (docs/BLEND.md lists the halves of
../shared/data/viewing_histories; folders of symlinks do). People's data: read from
../shared, never copied into the project. Needs a published build with the Blend model.

Everything goes through blend-eval's own code (blend/evaluation.py, the temporal
protocol) and blend/watch_prior.py's counting (households = export files):
1. Tuning, on --fit only: each grid point (A = weight of the watch share against the
   audience prior, MIN_HOUSEHOLDS = titles fewer households watched are left out,
   PRIOR_MIN = the recommender's prior_min) is scored by leave-one-file-out: each
   file's records are scored with a prior counted from the other files of --fit.
2. The best grid point, with the prior counted from all of --fit, scored on --score,
   beside in the same run: the recommender with the audience prior (the served model
   before the watch prior), the popularity list (most IMDb votes) and the households'
   own most-watched list (the learned prior alone, no taste), the last also on --fit
   by leave-one-file-out.
3. --all: leave-one-file-out over --fit and --score together (each file scored with a
   prior from the other files), the closest to what the shipped prior gives a new user.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from blend import evaluation as ev  # noqa: E402
from blend.recommender import BLEND_PARAMS  # noqa: E402
from blend.viewing_history import load_catalog, parsed_exports  # noqa: E402
from models import serving  # noqa: E402
from models.blend_space import AUDIENCE_TIEBREAK, NAME  # noqa: E402
from queries.db import warehouse  # noqa: E402

GRID = [f"{a}:{k}:{p}" for a in (0.5, 0.8, 1.0) for k in (1, 2, 3) for p in (0.3, 0.45, 0.7)]


def parse_folder(folder: Path, catalog) -> list[tuple[str, object]]:
    """(file, parsed profile) for every profile of every export under `folder`."""
    return [(str(path), parsed) for path, _, parsed in parsed_exports(folder, catalog)]


def households(records, space) -> dict[str, np.ndarray]:
    """file → rows of the titles any of its profiles watched."""
    seen: dict[str, set[int]] = {}
    for file, parsed in records:
        seen.setdefault(file, set()).update(
            space.row_of[s] for s in parsed.items["show_id"].drop_nulls().to_list()
            if s in space.row_of)
    return {f: np.fromiter(rows, np.int64) for f, rows in seen.items() if rows}


def prior(space, files: dict[str, np.ndarray], skip: str | None, a: float, k: int):
    """The space with a watch prior counted from `files` other than `skip`."""
    counts = np.zeros(len(space.show_ids))
    for f, rows in files.items():
        if f != skip:
            counts[rows] += 1
    counts[counts < k] = 0
    if counts.max() <= 0:
        return space.with_watch_prior(None)
    share = counts / counts.max()
    mixed = a * share + (1 - a) * space.audience
    popularity = (mixed + AUDIENCE_TIEBREAK * space.audience) / (1 + AUDIENCE_TIEBREAK)
    return dataclasses.replace(space, popularity=popularity.astype(np.float32))


def score(records, space_for, avail, params) -> dict:
    scored = [ev.evaluate_parsed(space_for(f), avail, p, params) | {"refused": False}
              for f, p in records]
    return ev.summarize(scored)


def line(label: str, m: dict) -> str:
    return (f"{label:44} recall@50 {m['recall_at_50']:.3f}  popularity "
            f"{m['popularity_recall_at_50']:.3f}  ratio {m['ratio']:.2f}  prior alone "
            f"{m['prior_recall_at_50']:.3f}  NDCG@50 "
            f"{m['ndcg_at_50']:.3f}  ahead {m['ahead']}/{m['scored']}  films "
            f"{m['movies_for_movie_watchers']}/{m['movie_watchers']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--fit", type=Path, required=True)
    ap.add_argument("--score", type=Path, required=True)
    ap.add_argument("--grid", nargs="*", default=GRID, metavar="A:MIN_HOUSEHOLDS:PRIOR_MIN")
    ap.add_argument("--all", action="store_true", help="also leave-one-file-out over both")
    args = ap.parse_args()
    wh = warehouse(args.data_dir)
    space, _ = serving.load(wh.paths.data_dir, wh.build_id, NAME)
    avail = ev.Availability.from_frame(wh.query("blend_availability"), space)
    catalog = load_catalog(wh)
    fit, held = parse_folder(args.fit, catalog), parse_folder(args.score, catalog)
    fit_files = households(fit, space)
    audience = space.with_watch_prior(None)
    print(line(f"{args.fit.name}: audience prior (before)", score(fit, lambda f: audience, avail,
                                                                  BLEND_PARAMS)), flush=True)
    tried = []
    for point in args.grid:
        a, k, p = float(point.split(":")[0]), int(point.split(":")[1]), float(point.split(":")[2])
        cache: dict[str, object] = {}

        def space_for(f, a=a, k=k, cache=cache):
            if f not in cache:
                cache[f] = prior(space, fit_files, f, a, k)
            return cache[f]
        m = score(fit, space_for, avail, {**BLEND_PARAMS, "prior_min": p})
        tried.append(((a, k, p), m))
        print(line(f"{args.fit.name} leave-one-file-out {point}", m), flush=True)
    (a, k, p), best = max(tried, key=lambda t: t[1]["recall_at_50"])
    print(f"chosen on {args.fit.name}: A {a}, min households {k}, prior_min {p}")
    print(f"{args.fit.name} leave-one-file-out: households' most-watched list alone: "
          f"recall@50 {best['prior_recall_at_50']:.3f}")
    params = {**BLEND_PARAMS, "prior_min": p}
    learned = prior(space, fit_files, None, a, k)
    print(line(f"{args.score.name}: audience prior (before)",
               score(held, lambda f: audience, avail, BLEND_PARAMS)))
    print(line(f"{args.score.name}: watch prior from {args.fit.name}",
               score(held, lambda f: learned, avail, params)))
    if args.all:
        both = fit + held
        files = households(both, space)
        cache = {}

        def any_file(f):
            if f not in cache:
                cache[f] = prior(space, files, f, a, k)
            return cache[f]
        print(line(f"all {len(files)} households, leave-one-file-out",
                   score(both, any_file, avail, params)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
