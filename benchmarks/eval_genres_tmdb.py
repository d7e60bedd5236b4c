"""The TMDB genre classifier's figures in the model card, reproduced.

    .venv/bin/python benchmarks/eval_genres_tmdb.py --data-dir DIR [--seeds 42 0 1 2 3 4]

DIR holds a published build (`netflix-insights refresh --data-dir DIR`; training not
needed). For each split seed, trains the TMDB variant as `refresh` does and, on the same
split, its first stage alone (second stage switched off), and prints held-out and
out-of-fold micro-F1 with the training time. For the first seed it also prints:
held-out micro-F1 of the movies also in the Netflix catalog and of the others; the
model without the matched-catalog inputs; the combiner with 40 trees at rate 0.15 (the
runner-up); and the latency of one prediction over 50 held-out movies. About 1 minute
per seed on 2 cores.
"""
from __future__ import annotations

import argparse
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import numpy as np
from bench_models import p95, timed  # a sibling script: benchmarks/ is not a package
from sklearn.metrics import f1_score
from sklearn.preprocessing import MultiLabelBinarizer

from base.paths import Paths, current_build
from models import genre_classifier as gc
from queries.db import open_read_only


def micro(rows: list[dict], split: str) -> float:
    return next(r["value"] for r in rows if r["model"] == "genres_tmdb" and r["split"] == split
                and r["metric"] == "micro_f1" and not r["label"])


def train(con, seed: int) -> tuple[gc.GenreClassifier, list[dict], float]:
    start = time.monotonic()
    model, rows = gc.train_task(con, "tmdb", seed)
    return model, rows, time.monotonic() - start


@contextmanager
def first_stage_only():
    with mock.patch.dict(gc.PARAMS["stacking"], clear=True):
        yield


@contextmanager
def combiner(**params):
    with mock.patch.dict(gc.PARAMS["stacking"]["tmdb"], params):
        yield


@contextmanager
def without_matched_inputs():
    load = gc.load_records

    def stripped(con, task):
        return [{**r, "netflix_genres": [], "imdb_genres": [], "matched_description": ""}
                for r in load(con, task)]
    with mock.patch.object(gc, "load_records", stripped):
        yield


def line(name: str, rows: list[dict], seconds: float) -> None:
    print(f"  {name:44s} held-out {micro(rows, 'holdout'):.4f}   out of fold "
          f"{micro(rows, 'cv3_oof'):.4f}   {seconds:5.1f} s", flush=True)


def subsets(con, model: gc.GenreClassifier, seed: int) -> None:
    """Held-out micro-F1 of movies with and without a Netflix-catalog match."""
    records = gc.load_records(con, "tmdb")
    _, test_idx = gc.holdout_split(len(records), seed)
    test = [records[i] for i in test_idx]
    y = MultiLabelBinarizer(classes=model.labels).fit_transform([r["labels"] for r in test])
    pred = model.decide(test, model.predict_proba(test))
    matched = np.array([bool(r["netflix_genres"]) for r in test])
    for name, rows in [("in the Netflix catalog", matched), ("not in it", ~matched)]:
        print(f"  held-out, {name:34s} {f1_score(y[rows], pred[rows], average='micro'):.4f}"
              f"   ({rows.sum():,} movies)")
    ms = timed(lambda i: model.predict(test[i]), 50)
    print(f"  one prediction, 50 held-out movies: median {np.median(ms):.1f} ms, "
          f"p95 {p95(ms):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 0, 1, 2, 3, 4])
    args = parser.parse_args()
    con = open_read_only(current_build(Paths(args.data_dir)))
    for n, seed in enumerate(args.seeds):
        print(f"split seed {seed}:")
        model, rows, seconds = train(con, seed)
        line("chosen (first stage + second stage)", rows, seconds)
        with first_stage_only():
            line("first stage alone", *train(con, seed)[1:])
        if n == 0:
            with without_matched_inputs():
                line("chosen, without the matched-catalog inputs", *train(con, seed)[1:])
            with combiner(trees=40, learning_rate=0.15):
                line("combiner 40 trees, rate 0.15", *train(con, seed)[1:])
            subsets(con, model, seed)
    con.close()


if __name__ == "__main__":
    main()
