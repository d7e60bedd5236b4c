"""Tests for queries.console: real DuckDB files, no mocks.

Each "Safe ad-hoc SQL" fact from ENGINEERING_NOTES.md is re-checked twice: against
the hardened connection directly (the real defence) and through run_query (the
pre-check's clear messages).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queries.console import (
    ConsoleResult,
    format_csv,
    format_json,
    format_table,
    interactive,
    open_console_connection,
    run_query,
)

TITLE_ROWS = 300
GENRE_ROWS = 600


def _build_db(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute(f"""
        create table titles as
        select range as title_id,
               'Title ' || range as title,
               case when range % 3 = 0 then 'TV Show' else 'Movie' end as type,
               1990 + range % 35 as release_year,
               date '2015-01-01' + cast(range as integer) as date_added,
               cast(80 + range % 90 as integer) as runtime_minutes,
               cast(range * 1000.25 as decimal(12, 2)) as budget_usd
        from range({TITLE_ROWS})
    """)
    con.execute(f"""
        create table genres as
        select range // 2 as title_id,
               ['Drama', 'Comedy', 'Documentary', 'Action'][1 + range % 4] as genre
        from range({GENRE_ROWS})
    """)
    con.close()


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("console") / "warehouse.duckdb"
    _build_db(path)
    return path


@pytest.fixture(scope="module")
def con(db_path):
    connection = open_console_connection(db_path)
    yield connection
    connection.close()


def _row_counts(con) -> tuple[int, int]:
    counts = run_query(con, "select (select count(*) from titles), "
                            "(select count(*) from genres)").rows[0]
    return counts


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- reads

def test_select_returns_columns_types_rows(con):
    result = run_query(con, "select title_id, title, date_added from titles "
                            "order by title_id limit 3")
    assert result.ok and result.error_kind is None
    assert result.columns == ["title_id", "title", "date_added"]
    assert result.column_types == ["BIGINT", "VARCHAR", "DATE"]
    assert result.rows[0] == (0, "Title 0", dt.date(2015, 1, 1))
    assert not result.truncated and result.elapsed_ms > 0


@pytest.mark.parametrize("sql, expected_rows", [
    ("with movies as (select * from titles where type = 'Movie') "
     "select count(*) from movies", [(200,)]),
    ("from titles select count(*)", [(TITLE_ROWS,)]),
    ("from genres where title_id = 0 order by genre", [(0, "Comedy"), (0, "Drama")]),
    ("values (1, 'a'), (2, 'b')", [(1, "a"), (2, "b")]),
    ("select count(*) from (table genres)", [(GENRE_ROWS,)]),
    ("-- a leading comment\nselect 42;", [(42,)]),
])
def test_read_statement_forms_run(con, sql, expected_rows):
    result = run_query(con, sql)
    assert result.error is None, result.error
    assert result.rows == expected_rows


@pytest.mark.parametrize("sql", [
    "explain select * from titles",
    "explain analyze select count(*) from titles",
    "describe titles",
    "show tables",
    "summarize titles",
    "pragma table_info('titles')",
    "pragma show_tables",
    "pragma version",
    "pragma show_databases",
    "select * from pragma_table_info('titles')",
    "select * from pragma_version()",
    "call pragma_table_info('titles')",
    "call pragma_version()",
    "select query from (select 1 as query)",  # a column called query is no call
    "select 'duckdb_settings()' -- current_setting() in a comment",
    "pivot titles on type in ('Movie', 'TV Show') using count(*)",
])
def test_metadata_statements_allowed(con, sql):
    result = run_query(con, sql)
    assert result.error is None, result.error
    assert result.rows


def test_row_cap_sets_truncated_flag(con):
    capped = run_query(con, "select * from titles", row_cap=10)
    assert len(capped.rows) == 10 and capped.truncated
    exact = run_query(con, "select * from titles", row_cap=TITLE_ROWS)
    assert len(exact.rows) == TITLE_ROWS and not exact.truncated


def test_enormous_result_is_instant_with_cap(con):
    started = time.perf_counter()
    result = run_query(con, "select * from range(100000000)", row_cap=5000)
    assert time.perf_counter() - started < 1.0
    assert len(result.rows) == 5000 and result.truncated


# --------------------------------------------------------------------------- limits

def test_timeout_stops_huge_cross_join_and_connection_recovers(con):
    started = time.perf_counter()
    result = run_query(con, "select sum(a.range * b.range) "
                            "from range(100000) a, range(100000) b", timeout_s=1.0)
    wall_s = time.perf_counter() - started
    assert result.error_kind == "timeout"
    assert result.error == "Query stopped after 1.0 s (time limit)."
    assert 1.0 <= wall_s < 2.5
    assert run_query(con, "select count(*) from titles").rows == [(TITLE_ROWS,)]


def test_fast_query_is_not_interrupted_by_a_late_watchdog(con):
    # A query finishing just before the limit must not leak an interrupt into the
    # next query on the same connection.
    for _ in range(20):
        assert run_query(con, "select 1", timeout_s=0.001).error_kind in (None, "timeout")
    assert run_query(con, "select 2").rows == [(2,)]


def test_memory_exhaustion_is_a_clean_memory_error(con):
    result = run_query(con, "select list(range) from range(200000000)", timeout_s=10)
    assert result.error_kind == "memory"
    assert result.error.startswith("Out of Memory Error")
    assert "Traceback" not in result.error
    assert run_query(con, "select 1").rows == [(1,)]


# --------------------------------------------------------------------------- errors

def test_bad_column_gives_binder_message(con):
    result = run_query(con, "select titel from titles")
    assert result.error_kind == "sql_error"
    assert result.error.startswith('Binder Error: Referenced column "titel" not found')
    assert "Candidate bindings" in result.error and "LINE 1" not in result.error
    assert "Kaggle" not in result.error   # no hint for a name the Kaggle file lacks


@pytest.mark.parametrize("sql, hint", [
    ("select listed_in, count(*) from titles group by 1", "listed_in is genres (a list"),
    ("select t.country from titles t", "country is countries (a list"),
    ("select DURATION from titles", "duration is runtime_minutes (movies) or seasons"),
])
def test_a_kaggle_column_name_is_told_where_it_lives(con, sql, hint):
    """People who know the Kaggle file type its names first; the answer names ours."""
    result = run_query(con, sql)
    assert result.error.startswith("Binder Error") and f"Here the Kaggle column {hint}" \
        in result.error


@pytest.mark.parametrize("sql, hinted", [
    ("select title, cast from titles", True),     # a keyword: it fails to parse
    ("select title, CAST  from titles", True),
    ("select cast(1 as int) as x from titlez", False),
    ("select title,, from titles", False),
    ("select * from title_people where role = 'cast' and and", False),   # a string
    ("select title -- the cast\n from titles wher x", False),            # a comment
])
def test_the_kaggle_cast_column_is_named_when_the_keyword_breaks_the_parse(con, sql, hinted):
    result = run_query(con, sql)
    assert result.error_kind == "sql_error"
    assert ("cast is an SQL keyword" in result.error) is hinted
    assert ("title_people where role = 'actor'" in result.error) is hinted


@pytest.mark.parametrize("sql, prefix", [
    ("selec 1", "Parser Error"),
    ("select * from titlez", "Catalog Error"),
    ("select 1/0::int + 'x'", "Conversion Error"),
])
def test_duckdb_errors_come_back_as_messages(con, sql, prefix):
    result = run_query(con, sql)
    assert result.error_kind == "sql_error" and result.error.startswith(prefix)


def test_a_missing_table_is_never_pointed_at_duckdb_s_own_views(con):
    """DuckDB suggested "pg_tables" for a name near no warehouse table."""
    far = run_query(con, "select * from no_such_table").error
    assert "pg_tables" not in far and "SHOW TABLES lists the warehouse's tables." in far
    assert 'Did you mean "titles"?' in run_query(con, "select * from titels").error
    # nor offered a SET the console refuses
    deep = run_query(con, "select " + "(" * 1200 + "1" + ")" * 1200).error
    assert "SET" not in deep and "cannot be raised here" in deep


def test_timestamptz_values_are_returned(con):
    # DuckDB's Python client needs pytz for TIMESTAMPTZ values (a dependency since)
    result = run_query(con, "select now()")
    assert result.ok and result.rows[0][0].tzinfo is not None
    assert run_query(con, "select now()::timestamp").ok


# --------------------------------------------------------------------------- escapes

@pytest.mark.parametrize("sql, message", [
    ("select * from read_csv('/etc/passwd')", "Permission Error"),
    ("select * from read_text('/etc/passwd')", "Permission Error"),
    ("select * from '/etc/passwd.csv'", "Permission Error"),
    ("select * from glob('/etc/*')", "Permission Error"),
    ("select * from read_csv('https://example.com/x.csv')", "Permission Error"),
    ("install httpfs", "Permission Error"),
    ("load httpfs", "Permission Error"),
    ("attach '/tmp/console-escape.duckdb' as x", "Permission Error"),
    ("export database '/tmp/console-export'", "Permission Error"),
    ("set enable_external_access = true", "locked"),
    ("set lock_configuration = false", "locked"),
    ("reset enable_external_access", "locked"),
    ("set memory_limit = '10GB'", "locked"),
    ("set threads = 64", "locked"),
    ("set temp_directory = '/tmp'", "locked"),
    ("set allowed_directories = ['/tmp']", "locked"),
    ("pragma memory_limit = '10GB'", "locked"),
    ("create table x (a int)", "read-only"),
    ("insert into titles (title_id) values (-1)", "read-only"),
    ("update titles set title = 'x'", "read-only"),
    ("delete from genres", "read-only"),
    ("drop table titles", "read-only"),
])
def test_hardened_connection_itself_refuses(con, sql, message):
    cursor = con.cursor()
    try:
        with pytest.raises(duckdb.Error, match=message):
            cursor.execute(sql)
    finally:
        cursor.close()


def test_hardened_connection_settings(con):
    # duckdb_settings() shows server paths, so the console refuses it; read it directly.
    settings_now = dict(con.execute("select name, value from duckdb_settings()").fetchall())
    assert settings_now["enable_external_access"] == "false"
    assert settings_now["autoload_known_extensions"] == "false"
    assert settings_now["autoinstall_known_extensions"] == "false"
    assert settings_now["lock_configuration"] == "true"
    assert settings_now["threads"] == "1"
    assert settings_now["max_temp_directory_size"] == "0 bytes"
    # DuckDB otherwise puts the temp directory into allowed_directories.
    assert settings_now["allowed_directories"] == "[]"


def test_copy_into_default_temp_directory_is_refused(con, db_path):
    # Without temp_directory='' DuckDB allows <db>.tmp/ and COPY TO there worked.
    temp_dir = db_path.parent / (db_path.name + ".tmp")
    temp_dir.mkdir(exist_ok=True)
    target = temp_dir / "leak.csv"
    cursor = con.cursor()
    try:
        with pytest.raises(duckdb.Error, match="Permission Error"):
            cursor.execute(f"copy titles to '{target}'")
    finally:
        cursor.close()
        assert not target.exists()
        shutil.rmtree(temp_dir)


def test_copy_to_file_refused_and_not_created(con, tmp_path):
    target = tmp_path / "stolen.csv"
    for sql in (f"copy titles to '{target}'", f"copy (select 1) to '{target}' (header)"):
        result = run_query(con, sql)
        assert result.error_kind == "refused"
        assert "COPY statements are not allowed" in result.error
    cursor = con.cursor()
    with pytest.raises(duckdb.Error, match="Permission Error"):
        cursor.execute(f"copy titles to '{target}'")
    cursor.close()
    assert not target.exists()


@pytest.mark.parametrize("sql", [
    "select * from read_csv('/etc/passwd')", "select * from glob('/etc/*')",
    "select * from 'x.csv'", "select * from read_parquet('https://example.com/a.parquet')",
])
def test_file_and_url_reads_are_refused_in_the_console_words(con, sql):
    # DuckDB's own "file system ... disabled by configuration" reads like a fault.
    result = run_query(con, sql)
    assert result.error_kind == "refused"
    assert result.error.startswith("Files and URLs cannot be read here")
    assert "disabled" not in result.error


@pytest.mark.parametrize("sql, expected", [
    ("export database '/tmp/console-export'", "EXPORT"),
    ("attach '/tmp/x.duckdb' as x", "ATTACH"),
    ("detach warehouse", "DETACH"),
    ("install httpfs", "not allowed"),
    ("load httpfs", "LOAD"),
    ("set enable_external_access = true", "SET is not allowed: settings cannot be changed"),
    ("reset lock_configuration", "RESET is not allowed: settings cannot be changed"),
    ("pragma memory_limit = '10GB'", "PRAGMA memory_limit is not allowed"),
    ("pragma enable_profiling", "PRAGMA enable_profiling is not allowed"),
    ("set variable x = 1", "SET is not allowed"),
    ("create table x (a int)", "CREATE"),
    ("create temp table x as select 1", "CREATE"),
    ("create temp macro m() as 1", "CREATE"),
    ("insert into titles (title_id) values (-1)", "INSERT"),
    ("update titles set title = 'x'", "UPDATE"),
    ("delete from genres", "DELETE"),
    ("drop table titles", "DROP"),
    ("alter table titles rename to t2", "ALTER"),
    # Named as written, not as DuckDB classifies them (CALL, SET, PRAGMA, enum 29):
    ("checkpoint", "CHECKPOINT statements are not allowed"),
    ("force checkpoint", "FORCE CHECKPOINT statements are not allowed"),
    ("update extensions", "UPDATE EXTENSIONS statements are not allowed"),
    ("update extensions (httpfs)", "UPDATE EXTENSIONS statements are not allowed"),
    ("use memory", "USE is not allowed"),
    ("import database '/tmp/x'", "IMPORT DATABASE statements are not allowed"),
    ("copy from database warehouse to memory", "COPY FROM DATABASE statements"),
    ("call checkpoint()", "CALL checkpoint is not allowed"),
    ("comment on table titles is 'x'", "COMMENT ON statements are not allowed"),
    ("with x as (select 1) insert into titles (title_id) select 1", "INSERT statements"),
    ("vacuum", "VACUUM"),
    ("analyze", "ANALYZE statements are not allowed"),
    ("begin transaction", "BEGIN statements are not allowed"),
    ("prepare p as select 1", "PREPARE statements are not allowed"),
    # Functions that show server paths, and ones that run SQL built at run time:
    ("select * from duckdb_databases()", "duckdb_databases() is not available"),
    ("from pragma_database_list", "pragma_database_list() is not available"),
    ("pragma database_list", "PRAGMA database_list is not allowed"),
    ("select current_setting('allowed_paths')", "current_setting() is not available"),
    ('select * from main."DuckDB_Settings"()', "duckdb_settings() is not available"),
    ("from query('select 1')", "query() is not available"),
    ("from query_table('titles')", "query_table() is not available"),
    ("pivot titles on type using count(*)", "explicit value list"),
    ("explain analyze create temp table x as select 1", "EXPLAIN is only allowed"),
    ("select 1; drop table titles", "Only one statement"),
    ("select 1; select 2;", "Only one statement"),
    ("", "Nothing to run"),
    ("  ;  -- just a comment", "Nothing to run"),
    ("select '\ud800'", "not valid Unicode"),
])
def test_run_query_refuses_non_reads(con, sql, expected):
    # Every refusal names what it refused; none raises (UPDATE EXTENSIONS used to).
    result = run_query(con, sql)
    assert result.error_kind == "refused", result
    assert expected in result.error
    assert result.rows == [] and result.columns == []


def test_temp_objects_die_with_their_cursor(con):
    # Allowed at the connection level (notes); the fresh cursor per call drops it.
    cursor = con.cursor()
    cursor.execute("create temp table scratch as select 1 as a")
    cursor.close()
    assert run_query(con, "select * from scratch").error.startswith("Catalog Error")


def test_second_connection_with_other_config_is_refused(con, db_path):
    # DuckDB caches one instance per file and refuses a weaker configuration for
    # it, rather than silently handing back the hardened (or unhardened) instance.
    with pytest.raises(duckdb.ConnectionException, match="different configuration"):
        duckdb.connect(str(db_path), read_only=True)


def test_database_file_unchanged_by_escape_attempts(con, db_path):
    before = _file_digest(db_path)
    for sql in ("drop table titles", "delete from genres", "create table y(a int)",
                "checkpoint", "vacuum", "insert into titles (title_id) values (1)"):
        run_query(con, sql)
    assert _file_digest(db_path) == before
    assert _row_counts(con) == (TITLE_ROWS, GENRE_ROWS)


# --------------------------------------------------------------------------- formatting

def _result(columns, types, rows, **kwargs) -> ConsoleResult:
    return ConsoleResult(columns=columns, column_types=types, rows=rows, **kwargs)


def test_format_csv_neutralises_formulas_and_quotes():
    result = _result(
        ["title", "note", "n"], ["VARCHAR", "VARCHAR", "INTEGER"],
        [("=HYPERLINK(\"http://x\")", "+1", -5), ("@SUM(A1)", "-2", 3),
         ("\tcmd", "\rx", 0), ('a "quoted", title', None, 1)])
    rows = list(csv.reader(io.StringIO(format_csv(result), newline="")))
    assert rows[0] == ["title", "note", "n"]
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "'+1", "-5"]  # numbers untouched
    assert rows[2] == ["'@SUM(A1)", "'-2", "3"]
    assert rows[3] == ["'\tcmd", "'\rx", "0"]
    assert rows[4] == ['a "quoted", title', "", "1"]


def test_format_csv_of_real_query(con):
    text = format_csv(run_query(con, "select title_id, title from titles "
                                     "order by 1 limit 2"))
    assert text == "title_id,title\r\n0,Title 0\r\n1,Title 1\r\n"


def test_format_json_dates_decimals_and_nested(con):
    result = run_query(con, """
        select date '2021-09-24' as d, timestamp '2021-09-24 10:30:00' as ts,
               1234.50::decimal(10, 2) as money, 12345678901234567890.123456789::decimal(38, 9) as exact,
               'nan'::double as nan, [1, 2] as xs, {'k': date '2020-01-01'} as s,
               interval 3 day as gap, 'ab'::blob as b, null as nothing
    """)
    assert result.ok, result.error
    [record] = json.loads(format_json(result))
    assert record["d"] == "2021-09-24"
    assert record["ts"] == "2021-09-24T10:30:00"
    assert record["money"] == 1234.5
    assert record["exact"] == "12345678901234567890.123456789"  # beyond float
    assert record["nan"] is None
    assert record["xs"] == [1, 2] and record["s"] == {"k": "2020-01-01"}
    assert record["gap"] == "3 days, 0:00:00" and record["b"] == "6162"
    assert record["nothing"] is None


def test_format_table_aligns_and_has_footer():
    result = _result(["id", "title"], ["BIGINT", "VARCHAR"],
                     [(1, "Stranger Things"), (1234, None)],
                     truncated=True, elapsed_ms=3.21)
    lines = format_table(result, max_width=80).splitlines()
    assert lines[0] == "id    title"
    assert lines[2] == "   1  Stranger Things"
    assert lines[3] == "1234  NULL"
    assert lines[-1] == "2 rows (truncated at 2) · 3.2 ms"


def test_format_table_respects_max_width_and_thousands():
    long_text = "x" * 200
    result = _result(["a", "b"], ["VARCHAR", "VARCHAR"], [(long_text, "line1\nline2")] * 5000,
                     truncated=True, elapsed_ms=12.0)
    text = format_table(result, max_width=40)
    assert all(len(line) <= 40 for line in text.splitlines()[:-1])  # footer may run on
    assert "…" in text and "\\n" in text
    assert text.endswith("5,000 rows (truncated at 5,000) · 12.0 ms")


def test_format_functions_on_errors():
    failed = ConsoleResult(error="Binder Error: nope", error_kind="sql_error")
    assert format_table(failed) == "Error (sql_error): Binder Error: nope"
    assert format_csv(failed) == "" and format_json(failed) == ""


def test_format_single_row_footer(con):
    assert "1 row ·" in format_table(run_query(con, "select 1"), max_width=80)


# --------------------------------------------------------------------------- REPL

def test_interactive_session(con):
    script = "\n".join([
        ".help",
        "select title_id, title",
        "from titles",
        "order by title_id limit 2;",
        ".tables",
        ".mode csv",
        "select title_id from titles order by 1 limit 1;",
        ".mode json",
        "select 'x' as v;",
        ".schema genres",
        "drop table titles;",
        ".bogus",
        ".quit",
        "select 'never run';",
    ]) + "\n"
    out = io.StringIO()
    interactive(con, timeout_s=2.0, row_cap=100, out=out, inp=io.StringIO(script))
    text = out.getvalue()
    assert "sql> " in text and "...> " in text
    assert ".schema TABLE" in text  # help
    assert "Title 1" in text and "2 rows ·" in text
    assert "genres" in text and "titles" in text
    assert "title_id\r\n0\r\n" in text
    assert '"v": "x"' in text
    assert '"column_name": "genre"' in text  # .schema, rendered in json mode
    assert "Error (refused): DROP TABLE statements are not allowed" in text
    assert "Unknown or incomplete command: .bogus" in text
    assert "never run" not in text


@pytest.mark.parametrize("word", ["quit", "exit;", "\\q", "EXIT"])
def test_interactive_leaves_on_the_words_other_sql_prompts_take(con, word):
    out = io.StringIO()
    interactive(con, timeout_s=1.0, row_cap=10, out=out,
                inp=io.StringIO(f"{word}\nselect 'never run';\n"))
    assert "never run" not in out.getvalue() and "Error" not in out.getvalue()


def test_interactive_eof_runs_a_last_statement_without_its_semicolon(con):
    """`echo "select 1" | netflix-insights sql` printed nothing: a statement pending at
    end of input was dropped. It runs, as DuckDB's own shell does; blank input stays
    nothing."""
    out = io.StringIO()
    interactive(con, timeout_s=1.0, row_cap=10, out=out,
                inp=io.StringIO("select 41 + 1 as answer\n"))  # no ';' before Ctrl-D
    assert "42" in out.getvalue() and "1 row" in out.getvalue()
    for rest in ("\n\n", "select 1;\n-- the end\n", "select 1;\n/* done */\n"):
        out = io.StringIO()   # nothing left, or only a comment: nothing more is run
        interactive(con, timeout_s=1.0, row_cap=10, out=out, inp=io.StringIO(rest))
        assert out.getvalue().count("row") == rest.count(";") and "Error" not in out.getvalue()


# --------------------------------------------------------------------------- property

_SQL_BITS = st.sampled_from([
    "select", "from", "titles", "genres", "where", "1", "'a'", ";", "drop", "table",
    "delete", "insert into", "values", "(", ")", "*", ",", "copy", "to", "'/tmp/x'",
    "create", "temp", "attach", "set", "pragma", "explain", "analyze", "with",
    "as", "count(*)", "read_csv('/etc/passwd')", "--", "/*", "*/", "\n", "union",
])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sql=st.one_of(st.text(max_size=80),
                     st.lists(_SQL_BITS, max_size=12).map(" ".join)))
def test_run_query_never_raises_or_modifies(con, db_path, sql):
    before = _file_digest(db_path)
    result = run_query(con, sql, timeout_s=0.5, row_cap=50)
    assert isinstance(result, ConsoleResult)
    assert (result.error is None) == (result.error_kind is None)
    assert _row_counts(con) == (TITLE_ROWS, GENRE_ROWS)
    assert _file_digest(db_path) == before
