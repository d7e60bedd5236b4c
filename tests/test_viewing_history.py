"""Viewing-history parsing and catalog matching (blend/viewing_history.py,
blend/history_matching.py): every export format variant, every refused input, exact and
fuzzy matching against the session warehouse's catalog, the hand-labelled sample's
precision, and the generated persona histories (tests/data/make_viewing_histories.py)."""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from blend.history_matching import (
    FUZZY_THRESHOLD,
    HistoryCatalog,
    fuzzy_match,
    is_season_part,
)
from blend.viewing_history import (
    HistoryError,
    ParsedHistory,
    blend_catalog,
    load_catalog,
    parse_history,
    read_export,
)
from queries.db import Warehouse

DATA = Path(__file__).resolve().parent / "data"
HISTORIES = DATA / "viewing_histories"
LABELS = DATA / "history_match_labelled.csv"
TODAY = date(2023, 6, 1)


@pytest.fixture(scope="module")
def catalog(warehouse_con) -> HistoryCatalog:
    return HistoryCatalog.from_frame(
        warehouse_con.sql("select show_id, kind, title, release_year from titles").pl())


@pytest.fixture(scope="module")
def ids(warehouse_con) -> dict[str, str]:
    """Catalog title -> show_id, for titles that are unique in the catalog."""
    rows = warehouse_con.sql("select title, any_value(show_id) from titles "
                             "group by title having count(*) = 1").fetchall()
    return dict(rows)


def export(rows: list[tuple[str, str]], *, quote_all: bool = False, crlf: bool = False,
           bom: bool = False, header: tuple[str, str] = ("Title", "Date")) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                        lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (codecs.BOM_UTF8 if bom else b"") + buf.getvalue().encode("utf-8")


def parse(data: bytes, catalog: HistoryCatalog, **kw) -> ParsedHistory:
    return parse_history(data, catalog, today=kw.pop("today", TODAY), **kw)


def row_of(parsed: ParsedHistory, raw_title: str) -> dict:
    return parsed.viewings.filter(pl.col("raw_title") == raw_title).row(0, named=True)


# --- episode patterns and titles with colons --------------------------------------------

@pytest.mark.parametrize("raw, show, season, episode", [
    ("Stranger Things: Season 3: Chapter Two: The Mall Rats", "Stranger Things", "Season 3",
     "Chapter Two: The Mall Rats"),
    ("Stranger Things: Stranger Things 2: Chapter Nine: The Gate", "Stranger Things",
     "Stranger Things 2", "Chapter Nine: The Gate"),
    ("Unorthodox: Limited Series: Part 1", "Unorthodox", "Limited Series", "Part 1"),
    ("Lupin: Part 2: Chapter 6", "Lupin", "Part 2", "Chapter 6"),
    ("Love, Death & Robots: Volume 2: Pop Squad", "Love, Death & Robots", "Volume 2", "Pop Squad"),
    ("Love, Death & Robots: Vol. 1: Zima Blue", "Love, Death & Robots", "Vol. 1", "Zima Blue"),
    ("Avatar: The Last Airbender: Book One: Water: The Boy in the Iceberg",
     "Avatar: The Last Airbender", "Book One", "Water: The Boy in the Iceberg"),
    ("House of Cards: Season 1: Chapter 1", "House of Cards", "Season 1", "Chapter 1"),
    ("Wild Wild Country: Part 1", "Wild Wild Country", None, "Part 1"),
    ("Elite Short Stories: Carla Samuel: Episode 1", "Elite Short Stories: Carla Samuel", None,
     "Episode 1"),
    ("Sherlock: Series 4: The Final Problem", "Sherlock", "Series 4", "The Final Problem"),
    ("Élite: Temporada 4: Episodio 1", "Élite", "Temporada 4", "Episodio 1"),
    ("Ingobernable: Temporada 2: Capítulo 1", "Ingobernable", "Temporada 2", "Capítulo 1"),
    ("Unbelievable: Serie limitada: Episodio 1", "Unbelievable", "Serie limitada", "Episodio 1"),
    ("The Queen's Gambit: Miniserie: Aperturas", "The Queen's Gambit", "Miniserie", "Aperturas"),
    ("La casa de papel: Parte 3: Episodio 1", "La casa de papel", "Parte 3", "Episodio 1"),
    ("Dark: Staffel 1: Geheimnisse", "Dark", "Staffel 1", "Geheimnisse"),
    ("Lupin: Partie 1: Chapitre 1", "Lupin", "Partie 1", "Chapitre 1"),
    ("Narcos: Mexico: Season 2: Episode 3", "Narcos: Mexico", "Season 2", "Episode 3"),
    ("Squid Game: Season 1: Red Light, Green Light", "Squid Game", "Season 1",
     "Red Light, Green Light"),
])
def test_episode_patterns_split_and_match(catalog, ids, raw, show, season, episode):
    parsed = parse(export([(raw, "5/17/21")]), catalog)
    row = row_of(parsed, raw)
    assert (row["item_name"], row["season"], row["episode"]) == (show, season, episode)
    assert row["is_episode"] and row["match_method"] == "exact" and row["match_score"] == 1.0
    catalog_title = {"Élite": "Elite"}.get(show, show)
    assert row["show_id"] == ids[catalog_title]
    assert parsed.items.row(0, named=True)["kind"] == "show"


