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
