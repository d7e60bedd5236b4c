"""The live TMDB client against a real HTTP server on 127.0.0.1 (tests/tmdb_server.py)."""
from __future__ import annotations

import logging
import time
from pathlib import Path

import polars as pl
import pytest

from etl.raw import RAW_TABLES, REQUIRED_TABLES, check_contract
from etl.sources.tmdb_api import enrich_titles, extract_live, fetch_genres, fetch_market
from etl.sources.tmdb_client import TmdbAuthError, TmdbClient, TmdbError

try:  # pytest puts tests/ on sys.path while tests/ has no __init__.py ...
    from tmdb_server import FakeTmdb, movie_runtime
except ImportError:  # ... and the project root once it becomes a package
    from tests.tmdb_server import FakeTmdb, movie_runtime

NETFLIX = pl.DataFrame({
    "show_id": ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"],
    "type": ["Movie", "Movie", "TV Show", "TV Show", "Movie", "TV Show", "TV Show",
             "TV Show"],
    "title": ["The Shawshank Redemption", "The Godfather", "Kingdom", "Blood & Water",
              "No Such Film Anywhere", "Ozark", "La Casa de Papel", "Crown"],
    # s2's year is wrong on purpose (search retries without it); s4's is the latest
    # season's, three years after the first air date.
    "release_year": ["1994", "1973", "2020", "2023", "2001", "2021", "2021", "2020"],
})


@pytest.fixture
def tmdb():
    with FakeTmdb() as server:
        yield server


def make_client(server: FakeTmdb, cache_dir: Path, **options) -> TmdbClient:
    options = {"token": server.token, "timeout_seconds": 2.0, "max_retries": 3,
               "concurrency": 4, "backoff_base_seconds": 0.01, "progress": False,
               **options}
    return TmdbClient(server.base_url, cache_dir=cache_dir, **options)


def assert_contract(name: str, frame: pl.DataFrame) -> None:
    """check_contract for one table, the other required tables stubbed empty."""
    tables = {t: pl.DataFrame(schema={c: pl.String for c in RAW_TABLES[t]})
              for t in REQUIRED_TABLES}
    check_contract({**tables, name: frame})


# -- raw tables --------------------------------------------------------------

def test_genres_come_from_the_api(tmdb, tmp_path):
    with make_client(tmdb, tmp_path) as client:
        genres = fetch_genres(client)
    assert genres["movie"][878] == "Science Fiction"
    assert genres["tv"][10759] == "Action & Adventure"
    assert set(tmdb.paths("/genre")) == {"/genre/movie/list", "/genre/tv/list"}


def test_market_frame_passes_the_contract(tmdb, tmp_path):
    with make_client(tmdb, tmp_path) as client:
        market = fetch_market(client, pages=3)
    assert_contract("tmdb_market", market)
    assert market.select("media_type", "id").is_unique().all()
    assert market.height == len(tmdb.movies) + len(tmdb.shows)
    shawshank = market.filter(id="278").row(0, named=True)
    assert shawshank["genre"] == "Drama,Crime"
    assert shawshank["release_date"] == "1994-09-23"
    assert shawshank["media_type"] == "movie" and shawshank["poster_path"] == "/p278.jpg"
    ozark = market.filter(id="1005").row(0, named=True)
    assert (ozark["title"], ozark["release_date"]) == ("Ozark", "2017-07-21")
    assert ozark["genre"] == "Crime,Drama" and ozark["source_list"] == "tv/popular"


def test_market_keeps_the_first_list_a_title_was_seen_on(tmdb, tmp_path):
    with make_client(tmdb, tmp_path) as client:
        market = fetch_market(client, pages=1)
    lists = set(market["source_list"])
    assert {"movie/popular", "movie/top_rated"} <= lists
    assert "discover/movie" not in lists  # same order as popular: nothing new
    assert market.height == market.select("media_type", "id").unique().height
    assert tmdb.requests[-1].params.get("page") == "1"


