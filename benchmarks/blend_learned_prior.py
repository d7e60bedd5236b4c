"""Would a learned ranker beat the Blend's hand-set prior? (issue 12; an experiment, not
served). Under blend-eval's temporal protocol, a logistic regression over six features
of each (person, candidate title) is fitted on one folder's records and scored on the
other's, beside the served recommender and the popularity list, in the same run.

    .venv/bin/python benchmarks/blend_learned_prior.py --data-dir DIR \
        --fit TUNE_DIR --score REPORT_DIR [--swap]

TUNE_DIR / REPORT_DIR: folders of exports (docs/BLEND.md lists the halves of
../shared/data/viewing_histories; folders of symlinks do). People's data: read from
../shared, never copied into the project. Needs a published build with the Blend model.

Per record (each export, each profile of a ViewingActivity.csv), through blend-eval's
own code (blend/evaluation.py): the cut, the profile before it, the targets after it,
the titles available at the cut. Candidates: every available title the person has not
watched. Features: the served content interest (the recommender's interest() with the
prior switched off), log IMDb votes, log days the title had been on Netflix at the cut,
years since release at the cut, whether its kind is the one the person watches most
(recent titles weighing more, the recommender's movie_share) and whether it is a film.
Positives: the targets. Scored: recall@50 of the top 50 by the fitted score, beside
the served list's and the popularity list's (blend-eval's two figures). --swap also
fits on --score and scores --fit. Prints per-half means and how often each is ahead.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.linear_model import LogisticRegression  # noqa: E402

from blend import evaluation as ev  # noqa: E402
from blend.recommender import BLEND_PARAMS, interest, profile  # noqa: E402
from blend.viewing_history import load_catalog, parsed_exports  # noqa: E402
from models import serving  # noqa: E402
from models.blend_space import NAME  # noqa: E402
from queries.db import warehouse  # noqa: E402

FEATURES = ("content", "log_votes", "log_days_on_netflix", "years_since_release", "kind_fit",
            "is_movie")
NEVER_ADDED_DAYS = 3000.0   # titles without a date added: as if long in the catalog


def records(folder: Path, space, avail, catalog):
    """(name, features, is_target, served recall@50, popularity recall@50) per scored
    record of `folder`, in blend-eval's order."""
    out = []
    for path, name, parsed in parsed_exports(folder, catalog):
        scored = ev.evaluate_parsed(space, avail, parsed)
        if scored["recall_at_50"] is None:
            continue
        cut, before, after = ev.temporal_split(parsed.viewings)
        available = avail.at(cut)
        targets = {s for s in after["show_id"].to_list()
                   if s in space.row_of and available[space.row_of[s]]}
        person = profile(space, "person", ev.items_of(before))
        mask = available.copy()
        mask[person.rows] = False
        rows = np.flatnonzero(mask)
        out.append((f"{str(path.relative_to(folder))[:40]} {name or ''}".strip(),
                    features(space, avail, person, rows, cut),
                    np.array([space.show_ids[r] in targets for r in rows]),
                    scored["recall_at_50"], scored["popularity_recall_at_50"]))
    return out


def features(space, avail, person, rows: np.ndarray, cut) -> np.ndarray:
    content = (interest(space, person, rows, {**BLEND_PARAMS, "prior_min": 0.0, "prior_k": 0.0})
               if person.size else np.zeros(rows.size))
    days = (np.datetime64(cut, "D") - space.added[rows]).astype("timedelta64[D]")
    days = np.where(np.isnat(days), NEVER_ADDED_DAYS, days.astype(np.float64)).clip(0)
    year = space.titles["release_year"].to_numpy().astype(np.float64)[rows]
    is_movie = (space.kind[rows] == "movie").astype(np.float64)
    films = person.movie_share if person.movie_share is not None else 0.5
    return np.column_stack([
        content, np.log1p(avail.votes[rows]), np.log1p(days),
        np.nan_to_num(cut.year - year, nan=20.0).clip(0, 60),
        is_movie * films + (1 - is_movie) * (1 - films), is_movie])


def fit(train) -> tuple[LogisticRegression, np.ndarray, np.ndarray]:
    x = np.vstack([r[1] for r in train])
    mean, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=0.1, max_iter=3000).fit(
        (x - mean) / sd, np.concatenate([r[2] for r in train]))
    return model, mean, sd


def learned_recall(model, mean, sd, record) -> float:
    _, x, is_target, *_ = record
    score = ((x - mean) / sd) @ model.coef_[0]
    top = np.lexsort((np.arange(score.size), -score))[: ev.TOP_K]
    return float(is_target[top].sum() / is_target.sum())


def report(label: str, train, test) -> None:
    model, mean, sd = fit(train)
    learned = [learned_recall(model, mean, sd, r) for r in test]
    served, popular = [r[3] for r in test], [r[4] for r in test]
    print(f"\n{label}: fitted on {len(train)} records, scored on {len(test)}")
    print("  coefficients (standardised): " + ", ".join(
        f"{n} {c:+.2f}" for n, c in zip(FEATURES, model.coef_[0])))
    print(f"  {'record':58s} {'learned':>8s} {'served':>7s} {'popular':>8s}")
    for r, value in zip(test, learned):
        print(f"  {r[0][:58]:58s} {value:8.3f} {r[3]:7.3f} {r[4]:8.3f}")
    for name, values in (("learned", learned), ("served", served)):
        ahead = sum(v > p for v, p in zip(values, popular))
        print(f"  mean recall@50 {name:8s} {np.mean(values):.3f} "
              f"(popularity {np.mean(popular):.3f}, ratio "
              f"{np.mean(values) / max(np.mean(popular), 1e-12):.2f}x; ahead on "
              f"{ahead}/{len(values)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--fit", type=Path, required=True)
    parser.add_argument("--score", type=Path, required=True)
    parser.add_argument("--swap", action="store_true")
    args = parser.parse_args()
    wh = warehouse(args.data_dir)
    space, _meta = serving.load(wh.paths.data_dir, wh.build_id, NAME)
    # the experiment predates the watch prior, and the shipped one was learned from
    # these same exports: compare with the recommender as it was, on the audience prior
    space = space.with_watch_prior(None)
    avail = ev.Availability.from_frame(wh.query("blend_availability"), space)
    catalog = load_catalog(wh)
    first = records(args.fit, space, avail, catalog)
    second = records(args.score, space, avail, catalog)
    report(f"fit {args.fit} → score {args.score}", first, second)
    if args.swap:
        report(f"fit {args.score} → score {args.fit}", second, first)
    return 0


if __name__ == "__main__":
    sys.exit(main())
