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

Adding a chart: its SQL file and wrapper, its figure and insights functions, one spec,
one test. Naming: the spec id is `<page>-<what>`, the query wrapper `<what>` runs
queries/sql/<page>_<what>.sql, and the figure function is `<what>` too, where a page's
names have not long been known otherwise (ids are in bookmarks' and tests' selectors).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
from dashapp.figures.base import empty_figure
from models.artifacts import ModelMissing
from queries.filters import Filters

# What a chart shows in place of its figure when its data cannot be had: a message for
# the user (the exception's own, written for them), never a traceback or a blank card.
SHOWN_ERRORS = (UserError, ModelMissing)
FILTERS = Input(ids.FILTERS_STORE, "data")


@dataclass(frozen=True)
class Chart:
    """One chart card. `query(filters, *values)` returns its frame, where `values` are
    the page-local `inputs`' values; `figure(frame, *values)` and
    `insights(frame, *values)` draw and describe it. `csv(filters)` is the downloadable
    data (default: the query's frame with no page-local values, i.e. its defaults)."""
    id: str
    query: Callable[..., pl.DataFrame]
    figure: Callable[..., go.Figure]
    insights: Callable[..., list[str]]
    how_to_read: str
    title: str = ""  # the figure's title when it shows an error instead
    csv: Callable[[Filters], pl.DataFrame] | None = None
    inputs: tuple[Input, ...] = ()
    height: int = 420
    config: dict | None = None
    extra: Callable[[], list] | None = None  # controls above the graph (made per layout)
    # sentences before the insights computed from the filters, not the frame: what the
    # chart rests on ("Based on 5,512 of 8,807 titles with an engagement score")
    notes: Callable[..., list[str]] | None = None

    def card(self, config: dict | None = None) -> dbc.Card:
        """The card; `config` adds Plotly config known only at layout time (an asset
        URL)."""
        return chart_card(self.id, how_to_read=self.how_to_read, height=self.height,
                          extra=self.extra() if self.extra else None,
                          config={**(self.config or {}), **(config or {})} or None)

    def outputs(self) -> list[Output]:
        return [Output(graph_id(self.id), "figure"), Output(insights_id(self.id), "children")]

    def draw(self, frame: pl.DataFrame, *values, filters: Filters | None = None) -> tuple:
        lead = self.notes(filters or Filters(), *values) if self.notes else []
        return self.figure(frame, *values), insight_items(lead + self.insights(frame, *values))

    def error(self, exc: Exception) -> tuple:
        if isinstance(exc, ModelMissing):  # the panel's status alert says which and why
            return empty_figure(self.title, model_status.NOT_TRAINED), []
        message = str(exc) or type(exc).__name__
        return empty_figure(self.title, message), insight_items([message])


@dataclass
class ChartCallback:
    """The one callback of the specs that share a query; callable as the page's
    update function (tests call it with a filters store and the inputs' values)."""
    specs: tuple[Chart, ...]
    name: str = field(default="")

    def __call__(self, store, *values):
        filters = Filters.from_store(store)
        try:
            frame = self.specs[0].query(filters, *values)
            return _flat(spec.draw(frame, *values, filters=filters) for spec in self.specs)
        except SHOWN_ERRORS as exc:
            return _flat(spec.error(exc) for spec in self.specs)


def register_charts(*specs: Chart) -> dict[str, ChartCallback]:
    """Register every spec's callback and CSV source; spec id → its callback (specs
    sharing a query map to the same one)."""
    groups: dict[tuple, list[Chart]] = {}
    for spec in specs:
        groups.setdefault((spec.query, spec.inputs), []).append(spec)
        register_csv(spec.id, _csv_source(spec))
    out: dict[str, ChartCallback] = {}
    for group in groups.values():
        update = ChartCallback(tuple(group), name=group[0].id)
        outputs = [o for spec in group for o in spec.outputs()]
        callback(*outputs, FILTERS, *group[0].inputs)(_named(update, group[0].id))
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
    def update_chart(store, *values):
        return update(store, *values)
    update_chart.__name__ = update_chart.__qualname__ = \
        "update_" + chart_id.replace("-", "_")
    return update_chart


def _flat(pairs) -> tuple:
    return tuple(x for pair in pairs for x in pair)
