"""SQL console: ad-hoc read-only SQL on the published warehouse.

Every query goes through `queries.sandbox.run_on_warehouse`: a console worker process
under OS memory and CPU limits (killed at the time limit), on a hardened connection
without any file system (read-only, no files, network, extensions or disk spill,
configuration locked), a time limit, a row cap and a byte cap from the settings
registry, and a pre-check that refuses anything but one read statement. Refusals and
DuckDB errors are shown as their message, never a traceback. The global filters do
not apply here.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import (
    ALL,
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)

from base.errors import WarehouseMissing
from dashapp.pages import _sql_parts as parts
from dashapp.pages import _sql_state as state
from dashapp.state import wh
from queries import console, sandbox

dash.register_page(__name__, path="/sql", name="SQL Console", order=5,
                   filters=False,  # ad-hoc SQL reads the whole warehouse
                   title="SQL Console · Netflix Content Insights")

EDITOR = "sql-editor"
RUN = "sql-run"
STATUS = "sql-status"
RESULT = "sql-result"
LAST_SQL = "sql-last"
RAN = "sql-ran"            # the query last run (the link callback skips it)
# The page's own view of the address: the link lives in its fragment (_sql_state.py).
# Page-local, so a fragment change on another page (#title=…) calls nothing here.
LOCATION = "sql-location"
HISTORY = "sql-history"        # local storage: the last queries run without error
HISTORY_LIST = "sql-history-list"
HISTORY_CLEAR = "sql-history-clear"
SCHEMA_NAMES = "sql-schema-names"  # {"tables": {table: [column, ...]}}: completion's source
HIGHLIGHT = "sql-highlight"    # the highlight layer (filled by assets/sql_console.js)
HIGHLIGHTED = "sql-highlighted"  # what the clientside highlighter last drew (for tests)
COMPLETE = "sql-complete"      # the completion listbox
COMPLETE_STATUS = "sql-complete-status"
CSV_BUTTON = "sql-csv"
CSV_DOWNLOAD = "sql-csv-download"
LIMITS = "sql-limits"
DEFAULT_SQL = "select kind, count(*) as titles, round(avg(imdb_score), 2) as mean_imdb_score\n" \
              "from titles group by kind order by kind"


def layout(**_query) -> html.Div:
    try:
        browser, names = parts.schema_browser(wh()), parts.completion_names(wh())
    except WarehouseMissing as exc:
        browser, names = dbc.Alert(str(exc), color="warning"), {"tables": {}}
    return html.Div([
        html.H2("SQL Console"),
        html.P(["Query the warehouse directly with DuckDB SQL. One read statement at a time "
                "(SELECT, WITH, FROM, VALUES, DESCRIBE, SUMMARIZE, EXPLAIN…); anything that "
                "writes, touches files or changes settings is refused. The other pages' "
                "filters do not apply here: write them in the WHERE clause."],
               className="text-muted small"),
        dcc.Store(id=LAST_SQL), dcc.Store(id=RAN), dcc.Location(id=LOCATION, refresh=False),
        dcc.Store(id=HISTORY, storage_type="local"),
        dbc.Row([
            dbc.Col([dbc.Card(dbc.CardBody([
                        html.Div([html.H6("History", className="detail-heading me-auto"),
                                  dbc.Button("Clear", id=HISTORY_CLEAR, size="sm", color="link",
                                             className="p-0 small",
                                             title="Forget this browser's query history")],
                                 className="d-flex align-items-baseline"),
                        html.Div(id=HISTORY_LIST, className="sql-history")]), className="mb-3"),
                     dbc.Card(dbc.CardBody([html.H6("Tables", className="detail-heading"),
                                            browser]), className="mb-3"),
                     dbc.Card(dbc.CardBody([html.H6("Examples", className="detail-heading"),
                                            parts.example_list()]), className="mb-3")], lg=4),
            dbc.Col(dbc.Card(dbc.CardBody([
                *editor(names),
                html.Div([
                    dbc.Button("Run", id=RUN, color="danger", className="me-2",
                               title="Run the query (Ctrl+Enter in the editor)"),
                    html.Small(parts.limits_text(), id=LIMITS, className="text-muted me-auto"),
                    dbc.Button("Download CSV", id=CSV_BUTTON, size="sm", color="light",
                               outline=True, disabled=True),
                    dcc.Download(id=CSV_DOWNLOAD),
                ], className="d-flex align-items-center my-2"),
                html.Div(id=STATUS, className="small mb-2", **{"aria-live": "polite"}),
                dcc.Loading(html.Div(html.P("Press Run (or Ctrl+Enter in the editor), or "
                                            "pick one of the examples.",
                                            className="text-muted small"), id=RESULT),
                            type="dot", color="#E50914"),
            # on a phone the editor comes first, not under the history, 23 tables and
            # the examples (about 2,000 px down); side by side from lg as before
            ]), className="mb-3"), lg=8, className="order-first order-lg-0"),
        ]),
    ])


def editor(names: dict) -> list:
    """The editor: the textarea is the input; under its transparent text, a highlight
    layer, and below the caret a completion list of `names`, both drawn by
    assets/sql_console.js."""
    return [
        html.Label("SQL", htmlFor=EDITOR, className="small text-muted mb-1"),
        dcc.Store(id=SCHEMA_NAMES, data=names), dcc.Store(id=HIGHLIGHTED),
        html.Div([
            html.Pre(id=HIGHLIGHT, className="sql-highlight", **{"aria-hidden": "true"}),
            dcc.Textarea(id=EDITOR, value=DEFAULT_SQL, className="sql-editor", wrap="off",
                         spellCheck="false", persistence=True, persistence_type="session"),
            html.Ul(id=COMPLETE, className="sql-complete", hidden=True, role="listbox",
                    **{"aria-label": "Table and column names"}),
        ], className="sql-editor-wrap"),
        html.Div(id=COMPLETE_STATUS, className="visually-hidden", **{"aria-live": "polite"}),
        html.Small("Table and column names are suggested as you type: Tab inserts one "
                   "(or arrow keys, then Enter); Ctrl+Space asks; Escape closes; Ctrl+Enter "
                   "runs.", className="text-muted",
                   id="sql-editor-help"),
    ]


# Highlighting runs in the browser on every change of the editor's value, including
# the ones from the server (an example, the history, a link), which fire no input event.
clientside_callback(ClientsideFunction("sql_editor", "highlight"),
                    Output(HIGHLIGHTED, "data"), Input(EDITOR, "value"),
                    State(SCHEMA_NAMES, "data"))


@callback(Output(EDITOR, "value"), Output(STATUS, "children"), Output(RESULT, "children"),
          Output(LAST_SQL, "data"), Output(CSV_BUTTON, "disabled"), Output(RAN, "data"),
          Output(LOCATION, "hash"),
          Input(RUN, "n_clicks"), Input({"type": parts.EXAMPLE, "table": ALL}, "n_clicks"),
          State(EDITOR, "value"), State(LOCATION, "hash"), prevent_initial_call=True)
def run_sql(_run, _examples, sql, hash_):
    """Run the editor's SQL, or an example (which also fills the editor); either goes
    into the page's link."""
    return run_and_link(ctx.triggered_id, ctx.triggered[0]["value"], sql, hash_)