@pytest.mark.parametrize("raw", [
    "Black Mirror: Bandersnatch", "Kingdom: Ashin of the North", "Aziz Ansari: Buried Alive",
    "Naruto Shippuden: The Movie: The Lost Tower", "Trailer Park Boys: The Movie",
    "Kill Bill: Vol. 1", "23:59", "The Witcher: Nightmare of the Wolf",
])
def test_movie_titles_with_colons_are_movies_not_episodes(catalog, ids, raw):
    row = row_of(parse(export([(raw, "5/17/21")]), catalog), raw)
    assert (row["item_name"], row["is_episode"], row["season"], row["episode"]) == (raw, False, None, None)
    assert row["show_id"] == ids[raw]


def test_longest_catalog_prefix_wins_over_naive_split(catalog, ids):
    rows = [("Star Trek: The Next Generation: Season 3: The Best of Both Worlds: Part 1", "5/2/21"),
            ("Star Trek", "5/1/21"),
            ("Malibu Rescue: The Series: Season 1: Mysterious Buoy", "4/30/21"),
            ("Malibu Rescue: The Next Wave", "4/29/21"),
            ("Last Chance U: Basketball: Season 1: Episode 1", "4/28/21"),
            ("Last Chance U: Season 5: Laney", "4/27/21")]
    parsed = parse(export(rows), catalog)
    got = dict(zip(parsed.viewings["raw_title"], parsed.viewings["show_id"]))
    assert got == {rows[0][0]: ids["Star Trek: The Next Generation"], "Star Trek": ids["Star Trek"],
                   rows[2][0]: ids["Malibu Rescue: The Series"],
                   "Malibu Rescue: The Next Wave": ids["Malibu Rescue: The Next Wave"],
                   rows[4][0]: ids["Last Chance U: Basketball"], rows[5][0]: ids["Last Chance U"]}


def test_episodes_group_into_one_item_per_show(catalog, ids):
    rows = [("Dark: Season 2: Lost and Found", "6/3/20"), ("Dark: Season 2: Ghosts", "6/3/20"),
            ("Dark: Season 1: Secrets", "6/1/20"), ("Glass Harbor: Season 1: Pilot", "5/30/20"),
            ("Glass Harbor: Season 1: The Tide", "5/30/20"), ("Enola Holmes", "5/29/20")]
    parsed = parse(export(rows), catalog)
    items = {r["item_name"]: r for r in parsed.items.iter_rows(named=True)}
    assert set(items) == {"Dark", "Glass Harbor", "Enola Holmes"}
    assert items["Dark"]["episodes"] == 3 and items["Dark"]["show_id"] == ids["Dark"]
    assert (items["Dark"]["first_watched"], items["Dark"]["last_watched"]) == (date(2020, 6, 1), date(2020, 6, 3))
    assert items["Glass Harbor"]["show_id"] is None and items["Glass Harbor"]["kind"] == "show"
    assert items["Enola Holmes"]["kind"] == "movie" and not items["Enola Holmes"]["is_episode"]
    assert parsed.match_rate == pytest.approx(2 / 3)
    assert parsed.unmatched == ["Glass Harbor"]


def test_unknown_show_without_seasons_groups_on_shared_prefix(catalog):
    rows = [("Moonlit Pharmacy: The Night Shift", "3/2/22"), ("Moonlit Pharmacy: Old Wounds", "3/1/22"),
            ("Cold Call: The Phone Scam Queen", "2/27/22")]
    parsed = parse(export(rows), catalog)
    items = dict(zip(parsed.items["item_name"], parsed.items["is_episode"]))
    assert items == {"Moonlit Pharmacy": True, "Cold Call: The Phone Scam Queen": False}


def test_lone_special_is_not_an_episode_of_a_catalog_show(catalog):
    """The catalog's "Dave Chappelle" is a show; a lone 2021 special named after him
    is not one of its episodes (no season word, no other rows share the prefix)."""
    parsed = parse(export([("Dave Chappelle: The Closer", "10/9/21")]), catalog)
    assert parsed.unmatched == ["Dave Chappelle: The Closer"]


def test_season_words_are_data():
    assert all(is_season_part(p) for p in ["Season 2", "Series 10", "Limited Series", "Part IV",
                                            "Volume 3", "Vol. 2", "Book Three", "Collection 1",
                                            "Temporada 2", "Parte 1", "Volumen 2", "Libro Uno",
                                            "Miniserie", "Serie limitada", "Staffel 3", "Teil 2",
                                            "Saison 1", "Partie 2", "2ª temporada"])
    assert not any(is_season_part(p) for p in ["Seasoned", "The Part", "Book Club",
                                                "Volume", "Part of Me"])
    assert is_season_part("Stranger Things 3", "Stranger Things")


# --- CSV dialects and encodings --------------------------------------------------------

ROWS = [("Dark: Season 1: Secrets", "6/18/20"), ("Élite: Season 1: Welcome", "6/17/20"),
        ("Enola Holmes", "6/16/20")]


@pytest.mark.parametrize("dialect", [{}, {"quote_all": True}, {"crlf": True}, {"bom": True},
                                     {"bom": True, "crlf": True, "quote_all": True}])
def test_dialects_give_identical_results(catalog, dialect):
    plain = parse(export(ROWS), catalog)
    other = parse(export(ROWS, **dialect), catalog)
    assert other.viewings.equals(plain.viewings) and other.items.equals(plain.items)
    assert other.rows_read == 3


@pytest.mark.parametrize("encoding, expected", [("utf-16", "utf-16"), ("cp1252", "cp1252"),
                                                ("utf-8-sig", "utf-8-sig")])
