"""The raw layer: every extract lands here as Parquet before any transformation.

A *load* is one folder, `<data_dir>/raw/<source>/<load_id>/`, holding one Parquet file
per raw table (every column a string, exactly as the source gave it) and a
`manifest.json` (source, load id, row counts, input checksums). Replaying a refresh from
a load needs nothing but the folder.

RAW_TABLES is the contract between extractors and the transform: the bundled snapshot,
the live Kaggle download and the live TMDB client all produce these shapes.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

# table name -> required columns (all Utf8). Extra columns are allowed and kept.
RAW_TABLES: dict[str, list[str]] = {
    # Kaggle shivamb/netflix-shows: the Netflix catalog, one row per title.
    "netflix_titles": ["show_id", "type", "title", "director", "cast", "country",
                       "date_added", "release_year", "rating", "duration", "listed_in",
                       "description"],
    # Kaggle victorsoeiro/netflix-tv-shows-and-movies titles.csv (IMDb + TMDB metrics).
    "imdb_titles": ["id", "title", "type", "description", "release_year",
                    "age_certification", "runtime", "genres", "production_countries",
                    "seasons", "imdb_id", "imdb_score", "imdb_votes", "tmdb_popularity",
                    "tmdb_score"],
    # Same dataset, credits.csv.
    "imdb_credits": ["person_id", "id", "name", "character", "role"],
    # TMDB market, top-rated list shape. The live client adds `media_type`
    # ("movie"/"tv"), `poster_path` and `source_list`; the snapshot has movies only.
    "tmdb_market": ["id", "title", "genre", "original_language", "overview",
                    "popularity", "release_date", "vote_average", "vote_count"],
    # TMDB popular movies with posters (Kaggle "9000+ movies"), M/D/YY dates.
    "tmdb_popular": ["Release_Date", "Title", "Overview", "Popularity", "Vote_Count",
                     "Vote_Average", "Original_Language", "Genre", "Poster_Url"],
    # Live TMDB only: one row per Netflix title looked up (search + details).
    "tmdb_enrichment": ["show_id", "tmdb_id", "media_type", "title", "popularity",
                        "vote_average", "vote_count", "release_date", "genres",
                        "original_language", "poster_path", "runtime_minutes",
                        "seasons"],
    # Optional, `refresh --imdb-dir`: the user's IMDb dataset files, cut down to titles
    # the catalog could match (etl/sources/imdb_datasets.py). Ratings and season counts
    # are joined in (null when IMDb has none).
    "imdb_ds_titles": ["tconst", "titleType", "primaryTitle", "originalTitle", "startYear",
                       "runtimeMinutes", "seasons", "averageRating", "numVotes"],
    "imdb_ds_akas": ["titleId", "title", "region", "language", "isOriginalTitle"],
}

# Tables every load must contain; the rest are optional (live-only or market extras).
REQUIRED_TABLES = ("netflix_titles", "imdb_titles", "imdb_credits", "tmdb_market")


class RawContractError(ValueError):
    """A raw table is missing or lacks required columns."""


@dataclass(frozen=True)
class RawLoad:
    """One raw load folder and its manifest."""
    path: Path
    manifest: dict

    @property
    def load_id(self) -> str:
        return self.manifest["load_id"]

    def table(self, name: str) -> pl.DataFrame | None:
        f = self.path / f"{name}.parquet"
        return pl.read_parquet(f) if f.exists() else None


def check_contract(tables: dict[str, pl.DataFrame]) -> None:
    """Raise RawContractError naming every missing table or column."""
    problems = [f"missing table {t!r}" for t in REQUIRED_TABLES if t not in tables]
    for name, frame in tables.items():
        if name not in RAW_TABLES:
            problems.append(f"unknown table {name!r}")
            continue
        missing = [c for c in RAW_TABLES[name] if c not in frame.columns]
        if missing:
            problems.append(f"{name}: missing columns {', '.join(missing)}")
        wrong = [c for c, t in frame.schema.items() if t != pl.String]
        if wrong:
            problems.append(f"{name}: raw columns must be strings, not {', '.join(wrong)}")
    if problems:
        raise RawContractError("; ".join(problems))


def content_hash(tables: dict[str, pl.DataFrame]) -> str:
    """A stable hash of the tables' contents: same inputs, same hash."""
    h = hashlib.sha256()
    for name in sorted(tables):
        h.update(name.encode())
        h.update(_frame_digest(tables[name]))
    return h.hexdigest()


def _frame_digest(frame: pl.DataFrame) -> bytes:
    # CSV text (header included) rather than Polars' row hashes, which are not
    # promised to stay the same across Polars versions.
    return hashlib.sha256(frame.write_csv().encode()).digest()


def write_load(raw_root: Path, source: str, tables: dict[str, pl.DataFrame],
               inputs: dict[str, str] | None = None) -> RawLoad:
    """Write `tables` as a new load under raw_root/source and return it.

    The folder is written under a temporary name and renamed when complete, so a
    killed extract never leaves a load that looks whole.
    """
    check_contract(tables)
    digest = content_hash(tables)
    load_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + digest[:8]
    final = raw_root / source / load_id
    tmp = final.with_name(final.name + ".partial")
    tmp.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.write_parquet(tmp / f"{name}.parquet")
    manifest = {
        "source": source,
        "load_id": load_id,
        "content_sha256": digest,
        "extracted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "row_counts": {n: f.height for n, f in sorted(tables.items())},
        "inputs": inputs or {},
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
    if final.exists():
        # the same content extracted in the same second (e.g. a rerun right after a
        # killed refresh): the load id is time + content hash, so it is this load
        shutil.rmtree(tmp)
        return read_load(final)
    os.replace(tmp, final)
    return RawLoad(final, manifest)


def read_load(path: Path) -> RawLoad:
    """Open an existing load folder (for replay)."""
    manifest_file = path / "manifest.json"
    if not manifest_file.exists():
        raise RawContractError(f"{path} is not a raw load (no manifest.json)")
    return RawLoad(path, json.loads(manifest_file.read_text()))


def load_tables(load: RawLoad) -> dict[str, pl.DataFrame]:
    """All tables of a load, by name."""
    return {n: load.table(n) for n in load.manifest["row_counts"]}