def test_enrichment_matches_titles(tmdb, tmp_path):
    with make_client(tmdb, tmp_path) as client:
        enriched = enrich_titles(client, NETFLIX)
    assert_contract("tmdb_enrichment", enriched)
    rows = {r["show_id"]: r for r in enriched.to_dicts()}
    assert list(enriched["show_id"]) == list(NETFLIX["show_id"])
    assert rows["s1"]["tmdb_id"] == "278"
    assert rows["s1"]["runtime_minutes"] == str(movie_runtime(278))
    assert rows["s1"]["genres"] == "Drama,Crime" and rows["s1"]["seasons"] is None
    assert rows["s2"]["tmdb_id"] == "238"  # found once the wrong year was dropped
    assert rows["s3"]["tmdb_id"] == "1002"  # latest first-air year not after 2020
    assert rows["s4"]["tmdb_id"] == "1001" and rows["s4"]["seasons"] == "2"
    assert rows["s5"]["tmdb_id"] is None and rows["s5"]["media_type"] == "movie"
    assert rows["s6"]["match_quality"] == "exact"


def test_show_search_never_filters_by_year(tmdb, tmp_path):
    with make_client(tmdb, tmp_path) as client:
        enrich_titles(client, NETFLIX)
    tv_searches = [r.params for r in tmdb.requests if r.path == "/search/tv"]
    assert tv_searches and all("first_air_date_year" not in p for p in tv_searches)
    godfather = [r.params for r in tmdb.requests
                 if r.path == "/search/movie" and r.params["query"] == "The Godfather"]
    assert [p.get("year") for p in godfather] == ["1973", None]


def test_match_quality_prefers_exact_titles(tmdb, tmp_path):
    with make_client(tmdb, tmp_path) as client:
        enriched = enrich_titles(client, NETFLIX)
    rows = {r["show_id"]: r for r in enriched.to_dicts()}
    # "Kingdom Hospital" is more popular, but the exact "Kingdom" wins (s3 above).
    assert (rows["s7"]["tmdb_id"], rows["s7"]["match_quality"]) == ("1008", "exact")
    assert rows["s7"]["title"] == "Money Heist"  # matched on the original name
    assert (rows["s8"]["tmdb_id"], rows["s8"]["match_quality"]) == ("1006", "partial")
    assert rows["s5"]["match_quality"] is None


# -- resilience ------------------------------------------------------------------

def test_429_honours_retry_after(tmdb, tmp_path):
    tmdb.fail("429", times=1, retry_after=1)
    with make_client(tmdb, tmp_path) as client:
        assert client.get("/movie/278")["id"] == 278
    first, second = tmdb.requests
    assert second.at - first.at >= 1.0
    assert client.stats["requests"] == 2


def test_500s_are_retried(tmdb, tmp_path):
    tmdb.fail("500", times=1)
    tmdb.fail("503", times=1)
    with make_client(tmdb, tmp_path) as client:
        assert client.get("/tv/1005")["name"] == "Ozark"
    assert len(tmdb.requests) == 3


def test_permanent_500_gives_a_clear_error(tmdb, tmp_path):
    tmdb.fail("500", times=None)
    with make_client(tmdb, tmp_path, max_retries=2) as client, \
            pytest.raises(TmdbError, match=r"/movie/278 failed after 3 attempts.*HTTP 500"):
        client.get("/movie/278")
    assert len(tmdb.requests) == 3


def test_timeouts_are_retried(tmdb, tmp_path):
    tmdb.fail("slow", times=1, delay=1.0)
    with make_client(tmdb, tmp_path, timeout_seconds=0.3) as client:
        assert client.get("/movie/238")["title"] == "The Godfather"
    assert len(tmdb.paths("/movie/238")) == 2


def test_connection_errors_are_retried_then_reported(tmp_path):
    with FakeTmdb() as server:
        base_url = server.base_url  # the port is closed once the server stops
    client = TmdbClient(base_url, token="t", cache_dir=tmp_path, max_retries=1,
                        backoff_base_seconds=0.01, progress=False)
    with client, pytest.raises(TmdbError, match="after 2 attempts.*connection error"):
        client.get("/movie/278")


def test_bad_token_fails_fast_without_retries(tmdb, tmp_path):
    started = time.monotonic()
    with make_client(tmdb, tmp_path, token="wrong") as client, \
            pytest.raises(TmdbAuthError, match=r"rejected the credentials \(401\)"):
        fetch_market(client, pages=2)
    assert time.monotonic() - started < 1.0
    assert len(tmdb.requests) <= client.concurrency  # only what was already in flight


