"""Does each feature block still earn its keep, now that the models vote with their
neighbours? (issue 13: "remove what does not earn its keep on unseen data")

    .venv/bin/python benchmarks/eval_genres_blocks.py --data-dir DIR [--report]

DIR holds a published build of the bundled data (training not needed). Each optional
block of each model (models/text_features.py) is left out in turn, every other choice as
served before the removal below, on the choice splits: Netflix trained on the titles
added before 2020 and scored on the 2020 additions, TMDB on the tune part of the unseen
movies. With --report, the served models against the same models with the removed block
put back, once on the reported splits (the 2021 additions; the report part).
"""
from __future__ import annotations

from eval_genres_aux import CHOICE, REPORT, choice_then_report
from eval_genres_params import evaluate, score_tmdb_trials, with_changes
from models import genre_classifier as gc

REMOVED = {"stems": 0.5}   # the block left out after this benchmark, at its old weight
BLOCKS = {"netflix": ("stems", "sentence", "aux", "meta", "people"),
          "netflix_form": ("stems", "sentence", "aux", "meta", "title_chars"),
          "tmdb": ("stems", "sentence", "title_chars", "meta")}


def before(variant: str) -> dict:
    """The variant as served until this benchmark: with the removed block."""
    return with_changes(served(variant), REMOVED)


def served(variant: str) -> dict:
    return {**gc.PARAMS["variants"][variant], "sentence_dims": gc.PARAMS["sentence_dims"]}


def netflix(report: bool) -> None:
    variants = ("netflix", "netflix_form")
    evaluate(con, *CHOICE, {v: [("as served before", before(v))]
                            + [(f"without {b}", with_changes(before(v), {b: 0.0}))
                               for b in BLOCKS[v]] for v in variants})
    if report:
        evaluate(con, *REPORT, {v: [("as served before", before(v)), ("served", served(v))]
                                for v in variants})


def tmdb(report: bool) -> None:
    score_tmdb_trials(con, report, [("as served before", before("tmdb"), ["tune", "report"])]
                      + [(f"without {b}", with_changes(before("tmdb"), {b: 0.0}), ["tune"])
                         for b in BLOCKS["tmdb"]]
                      + [("served", served("tmdb"), ["report"])])


if __name__ == "__main__":
    con, report = choice_then_report(__doc__, "also score the removal on the reported splits")
    netflix(report)
    tmdb(report)
    con.close()
