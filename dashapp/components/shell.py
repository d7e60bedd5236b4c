"""Navbar and footer shared by every page."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashapp import ids
from queries import catalog
from queries.db import Warehouse

TMDB_NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."


def navbar() -> dbc.Navbar:
    """Analysis pages as links; model panels (paths under /models/) in one dropdown.
    Every href gains the current query string (filter_bar.carry_filters_in_nav)."""
    pages = list(dash.page_registry.values())
    links = [dbc.NavItem(dbc.NavLink(p["name"], href=p["relative_path"],
                                     active="partial" if p["path"] != "/" else "exact",
                                     id={"type": ids.NAV_LINK, "page": p["module"]}))
             for p in pages if not p["path"].startswith("/models/") and p.get("nav", True)]
    models = [dbc.DropdownMenuItem(p["name"], href=p["relative_path"],
                                   id={"type": ids.NAV_LINK, "page": p["module"]})
              for p in pages if p["path"].startswith("/models/")]
    if models:
        links.append(dbc.DropdownMenu(models, label="Models", nav=True, in_navbar=True,
                                      align_end=True))
    return dbc.Navbar(dbc.Container([
        dbc.NavbarBrand([html.Span("N", className="brand-n"), " Content Insights"],
                        href="/"),
        # On a phone the links wrapped to three rows above every page: they fold behind
        # this button (app.css; assets/fold_toggles.js). Wider screens have no button.
        html.Button("Menu", id=ids.NAV_TOGGLE, type="button",
                    className="btn btn-outline-light btn-sm nav-toggle",
                    **{"aria-expanded": "false", "aria-controls": ids.NAV_LINKS}),
        dbc.Nav(links, navbar=True, className="ms-auto", id=ids.NAV_LINKS),
    ], fluid=True), color="dark", dark=True, className="mb-3 border-bottom border-danger")


def footer(wh: Warehouse) -> html.Footer:
    """Freshness and attribution; read per page load so a new build shows at once."""
    info = catalog.build_info(wh)
    return html.Footer(dbc.Container([
        html.Small([
            f"Data as of {info.built_at:%Y-%m-%d %H:%M} UTC (build {info.build_id}, "
            f"{info.source}). Sources: Netflix catalog (Kaggle shivamb/netflix-shows, "
            "CC0); IMDb/TMDB metrics (Kaggle victorsoeiro/netflix-tv-shows-and-movies, "
            "CC0); market data from TMDB. ", TMDB_NOTICE,
        ], className="text-muted", id="footer-freshness"),
    ], fluid=True), className="mt-4 py-3 border-top border-secondary")


def browser_stores() -> list[dcc.Store]:
    """What this browser keeps across pages and visits (the Blend's edit keys)."""
    return [dcc.Store(id=ids.BLEND_KEYS, storage_type="local"),
            dcc.Store(id=ids.BLEND_MINE, storage_type="local")]


def _static_prefix(page: dict) -> str:
    return (page.get("path_template") or page["path"]).split("<")[0].rstrip("/") or "/"


@callback(Output(ids.FILTER_BAR_WRAP, "hidden"), Input(ids.URL, "pathname"))
def hide_filter_bar(pathname):
    """The global filters mean nothing on pages registered with filters=False (Blend, the
    SQL console, forecasts, copilot): the bar is hidden there."""
    pathname = pathname or "/"
    pages = [p for p in dash.page_registry.values()
             if pathname == _static_prefix(p) or pathname.startswith(_static_prefix(p) + "/")]
    # no page at this address (the not-found page): nothing to filter either
    return not pages or any(p.get("filters", True) is False for p in pages)
