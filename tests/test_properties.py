"""Property-based tests (hypothesis) for what users control: uploaded files, upload
payloads, the URL query string, and the filter parameters bound into SQL."""
from __future__ import annotations

import base64
import csv
import io
from datetime import date, timedelta

import polars as pl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from blend.service import decode_upload
from blend.viewing_history import HistoryCatalog, HistoryError, parse_history
from queries.filters import Filters

PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
CATALOG = HistoryCatalog.from_frame(pl.DataFrame({
    "show_id": ["s1", "s2", "s3", "s4"], "kind": ["show", "movie", "show", "movie"],
    "title": ["Dark", "Star Wars: Episode IV", "The Crown", "Roma"],
    "release_year": [2017, 1977, 2016, 2018]}))
TODAY = date(2026, 11, 21)

text_cell = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=60)
watch_dates = st.dates(min_value=date(2008, 1, 1), max_value=TODAY - timedelta(days=1))


def _blank(title: str) -> bool:
    """A title the parser reads as none: only spaces and colons, as Netflix writes a row
    whose show and episode names are both empty (": ")."""
    return not title.replace(":", "").strip()


@PROPERTY
@given(st.binary(max_size=4000))
def test_any_bytes_parse_or_give_a_message(data):
    """Arbitrary bytes never crash the parser: a history or a HistoryError."""
    try:
        parsed = parse_history(data, CATALOG, today=TODAY)
    except HistoryError as exc:
        assert str(exc) and "Traceback" not in str(exc)
    else:
        assert parsed.viewings.height + parsed.duplicate_rows <= parsed.rows_read


def _file(rows: list[tuple[str, date]], fmt: str, quote_all: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                        lineterminator="\r\n" if quote_all else "\n")
    writer.writerow(["Title", "Date"])
    for title, day in rows:
        writer.writerow([title, {"month_first": f"{day.month}/{day.day}/{day:%y}",
                                 "day_first": f"{day:%d/%m/%Y}",
                                 "iso": day.isoformat()}[fmt]])
    return out.getvalue().encode()


@PROPERTY
@given(st.lists(st.tuples(text_cell, watch_dates), min_size=1, max_size=40,
                unique_by=lambda r: (r[0].strip(), r[1])),
       st.sampled_from(["month_first", "day_first", "iso"]), st.booleans())
@example(rows=[(":", date(2008, 1, 1))], fmt="month_first", quote_all=False)  # found once
@example(rows=[(" ", date(2008, 1, 13)), ("0", date(2008, 1, 2))], fmt="day_first",
         quote_all=False)   # found once: only a skipped row's date settled the order
def test_well_formed_files_keep_every_distinct_row(rows, fmt, quote_all):
    rows = sorted(rows, key=lambda r: r[1], reverse=True)   # newest first, like Netflix
    try:
        parsed = parse_history(_file(rows, fmt, quote_all), CATALOG, today=TODAY)
    except HistoryError as exc:
        # only files with blank titles may be refused: every row here is distinct
        assert any(_blank(t) for t, _ in rows), exc
        return
    assert parsed.rows_read == len(rows)
    # rows Netflix writes without a title are skipped and counted, never refused
    assert parsed.rows_skipped >= sum(1 for t, _ in rows if _blank(t))
    assert parsed.viewings.height + parsed.duplicate_rows + parsed.rows_skipped == len(rows)
    read = set(parsed.viewings["watched_on"].to_list())
    if fmt == "iso" or any(d.day > 12 for _, d in rows):   # the order is settled
        assert read <= {d for _, d in rows}
    else:                                                  # either order fits the file
        swapped = {date(d.year, d.day, d.month) for _, d in rows}
        assert read <= {d for _, d in rows} or read <= swapped


def _data_url(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


@PROPERTY
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(_data_url)))
def test_upload_payloads_decode_or_give_a_message(payload):
    """Any payload: the file's exact bytes, or a message (never an exception)."""
    try:
        data = decode_upload(payload)
    except HistoryError as exc:
        assert str(exc)
    else:
        assert data == base64.b64decode(payload.split(",", 1)[1])
        if payload.startswith("data:text/csv;base64,"):
            assert _data_url(data) == payload


@PROPERTY
@given(st.text(max_size=200))
def test_any_query_string_gives_valid_filters(search):
    f = Filters.from_query_string(search)
    again = Filters.from_query_string(f.to_query_string())
    assert again == f
    assert Filters.from_store(f.to_store()) == f


kinds = st.lists(st.sampled_from(["movie", "show"]), unique=True, max_size=2)
names = st.lists(text_cell, max_size=4)


@PROPERTY
@given(kinds, names, names, st.one_of(st.none(), st.integers(1900, 2030)),
       st.one_of(st.none(), st.integers(1900, 2030)))
def test_filters_round_trip_through_the_url(kinds, genres, countries, year_from, year_to):
    f = Filters.from_store({"kinds": kinds, "genres": genres, "countries": countries,
                            "year_from": year_from, "year_to": year_to})
    assert Filters.from_query_string(f.to_query_string()) == f


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds, names, names, st.one_of(st.none(), st.integers(1900, 2030)))
def test_hostile_filter_values_are_bound_not_executed(wh, kinds, genres, countries, year):
    """Any genre/country text (quotes, SQL, unicode) is a bound value: the query runs
    and counts no more titles than the unfiltered catalog."""
    from queries import catalog
    f = Filters.from_store({"kinds": kinds, "genres": genres + ["x' or 1=1 --"],
                            "countries": countries, "year_from": year})
    kpis = catalog.catalog_kpis(wh, f)
    assert kpis.titles == 0
