"""Build etl/snapshot/tmdb_unseen_movies.csv.gz: recent TMDB movies the bundle does not hold.

    .venv/bin/python benchmarks/make_tmdb_unseen.py --source /work/shared/data/tmdb_recent \
        --data-dir DIR

A developer tool, run once (the product never reads the source folder): DIR holds a
published build of the bundled snapshot. Reads `movies_full.csv` (public TMDB data, see
etl/snapshot/SOURCES.md), keeps one row per TMDB id released 2018-2025 with an overview
and at least one genre, and drops every movie also in the bundle: same TMDB id, same
normalized title + release year, or the same overview (against the TMDB market and the
Netflix catalog). Each movie goes to a fixed part, `tune` or `report`, by a hash of its
id (2 in 5 tune), so choices are made on one part and figures reported on the other.
The columns are those `netflix-insights evaluate-genres --task tmdb` reads.
"""
from __future__ import annotations

import argparse
import ast
import gzip
import hashlib
import io
import re
from pathlib import Path

import polars as pl

from base.paths import Paths, current_build
from queries.db import open_read_only

OUT = Path(__file__).resolve().parent.parent / "etl" / "snapshot" / "tmdb_unseen_movies.csv"
YEARS = (2018, 2025)


def norm(text: str | None) -> str:
    return re.sub(r"[^0-9a-z]+", "", (text or "").lower())


def part_of(tmdb_id: int) -> str:
    """2 in 5 tune, the rest report: fixed by the id alone (documented in SOURCES.md)."""
    return "tune" if int(hashlib.sha256(str(tmdb_id).encode()).hexdigest(), 16) % 5 < 2 else "report"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    raw = pl.read_csv(args.source / "movies_full.csv", infer_schema=False)
    raw = raw.unique("id", keep="first", maintain_order=True)
    con = open_read_only(current_build(Paths(args.data_dir)))
    bundle = con.sql("select tmdb_id, title, release_year, overview from tmdb_titles "
                     "union all select null, title, release_year, description from titles "
                     "union all select null, title, release_year, description from imdb_titles"
                     ).fetchall()
    con.close()
    ids = {r[0] for r in bundle if r[0] is not None}
    title_years = {(norm(r[1]), r[2]) for r in bundle}
    overviews = {norm(r[3]) for r in bundle if norm(r[3])}
    rows, dropped = [], {"id": 0, "title_year": 0, "overview": 0}
    for r in raw.iter_rows(named=True):
        date = r["release_date_x"] or ""
        year = int(date[:4]) if date[:4].isdigit() else None
        genres = ast.literal_eval(r["genres"]) if r["genres"] else []
        overview = (r["overview"] or "").strip()
        if year is None or not YEARS[0] <= year <= YEARS[1] or not overview or not genres:
            continue
        tmdb_id = int(r["id"])
        if tmdb_id in ids:
            dropped["id"] += 1
        elif (norm(r["title_x"]), year) in title_years or (norm(r["original_title"]), year) in title_years:
            dropped["title_year"] += 1
        elif norm(overview) in overviews:
            dropped["overview"] += 1
        else:
            rows.append({"tmdb_id": tmdb_id, "title": r["title_x"], "overview": overview,
                         "genres": "|".join(genres), "release_date": date,
                         "original_language": r["original_language"],
                         "runtime": r["runtime"] or "", "part": part_of(tmdb_id)})
    frame = pl.DataFrame(rows).sort("tmdb_id")
    buf = io.BytesIO()
    frame.write_csv(buf)
    data = buf.getvalue()
    OUT.with_suffix(".csv.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{frame.height} movies ({frame['part'].value_counts().sort('part').rows()}); "
          f"dropped as in the bundle: {dropped}; sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
