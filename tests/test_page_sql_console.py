"""SQL console page: queries through sandbox.run_on_warehouse (the console's worker
processes), hostile SQL refused in the page callback, limits from the
settings registry, a runaway query stopped while other queries keep working, and the
page's pieces (schema browser, examples, grid, CSV) called as functions."""
from __future__ import annotations

import csv
import io
import threading
import time
from datetime import date

import pytest

from dashapp.pages import _sql_parts as parts
from queries import db, sandbox
from queries.console import ConsoleResult, open_console_connection
from warehouse import schema

RUNAWAY = "select sum(a.range * b.range) from range(100000) a, range(100000) b"


def _texts(component) -> list[str]:
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [t for c in component for t in _texts(c)]
    children = getattr(component, "children", None)
    return _texts(children) if children is not None else []


def _text(component) -> str:
    return " ".join(_texts(component))


def _grid_text(grid) -> str:
    """What the result grid shows: its headers and cells."""
    return " ".join([c["headerName"] for c in grid.columnDefs]
                    + [str(v) for row in grid.rowData for v in row.values()])


# --------------------------------------------------------------------------- the connection

def test_app_connection_is_the_hardened_one(wh):
    # The console refuses duckdb_settings() (it shows server paths): read it directly.
    with wh.leased_connection() as con:
        settings_now = dict(con.execute("select name, value from duckdb_settings()")
                            .fetchall())
    assert settings_now["enable_external_access"] == "false"
    assert settings_now["lock_configuration"] == "true"
    assert settings_now["autoload_known_extensions"] == "false"
    assert settings_now["autoinstall_known_extensions"] == "false"
    assert settings_now["threads"] == str(db.APP_THREADS)
    assert settings_now["temp_directory"] == ""
    assert settings_now["max_temp_directory_size"] == "0 bytes"
    assert settings_now["allowed_directories"] == "[]"
    assert settings_now["memory_limit"].startswith("1.8")  # 2GB in DuckDB's GiB display