def run_and_link(trigger, clicks, sql, hash_) -> tuple:
    """run_sql's outputs, as a plain function (tests call it directly)."""
    if isinstance(trigger, dict):  # an example button
        if not clicks:
            return (no_update,) * 7
        sql = parts.examples().get(trigger.get("table"), "")
    else:
        sql = sql or ""  # not text: the sandbox refuses it with a message
    status, result, last_sql, csv_disabled = execute(sql)
    note = state.too_long_note(sql)
    if note:
        status = [*status, html.Div(note, className="text-muted")] if status else note
    link = state.link_hash(sql)
    return (sql if isinstance(trigger, dict) else no_update, status, result, last_sql,
            csv_disabled, state.text_or_none(sql),
            link if link != (hash_ or "") else no_update)


@callback(Output(EDITOR, "value", allow_duplicate=True),
          Output(STATUS, "children", allow_duplicate=True),
          Output(RESULT, "children", allow_duplicate=True),
          Output(LAST_SQL, "data", allow_duplicate=True),
          Output(CSV_BUTTON, "disabled", allow_duplicate=True),
          Output(RAN, "data", allow_duplicate=True),
          Input(LOCATION, "hash"), State(RAN, "data"), prevent_initial_call="initial_duplicate")
def open_link(hash_, ran):
    """The query in the page's link (`#q=`), when the page opens with one or back and
    forward reach one: into the editor, and run."""
    return from_link(hash_, ran)


