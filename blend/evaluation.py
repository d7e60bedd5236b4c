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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from base.text import shown
from blend.recommender import BLEND_PARAMS, recommend
from blend.viewing_history import (FULL_WATCH_MINUTES, HistoryCatalog, HistoryError, ParsedHistory,
                                   export_files, fingerprint, load_catalog, parse_export,
                                   parse_history, read_export_file)
from models import serving
from models.blend_space import NAME, WATCH_PRIOR, TitleSpace, WatchPriorError, read_watch_prior
from queries.db import warehouse

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


# --- blend-eval: the temporal protocol on real exports -------------------------------
# For each export (each profile of a ViewingActivity.csv): parse and match it as the
# upload does; order matched titles by first viewing; cut at the date by which
# CUT_SHARE of them had been watched; the profile is the rows up to the cut; the
# targets are the titles first watched after the cut that the catalog held at the cut
# (date_added on or before it). Scored: the product's top K and a popularity list
# (most IMDb votes among titles available at the cut, not watched before it).

CUT_SHARE = 0.8
TOP_K = 50
MIN_INTERVAL_RECORDS = 10   # fewer scored records: no interval for the ratio
UNBOUNDED = 1e9             # a ratio over a popularity recall of 0, in the interval
# prior_*: a second, stronger baseline beside the issue's: the recommender's own prior
# alone (the titles most households watched), so a figure shows what taste adds to it.
RECORD_KEYS = ("file", "profile", "format", "refused", "message", "rows_read", "rows_skipped",
               "items", "matched", "match_rate", "hidden", "recall_at_50", "ndcg_at_50",
               "popularity_recall_at_50", "popularity_ndcg_at_50", "prior_recall_at_50",
               "prior_ndcg_at_50", "movies_in_top_50", "has_movies")
SCORES = ("recall_at_50", "ndcg_at_50", "popularity_recall_at_50", "popularity_ndcg_at_50",
          "prior_recall_at_50", "prior_ndcg_at_50")


@dataclass(frozen=True)
class Availability:
    """Per title of the space: when it joined the catalog and its IMDb votes."""
    added: np.ndarray      # datetime64[D]; NaT when unknown (treated as always there)
    votes: np.ndarray      # float, 0 when unknown

    @classmethod
    def from_frame(cls, frame: pl.DataFrame, space: TitleSpace) -> Availability:
        """From queries/sql/blend_availability.sql's rows, aligned on the space."""
        frame = pl.DataFrame({"show_id": space.show_ids}).join(frame, on="show_id", how="left",
                                                               maintain_order="left")
        return cls(frame["date_added"].to_numpy().astype("datetime64[D]"),
                   frame["imdb_votes"].fill_null(0).cast(pl.Float64).to_numpy())

    def at(self, cut: date) -> np.ndarray:
        """Mask of the titles the catalog held on `cut`."""
        return np.isnat(self.added) | (self.added <= np.datetime64(cut, "D"))


def temporal_split(viewings: pl.DataFrame, share: float = CUT_SHARE
                   ) -> tuple[date, pl.DataFrame, pl.DataFrame] | None:
    """(cut date, matched viewing rows up to the cut, first viewings after it: show_id,
    first_watched), or None with fewer than 2 matched titles."""
    matched = viewings.filter(pl.col("show_id").is_not_null())
    first = (matched.group_by("show_id").agg(first_watched=pl.col("watched_on").min())
             .sort("first_watched", "show_id"))
    if first.height < 2:
        return None
    cut = first["first_watched"][max(0, math.ceil(share * first.height) - 1)]
    return cut, matched.filter(pl.col("watched_on") <= cut), first.filter(
        pl.col("first_watched") > cut)


def items_of(viewings: pl.DataFrame) -> pl.DataFrame:
    """recommend()'s input from viewing rows: per title, rows, last viewing, watch share."""
    full = pl.when(pl.col("is_episode")).then(FULL_WATCH_MINUTES["episode"]) \
        .otherwise(FULL_WATCH_MINUTES["movie"])
    return (viewings.with_columns(through=(pl.col("seconds") / 60 / full).clip(0, 1)
                                  .fill_null(1.0))
            .group_by("show_id").agg(episodes=pl.len().cast(pl.Int64),
                                     last_watched=pl.col("watched_on").max(),
                                     watch_share=pl.col("through").mean())
            .sort("show_id"))