def test_cli_console_and_app_share_one_configuration(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(db.duckdb, "connect",
                        lambda path, read_only, config: seen.append((read_only, config)))
    db.open_read_only(tmp_path / "a.duckdb")
    open_console_connection(tmp_path / "b.duckdb")
    (app_ro, app), (cli_ro, cli) = seen
    assert app_ro and cli_ro
    for config in (app, cli):
        assert {k: config[k] for k in db.HARDENING} == db.HARDENING
        assert list(config)[-1] == "lock_configuration" and config["lock_configuration"]
    assert (app["threads"], cli["threads"]) == (2, 1)


# --------------------------------------------------------------------------- the callback

def test_a_query_runs_and_fills_grid_and_status(served_app):
    from dashapp.pages import sql_console as page
    status, grid, last_sql, csv_disabled = page.execute(
        "select kind, count(*) as n from titles group by kind order by kind")
    assert _text(status).startswith("2 rows ·") and not csv_disabled
    assert last_sql.startswith("select kind")
    text = _grid_text(grid)
    assert "kind" in text and "BIGINT" in text and "6131" in text and "2676" in text
    assert grid.rowData[0] == {"c0": "movie", "c1": 6131}  # numbers stay numbers (sorting)
    assert grid.defaultColDef["sortable"] and grid.defaultColDef["resizable"]


@pytest.mark.parametrize("sql, message", [
    ("COPY titles TO '{target}'", "COPY statements are not allowed"),
    ("copy (select * from titles) to '{target}' (header)", "COPY statements are not allowed"),
    ("select * from read_csv('/etc/passwd')", "Files and URLs cannot be read here"),
    ("select * from read_text('/etc/hostname')", "Files and URLs cannot be read here"),
    ("attach '{target}' as x", "ATTACH"),
    ("install httpfs", "not allowed"),
    ("load httpfs", "LOAD"),
    ("set enable_external_access = true", "settings cannot be changed"),
    ("pragma threads = 64", "PRAGMA threads is not allowed"),
    ("drop table titles", "DROP TABLE statements are not allowed"),
    ("delete from titles", "DELETE"),
    ("create temp table t as select 1", "CREATE"),
    ("select 1; drop table titles", "Only one statement"),
    ("export database '{target}'", "EXPORT"),
    ("", "Nothing to run"),
    ("selec 1", "Parser Error"),
])
def test_hostile_sql_is_refused_in_the_page_callback(served_app, tmp_path, sql, message):
    from dashapp.pages import sql_console as page
    target = tmp_path / "stolen.csv"
    status, alert, last_sql, csv_disabled = page.execute(sql.format(target=target))
    text = _text(alert)
    assert message in text and "Traceback" not in text
    assert alert.id == "sql-error" and last_sql is None and csv_disabled and status == ""
    assert not target.exists()


def test_limits_come_from_the_settings(served_app, monkeypatch):
    from dashapp.pages import sql_console as page
    assert parts.limits() == (2.0, 5000)
    monkeypatch.setenv("NETFLIX_INSIGHTS_CONSOLE_ROW_CAP", "10")
    monkeypatch.setenv("NETFLIX_INSIGHTS_CONSOLE_TIMEOUT_SECONDS", "0.5")
    assert parts.limits_text().replace("\u00a0", " ") == \
        "Read-only · time limit 0.5 s · at most 10 rows or 8 MB"
    assert "0.5\u00a0s" in parts.limits_text()   # a number stays with its unit
    status, grid, *_ = page.execute("select show_id from titles")
    assert "truncated at the 10-row cap" in _text(status) and _text(status).startswith("10 rows")
    assert _grid_text(grid).count("s1") >= 1 and len(grid.rowData) == 10
    started = time.perf_counter()
    _, alert, *_ = page.execute(RUNAWAY)
    assert time.perf_counter() - started < 2.0
    assert "Query stopped after 0.5 s (time limit)." in _text(alert)
    monkeypatch.setenv("NETFLIX_INSIGHTS_CONSOLE_ROW_CAP", "lots")
    assert parts.limits()[1] == 5000  # a bad value falls back to the default


def test_runaway_query_stops_while_other_queries_keep_working(wh):
    from queries import titles
    from queries.filters import Filters
    outcome: dict = {}

    def runaway():
        started = time.perf_counter()
        outcome["result"] = sandbox.run_on_warehouse(wh, RUNAWAY, timeout_s=1.5)
        outcome["seconds"] = time.perf_counter() - started
    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)  # the cross join is running now
    quick = []
    for i in range(5):
        started = time.perf_counter()
        assert titles.titles_count(wh, Filters(kinds=("show",)), f"a{i}") >= 0  # uncached
        assert sandbox.run_on_warehouse(wh, "select count(*) from titles").rows == [(8807,)]
        quick.append(time.perf_counter() - started)
    thread.join(10)
    assert outcome["result"].error_kind == "timeout"
    assert 1.5 <= outcome["seconds"] < 3.0
    assert max(quick) < 1.0, quick
    assert sandbox.run_on_warehouse(wh, "select 42").rows == [(42,)]  # the connection still works


def test_every_documented_example_runs(wh):
    for name, sql in parts.examples().items():
        result = sandbox.run_on_warehouse(wh, sql, timeout_s=5)
        assert result.ok, (name, result.error)
    assert set(parts.examples()) == set(schema.tables())


# --------------------------------------------------------------------------- page pieces

def test_schema_browser_lists_tables_columns_types_and_descriptions(wh):
    text = _text(parts.schema_browser(wh))
    for table in schema.tables():
        assert table in text
    assert "show_id" in text and "VARCHAR" in text and "VARCHAR[]" in text
    assert schema.tables()["titles"].columns["runtime_minutes"].description in text
    assert "staging.stg_netflix_titles" in text
    assert text.index("titles") < text.index("staging.")


def test_layout_and_examples_render(served_app):
    from dashapp.pages import sql_console as page
    text = _text(page.layout())
    assert "time limit 2\u00a0s · at most 5,000\u00a0rows" in text
    assert "title_people" in text and "Examples" in text


def test_csv_download_is_safe(served_app):
    from dashapp.pages import sql_console as page
    sent = page.csv_download("select '=HYPERLINK(1)' as x, 3 as n, ['a', 'b'] as xs")
    rows = list(csv.reader(io.StringIO(sent["content"])))
    assert sent["filename"] == "query.csv"
    assert rows == [["x", "n", "xs"], ["'=HYPERLINK(1)", "3", "a; b"]]
    from dash import no_update
    assert page.csv_download(None) is no_update
    assert page.csv_download("drop table titles") is no_update


