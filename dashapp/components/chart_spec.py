"""A chart declared once: `Chart(...)` gives its card, its callback, its CSV download
and its error state.

A page lists its charts as `Chart` specs and calls `register_charts(*specs)` once at
import; its layout places `spec.card()`. From each spec:

* the card: `chart_card(spec.id, ...)` (dashapp/components/chart.py, the one markup);
* the callback: filters store (+ the spec's page-local `inputs`) → `query` → `figure`
  and `insights`. Specs whose `query` is the same function (and inputs) share one
  callback, so their query runs once per change (Universe's map and countries bar);
* the CSV download: `csv(filters)`, by default the query's frame under the filters;
* the error state: a query that times out or no published warehouse show their message
  in the card (an empty figure saying why, and the same sentence in the insights), no
  trained model the model panels' NOT_TRAINED note, instead of an empty card or a
  server error.

A chart may also fill outputs `beside` its card from the same data (Head-to-Head's
verdict and table, the cluster cards), each showing the error's message in their
place; and a chart that does not follow the global filters (a model's output picked by
the page's own controls) says `filtered=False`: its callback then has no filters input
and its query takes the controls' values alone.

Adding a chart: its SQL file and wrapper, its figure and insights functions, one spec,
one test. Naming: the spec id is `<page>-<what>`, the query wrapper `<what>` runs
queries/sql/<page>_<what>.sql, and the figure function is `<what>` too, where a page's
names have not long been known otherwise (ids are in bookmarks' and tests' selectors).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, callback

from base.errors import UserError
from dashapp import ids
from dashapp.components import model_status
from dashapp.components.chart import (
    chart_card,
    graph_id,
    insight_items,
    insights_id,
    register_csv,
)
from dashapp.figures.base import Figure, empty_figure
from models.artifacts import ModelMissing
from queries.filters import Filters

# What a chart shows in place of its figure when its data cannot be had: a message for
# the user (the exception's own, written for them), never a traceback or a blank card.
SHOWN_ERRORS = (UserError, ModelMissing)
FILTERS = Input(ids.FILTERS_STORE, "data")


@dataclass(frozen=True)
class Chart:
    """One chart card. `query(filters, *values)` returns its data (a frame, or a page's
    own bundle of one with what draws it), where `values` are the page-local `inputs`'
    values; `figure(data, *values)` and `insights(data, *values)` draw and describe it.
    `csv(filters)` is the downloadable data (default: the query's frame with no
    page-local values, i.e. its defaults; required when the data is not a frame)."""
    id: str
    query: Callable[..., Any]
    figure: Callable[..., Figure | go.Figure]  # Figure: base.figure's plain JSON
    insights: Callable[..., list[str]]
    how_to_read: str
    # the figure's title when it shows an error instead (a function of the inputs'
    # values where the title depends on them); required by register_charts, so a card
    # in an error state still says what it is
    title: str | Callable[..., str] = ""
    csv: Callable[[Filters], pl.DataFrame] | None = None
    inputs: tuple[Input, ...] = ()
    height: int = 420
    min_width: int | None = None  # px it keeps on a phone, scrolling in its card
    config: dict | None = None
    extra: Callable[[], list] | None = None  # controls above the graph (made per layout)
    # sentences before the insights computed from the filters, not the frame: what the
    # chart rests on ("Based on 5,586 of 8,807 titles with an engagement score")
    notes: Callable[..., list[str]] | None = None
    # other outputs drawn from the same data: (Output, draw(data, *values))
    beside: tuple[tuple[Output, Callable[..., Any]], ...] = ()
    filtered: bool = True  # False: no global filters; query(*values)

    def card(self, config: dict | None = None, how_to_read: str | None = None) -> dbc.Card:
        """The card; `config` adds Plotly config known only at layout time (an asset
        URL), `how_to_read` replaces the spec's where it depends on the page's state."""
        return chart_card(self.id, how_to_read=how_to_read or self.how_to_read,
                          height=self.height, min_width=self.min_width,
                          extra=self.extra() if self.extra else None,
                          config={**(self.config or {}), **(config or {})} or None)

    def outputs(self) -> list[Output]:
        return [Output(graph_id(self.id), "figure"), Output(insights_id(self.id), "children"),
                *(output for output, _ in self.beside)]

    def draw(self, data, *values, filters: Filters | None = None) -> tuple:
        lead = self.notes(filters or Filters(), *values) if self.notes else []
        return (self.figure(data, *values), insight_items(lead + self.insights(data, *values)),
                *(draw(data, *values) for _, draw in self.beside))

    def error(self, exc: Exception, *values) -> tuple:
        title = self.title(*values) if callable(self.title) else self.title
        message = str(exc) or type(exc).__name__
        beside = tuple(dbc.Alert(message, color="warning") for _ in self.beside)
        if isinstance(exc, ModelMissing):  # the panel's status alert says which and why
            return empty_figure(title, model_status.NOT_TRAINED), [], *beside
        return empty_figure(title, message), insight_items([message]), *beside


@dataclass
class ChartCallback:
    """The one callback of the specs that share a query; callable as the page's
    update function (tests call it with a filters store and the inputs' values)."""
    specs: tuple[Chart, ...]
    name: str = field(default="")

    def __call__(self, *args):
        first = self.specs[0]
        filters, values = (Filters.from_store(args[0]), args[1:]) if first.filtered \
            else (None, args)
        try:
            data = first.query(filters, *values) if first.filtered else first.query(*values)
            return _flat(spec.draw(data, *values, filters=filters) for spec in self.specs)
        except SHOWN_ERRORS as exc:
            return _flat(spec.error(exc, *values) for spec in self.specs)


def register_charts(*specs: Chart) -> dict[str, ChartCallback]:
    """Register every spec's callback and CSV source; spec id → its callback (specs
    sharing a query map to the same one)."""
    groups: dict[tuple, list[Chart]] = {}
    for spec in specs:
        if not (spec.filtered or spec.csv):
            raise ValueError(f"{spec.id}: a chart without the filters names its csv source")
        if not spec.title:  # its error state (no data to draw from) still says what it is
            raise ValueError(f"{spec.id}: a chart names its title (title=), for its error state")
        groups.setdefault((spec.query, spec.inputs, spec.filtered), []).append(spec)
        register_csv(spec.id, _csv_source(spec))
    out: dict[str, ChartCallback] = {}
    for group in groups.values():
        update = ChartCallback(tuple(group), name=group[0].id)
        outputs = [o for spec in group for o in spec.outputs()]
        inputs = [FILTERS] if group[0].filtered else []
        callback(*outputs, *inputs, *group[0].inputs)(_named(update, group[0].id))
        out.update({spec.id: update for spec in group})
    return out


def _csv_source(spec: Chart) -> Callable[[Filters], pl.DataFrame]:
    source = spec.csv or spec.query

    def read(filters: Filters) -> pl.DataFrame:
        try:
            return source(filters)
        except ModelMissing:  # no model trained: an empty file, not a server error
            return pl.DataFrame()
    return read


def _named(update: ChartCallback, chart_id: str) -> Callable:
    """A plain function for Dash (it names callbacks after their function)."""
    def update_chart(*args):
        return update(*args)
    update_chart.__name__ = update_chart.__qualname__ = \
        "update_" + chart_id.replace("-", "_")
    return update_chart


def _flat(pairs) -> tuple:
    return tuple(x for pair in pairs for x in pair)
