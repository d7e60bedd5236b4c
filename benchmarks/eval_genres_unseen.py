"""Choices for the genre models on unseen titles (issue 13), made where they may be made.

    .venv/bin/python benchmarks/eval_genres_unseen.py --data-dir DIR [--task tmdb|netflix]

DIR holds a published build (training not needed). "The model" is the one served now
(sentence vectors and neighbour votes included; the blends were tried on 2026-12-04,
before either). TMDB: trains the model and the plain model on every bundled movie as
`refresh` does, then scores the **tune** part of
etl/snapshot/tmdb_unseen_movies.csv.gz (never the report part) for the model alone, the
plain model alone and blends of their probabilities (weight w on the model; one cut
chosen on the out-of-fold probabilities of the training rows). Netflix: the form
variant and the plain model trained on the pre-2021 additions, blends chosen on their
out-of-fold probabilities only (the 2021 additions are the reported split, not read
here). Prints micro / macro-F1 and the training time of each part.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from sklearn.metrics import f1_score
from sklearn.preprocessing import MultiLabelBinarizer
from threadpoolctl import threadpool_limits

from base.paths import Paths, current_build
from models import genre_aux
from models import genre_classifier as gc
from models import genre_files
from models.genre_plain import PlainModel, at_least_one, best_threshold
from models.text_features import with_sentence_vectors
from queries.db import open_read_only

WEIGHTS = (1.0, 0.7, 0.5, 0.3, 0.0)


def f1s(y, pred) -> str:
    return (f"micro {f1_score(y, pred, average='micro', zero_division=0):.4f} "
            f"macro {f1_score(y, pred, average='macro', zero_division=0):.4f}")


def blends(name, y_fit, oof_model, oof_plain, y_eval, p_model, p_plain) -> None:
    for w in WEIGHTS:
        oof = w * oof_model + (1 - w) * oof_plain
        cut = best_threshold(y_fit, oof)
        pred = at_least_one(w * p_model + (1 - w) * p_plain, cut)
        print(f"  {name} w={w:.1f} cut {cut:.2f}: out of fold "
              f"{f1s(y_fit, at_least_one(oof, cut))} | evaluated {f1s(y_eval, pred)}", flush=True)


def timed(fn):
    start = time.monotonic()
    out = fn()
    print(f"  ({time.monotonic() - start:.1f} s)", flush=True)
    return out


def tmdb(con) -> None:
    records = with_sentence_vectors(gc.load_records(con, "tmdb"))
    labels, y = gc.binarize(records)
    tune = with_sentence_vectors(genre_files.unseen_tmdb("tune", labels).records)
    y_tune = MultiLabelBinarizer(classes=labels).fit_transform([r["labels"] for r in tune])
    print(f"tmdb: {len(records):,} bundled movies, tune part {len(tune)} movies")
    model, oof = timed(lambda: gc.fit("tmdb", records, labels, y))
    plain = timed(lambda: PlainModel("tmdb", labels).fit(records, y))
    blends("tmdb", y, oof, plain.oof, y_tune, model.predict_proba(tune), plain.predict_proba(tune))


def netflix(con) -> None:
    records = with_sentence_vectors(gc.load_records(con, "netflix"))
    labels, y = gc.binarize(records)
    before, _ = gc.temporal_split(records)
    forms = [gc.form_record(records[i]) for i in before]
    print(f"netflix form: {len(forms):,} titles added before 2021 (out of fold only)")
    aux = timed(lambda: genre_aux.fit(genre_aux.training_records(
        con, records, gc.TEMPORAL_CUTOFF.year), gc.SEED))   # as the refresh fits the form
    model, oof = timed(lambda: gc.fit("netflix_form", forms, labels, y[before], gc.SEED, aux))
    plain = timed(lambda: PlainModel("netflix", labels).fit(forms, y[before]))
    blends("form", y[before], oof, plain.oof, y[before], oof, plain.oof)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--task", choices=["tmdb", "netflix"], nargs="+", default=["tmdb", "netflix"])
    args = parser.parse_args()
    con = open_read_only(current_build(Paths(args.data_dir)))
    with threadpool_limits(1):
        for task in args.task:
            {"tmdb": tmdb, "netflix": netflix}[task](con)
    con.close()


if __name__ == "__main__":
    main()
