"""`refresh --source live` end to end against the loopback TMDB server."""
from __future__ import annotations

import gzip

import duckdb
import pytest
from tmdb_server import FakeTmdb

from base.paths import Paths
from etl.sources.snapshot import SNAPSHOT_DIR
from netflix_insights.refresh import RefreshFailed, refresh


@pytest.fixture
def kaggle_csv(tmp_path):
    path = tmp_path / "netflix_titles.csv"
    path.write_bytes(gzip.decompress((SNAPSHOT_DIR / "kaggle_netflix_titles.csv.gz").read_bytes()))
    return path


def test_live_refresh_builds_movies_and_tv_market(tmp_path, kaggle_csv, monkeypatch):
    with FakeTmdb() as tmdb:
        monkeypatch.setenv("TMDB_BASE_URL", tmdb.base_url)
        monkeypatch.setenv("TMDB_API_TOKEN", tmdb.token)
        monkeypatch.setenv("TMDB_PAGES", "1")
        result = refresh(tmp_path / "data", source="live", kaggle_csv=kaggle_csv,
                         quiet=True, tmdb_limit=25)
        searched = len(tmdb.paths("/search"))
    assert searched >= 25
    con = duckdb.connect(str(result.path), read_only=True)
    kinds = dict(con.execute("select media_type, count(*) from tmdb_titles group by all").fetchall())
    source = con.execute("select source from build_info").fetchall()[0][0]
    con.close()
    assert kinds["movie"] > 0 and kinds["tv"] > 0
    assert source == "live"
    raw_loads = list((Paths(tmp_path / "data").raw_dir / "live").iterdir())
    assert len(raw_loads) == 1 and (raw_loads[0] / "tmdb_enrichment.parquet").exists()


def test_live_refresh_with_bad_token_fails_clearly(tmp_path, kaggle_csv, monkeypatch):
    with FakeTmdb() as tmdb:
        monkeypatch.setenv("TMDB_BASE_URL", tmdb.base_url)
        monkeypatch.setenv("TMDB_API_TOKEN", "wrong-token")
        with pytest.raises(RefreshFailed, match="401"):
            refresh(tmp_path / "data", source="live", kaggle_csv=kaggle_csv, quiet=True)
    assert not Paths(tmp_path / "data").current_link.exists()
