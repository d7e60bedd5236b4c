"""The bundled snapshot: the offline default source.

Reads the gzip-compressed CSVs in etl/snapshot/, checks each against SHA256SUMS (the
checksums of the uncompressed upstream files), and returns raw tables: every column a
string, exactly as the file gave it. Provenance and licences: etl/snapshot/SOURCES.md.
"""
from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import polars as pl

SNAPSHOT_DIR = Path(__file__).resolve().parent.parent / "snapshot"

# raw table name -> bundled file (without .gz)
SNAPSHOT_FILES = {
    "netflix_titles": "kaggle_netflix_titles.csv",
    "imdb_titles": "netflix_tmdb_imdb_titles.csv",
    "imdb_credits": "netflix_tmdb_imdb_credits.csv",
    "tmdb_market": "tmdb_top10k_movies.csv",
    "tmdb_popular": "tmdb_popular_movies_posters.csv",
}


class SnapshotError(RuntimeError):
    """The bundled snapshot is missing or does not match its checksums."""


def expected_checksums(snapshot_dir: Path = SNAPSHOT_DIR) -> dict[str, str]:
    lines = (snapshot_dir / "SHA256SUMS").read_text().split("\n")
    return {name: digest for digest, name in (l.split() for l in lines if l.strip())}


def read_csv_bytes(data: bytes) -> pl.DataFrame:
    """Parse CSV bytes with every column as a string (raw means untyped)."""
    # Ragged rows exist in real exports (tmdb_popular line 1117); keep them for the
    # transform to quarantine instead of failing the whole load here.
    return pl.read_csv(io.BytesIO(data), infer_schema=False, truncate_ragged_lines=True,
                       encoding="utf8-lossy")


def extract(snapshot_dir: Path = SNAPSHOT_DIR) -> tuple[dict[str, pl.DataFrame], dict]:
    """Read every bundled file; return (raw tables, inputs for the load manifest)."""
    sums = expected_checksums(snapshot_dir)
    tables, inputs = {}, {}
    for table, name in SNAPSHOT_FILES.items():
        path = snapshot_dir / f"{name}.gz"
        if not path.exists():
            raise SnapshotError(f"bundled file missing: {path}")
        try:
            data = gzip.decompress(path.read_bytes())
        except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
            raise SnapshotError(f"bundled file damaged: {path.name} is not a complete gzip "
                                f"file ({exc}); restore it from git") from None
        digest = hashlib.sha256(data).hexdigest()
        if digest != sums.get(name):
            raise SnapshotError(f"{path.name}: checksum {digest[:12]}… does not match "
                                f"SHA256SUMS ({str(sums.get(name))[:12]}…)")
        tables[table] = read_csv_bytes(data)
        inputs[table] = {"file": f"etl/snapshot/{name}.gz", "sha256": digest}
    return tables, inputs
