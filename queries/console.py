"""Safe ad-hoc SQL for `netflix-insights sql` and the dashboard's SQL console.

Defence in depth, in the order that matters:
1. The connection (`open_console_connection` for the CLI, the app's own connection
   for the dashboard; both use `queries.db.HARDENING`) is read-only, has no file or
   network access, cannot load extensions, cannot spill to disk, is memory- and
   thread-bounded, and its configuration is locked so SQL cannot undo any of that.
2. `run_query` runs each query on a fresh cursor under a time limit and a row cap.
3. A static pre-check, parsed by DuckDB itself, refuses anything but one read
   statement. It exists for clear messages; the connection is the real defence.

DuckDB's own docs say untrusted SQL also needs OS limits (container, ulimit).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import pickle
import re
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal, TextIO

import duckdb

from queries import export
from queries.hardening import open_hardened

ErrorKind = Literal["refused", "timeout", "sql_error", "memory", "too_large", "busy"]

# PRAGMAs that only read metadata. Others either set options (locked anyway) or
# have side effects; refusing them gives a clearer message.
_READ_PRAGMAS = frozenset({
    "table_info", "show_tables", "show_tables_expanded", "show_databases",
    "database_size", "storage_info", "show", "version",
    "platform", "functions", "collations",
})

_WATCHDOG_REPEAT_S = 0.05  # an interrupt sent before execution starts is dropped

# The schema browser's source: every column of the warehouse file's own tables and
# views (not the system catalogs), run through run_query like any console query.
SCHEMA_QUERY = """
select table_schema, table_name, column_name, data_type
from information_schema.columns
where table_catalog = current_database()
  and table_schema not in ('information_schema', 'pg_catalog')