def test_encodings(catalog, encoding, expected):
    text = "Title,Date\nÉlite: Season 1: Welcome,6/17/20\nGrey’s Anatomy: Season 1: A Hard Day’s Night,6/16/20\n"
    parsed = parse(text.encode(encoding), catalog)
    assert parsed.encoding == expected
    assert parsed.viewings["item_name"].to_list() == ["Élite", "Grey’s Anatomy"]
    assert parsed.match_rate == 1.0
    if expected == "cp1252":
        assert any("cp1252" in n for n in parsed.notes)


def test_latin1_fallback_for_bytes_cp1252_cannot_decode(catalog):
    data = "Title,Date\nCaf\xe9 \x81 Society,6/17/20\n".encode("latin-1")
    parsed = parse(data, catalog)
    assert parsed.encoding == "latin-1" and parsed.viewings["raw_title"][0] == "Café \x81 Society"


def test_semicolon_delimiter_and_unquoted_comma_in_title(catalog, ids):
    semi = "Title;Date\nSquid Game: Season 1: Red Light, Green Light;17/09/21\n".encode()
    assert parse(semi, catalog).viewings["show_id"].to_list() == [ids["Squid Game"]]
    loose = "Title,Date\nSquid Game: Season 1: Red Light, Green Light,9/17/21\n".encode()
    row = parse(loose, catalog).viewings.row(0, named=True)
    assert row["episode"] == "Red Light, Green Light" and row["watched_on"] == date(2021, 9, 17)


def test_html_and_formulas_stay_plain_text(catalog):
    formula = '=HYPERLINK("http://example.com","x")'
    html = "<script>alert(1)</script>: Season 1: <b>Bold</b>"
    parsed = parse(export([(formula, "1/2/21"), (html, "1/1/21")]), catalog)
    assert parsed.viewings["raw_title"].to_list() == [formula, html]
    assert row_of(parsed, html)["episode"] == "<b>Bold</b>"
    assert parsed.match_rate == 0.0


# --- dates ------------------------------------------------------------------------------

@pytest.mark.parametrize("dates, order, first", [
    (["4/13/20", "4/3/20"], "month_first", date(2020, 4, 13)),
    (["18/06/20", "4/3/20"], "day_first", date(2020, 6, 18)),
    (["18/06/2020", "04/03/2020"], "day_first", date(2020, 6, 18)),
    (["2020-06-18", "2020-03-04"], "iso", date(2020, 6, 18)),
    (["2020-06-18", "3/14/20"], "mixed", date(2020, 6, 18)),
])
def test_date_orders(catalog, dates, order, first):
    parsed = parse(export([(f"Movie {i}", d) for i, d in enumerate(dates)]), catalog)
    assert parsed.date_order == order and not parsed.date_order_ambiguous
    assert parsed.viewings["watched_on"][0] == first
    assert parsed.viewings["watched_on"].dtype == pl.Date


def test_day_above_twelve_anywhere_settles_the_whole_file(catalog):
    dates = ["5/1/21"] * 3 + ["3/14/21"] + ["2/1/21"]
    parsed = parse(export([(f"Movie {i}", d) for i, d in enumerate(dates)]), catalog)
    assert parsed.date_order == "month_first" and parsed.viewings["watched_on"][0] == date(2021, 5, 1)


@pytest.mark.parametrize("dates, order", [
    (["3/2/21", "2/5/21", "1/9/21"], "month_first"),   # day-first: Feb 3, May 2, Sep 1
    (["3/2/21", "5/1/21", "9/12/20"], "day_first"),    # month-first: Mar 2, May 1, Sep 12
])
def test_ambiguous_dates_pick_the_newest_first_order(catalog, dates, order):
    parsed = parse(export([(f"Movie {i}", d) for i, d in enumerate(dates)]), catalog)
    assert parsed.date_order == order and parsed.date_order_ambiguous
    assert parsed.viewings["watched_on"].is_sorted(descending=True)
    assert any("No date settles" in n for n in parsed.notes)


def test_dates_reading_the_same_either_way_are_not_ambiguous(catalog):
    parsed = parse(export([("Movie", "5/5/21"), ("Other", "1/1/21")]), catalog)
    assert not parsed.date_order_ambiguous


def test_a_row_left_out_for_its_blank_title_still_settles_the_date_order(catalog):
    """Netflix writes every date of a file one way: a blank-title row's 13/01/2008 says
    the kept 02/01/2008 is 2 January (it was read as 1 February; found by Hypothesis)."""
    parsed = parse(export([("", "13/01/2008"), ("Movie", "02/01/2008")]), catalog)
    assert parsed.viewings["watched_on"].to_list() == [date(2008, 1, 2)]
    assert parsed.date_order == "day_first" and not parsed.date_order_ambiguous


def test_a_profile_s_date_order_is_settled_by_the_other_profiles_rows(catalog):
    """A spreadsheet re-saves a whole ViewingActivity.csv one way (2/9/2022 2:05)."""
    rows = [("Ana", "2/1/2021 20:00", "00:50:00", "Enola Holmes", ""),
            ("Ben", "25/1/2021 20:00", "00:50:00", "Enola Holmes", ""),
            ("Ana", "13/1/2021 19:00", "00:00:30", "Trailer: Dark", "TRAILER")]
    ana = parse(activity(rows), catalog, profile="Ana")
    assert ana.viewings["watched_on"].to_list() == [date(2021, 1, 2)]
    assert not ana.date_order_ambiguous
    # a file whose own rows disagree settles nothing for a profile
    rows[1:] = [("Ben", "25/1/2021 20:00", "00:50:00", "Dark", ""),
                ("Cy", "1/25/2021 20:00", "00:50:00", "Dark", "")]
    assert parse(activity(rows), catalog, profile="Ana").date_order_ambiguous


