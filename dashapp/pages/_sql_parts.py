"""SQL console: the schema browser, the example list, the result grid and its status.

Pure rendering of ConsoleResults (queries/console.py) into components. Cell values
and error messages are text children, never HTML.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import dash_bootstrap_components as dbc
from dash import html

from base import settings
from queries import console
from queries.console import ConsoleResult
from queries.db import Warehouse
from warehouse import schema

EXAMPLE = "sql-example"  # pattern id: {"type": EXAMPLE, "table": <table>}
GRID_ROWS = 1000         # rows drawn in the browser; the CSV has every row up to the cap
ERROR_TITLES = {"refused": "Refused", "timeout": "Time limit reached",
                "sql_error": "DuckDB error", "memory": "Out of memory"}

_SCHEMA_CACHE: dict[str, ConsoleResult] = {}


def limits() -> tuple[float, int]:
    """(time limit in seconds, row cap) from the settings registry; bad values fall back
    to the defaults rather than breaking the page."""
    def number(name):
        default = settings.parse(settings.SETTINGS[name], settings.SETTINGS[name].default)
        try:
            value = settings.get(name)
        except settings.SettingError:
            return default
        return value if value > 0 else default
    return number("console_timeout_seconds"), number("console_row_cap")


def limits_text() -> str:
    timeout_s, row_cap = limits()
    return f"Read-only · time limit {timeout_s:g} s · at most {row_cap:,} rows"


def examples() -> dict[str, str]:
    """Table → its documented example query (warehouse/schema.toml)."""
    return {name: t.example for name, t in schema.tables().items()}


def example_list() -> html.Div:
    return html.Div([
        html.Button([html.Span(name, className="fw-semibold"), " — ",
                     _first_line(sql)], id={"type": EXAMPLE, "table": name},
                    className="sql-example", title=sql)
        for name, sql in examples().items()])


def _first_line(sql: str, width: int = 60) -> str:
    line = " ".join(sql.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def schema_columns(wh: Warehouse) -> ConsoleResult:
    """information_schema's columns of the current build (cached per build)."""
    build = wh.build_id
    if build not in _SCHEMA_CACHE:
        result = console.run_on_warehouse(wh, console.SCHEMA_QUERY, timeout_s=10, row_cap=100_000)
        if not result.ok:
            return result
        _SCHEMA_CACHE.clear()
        _SCHEMA_CACHE[build] = result
    return _SCHEMA_CACHE[build]


def schema_browser(wh: Warehouse) -> html.Div:
    """Tables → columns with types, documented tables first with their descriptions."""
    result = schema_columns(wh)
    if not result.ok:
        return dbc.Alert(f"Schema unavailable: {result.error}", color="secondary")
    grouped: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for table_schema, table, column, data_type in result.rows:
        grouped[(table_schema, table)].append((column, data_type))
    docs = schema.tables()
    order = list(docs)

    def rank(key: tuple[str, str]) -> tuple:
        """Documented tables in schema.toml's order, other main tables, then staging."""
        if key[0] == "main" and key[1] in docs:
            return (0, order.index(key[1]), key)
        return (1 if key[0] == "main" else 2, 0, key)
    keys = sorted(grouped, key=rank)
    return html.Div([_table_details(k, grouped[k], docs.get(k[1]) if k[0] == "main" else None)
                     for k in keys], className="sql-schema")


def _table_details(key: tuple[str, str], columns: list[tuple[str, str]], doc) -> html.Details:
    table_schema, table = key
    name = table if table_schema == "main" else f"{table_schema}.{table}"
    items = []
    for column, data_type in columns:
        described = doc.columns.get(column) if doc else None
        items.append(html.Li([html.Code(column), " ", html.Span(data_type, className="col-type"),
                              html.Div(described.description, className="text-muted")
                              if described else None], className="mb-1"))
    summary = [html.Code(name), html.Span(f" · {len(columns)} columns", className="text-muted")]
    body = [html.P(f"{doc.grain[0].upper()}{doc.grain[1:]}. {doc.description}",
                   className="text-muted mb-1")] if doc else []
    return html.Details([html.Summary(summary), *body,
                         html.Ul(items, className="list-unstyled ms-2 mb-2")], className="mb-1")


def cell_text(value: object) -> str:
    """How one value reads in the grid (NULL is styled separately)."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join("NULL" if v is None else cell_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {cell_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    return str(value)


def result_grid(result: ConsoleResult) -> html.Div:
    """The rows of a successful query as a table (the first GRID_ROWS)."""
    if not result.columns:
        return html.P("The statement returned no result set.", className="text-muted small")
    right = ["text-end" if console.is_numeric_type(t) else None for t in result.column_types]
    head = html.Thead(html.Tr([html.Th([name, html.Div(kind, className="col-type")],
                                       className=align)
                               for name, kind, align in zip(result.columns, result.column_types,
                                                            right)]))
    rows = [html.Tr([html.Td("NULL", className="null") if v is None else
                     html.Td(cell_text(v), className=align) for v, align in zip(row, right)])
            for row in result.rows[:GRID_ROWS]]
    if not rows:
        rows = [html.Tr(html.Td("No rows.", colSpan=len(result.columns),
                                className="text-muted"))]
    return html.Div(dbc.Table([head, html.Tbody(rows)], size="sm", striped=True,
                              bordered=False, className="mb-0"), className="sql-results")


def status_line(result: ConsoleResult, row_cap: int) -> list:
    """Rows, truncation and elapsed time for a successful query."""
    count = len(result.rows)
    parts: list = [f"{count:,} row{'' if count == 1 else 's'} · {result.elapsed_ms:,.0f} ms"]
    if result.truncated:
        parts.append(dbc.Badge(f"truncated at the {row_cap:,}-row cap", color="warning",
                               className="ms-2", id="sql-truncated"))
    if count > GRID_ROWS:
        parts.append(html.Span(f" · showing the first {GRID_ROWS:,}; Download CSV has all "
                               f"{count:,}", className="text-muted"))
    return parts


def error_alert(result: ConsoleResult) -> dbc.Alert:
    """DuckDB's or the pre-check's message as text, never a traceback."""
    color = "warning" if result.error_kind in ("refused", "timeout") else "danger"
    return dbc.Alert([html.Div(ERROR_TITLES.get(result.error_kind or "", "Error"),
                               className="fw-bold mb-1"),
                      html.Pre(result.error, className="sql-error")],
                     color=color, className="mb-0", id="sql-error")
