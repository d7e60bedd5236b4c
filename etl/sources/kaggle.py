"""The Netflix catalog (Kaggle `shivamb/netflix-shows`) as the raw `netflix_titles` table.

Three ways in, tried in order:
1. an explicit CSV (`--kaggle-csv PATH`), e.g. a manual download;
2. a kagglehub download, when Kaggle credentials are configured (KAGGLE_API_TOKEN,
   KAGGLE_USERNAME + KAGGLE_KEY, ~/.kaggle/access_token, or kaggle.json in
   $KAGGLE_CONFIG_DIR or ~/.kaggle) and the `kaggle` extra is installed;
3. otherwise a SourceError telling the user about --kaggle-csv and the snapshot.

Every column is read as a string; the transform casts.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl

from etl.raw import RAW_TABLES
from etl.sources.errors import SourceError

DATASET = "shivamb/netflix-shows"
CSV_NAME = "netflix_titles.csv"
REQUIRED_COLUMNS = RAW_TABLES["netflix_titles"]


def fetch_netflix_titles(kaggle_csv: Path | None = None) -> tuple[pl.DataFrame, dict]:
    """The raw `netflix_titles` frame and the manifest inputs describing where it came from.

    inputs: {"netflix_titles_csv": path, "netflix_titles_sha256": hex digest,
    "netflix_titles_origin": "file" or "kaggle:shivamb/netflix-shows"}.
    """
    if kaggle_csv is not None:
        return read_netflix_csv(Path(kaggle_csv)), _inputs(Path(kaggle_csv), "file")
    if not has_kaggle_credentials():
        raise SourceError("no Kaggle credentials (KAGGLE_API_TOKEN, KAGGLE_USERNAME + "
                          "KAGGLE_KEY, or ~/.kaggle/kaggle.json); use --kaggle-csv PATH "
                          "or the bundled snapshot")
    csv = download_netflix_csv()
    return read_netflix_csv(csv), _inputs(csv, f"kaggle:{DATASET}")


def has_kaggle_credentials() -> bool:
    """True when any credential kagglehub accepts is configured."""
    if os.environ.get("KAGGLE_API_TOKEN"):
        return True
    if os.environ.get("KAGGLE_USERNAME") and os.environ.get("KAGGLE_KEY"):
        return True
    home_dir = Path.home() / ".kaggle"
    config_dir = Path(os.environ.get("KAGGLE_CONFIG_DIR") or home_dir)
    candidates = [config_dir / "kaggle.json", home_dir / "access_token",
                  home_dir / "access_token.txt"]
    return any(f.is_file() for f in candidates)


def download_netflix_csv() -> Path:
    """Download the dataset with kagglehub (cached by kagglehub) and return its CSV."""
    try:
        import kagglehub  # optional: only live Kaggle refreshes need it
    except ImportError:
        raise SourceError("kagglehub is not installed; install the extra with "
                          "pip install -e '.[kaggle]' (or use --kaggle-csv PATH)") from None
    try:
        folder = Path(kagglehub.dataset_download(DATASET))
    except Exception as exc:  # kagglehub raises many types; the user needs the message
        raise SourceError(f"Kaggle download of {DATASET} failed: {exc}") from exc
    csv = folder / CSV_NAME if folder.is_dir() else folder
    if not csv.is_file():
        raise SourceError(f"Kaggle dataset {DATASET} has no {CSV_NAME} in {folder}")
    return csv


def read_netflix_csv(path: Path) -> pl.DataFrame:
    """Read a netflix_titles CSV, every column a string; check the required columns."""
    if not path.is_file():
        raise SourceError(f"Netflix catalog CSV not found: {path}")
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise SourceError(f"cannot read {path} as CSV: {exc}") from exc
    # Polars drops a UTF-8 BOM itself; tidy header whitespace from hand-edited files.
    frame = frame.rename({c: c.lstrip("\ufeff").strip() for c in frame.columns})
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise SourceError(f"{path} is not the Netflix catalog: missing columns "
                          f"{', '.join(missing)} (expected those of Kaggle {DATASET})")
    return frame


def _inputs(csv: Path, origin: str) -> dict[str, str]:
    return {"netflix_titles_csv": str(csv.resolve()),
            "netflix_titles_sha256": hashlib.sha256(csv.read_bytes()).hexdigest(),
            "netflix_titles_origin": origin}
