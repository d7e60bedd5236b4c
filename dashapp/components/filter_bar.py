"""The global filter bar, and the callback that keeps URL, store and controls in step.

The URL query string is the source of truth: opening a bookmarked link sets the
controls; changing a control rewrites the URL (a new history entry, so back/forward
work) and the filters store that every chart callback listens to.

Dash's pages router also listens to the query string (`_pages_location.search`) and
would re-render the whole page for every filter change, firing each chart callback a
second time. `keep_page_on_filter_change` wraps every page layout so that a change of
the query string alone leaves the rendered page in place: the charts already follow
the store. A new path (navigation, first load, back/forward across pages) renders.

A page still being drawn when a control changes is the exception: the URL write re-runs
the router, Dash drops the render in flight as stale, and a no_update would leave the
old page (or none) under the new path. So the router also gets, as State, the path the
shown content was drawn for (`PAGE_DRAWN`, set in the browser whenever the content
changes), and draws the page when that is not the path asked for.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import dash_bootstrap_components as dbc
from dash import (
    ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update)
from dash.exceptions import MissingCallbackContextException

from dashapp import ids
from dashapp.components.a11y import label_for
from queries import validation
from queries.filters import FilterOptions, Filters

# the pages router's input for the query string (dash.page_container's dcc.Location)
PAGES_SEARCH = "_pages_location.search"
PAGES_PATHNAME = "_pages_location.pathname"
PAGES_CONTENT = "_pages_content"  # dash.page_container's div the router draws into
# extra State for the router (Dash(routing_callback_inputs=...)), passed to the layout
ROUTER_STATE = {"drawn_path": State(ids.PAGE_DRAWN, "data")}

TYPE_OPTIONS = [{"label": "Movies", "value": "movie"}, {"label": "TV shows", "value": "show"}]
TYPE_WORDS = {o["value"]: o["label"] for o in TYPE_OPTIONS}   # "show" reads "TV shows"


def filter_bar(options: FilterOptions) -> dbc.Card:
    """Controls for type, release years, date added, genres, countries, ratings."""
    years = (options.year_min, options.year_max)
    # a mark every 25 years: more overlap at this width
    marks = {y: str(y) for y in range(years[0] - years[0] % 25 + 25, years[1] + 1, 25)}
    return dbc.Card(dbc.CardBody(dbc.Row([
        _field("Type", dcc.Dropdown(id=ids.FILTER_TYPE, options=TYPE_OPTIONS, multi=True,
                                    placeholder="All types"), md=4, xl=True),
        _field("Release year", dcc.RangeSlider(
            id=ids.FILTER_RELEASE, min=years[0], max=years[1], step=1, value=list(years),
            marks=marks, tooltip={"placement": "bottom"}, allowCross=False), md=8, xl=3),
        _field("Date added", dcc.DatePickerRange(
            id=ids.FILTER_ADDED, min_date_allowed=options.added_min,
            max_date_allowed=options.added_max, start_date_placeholder_text="from",
            end_date_placeholder_text="to", display_format="YYYY-MM-DD", clearable=True),
            md=4, xl=True),
        _field("Genres", dcc.Dropdown(id=ids.FILTER_GENRES, options=list(options.genres),
                                      multi=True, placeholder="All genres"), md=4, xl=True),
        dcc.Store(id=ids.GENRE_KINDS,
                  data=[list(pair) for pair in zip(options.genres, options.genre_kinds)]),
        _field("Countries", dcc.Dropdown(id=ids.FILTER_COUNTRIES,
                                         options=list(options.countries), multi=True,
                                         placeholder="All countries"), md=4, xl=True),
        # On a wide screen the Rating column is as wide as "2 selected" with its clear
        # and open buttons (app.css .filter-rating; a twelfth of the row cut "NC-17" to
        # "N…" and hid the buttons). The four columns before it share what is left
        # beside the slider's quarter: a slider under ~300 px loses its year boxes (dash).
        _field("Rating", dcc.Dropdown(id=ids.FILTER_RATINGS, options=list(options.ratings),
                                      multi=True, placeholder="All ratings"), md=4, xl="auto",
               className="filter-rating"),
        dbc.Col([
            # On a phone the six controls took the whole first screen: they stay folded
            # behind this button (app.css; assets/fold_toggles.js), the summary and
            # Reset stay in view. Wider screens have no button and every control shown.
            html.Button("Filters", id=ids.FILTER_TOGGLE, type="button",
                        className="btn btn-outline-light btn-sm me-auto filter-toggle",
                        **{"aria-expanded": "false", "aria-controls": ids.FILTER_FIELDS}),
            html.Small(id=ids.FILTER_SUMMARY, className="text-muted me-3"),
            dbc.Button("Reset filters", id=ids.FILTER_RESET, size="sm",
                       color="light", outline=True)],
                className="d-flex justify-content-end align-items-center gap-2 mt-2", md=12),
    ], className="g-2", id=ids.FILTER_FIELDS)), className="mb-3 filter-bar")


def _field(label: str, control, className: str = "", **widths) -> dbc.Col:
    """One labelled control; `widths` are its grid columns per breakpoint (md=4, xl=3;
    True: an equal share of what the others leave, "auto": its own width): one row on
    wide screens, three on tablets, one control per row on phones."""
    return dbc.Col([label_for(label, control.id), control],
                   className=f"filter-field {className}".strip(), **widths)


def filters_from_controls(kinds, release, start, end, genres, countries, ratings,
                          bounds: tuple[int, int]) -> Filters:
    """Control values → Filters; a slider at its full range means no year filter."""
    if release is not None and not (isinstance(release, list) and len(release) == 2):
        raise validation.BadInput("release years: expected a list of two years")
    year_from, year_to = release or [None, None]
    return Filters.from_store({
        "kinds": kinds, "genres": genres, "countries": countries, "ratings": ratings,
        "year_from": None if year_from == bounds[0] else year_from,
        "year_to": None if year_to == bounds[1] else year_to,
        "added_from": start, "added_to": end})


def controls_from_filters(f: Filters, bounds: tuple[int, int]) -> list:
    release = [f.year_from or bounds[0], f.year_to or bounds[1]]
    return [list(f.kinds), release, _iso(f.added_from), _iso(f.added_to), list(f.genres),
            list(f.countries), list(f.ratings)]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


CONTROLS = [(ids.FILTER_TYPE, "value"), (ids.FILTER_RELEASE, "value"),
            (ids.FILTER_ADDED, "start_date"), (ids.FILTER_ADDED, "end_date"),
            (ids.FILTER_GENRES, "value"), (ids.FILTER_COUNTRIES, "value"),
            (ids.FILTER_RATINGS, "value")]


@callback(
    Output(ids.URL, "search"), Output(ids.FILTERS_STORE, "data"),
    Output(ids.FILTER_SUMMARY, "children"),
    *[Output(i, p) for i, p in CONTROLS],
    Input(ids.URL, "search"), Input(ids.FILTER_RESET, "n_clicks"),
    *[Input(i, p) for i, p in CONTROLS],
    State(ids.FILTER_RELEASE, "min"), State(ids.FILTER_RELEASE, "max"),
    State(ids.GENRE_KINDS, "data"),
    State(ids.FILTER_COUNTRIES, "options"), State(ids.FILTER_RATINGS, "options"),
)
def sync_filters(search, _reset, kinds, release, start, end, genres, countries, ratings,
                 year_min, year_max, genre_kinds, country_options=None, rating_options=None):
    """One callback owns URL, store and controls, so they can never disagree."""
    bounds = (year_min, year_max)
    genre_kinds = _genre_kinds(genre_kinds)
    trigger = ctx.triggered_id
    left_out = ""
    if trigger == ids.FILTER_RESET:
        f = Filters()
    elif trigger in (None, ids.URL):
        f = Filters.from_query_string(search)  # first load, bookmark, back/forward
        f, left_out = known_only(f, {"genres": [g for g, *_ in genre_kinds or []],
                                     "countries": _values(country_options),
                                     "ratings": _values(rating_options)})
    else:
        f = filters_from_controls(kinds, release, start, end, genres, countries, ratings,
                                  bounds)
    # Only a control writes the URL. A URL the page was opened with (or went back to)
    # already holds these filters; rewriting it into canonical order would re-run the
    # page router while the page's first render may still be in flight, and Dash drops
    # that render as stale while the router answers the search-only change with
    # no_update: a blank page (seen on a loaded machine, tests/test_browser_filters.py).
    new_search = f.to_query_string()
    url = no_update if trigger in (None, ids.URL) or new_search == (search or "") \
        else new_search
    summary, conflict = describe(f), type_genre_conflict(f, genre_kinds)
    warning = " ".join(filter(None, [left_out, conflict]))
    if warning:
        summary = [summary, " ", html.Strong(warning, className="text-warning")]
    return [url, f.to_store(), summary, *controls_from_filters(f, bounds)]


def _genre_kinds(value) -> list[list[str]]:
    """The GENRE_KINDS store as the layout wrote it ([[genre, "movie,show"], …]); a
    crafted one is a 400 rather than a failure inside the filters."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 10_000 or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
            for p in value):
        raise validation.BadInput("genre kinds: expected [genre, kinds] pairs of texts")
    return value


