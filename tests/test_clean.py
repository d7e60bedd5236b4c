"""Parsers on every known defect of the real inputs (shared/data/README.md)."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from etl import clean
from etl.sources import snapshot


@pytest.fixture(scope="module")
def raw():
    tables, _ = snapshot.extract()
    return tables


@pytest.fixture(scope="module")
def netflix(raw):
    return clean.clean_netflix(raw["netflix_titles"])


def netflix_row(**overrides) -> dict:
    row = {c: None for c in ["show_id", "type", "title", "director", "cast", "country",
                             "date_added", "release_year", "rating", "duration",
                             "listed_in", "description"]}
    row.update(show_id="s1", type="Movie", title="T", release_year="2020",
               duration="90 min", rating="PG", date_added="May 1, 2020")
    row.update(overrides)
    return row


def clean_rows(*rows) -> clean.Cleaned:
    return clean.clean_netflix(pl.DataFrame(list(rows), schema={k: pl.String for k in rows[0]}))


def test_date_added_with_leading_space_is_parsed():
    out = clean_rows(netflix_row(date_added=" August 4, 2017"))
    assert out.tables["src_netflix_titles"]["date_added"].to_list() == [date(2017, 8, 4)]


def test_duration_in_rating_column_moves_to_runtime():
    out = clean_rows(netflix_row(rating="74 min", duration=None))
    titles = out.tables["src_netflix_titles"]
    assert titles["runtime_minutes"].to_list() == [74]
    assert titles["maturity_rating"].to_list() == [None]
    assert out.issues[0]["issue"] == "duration in the rating column"


def test_duration_splits_into_runtime_or_seasons():
    out = clean_rows(netflix_row(show_id="a", duration="90 min"),
                     netflix_row(show_id="b", type="TV Show", duration="1 Season"),
                     netflix_row(show_id="c", type="TV Show", duration="12 Seasons"))
    rows = out.tables["src_netflix_titles"].select("runtime_minutes", "seasons").rows()
    assert rows == [(90, None), (None, 1), (None, 12)]


def test_numeric_and_punctuated_titles_survive():
    out = clean_rows(netflix_row(show_id="a", title="1994"),
                     netflix_row(show_id="b", title='Sr. "Avila", Part 2'))
    assert out.tables["src_netflix_titles"]["title"].to_list() == ["1994", 'Sr. "Avila", Part 2']


def test_bad_rows_are_quarantined_not_dropped():
    out = clean_rows(netflix_row(show_id="ok"), netflix_row(show_id="bad", type="Podcast"),
                     netflix_row(show_id=None))
    assert out.tables["src_netflix_titles"]["show_id"].to_list() == ["ok"]
    reasons = sorted(out.quarantine[0]["reason"].to_list())
    assert reasons == ["missing show_id", "unknown type"]


def test_lists_become_bridge_rows_in_order():
    out = clean_rows(netflix_row(listed_in="Dramas, International Movies, ",
                                 country="France, , Belgium"))
    genres = out.tables["src_netflix_title_genres"].select("genre", "position").rows()
    assert genres == [("Dramas", 1), ("International Movies", 2)]
    assert out.tables["src_netflix_title_countries"]["country"].to_list() == ["France", "Belgium"]


def test_real_catalog_defects_are_counted(netflix):
    issues = {i["issue"]: i["rows_affected"] for i in netflix.issues}
    assert issues["missing date_added"] == 10
    assert issues["duration in the rating column"] == 3
    titles = netflix.tables["src_netflix_titles"]
    assert titles.height == 8807
    assert titles.filter(pl.col("maturity_rating").str.contains("min")).height == 0
    assert titles.filter((pl.col("kind") == "movie") & pl.col("runtime_minutes").is_null()).height == 0


def test_python_literal_lists_parse_without_eval():
    frame = pl.DataFrame({"g": ["['drama', 'crime']", "[]", None, "[\"it's\"]"]})
    parsed = frame.select(clean.parse_python_list("g"))["g"].to_list()
    assert parsed == [["drama", "crime"], [], None, ["it's"]]


def test_imdb_defects(raw):
    out = clean.clean_imdb(raw["imdb_titles"], raw["imdb_credits"])
    titles = out.tables["src_imdb_titles"]
    assert titles.schema["imdb_votes"] == pl.Int64
    taxi = titles.filter(pl.col("imdb_title_id") == "tm84618").row(0, named=True)
    assert taxi["imdb_votes"] == 808582 and taxi["kind"] == "movie"
    # the README counts 91 / 311 missing over 5,850 rows; one row has no title and is
    # quarantined, and it lacks both
    issues = {i["issue"]: i["rows_affected"] for i in out.issues}
    assert issues["missing tmdb_popularity"] + 1 == 91
    assert issues["missing tmdb_score"] + 1 == 311
    assert sum(q.height for q in out.quarantine) == 1


def test_split_overview_record_is_quarantined(raw):
    out = clean.clean_market(raw["tmdb_market"], raw["tmdb_popular"])
    q = pl.concat(out.quarantine).filter(pl.col("source_table") == "tmdb_popular")
    # file lines 1107-1117 = records 1106-1116 (line 1 is the header)
    assert q["record_number"].to_list() == list(range(1106, 1117))
    assert "Magic Tricks" in q["raw_record"][-1]


def century_frames(dates: list[str], iso: list[tuple[str, str]]):
    popular = pl.DataFrame({"Release_Date": dates, "Title": [f"t{i}" for i in range(len(dates))],
                            "Overview": "o", "Popularity": "1.0", "Vote_Count": "1",
                            "Vote_Average": "5", "Original_Language": "en", "Genre": "Drama",
                            "Poster_Url": "u"})
    market = pl.DataFrame({"title": [t for t, _ in iso],
                           "release_date": [date.fromisoformat(d) for _, d in iso]})
    return popular, market


def test_two_digit_year_pivot_and_iso_correction():
    popular, market = century_frames(["12/15/21", "11/21/76", "3/1/22", "2/4/20"],
                                     [("t3", "1920-02-04")])
    out = clean.clean_popular(popular, market)
    got = out.tables["popular"]["release_date"].to_list()
    assert got == [date(2021, 12, 15), date(1976, 11, 21), date(2022, 3, 1), date(1920, 2, 4)]
    assert out.issues == [{"source_table": "tmdb_popular", "issue": "two-digit year a century off",
                           "rows_affected": 1, "action": "century taken from the top-rated list's ISO date"}]


def test_announced_films_are_not_read_as_silent_films():
    """The posters export (2022) lists films announced for 2023-24 with no vote yet:
    "2/15/23" with 0 votes is 2023; with votes, 1923 (an old film)."""
    popular, market = century_frames(["2/15/23", "2/15/23", "7/3/24", "8/12/27"],
                                     [("other", "2000-01-01")])
    popular = popular.with_columns(Vote_Count=pl.Series(["0", "12", "0.0", "182"]))
    got = clean.clean_popular(popular, market).tables["popular"]["release_date"].to_list()
    assert got == [date(2023, 2, 15), date(1923, 2, 15), date(2024, 7, 3), date(1927, 8, 12)]


def test_market_merges_posters_into_list_rows(raw):
    out = clean.clean_market(raw["tmdb_market"], raw["tmdb_popular"])
    market = out.tables["src_tmdb_titles"]
    assert market["tmdb_key"].n_unique() == market.height
    spider = market.filter(pl.col("title") == "Spider-Man: No Way Home")
    assert spider.height == 1 and spider["poster_url"][0].startswith("https://image.tmdb.org/")
    assert market["release_date"].dt.year().min() >= 1900
    # the exports are from 2022; films announced then are dated up to 2024, unvoted
    late = market.filter(pl.col("release_date").dt.year() > 2022)
    assert late["release_date"].dt.year().max() <= 2024 and (late["vote_count"] == 0).all()


def test_posters_rows_with_the_same_synopsis_fold_into_the_list_film():
    """The two exports give regional release dates and edition titles: the same synopsis
    within about a year is the same film; a remake decades later, or a synopsis two list
    films share, is not folded."""
    synopsis = "A man answers a ringing phone booth and a sniper tells him not to hang up."
    shared = "Two friends are sent on a mission that will change the fate of their city."
    remake = "A pig is saved from slaughter by a clever spider who writes words in her web."
    columns = {"original_language": "en", "popularity": 1.0, "vote_average": 7.0,
               "vote_count": 10, "poster_url": None, "genres_text": "Drama"}
    market = pl.DataFrame({
        "tmdb_key": ["movie:1817", "movie:10", "movie:11", "movie:15171"],
        "tmdb_id": [1817, 10, 11, 15171], "media_type": "movie",
        "title": ["Phone Booth", "City Part 1", "City Part 2", "Charlotte's Web"],
        "overview": [synopsis, shared, shared, remake],
        "release_date": [date(2003, 4, 4), date(2018, 4, 24), date(2018, 5, 10), date(1973, 3, 1)],
        "source_list": "top_rated_snapshot", **columns})
    popular = pl.DataFrame({
        "title": ["Phone Booth", "City", "Charlotte's Web"],
        "overview": [synopsis, shared, remake],
        "release_date": [date(2002, 9, 9), date(2018, 5, 1), date(2006, 12, 7)],
        **{k: v for k, v in columns.items() if k != "poster_url"},
        "poster_url": ["https://image.tmdb.org/p/booth.jpg", "p2", "p3"]})
    merged, folded, by_synopsis = clean.merge_market(market, popular)
    assert (folded, by_synopsis) == (1, 1)
    booth = merged.filter(pl.col("title") == "Phone Booth")
    assert booth["tmdb_key"].to_list() == ["movie:1817"]
    assert booth["poster_url"][0] == "https://image.tmdb.org/p/booth.jpg"
    assert merged.height == 4 + 2   # "City" (two candidates) and the 2006 remake stay apart


def test_match_cache_reuses_only_the_same_inputs_and_code(tmp_path, monkeypatch):
    from etl import match_cache
    schema = {"show_id": pl.String}
    calls = []

    def compute(n: int):
        def run():
            calls.append(n)
            return pl.DataFrame({"show_id": [f"s{i}" for i in range(n)]})
        return run

    cache = tmp_path / "matches"
    first, reused = match_cache.matches("inputs 2", cache, compute(2), schema)
    again, reused_again = match_cache.matches("inputs 2", cache, compute(2), schema)
    assert (reused, reused_again, calls) == (False, True, [2])
    assert again.equals(first)
    match_cache.matches("inputs 3", cache, compute(3), schema)      # other inputs
    monkeypatch.setattr(match_cache, "code_fingerprint", lambda: "the matcher was edited")
    _, reused = match_cache.matches("inputs 2", cache, compute(2), schema)
    assert not reused and calls == [2, 3, 2]
    _, reused = match_cache.matches("inputs 2", cache, compute(2), {"show_id": pl.Int64})
    assert not reused   # a file of another shape is not this result
    newest = []
    for n in range(4, 9):
        match_cache.matches(f"inputs {n}", cache, compute(n), schema)
        newest = [match_cache.key(f"inputs {n}")] + newest
    kept = {p.stem for p in cache.glob("*.parquet")}
    assert kept == set(newest[:match_cache.KEEP])   # the most recent, not any three
    assert not list(cache.glob("*.partial"))


def test_match_cache_key_is_the_loaded_code(tmp_path, monkeypatch):
    """The key covers the etl package's source, as the process loaded it: a `schedule`
    process running for days must not store its old matcher's results under the key of
    code pulled in under it."""
    import shutil

    from etl import match_cache
    loaded = match_cache.code_fingerprint()
    assert match_cache._fingerprint_of_loaded_code() == loaded   # nothing edited yet
    edited = tmp_path / "etl"
    shutil.copytree(match_cache.ETL_DIR, edited, ignore=shutil.ignore_patterns("__pycache__"))
    (edited / "matching.py").write_text((edited / "matching.py").read_text() + "\n# edit\n")
    monkeypatch.setattr(match_cache, "ETL_DIR", edited)
    assert match_cache._fingerprint_of_loaded_code() != loaded   # the source is hashed
    assert match_cache.code_fingerprint() == loaded              # but read at import


FULL_DISK = """
import resource, signal, sys
import polars as pl
from etl import match_cache
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails (EFBIG)
resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))
frame = pl.DataFrame({"show_id": [f"s{i}" for i in range(5000)]})
out, reused = match_cache.matches("inputs", __import__("pathlib").Path(sys.argv[1]),
                                  lambda: frame, {"show_id": pl.String})
print(out.height, reused)
"""


def test_match_cache_on_a_full_disk_still_matches_and_leaves_nothing(tmp_path):
    """A file-size limit stands in for a full disk: polars raises its own error there,
    not OSError. The run must return its matches and leave no partial file."""
    import subprocess
    import sys
    cache = tmp_path / "matches"
    out = subprocess.run([sys.executable, "-c", FULL_DISK, str(cache)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.split() == ["5000", "False"], out.stderr
    assert list(cache.iterdir()) == []


def test_match_cache_that_cannot_be_written_still_matches(tmp_path):
    from etl import match_cache
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would go")
    frame, reused = match_cache.matches("inputs", blocked / "matches",
                                        lambda: pl.DataFrame({"show_id": ["s1", "s2"]}),
                                        {"show_id": pl.String})
    assert frame.height == 2 and not reused