order by table_schema = 'main' desc, table_schema, table_name, ordinal_position
""".strip()


@dataclass(frozen=True)
class ConsoleResult:
    """Outcome of one console query: rows, or an error a user can read."""

    columns: list[str] = field(default_factory=list)
    column_types: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    truncated: bool = False
    truncated_by: Literal["rows", "bytes"] | None = None
    elapsed_ms: float = 0.0
    error: str | None = None
    error_kind: ErrorKind | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def open_console_connection(
    db_path: Path, *, memory_limit: str = "512MB", threads: int = 1
) -> duckdb.DuckDBPyConnection:
    """Open `db_path` read-only with the hardened, locked configuration
    (queries.db.HARDENING, the same one the app's connection uses).

    DuckDB shares one instance per file inside a process and refuses a second
    connection with a different configuration, so the dashboard does not call this:
    its console runs on the app's own connection (`run_on_warehouse`).
    """
    return open_hardened(db_path, memory_limit=memory_limit, threads=threads)


# --------------------------------------------------------------------------- pre-check
# DuckDB's parser splits and classifies statements; the only regexes below read a
# keyword or two off a statement DuckDB has already classified.

def _refusal(con: duckdb.DuckDBPyConnection, sql: str) -> str | None:
    """Why `sql` may not run, or None when it is a single read statement."""
    try:
        sql.encode("utf-8")
    except UnicodeEncodeError:
        return "Query text is not valid Unicode."
    statements = con.extract_statements(sql)  # parser errors propagate as sql_error
    if not statements:
        return "Nothing to run: the query is empty."
    if len(statements) > 1:
        return (f"Only one statement per query ({len(statements)} given); "
                "remove the extra ';'-separated statements.")
    return _statement_refusal(con, statements[0]) or _function_refusal(sql)


# Functions the console refuses whatever the statement: the first ones show server
# paths (the warehouse file's, in database_list and the allowed_paths setting); the
# last two run SQL built at run time, which no check before running can read.
_PATH_FUNCTIONS = frozenset({"duckdb_databases", "pragma_database_list", "duckdb_settings",
                             "current_setting"})
_DYNAMIC_SQL_FUNCTIONS = frozenset({"query", "query_table"})


def _function_refusal(sql: str) -> str | None:
    """Calls of the functions above, found with DuckDB's own tokenizer (comments and
    string literals are not names; quoted names are)."""
    tokens = [(pos, kind) for pos, kind in duckdb.tokenize(sql)
              if kind != duckdb.token_type.comment]
    for i, (pos, kind) in enumerate(tokens):
        if kind not in (duckdb.token_type.identifier, duckdb.token_type.keyword):
            continue
        end = tokens[i + 1][0] if i + 1 < len(tokens) else len(sql)
        name = sql[pos:end].strip().strip('"').lower()
        # A table function without arguments runs without parentheses too.
        if name in _PATH_FUNCTIONS:
            return (f"{name}() is not available in the console: it shows the server's "
                    "file paths. PRAGMA show_databases lists the databases.")
        if name in _DYNAMIC_SQL_FUNCTIONS and i + 1 < len(tokens) \
                and sql[tokens[i + 1][0]] == "(":
            return (f"{name}() is not available in the console: it runs SQL text built "
                    "while the query runs, which the console cannot check first. "
                    "Write that SQL directly.")
    return None


def _statement_refusal(con: duckdb.DuckDBPyConnection, statement) -> str | None:
    name = statement_name(statement.query)
    try:
        kind = statement.type
    except ValueError:  # a type newer than the Python enum: UPDATE EXTENSIONS is 29 on 2.0
        kind = None
    if kind == duckdb.StatementType.SELECT:  # also WITH, VALUES, FROM-first, TABLE,
        return None                          # DESCRIBE, SHOW, SUMMARIZE, UNPIVOT
    if kind == duckdb.StatementType.EXPLAIN:
        return _explain_refusal(con, statement.query)
    if name == "PRAGMA":  # IMPORT DATABASE and COPY FROM DATABASE are PRAGMAs too
        pragma = _pragma_name(statement.query)
        if pragma in _READ_PRAGMAS:
            return None
        return (f"PRAGMA {pragma or '?'} is not allowed; read-only pragmas are: "
                + ", ".join(sorted(_READ_PRAGMAS)) + ".")
    if name == "CALL":  # CALL pragma_version() reads like SELECT * FROM pragma_version()
        function = _call_name(statement.query)
        if function.removeprefix("pragma_") in _READ_PRAGMAS and function.startswith("pragma_"):
            return None
        return (f"CALL {function or '?'} is not allowed; only read-only pragma functions "
                "may be called (e.g. CALL pragma_table_info('titles')).")
    if name in ("SET", "RESET"):
        return f"{name} is not allowed: settings cannot be changed in the console."
    if name == "USE":
        return ("USE is not allowed: the console reads the warehouse only and cannot "
                "switch databases or schemas (qualify the name instead, e.g. staging.x).")
    if name == "WITH" and kind is not None:  # WITH x AS (...) INSERT ...: name the write
        name = kind.name.replace("_", " ")
    if kind == duckdb.StatementType.MULTI and name == "PIVOT":
        # DuckDB expands a PIVOT without an IN list into several statements.
        return ("PIVOT needs an explicit value list here, e.g. "
                "PIVOT titles ON type IN ('Movie', 'TV Show') USING count(*).")
    return (f"{name or 'This'} statements are not allowed: the console is read-only "
            "(SELECT, WITH, FROM, VALUES, TABLE, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE and "
            "read-only PRAGMAs).")


# Words that qualify a statement's object rather than name it: CREATE OR REPLACE TEMP
# MACRO is a CREATE MACRO.
_QUALIFIERS = frozenset({"OR", "REPLACE", "TEMP", "TEMPORARY", "PERSISTENT", "UNIQUE",
                         "IF", "NOT", "EXISTS", "ON", "GLOBAL", "LOCAL"})
_WITH_OBJECT = frozenset({"CREATE", "DROP", "ALTER"})
_PHRASES = {("COMMENT", "ON"), ("FORCE", "CHECKPOINT"), ("UPDATE", "EXTENSIONS"), ("EXPORT", "DATABASE"),
            ("IMPORT", "DATABASE"), ("COPY", "FROM", "DATABASE"), ("START", "TRANSACTION")}


def statement_name(query: str) -> str:
    """What a user would call a statement: its leading keywords (CHECKPOINT, USE,
    CREATE MACRO, UPDATE EXTENSIONS), read off the text DuckDB has already split and
    stripped of comments. DuckDB's own type is not a name: CHECKPOINT parses as a
    CALL, USE as a SET, IMPORT DATABASE as a PRAGMA."""
    words = [w.upper() for w in re.findall(r"[A-Za-z_]+", query[:400])]
    if not words:
        return ""
    for phrase in _PHRASES:
        if tuple(words[:len(phrase)]) == phrase:
            return " ".join(phrase)
    if words[0] in _WITH_OBJECT:
        rest = [w for w in words[1:] if w not in _QUALIFIERS]
        return f"{words[0]} {rest[0]}" if rest else words[0]
    return words[0]


def _pragma_name(query: str) -> str:
    # DuckDB already stripped leading comments; the name follows the keyword.
    match = re.match(r"\s*pragma\s+([a-z_]+)", query, re.IGNORECASE)
    return match.group(1).lower() if match else ""


def _call_name(query: str) -> str:
    match = re.match(r"\s*call\s+([a-z_][a-z_0-9]*)", query, re.IGNORECASE)
    return match.group(1).lower() if match else ""


def _explain_refusal(con: duckdb.DuckDBPyConnection, query: str) -> str | None:
    """EXPLAIN ANALYZE executes its target, so check the target like any query."""
    # The target follows EXPLAIN [ANALYZE] [(options)]; options hold no parentheses.
    prefix = re.match(r"\s*explain\b\s*(analy[sz]e\b\s*)?(\([^)]*\)\s*)?", query, re.I)
    rest = query[prefix.end():] if prefix else ""
    try:
        inner = con.extract_statements(rest)
    except duckdb.Error:
        inner = []
    if len(inner) == 1 and inner[0].type == duckdb.StatementType.SELECT:
        return None
    return "EXPLAIN is only allowed for a read query (SELECT, WITH, FROM, ...)."


# --------------------------------------------------------------------------- running

class _Watchdog:
    """Interrupts `cursor` once `timeout_s` has passed, repeatedly until stopped.

    Repeating matters: an interrupt that lands before DuckDB starts executing is
    dropped, so one shot could miss the query it was meant to stop.
    """

    def __init__(self, cursor: duckdb.DuckDBPyConnection, timeout_s: float):
        self._cursor, self._timeout_s = cursor, timeout_s
        self._stop = threading.Event()
        self.fired = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        if self._stop.wait(self._timeout_s):
            return
        self.fired = True
        while not self._stop.is_set():
            self._cursor.interrupt()
            self._stop.wait(_WATCHDOG_REPEAT_S)

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        # Joined before the caller closes the cursor: never interrupt a closed one.
        self._stop.set()
        self._thread.join()


def run_query(
    con: duckdb.DuckDBPyConnection, sql: str, *, timeout_s: float = 2.0,
    row_cap: int = 5000, max_bytes: int | None = None,
) -> ConsoleResult:
    """Run one read-only statement in this process with a time limit, a row cap and
    (when given) a cap on the result's pickled size; never raises for anything the
    SQL does. The console's users reach this only inside a worker process
    (queries/sandbox.py): DuckDB cannot bound every allocation nor interrupt every
    function, so only the OS can bound a query."""
    started = time.perf_counter()
    cursor = con.cursor()  # fresh per call: temp objects and state die with it
    try:
        refusal = _refusal(cursor, sql)
        if refusal:
            return _failure("refused", refusal, started)
        return _run_with_time_limit(cursor, sql, timeout_s, row_cap, max_bytes, started)
    except duckdb.OutOfMemoryException as exc:
        # First line only: the rest suggests a temp directory, disabled on purpose.
        first_line = _duckdb_message(exc).splitlines()[0]
        return _failure("memory", f"{first_line}\n{MEMORY_HINT}", started)
    except MemoryError:  # Python's side (fetching or measuring rows) under RLIMIT_AS
        return _failure("memory", MEMORY_HINT, started)
    except duckdb.PermissionException:
        # The hardening disables every file system, so reading a file or URL fails
        # only when run; DuckDB's wording ("LocalFileSystem has been disabled by
        # configuration") reads like a server fault, so say what the console allows.
        return _failure("refused", FILE_ACCESS_REFUSAL, started)
    except duckdb.Error as exc:
        return _failure("sql_error", _system_suggestion_dropped(_duckdb_message(exc))
                        + _column_hint(exc, sql), started)
    finally:
        cursor.close()


# The Kaggle file's column names, which people who know the dataset type first (a
# reviewer's first query was `select type, count(*) from titles`): where they live here.
KAGGLE_COLUMNS = {
    "type": "kind ('movie' or 'show')",
    "listed_in": "genres (a list; one row per title and genre in title_genres)",
    "country": "countries (a list; one row per title and country in title_countries)",
    "director": "directors (a list), or title_people where role = 'director'",
    "cast": "title_people where role = 'actor'",
    "rating": "maturity_rating",
    "duration": "runtime_minutes (movies) or seasons (shows)",
}
_MISSING_COLUMN = re.compile(r'Referenced column "([^"]+)" not found|'
                             r'does not have a column named "([^"]+)"')


# DuckDB's nearest name for a table that does not exist is, when no warehouse table is
# near, one of its own catalog views ('Did you mean "pg_tables"?' for no_such_table)
_SYSTEM_SUGGESTION = re.compile(r'\nDid you mean "(?:pg_|duckdb_|sqlite_|information_schema)'
                                r'[^"]*"\?')


# and it offers a SET the console refuses (its configuration is locked)
_SET_ADVICE = re.compile(r' Use "SET max_expression_depth TO x" to increase the maximum '
                         r'expression depth\.')


def _system_suggestion_dropped(message: str) -> str:
    message = _SET_ADVICE.sub(" Nest the query less (this limit cannot be raised here).",
                              message)
    return _SYSTEM_SUGGESTION.sub("\nSHOW TABLES lists the warehouse's tables.", message)


# `cast` is also an SQL keyword: `select title, cast from titles` fails to parse
# ('syntax error at or near "from"') before any column is looked up
_BARE_CAST = re.compile(r'(?i)(?<!["\w])cast(?![\w"]|\s*\()')
# string literals and comments, where "cast" is no keyword ('cast' as a role's value)
_WORDS_ONLY = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.S)


def _column_hint(exc: Exception, sql: str = "") -> str:
    """A line naming the warehouse's column for a Kaggle column name not found."""
    found = _MISSING_COLUMN.search(str(exc))
    name = found and (found.group(1) or found.group(2)).lower()
    if not found and str(exc).startswith("Parser Error") and \
            _BARE_CAST.search(_WORDS_ONLY.sub(" ", sql)):
        return (f"\ncast is an SQL keyword (CAST(x AS type)); here the Kaggle column cast "
                f"is {KAGGLE_COLUMNS['cast']}.")
    if name not in KAGGLE_COLUMNS:
        return ""
    return f"\nHere the Kaggle column {name} is {KAGGLE_COLUMNS[name]}."