def test_a_short_result_takes_its_rows_height_and_a_long_one_scrolls():
    """Two rows sat in a 520 px box (a screenshot review): up to SHORT_RESULT_ROWS the
    grid is as tall as its rows; past that a fixed height that scrolls."""
    def grid(n):
        return parts.result_grid(ConsoleResult(columns=["n"], column_types=["BIGINT"],
                                               rows=[(i,) for i in range(n)]))
    short, tall = grid(2), grid(parts.SHORT_RESULT_ROWS + 1)
    assert short.dashGridOptions["domLayout"] == "autoHeight"
    assert "height" not in short.style
    assert "domLayout" not in tall.dashGridOptions and tall.style["height"]


def test_grid_cells_and_empty_results():
    result = ConsoleResult(columns=["a", "b", "c", "d", "a"],
                           column_types=["INTEGER[]", "DATE", "STRUCT", "BLOB", "BIGINT"],
                           rows=[([1, None], date(2021, 9, 24), {"k": 1}, b"\x01", 2**60),
                                 (None, None, None, None, None)])
    grid = parts.result_grid(result)
    assert grid.rowData[0] == {"c0": "[1, NULL]", "c1": "2021-09-24", "c2": "{k: 1}",
                               "c3": "\\x01", "c4": str(2**60)}  # past 2**53: as text
    assert grid.rowData[1] == {"c0": "NULL", "c1": "NULL", "c2": "NULL", "c3": "NULL",
                               "c4": None}
    assert [c["headerName"] for c in grid.columnDefs][::4] == ["a · INTEGER[]", "a · BIGINT"]
    assert grid.columnDefs[4]["type"] == "rightAligned"
    long = parts.result_grid(ConsoleResult(columns=["t"], column_types=["VARCHAR"],
                                           rows=[("x" * 5000,)]))
    assert len(long.rowData[0]["c0"]) == parts.GRID_CELL_CHARS
    assert "No rows." in _text(parts.result_grid(ConsoleResult(columns=["a"],
                                                              column_types=["INTEGER"])))
    assert "no result set" in _text(parts.result_grid(ConsoleResult()))
    many = ConsoleResult(columns=["n"], column_types=["BIGINT"],
                         rows=[(i,) for i in range(parts.GRID_ROWS + 5)], truncated=True)
    assert f"showing the first {parts.GRID_ROWS:,}" in _text(parts.status_line(many, 10**6))
    assert len(parts.result_grid(many).rowData) == parts.GRID_ROWS


# --------------------------------------------------------------------------- the link

TRICKY_SQL = "select 'a&b=c#d 50% + ü' as x, 1 + 2 as \"q=\"\n-- comment\nfrom titles"


def test_a_link_holds_any_query_text():
    from dashapp.pages import _sql_state as state
    link = state.link_hash(TRICKY_SQL)
    assert link.startswith("#q=") and " " not in link and "\n" not in link
    assert state.query_from_hash(link) == (TRICKY_SQL, None)
    assert state.query_from_hash("#title=s1") == (None, None)  # another page's fragment
    assert state.query_from_hash("") == (None, None)
    assert state.query_from_hash(None) == (None, None)
    assert state.query_from_hash("#q=%20%20") == (None, None)
    assert state.link_hash("   ") == "" and state.link_hash(["select 1"]) == ""
    assert state.link_hash("select '\ud800'") == ""  # not Unicode: refused, never linked


def test_over_long_links_are_refused_with_a_message():
    from dashapp.pages import _sql_state as state
    from queries.validation import BadInput
    longest = "select " + "1" * (state.LINK_MAX_CHARS - 7)
    assert state.query_from_hash(state.link_hash(longest)) == (longest, None)
    assert state.link_hash(longest + "1") == ""
    sql, problem = state.query_from_hash("#q=" + "x" * (state.LINK_MAX_CHARS + 1))
    assert sql is None and f"up to {state.LINK_MAX_CHARS:,}" in problem
    with pytest.raises(BadInput):
        state.query_from_hash("#q=" + "x" * state.HASH_MAX_CHARS)
    with pytest.raises(BadInput):
        state.query_from_hash(5)