def test_malformed_json_names_the_path(tmdb, tmp_path):
    tmdb.fail("malformed", path="/search/movie")
    with make_client(tmdb, tmp_path) as client, \
            pytest.raises(TmdbError, match="malformed JSON for /search/movie"):
        client.get("/search/movie", {"query": "Heat"})
    assert not list(tmp_path.glob("search_movie*"))  # a bad answer is never cached


# -- cache, concurrency, credentials ---------------------------------------------

def test_second_run_reads_details_and_searches_from_cache(tmdb, tmp_path):
    with make_client(tmdb, tmp_path) as client:
        first = enrich_titles(client, NETFLIX)
    tmdb.requests.clear()
    with make_client(tmdb, tmp_path) as client:
        second = enrich_titles(client, NETFLIX)
    assert tmdb.requests == []
    assert client.stats == {"requests": 0, "cache_hits": client.cache_hits}
    assert client.cache_hits > len(NETFLIX)
    assert first.equals(second)
    assert not list(tmp_path.glob("*.tmp"))


def test_list_endpoints_expire_but_details_do_not(tmdb, tmp_path):
    with make_client(tmdb, tmp_path) as client:
        fetch_market(client, pages=1)
        client.get("/movie/278")
    tmdb.requests.clear()
    with make_client(tmdb, tmp_path, list_max_age_seconds=0) as client:
        fetch_market(client, pages=1)
        client.get("/movie/278")
    assert "/movie/popular" in tmdb.paths() and "/genre/tv/list" in tmdb.paths()
    assert "/movie/278" not in tmdb.paths()


def test_concurrency_never_exceeds_the_limit(tmp_path):
    with FakeTmdb(latency=0.03) as server:
        with make_client(server, tmp_path, concurrency=3) as client:
            fetch_market(client, pages=1)
            enrich_titles(client, NETFLIX)
        assert 2 <= server.max_in_flight <= 3


def test_bearer_token_or_api_key_is_sent(tmdb, tmp_path):
    with make_client(tmdb, tmp_path / "a") as client:
        client.get("/movie/278")
    with make_client(tmdb, tmp_path / "b", token="", api_key=tmdb.api_key) as client:
        client.get("/movie/238")
    assert [r.auth for r in tmdb.requests] == ["bearer", "api_key"]


def test_api_key_never_reaches_cache_or_logs(tmdb, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    tmdb.fail("500", times=1)
    with make_client(tmdb, tmp_path, token="", api_key=tmdb.api_key) as client:
        fetch_market(client, pages=1)
        enrich_titles(client, NETFLIX.head(3))
    files = list(tmp_path.rglob("*"))
    assert files
    for file in files:
        assert tmdb.api_key not in file.name
        assert tmdb.api_key not in file.read_text(encoding="utf-8")
    assert "api_key=***" in caplog.text  # httpx's request log, redacted
    assert tmdb.api_key not in caplog.text


def test_progress_bar_goes_to_stderr(tmdb, tmp_path, capsys):
    with make_client(tmdb, tmp_path, progress=True) as client:
        fetch_genres(client)
    captured = capsys.readouterr()
    assert "TMDB genres" in captured.err and captured.out == ""


# -- extract_live --------------------------------------------------------------------

def test_extract_live_uses_settings(tmdb, tmp_path, monkeypatch):
    monkeypatch.setenv("TMDB_BASE_URL", tmdb.base_url)
    monkeypatch.setenv("TMDB_API_KEY", tmdb.api_key)
    monkeypatch.delenv("TMDB_API_TOKEN", raising=False)
    monkeypatch.setenv("TMDB_PAGES", "1")
    tables = extract_live(NETFLIX, cache_dir=tmp_path, progress=False, limit=2)
    assert set(tables) == {"tmdb_market", "tmdb_enrichment"}
    assert list(tables["tmdb_enrichment"]["show_id"]) == ["s1", "s2"]
    for name, frame in tables.items():
        assert_contract(name, frame)


def test_extract_live_without_credentials_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("TMDB_API_TOKEN", raising=False)
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    with pytest.raises(TmdbAuthError, match="TMDB_API_TOKEN.*TMDB_API_KEY"):
        extract_live(NETFLIX, cache_dir=tmp_path, progress=False)