FILE_ACCESS_REFUSAL = ("Files and URLs cannot be read here: the console reads the warehouse "
                       "only. SHOW TABLES lists what you can query.")
MEMORY_HINT = "The query needs more memory than the console allows; aggregate or filter more."


def _run_with_time_limit(cursor, sql: str, timeout_s: float, row_cap: int,
                         max_bytes: int | None, started: float) -> ConsoleResult:
    with _Watchdog(cursor, timeout_s) as watchdog:
        try:
            return _execute(cursor, sql, row_cap, max_bytes, started)
        except duckdb.InterruptException:
            if not watchdog.fired:
                raise  # not ours: reported as an ordinary DuckDB error
            return _failure("timeout", timeout_message(timeout_s), started)


def timeout_message(timeout_s: float) -> str:
    return f"Query stopped after {timeout_s:.1f} s (time limit)."


def _execute(cursor, sql: str, row_cap: int, max_bytes: int | None,
             started: float) -> ConsoleResult:
    cursor.execute(sql)
    description = cursor.description or []
    columns = [d[0] for d in description]
    column_types = [str(d[1]) for d in description]
    header_bytes = _size((columns, column_types))
    if max_bytes is not None and header_bytes > max_bytes:
        return _failure("too_large", f"The result has {len(columns):,} columns, whose names "
                        f"alone pass the {_mb(max_bytes)} result cap; select fewer columns.",
                        started)
    rows, cut_by = (_fetch_capped(cursor, row_cap, max_bytes, header_bytes)
                    if description else ([], None))
    return ConsoleResult(columns=columns, column_types=column_types, rows=rows,
                         truncated=cut_by is not None, truncated_by=cut_by,
                         elapsed_ms=_elapsed_ms(started))


