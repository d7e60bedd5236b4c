"""Labelled CSV files → genre-classifier records (`evaluate-genres`, and the unseen set).

Columns (docs/models/genre_classifier.md, "Check it on your own data"):
- tmdb: `title, overview, genres` (TMDB genre names separated by `|`), optional
  `release_date` (YYYY-MM-DD, or a year) and `original_language`.
- netflix: `title, description, type, listed_in` (`, `-separated, as in the Kaggle
  file), optional `country, cast, director, rating, release_year, duration`.
A label the model does not know is counted and left out; a row left with no known
label is skipped and counted. A missing column or an unreadable file is a FileProblem
with a message saying which.
"""
from __future__ import annotations

import gzip
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from base.kinds import kind_of

REQUIRED = {"tmdb": ("title", "overview", "genres"),
            "netflix": ("title", "description", "type", "listed_in")}
OPTIONAL = {"tmdb": ("release_date", "original_language"),
            "netflix": ("country", "cast", "director", "rating", "release_year", "duration")}
# the recent TMDB movies outside the bundle (etl/snapshot/SOURCES.md): tune / report parts
UNSEEN_TMDB = Path(__file__).resolve().parent.parent / "etl" / "snapshot" / "tmdb_unseen_movies.csv.gz"
MAX_ROWS = 200_000


class FileProblem(ValueError):
    """The file cannot be scored; the message says why."""


@dataclass
class LabelledFile:
    records: list[dict]
    unknown_labels: Counter = field(default_factory=Counter)
    skipped_rows: int = 0          # rows with no known label (or no text at all)


def _split(value, sep: str) -> list[str]:
    return [v.strip() for v in (value or "").split(sep) if v.strip()]


def _int(value) -> int | None:
    match = re.match(r"\s*(\d+)", str(value or ""))
    return int(match.group(1)) if match else None


def tmdb_record(row: dict) -> dict:
    date = str(row.get("release_date") or "")
    year = _int(date[:4]) if len(date) >= 4 else None
    month = _int(date[5:7]) if len(date) >= 7 else None
    return {"kind": "movie", "title": (row.get("title") or "").strip(),
            "description": (row.get("overview") or "").strip(),
            "original_language": (row.get("original_language") or "").strip().lower() or None,
            "release_year": year, "release_month": month if month and 1 <= month <= 12 else None,
            "labels": _split(row.get("genres"), "|")}


def netflix_record(row: dict) -> dict:
    duration = str(row.get("duration") or "").lower()
    runtime = _int(duration) if "min" in duration else None
    seasons = _int(duration) if "season" in duration else None
    people = _split(row.get("cast"), ",") + _split(row.get("director"), ",")
    return {"kind": kind_of(row.get("type")) or "movie",
            "title": (row.get("title") or "").strip(),
            "description": (row.get("description") or "").strip(),
            "countries": _split(row.get("country"), ","), "people": people,
            "maturity_rating": (row.get("rating") or "").strip() or None,
            "release_year": _int(row.get("release_year")), "runtime_minutes": runtime,
            "seasons": seasons, "labels": _split(row.get("listed_in"), ",")}


def read_frame(path: Path) -> pl.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise FileProblem(f"no such file: {path}")
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        frame = pl.read_csv(data, infer_schema=False, encoding="utf8-lossy",
                            n_rows=MAX_ROWS + 1)
    except (OSError, EOFError, pl.exceptions.PolarsError) as exc:
        raise FileProblem(f"{path.name} is not a readable CSV file ({exc})") from None
    if frame.height > MAX_ROWS:
        raise FileProblem(f"{path.name} has more than {MAX_ROWS:,} rows; split it")
    return frame


def labelled_records(frame: pl.DataFrame, task: str, labels: list[str],
                     name: str = "the file") -> LabelledFile:
    """Records with their known labels; unknown labels counted, not an error."""
    if task not in REQUIRED:
        raise FileProblem(f"task must be one of {', '.join(REQUIRED)}")
    missing = [c for c in REQUIRED[task] if c not in frame.columns]
    if missing:
        raise FileProblem(f"{name} lacks column(s) {', '.join(missing)}; a {task} file needs "
                          f"{', '.join(REQUIRED[task])} (optional: {', '.join(OPTIONAL[task])})")
    known, out = set(labels), LabelledFile([])
    convert = tmdb_record if task == "tmdb" else netflix_record
    for row in frame.iter_rows(named=True):
        record = convert(row)
        out.unknown_labels.update(l for l in record["labels"] if l not in known)
        record["labels"] = [l for l in record["labels"] if l in known]
        if not record["labels"] or not (record["title"] or record["description"]):
            out.skipped_rows += 1
            continue
        out.records.append(record)
    if not out.records:
        raise FileProblem(f"{name}: no row has a known label and a title or text to score "
                          f"({out.skipped_rows} rows skipped)")
    return out


def unseen_tmdb(part: str, labels: list[str]) -> LabelledFile:
    """The bundled recent TMDB movies outside the bundle, `tune` or `report` part."""
    frame = read_frame(UNSEEN_TMDB)
    return labelled_records(frame.filter(pl.col("part") == part), "tmdb", labels,
                            UNSEEN_TMDB.name)