# --- refused input ------------------------------------------------------------------------

def _zip(data: bytes, name: str = "NetflixViewingHistory.csv") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        # a fixed date: the bytes are a test id, and pytest-xdist's workers must collect
        # the same ids (a zip stamped with "now" differed when their collections
        # straddled a 2-second step of the zip's clock)
        z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


GOOD = export(ROWS)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"  \r\n\n", "empty"),
    (b"Title,Date\n", "no rows"),
    (export(ROWS, header=("Name", "When")), "should be 'Title,Date'"),
    (b"Title\nDark\n", "should be 'Title,Date'"),
    (b"Profile Name,Start Time,Title\nA,2020-01-01 10:00:00,Dark\n", "lacks the column.*duration"),
    (b"Profile Name,Start Time,Duration,Title\nA,2020-01-01 10:00:00,0:45:00,Dark\n",
     "lacks the column.*supplemental video type .Netflix marks trailers"),
    (_zip(GOOD, "notes.txt"), "holds neither ViewingActivity.csv"),
    (b"PK\x03\x04 not really a zip", "damaged zip"),
    (gzip.compress(GOOD, mtime=0), "gzip"),
    (b"%PDF-1.7\n", "PDF"),
    (bytes(range(256)) * 4, "binary"),
    ("Title,Date\nDark,6/1/20\n".encode("utf-16-le"), "binary"),
    (b"Title,Date\nDark\n", "has no date"),
    (b"Title,Date\n,6/1/20\n: ,6/2/20\n", "lacks a title or a date"),
    (b"Title,Date\nDark,yesterday\n", "not a date"),
    (b"Title,Date\nDark,6/1/2020/1\n", "not a date"),
    (b"Title,Date\nDark,31/02/20\n", "not a calendar date"),
    (b"Title,Date\nDark,13/13/20\n", "not a calendar date"),
    (b"Title,Date\nDark,6/1/06\n", "before 2007"),
    (b"Title,Date\nDark,1999-12-31\n", "before 2007"),
    (b"Title,Date\nDark,6/1/24\n", "in the future"),
    (b"Title,Date\nDark,13/01/20\nLost,01/13/20\n", "mix day-first"),
    (b"Title,Date\n" + b"x" * 600 + b",6/1/20\n", "longer than 500"),
])
def test_bad_input_is_refused_with_a_message(catalog, data, message):
    with pytest.raises(HistoryError, match=message):
        parse(data, catalog)


def test_messages_name_the_file_line(catalog):
    """Line numbers count the header, blank lines and quoted cells spanning lines."""
    data = b'Title,Date\nDark,6/1/20\n\n"Two\nLines",6/1/20\nLost,yesterday\n'
    with pytest.raises(HistoryError, match="^Line 6: 'yesterday' is not a date"):
        parse(data, catalog)
    with pytest.raises(HistoryError, match="^Line 4: 'yesterday'"):   # after a skipped row
        parse(b"Title,Date\nDark,6/1/20\n ,6/1/20\nLost,yesterday\n", catalog)
    # the first bad date is named, whether no date at all or no calendar date
    with pytest.raises(HistoryError, match="^Line 3: '99/99/99' is not a calendar date"):
        parse(b"Title,Date\nDark,6/1/20\nA,99/99/99\nB,1/3/99999\n", catalog)


def test_size_and_row_limits_come_from_arguments_and_settings(catalog, monkeypatch):
    with pytest.raises(HistoryError, match=f"limit is {len(GOOD) - 1:,} bytes"):
        parse(GOOD, catalog, max_bytes=len(GOOD) - 1)
    assert parse(GOOD, catalog, max_bytes=len(GOOD)).rows_read == 3
    with pytest.raises(HistoryError, match="more than 2 rows"):
        parse(GOOD, catalog, max_rows=2)
    monkeypatch.setenv("NETFLIX_INSIGHTS_UPLOAD_MAX_ROWS", "2")
    with pytest.raises(HistoryError, match="more than 2 rows"):
        parse(GOOD, catalog)
    monkeypatch.setenv("NETFLIX_INSIGHTS_UPLOAD_MAX_BYTES", "10")
    with pytest.raises(HistoryError, match="limit is 10 bytes"):
        parse(GOOD, catalog)


def test_exact_duplicates_are_removed_and_counted(catalog):
    rows = ROWS + [ROWS[0], ROWS[2]]
    parsed = parse(export(rows), catalog)
    assert (parsed.rows_read, parsed.duplicate_rows, parsed.viewings.height) == (5, 2, 3)
    assert parsed.viewings["row_number"].to_list() == [1, 2, 3]
    assert any("2 exact duplicate" in n for n in parsed.notes)


def test_file_made_mostly_of_duplicates_is_refused(catalog):
    assert parse(export(ROWS * 2), catalog).duplicate_rows == 3   # a doubled export: fine
    with pytest.raises(HistoryError, match="2,997 of the file's 3,000 rows repeat"):
        parse(export(ROWS * 1000), catalog)


# --- matching -------------------------------------------------------------------------------

