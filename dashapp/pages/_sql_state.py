"""SQL console state kept in the browser: the query in the page's link, and the history.

The link: the query lives in the URL fragment, `/sql#q=select%201`, as the selected
title does on the Title Explorer (`#title=s123`). The query string belongs to the
global filters (their callback rewrites it and would drop a `q`), and a fragment never
reaches the server, so queries stay out of access logs and no proxy's URL limit
applies. Links hold queries of up to `LINK_MAX_CHARS` characters; a longer one is
refused with a message, never run.

Pure functions of the values the browser sends; the callbacks in sql_console.py call
them.
"""
from __future__ import annotations

from urllib.parse import parse_qs, quote, urlencode

from dash import html

from queries import validation

LINK_MAX_CHARS = 8_000     # SQL characters a link holds (its URL-encoded form is longer)
HASH_MAX_CHARS = 1_000_000  # the fragment as the browser sends it (security.py agrees)


def text_or_none(sql) -> str | None:
    """`sql` when it is text a browser can hold (valid Unicode), else None."""
    if not isinstance(sql, str):
        return None
    try:
        sql.encode("utf-8")  # a lone surrogate is refused by the console, and not storable
    except UnicodeEncodeError:
        return None
    return sql


def link_hash(sql) -> str:
    """The fragment that reproduces `sql` ("" when it is too long to share this way)."""
    sql = text_or_none(sql)
    if sql is None or not sql.strip() or len(sql) > LINK_MAX_CHARS:
        return ""
    return "#" + urlencode({"q": sql}, quote_via=quote)


def query_from_hash(hash_) -> tuple[str | None, str | None]:
    """(the link's query, or None; a message when the link cannot be used, or None).

    A fragment without `q` (or another page's, like `#title=s1`) is no query and no
    error. Not text at all is BadInput (a 400): a browser always sends text."""
    hash_ = validation.text(hash_, "URL fragment", max_len=HASH_MAX_CHARS) or ""
    values = parse_qs(hash_.removeprefix("#"), keep_blank_values=True).get("q")
    if not values:
        return None, None
    sql = values[0]
    if len(sql) > LINK_MAX_CHARS:
        return None, (f"This link's query is {len(sql):,} characters long; links hold "
                      f"queries of up to {LINK_MAX_CHARS:,}. Paste the query into the "
                      "editor instead.")
    if not sql.strip():
        return None, None
    return sql, None


def too_long_note(sql) -> str | None:
    """Why the page's link does not hold `sql`, when it does not."""
    if isinstance(sql, str) and len(sql) > LINK_MAX_CHARS:
        return (f"The page's link does not hold this query (over {LINK_MAX_CHARS:,} "
                "characters).")
    return None


# --------------------------------------------------------------------------- history
# The last HISTORY_SIZE distinct queries that ran without error, newest first, in the
# browser's local storage (dcc.Store storage_type="local"): per browser, never on the
# server. Queries a link cannot hold are not kept either (the store travels with every
# run).

HISTORY_SIZE = 20
HISTORY_ITEM = "sql-history-item"  # pattern id: {"type": HISTORY_ITEM, "index": i}
HISTORY_EMPTY = ("Queries you run without error appear here, newest first, so you can "
                 f"load one back into the editor. The last {HISTORY_SIZE} are kept in "
                 "this browser only.")


def history_from_store(data) -> list[str]:
    """The stored history as a clean list. Local storage outlives versions and can be
    edited by hand, so anything else in it is dropped rather than refused: a 400 here
    would break the console in that browser for good."""
    if not isinstance(data, list):
        return []
    kept = [q for q in data[:HISTORY_SIZE] if text_or_none(q) and q.strip()
            and len(q) <= LINK_MAX_CHARS]
    return list(dict.fromkeys(kept))


def history_add(data, sql) -> list[str] | None:
    """The history with `sql` first (once), or None when it is not kept."""
    sql = text_or_none(sql)
    if sql is None or not sql.strip() or len(sql) > LINK_MAX_CHARS:
        return None
    rest = [q for q in history_from_store(data) if q != sql]
    return [sql, *rest][:HISTORY_SIZE]


def history_entry(data, index) -> str | None:
    """The query at `index` of the stored history, if there is one."""
    history = history_from_store(data)
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(history):
        return history[index]
    return None


def history_list(data) -> html.Div:
    """One button per query (its first line; the whole text as the tooltip), or the
    empty state saying what will appear."""
    history = history_from_store(data)
    if not history:
        return html.P(HISTORY_EMPTY, className="text-muted small mb-0", id="sql-history-empty")
    return html.Div([
        html.Button(html.Code(_one_line(sql)), id={"type": HISTORY_ITEM, "index": i},
                    className="sql-example sql-history-item", title=_one_line(sql, 500))
        for i, sql in enumerate(history)])


def _one_line(sql: str, width: int = 70) -> str:
    line = " ".join(sql.split())
    return line if len(line) <= width else line[: width - 1] + "…"
