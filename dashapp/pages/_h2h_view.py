"""Head-to-Head helpers: the page state in the URL path, the pickers, the metrics table
and the verdict banner (not a page: the leading underscore keeps Dash from registering
it).

The comparison lives in the path, /head-to-head/<mode>/<a>/<b> (each part
percent-encoded), because the global filter callback owns the query string and rewrites
it to the filter keys only. So a link such as
/head-to-head/genre/Dramas/Comedies?type=movie carries both, survives filter changes
(the page is re-rendered with the same path), and reaches the server as the Referer of
every callback request, which is how the CSV downloads know what is being compared.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlparse

import dash_bootstrap_components as dbc
import polars as pl
from dash import dcc, html

from dashapp.components.a11y import label_for
from dashapp.figures import head_to_head as figs
from queries import catalog, validation
from queries import head_to_head as h2h
from queries.db import Warehouse

PAGE_PATH = "/head-to-head"
PATH_TEMPLATE = PAGE_PATH + "/<mode>/<a>/<b>"
MODE = "h2h-mode"
PICKER = "h2h-picker"          # pattern id: {"type": PICKER, "side": "a" | "b"}
PREFERRED_GENRES = ("Dramas", "Comedies")


@dataclass(frozen=True)
class State:
    mode: str
    a: str
    b: str
    names: dict[str, str] = field(default_factory=dict)
    options: dict[str, list] = field(default_factory=dict)

    def to_store(self) -> dict:
        return {"mode": self.mode, "a": self.a, "b": self.b, "names": self.names}

    @classmethod
    def from_store(cls, data) -> "State":
        """The page's store as the browser sent it back; any other shape → BadInput."""
        data = validation.mapping(data, "head-to-head state", optional=False)
        mode = validation.one_of(data.get("mode"), "mode", h2h.MODES, optional=False)
        a = validation.text(data.get("a"), "a", max_len=500, optional=False)
        b = validation.text(data.get("b"), "b", max_len=500, optional=False)
        names = validation.mapping(data.get("names"), "names")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
            raise validation.BadInput("names: expected texts")
        return cls(mode, a, b, names)


def page_path(mode: str, a: str, b: str) -> str:
    return "/".join([PAGE_PATH, quote(mode, safe=""), quote(a, safe=""), quote(b, safe="")])


def parse_path(path: str | None) -> tuple[str | None, str | None, str | None]:
    """(mode, a, b) from a pathname (any prefix before /head-to-head is ignored)."""
    parts = [unquote(p) for p in (path or "").split("/")]
    if "head-to-head" not in parts:
        return None, None, None
    rest = parts[parts.index("head-to-head") + 1:] + [None, None, None]
    return rest[0], rest[1], rest[2]


def group_options(wh: Warehouse, mode: str) -> list[str]:
    opts = catalog.filter_options(wh)
    return list(opts.genres if mode == "genre" else opts.countries)


def title_option(row: dict) -> dict:
    kind = "show" if row["kind"] == "show" else "movie"
    return {"label": f"{row['title']} ({row['release_year']}, {kind})",
            "value": row["show_id"]}


def title_options(wh: Warehouse, search: str, keep: list[str]) -> list[dict]:
    """Search results plus the titles already picked (so the pickers keep their labels)."""
    kept = [title_option(r) for r in h2h.title_labels(wh, keep).iter_rows(named=True)]
    found = [title_option(r) for r in h2h.title_search(wh, search).iter_rows(named=True)]
    seen = {o["value"] for o in kept}
    return kept + [o for o in found if o["value"] not in seen]


def _fill(a: str | None, b: str | None, valid, candidates: list[str]) -> tuple[str, str]:
    """Keep valid picks; fill the others from `candidates`, never repeating the other side."""
    a = a if a in valid else None
    b = b if b in valid else None
    if a is None:
        a = next((c for c in candidates if c != b), "")
    if b is None:
        b = next((c for c in candidates if c != a), a)
    return a, b


def resolve(wh: Warehouse, mode: str | None, a: str | None, b: str | None) -> State:
    """A valid state: unknown modes or picks fall back to sensible defaults."""
    mode = h2h.mode_or_default(mode)
    if mode in h2h.GROUP_MODES:
        options = group_options(wh, mode)
        preferred = [g for g in PREFERRED_GENRES if g in options] if mode == "genre" else []
        a, b = _fill(a, b, set(options), preferred + options)
        opts = [{"label": o, "value": o} for o in options]
        return State(mode, a, b, {"a": a, "b": b}, {"a": opts, "b": opts})
    found = {r["show_id"] for r in h2h.title_labels(wh, [a or "", b or ""]).iter_rows(named=True)}
    a, b = _fill(a, b, found, h2h.title_search(wh, "", limit=3)["show_id"].to_list())
    opts = title_options(wh, "", [a, b])
    names = {o["value"]: o["label"].rsplit(" (", 1)[0] for o in opts}
    return State(mode, a, b, {"a": names.get(a, a), "b": names.get(b, b)},
                 {"a": opts, "b": opts})