def _fetch_capped(cursor, row_cap: int, max_bytes: int | None,
                  used: int) -> tuple[list[tuple], Literal["rows", "bytes"] | None]:
    """Up to `row_cap` rows whose pickled size stays under `max_bytes`, and what cut
    them. Results stream, so asking for one row past the cap flags truncation cheaply
    even when the full result would be enormous; batches grow from small, so one
    enormous row is measured before thousands of its like are fetched."""
    rows: list[tuple] = []
    batch = 16
    while True:
        chunk = cursor.fetchmany(min(batch, row_cap + 1 - len(rows)))
        if not chunk:
            return rows, None
        chunk_bytes = _size(chunk) if max_bytes is not None else 0
        if max_bytes is not None and used + chunk_bytes > max_bytes:
            for row in chunk:  # the rows of this chunk that still fit
                used += _size(row)
                if used > max_bytes:
                    return rows[:row_cap], "bytes"
                rows.append(row)
        else:
            used += chunk_bytes
            rows.extend(chunk)
        if len(rows) > row_cap:
            return rows[:row_cap], "rows"
        batch = min(batch * 4, 4096)


def _size(value: object) -> int:
    """Bytes `value` takes on the way from a console worker to the app (pickle)."""
    return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def _failure(kind: ErrorKind, message: str, started: float) -> ConsoleResult:
    return ConsoleResult(error=message, error_kind=kind,
                         elapsed_ms=_elapsed_ms(started))


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _duckdb_message(exc: Exception) -> str:
    """DuckDB's message up to the first blank line (drops the LINE/caret echo)."""
    text = str(exc)
    if "pytz" in text:  # TIMESTAMPTZ values need pytz, which is not installed
        return ("TIMESTAMP WITH TIME ZONE values cannot be shown here; cast them, "
                "e.g. now()::timestamp or ts::varchar.")
    lines = text.strip().split("\n\n", 1)[0].splitlines()
    return "\n".join(line for line in lines[:3] if not line.startswith("Traceback"))