def _values(options) -> list[str] | None:
    """A dropdown's option values (options are texts or {label, value} dicts)."""
    if not isinstance(options, list):
        return None
    return [o.get("value") if isinstance(o, dict) else o for o in options]


def known_only(f: Filters, known: dict[str, list[str] | None]) -> tuple[Filters, str]:
    """A link's filters without the values the catalog has no option for, and a note
    naming them. The dropdown dropped such a value itself, then the page showed the
    whole catalog under the link as if it had been applied ("country=Antarctica")."""
    kept, unknown = {}, []
    for field, allowed in known.items():
        values = getattr(f, field)
        if allowed is None or not values:
            continue
        kept[field] = tuple(v for v in values if v in allowed)
        unknown += [v for v in values if v not in allowed]
    if not unknown:
        return f, ""
    names = ", ".join(f"'{v}'" for v in unknown[:3]) + ("…" if len(unknown) > 3 else "")
    return replace(f, **kept), f"Left out of the link: {names}, not in the catalog."


def _span(what: str, low, high, between: str) -> str:
    """'released 1925–1930', 'released up to 1930', 'added from 2020-01-01'."""
    if low and high:
        return f"{what} {low}{between}{high}"
    return f"{what} from {low}" if low else f"{what} up to {high}"


def describe(f: Filters) -> str:
    """A one-line reading of the active filters, for the bar and screen readers."""
    if f.is_empty():
        return "No filters: the whole catalog."
    parts = [", ".join(TYPE_WORDS.get(k, k) for k in f.kinds)] if f.kinds else []
    if f.year_from or f.year_to:
        parts.append(_span("released", f.year_from, f.year_to, "–"))
    if f.added_from or f.added_to:
        parts.append(_span("added", _iso(f.added_from), _iso(f.added_to), " to "))
    for label, values in (("genres", f.genres), ("countries", f.countries),
                          ("ratings", f.ratings)):
        if values:
            parts.append(f"{label}: {', '.join(values[:3])}{'…' if len(values) > 3 else ''}")
    return "Filtered: " + "; ".join(parts)


