"""Title Explorer: SQL paging, sorting and search against the session warehouse,
cross-checked by an independent Polars implementation over the same tables read
whole; detail queries; the view-state logic and callbacks called as functions."""
from __future__ import annotations

import math
import re

import polars as pl
import pytest

from dashapp.pages import _titles_detail as detail
from dashapp.pages import _titles_table as table
from queries import titles
from queries.db import SQL
from queries.filters import Filters

SHOWS = Filters(kinds=("show",))
DRAMA_MOVIES_2010S = Filters(kinds=("movie",), genres=("Dramas",), year_from=2010,
                             year_to=2019)
INDIA_TV_MA = Filters(countries=("India",), ratings=("TV-MA",))
NOTHING = Filters(genres=("No Such Genre",))


@pytest.fixture(scope="module")
def all_titles(warehouse_con) -> pl.DataFrame:
    return warehouse_con.sql("select * from titles").pl()


@pytest.fixture(scope="module")
def people(warehouse_con) -> pl.DataFrame:
    return warehouse_con.sql("select * from title_people").pl()


def expected(all_titles: pl.DataFrame, people: pl.DataFrame, f: Filters,
             search: str | None = None, sort: str = titles.DEFAULT_SORT,
             descending: bool | None = None) -> pl.DataFrame:
    """The explorer's whole ordered result, computed in Polars."""
    df = all_titles
    if f.kinds:
        df = df.filter(pl.col("kind").is_in(f.kinds))
    if f.year_from is not None:
        df = df.filter(pl.col("release_year") >= f.year_from)
    if f.year_to is not None:
        df = df.filter(pl.col("release_year") <= f.year_to)
    for col, values in (("genres", f.genres), ("countries", f.countries)):
        if values:
            df = df.filter(pl.col(col).list.eval(pl.element().is_in(values)).list.any()
                           .fill_null(False))
    if f.ratings:
        df = df.filter(pl.col("maturity_rating").is_in(f.ratings))
    needle = " ".join((search or "").split()).lower()
    if needle:
        named = people.filter(pl.col("person_name").str.to_lowercase()
                              .str.contains(needle, literal=True))["show_id"]
        df = df.filter(
            pl.col("title").str.to_lowercase().str.contains(needle, literal=True).fill_null(False)
            | pl.col("description").str.to_lowercase().str.contains(needle, literal=True)
            .fill_null(False)
            | pl.col("show_id").is_in(named.implode()))
    if descending is None:
        descending = titles.SORTS[sort][1]
    return df.sort([sort, "show_id"], descending=[descending, False], nulls_last=True)


def ids(frame: pl.DataFrame) -> list[str]:
    return frame["show_id"].to_list()


# --------------------------------------------------------------------------- count/search

@pytest.mark.parametrize("f", [Filters(), SHOWS, DRAMA_MOVIES_2010S, INDIA_TV_MA, NOTHING])
@pytest.mark.parametrize("search", [None, "", "love", "  Love   ", "Shah Rukh Khan",
                                    "stranger things", "%", "_", "'; drop table titles; --"])
def test_count_matches_polars(wh, all_titles, people, f, search):
    assert titles.titles_count(wh, f, search) == expected(all_titles, people, f, search).height


def test_search_reaches_title_description_and_people(wh, all_titles, people):
    # one title found only by a cast member's name, not by its title or description
    cast = people.filter(pl.col("role") == "actor").join(
        all_titles.select("show_id", "title", "description"), on="show_id")
    row = cast.filter(~pl.col("description").str.to_lowercase()
                      .str.contains(pl.col("person_name").str.to_lowercase(), literal=True)
                      & ~pl.col("title").str.to_lowercase()
                      .str.contains(pl.col("person_name").str.to_lowercase(), literal=True)
                      ).row(0, named=True)
    page = titles.titles_page(wh, search=row["person_name"].upper(), sort="title", page_size=100)
    assert row["show_id"] in ids(page.rows)
    assert titles.titles_count(wh, search="x" * 500) == 0  # cut to 100 characters


# --------------------------------------------------------------------------- paging/sorting