def votes_list(space: TitleSpace, avail: Availability, mask: np.ndarray, n: int) -> list[str]:
    """The baseline: the n most-voted titles of `mask` (ties: catalog order)."""
    return top_of(space, avail.votes, mask, n)


def top_of(space: TitleSpace, values: np.ndarray, mask: np.ndarray, n: int) -> list[str]:
    """The n titles of `mask` with the highest `values` (ties: catalog order)."""
    rows = np.flatnonzero(mask)
    order = rows[np.lexsort((rows, -values[rows]))][:n]
    return space.show_ids[order].tolist()


def evaluate_parsed(space: TitleSpace, avail: Availability, parsed: ParsedHistory,
                    params: dict = BLEND_PARAMS) -> dict:
    """The scores of one parsed history (one profile) under the temporal protocol."""
    record = {"rows_read": parsed.rows_read, "rows_skipped": parsed.rows_skipped,
              "items": parsed.items.height,
              "matched": int(parsed.items["show_id"].is_not_null().sum()),
              "match_rate": round(parsed.match_rate, 4), "hidden": 0, "has_movies": False}
    split = temporal_split(parsed.viewings)
    empty = dict.fromkeys(SCORES) | {"movies_in_top_50": None}
    if split is None:   # why a record is not scored is said, not left blank
        return record | empty | {"message": (
            "not scored: no title matched the catalog" if not record["matched"] else
            "not scored: fewer than 2 catalog titles to split in time")}
    cut, before, after = split
    available = avail.at(cut)
    targets = {s for s in after["show_id"].to_list()
               if s in space.row_of and available[space.row_of[s]]}
    record["hidden"] = len(targets)
    if not targets:
        return record | empty | {"message": "not scored: nothing first watched after the "
                                            "cut was in the catalog by then"}
    known = items_of(before)
    # films among what the recommender is given (the rows up to the cut)
    record["has_movies"] = any(space.kind[space.row_of[s]] == "movie"
                               for s in known["show_id"].to_list() if s in space.row_of)
    ranked = recommend(space, {"person": known}, n=TOP_K, params=params,
                       available=available)
    ids = [r.show_id for r in ranked]
    mask = available.copy()
    mask[[space.row_of[s] for s in known["show_id"].to_list() if s in space.row_of]] = False
    baseline = votes_list(space, avail, mask, TOP_K)
    prior = top_of(space, space.popularity, mask, TOP_K)
    return record | {"recall_at_50": recall_at(ids, targets), "ndcg_at_50": ndcg_at(ids, targets),
                     "popularity_recall_at_50": recall_at(baseline, targets),
                     "popularity_ndcg_at_50": ndcg_at(baseline, targets),
                     "prior_recall_at_50": recall_at(prior, targets),
                     "prior_ndcg_at_50": ndcg_at(prior, targets),
                     "movies_in_top_50": sum(r.kind == "movie" for r in ranked)}


def evaluate_folder(folder: Path, space: TitleSpace, avail: Availability,
                    catalog: HistoryCatalog, params: dict = BLEND_PARAMS,
                    today: date | None = None) -> dict:
    """{"files": [record per export or profile], "mean": {...}} for every export in
    `folder` (recursively, sorted by path), read by the upload's own parser."""
    records, seen = [], {}   # rows' fingerprint → the file first scored with them
    for path in export_files(folder):
        name = str(path.relative_to(folder))
        base = dict.fromkeys(RECORD_KEYS) | {"file": name, "refused": False, "message": ""}
        try:
            export = read_export_file(path)
            # the zip Netflix sends and the CSV unpacked from it (or a second copy): one
            # export, scored once, or its figures would count twice in the means
            same = seen.setdefault(fingerprint(export), name)
            if same != name:
                records.append(base | {"refused": True,
                                       "message": f"the same rows as {same}: not scored again"})
                continue
            for profile in export.profiles or [None]:
                parsed = parse_export(export, catalog, profile, today=today)
                fmt = "ViewingActivity" if export.kind == "activity" else "NetflixViewingHistory"
                records.append(base | {"profile": profile, "format": fmt}
                               | evaluate_parsed(space, avail, parsed, params))
        except HistoryError as exc:
            records.append(base | {"refused": True, "message": str(exc)})
    return {"files": records, "mean": summarize(records)}