def from_link(hash_, ran) -> tuple:
    """open_link's outputs, as a plain function (tests call it directly)."""
    link_sql, problem = state.query_from_hash(hash_)
    if problem:
        return (no_update, "", dbc.Alert(problem, color="warning", id="sql-link-error"),
                None, True, None)
    if link_sql is None or link_sql == ran:  # no query; or run_sql just put it there
        return (no_update,) * 6
    return (link_sql, *execute(link_sql), link_sql)


@callback(Output(HISTORY, "data"), Input(LAST_SQL, "data"), State(HISTORY, "data"),
          prevent_initial_call=True)
def remember(last_sql, history):
    """A query that ran without error (LAST_SQL is set only then) joins the history."""
    return state.history_add(history, last_sql) or no_update


@callback(Output(HISTORY_LIST, "children"), Input(HISTORY, "data"))
def show_history(history):
    return state.history_list(history)


@callback(Output(EDITOR, "value", allow_duplicate=True),
          Input({"type": state.HISTORY_ITEM, "index": ALL}, "n_clicks"),
          State(HISTORY, "data"), prevent_initial_call=True)
def load_from_history(_clicks, history):
    """A query picked from the history goes back into the editor (not run: edit first,
    or press Run)."""
    if not isinstance(ctx.triggered_id, dict) or not ctx.triggered[0]["value"]:
        return no_update  # the list was redrawn, nothing was clicked
    return state.history_entry(history, ctx.triggered_id.get("index")) or no_update


@callback(Output(HISTORY, "data", allow_duplicate=True), Input(HISTORY_CLEAR, "n_clicks"),
          prevent_initial_call=True)
def clear_history(_clicks):
    return []


def execute(sql: str | None) -> tuple:
    """(status, result, last sql, csv disabled) for one query; never raises."""
    timeout_s, row_cap = parts.limits()
    try:
        result = sandbox.run_on_warehouse(wh(), sql or "", timeout_s=timeout_s, row_cap=row_cap)
    except WarehouseMissing as exc:
        result = console.ConsoleResult(error=str(exc), error_kind="sql_error")
    if not result.ok:
        return ("", parts.error_alert(result), None, True)
    return (parts.status_line(result, row_cap), parts.result_grid(result), sql,
            not result.columns)


@callback(Output(CSV_DOWNLOAD, "data"), Input(CSV_BUTTON, "n_clicks"), State(LAST_SQL, "data"),
          prevent_initial_call=True)
def download_csv(_clicks, sql):
    """The last query's result as a safe CSV (formula-like cells neutralised). The query
    runs again, under the same limits, rather than shipping rows through the browser."""
    return csv_download(sql)


def csv_download(sql: str | None):
    if not sql:
        return no_update
    timeout_s, row_cap = parts.limits()
    result = sandbox.run_on_warehouse(wh(), sql, timeout_s=timeout_s, row_cap=row_cap)
    if not result.ok:
        return no_update
    return dcc.send_string(console.format_csv(result), "query.csv")
