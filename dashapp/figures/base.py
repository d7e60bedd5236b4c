"""Shared figure look: dark theme, a title that states units, an honest empty state."""
from __future__ import annotations

import copy
import math
import textwrap

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl


# Every figure of the app is dark. As plotly's default template it is attached to each
# go.Figure() at construction without being validated again (plotly trusts its default;
# `Figure` below attaches its JSON the same way), where
# `update_layout(template="plotly_dark")` rebuilt and re-validated the whole template,
# about 8–40 ms per figure (benchmarks/README.md, "Figure construction").
# The template is plotly_dark's layout with its defaults for the trace types the app
# draws only: every figure carries its template, and plotly_dark's defaults for 24 trace
# types (7.4 KB) were copied, validated and serialized per figure, about 60% of a simple
# chart's figure time (8.6 → 3.1 ms, benchmarks/README.md "Figure template"). A trace
# type not listed here still draws, in plotly's light defaults: add it to the list.
TRACE_TYPES = ("bar", "box", "choropleth", "heatmap", "histogram", "scatter")
# plotly_dark's settings for subplot kinds and widgets no chart here has (3D scenes,
# ternary and polar axes, sliders, menus) are left out too.
UNUSED_LAYOUT = ("scene", "ternary", "polar", "sliderdefaults", "updatemenudefaults")
TEMPLATE = "netflix_insights_dark"
_DARK = pio.templates["plotly_dark"]
pio.templates[TEMPLATE] = go.layout.Template(
    layout={key: value for key, value in _DARK.layout.to_plotly_json().items()
            if key not in UNUSED_LAYOUT},
    data={kind: traces for kind, traces in _DARK.data.to_plotly_json().items()
          if kind in TRACE_TYPES})
pio.templates.default = TEMPLATE

EMPTY_MESSAGE = "No titles match these filters"

EMPTY_MESSAGE_WIDTH = 60   # characters per line of an empty figure's message (half-width cards)


LEGEND = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"}
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"}


def layout(title: str, hovermode: str = "closest", /, **extra) -> dict:
    """The shared look as a layout dict (transparent background, a title that states the
    units, a horizontal legend), with a figure's own settings merged in: nested dicts
    merge key by key, so `legend={"traceorder": "normal"}` keeps the rest (and
    `title={"subtitle": …}` keeps the title's text)."""
    base = {"title": {"text": title, "x": 0.01}, "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)", "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
            "hovermode": hovermode, "legend": LEGEND, "font": FONT}
    return merge(base, extra)


# The template as JSON, attached to every Figure as go.Figure attaches the default one.
_TEMPLATE_JSON = pio.templates[TEMPLATE].to_plotly_json()


class Figure(dict):
    """A figure as the JSON Dash sends: {"data": traces, "layout": layout}. Built as
    plain dicts, not go.Figure: plotly's object model validated, converted and copied
    every property on every request, about half the CPU of a page's chart callbacks
    when their queries are cached (benchmarks/bench_figure_dicts.py). Read as a plotly figure
    (`fig.layout.title.text`, `fig.data[0].x`, `fig.to_dict()`), it builds the
    validated go.Figure then, so a property plotly does not know still fails there
    (tests/test_chart_spec.py validates every chart's figure this way)."""

    def __getattr__(self, name: str):
        if name.startswith("__"):  # copy, pickle and friends look for dunders
            raise AttributeError(name)
        return getattr(self.validated(), name)

    def validated(self) -> go.Figure:
        # a copy: the layout shares the template and the look's dicts with other figures
        return go.Figure(copy.deepcopy(dict(self)))


def figure(data: list[dict], title: str, /, *, hovermode: str = "closest",
           **extra) -> Figure:
    """Traces (dicts with a "type") and layout in one go, with the shared look. Every
    value must be JSON-ready (lists, numbers, strings, dates; not a polars Series)."""
    return Figure(data=data, layout={**layout(title, hovermode, **extra),
                                     "template": _TEMPLATE_JSON})


def merge(base: dict, extra: dict) -> dict:
    """A new dict: `extra` over `base`, merging nested dicts (neither is modified)."""
    out = dict(base)
    for key, value in extra.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = merge(out[key], value) if both else value
    return out


def base_layout(fig: go.Figure, title: str, *, hovermode: str = "closest") -> go.Figure:
    """The shared look applied to a figure built step by step (prefer `figure`)."""
    fig.update_layout(layout(title, hovermode))
    return fig


