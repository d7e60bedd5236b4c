"""Offline evaluation of the Blend recommender on viewing histories.

Protocol (benchmarks/bench_blend.py, tests/test_models_blend.py): per history, the
most recent HIDDEN_SHARE of its distinct matched titles (by last_watched; ties by
show_id) are hidden; the single-person list is made from the rest and scored against
the hidden titles by recall@n and NDCG@n (binary relevance). The baseline is the
popularity prior alone: the n most popular titles the person has not watched.
"""
from __future__ import annotations

import itertools
import math
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from blend.recommender import BLEND_PARAMS, recommend
from blend.viewing_history import HistoryCatalog, ParsedHistory, parse_history
from models.blend_space import TitleSpace

HIDDEN_SHARE = 0.2


def history_catalog(con: duckdb.DuckDBPyConnection) -> HistoryCatalog:
    return HistoryCatalog.from_frame(
        con.sql("select show_id, kind, title, release_year from titles").pl())


def matched_items(parsed: ParsedHistory) -> pl.DataFrame:
    """What recommend() takes for one person: the matched items of a parsed history."""
    return (parsed.items.filter(pl.col("show_id").is_not_null())
            .select("show_id", "episodes", "last_watched"))


def load_histories(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, pl.DataFrame]:
    """File stem → matched items, for every *.csv in `folder`, read by the real parser."""
    catalog = history_catalog(con)
    return {path.stem: matched_items(parse_history(path.read_bytes(), catalog))
            for path in sorted(folder.glob("*.csv"))}


def split_recent(items: pl.DataFrame, share: float = HIDDEN_SHARE) -> tuple[pl.DataFrame, set[str]]:
    """(the rows of the older titles, the show_ids of the most recent `share`)."""
    matched = items.filter(pl.col("show_id").is_not_null())
    latest = (matched.group_by("show_id").agg(pl.col("last_watched").max())
              .sort(["last_watched", "show_id"], descending=[True, False]))
    hidden = set(latest["show_id"].head(max(1, math.ceil(share * latest.height))).to_list())
    return matched.filter(~pl.col("show_id").is_in(list(hidden))), hidden


def popularity_list(space: TitleSpace, watched: set[str], n: int) -> list[str]:
    """The baseline: the n titles with the highest prior that are not in `watched`."""
    order = np.lexsort((np.arange(space.popularity.size), -space.popularity))
    return [s for s in space.show_ids[order[: n + len(watched)]].tolist() if s not in watched][:n]


def recall_at(ranked: list[str], relevant: set[str]) -> float:
    return len(set(ranked) & relevant) / len(relevant) if relevant else 0.0


def ndcg_at(ranked: list[str], relevant: set[str]) -> float:
    """Binary-relevance NDCG of `ranked` (its length is the cut-off)."""
    dcg = sum(1 / math.log2(i + 2) for i, s in enumerate(ranked) if s in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), len(ranked))))
    return dcg / ideal if ideal else 0.0


def evaluate(space: TitleSpace, histories: dict[str, pl.DataFrame], n: int = 50,
             params: dict = BLEND_PARAMS) -> pl.DataFrame:
    """One row per history: titles, hidden, recall/NDCG@n of the Blend list and of the
    popularity baseline."""
    rows = []
    for name in sorted(histories):
        known, hidden = split_recent(histories[name])
        ranked = [r.show_id for r in recommend(space, {name: known}, n=n, params=params)]
        baseline = popularity_list(space, set(known["show_id"].to_list()), n)
        rows.append({"history": name, "titles": known["show_id"].n_unique() + len(hidden),
                     "hidden": len(hidden),
                     "recall": recall_at(ranked, hidden), "ndcg": ndcg_at(ranked, hidden),
                     "baseline_recall": recall_at(baseline, hidden),
                     "baseline_ndcg": ndcg_at(baseline, hidden)})
    return pl.DataFrame(rows)


def evaluate_pairs(space: TitleSpace, histories: dict[str, pl.DataFrame], n: int = 50,
                   params: dict = BLEND_PARAMS) -> pl.DataFrame:
    """One row per pair of histories blended together (each with its recent titles
    hidden): each person's recall@n of their own hidden titles in the shared list, and
    the same for the popularity baseline (titles neither has watched)."""
    splits = {name: split_recent(items) for name, items in histories.items()}
    rows = []
    for a, b in itertools.combinations(sorted(histories), 2):
        ranked = [r.show_id for r in recommend(
            space, {a: splits[a][0], b: splits[b][0]}, n=n, params=params)]
        seen = set(splits[a][0]["show_id"].to_list()) | set(splits[b][0]["show_id"].to_list())
        baseline = popularity_list(space, seen, n)
        rows.append({"pair": f"{a} + {b}", "recall_a": recall_at(ranked, splits[a][1]),
                     "recall_b": recall_at(ranked, splits[b][1]),
                     "baseline_a": recall_at(baseline, splits[a][1]),
                     "baseline_b": recall_at(baseline, splits[b][1])})
    return pl.DataFrame(rows).with_columns(
        mean=(pl.col("recall_a") + pl.col("recall_b")) / 2,
        worse=pl.min_horizontal("recall_a", "recall_b"),
        baseline_mean=(pl.col("baseline_a") + pl.col("baseline_b")) / 2,
        baseline_worse=pl.min_horizontal("baseline_a", "baseline_b"))
