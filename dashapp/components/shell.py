"""Navbar and footer shared by every page."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

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
             for p in pages if not p["path"].startswith("/models/")]
    models = [dbc.DropdownMenuItem(p["name"], href=p["relative_path"],
                                   id={"type": ids.NAV_LINK, "page": p["module"]})
              for p in pages if p["path"].startswith("/models/")]
    if models:
        links.append(dbc.DropdownMenu(models, label="Models", nav=True, in_navbar=True,
                                      align_end=True))
    return dbc.Navbar(dbc.Container([
        dbc.NavbarBrand([html.Span("N", className="brand-n"), " Content Insights"],
                        href="/"),
        dbc.Nav(links, navbar=True, className="ms-auto"),
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
