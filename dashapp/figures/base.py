"""Shared figure look: dark theme, a title that states units, an honest empty state."""
from __future__ import annotations

import plotly.graph_objects as go

EMPTY_MESSAGE = "No titles match these filters"


def base_layout(fig: go.Figure, title: str, *, hovermode: str = "closest") -> go.Figure:
    """Dark theme, a title that states the units, readable hover labels."""
    fig.update_layout(template="plotly_dark", title={"text": title, "x": 0.01},
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
                      margin={"l": 60, "r": 20, "t": 60, "b": 50}, hovermode=hovermode,
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom",
                              "x": 1, "xanchor": "right"},
                      font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"})
    return fig


def empty_figure(title: str, message: str = EMPTY_MESSAGE) -> go.Figure:
    """A figure that says why it is empty instead of drawing blank axes."""
    fig = base_layout(go.Figure(), title)
    fig.add_annotation(text=message, showarrow=False, font={"size": 16},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def pct(part: float, whole: float) -> str:
    """'27%' (or '0%' when whole is 0), for insight sentences."""
    return f"{(part / whole if whole else 0):.0%}"
