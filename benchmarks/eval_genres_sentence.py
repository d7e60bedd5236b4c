"""How the sentence-vector block's weight was chosen, and where it was left out (issue 13).

    .venv/bin/python benchmarks/eval_genres_sentence.py --data-dir DIR [--report]

DIR holds a published build of the bundled data (training not needed). The block:
all-MiniLM-L6-v2 vectors of title + synopsis (models/sentence_encoder.py).
- Netflix, chosen one year before the reported split (trained on the titles added
  before 2020, scored on the 2020 additions), at weights 0 / 0.25 / 0.5 / 1 on top of
  each variant's served parameters, beside the plain model of the same run; then the
  served weight with 384 (all), 128 or 32 principal axes of the vectors instead of the
  served 64.
- TMDB, chosen on the tune part of the unseen movies, the same weights, weight 1 at
  C 2, and the served weight with 384, 128 or 32 axes.
With --report, each choice against the same model without the block, once on the
reported split (the 2021 additions; the report part of the unseen movies), with the
paired bootstrap of eval_genres_params.py for the Netflix form.
"""
from __future__ import annotations

from eval_genres_aux import (CHOICE, REPORT, choice_then_report, f1s, unseen_tmdb_parts,
                             with_stems, without_neighbours, without_sentence)
from eval_genres_params import evaluate, with_changes
from models import genre_classifier as gc
from models.genre_plain import PlainModel

WEIGHTS = [0.0, 0.25, 0.5, 1.0]
DIMS = [384, 128, 32]   # besides the served 64, at the served weight
TMDB_TRIALS = ([{"sentence": w} for w in WEIGHTS] + [{"sentence": 1.0, "C": 2.0}]
               + [{"sentence_dims": d} for d in DIMS])


def netflix(report: bool) -> None:
    # as measured then: before the neighbour votes (eval_genres_neighbours.py), with stems
    served = {v: {**without_neighbours(with_stems(p)),
                  "sentence_dims": gc.PARAMS["sentence_dims"]}
              for v, p in gc.PARAMS["variants"].items()}
    before = {v: without_sentence(served[v]) for v in ("netflix", "netflix_form")}
    evaluate(con, *CHOICE, {v: [(f"sentence {w}", with_changes(before[v], {"sentence": w}))
                                for w in WEIGHTS]
                            + [(f"{d} principal axes", with_changes(served[v], {"sentence_dims": d}))
                               for d in DIMS] for v in before})
    if report:
        evaluate(con, *REPORT, {v: [("without the block", before[v]), ("served", served[v])]
                                for v in before})


def tmdb(report: bool) -> None:
    records, labels, y, unseen, truth = unseen_tmdb_parts(con, report)
    parts = list(unseen)
    plain = PlainModel("tmdb", labels).fit(records, y, gc.SEED)
    for p in parts:
        print(f"  {p}: plain model {f1s(truth[p], plain.predict(unseen[p]))}", flush=True)
    served = {**without_neighbours(with_stems(gc.PARAMS["variants"]["tmdb"])),
              "sentence_dims": gc.PARAMS["sentence_dims"]}
    # the report part scores the choice and the model without the block, nothing else
    reported = [{"sentence": 0.0}, {"sentence": served["weights"]["sentence"]}]
    for trial in TMDB_TRIALS:
        model, _ = gc.fit("tmdb", records, labels, y, gc.SEED, None, with_changes(served, trial))
        for p in parts if trial in reported else ["tune"]:
            print(f"  {p}: {trial} {f1s(truth[p], model.predict_many(unseen[p]))}", flush=True)


if __name__ == "__main__":
    con, report = choice_then_report(__doc__, "also score the choices on the reported splits")
    netflix(report)
    tmdb(report)
    con.close()