def test_opening_a_link_fills_the_editor_and_runs_it(served_app):
    from dash import no_update

    from dashapp.pages import _sql_state as state
    from dashapp.pages import sql_console as page
    sql = "select kind, count(*) as n from titles group by kind order by kind"
    editor, status, grid, last_sql, csv_disabled, ran = page.from_link(
        state.link_hash(sql), "select 'the last query'")
    assert editor == sql and last_sql == sql and ran == sql
    assert _text(status).startswith("2 rows ·") and not csv_disabled
    assert "movie" in _grid_text(grid)
    # the query run_sql itself just put in the link is not run again
    assert page.from_link(state.link_hash(sql), sql) == (no_update,) * 6
    assert page.from_link("", None) == (no_update,) * 6
    assert page.from_link("#title=s1", None) == (no_update,) * 6
    editor, _status, alert, *_rest = page.from_link(
        "#q=" + "x" * (state.LINK_MAX_CHARS + 1), None)
    assert editor is no_update and "characters long" in _text(alert)
    refused = page.from_link("#q=drop%20table%20titles", None)
    assert "DROP TABLE statements are not allowed" in _text(refused[2])


def test_running_a_query_puts_it_in_the_link(served_app):
    from dash import no_update

    from dashapp.pages import _sql_state as state
    from dashapp.pages import sql_console as page
    sql = "select 42 as answer"
    editor, _status, _grid, last_sql, _csv, ran, link = page.run_and_link(
        "sql-run", 1, sql, "")
    assert editor is no_update and last_sql == ran == sql and link == state.link_hash(sql)
    assert page.run_and_link("sql-run", 2, sql, link)[-1] is no_update  # no new entry
    refused = page.run_and_link("sql-run", 3, "drop table titles", link)
    assert refused[-1] == state.link_hash("drop table titles")  # a link reproduces it too
    assert refused[-2] == "drop table titles"  # and the link callback will not rerun it
    long_sql = "select 1 as x" + " " * state.LINK_MAX_CHARS
    *first, link = page.run_and_link("sql-run", 4, long_sql, "#q=x")
    assert link == "" and "does not hold this query" in _text(first[1])
    example = page.run_and_link({"type": parts.EXAMPLE, "table": "titles"}, 1, None, "")
    assert example[0] == parts.examples()["titles"]
    assert example[-1] == state.link_hash(parts.examples()["titles"])
    assert page.run_and_link({"type": parts.EXAMPLE, "table": "titles"}, None, None, "") \
        == (no_update,) * 7


# --------------------------------------------------------------------------- history

def test_history_keeps_the_last_distinct_queries_newest_first():
    from dashapp.pages import _sql_state as state
    history = None
    for i in range(state.HISTORY_SIZE + 5):
        history = state.history_add(history, f"select {i}")
    assert len(history) == state.HISTORY_SIZE
    assert history[0] == f"select {state.HISTORY_SIZE + 4}" and history[-1] == "select 5"
    again = state.history_add(history, "select 10")  # run again: moves to the front, once
    assert again[0] == "select 10" and again.count("select 10") == 1
    assert len(again) == state.HISTORY_SIZE
    assert state.history_add(history, "   ") is None
    assert state.history_add(history, "x" * (state.LINK_MAX_CHARS + 1)) is None
    assert state.history_add(history, "select '\ud800'") is None
    assert state.history_entry(again, 0) == "select 10"
    assert state.history_entry(again, 99) is None and state.history_entry(again, True) is None


def test_history_from_a_damaged_store_keeps_what_is_usable():
    from dashapp.pages import _sql_state as state
    assert state.history_from_store({"a": 1}) == [] and state.history_from_store(None) == []
    assert state.history_from_store(["select 1", 5, None, ["x"], "select 1", "",
                                     "select 2"]) == ["select 1", "select 2"]
    assert state.history_add("junk", "select 3") == ["select 3"]


def test_history_list_and_its_empty_state(served_app):
    from dash import no_update

    from dashapp.pages import _sql_state as state
    from dashapp.pages import sql_console as page
    assert "appear here, newest first" in _text(state.history_list([]))
    shown = page.show_history(["select 1\n  from titles", "select 2"])
    assert _text(shown) == "select 1 from titles select 2"
    assert [b.id for b in shown.children] == [{"type": state.HISTORY_ITEM, "index": 0},
                                              {"type": state.HISTORY_ITEM, "index": 1}]
    assert page.remember("select 42", ["select 1"]) == ["select 42", "select 1"]
    assert page.remember(None, ["select 1"]) is no_update  # the query failed
    assert page.clear_history(1) == []
