"""Optional source: the IMDb dataset files a user downloaded (https://datasets.imdbws.com/).

IMDb publishes them for personal and non-commercial use and they may not be
redistributed, so the project never bundles them: `refresh --imdb-dir DIR` (or the
imdb_dir setting) reads the user's copies. Format: tab-separated, a header row, `\\N`
for null, usually gzip-compressed; DuckDB's read_csv reads them (SQL in sql/imdb_*.sql).

Only the rows the catalog could match are landed in the raw load: titles of a matchable
kind whose primary, original or alternate title shares a matching key with a Netflix
title (etl.matching.title_keys), with all their alternate titles, ratings and season
counts. The full files hold tens of millions of rows; the load stays small.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from base.sqlfiles import SqlFolder
from etl import matching
from etl.sources.errors import SourceError

SQL = SqlFolder.beside(__file__)

# file stem -> columns the reader needs (IMDb's files have these among others)
FILES = {
    "title.basics": ["tconst", "titleType", "primaryTitle", "originalTitle", "isAdult",
                     "startYear", "runtimeMinutes"],
    "title.akas": ["titleId", "title", "region", "language", "isOriginalTitle"],
    "title.ratings": ["tconst", "averageRating", "numVotes"],
    "title.episode": ["tconst", "parentTconst", "seasonNumber"],
}
OPTIONAL = {"title.episode"}
DOWNLOAD = "https://datasets.imdbws.com/"


class ImdbDatasetError(SourceError):
    """An IMDb dataset file is missing or not in IMDb's format (one-line message)."""


def find_files(imdb_dir: Path) -> dict[str, Path]:
    """stem -> file (.tsv.gz preferred over .tsv); a missing required file is an error."""
    folder = Path(imdb_dir).expanduser()
    if not folder.is_dir():
        raise ImdbDatasetError(f"IMDb dataset folder {folder} does not exist (expected "
                               f"a folder holding the files from {DOWNLOAD})")
    found = {}
    for stem in FILES:
        path = next((p for p in (folder / f"{stem}.tsv.gz", folder / f"{stem}.tsv")
                     if p.is_file()), None)
        if path is None and stem not in OPTIONAL:
            raise ImdbDatasetError(f"{folder / stem}.tsv.gz not found (expected IMDb's "
                                   f"{stem}.tsv.gz or {stem}.tsv from {DOWNLOAD})")
        if path is not None:
            found[stem] = path
    return found


def _query(con, name: str, path: Path) -> pl.DataFrame:
    """Run one reader on one file; a file DuckDB cannot read is named in the error."""
    try:
        return pl.from_arrow(con.sql(SQL.text(name), params={"path": str(path)})
                             .to_arrow_table())
    except duckdb.Error as exc:
        reason = str(exc).strip().splitlines()[0][:200]
        raise ImdbDatasetError(f"{path}: not a readable IMDb TSV file (tab-separated, "
                               f"header row, \\N for null; gzip or plain): {reason}") from None


def check_header(con, stem: str, path: Path) -> None:
    """The file's header must name the columns the reader needs."""
    header = _query(con, "imdb_columns", path)["column_name"].to_list()
    missing = [c for c in FILES[stem] if c not in header]
    if missing:
        raise ImdbDatasetError(
            f"{path}: expected IMDb's {stem} columns {', '.join(FILES[stem])} in a "
            f"tab-separated header row; missing {', '.join(missing)} (header: "
            f"{' | '.join(header)[:120]})")


CHUNK = 250_000   # distinct titles keyed at once: bounds memory on IMDb's full files


def matchable(titles: pl.DataFrame, catalog_keys: set[str]) -> pl.Series:
    """tconsts with a title (column `title`) sharing a matching key with the catalog.
    Keys are computed once per distinct title, a chunk at a time."""
    wanted = pl.Series(sorted(catalog_keys), dtype=pl.String).implode()
    distinct = titles["title"].drop_nulls().unique()
    hits = []
    for start in range(0, distinct.len(), CHUNK):
        chunk = distinct.slice(start, CHUNK)
        keyed = pl.DataFrame({"title": chunk, "keys": matching.title_keys(chunk)})
        hits.append(keyed.explode("keys").filter(pl.col("keys").is_in(wanted))["title"])
    found = pl.concat(hits).unique() if hits else pl.Series("title", [], pl.String)
    return titles.filter(pl.col("title").is_in(found.implode()))["tconst"].unique()


def extract(imdb_dir: Path, catalog_titles: pl.Series) -> tuple[dict[str, pl.DataFrame], dict]:
    """Raw tables imdb_ds_titles and imdb_ds_akas (every column text) for the titles
    the catalog could match, and the inputs for the load manifest."""
    files = find_files(imdb_dir)
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")  # a refresh prints its own lines
        for stem, path in files.items():
            check_header(con, stem, path)
        basics = _query(con, "imdb_titles", files["title.basics"])
        con.register("imdb_kept", basics.select("tconst").to_arrow())
        akas = _query(con, "imdb_akas", files["title.akas"])
        keys = {k for ks in matching.title_keys(catalog_titles.drop_nulls()).to_list()
                for k in ks}
        names = pl.concat([
            basics.select("tconst", pl.col("primaryTitle").alias("title")),
            basics.select("tconst", pl.col("originalTitle").alias("title")),
            akas.select(pl.col("titleId").alias("tconst"), "title")])
        kept = basics.filter(pl.col("tconst").is_in(matchable(names, keys).implode()))
        con.unregister("imdb_kept")
        con.register("imdb_kept", kept.select("tconst").to_arrow())
        ratings = _query(con, "imdb_ratings", files["title.ratings"])
        seasons = (_query(con, "imdb_seasons", files["title.episode"])
                   if "title.episode" in files else
                   pl.DataFrame(schema={"tconst": pl.String, "seasons": pl.String}))
    finally:
        con.close()
    titles = (kept.join(ratings, on="tconst", how="left")
              .join(seasons, on="tconst", how="left").sort("tconst"))
    akas = akas.filter(pl.col("titleId").is_in(kept["tconst"].implode())).sort("titleId", "title")
    inputs = {f"imdb_{stem}": {"file": str(path), "bytes": path.stat().st_size}
              for stem, path in files.items()}
    return {"imdb_ds_titles": titles.cast(pl.String),
            "imdb_ds_akas": akas.cast(pl.String)}, inputs