def type_genre_conflict(f: Filters, genre_kinds: list | None) -> str:
    """Why no title can match, when the type and the genres chosen exclude each other
    (`genre_kinds`: [genre, "movie,show"] pairs); else ''. Every chart would otherwise be
    empty with no reason given (a URL can still carry both, e.g. a bookmark)."""
    held = dict(genre_kinds or [])
    if not (f.kinds and f.genres) or not all(g in held for g in f.genres):
        return ""
    if any(k in held[g].split(",") for g in f.genres for k in f.kinds):
        return ""
    others = sorted({k for g in f.genres for k in held[g].split(",")})
    return (f"No title matches: {' and '.join(f.genres[:3])} "
            f"{'holds' if len(f.genres) == 1 else 'hold'} only "
            f"{' and '.join(TYPE_WORDS.get(k, k) for k in others)}.")


# A type chosen narrows the genres offered to that type's (in the browser: no round
# trip); a genre already chosen stays listed, so the bar can still show and remove it.
clientside_callback(
    """function (kinds, pairs, chosen) {
        pairs = pairs || []; chosen = chosen || [];
        if (!kinds || !kinds.length) return pairs.map(p => p[0]);
        return pairs.filter(p => chosen.includes(p[0])
                            || p[1].split(',').some(k => kinds.includes(k))).map(p => p[0]);
    }""",
    Output(ids.FILTER_GENRES, "options"), Input(ids.FILTER_TYPE, "value"),
    State(ids.GENRE_KINDS, "data"), State(ids.FILTER_GENRES, "value"))


@callback(Output({"type": ids.NAV_LINK, "page": ALL}, "href"),
          Input(ids.URL, "search"), Input({"type": ids.NAV_LINK, "page": ALL}, "id"))
def carry_filters_in_nav(search, link_ids):
    """Navigation keeps the filters: every nav link carries the current query string."""
    import dash
    paths = {p["module"]: p["relative_path"] for p in dash.page_registry.values()}
    return [paths[i["page"]] + (search or "") for i in link_ids]


# Runs in the browser when the router's content arrives: the path it was drawn for is
# the one in the address bar (navigation writes the URL before the router runs).
clientside_callback(
    "function (content) { return content ? window.location.pathname : null; }",
    Output(ids.PAGE_DRAWN, "data"), Input(PAGES_CONTENT, "children"),
    prevent_initial_call=True)


def keep_page_on_filter_change(registry: dict) -> None:
    """Wrap every registered page's layout (call once, after the pages are imported)."""
    for page in registry.values():
        if not getattr(page["layout"], "keeps_page_on_filter_change", False):
            page["layout"] = _unless_search_only(page["layout"])


def _unless_search_only(layout) -> Callable:
    """The page's layout, or no_update when the router fired only because `?search`
    changed and the content shown was drawn for this path: the filter callback has
    already pushed the new filters to the store."""
    def render(drawn_path=None, **kwargs):
        if search_only_change(_triggered()) and drawn_path == _router_path():
            return no_update
        return layout(**kwargs) if callable(layout) else layout
    if callable(layout):
        functools.update_wrapper(render, layout)
    render.keeps_page_on_filter_change = True
    return render


def _triggered() -> dict:
    """What fired the router ({} when a layout is rendered outside a callback)."""
    try:
        return ctx.triggered_prop_ids
    except MissingCallbackContextException:
        return {}


def _router_path() -> str | None:
    """The path the router was asked for (as the browser has it, with any URL prefix)."""
    try:
        return ctx.inputs.get(PAGES_PATHNAME)
    except MissingCallbackContextException:
        return None


def search_only_change(triggered: dict) -> bool:
    """True when the query string is the only thing about the location that changed."""
    return list(triggered) == [PAGES_SEARCH]
