"""Wiring only: the Dash app, its pages, the shell and the health endpoint.

gunicorn serves `dashapp.app:server`; `netflix-insights serve` runs the same app.
"""
from __future__ import annotations

import os

import dash
import dash_bootstrap_components as dbc
import flask
from dash import dcc, html
from flask import jsonify
from werkzeug.exceptions import MethodNotAllowed, NotFound

from base.errors import WarehouseMissing
from dashapp import ids, security
from dashapp.components import chart, filter_bar, shell  # noqa: F401 (callbacks)
from dashapp.state import wh
from models import artifacts, copilot_serving, serving
from queries import catalog


# The page's language for screen readers and hyphenation (WCAG 3.1.1), and a skip link
# as the first thing a keyboard reaches (2.4.1): it jumps past the navbar to <main>.
INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        <a class="skip-link" href="#main-content">Skip to content</a>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def layout() -> html.Div:
    """Computed per page load, so the footer always names the build being served."""
    try:
        foot, bar = shell.footer(wh()), filter_bar.filter_bar(catalog.filter_options(wh()))
    except WarehouseMissing as exc:
        foot, bar = html.Footer(), dbc.Alert(str(exc), color="warning")
    # refresh="callback-nav": the filter callback rewrites ?search without a reload
    return html.Div([dcc.Location(id=ids.URL, refresh="callback-nav"),
                     dcc.Store(id=ids.FILTERS_STORE), dcc.Store(id=ids.PAGE_DRAWN),
                     *shell.browser_stores(), shell.navbar(),
                     # tabIndex -1: the skip link can move keyboard focus here
                     html.Main(dbc.Container([html.Div(bar, id=ids.FILTER_BAR_WRAP),
                                              dash.page_container], fluid=True),
                               id=ids.MAIN, tabIndex="-1"), foot])


def health():
    """Build id, build time and last refresh status, for monitors and operators."""
    try:
        info = catalog.build_info(wh())
        last = catalog.last_refresh(wh())
    except WarehouseMissing as exc:
        return jsonify(status="no_warehouse", message=str(exc)), 503
    return jsonify(status="ok", build_id=info.build_id, built_at=info.built_at.isoformat(),
                   source=info.source, last_refresh_status=last["status"],
                   last_refresh_started_at=last["started_at"].isoformat(),
                   worker_pid=os.getpid())  # which server process answered


def _model_endpoint(parse, predict):
    """A JSON POST endpoint: parse the body (BadInput → 400), predict with the served
    build's model (missing model or warehouse → 503), answer JSON."""
    def endpoint():
        try:
            request_data = parse(flask.request.get_json(silent=True))
            return jsonify(predict(wh().paths.data_dir, wh().build_id, request_data))
        except serving.BadInput as exc:
            return jsonify(error=str(exc)), 400
        except (artifacts.ModelMissing, WarehouseMissing) as exc:
            return jsonify(error=str(exc)), 503
    return endpoint


def add_model_endpoints(server: flask.Flask) -> None:
    """POST /api/predict-genres {"description", "title"?, "type"?, "countries"?, "cast"?,
    "director"?, "rating"?, "release_year"?, "runtime_minutes"?, "seasons"?} → predicted
    Netflix categories (the full model when any of the last six is given);
    POST /api/predict-tmdb-genres {"overview", "title"?, "year"?, "language"?} → TMDB
    genres; POST /api/copilot {"type", "genres", "country"?, "language"?,
    "month"?, "quarter"?, "runtime_minutes"?, "seasons"?, "maturity_rating"?} → hit
    probability with the model's CV scores, popularity, risk and benchmark titles.
    Every field, type and limit: docs/API.md. An unknown field is a 400."""
    server.add_url_rule("/api/predict-genres", "predict_genres", _model_endpoint(
        serving.GenreRequest.parse, serving.predict_genres), methods=["POST"])
    server.add_url_rule("/api/predict-tmdb-genres", "predict_tmdb_genres", _model_endpoint(
        serving.TmdbGenreRequest.parse, serving.predict_tmdb_genres), methods=["POST"])
    server.add_url_rule("/api/copilot", "copilot", _model_endpoint(
        copilot_serving.CopilotRequest.parse, copilot_serving.predict), methods=["POST"])
    # Without these, Dash's catch-all page route answered GET /api/... with the HTML page.
    server.add_url_rule("/api/<path:_rest>", "api_other_methods", _api_other_method,
                        methods=["GET", "POST", "PUT", "PATCH", "DELETE"])


API_POST_ONLY = ("predict-genres", "predict-tmdb-genres", "copilot")


def _api_other_method(_rest: str):
    """405 (Allow: POST) for the POST APIs under another method, 404 for the rest (a
    POST to a misspelt API was a 405 that named every method but POST)."""
    if _rest in API_POST_ONLY:
        raise MethodNotAllowed(valid_methods=["POST"])
    raise NotFound("no such API; the APIs are POST /api/predict-genres, "
                   "POST /api/predict-tmdb-genres and "
                   "POST /api/copilot")


def create_app() -> dash.Dash:
    # name="dashapp" (the package) makes Dash import pages as dashapp.pages.<x>, the
    # same module a plain import gives, so a page is never registered twice.
    app = dash.Dash("dashapp", use_pages=True, title="Netflix Content Insights",
                    suppress_callback_exceptions=True, update_title=None,
                    index_string=INDEX_STRING,
                    routing_callback_inputs=filter_bar.ROUTER_STATE)
    app.layout = layout
    filter_bar.keep_page_on_filter_change(dash.page_registry)  # one render per filter change
    app.server.add_url_rule("/health", "health", health)
    add_model_endpoints(app.server)
    security.install(app)  # request cap, headers (CSP), callback checks, short errors
    return app


app = create_app()
server = app.server
