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
from queries.db import Warehouse, open_hardened

ErrorKind = Literal["refused", "timeout", "sql_error", "memory"]

# PRAGMAs that only read metadata. Others either set options (locked anyway) or
# have side effects; refusing them gives a clearer message.
_READ_PRAGMAS = frozenset({
    "table_info", "show_tables", "show_tables_expanded", "show_databases",
    "database_list", "database_size", "storage_info", "show", "version",
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
    return _statement_refusal(con, statements[0])


def _statement_refusal(con: duckdb.DuckDBPyConnection, statement) -> str | None:
    kind = statement.type
    if kind == duckdb.StatementType.SELECT:  # also WITH, VALUES, FROM-first, TABLE,
        return None                          # DESCRIBE, SHOW, SUMMARIZE, UNPIVOT
    if kind == duckdb.StatementType.EXPLAIN:
        return _explain_refusal(con, statement.query)
    if kind == duckdb.StatementType.PRAGMA:
        name = _pragma_name(statement.query)
        if name in _READ_PRAGMAS:
            return None
        return (f"PRAGMA {name or '?'} is not allowed; read-only pragmas are: "
                + ", ".join(sorted(_READ_PRAGMAS)) + ".")
    if kind in (duckdb.StatementType.SET, duckdb.StatementType.VARIABLE_SET):
        return "Settings cannot be changed in the console (SET/RESET/PRAGMA option)."
    if kind == duckdb.StatementType.MULTI:
        # DuckDB expands a PIVOT without an IN list into several statements.
        return ("PIVOT needs an explicit value list here, e.g. "
                "PIVOT titles ON type IN ('Movie', 'TV Show') USING count(*).")
    return (f"{kind.name.replace('_', ' ')} statements are not allowed: the console "
            "is read-only (SELECT, WITH, FROM, VALUES, TABLE, EXPLAIN, DESCRIBE, "
            "SHOW, SUMMARIZE and read-only PRAGMAs).")


def _pragma_name(query: str) -> str:
    # DuckDB already stripped leading comments; the name follows the keyword.
    match = re.match(r"\s*pragma\s+([a-z_]+)", query, re.IGNORECASE)
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
    row_cap: int = 5000,
) -> ConsoleResult:
    """Run one read-only statement with a time limit and row cap; never raises."""
    started = time.perf_counter()
    cursor = con.cursor()  # fresh per call: temp objects and state die with it
    try:
        refusal = _refusal(cursor, sql)
        if refusal:
            return _failure("refused", refusal, started)
        return _run_with_time_limit(cursor, sql, timeout_s, row_cap, started)
    except duckdb.OutOfMemoryException as exc:
        # First line only: the rest suggests a temp directory, disabled on purpose.
        first_line = _duckdb_message(exc).splitlines()[0]
        return _failure("memory", f"{first_line}\nThe query needs more memory than "
                        "the console allows; aggregate or filter more.", started)
    except duckdb.Error as exc:
        return _failure("sql_error", _duckdb_message(exc), started)
    finally:
        cursor.close()


def _run_with_time_limit(cursor, sql: str, timeout_s: float, row_cap: int,
                         started: float) -> ConsoleResult:
    with _Watchdog(cursor, timeout_s) as watchdog:
        try:
            return _execute(cursor, sql, row_cap, started)
        except duckdb.InterruptException:
            if not watchdog.fired:
                raise  # not ours: reported as an ordinary DuckDB error
            return _failure("timeout", f"Query stopped after {timeout_s:.1f} s "
                            "(time limit).", started)


def _execute(cursor, sql: str, row_cap: int, started: float) -> ConsoleResult:
    cursor.execute(sql)
    description = cursor.description or []
    # Results stream, so asking for one extra row flags truncation cheaply even
    # when the full result would be enormous.
    rows = cursor.fetchmany(row_cap + 1) if description else []
    return ConsoleResult(
        columns=[d[0] for d in description],
        column_types=[str(d[1]) for d in description],
        rows=rows[:row_cap],
        truncated=len(rows) > row_cap,
        elapsed_ms=_elapsed_ms(started),
    )


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
    if result.truncated:
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
    records = [{c: _json_value(v) for c, v in zip(result.columns, row)}
               for row in result.rows]
    return json.dumps(records, ensure_ascii=False, indent=2)


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
  .quit            leave (Ctrl-D works too)"""


def interactive(
    con: duckdb.DuckDBPyConnection, *, timeout_s: float = 2.0, row_cap: int = 5000,
    out: TextIO = sys.stdout, inp: TextIO = sys.stdin,
) -> None:
    """A small SQL prompt over `run_query`; returns on `.quit` or end of input."""
    state = {"mode": "table"}
    _enable_history(inp)
    buffer: list[str] = []
    while True:
        line = _read_line("...> " if buffer else "sql> ", inp, out)
        if line is None:
            return
        if not buffer and line.strip().startswith("."):
            if not _meta_command(line.strip(), con, state, out, timeout_s, row_cap):
                return
            continue
        if line.strip() or buffer:
            buffer.append(line)
        if line.rstrip().endswith(";"):
            result = run_query(con, "\n".join(buffer), timeout_s=timeout_s, row_cap=row_cap)
            _show(result, state["mode"], out)
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


def _meta_command(command: str, con, state: dict, out: TextIO,
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
        _show(run_query(con, "show tables", timeout_s=timeout_s, row_cap=row_cap),
              state["mode"], out)
    elif name == ".schema" and arg:
        quoted = '"' + arg.replace('"', '""') + '"'
        _show(run_query(con, f"describe {quoted}", timeout_s=timeout_s, row_cap=row_cap),
              state["mode"], out)
    else:
        out.write(f"Unknown or incomplete command: {command} (try .help)\n")
    return True


def _show(result: ConsoleResult, mode: str, out: TextIO) -> None:
    if result.error:
        out.write(f"Error ({result.error_kind}): {result.error}\n")
        return
    text = _FORMATTERS[mode](result)
    out.write(text if text.endswith("\n") else text + "\n")


def run_on_warehouse(wh: Warehouse, sql: str, timeout_s: float = 2.0,
                     row_cap: int = 5000) -> ConsoleResult:
    """Ad-hoc read-only SQL (the dashboard's SQL console) on a fresh cursor of the
    app's current build; never raises for anything the SQL does, never cached."""
    with wh.leased_connection() as con:
        return run_query(con, sql, timeout_s=timeout_s, row_cap=row_cap)