def summarize(records: list[dict]) -> dict:
    """Means over the records that were scored, and how often the product wins."""
    scored = [r for r in records if r.get("recall_at_50") is not None]
    mean = {k: (round(float(np.mean([r[k] for r in scored])), 4) if scored else None)
            for k in (*SCORES, "match_rate", "movies_in_top_50")}
    mean["records"] = len(records)
    mean["scored"] = len(scored)
    mean["refused"] = sum(bool(r["refused"]) for r in records)
    mean["ahead"] = sum(r["recall_at_50"] > r["popularity_recall_at_50"] for r in scored)
    mean["ahead_of_prior"] = sum(r["recall_at_50"] > r["prior_recall_at_50"] for r in scored)
    mean["ratio"] = (round(mean["recall_at_50"] / mean["popularity_recall_at_50"], 3)
                     if scored and mean["popularity_recall_at_50"] else None)
    mean["ratio_ci95"] = _ratio_interval([r["recall_at_50"] for r in scored],
                                         [r["popularity_recall_at_50"] for r in scored])
    with_movies = [r for r in scored if r["has_movies"]]
    mean["movies_for_movie_watchers"] = sum(bool(r["movies_in_top_50"]) for r in with_movies)
    mean["movie_watchers"] = len(with_movies)
    return mean


def _ratio_interval(recall: list[float], popularity: list[float], resamples: int = 1_000,
                    seed: int = 0) -> list[float] | None:
    """95% interval of mean recall / mean popularity recall over the records resampled
    with replacement (a paired bootstrap): with a few targets per record, one title more
    or less moves a record's recall by ~0.1, and the interval says how far the ratio can
    be trusted. None under MIN_INTERVAL_RECORDS records; an end is None when unbounded
    (the popularity list found nothing in over 2.5% of the resamples)."""
    if len(recall) < MIN_INTERVAL_RECORDS:
        return None
    ours, theirs = np.asarray(recall), np.asarray(popularity)
    rows = np.random.default_rng(seed).integers(0, len(ours), (resamples, len(ours)))
    mine, base = ours[rows].mean(axis=1), theirs[rows].mean(axis=1)
    # a resample where the popularity list found nothing: an unbounded ratio when the
    # product found something (the top of the range: dropping it would bias the
    # interval low), none when neither did
    keep = (base > 0) | (mine > 0)
    if not keep.any():
        return None
    ratios = np.where(base[keep] > 0, mine[keep] / np.maximum(base[keep], 1e-12), UNBOUNDED)
    low, high = np.percentile(ratios, [2.5, 97.5])
    return [round(float(low), 2) if low < UNBOUNDED else None,
            round(float(high), 2) if high < UNBOUNDED else None]