@pytest.mark.parametrize("sort", list(titles.SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_pages_match_polars_for_every_sort(wh, all_titles, people, sort, descending):
    want = ids(expected(all_titles, people, Filters(), None, sort, descending))
    size = 50
    pages = math.ceil(len(want) / size)
    for page in (1, 2, pages // 2, pages // 2 + 1, pages - 1, pages):  # both read directions
        got = titles.titles_page(wh, Filters(), None, sort, descending, page, size)
        assert (got.total, got.pages, got.page) == (len(want), pages, page)
        assert ids(got.rows) == want[(page - 1) * size: page * size], (sort, page)


@pytest.mark.parametrize("f, search, sort", [
    (SHOWS, "love", "imdb_score"), (DRAMA_MOVIES_2010S, None, "title"),
    (INDIA_TV_MA, "a", "tmdb_popularity"), (Filters(), "murder", "date_added")])
def test_walking_every_page_gives_the_whole_result_once(wh, all_titles, people, f, search,
                                                        sort):
    want = ids(expected(all_titles, people, f, search, sort))
    first = titles.titles_page(wh, f, search, sort, page_size=25)
    got = []
    for page in range(1, first.pages + 1):
        got += ids(titles.titles_page(wh, f, search, sort, page=page, page_size=25,
                                      total=first.total).rows)
    assert got == want and len(set(got)) == len(got)


def test_page_is_clamped_and_page_size_allow_listed(wh, all_titles):
    last = titles.titles_page(wh, page=10**9, page_size=100)
    assert last.page == last.pages == math.ceil(all_titles.height / 100)
    assert last.rows.height == all_titles.height - (last.pages - 1) * 100
    assert titles.titles_page(wh, page=-3).page == 1
    assert titles.titles_page(wh, page_size=10_000).page_size == titles.PAGE_SIZES[0]
    empty = titles.titles_page(wh, NOTHING, page=5)
    assert (empty.total, empty.page, empty.pages, empty.rows.height, empty.first_row) == \
        (0, 1, 1, 0, 0)


def test_unknown_sort_falls_back_to_the_default(wh):
    hostile = titles.titles_page(wh, sort="title; drop table titles")
    default = titles.titles_page(wh, sort=titles.DEFAULT_SORT)
    assert ids(hostile.rows) == ids(default.rows)


def test_sql_case_lists_exactly_the_allow_list():
    text = SQL.text("titles_page")
    assert set(re.findall(r"when '([a-z_]+)' then", text)) == {*titles.SORTS, titles.BEST_MATCH}
    assert "{" not in text and "$sort_key" in text and "limit $page_size" in text


@pytest.mark.parametrize("total, page, size, window", [
    (100, 1, 25, (0, 25, False)), (100, 2, 25, (25, 25, False)),
    (100, 3, 25, (25, 25, True)), (100, 4, 25, (0, 25, True)),
    (103, 5, 25, (0, 3, True)), (103, 4, 25, (3, 25, True)), (10, 1, 25, (0, 25, False)),
    (0, 1, 25, (0, 25, False))])
def test_late_pages_are_read_backwards(total, page, size, window):
    assert titles._window(total, page, size) == window


# --------------------------------------------------------------------------- detail

def test_detail_has_every_column(wh, all_titles):
    got = titles.titles_detail(wh, "s10")
    want = all_titles.filter(pl.col("show_id") == "s10").row(0, named=True)
    assert got == want
    assert titles.titles_detail(wh, "s0") is None
    assert titles.titles_detail(wh, "s1' or '1'='1") is None
    assert titles.titles_detail(wh, None) is None


def test_people_and_matches_match_their_tables(wh, warehouse_con, people):
    sid = people.group_by("show_id").len().sort(["len", "show_id"], descending=[True, False])[
        "show_id"][0]
    got = titles.titles_people(wh, sid)
    want = people.filter(pl.col("show_id") == sid)
    assert got.height == want.height
    assert got["role"].to_list() == sorted(got["role"].to_list(), key=lambda r: r == "actor")
    matches = warehouse_con.sql("select show_id, source, match_method, match_confidence "
                                "from title_matches").pl()
    sid = matches.group_by("show_id").len().filter(pl.col("len") == 2)["show_id"].sort()[0]
    got = titles.titles_matches(wh, sid)
    want = matches.filter(pl.col("show_id") == sid).sort("source")
    assert got.select("source", "match_method", "match_confidence").equals(
        want.select("source", "match_method", "match_confidence"))
    assert got["matched_title"].null_count() == 0


@pytest.mark.parametrize("sid", ["s10", "s2", "s1"])
def test_similar_titles_share_categories_or_people(wh, all_titles, people, sid):
    sim = titles.titles_similar(wh, sid, max_titles=8)
    assert 0 < sim.height <= 8 and sid not in ids(sim)
    genres = dict(zip(all_titles["show_id"], all_titles["genres"].to_list()))
    names = people.group_by("show_id").agg(pl.col("person_name").unique())
    names = dict(zip(names["show_id"], names["person_name"].to_list()))
    mine = set(names.get(sid, []))
    for row in sim.iter_rows(named=True):
        shared = mine & set(names.get(row["show_id"], []))
        assert row["shared_people"] == len(shared)
        assert row["same_genres"] == (genres[row["show_id"]] == genres[sid])
        assert row["same_genres"] or shared
    assert sim["shared_people"].to_list() == sorted(sim["shared_people"].to_list(), reverse=True)


# --------------------------------------------------------------------------- view state

def test_next_view_sorting_paging_and_context():
    ctx = table.context_key(None, "", 25)
    view = table.next_view(None, None, ctx)
    assert view["sort"] == titles.DEFAULT_SORT and view["page"] == 1
    view = table.next_view(view, table.NEXT, ctx)
    view = table.next_view(view, table.NEXT, ctx)
    assert view["page"] == 3
    assert table.next_view(view, table.PREV, ctx)["page"] == 2
    assert table.next_view(view, table.FIRST, ctx)["page"] == 1
    assert table.next_view(view, table.LAST, ctx)["page"] > 10**6
    assert table.next_view(view, table.GOTO, ctx, goto="7")["page"] == 7
    assert table.next_view(view, table.GOTO, ctx, goto="-2")["page"] == 3
    assert table.next_view(view, table.GOTO, ctx, goto=2.5)["page"] == 3
    assert table.next_view(view, table.GOTO, ctx, goto="1e400")["page"] == 3
    by_title = table.next_view(view, {"type": table.SORT, "col": "title"}, ctx)
    assert (by_title["sort"], by_title["descending"], by_title["page"]) == ("title", False, 1)
    again = table.next_view(by_title, {"type": table.SORT, "col": "title"}, ctx)
    assert again["descending"] is True
    # a filter change (even one that re-rendered the page) starts at page 1
    other = table.context_key(SHOWS.to_store(), "", 25)
    assert table.next_view(view, None, other)["page"] == 1
    assert table.context_key(Filters().to_store(), None, 25) == ctx  # same filters, same key


def test_a_search_lists_its_best_matches_first_until_a_column_is_chosen(wh):
    found = titles.titles_page(wh, search="love", sort=titles.BEST_MATCH, page_size=100)
    names = [t.lower() for t in found.rows["title"]]
    in_title = [("love" in n) for n in names]
    assert in_title == sorted(in_title, reverse=True) and any(in_title)  # titles first
    starts = [n.startswith("love") for n in names if "love" in n]
    assert starts == sorted(starts, reverse=True)    # "Love…" before "…love…"
    # the same titles as the default order, in another order
    default = titles.titles_page(wh, search="love", page_size=100)
    assert found.total == default.total
    # no search: nothing to match, the default order
    assert ids(titles.titles_page(wh, sort=titles.BEST_MATCH).rows) == \
        ids(titles.titles_page(wh).rows)
    view = table.next_view(None, None, table.context_key(None, "love", 25))
    assert table.shown_sort(view, "love") == titles.BEST_MATCH
    assert table.shown_sort(view, "") == titles.DEFAULT_SORT
    # the first click on the default column sorts by it, newest first
    chosen = table.next_view(view, {"type": table.SORT, "col": titles.DEFAULT_SORT},
                             table.context_key(None, "love", 25))
    assert table.shown_sort(chosen, "love") == titles.DEFAULT_SORT and chosen["descending"]
    assert "best matches first" in table.summary_text(found, titles.BEST_MATCH)


def test_selected_id_reads_only_the_fragment():
    assert table.selected_id("#title=s123") == "s123"
    assert table.selected_id("#title=s12_r4") == "s12_r4"
    assert table.selected_id("#title=<script>") is None
    assert table.selected_id("") is None and table.selected_id(None) is None
    assert table.title_href("s5") == "#title=s5"


# --------------------------------------------------------------------------- callbacks

def _texts(component) -> list[str]:
    """Every string child in a component tree (what the browser shows as text)."""
    out = []
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        for c in component:
            out += _texts(c)
        return out
    children = getattr(component, "children", None)
    return out + (_texts(children) if children is not None else [])


def _types(component) -> set[str]:
    found = {type(component).__name__}
    children = component if isinstance(component, (list, tuple)) else \
        getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for c in children:
            found |= _types(c)
    elif children is not None and not isinstance(children, (str, int, float)):
        found |= _types(children)
    return found


def test_table_callback_as_function(served_app, all_titles, people):
    from dashapp.pages import titles as page
    view, rows, summary, pager, headers, *disabled = page.render_table(
        None, None, "", 25, None, None, "#title=s10")
    assert summary == f"{all_titles.height:,} titles match · showing 1–25" and \
        pager == "Page 1 of 353"
    assert disabled == [True, True, False, False] and "Added ▼" in headers
    want = ids(expected(all_titles, people, Filters()))[:25]
    assert [r.id["show_id"] for r in rows] == want
    assert [r.className for r in rows].count("titles-row selected") == ("s10" in want)
    # sort by title, then next page, then a filter change back to page 1
    view, rows, *_ = page.render_table({"type": table.SORT, "col": "title"}, None, "", 25, None,
                                       view, "")
    view, rows, summary, pager, *_ = page.render_table(table.NEXT, None, "", 25, None, view, "")
    assert pager == "Page 2 of 353"
    assert [r.id["show_id"] for r in rows] == ids(expected(all_titles, people, Filters(),
                                                           sort="title"))[25:50]
    view, rows, summary, pager, *_ = page.render_table("filters-store", SHOWS.to_store(), "love",
                                                       25, None, view, "")
    assert pager.startswith("Page 1 of") and summary.startswith(
        f"{expected(all_titles, people, SHOWS, 'love').height:,} titles match")
    _, rows, summary, *_ = page.render_table(None, NOTHING.to_store(), "", 25, None, None, "")
    assert summary == "No titles match." and "No titles match" in _texts(rows)[0]


def test_titles_are_text_never_html(served_app):
    from dashapp.pages import titles as page
    _, rows, *_ = page.render_table(None, None, "", 100, None, None, "")
    panel = page.show_detail("#title=s10")
    kinds = _types(rows) | _types(panel)
    assert not kinds & {"Markdown", "Iframe", "Script"}
    assert "The Starling" in _texts(panel)
    assert any("feisty bird" in t for t in _texts(panel))


def test_detail_callback_and_row_highlight(served_app):
    from dashapp.pages import titles as page
    text = " ".join(_texts(page.show_detail("#title=s10")))
    for expected_text in ("Theodore Melfi", "Melissa McCarthy", "Comedies", "United States",
                          "6.3 / 10 from 12,309 votes", "IMDb/TMDB dataset (2022)",
                          "confidence 100%", "Similar titles"):
        assert expected_text in text, expected_text
    assert "Pick a title" in " ".join(_texts(page.show_detail("")))
    assert "No title with id s0" in " ".join(_texts(page.show_detail("#title=s0")))
    rows = [{"type": table.ROW, "show_id": s} for s in ("s1", "s2")]
    assert page.highlight_row("#title=s2", rows) == ["titles-row", "titles-row selected"]


def test_detail_panel_pieces_on_small_frames():
    empty_people = pl.DataFrame(schema={"person_name": pl.String, "role": pl.String,
                                        "billing_order": pl.Int64})
    assert "no director or cast" in _texts(detail.people(empty_people))[0]
    many = pl.DataFrame({"person_name": [f"Actor {i}" for i in range(20)],
                         "role": ["actor"] * 20, "billing_order": list(range(1, 21))})
    text = " ".join(_texts(detail.people(many)))
    assert "Cast (20)" in text and "and 8 more" in text and "Actor 19" in text
    assert "Not matched" in _texts(detail.matches(pl.DataFrame()))[0]
    assert "No title shares" in _texts(detail.similar(pl.DataFrame()))[0]
