"""The global filter bar's state: parsed from the URL, bound as SQL parameters.

Every page query selects `from filtered_titles($filters)` (a table macro built with the
warehouse, warehouse/sql/macros/filtered_titles.sql) and its wrapper passes
`**filters.params()`: the whole filter state is one STRUCT parameter, so adding a filter
touches the filter bar, this type and that macro, never the page queries. The URL query
string is the source of truth, so any view can be bookmarked and shared:

    ?type=movie&release=1990-2021&added=2019-01-01..2021-09-30&genre=Dramas&country=India&rating=TV-MA
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from urllib.parse import parse_qs, urlencode

from queries import validation

KINDS = ("movie", "show")
MAX_VALUES = 50  # a URL can carry anything; more values than this are ignored


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    added_from: date | None = None
    added_to: date | None = None
    genres: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()

    def params(self) -> dict:
        """The bound parameter `$filters`: a dict DuckDB binds as a STRUCT (lists for the
        list fields; the macro casts each field, as None and [] bind untyped)."""
        return {"filters": {"kinds": list(self.kinds), "year_from": self.year_from,
                            "year_to": self.year_to, "added_from": self.added_from,
                            "added_to": self.added_to, "genres": list(self.genres),
                            "countries": list(self.countries),
                            "ratings": list(self.ratings)}}

    def is_empty(self) -> bool:
        return self == Filters()

    def to_query_string(self) -> str:
        """'?type=movie&genre=Dramas…' (empty string when nothing is filtered)."""
        pairs = [("type", k) for k in self.kinds]
        if self.year_from is not None or self.year_to is not None:
            pairs.append(("release", f"{self.year_from or ''}-{self.year_to or ''}"))
        if self.added_from or self.added_to:
            pairs.append(("added", f"{self.added_from or ''}..{self.added_to or ''}"))
        pairs += [("genre", g) for g in self.genres]
        pairs += [("country", c) for c in self.countries]
        pairs += [("rating", r) for r in self.ratings]
        return "?" + urlencode(pairs) if pairs else ""

    def to_store(self) -> dict:
        """JSON-safe form for dcc.Store."""
        data = asdict(self)
        data["added_from"] = self.added_from.isoformat() if self.added_from else None
        data["added_to"] = self.added_to.isoformat() if self.added_to else None
        return data

    @classmethod
    def from_store(cls, data: dict | None) -> "Filters":
        """The filter store's data; not an object → BadInput (a 400), malformed fields
        are ignored like a malformed URL's."""
        data = validation.mapping(data, "filters")
        if not data:
            return cls()
        return cls(kinds=_clean_list(data.get("kinds"), KINDS),
                   year_from=_int(data.get("year_from")), year_to=_int(data.get("year_to")),
                   added_from=_date(data.get("added_from")),
                   added_to=_date(data.get("added_to")),
                   genres=_clean_list(data.get("genres")),
                   countries=_clean_list(data.get("countries")),
                   ratings=_clean_list(data.get("ratings")))

    @classmethod
    def from_query_string(cls, search: str | None) -> "Filters":
        """Parse a URL query string; malformed parts are ignored, never fatal."""
        q = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
        year_from, year_to = _split(q.get("release", [""])[0], "-", _int)
        added_from, added_to = _split(q.get("added", [""])[0], "..", _date)
        return cls(kinds=_clean_list(q.get("type"), KINDS), year_from=year_from,
                   year_to=year_to, added_from=added_from, added_to=added_to,
                   genres=_clean_list(q.get("genre")), countries=_clean_list(q.get("country")),
                   ratings=_clean_list(q.get("rating")))


def _clean_list(values, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Unique, trimmed, bounded; restricted to `allowed` when given. Unknown genre or
    country names need no allow-list: they are bound values and simply match nothing."""
    out: list[str] = []
    if not isinstance(values, (list, tuple)):
        return ()
    for v in values:
        v = str(v).strip()[:200]
        if v and v not in out and (allowed is None or v in allowed):
            out.append(v)
    return tuple(out[:MAX_VALUES])


def _int(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1800 <= number <= 2200 else None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except (TypeError, ValueError):
        return None


def _split(text: str, sep: str, parse) -> tuple:
    if sep not in text:
        return None, None
    left, right = text.split(sep, 1)
    return parse(left) if left else None, parse(right) if right else None


@dataclass(frozen=True)
class FilterOptions:
    """What the filter bar offers, read from the warehouse."""
    year_min: int
    year_max: int
    added_min: date
    added_max: date
    genres: tuple[str, ...] = field(default_factory=tuple)
    genre_kinds: tuple[str, ...] = field(default_factory=tuple)  # per genre: 'movie,show'…
    countries: tuple[str, ...] = field(default_factory=tuple)
    ratings: tuple[str, ...] = field(default_factory=tuple)
