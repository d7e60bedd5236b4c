"""The Kaggle Netflix-catalog source: explicit CSV, credentials detection, kagglehub."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import polars as pl
import pytest

from etl.raw import RAW_TABLES
from etl.sources import kaggle
from etl.sources.errors import SourceError
from etl.sources.kaggle import fetch_netflix_titles, has_kaggle_credentials

HEADER = ",".join(RAW_TABLES["netflix_titles"])
ROWS = [
    's1,Movie,Dick Johnson Is Dead,Kirsten Johnson,,United States,"September 25, 2021",'
    '2020,PG-13,90 min,Documentaries,"A filmmaker stages her father\'s death."',
    's2,TV Show,"Blood & Water",,"Ama Qamata, Khosi Ngema",South Africa,'
    '" September 24, 2021",2021,TV-MA,2 Seasons,"International TV Shows, TV Dramas",'
    '"After crossing paths at a party, a teen ""suspects"" something."',
    's3,Movie,1920,Vikram Bhatt,,India,,2008,74 min,,Horror Movies,"A ghost story."',
]
KAGGLE_ENV = ("KAGGLE_API_TOKEN", "KAGGLE_USERNAME", "KAGGLE_KEY", "KAGGLE_CONFIG_DIR")


def write_csv(path: Path, header: str = HEADER) -> Path:
    """A Windows-style export: UTF-8 BOM and CRLF line ends."""
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([header, *ROWS, ""]).encode())
    return path


@pytest.fixture
def no_credentials(tmp_path, monkeypatch):
    for name in KAGGLE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_explicit_csv_is_read_as_strings(tmp_path):
    csv = write_csv(tmp_path / "netflix_titles.csv")
    frame, inputs = fetch_netflix_titles(csv)
    assert frame.columns == RAW_TABLES["netflix_titles"]  # BOM gone from "show_id"
    assert all(dtype == pl.String for dtype in frame.dtypes)
    assert frame.height == 3
    row = frame.row(1, named=True)
    assert row["title"] == "Blood & Water"
    assert row["description"].endswith('"suspects" something.')  # no stray \r
    assert row["date_added"] == " September 24, 2021"  # raw keeps what the source had
    assert frame.row(2, named=True)["title"] == "1920"  # a number stays text
    assert inputs["netflix_titles_sha256"] == hashlib.sha256(csv.read_bytes()).hexdigest()
    assert inputs["netflix_titles_csv"] == str(csv.resolve())
    assert inputs["netflix_titles_origin"] == "file"


def test_missing_columns_are_listed(tmp_path):
    header = HEADER.replace("director", "directors").replace("listed_in", "genres")
    csv = write_csv(tmp_path / "wrong.csv", header)
    with pytest.raises(SourceError, match="missing columns director, listed_in"):
        fetch_netflix_titles(csv)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="not found"):
        fetch_netflix_titles(tmp_path / "nope.csv")


def test_no_credentials_points_at_the_alternatives(no_credentials):
    assert not has_kaggle_credentials()
    with pytest.raises(SourceError, match="no Kaggle credentials.*--kaggle-csv PATH"):
        fetch_netflix_titles()


@pytest.mark.parametrize("setup", ["token", "user_key", "kaggle_json", "config_dir"])
def test_credentials_are_detected(no_credentials, tmp_path, monkeypatch, setup):
    if setup == "token":
        monkeypatch.setenv("KAGGLE_API_TOKEN", "KGAT_x")
    elif setup == "user_key":
        monkeypatch.setenv("KAGGLE_USERNAME", "me")
        monkeypatch.setenv("KAGGLE_KEY", "k")
    else:
        folder = no_credentials / ".kaggle" if setup == "kaggle_json" else tmp_path / "cfg"
        folder.mkdir(parents=True)
        (folder / "kaggle.json").write_text('{"username": "me", "key": "k"}')
        if setup == "config_dir":
            monkeypatch.setenv("KAGGLE_CONFIG_DIR", str(folder))
    assert has_kaggle_credentials()


def test_missing_kagglehub_says_how_to_install(no_credentials, monkeypatch):
    monkeypatch.setenv("KAGGLE_API_TOKEN", "KGAT_x")
    monkeypatch.setitem(sys.modules, "kagglehub", None)  # import now fails
    with pytest.raises(SourceError, match=r"pip install -e '\.\[kaggle\]'"):
        fetch_netflix_titles()


def test_kagglehub_download_is_read(no_credentials, tmp_path, monkeypatch):
    # kagglehub itself is stubbed: no network in tests. The stub returns what the real
    # dataset_download returns, the folder holding the dataset's files.
    import kagglehub
    folder = tmp_path / "download"
    folder.mkdir()
    write_csv(folder / "netflix_titles.csv")
    monkeypatch.setenv("KAGGLE_API_TOKEN", "KGAT_x")
    seen = []
    monkeypatch.setattr(kagglehub, "dataset_download",
                        lambda handle: seen.append(handle) or str(folder))
    frame, inputs = fetch_netflix_titles()
    assert seen == [kaggle.DATASET] and frame.height == 3
    assert inputs["netflix_titles_origin"] == "kaggle:shivamb/netflix-shows"


def test_kagglehub_failure_becomes_a_source_error(no_credentials, monkeypatch):
    import kagglehub

    def refuse(handle):
        raise ConnectionError("network is unreachable")

    monkeypatch.setenv("KAGGLE_API_TOKEN", "KGAT_x")
    monkeypatch.setattr(kagglehub, "dataset_download", refuse)
    with pytest.raises(SourceError, match="download of shivamb/netflix-shows failed"):
        fetch_netflix_titles()
