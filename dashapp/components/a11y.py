"""Labels that name their control for assistive tech, whatever the control renders.

A plain `<label for=id>` names an <input>, <textarea>, <select> or <button> with that
id. Dash 4's dcc components put the id on an element that is not what a keyboard
reaches (Dropdown: a button whose aria-labelledby names only the value shown; sliders:
a wrapper <div>): assets/a11y.js reads the same `<label for>` and names those parts
from it, so every control is labelled one way, here.
"""
from __future__ import annotations

import json

from dash import html


def dom_id(component_id: str | dict) -> str:
    """The id Dash writes into the DOM: a pattern id is JSON with sorted keys and no
    spaces (dash-renderer's stringifyId)."""
    if isinstance(component_id, str):
        return component_id
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def label_for(text, component_id: str | dict, className: str = "small text-muted mb-1",
              **kwargs) -> html.Label:
    """A visible label bound to its control."""
    return html.Label(text, htmlFor=dom_id(component_id), className=className, **kwargs)
