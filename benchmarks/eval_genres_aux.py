"""How much the auxiliary genre models add to the Netflix classifiers (issue 13).

    .venv/bin/python benchmarks/eval_genres_aux.py --data-dir DIR [--report]

DIR holds a published build of the bundled data (training not needed). The choice was
made on a split that mimics use one year earlier: trained on the titles added before
2020, scored on the 2020 additions; the 2021 additions (the reported split) are read
only with --report, which scores the served recipe (trained before 2021) with and
without each source. For each variant (full inputs, form inputs) and each set of
sources, at several block weights: micro / macro-F1, beside the plain model trained on
the same rows in the same run. The auxiliary models are fitted on no catalog title
(models/genre_aux.py), as in the refresh.
"""
from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from sklearn.metrics import f1_score
from sklearn.preprocessing import MultiLabelBinarizer
from threadpoolctl import threadpool_limits

from base.paths import Paths, current_build
from models import genre_aux, genre_files
from models import genre_classifier as gc
from models.genre_plain import PlainModel
from models.text_features import with_sentence_vectors
from queries.db import open_read_only

CHOICE = (date(2020, 1, 1), date(2021, 1, 1))
REPORT = (date(2021, 1, 1), date(2022, 1, 1))
TRIALS = [((), 0.0), (("tmdb",), 0.25), (("imdb",), 0.25), (("tmdb", "imdb"), 0.25),
          (("tmdb", "imdb"), 0.5), (("tmdb", "imdb"), 1.0)]


def f1s(y, pred) -> str:
    return (f"micro {f1_score(y, pred, average='micro', zero_division=0):.4f} "
            f"macro {f1_score(y, pred, average='macro', zero_division=0):.4f}")


def evaluate(con, start: date, end: date, trials) -> None:
    records = gc.load_records(con, "netflix")
    labels, y = gc.binarize(records)
    fit_idx, score_idx = gc.temporal_split(records, start, end)
    print(f"trained on {len(fit_idx):,} titles added before {start}, "
          f"scored on {len(score_idx):,} added until {end}", flush=True)
    started = time.monotonic()
    by_source = genre_aux.training_records(con, records, start.year)
    auxes = {sources: genre_aux.fit({s: by_source[s] for s in sources}, gc.SEED)
             for sources in {t[0] for t in trials} if sources}
    print(f"  auxiliary models ({', '.join(f'{s} {len(r):,} rows' for s, r in by_source.items())})"
          f" fitted in {time.monotonic() - started:.1f} s", flush=True)
    forms = [gc.form_record(records[i]) for i in fit_idx]
    plain = PlainModel("netflix", labels).fit(forms, y[fit_idx], gc.SEED)
    print(f"  plain model (form inputs) "
          f"{f1s(y[score_idx], plain.predict([gc.form_record(records[i]) for i in score_idx]))}",
          flush=True)
    for variant in ("netflix", "netflix_form"):
        rows = [records[i] for i in fit_idx]
        scored = [records[i] for i in score_idx]
        if variant == "netflix_form":
            rows, scored = forms, [gc.form_record(r) for r in scored]
        # as measured then: before the sentence block (eval_genres_sentence.py)
        served = without_sentence(gc.PARAMS["variants"][variant])
        for sources, weight in trials:
            weight = served["weights"]["aux"] if weight is None else weight
            params = {**served, "weights": {**served["weights"], "aux": weight}}
            model, _ = gc.fit(variant, rows, labels, y[fit_idx], gc.SEED,
                              auxes.get(sources), params)
            name = "+".join(sources) or "none"
            print(f"  {variant}: aux {name:<9} weight {weight:.2f} "
                  f"{f1s(y[score_idx], model.predict_many(scored))}", flush=True)


def without_sentence(params: dict) -> dict:
    """A variant's parameters without the sentence-vector block and the neighbour votes,
    which came after the choices these benchmarks made (benchmarks/eval_genres_sentence.py,
    eval_genres_neighbours.py), and with the stems block they had."""
    return {**without_neighbours(params),
            "weights": {k: w for k, w in with_stems(params)["weights"].items()
                        if k != "sentence"}}


def with_stems(params: dict) -> dict:
    """A variant's parameters with the stems block at the weight every model had until
    benchmarks/eval_genres_blocks.py left it out (same place among the blocks)."""
    return {**params, "weights": {k: 0.5 if k == "stems" else w
                                  for k, w in params["weights"].items()}}


def without_neighbours(params: dict) -> dict:
    """A variant's parameters without the neighbour votes (eval_genres_neighbours.py)."""
    return {k: v for k, v in params.items() if k != "neighbours"}


def unseen_tmdb_parts(con, report: bool):
    """(bundled records with their vectors, labels, y, {part: unseen records}, {part:
    truth}): the TMDB model's training rows and the unseen movies' tune part, with
    `report` also the report part (the genre choice benchmarks' TMDB half)."""
    started = time.monotonic()
    records = with_sentence_vectors(gc.load_records(con, "tmdb"))
    labels, y = gc.binarize(records)
    parts = ["tune", "report"] if report else ["tune"]
    unseen = {p: with_sentence_vectors(genre_files.unseen_tmdb(p, labels).records)
              for p in parts}
    truth = {p: MultiLabelBinarizer(classes=labels).fit_transform([r["labels"] for r in rows])
             for p, rows in unseen.items()}
    print(f"TMDB: {len(records):,} bundled movies, parts {', '.join(parts)} "
          f"({time.monotonic() - started:.0f} s)", flush=True)
    return records, labels, y, unseen, truth


def choice_then_report(doc: str, report_help: str, argv: list[str] | None = None):
    """(connection to DIR's published build, --report given): the command line of the
    genre choice benchmarks (this one and eval_genres_params.py)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--report", action="store_true", help=report_help)
    args = parser.parse_args(argv)
    return open_read_only(current_build(Paths(args.data_dir))), args.report


def main() -> None:
    con, report = choice_then_report(__doc__, "also score the 2021 additions (the reported "
                                              "split)")
    with threadpool_limits(1):
        evaluate(con, *CHOICE, TRIALS)
        if report:
            # each variant with its served aux weight (None)
            evaluate(con, *REPORT, [((), 0.0), (("tmdb", "imdb"), None)])
    con.close()


if __name__ == "__main__":
    main()
