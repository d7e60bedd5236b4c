"""Typed wrappers for the Title Explorer (queries/sql/titles_*.sql of the same name).

Paging happens in SQL: `titles_count` counts the filtered, searched titles and
`titles_page` returns one page with LIMIT/OFFSET, all values bound. The sort column
is a key of SORTS (an allow-list); anything else falls back to DEFAULT_SORT. A page in
the second half of a long result is read backwards from the end (`reverse`), so
"last page" costs what "first page" costs instead of a top-N over the whole table.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import polars as pl

from queries.db import Warehouse
from queries.filters import Filters

# sort key → (column label, descending by default). The SQL's CASE lists the same
# keys (tests/test_page_titles.py checks both agree).
SORTS: dict[str, tuple[str, bool]] = {
    "title": ("Title", False),
    "kind": ("Type", False),
    "release_year": ("Released", True),
    "date_added": ("Added", True),
    "maturity_rating": ("Rating", False),
    "runtime_minutes": ("Runtime", True),
    "seasons": ("Seasons", True),
    "primary_genre": ("Genre", False),
    "primary_country": ("Country", False),
    "imdb_score": ("IMDb", True),
    "imdb_votes": ("IMDb votes", True),
    "tmdb_popularity": ("TMDB popularity", True),
}
DEFAULT_SORT = "date_added"
PAGE_SIZES = (25, 50, 100)
MAX_SEARCH = 100  # characters; a longer search is cut, never an error
_SHOW_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class TitlePage:
    """One page of the explorer and where it sits in the whole result."""
    rows: pl.DataFrame
    total: int
    page: int
    pages: int
    page_size: int

    @property
    def first_row(self) -> int:
        """1-based number of the page's first row (0 when nothing matches)."""
        return 0 if self.total == 0 else (self.page - 1) * self.page_size + 1


def clean_search(text: str | None) -> str | None:
    """The bound search value: trimmed, spaces collapsed, lower-cased, cut to
    MAX_SEARCH characters; None for nothing to search."""
    words = " ".join(str(text or "").split())[:MAX_SEARCH]
    return words.lower() or None


def clean_show_id(value: str | None) -> str | None:
    """A plausible show_id (s123, s123_r4) or None; the id is bound anyway."""
    value = (value or "").strip()
    return value if _SHOW_ID.match(value) else None


# Not a column: a search's results, best match first (titles_page.sql says the order).
BEST_MATCH = "match"


def clean_sort(key: str | None) -> str:
    return key if key in SORTS or key == BEST_MATCH else DEFAULT_SORT


def clean_page_size(size) -> int:
    try:
        size = int(size)
    except (TypeError, ValueError):
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def titles_count(wh: Warehouse, filters: Filters = Filters(), search: str | None = None) -> int:
    """Grain: one row, the number of titles passing the filters and the search."""
    frame = wh.query("titles_count", search=clean_search(search), **filters.params())
    return int(frame["titles"][0])


def titles_page(wh: Warehouse, filters: Filters = Filters(), search: str | None = None,
                sort: str = DEFAULT_SORT, descending: bool | None = None, page: int = 1,
                page_size: int = PAGE_SIZES[0], total: int | None = None) -> TitlePage:
    """Grain: one row per title on the requested page (page clamped to 1…pages).

    `descending=None` uses the column's default direction. Pass `total` when it is
    already known (from titles_count) to save the count query."""
    sort, page_size = clean_sort(sort), clean_page_size(page_size)
    if sort == BEST_MATCH and clean_search(search) is None:
        sort, descending = DEFAULT_SORT, None   # nothing searched: nothing to match
    if descending is None:
        descending = SORTS[sort][1] if sort in SORTS else False
    if total is None:
        total = titles_count(wh, filters, search)
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, int(page or 1)), pages)
    offset, limit, reverse = _window(total, page, page_size)
    rows = wh.query("titles_page", search=clean_search(search), sort_key=sort,
                    descending=bool(descending), reverse=reverse, page_size=limit,
                    row_offset=offset, **filters.params())
    if reverse:
        rows = rows.reverse()
    return TitlePage(rows, total, page, pages, page_size)


def _window(total: int, page: int, page_size: int) -> tuple[int, int, bool]:
    """(offset, limit, reverse) for a page: pages past the middle are read backwards."""
    offset = (page - 1) * page_size
    limit = max(0, min(page_size, total - offset))
    # A top-N keeps offset + limit rows; read backwards it keeps total - offset.
    if total - offset < offset + limit:
        return total - offset - limit, limit, True
    return offset, page_size, False


def titles_detail(wh: Warehouse, show_id: str | None) -> dict | None:
    """Grain: one title (every column), or None when the id is unknown."""
    show_id = clean_show_id(show_id)
    if show_id is None:
        return None
    frame = wh.query("titles_detail", show_id=show_id)
    return frame.row(0, named=True) if frame.height else None


def titles_people(wh: Warehouse, show_id: str) -> pl.DataFrame:
    """Grain: one row per person × role of the title (directors first, billing order)."""
    return wh.query("titles_people", show_id=show_id)


def titles_matches(wh: Warehouse, show_id: str) -> pl.DataFrame:
    """Grain: one row per source the title was matched to (imdb, tmdb_market)."""
    return wh.query("titles_matches", show_id=show_id)


def titles_similar(wh: Warehouse, show_id: str, max_titles: int = 8) -> pl.DataFrame:
    """Grain: one row per similar title (same categories or shared people), best first."""
    return wh.query("titles_similar", show_id=show_id, max_titles=int(max_titles))

