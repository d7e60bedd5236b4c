"""Title matches remembered between refreshes of the same inputs.

Matching Netflix titles to the IMDb and TMDB records is most of the transform stage
(1.9 s of a 3.6 s refresh of the bundled snapshot). A refresh whose inputs did not
change (the scheduled run on the same snapshot, a replay of an earlier load) would
work out the same matches again, so the result is kept under the data dir's cache,
keyed by everything it can depend on: the raw load's content hash (the etl package
makes every cleaned table from it), the etl package's source as the process loaded it,
and the Python, Unicode and library versions. Any change to one of them is a new key,
so a reused result is always the one a fresh run gives (tests/test_refresh.py compares
the two builds table by table).
"""
from __future__ import annotations

import hashlib
import os
import sys
import unicodedata
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import numpy as np
import polars as pl
import rapidfuzz


KEEP = 3   # results kept: the current inputs' and a couple of earlier ones (replays)
ETL_DIR = Path(__file__).resolve().parent
KINDS_FILE = ETL_DIR.parent / "base" / "kinds.py"


def _fingerprint_of_loaded_code() -> str:
    """Every module of the etl package (and the kind aliases it maps with) by content,
    the versions of the libraries and the Unicode tables the matcher runs on."""
    h = hashlib.sha256()
    for path in sorted(ETL_DIR.glob("*.py")) + [KINDS_FILE]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    h.update(f"python {sys.version} unicode {unicodedata.unidata_version} polars "
             f"{pl.__version__} rapidfuzz {rapidfuzz.__version__} numpy {np.__version__}"
             .encode())
    return h.hexdigest()


# Read once, as the process loads the matcher: a process that lives for days (`schedule`)
# keeps running the code it loaded, so a `git pull` or an upgrade under it must not
# make it store its results under the new code's key.
_LOADED = _fingerprint_of_loaded_code()


def code_fingerprint() -> str:
    """The matcher's code as this process loaded it (editing it, even uncommitted, and
    restarting changes the key)."""
    return _LOADED


def key(inputs: str) -> str:
    """The cache key of a raw load's content hash (etl/raw.content_hash) with this code."""
    return hashlib.sha256(f"{inputs}:{code_fingerprint()}".encode()).hexdigest()[:32]


def matches(inputs: str, cache_dir: Path, compute: Callable[[], pl.DataFrame],
            schema: dict[str, pl.DataType]) -> tuple[pl.DataFrame, bool]:
    """(matches, reused): the stored result for these inputs (the raw load's content
    hash: the etl code, in the key too, makes everything else from it), else
    `compute()`, stored for the next run. An unreadable or foreign file is computed
    again, never trusted; a cache that cannot be written costs only the next run's time."""
    path = cache_dir / f"{key(inputs)}.parquet"
    try:
        found = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError):
        found = None   # absent, torn or not Parquet: computed again
    if found is not None and dict(found.schema) == schema:
        with suppress(OSError):   # a cache this process may read but not write is used
            os.utime(path)   # recently used: kept by the pruning below
        return found, True
    result = compute()
    partial = path.with_suffix(f".{os.getpid()}.partial")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        result.write_parquet(partial)   # a full disk raises polars' own error, not OSError
        os.replace(partial, path)   # whole or absent: a killed run leaves no torn file
        _prune(cache_dir)
    except (OSError, pl.exceptions.PolarsError):
        with suppress(OSError):   # the next run matches again: time, not data
            partial.unlink(missing_ok=True)
    return result, False


def _prune(cache_dir: Path) -> None:
    """Keep the KEEP most recently used results, and no leftover partial file."""
    for leftover in cache_dir.glob("*.partial"):
        leftover.unlink(missing_ok=True)
    kept = sorted(cache_dir.glob("*.parquet"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[KEEP:]:
        old.unlink(missing_ok=True)
