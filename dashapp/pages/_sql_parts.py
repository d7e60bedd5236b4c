"""SQL console: the schema browser, the example list, the result grid and its status.

Pure rendering of ConsoleResults (queries/console.py) into components. Cell values
and error messages are text children, never HTML.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from base.text import counted
from queries import console, sandbox
from queries.console import ConsoleResult
from queries.db import Warehouse
from warehouse import schema

EXAMPLE = "sql-example"  # pattern id: {"type": EXAMPLE, "table": <table>}
GRID_ROWS = 5000         # rows sent to the grid (it draws the visible ones); CSV: all
ERROR_TITLES = {"refused": "Refused", "timeout": "Time limit reached",
                "sql_error": "DuckDB error", "memory": "Out of memory",
                "too_large": "Result too large", "busy": "Console busy"}

_SCHEMA_CACHE: dict[str, ConsoleResult] = {}


def limits() -> tuple[float, int]:
    """(time limit in seconds, row cap) from the settings registry; bad values fall back
    to the defaults rather than breaking the page."""
    current = sandbox.limits_from_settings()
    return current.timeout_s, current.row_cap


def limits_text() -> str:
    current = sandbox.limits_from_settings()
    # no-break spaces keep a number with its unit on a phone ("2 / s" was seen)
    return (f"Read-only · time limit {current.timeout_s:g}\u00a0s · at most "
            f"{current.row_cap:,}\u00a0rows or {current.max_bytes / 1e6:g}\u00a0MB")


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
        result = sandbox.run_on_warehouse(wh, console.SCHEMA_QUERY, timeout_s=10, row_cap=100_000)
        if not result.ok:
            return result
        _SCHEMA_CACHE.clear()
        _SCHEMA_CACHE[build] = result
    return _SCHEMA_CACHE[build]


def completion_names(wh: Warehouse) -> dict:
    """{"tables": {table: [column, ...]}} for the editor's completion, main tables by
    their own name, others qualified (staging.stg_x); empty when the schema is not
    available (the editor then completes nothing)."""
    result = schema_columns(wh)
    tables: dict[str, list[str]] = defaultdict(list)
    for table_schema, table, column, _type in (result.rows if result.ok else []):
        tables[table if table_schema == "main" else f"{table_schema}.{table}"].append(column)
    return {"tables": dict(tables)}


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


GRID_CELL_CHARS = 1000  # longer texts are cut in the grid (the CSV has them whole)
SHORT_RESULT_ROWS = 10   # up to this many rows the grid takes their height


def result_grid(result: ConsoleResult):
    """The rows of a successful query in a sortable, resizable, filterable grid
    (dash-ag-grid: the rows travel as JSON and only the visible ones are drawn, where an
    html table of 1,000 rows took seconds to build and serialize)."""
    if not result.columns:
        return html.P("The statement returned no result set.", className="text-muted small")
    if not result.rows:
        return html.P("No rows.", className="text-muted small")
    numeric = [console.is_numeric_type(t) for t in result.column_types]
    # Fields by position: column names may repeat or hold dots (AG Grid paths).
    column_defs = [{"field": f"c{i}", "headerName": f"{name} · {kind}",
                    "headerTooltip": f"{name} ({kind})",
                    **({"type": "rightAligned", "filter": "agNumberColumnFilter"}
                       if is_number else {})}
                   for i, (name, kind, is_number) in enumerate(
                       zip(result.columns, result.column_types, numeric))]
    rows = [{f"c{i}": _grid_value(v, is_number) for i, (v, is_number)
             in enumerate(zip(row, numeric))} for row in result.rows[:GRID_ROWS]]
    # a few rows: the grid as tall as they are (two rows sat in a 520 px box), above
    # AG Grid's 150 px minimum body, which a column's filter menu needs to open in;
    # more: a fixed height that scrolls, only the visible rows drawn
    short = len(rows) <= SHORT_RESULT_ROWS
    return dag.AgGrid(
        id="sql-grid", columnDefs=column_defs, rowData=rows,
        defaultColDef={"sortable": True, "resizable": True, "filter": True,
                       "minWidth": 90},
        dashGridOptions={"enableCellTextSelection": True, "ensureDomOrder": True,
                         "tooltipShowDelay": 300, "animateRows": False,
                         **({"domLayout": "autoHeight"} if short else {})},
        columnSize="autoSize", className="ag-theme-alpine sql-grid",
        style={"width": "100%"} if short else {"height": "min(60vh, 520px)",
                                                "width": "100%"})


def _grid_value(value: object, is_number: bool):
    """Numbers stay numbers (they sort as numbers); everything else is its text."""
    if type(value) is str:  # the common case, first
        return value if len(value) <= GRID_CELL_CHARS else value[: GRID_CELL_CHARS - 1] + "…"
    if value is None:
        return None if is_number else "NULL"
    if is_number and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value if abs(value) < 2**53 else str(value)  # JSON numbers are doubles
    text = cell_text(value)
    return text if len(text) <= GRID_CELL_CHARS else text[: GRID_CELL_CHARS - 1] + "…"


def status_line(result: ConsoleResult, row_cap: int) -> list:
    """Rows, truncation and elapsed time for a successful query."""
    count = len(result.rows)
    parts: list = [f"{counted(count, 'row')} · {result.elapsed_ms:,.0f} ms"]
    if result.truncated_by == "bytes":
        parts.append(dbc.Badge("truncated at the result size cap", color="warning",
                               className="ms-2", id="sql-truncated"))
    elif result.truncated:
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