def test_fuzzy_match_has_a_score_and_respects_the_threshold(catalog, ids):
    # Excel's ANSI re-save turns é into '?': one character off, still the same film.
    parsed = parse(export([("Pok?mon the Movie: Power of Us", "1/2/21"),
                           ("The Office (US): Season 3: Gay Witch Hunt", "1/1/21")]), catalog)
    pokemon, office = parsed.viewings.rows(named=True)
    assert pokemon["show_id"] == ids["Pokémon the Movie: Power of Us"]
    assert pokemon["match_method"] == "fuzzy" and FUZZY_THRESHOLD <= pokemon["match_score"] < 1
    assert office["show_id"] == ids["The Office (U.S.)"] and office["match_method"] == "fuzzy"
    # "The Watcher" (2022) scores 0.909 against "The Witcher": below the threshold...
    assert fuzzy_match(["The Watcher"], [True], catalog) == [None]
    # ...and titles under SHORT_LEN letters need FUZZY_SHORT whatever the threshold:
    # one letter turns "The Switch" into "The Witch" (0.947)
    assert fuzzy_match(["The Watcher"], [True], catalog, threshold=0.90) == [None]
    assert fuzzy_match(["The Switch"], [False], catalog) == [None]
    # numbers and country qualifiers must agree
    assert fuzzy_match(["T2 Trainspotting", "The Office (U.K.)"], [False, True], catalog) == [
        None, None]


def test_fuzzy_match_rejects_other_numbers_and_wrong_kinds(catalog, ids):
    assert fuzzy_match(["Rocky VI", "Enola Holmes 2", "The Kissing Booth 4"],
                       [False] * 3, catalog) == [None] * 3
    # An episodic item only matches shows: "Rocky II" is a movie.
    assert fuzzy_match(["Rocky II."], [True], catalog) == [None]
    assert fuzzy_match(["Rocky II."], [False], catalog)[0][0] == ids["Rocky II"]


def test_fuzzy_search_is_capped_to_the_most_watched_unmatched_items(catalog, monkeypatch):
    """A file of made-up titles cannot buy unbounded fuzzy work: only the
    MAX_FUZZY_ITEMS most-watched unmatched items are searched."""
    rows = [(f"Made Up Title {i:03d}", f"{1 + d}/{1 + i % 28}/21") for i in range(60) for d in (0, 1)]
    rows.append(("Pok?mon the Movie: Power of Us", "3/1/21"))   # watched least
    assert parse(export(rows), catalog).match_rate == pytest.approx(1 / 61)
    monkeypatch.setattr("blend.viewing_history.MAX_FUZZY_ITEMS", 60)
    assert parse(export(rows), catalog).match_rate == 0.0


def test_exact_ties_prefer_the_exact_spelling_then_kind(catalog, warehouse_con):
    dupes = dict(warehouse_con.sql("select title, show_id from titles where title in "
                                   "('U Turn', 'U-Turn', 'Death Note', 'DEATH NOTE')").fetchall())
    parsed = parse(export([("U Turn", "1/4/21"), ("U-Turn", "1/3/21"), ("Death Note", "1/2/21"),
                           ("DEATH NOTE: Season 1: Rebirth", "1/1/21")]), catalog)
    got = dict(zip(parsed.viewings["raw_title"], parsed.viewings["show_id"]))
    assert got["U Turn"] == dupes["U Turn"] and got["U-Turn"] == dupes["U-Turn"]
    assert got["Death Note"] == dupes["Death Note"]                       # the movie
    assert got["DEATH NOTE: Season 1: Rebirth"] == dupes["DEATH NOTE"]    # the show


def _labelled() -> list[dict]:
    with LABELS.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_labelled_sample_precision(catalog):
    """Hand-labelled raw titles (tests/data/history_match_labelled.csv), parsed as one
    export. docs/BLEND.md reports the numbers this measures."""
    labels = _labelled()
    rows = [(r["raw_title"], f"{1 + i % 12}/{1 + i % 28}/21") for i, r in enumerate(labels)]
    parsed = parse(export(rows), catalog)
    got = dict(zip(parsed.viewings["raw_title"], parsed.viewings["show_id"]))
    matched = [(got[r["raw_title"]], r["expected_show_id"] or None) for r in labels
               if got[r["raw_title"]] is not None]
    correct = sum(g == e for g, e in matched)
    expected = sum(1 for r in labels if r["expected_show_id"])
    precision, recall = correct / len(matched), correct / expected
    print(f"labelled sample: {len(labels)} titles, precision {precision:.3f}, recall {recall:.3f}")
    assert len(labels) >= 100
    assert precision >= 0.95
    assert recall >= 0.90


def test_blend_catalog_query_and_cache(built_data_dir, warehouse_con):
    wh = Warehouse(built_data_dir)
    try:
        frame = blend_catalog(wh)
        assert frame.columns == ["show_id", "kind", "title", "release_year"]
        total = warehouse_con.sql("select count(*) from titles").fetchall()[0][0]
        # the bundled build holds no alternate titles (no IMDb dataset files): one
        # row per title (tests/test_imdb_datasets.py has the alternate ones)
        assert frame.height == total == frame["show_id"].n_unique()
        first = load_catalog(wh)
        assert load_catalog(wh) is first and first.titles == total
    finally:
        wh.close()


def test_catalog_frame_needs_its_columns():
    with pytest.raises(ValueError, match="release_year"):
        HistoryCatalog.from_frame(pl.DataFrame({"show_id": ["s1"], "kind": ["movie"],
                                                "title": ["X"]}))


