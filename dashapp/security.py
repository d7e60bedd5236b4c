"""HTTP hardening of the app's Flask server, installed by dashapp/app.py.

- A request size cap sized from the largest upload (413 with a message past it).
- Security headers on every response, with a Content-Security-Policy that allows
  Dash's own inline scripts by hash (`Dash.csp_hashes()`), not by 'unsafe-inline'.
- Callback requests are checked before Dash sees them: a body that is not a JSON
  object of the right shape, or names no known callback, is a 400 with one line.
- Error responses are short: no traceback ever reaches a client (Flask logs the
  traceback of a 500; the log line and the response carry the same error id).
"""
from __future__ import annotations

import logging
import math
import uuid

import dash
import flask
from werkzeug.exceptions import HTTPException, InternalServerError

from base import settings

log = logging.getLogger(__name__)

# A Dash upload arrives as a data: URL (base64, 4 bytes per 3) inside the callback's
# JSON body, next to the file name, the other inputs and the outputs list.
CALLBACK_OVERHEAD_BYTES = 256 * 1024

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                          "magnetometer=(), microphone=(), payment=(), usb=()",
}

# Documents only: everything from this origin, scripts only by hash. style-src needs
# 'unsafe-inline' because plotly.js injects <style> rules and Dash components set
# style attributes; styles cannot run code. Images: data:/blob: for plotly's
# "download plot" and the TMDB image host only when posters are switched on.
CSP_BASE = {
    "default-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Non-HTML responses (JSON, scripts, CSS) render nothing: deny everything.
CSP_NON_DOCUMENT = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
POSTER_HOST = "https://image.tmdb.org"


def request_max_bytes(upload_max_bytes: int | None = None) -> int:
    """The largest request body accepted: a maximal upload, base64-encoded, plus the
    rest of its callback request."""
    upload = settings.get("upload_max_bytes") if upload_max_bytes is None \
        else upload_max_bytes
    return 4 * math.ceil(upload / 3) + CALLBACK_OVERHEAD_BYTES


def content_security_policy(app: dash.Dash) -> str:
    """The page policy: Dash's inline scripts (config, renderer, clientside callbacks)
    by hash; computed per page, since Dash adds inline scripts on its first request."""
    directives = dict(CSP_BASE)
    directives["script-src"] = " ".join(["'self'", *app.csp_hashes()])
    if settings.flag("show_posters"):
        directives["img-src"] += " " + POSTER_HOST
    return "; ".join(f"{k} {v}" for k, v in directives.items())


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def install(app: dash.Dash) -> None:
    """Cap, headers, callback checks and error handlers on `app.server`."""
    server = app.server
    cap = request_max_bytes()
    server.config["MAX_CONTENT_LENGTH"] = cap
    server.before_request(lambda: _check_callback_request(app))
    server.after_request(lambda response: _add_headers(app, response))
    server.register_error_handler(413, lambda e: _too_large(cap))
    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(InternalServerError, _server_error)


def _add_headers(app: dash.Dash, response: flask.Response) -> flask.Response:
    for name, value in STATIC_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Content-Security-Policy"] = (
        content_security_policy(app) if response.mimetype == "text/html" else CSP_NON_DOCUMENT)
    return response


def _wants_json() -> bool:
    path = flask.request.path
    return path.startswith(("/_dash-", "/api/", "/health")) or flask.request.is_json


def _error(status: int, message: str) -> flask.Response:
    """A short error response: JSON for the app's API and callbacks, text otherwise."""
    if _wants_json():
        response = flask.jsonify(error=message)
    else:
        response = flask.Response(message + "\n", mimetype="text/plain")
    response.status_code = status
    return response


def _too_large(cap: int) -> flask.Response:
    upload = settings.get("upload_max_bytes")
    return _error(413, f"request too large: the server accepts up to {_mb(cap)} per "
                       f"request (files up to {_mb(upload)})")


def _http_error(exc: HTTPException) -> flask.Response:
    response = _error(exc.code or 500, f"{exc.code} {exc.name}: {exc.description}")
    if getattr(exc, "valid_methods", None):  # a 405 names what is allowed
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def _server_error(exc: InternalServerError) -> flask.Response:
    """Flask has logged the traceback already; the client gets an id to quote."""
    error_id = uuid.uuid4().hex[:12]
    original = getattr(exc, "original_exception", None) or exc
    log.error("error id %s: %s %s raised %s: %s", error_id, flask.request.method,
              flask.request.path, type(original).__name__, original)
    return _error(500, f"internal error (id {error_id}); the details are in the server log")


class BadCallback(ValueError):
    """A callback request that Dash would fail on with a traceback."""


def _check_callback_request(app: dash.Dash):
    """400 for a callback body Dash cannot dispatch (runs after Dash's own setup)."""
    request = flask.request
    if request.method != "POST" or not request.path.endswith("/_dash-update-component"):
        return None
    try:
        _validate_callback_body(app, request.get_json(silent=True))
    except BadCallback as exc:
        return _error(400, f"malformed callback request: {exc}")
    return None


def _validate_callback_body(app: dash.Dash, body) -> None:
    if not isinstance(body, dict):
        raise BadCallback("expected a JSON object (Content-Type: application/json)")
    output = body.get("output")
    if not isinstance(output, str) or output not in app.callback_map:
        raise BadCallback(f"no callback has the output {str(output)[:80]!r}")
    if not isinstance(body.get("outputs"), (dict, list)):
        raise BadCallback("'outputs' must be an object or a list")
    for name in ("inputs", "state", "changedPropIds"):
        if not isinstance(body.get(name, []), list):
            raise BadCallback(f"{name!r} must be a list")
    for item in body.get("inputs", []) + body.get("state", []):
        if not (isinstance(item, list) or isinstance(item, dict) and "id" in item
                and "property" in item):
            raise BadCallback("each input and state needs an 'id' and a 'property'")
