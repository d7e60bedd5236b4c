"""How the neighbour votes' share and k were chosen (issue 13), and what they add.

    .venv/bin/python benchmarks/eval_genres_neighbours.py --data-dir DIR [--report]

DIR holds a published build of the bundled data (training not needed). The votes
(models/neighbour_votes.py): the labels of the k training titles whose sentence vectors
are closest, mixed into each model's calibrated probabilities with a share w; the cut is
chosen again on the mixed out-of-fold probabilities. Chosen where the other genre
choices were (docs/models/genre_classifier.md):
- Netflix, one year before the reported split: trained on the titles added before 2020,
  scored on the 2020 additions, at w 0 / 0.2 / 0.35 / 0.5 with k 50, and k 25 at 0.35,
  beside the plain model of the same run;
- TMDB, on the tune part of the unseen movies, the same trials.
With --report, the choice against the same model without the votes, once on the
reported splits (the 2021 additions; the report part of the unseen movies), each with
the paired bootstrap of its gain over the plain model (eval_genres_params.paired_gain).
"""
from __future__ import annotations

from eval_genres_aux import CHOICE, REPORT, choice_then_report, with_stems
from eval_genres_params import evaluate, score_tmdb_trials, with_changes
from models import genre_classifier as gc

TRIALS = ([{"neighbours": w} for w in (0.0, 0.2, 0.35, 0.5)]
          + [{"neighbours": 0.35, "neighbour_k": 25}])


def served(variant: str) -> dict:
    """As served when the votes were chosen: with the stems block (eval_genres_blocks.py)."""
    return {**with_stems(gc.PARAMS["variants"][variant]),
            "sentence_dims": gc.PARAMS["sentence_dims"]}


def netflix(report: bool) -> None:
    variants = ("netflix", "netflix_form")
    evaluate(con, *CHOICE, {v: [(f"neighbours {t}", with_changes(served(v), t))
                                for t in TRIALS] for v in variants})
    if report:
        evaluate(con, *REPORT, {v: [("without the votes", with_changes(served(v),
                                                                        {"neighbours": 0.0})),
                                    ("served", served(v))] for v in variants})


def tmdb(report: bool) -> None:
    # the report part scores the served choice and the model without the votes only
    reported = [{"neighbours": 0.0}, {"neighbours": served("tmdb")["neighbours"]}]
    score_tmdb_trials(con, report, [
        (str(t), with_changes(served("tmdb"), t), ["tune", "report"] if t in reported
         else ["tune"]) for t in TRIALS])


if __name__ == "__main__":
    con, report = choice_then_report(__doc__, "also score the choice on the reported splits")
    netflix(report)
    tmdb(report)
    con.close()