def test_tiny_catalog_unit_case():
    tiny = HistoryCatalog.from_frame(pl.DataFrame({
        "show_id": ["s1", "s2"], "kind": ["show", "movie"], "title": ["Kingdom", "Kingdom"],
        "release_year": [2020, 2019]}))
    parsed = parse(export([("Kingdom: Season 2: Episode 1", "3/13/20"), ("Kingdom", "3/12/20")]), tiny)
    assert parsed.viewings["show_id"].to_list() == ["s1", "s2"]
    assert parsed.items["kind"].to_list() == ["show", "movie"]


def test_parsed_history_columns(catalog):
    parsed = parse(GOOD, catalog)
    assert parsed.viewings.schema == pl.Schema({
        "row_number": pl.Int64, "raw_title": pl.String, "watched_on": pl.Date,
        "item_name": pl.String, "season": pl.String, "episode": pl.String,
        "is_episode": pl.Boolean, "show_id": pl.String, "match_method": pl.String,
        "match_score": pl.Float64, "item_key": pl.String, "seconds": pl.Int64})
    assert parsed.items.schema == pl.Schema({
        "item_key": pl.String, "item_name": pl.String, "show_id": pl.String, "kind": pl.String,
        "is_episode": pl.Boolean, "episodes": pl.Int64, "first_watched": pl.Date,
        "last_watched": pl.Date, "match_method": pl.String, "match_score": pl.Float64,
        "watch_share": pl.Float64})


# --- generated persona histories ------------------------------------------------------------

