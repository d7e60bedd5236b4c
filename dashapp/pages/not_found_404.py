"""The page for an address no page has (Dash pages serves this module for any unknown
path): says so, and offers the pages there are. No filter bar: nothing to filter."""
from __future__ import annotations

import dash
from dash import html

dash.register_page(__name__, path="/404", name="Page not found", nav=False, filters=False,
                   title="Page not found · Netflix Content Insights")


def layout(**_query) -> html.Div:
    pages = [p for p in dash.page_registry.values() if p.get("nav", True)]  # as the navbar
    return html.Div([
        html.H2("Page not found"),
        html.P("No page of Content Insights is at this address: the link may be old or "
               "mistyped. These are the pages there are:"),
        html.Ul([html.Li(html.A(p["name"], href=p["relative_path"]))
                 for p in sorted(pages, key=lambda p: p["order"])]),
    ], id="not-found")
