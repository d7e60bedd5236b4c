"""Where the genre models' training time goes: CPU seconds of each job, one at a time.

    .venv/bin/python benchmarks/genre_jobs_cpu.py --data-dir DIR [--runs 3]

DIR: a data dir with a published build (training not needed). Builds the genre jobs
exactly as a refresh does (models/genre_classifier.netflix_jobs and tmdb_jobs: the
auxiliary models first, then the served variants, the plain models and the seed
baselines) and runs each in this process, in turn, `--runs` times. Prints each job's
median CPU seconds (process time: what it costs the machine, whatever else runs) and
its share of the whole; a refresh runs the same jobs in `train_jobs` processes, so its
wall time is about this total halved on two cores. Issue 11's suite-time notes use it.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from base.paths import Paths, current_build  # noqa: E402
from models import genre_aux  # noqa: E402
from models import genre_classifier as gc  # noqa: E402
from queries.db import open_read_only  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    con = open_read_only(current_build(Paths(args.data_dir)))
    netflix = gc.with_sentence_vectors(gc.load_records(con, "netflix"))
    tmdb = gc.with_sentence_vectors(gc.load_records(con, "tmdb"))
    cpu: dict[str, list[float]] = {}
    for run in range(args.runs):
        started = time.process_time()
        aux = genre_aux.fit(genre_aux.training_records(con, netflix, gc.TEMPORAL_CUTOFF.year),
                            gc.SEED)
        cpu.setdefault("auxiliary models", []).append(time.process_time() - started)
        for job in gc.netflix_jobs(netflix, aux, gc.SEED) + gc.tmdb_jobs(tmdb, gc.SEED):
            started = time.process_time()
            job()
            cpu.setdefault(job.args[0], []).append(time.process_time() - started)
        print(f"run {run + 1}/{args.runs} done", file=sys.stderr, flush=True)
    medians = {name: statistics.median(values) for name, values in cpu.items()}
    total = sum(medians.values())
    print(f"genre training, CPU seconds per job, median of {args.runs} runs in turn")
    print(f"{'job':20} {'CPU s':>7} {'share':>6}")
    for name, seconds in medians.items():
        print(f"{name:20} {seconds:7.1f} {seconds / total:6.0%}")
    print(f"{'all':20} {total:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