def run(folder: Path, data_dir: Path | None = None, params: dict = BLEND_PARAMS,
        prior: Path | None = None) -> dict:
    """blend-eval on the published build of `data_dir`: evaluate_folder's result, and
    which watch prior the recommender used. `prior`: a watch prior file (blend-prior's
    output) instead of the one the build was trained with, e.g. one learned on other
    exports than those scored."""
    wh = warehouse(data_dir)
    space, _meta = serving.load(wh.paths.data_dir, wh.build_id, NAME)
    if prior is not None:
        learned = read_watch_prior(prior)
        if learned is None:
            what = "is a folder, not a" if Path(prior).is_dir() else "no such"
            raise WatchPriorError(f"{prior}: {what} watch prior file (the CSV `blend-prior "
                                  "DIR --out FILE` writes)")
        space = space.with_watch_prior(learned)
        if not space.watch_prior_titles:   # scoring with it would be scoring without one
            raise WatchPriorError(f"{prior}: names no title of this build's catalog "
                                  "(learned on another catalog?)")
    avail = Availability.from_frame(wh.query("blend_availability"), space)
    result = evaluate_folder(Path(folder), space, avail, load_catalog(wh), params)
    # "file" is a path either way (JSON readers took the sentence for one); whether it is
    # the shipped prior, and what that means for the figure, in fields of their own
    note = ("" if prior else "the prior the build was trained with, learned from the "
            "project's dev exports: on those it is an in-sample figure; --prior with one "
            "learned elsewhere gives a held-out one")
    return result | {"prior": {"file": str(prior or WATCH_PRIOR), "as_trained": not prior,
                               "titles": space.watch_prior_titles, "note": note}}


def table(result: dict) -> str:
    """The result as a fixed-width text table (one line per record, then the means)."""
    # as wide as the longest profile name, up to 40 (cut at 20, long names looked alike)
    pw = min(40, max([7] + [len(r["profile"] or "") for r in result["files"]]))
    head = (f"{'file':44} {'profile':{pw}} {'rows':>6} {'skip':>5} {'items':>5} {'match':>6} "
            f"{'hidden':>6} {'R@50':>6} {'pop':>6} {'prior':>6} {'N@50':>6} {'pop':>6} "
            f"{'films':>5}")
    lines = [head, "-" * len(head)]
    def fmt(v, spec: str) -> str:   # a missing figure is "-", in the column's width
        return format(v, spec) if v is not None else "-".rjust(int("0" + spec.split(".")[0]
                                                                  .rstrip("df")))
    for r in result["files"]:
        if r["refused"]:
            lines.append(f"{r['file'][:44]:44} REFUSED: {r['message']}")
            continue
        lines.append(
            f"{r['file'][:44]:44} {shown(r['profile'] or '', pw):{pw}} {r['rows_read']:6d} "
            f"{r['rows_skipped']:5d} {r['items']:5d} {r['match_rate']:6.1%} {r['hidden']:6d} "
            f"{fmt(r['recall_at_50'], '6.3f')} {fmt(r['popularity_recall_at_50'], '6.3f')} "
            f"{fmt(r['prior_recall_at_50'], '6.3f')} {fmt(r['ndcg_at_50'], '6.3f')} "
            f"{fmt(r['popularity_ndcg_at_50'], '6.3f')} "
            f"{fmt(r['movies_in_top_50'], '5d')}"
            + (f"  {r['message']}" if r["message"] else ""))
    m = result["mean"]
    lines.append("-" * len(head))
    if "prior" in result:
        lines.append(f"watch prior: {result['prior']['file']} "
                     f"({result['prior']['titles']:,} catalog titles)"
                     + (f"; {result['prior']['note']}" if result['prior'].get("note") else ""))
    ends = [f"{end:.2f}" if end is not None else "unbounded" for end in m.get("ratio_ci95") or []]
    interval = (f", 95% interval {ends[0]} to {ends[1]} over the records resampled"
                if ends else "")
    lines.append(f"mean over {m['scored']} scored of {m['records']} records ({m['refused']} "
                 f"refused): recall@50 {fmt(m['recall_at_50'], '.3f')} vs popularity "
                 f"{fmt(m['popularity_recall_at_50'], '.3f')} (ratio {fmt(m['ratio'], '.2f')}"
                 f"{interval}), "
                 f"NDCG@50 {fmt(m['ndcg_at_50'], '.3f')} vs {fmt(m['popularity_ndcg_at_50'], '.3f')}; "
                 f"ahead on {m['ahead']}/{m['scored']}; the prior alone (the titles most "
                 f"households watched) recall@50 {fmt(m['prior_recall_at_50'], '.3f')}, "
                 f"ahead of it on {m['ahead_of_prior']}/{m['scored']}; films listed for "
                 f"{m['movies_for_movie_watchers']}/{m['movie_watchers']} film watchers")
    return "\n".join(lines)