MANIFEST = json.loads((HISTORIES / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_generated_histories_parse_and_match(catalog, name):
    truth = MANIFEST[name]
    parsed = parse_history((HISTORIES / name).read_bytes(), catalog)
    assert parsed.date_order == truth["date_order"] and not parsed.date_order_ambiguous
    assert parsed.rows_read == truth["rows"] and parsed.duplicate_rows == 0
    assert parsed.viewings["watched_on"].is_sorted(descending=True)
    assert str(parsed.viewings["watched_on"].min()) == truth["first_date"]
    assert 0.85 <= parsed.match_rate < 1.0
    # Every matched item is the title the persona actually watched.
    by_id = {i["show_id"] for i in truth["items"] if i["show_id"]}
    matched = parsed.items.filter(pl.col("show_id").is_not_null())["show_id"].to_list()
    assert sum(s in by_id for s in matched) / len(matched) >= 0.99
    invented = {i["name"] for i in truth["items"] if i["show_id"] is None}
    assert invented <= {u.split(": ")[0] if u.split(": ")[0] in invented else u
                        for u in parsed.unmatched}


def test_generated_histories_cover_the_formats():
    raw = {n: (HISTORIES / n).read_bytes() for n in MANIFEST}
    assert {t["date_order"] for t in MANIFEST.values()} == {"month_first", "day_first", "iso"}
    assert any(d.startswith(codecs.BOM_UTF8) and b'"\r\n"' in d for d in raw.values())
    assert max(t["rows"] for t in MANIFEST.values()) >= 4500
    assert all(t["rows"] >= 300 for t in MANIFEST.values())
    text = "\n".join(d.decode("utf-8-sig") for d in raw.values())
    for word in ["Temporada", "Limited Series", "Volume", "Part", "Book", "Series 2"]:
        assert word in text


def test_generator_is_reproducible(tmp_path):
    subprocess.run([sys.executable, str(DATA / "make_viewing_histories.py"), str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    for path in sorted(HISTORIES.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_parse_speed_of_a_5000_row_file(catalog):
    """A loose guard against accidental per-row work (the benchmark measures the real
    numbers): the 5,000-row persona file parses in well under a second."""
    data = (HISTORIES / "mainstream_household.csv").read_bytes()
    parse_history(data, catalog)
    start = time.perf_counter()
    parse_history(data, catalog)
    assert time.perf_counter() - start < 1.0


# --- rows Netflix writes oddly, full account downloads, zips ---------------------------

def test_blank_and_undated_rows_are_skipped_and_counted(catalog):
    """Genuine exports hold rows with an empty title ("" or ": "); they are left out and
    the note says how many, instead of refusing the file."""
    data = export(ROWS[:1] + [("", "6/17/20"), (": ", "6/17/20"), ("Lost", "")] + ROWS[1:])
    parsed = parse(data, catalog)
    assert parsed.rows_read == 6 and parsed.viewings.height == 3 and parsed.rows_skipped == 3
    assert "2 rows without a title were skipped." in parsed.notes
    assert "1 row without a date was skipped." in parsed.notes


ACTIVITY_HEADER = ("Profile Name,Start Time,Duration,Attributes,Title,Supplemental Video Type,"
                   "Device Type,Bookmark,Latest Bookmark,Country")
ACTIVITY = [  # profile, start, duration, title, supplemental
    ("Ana", "2020-06-18 20:00:00", "00:52:10", "Dark: Season 1: Secrets (Episode 1)", ""),
    ("Ana", "2020-06-18 19:58:00", "00:00:40", "Trailer: Dark", "TRAILER"),
    ("Ana", "2020-06-17 21:00:00", "00:03:00", "Enola Holmes", ""),
    ("Ana", "2020-06-17 21:30:00", "00:02:00", "Enola Holmes", ""),
    ("Ben", "2020-06-16 20:00:00", "01:58:00", "Enola Holmes", ""),
    ("Ben", "2020-06-16 19:59:00", "00:00:12", "Season 1 Clip: Dark", "HOOK"),
    ("Ben", "2020-06-15 20:00:00", "00:44:00", "Élite: Season 1: Welcome (Episode 1)", ""),
]


def activity(rows=ACTIVITY, new_layout: bool = False) -> bytes:
    """A ViewingActivity.csv in the classic layout, or the newer fully quoted one that
    starts with Duration."""
    buf = io.StringIO()
    if new_layout:
        writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(["Duration", "Start Time", "Profile Name", "Country", "Bookmark",
                         "Latest Bookmark", "Supplemental Video Type", "Attributes",
                         "Device Type", "Title"])
        writer.writerows([(d, s, p, "US", d, d, sup, "", "TV", t) for p, s, d, t, sup in rows])
    else:
        writer = csv.writer(buf, lineterminator="\n")
        buf.write(ACTIVITY_HEADER + "\n")
        writer.writerows([(p, s, d, "", t, sup, "TV", d, d, "US") for p, s, d, t, sup in rows])
    return buf.getvalue().encode()


@pytest.mark.parametrize("new_layout", [False, True])
def test_viewing_activity_gives_one_history_per_profile(catalog, new_layout):
    data = activity(new_layout=new_layout)
    export_ = read_export(data)
    assert export_.kind == "activity" and export_.profiles == ["Ana", "Ben"]
    with pytest.raises(HistoryError, match=r"holds 2 profiles \(Ana, Ben\)"):
        parse(data, catalog)
    with pytest.raises(HistoryError, match="No profile named 'Cy'"):
        parse(data, catalog, profile="Cy")
    ana = parse(data, catalog, profile="Ana")
    assert ana.kind == "activity" and ana.profile == "Ana"
    # the trailer is left out; two sessions of one film on one day are one viewing
    assert sorted(ana.viewings["raw_title"].to_list()) == [
        "Dark: Season 1: Secrets (Episode 1)", "Enola Holmes"]
    assert "1 trailer, teaser or preview row was left out." in ana.notes
    items = {r["item_name"]: r for r in ana.items.iter_rows(named=True)}
    assert items["Dark"]["watch_share"] == 1.0
    # five minutes of a film: a sample, counted far less than Ben's whole viewing
    assert items["Enola Holmes"]["watch_share"] == pytest.approx(5 / 60)
    ben = parse(data, catalog, profile="Ben")
    assert ben.items.filter(pl.col("item_name") == "Enola Holmes")["watch_share"].item() == 1.0
    assert ben.rows_read == 3 and ben.rows_skipped == 1


def test_an_unreadable_duration_is_unknown_and_a_huge_file_is_refused_early(catalog):
    """A Duration of 20 digits was a 500 on upload (a strict cast overflowed) and a
    traceback in blend-eval; now it reads as unknown (a whole viewing, as the other
    format's rows). Rows past the cap are refused as they are read, not after."""
    rows = [("Ana", "2020-06-17 21:00:00", "9" * 20 + ":00:00", "Enola Holmes", ""),
            ("Ana", "2020-06-16 21:00:00", "1:" + "9" * 20 + ":00", "Dark: Season 1: Secrets "
             "(Episode 1)", "")]
    ana = parse(activity(rows), catalog, profile="Ana")
    assert ana.items["watch_share"].to_list() == [1.0, 1.0]
    many = activity([("Ana", "2020-06-17 21:00:00", "00:10:00", f"T{i}", "")
                     for i in range(50)])
    with pytest.raises(HistoryError, match="more than 20 rows"):
        read_export(many, max_rows=20)
    long_names = read_export(activity([("N" * 50_000, "2020-06-17 21:00:00", "00:10:00",
                                        "Dark", "")]))
    assert long_names.profiles == ["N" * 100]
    with pytest.raises(HistoryError, match="names 60 profiles"):
        read_export(activity([(f"P{i}", "2020-06-17 21:00:00", "00:10:00", "Dark", "")
                              for i in range(60)]))


@pytest.mark.parametrize("text", ["a\r\nb\rc\nd", "", "x", "x\n", "\n\n", "a\r\r\nb",
                                  '"q\nq",1\r\nz,2\r\n', "a\u2028b\n\x0cc\n"])
def test_lines_are_split_as_stringio_splits_them(text):
    """text_lines replaced io.StringIO(newline="") (4 bytes a character more memory):
    the same lines, endings kept, for csv.reader."""
    from blend.viewing_history import text_lines
    assert list(text_lines(text)) == list(io.StringIO(text, newline=""))


def test_a_viewing_activity_resaved_by_excel_is_read(catalog):
    """Saved by a European Excel: ';' between cells (refused as "the Blend needs
    NetflixViewingHistory.csv") and Start Time as a short date with a time ("2/9/2022
    2:05", cut at 10 characters to "2/9/2022 2" and refused)."""
    rows = [(p, f"{int(s[5:7])}/{int(s[8:10])}/{s[:4]} {int(s[11:13])}:{s[14:16]}", d, t, sup)
            for p, s, d, t, sup in ACTIVITY]
    text = activity(rows).decode().replace(",", ";")
    ana = parse(text.encode(), catalog, profile="Ana")
    assert ana.kind == "activity" and ana.viewings.height == 2
    assert parse(activity(), catalog, profile="Ana").items.equals(ana.items)
    # other spreadsheet layouts of a date and time: the time is cut off, the date read
    # (a cut at the first space refused '12/19/2022,' and '9.', a review found)
    def start(fmt):
        return [(p, fmt(s), d, t, sup) for p, s, d, t, sup in ACTIVITY]
    for fmt in (lambda s: f"{int(s[5:7])}/{int(s[8:10])}/{s[:4]}, {int(s[11:13]) % 12 or 12}:"
                          f"{s[14:16]} {'PM' if int(s[11:13]) >= 12 else 'AM'}",
                lambda s: f"{int(s[8:10])}. {int(s[5:7])}. {s[:4]} {s[11:16]}",
                lambda s: f"{s[:4]}. {int(s[5:7])}. {int(s[8:10])}. 오후 {s[11:16]}",
                lambda s: s[:10] + "T" + s[11:] + "Z", lambda s: s[:10] + "_" + s[11:16]):
        assert parse(activity(start(fmt)), catalog, profile="Ana").items.equals(ana.items)


def test_the_offline_tools_list_a_gzipped_export_and_say_why_it_is_refused(tmp_path):
    """blend-eval and blend-prior passed over NetflixViewingHistory.csv.gz in silence."""
    import gzip

    from blend.viewing_history import export_files, read_export_file
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "NetflixViewingHistory.csv.gz").write_bytes(gzip.compress(GOOD))
    (tmp_path / "notes.txt.gz").write_bytes(gzip.compress(b"x"))
    (tmp_path / "b.csv").write_bytes(GOOD)
    found = export_files(tmp_path)
    assert [p.name for p in found] == ["NetflixViewingHistory.csv.gz", "b.csv"]
    with pytest.raises(HistoryError, match="gzip-compressed data, not a CSV file"):
        read_export_file(found[0])


@pytest.mark.parametrize("data, says, not_says", [
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "a PNG image, not a CSV file. Upload the "
     "NetflixViewingHistory.csv Netflix gave you.", "Extract"),
    (b"%PDF-1.7\n" + bytes(100), "a PDF document", "Extract"),
    (b"BZh91AY&SY" + bytes(100), "Extract NetflixViewingHistory.csv first", "Upload the"),
])
def test_a_file_of_another_kind_gets_advice_for_its_kind(catalog, data, says, not_says):
    """"Extract it first" is for archives; a PNG renamed .csv was told to extract it."""
    with pytest.raises(HistoryError) as refused:
        parse(data, catalog)
    assert says in str(refused.value) and not_says not in str(refused.value)


def test_zip_from_netflix_is_read(catalog):
    """The personal-data download keeps ViewingActivity.csv under CONTENT_INTERACTION/."""
    data = _zip(activity(), "netflix-report/CONTENT_INTERACTION/ViewingActivity.csv")
    assert parse(data, catalog, profile="Ben").viewings.height == 2
    assert parse(_zip(GOOD), catalog).viewings.height == 3


@pytest.mark.parametrize("language, first, second", [
    ("Hungarian", "2021. 12. 24.", "2021. 03. 04."),
    ("Czech, Slovak", "24. 12. 2021", "4. 3. 2021"),
    ("Croatian", "24. 12. 2021.", "04. 03. 2021."),
    ("Bulgarian", "24.12.21 г.", "4.03.21 г."),
    ("Arabic digits, right-to-left marks", "٢٤\u200f/١٢\u200f/٢٠٢١", "٤\u200f/٣\u200f/٢٠٢١"),
    ("Persian digits", "۲۰۲۱/۱۲/۲۴", "۲۰۲۱/۳/۴"),
    ("Chinese, Japanese", "2021年12月24日", "2021年3月4日"),
    ("Korean, long", "2021년 12월 24일", "2021년 3월 4일"),
    ("no-break spaces", "24.\u00a012.\u00a02021", "4.\u00a03.\u00a02021"),
    ("Devanagari digits", "२४/१२/२०२१", "४/३/२०२१"),
    ("full-width digits", "２４/１２/２０２１", "４/３/２０２１"),
    ("right-to-left embedding", "\u202b24/12/2021\u202c", "\u202b4/3/2021\u202c"),
    ("Thai, Buddhist-era years", "24/12/2564", "4/3/2564"),
    ("Slovenian (not Korean: a day below 10 has one digit)", "24. 12. 21", "4. 3. 21"),
])
def test_dates_as_each_language_writes_them(catalog, language, first, second):
    """Netflix writes the account language's short date; these were refused as "not a
    date"."""
    parsed = parse(export([("Dark: Season 1: Secrets", first), ("Enola Holmes", second)]),
                   catalog, today=date(2022, 1, 1))
    assert parsed.viewings["watched_on"].to_list() == [date(2021, 12, 24), date(2021, 3, 4)]


def test_a_date_refused_is_quoted_as_the_file_wrote_it(catalog):
    """Messages quoted the cell after its digits and layout were rewritten ('21-3-4');
    a two-digit year before 年 is not guessed."""
    with pytest.raises(HistoryError, match="'21年12月24日' is not a date"):
        parse(export([("Dark: Season 1: Secrets", "21年12月24日")]), catalog)
    with pytest.raises(HistoryError, match="'٩٩/٩٩/٩٩' is not a calendar date"):
        parse(export([("Dark: Season 1: Secrets", "٩٩/٩٩/٩٩")]), catalog)


def test_korean_year_first_dates(catalog):
    """Korean exports write "YY. M. D." (year first, dot-space separated)."""
    parsed = parse(export([("Dark: Season 1: Secrets", "21. 12. 27."),
                           ("Enola Holmes", "21. 3. 4.")]), catalog, today=date(2022, 1, 1))
    assert parsed.viewings["watched_on"].to_list() == [date(2021, 12, 27), date(2021, 3, 4)]