# --------------------------------------------------------------------------- formatting

def format_table(result: ConsoleResult, max_width: int | None = None) -> str:
    """Aligned text table with a footer, or the error message for a failed query."""
    if result.error:
        return f"Error ({result.error_kind}): {result.error}"
    width = max_width or shutil.get_terminal_size((120, 24)).columns
    cells = [[_cell_text(v) for v in row] for row in result.rows]
    widths = _fit_widths(result.columns, cells, width)
    numeric = [_is_numeric(t) for t in result.column_types]
    lines = [_table_line(result.columns, widths, [False] * len(widths)),
             "  ".join("-" * w for w in widths)]
    lines += [_table_line(row, widths, numeric) for row in cells]
    return "\n".join(lines + [_footer(result)])


def _cell_text(value: object) -> str:
    text = "NULL" if value is None else str(value)
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def _fit_widths(columns: list[str], cells: list[list[str]], max_width: int) -> list[int]:
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    budget = max_width - 2 * max(len(widths) - 1, 0)
    # Shrink the widest column one step at a time: narrow columns stay readable.
    while widths and sum(widths) > budget and max(widths) > 4:
        widths[widths.index(max(widths))] -= 1
    return widths


def _table_line(values: list[str], widths: list[int], right: list[bool]) -> str:
    parts = []
    for text, width, align_right in zip(values, widths, right):
        text = text if len(text) <= width else text[: width - 1] + "…"
        parts.append(text.rjust(width) if align_right else text.ljust(width))
    return "  ".join(parts).rstrip()


def is_numeric_type(column_type: str) -> bool:
    """True for DuckDB's number types (right-aligned in tables and grids)."""
    return _is_numeric(column_type)


def _is_numeric(column_type: str) -> bool:
    return column_type.split("(")[0] in {
        "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
        "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL"}


def _footer(result: ConsoleResult) -> str:
    count = len(result.rows)
    text = f"{count:,} row{'' if count == 1 else 's'}"
    if result.truncated_by == "bytes":
        text += f" (truncated at {count:,}: the result size cap)"
    elif result.truncated:
        text += f" (truncated at {count:,})"
    return f"{text} · {result.elapsed_ms:.1f} ms"


def format_csv(result: ConsoleResult) -> str:
    """CSV with a header row; '' for a failed query (show `result.error` instead).
    Formula-like cells are neutralised (queries/export.py)."""
    if result.error:
        return ""
    return export.csv_text(result.columns, result.rows)


def format_json(result: ConsoleResult) -> str:
    """JSON list of row objects; '' for a failed query (show `result.error`)."""
    if result.error:
        return ""
    columns = unique_names(result.columns)
    records = [{c: _json_value(v) for c, v in zip(columns, row)} for row in result.rows]
    return json.dumps(records, ensure_ascii=False, indent=2)


def unique_names(columns: list[str]) -> list[str]:
    """Column names as keys of one object: a repeated name ("select t.show_id,
    g.show_id") gets _2, _3… (a JSON object keeps only the last of equal keys)."""
    taken, out = set(columns), []
    for i, name in enumerate(columns):
        if name in columns[:i]:
            n = 2
            while f"{name}_{n}" in taken:
                n += 1
            name = f"{name}_{n}"
            taken.add(name)
        out.append(name)
    return out