def next_path(wh: Warehouse, mode_changed: bool, mode: str | None, picks: list,
              store: dict | None) -> str | None:
    """Where a control change leads: a new mode starts from that mode's defaults; a
    new pick keeps the mode. None when nothing changed (or a picker was emptied)."""
    if not store or not mode:
        return None
    store = State.from_store(store).to_store()
    mode = validation.one_of(mode, "mode", h2h.MODES)
    if not isinstance(picks, list) or not all(p is None or isinstance(p, str) for p in picks):
        raise validation.BadInput("picks: expected texts")
    a, b = (list(picks or []) + [None, None])[:2]
    if mode_changed:
        if mode == store["mode"]:
            return None
        a = b = None
    elif not a or not b or (a, b) == (store["a"], store["b"]):
        return None
    state = resolve(wh, mode, a, b)
    return page_path(state.mode, state.a, state.b)


def state_from_request(wh: Warehouse) -> State:
    """The state of the page that sent the current request (its Referer), for CSVs."""
    from flask import has_request_context, request
    referrer = request.referrer if has_request_context() else None
    return resolve(wh, *parse_path(urlparse(referrer or "").path))


def controls(state: State) -> dbc.Card:
    note = ("Titles are compared as they are: the global filters do not apply to them."
            if state.mode == "title" else
            "Both sides count the titles that pass the global filters.")
    searchable = {"placeholder": "Type to search titles…"} if state.mode == "title" else {}
    pickers = [dbc.Col([label_for(f"Side {side.upper()}", {"type": PICKER, "side": side}),
                        dcc.Dropdown(id={"type": PICKER, "side": side}, value=getattr(state, side),
                                     options=state.options[side], clearable=False,
                                     **searchable)], md=4)
               for side in ("a", "b")]
    return dbc.Card(dbc.CardBody([
        dbc.Row([
            dbc.Col([html.Label("Compare", className="small text-muted mb-1"),
                     dbc.RadioItems(id=MODE, value=state.mode, inline=True,
                                    options=[{"label": v, "value": k}
                                             for k, v in h2h.MODES.items()])], md=4),
            pickers[0], pickers[1],
        ], className="g-3 align-items-end"),
        html.Small(note, className="text-muted"),
    ]), className="mb-3")


def verdict_banner(table: pl.DataFrame, state: State, colours: dict[str, str],
                   measured: set[str] = frozenset()) -> dbc.Alert:
    """Who wins, and the list of performance metrics each side won."""
    if state.a == state.b:
        return dbc.Alert("Both sides are the same: pick two different ones to compare.",
                         color="secondary")
    v = figs.verdict(table)
    if not (v["won"]["a"] or v["won"]["b"] or v["ties"]):
        return dbc.Alert(figs.verdict_sentence(v, state.names, measured), color="secondary")
    lists = [dbc.Col([html.Div([html.Span("■ ", style={"color": colours[side]}),
                                html.Strong(state.names[side]),
                                f" won {len(v['won'][side])}"]),
                      html.Ul([html.Li(m) for m in v["won"][side]] or
                              [html.Li("no metric", className="text-muted")],
                              className="small mb-0")], md=5)
             for side in ("a", "b")]
    return dbc.Alert([
        html.H4(f"Winner: {state.names[v['winner']]}" if v["winner"] else "No winner: a draw",
                className="alert-heading mb-1", id="h2h-winner"),
        html.P(figs.verdict_sentence(v, state.names), className="mb-2 small"),
        dbc.Row(lists),
    ], color="dark", className="border border-secondary mb-3")


def metrics_table(table: pl.DataFrame, side_titles: dict[str, int], state: State,
                  colours: dict[str, str]) -> html.Div:
    """Metric | A | B, the better value marked; descriptive metrics in muted text."""
    single = state.mode == "title"
    head = html.Thead(html.Tr([html.Th("Metric")] + [
        # the side's colour as a swatch: as text colour it was 3.3:1 on the page
        html.Th([html.Span("■ ", style={"color": colours[s]}), state.names[s]])
        for s in ("a", "b")]))
    rows = [] if single else [html.Tr([html.Td("Titles"), html.Td(f"{side_titles.get('a', 0):,}"),
                                       html.Td(f"{side_titles.get('b', 0):,}")])]
    for r in table.iter_rows(named=True):
        cells = []
        for side in ("a", "b"):
            text = figs.format_value(r["metric"], r[f"{side}_value"], single)
            won = r["better"] == side
            cells.append(html.Td([text, " ✓" if won else ""],
                                 className="fw-bold" if won else None))
        rows.append(html.Tr([html.Td([r["label"], html.Br(),
                                      html.Small(r["unit"], className="text-muted")])] + cells,
                            className=None if r["performance"] else "text-muted"))
    if not rows:
        return html.P("Neither side has titles under these filters.", className="text-muted")
    return dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, responsive=True,
                     className="mb-0 h2h-table")
