"""Title Explorer: the table's view state (sort, page) and its rendering.

Pure functions, so the page's callback stays thin and tests call them directly. Every
title and description reaches the browser as a text child (React escapes it), never
as HTML or Markdown.
"""
from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, quote

from dash import html

from base.text import counted
from queries import titles
from queries.filters import Filters
from queries.titles import TitlePage

ROW = "titles-row"    # pattern id: {"type": ROW, "show_id": <id>} (a table row)
SORT = "titles-sort"  # pattern id: {"type": SORT, "col": <sort key>} (a header button)
FIRST, PREV, NEXT, LAST = "titles-first", "titles-prev", "titles-next", "titles-last"
GOTO = "titles-goto"
SEARCH = "titles-search"
PAGE_SIZE = "titles-page-size"

# (sort key, header) in on-screen order; every key is in queries.titles.SORTS
COLUMNS: list[tuple[str, str]] = [
    ("title", "Title"), ("kind", "Type"), ("release_year", "Released"),
    ("date_added", "Added"), ("maturity_rating", "Rating"), ("runtime_minutes", "Length"),
    ("primary_genre", "Genre"), ("imdb_score", "IMDb"), ("imdb_votes", "Votes"),
    ("tmdb_popularity", "TMDB pop."),
]
WRAPS = {"title", "primary_genre"}
NUMERIC = {"release_year", "imdb_score", "imdb_votes", "tmdb_popularity", "runtime_minutes"}
KIND_TEXT = {"movie": "Movie", "show": "TV show"}


def default_view() -> dict:
    return {"sort": titles.DEFAULT_SORT, "descending": titles.SORTS[titles.DEFAULT_SORT][1],
            "page": 1, "context": None}


def context_key(store: dict | None, search: str | None, page_size) -> str:
    """What a page number is relative to: a change of filters, search or page size
    starts again at page 1 (also when the page was rendered anew by navigation)."""
    return json.dumps([Filters.from_store(store).to_query_string(),
                       titles.clean_search(search), titles.clean_page_size(page_size)])


def next_view(view: dict | None, trigger, context: str, goto=None) -> dict:
    """The view after a click: sort header, pager button, go-to box or a new context."""
    view = {**default_view(), **(view or {})}
    view["sort"] = titles.clean_sort(view.get("sort"))
    if isinstance(trigger, dict) and trigger.get("type") == SORT:
        col = trigger.get("col") if trigger.get("col") in titles.SORTS else titles.DEFAULT_SORT
        # the first click on a column sorts by it, even the default one ("chosen":
        # until then a search lists its best matches first)
        same = col == view["sort"] and view.get("chosen")
        view.update(sort=col, page=1, chosen=True,
                    descending=(not view["descending"]) if same else titles.SORTS[col][1])
    elif trigger == FIRST:
        view["page"] = 1
    elif trigger == PREV:
        view["page"] = max(1, int(view["page"]) - 1)
    elif trigger == NEXT:
        view["page"] = int(view["page"]) + 1
    elif trigger == LAST:
        view["page"] = 10**9  # clamped to the last page by the query wrapper
    elif trigger == GOTO and _positive_int(goto):
        view["page"] = _positive_int(goto)
    if view.get("context") != context:
        view["page"], view["context"] = 1, context
    return view


def _positive_int(value) -> int | None:
    """A page number: a whole number of at least 1 ("2.5" is not one)."""
    try:
        number = int(value)
        whole = number == float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if whole and number >= 1 else None


def selected_id(hash_: str | None) -> str | None:
    """'#title=s123' → 's123' (None for anything else)."""
    values = parse_qs((hash_ or "").lstrip("#")).get("title")
    return titles.clean_show_id(values[0]) if values else None


def title_href(show_id: str) -> str:
    """Link to a title's detail panel: only the URL fragment changes, so the filters'
    query string (owned by the filter bar) is left alone."""
    return "#title=" + quote(show_id, safe="_-")


def shown_sort(view: dict, search: str | None) -> str:
    """The order the table is in: a search lists its best matches first until a
    column is chosen."""
    if titles.clean_search(search) and not view.get("chosen"):
        return titles.BEST_MATCH
    return view["sort"]


def header_labels(view: dict) -> list:
    """Children of the sortable header buttons, in COLUMNS order (an arrow on the
    active column)."""
    arrow = " ▼" if view["descending"] else " ▲"
    return [label + (arrow if key == view["sort"] else "") for key, label in COLUMNS]


def header_row() -> html.Tr:
    return html.Tr([
        html.Th(html.Button(label, id={"type": SORT, "col": key}, n_clicks=0,
                            className="sort-button" + (" text-end" if key in NUMERIC else ""),
                            title=f"Sort by {label.lower()}"),
                className="text-end" if key in NUMERIC else None)
        for key, label in COLUMNS])


def body_rows(page: TitlePage, selected: str | None) -> list[html.Tr]:
    if page.total == 0:
        # held to the visible width: the cell spans the whole table, which a phone
        # scrolls sideways, and centred text ran off screen there
        return [html.Tr(html.Td(html.Div(
            "No titles match this search and these filters. Clear the search or widen "
            "the filters.", style={"position": "sticky", "left": 0, "whiteSpace": "normal",
                                   "maxWidth": "calc(100vw - 5rem)"}),
            colSpan=len(COLUMNS), className="text-muted py-4"))]
    return [_row(r, r["show_id"] == selected) for r in page.rows.iter_rows(named=True)]


def _row(r: dict, selected: bool) -> html.Tr:
    cells = [html.Td(html.A(r["title"], href=title_href(r["show_id"]), className="title-link"))]
    cells += [html.Td(_cell(key, r), className=_cell_class(key)) for key, _ in COLUMNS[1:]]
    return html.Tr(cells, id={"type": ROW, "show_id": r["show_id"]},
                   className=row_class(selected))


def _cell_class(key: str) -> str | None:
    if key in NUMERIC:
        return "text-end nowrap"
    return None if key in WRAPS else "nowrap"


def row_class(selected: bool) -> str:
    return "titles-row selected" if selected else "titles-row"


def _cell(key: str, r: dict) -> str:
    value = r.get(key)
    if key == "kind":
        return KIND_TEXT.get(value, value or "—")
    if key == "runtime_minutes":
        return length_text(r)
    if value is None:
        return "—"
    if isinstance(value, date):
        return value.isoformat()
    if key == "imdb_score":
        return f"{value:.1f}"
    if key == "tmdb_popularity":
        return f"{value:,.1f}"
    if isinstance(value, int) and key != "release_year":
        return f"{value:,}"
    return str(value)


def length_text(r: dict) -> str:
    if r.get("runtime_minutes") is not None:
        return f"{r['runtime_minutes']} min"
    if r.get("seasons") is not None:
        return counted(r["seasons"], "season")
    return "—"


def summary_text(page: TitlePage, sort: str | None = None) -> str:
    if page.total == 0:
        return "No titles match."
    last = page.first_row + page.rows.height - 1
    order = " · best matches first" if sort == titles.BEST_MATCH else ""
    return (f"{counted(page.total, 'title')} match · "
            f"showing {page.first_row:,}–{last:,}{order}")


def pager_text(page: TitlePage) -> str:
    return f"Page {page.page:,} of {page.pages:,}"