def _json_value(value: object) -> object:
    """Python values DuckDB returns, as what JSON can hold without losing meaning."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # NaN/Infinity are not JSON
    if isinstance(value, decimal.Decimal):
        # Exact value as a number when a float holds it, else as a string.
        return float(value) if decimal.Decimal(repr(float(value))) == value else str(value)
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date subclass
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)  # UUID, timedelta, ...


_FORMATTERS: dict[str, Callable[[ConsoleResult], str]] = {
    "table": format_table, "csv": format_csv, "json": format_json}


# --------------------------------------------------------------------------- REPL

_HELP = """\
Enter SQL ending with ';' (it may span lines). Meta-commands:
  .tables          list tables
  .schema TABLE    columns of TABLE
  .mode MODE       output as table, csv or json
  .help            this text
  .quit            leave (also quit, exit, \\q or Ctrl-D)"""


Runner = Callable[[str, float, int], ConsoleResult]


def runner_for(con: duckdb.DuckDBPyConnection) -> Runner:
    """Run console queries in this process, on `con` (tests; the CLI and the app use
    queries.sandbox's worker processes)."""
    return lambda sql, timeout_s, row_cap: run_query(con, sql, timeout_s=timeout_s,
                                                     row_cap=row_cap)


# what people type to leave SQL prompts (psql, mysql, duckdb's own)
QUIT_WORDS = ("quit", "exit", "\\q", ".exit", ".quit")


def interactive(
    run: Runner | duckdb.DuckDBPyConnection, *, timeout_s: float = 2.0,
    row_cap: int = 5000, out: TextIO = sys.stdout, inp: TextIO = sys.stdin,
) -> None:
    """A small SQL prompt; returns on `.quit` (or quit, exit, \\q) or end of input.
    `run` runs one query (a connection means: in this process)."""
    if isinstance(run, duckdb.DuckDBPyConnection):
        run = runner_for(run)
    state = {"mode": "table"}
    _enable_history(inp)
    buffer: list[str] = []
    while True:
        line = _read_line("...> " if buffer else "sql> ", inp, out)
        if line is None:   # a last statement without its ';' is run, not dropped
            if re.sub(r"--[^\n]*|/\*.*?\*/", "", "\n".join(buffer), flags=re.S).strip():
                _show(run("\n".join(buffer), timeout_s, row_cap), state["mode"], out)
            return
        if not buffer and line.strip().rstrip("; \t").lower() in QUIT_WORDS:
            return
        if not buffer and line.strip().startswith("."):
            if not _meta_command(line.strip(), run, state, out, timeout_s, row_cap):
                return
            continue
        if line.strip() or buffer:
            buffer.append(line)
        if line.rstrip().endswith(";"):
            _show(run("\n".join(buffer), timeout_s, row_cap), state["mode"], out)
            buffer = []


def _enable_history(inp: TextIO) -> None:
    # Importing readline gives input() line editing and history; TTY only.
    if inp is sys.stdin and inp.isatty():
        try:
            import readline  # noqa: F401
        except ImportError:
            pass


def _read_line(prompt: str, inp: TextIO, out: TextIO) -> str | None:
    """One input line without its newline, or None at end of input (Ctrl-D)."""
    if inp is sys.stdin and inp.isatty() and out is sys.stdout:
        try:
            return input(prompt)
        except EOFError:
            out.write("\n")
            return None
    out.write(prompt)
    out.flush()
    line = inp.readline()
    return None if line == "" else line.rstrip("\n")


def _meta_command(command: str, run: Runner, state: dict, out: TextIO,
                  timeout_s: float, row_cap: int) -> bool:
    """Run a dot-command; False means leave the REPL."""
    name, _, arg = command.partition(" ")
    arg = arg.strip()
    if name in (".quit", ".exit"):
        return False
    if name == ".help":
        out.write(_HELP + "\n")
    elif name == ".mode" and arg in _FORMATTERS:
        state["mode"] = arg
    elif name == ".tables":
        _show(run("show tables", timeout_s, row_cap), state["mode"], out)
    elif name == ".schema" and arg:
        quoted = '"' + arg.replace('"', '""') + '"'
        _show(run(f"describe {quoted}", timeout_s, row_cap), state["mode"], out)
    else:
        out.write(f"Unknown or incomplete command: {command} (try .help)\n")
    return True


def _show(result: ConsoleResult, mode: str, out: TextIO) -> None:
    if result.error:
        out.write(f"Error ({result.error_kind}): {result.error}\n")
        return
    text = _FORMATTERS[mode](result)
    out.write(text if text.endswith("\n") else text + "\n")