def none_among_kept(what: str) -> str:
    """An empty chart's message when titles may well match but none has `what` (a
    production country, a director): "No titles match these filters" was wrong there."""
    return f"No {what} among the titles these filters keep"


# Every button of Plotly's toolbar: an empty chart has nothing to zoom, pan or save, and
# the toolbar, shown on hover, covered the end of a long title.
NO_TOOLBAR = {"remove": ["zoom", "pan", "select", "lasso", "zoomin", "zoomout",
                         "autoscale", "resetscale", "toimage"]}


def empty_figure(title: str, message: str = EMPTY_MESSAGE) -> Figure:
    """A figure that says why it is empty instead of drawing blank axes. A long message
    is wrapped (an annotation is one line, cut off at the card's edges)."""
    text = "<br>".join(textwrap.wrap(message, EMPTY_MESSAGE_WIDTH, break_on_hyphens=False)
                       or [message])
    return figure([], title, xaxis={"visible": False}, yaxis={"visible": False},
                  modebar=NO_TOOLBAR,
                  annotations=[{"text": text, "showarrow": False, "font": {"size": 16},
                                "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}])


def count_axis(top: float | None) -> dict:
    """A count axis: "1,400" (Plotly writes "1400" below ten thousand), from zero, and
    whole-number ticks when counts are small (no 0.5 titles); `top` is the largest
    count, None when unknown."""
    return {"tickformat": ",d", "rangemode": "tozero",
            **({"dtick": 1} if top is not None and top <= 8 else {})}


def log_axis(values: pl.Series) -> dict:
    """A log axis labelled with whole numbers ("1,000", "2,000", "5,000"). Plotly's own
    labels mix powers of ten with bare minor digits ("5 10 2 5 100 2"), which read as
    a garbled sequence. Denser marks for a narrow span, sparser for a wide one."""
    positive = values.filter(values > 0)
    if positive.is_empty():
        return {"type": "log"}
    span = math.log10(positive.max()) - math.log10(positive.min())
    low, high = math.floor(math.log10(positive.min())), math.ceil(math.log10(positive.max()))
    steps = (1, 2, 5) if span <= 2 else (1, 3) if span <= 4 else (1,)
    ticks = [m * 10 ** e for e in range(low, high + 1) for m in steps]
    return {"type": "log", "tickvals": ticks,
            "ticktext": [f"{t:,.0f}" if t >= 1 else f"{t:g}" for t in ticks]}


def names_joined(names: list[str]) -> str:
    """'Alex', 'Alex & Robin', 'Alex, Robin & Sam'."""
    return " & ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


def pct(part: float, whole: float) -> str:
    """'27%' (or '0%' when whole is 0), for insight sentences."""
    return f"{(part / whole if whole else 0):.0%}"


# What "having" each metric means, for coverage notes ("… titles with an IMDb score").
COVERAGE_LABELS = {
    "imdb_score": "an IMDb score", "imdb_votes": "IMDb votes",
    "tmdb_popularity": "a TMDB popularity", "tmdb_score": "a TMDB score",
    "tmdb_vote_count": "a TMDB vote count", "runtime_minutes": "a runtime",
    "seasons": "a season count", "release_year": "a release year",
    "addition_lag_years": "a date added", "engagement_score": "an engagement score",
    "any_match": "a match in any source",
}


def coverage_note(coverage: pl.DataFrame, metric: str) -> str | None:
    """"Based on 4,183 of 8,807 titles with an IMDb score." from a metric_coverage frame
    (metric, with_metric, titles); the engagement score also says how many rest on each
    basis. None when the frame lacks the metric or there are no titles."""
    counts = dict(zip(coverage["metric"].to_list(), coverage["with_metric"].to_list()))
    if metric not in counts or coverage.is_empty() or not coverage["titles"][0]:
        return None
    have, titles = counts[metric], coverage["titles"][0]
    note = (f"Based on {have:,} of {titles:,} titles ({pct(have, titles)}) with "
            f"{COVERAGE_LABELS[metric]}")
    if metric == "engagement_score" and counts.get("engagement_tmdb"):
        note += (f": {counts['engagement_imdb']:,} IMDb-based, "
                 f"{counts['engagement_tmdb']:,} TMDB-based (calibrated to the same scale)")
    return note + "."
