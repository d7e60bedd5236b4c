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

import json
import logging
import math
import threading
import uuid

import dash
import flask
from werkzeug.exceptions import HTTPException, InternalServerError

from base import settings
from queries import validation

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


def public_base_url() -> str:
    """Where links point: the public_base_url setting, else the address served."""
    configured = settings.get("public_base_url").strip().rstrip("/")
    if configured:
        return configured
    host, port = settings.get("host"), settings.get("port")
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{host}:{port}"


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
    # first of all the hooks, so it runs before Dash's own first-request setup hook
    server.before_request_funcs.setdefault(None, []).insert(0, lambda: _finish_setup(app))
    server.before_request(lambda: _check_callback_request(app))
    server.before_request(lambda: _check_api_request())
    server.before_request(lambda: _hide_dev_routes(app))
    server.after_request(lambda response: _add_headers(app, response))
    server.register_error_handler(413, lambda e: _too_large())
    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(validation.BadInput, _bad_input)
    # An unknown /_dash-component-suites/ path: Dash raises, which was a 500 with a
    # traceback in the log; it is a missing file.
    server.register_error_handler(dash.exceptions.DependencyException,
                                  lambda e: _error(404, "404 Not Found: no such asset"))
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


def too_large_message() -> str:
    """What a client sent past the request cap is told (by the app, and by nginx in
    front of it, which refuses such a request before the app sees it)."""
    upload = int(settings.get("upload_max_bytes"))
    return (f"request too large: the server accepts up to {_mb(request_max_bytes())} per "
            f"request (files up to {_mb(upload)})")


def _too_large() -> flask.Response:
    return _error(413, too_large_message())


def _cut_at_the_cap() -> bool:
    """Whether the body was sent without a length (chunked) and reached the request cap:
    Werkzeug then hands over the first `cap` bytes rather than refusing, and the cut-off
    JSON read as malformed (a 400) instead of too large (a 413). (A chunked body of
    exactly the cap cannot be told from a longer one, and is refused too.)"""
    request = flask.request
    cap = request.max_content_length
    return (request.content_length is None and cap is not None
            and len(request.get_data(cache=True)) >= cap)


API_PREFIX = "/api/"


def _check_api_request():
    """The JSON APIs: a body that is not a JSON object (or nests too deeply for the
    parser) is a 400 before any endpoint code runs."""
    request = flask.request
    if request.method != "POST" or not request.path.startswith(API_PREFIX):
        return None
    if _cut_at_the_cap():
        return _too_large()
    if not request.get_data(cache=True):
        return _error(400, "bad input: the request has no body; send a JSON object")
    if not request.is_json:
        return _error(400, "bad input: send a JSON object with Content-Type: application/json")
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        return _error(400, "bad input: JSON nested too deeply")
    if body is None and request.get_data(cache=True).strip() != b"null":
        return _error(400, "bad input: the body is not valid JSON (UTF-8)")
    if not isinstance(body, dict):
        return _error(400, "bad input: send a JSON object ({\"field\": value, …}), not a "
                           f"{_JSON_TYPES.get(type(body), type(body).__name__)}")
    try:
        _check_json("body", body, 0, texts=False)   # the models read any text (serving)
    except BadCallback as exc:
        return _error(400, f"bad input: {exc}")
    return None


_JSON_TYPES = {list: "list", str: "string", int: "number", float: "number", bool: "boolean",
               type(None): "null"}


def _hide_dev_routes(app: dash.Dash):
    """Dash's development routes answer only when its dev tools run (debug mode)."""
    if flask.request.path.endswith("/_reload-hash") and not app._dev_tools.hot_reload:
        return _error(404, "404 Not Found: development routes are off")
    return None


def _bad_input(exc: validation.BadInput) -> flask.Response:
    """A callback or API found its input unusable before acting: 400, its message."""
    return _error(400, f"bad input: {str(exc)[:300]}")


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


_SETUP_LOCK = threading.Lock()
_SETUP_DONE = threading.Event()


def _finish_setup(app: dash.Dash) -> None:
    """Dash's first-request setup (it fills `callback_map`) under a lock. Dash marks the
    setup done before doing it, so a callback that reached another thread meanwhile
    found no callbacks and got a 400: 9 of 14 at once, in a worker started by a bare
    `gunicorn dashapp.app:server` (`serve --prod` also warms each worker up before it
    takes requests). Here the second request waits until the setup is complete; once it
    is, no request takes the lock. `_setup_server` is Dash's own hook (Dash 4.4)."""
    if _SETUP_DONE.is_set():
        return
    with _SETUP_LOCK:
        app._setup_server()
        _SETUP_DONE.set()


def _check_callback_request(app: dash.Dash):
    """400 for a callback body Dash cannot dispatch (runs after Dash's own setup)."""
    request = flask.request
    if request.method != "POST" or not request.path.endswith("/_dash-update-component"):
        return None
    if _cut_at_the_cap():
        return _too_large()
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # json.loads gives up on very deep nesting (50,000 levels)
        return _error(400, "malformed callback request: JSON nested too deeply")
    try:
        _validate_callback_body(app, body)
    except BadCallback as exc:
        return _error(400, f"malformed callback request: {exc}")
    return None


MAX_DEPTH = 32          # of any input value (a Store holds a few levels)
MAX_TEXT = 10_000       # characters of a text input (uploads: `contents`, capped in bytes)
MAX_VALUE_TEXT = 1_000_000  # a textarea's value (the SQL console checks its own limit)
# The URL fragment holds the SQL console's shared query: allowed as long as a textarea,
# so an over-long link reaches the console's callback and gets its message there.
_LONG_TEXT_PROPS = {"hash": MAX_VALUE_TEXT}
_TEXT_PROPS = {"pathname", "search", "hash", "href", "filename", "start_date", "end_date",
               "last_modified"}


def _validate_callback_body(app: dash.Dash, body) -> None:
    if not isinstance(body, dict):
        raise BadCallback("expected a JSON object (Content-Type: application/json)")
    output = body.get("output")
    if not isinstance(output, str) or output not in app.callback_map:
        raise BadCallback(f"no callback has the output {_excerpt(output)}")
    if not isinstance(body.get("outputs"), (dict, list)):
        raise BadCallback("'outputs' must be an object or a list")
    for name in ("inputs", "state", "changedPropIds"):
        if not isinstance(body.get(name, []), list):
            raise BadCallback(f"{name!r} must be a list")
    spec = app.callback_map[output]
    if "callback" not in spec:  # a browser-side (clientside) callback: nothing to run here
        raise BadCallback(f"no server callback has the output {_excerpt(output)}")
    declared = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
    outputs = body["outputs"] if isinstance(spec["output"], list) else [body["outputs"]]
    _check_items("outputs", outputs, [o.to_dict() for o in declared], values=False)
    _check_items("inputs", body.get("inputs", []), spec["inputs"], values=True)
    _check_items("state", body.get("state", []), spec["state"], values=True)
    # Dash reads ctx.triggered_id from these: each must name one of the inputs sent.
    sent = {_prop_id(one) for item in body.get("inputs", [])
            for one in (item if isinstance(item, list) else [item])}
    if not all(isinstance(c, str) and c in sent for c in body.get("changedPropIds", [])):
        raise BadCallback("'changedPropIds' must name inputs of the callback")


def _check_items(name: str, items: list, declared: list[dict], *, values: bool) -> None:
    """The body's outputs, inputs or state: as many as the callback declares, each
    naming the declared component and property, each value of a plausible type."""
    if len(items) != len(declared):
        raise BadCallback(f"{name!r} has {len(items)} entries; the callback has "
                          f"{len(declared)}")
    for item, dep in zip(items, declared):
        pattern = json.loads(dep["id"]) if dep["id"].startswith("{") else None
        many = pattern is not None and any(v in (["ALL"], ["ALLSMALLER"])
                                           for v in pattern.values())
        if many:
            if not isinstance(item, list):
                raise BadCallback(f"{name!r}: {dep['id']}.{dep['property']} needs a list")
            for one in item:
                _check_item(name, one, dep, pattern, values)
        else:
            _check_item(name, item, dep, pattern, values)


def _check_item(name: str, item, dep: dict, pattern: dict | None, values: bool) -> None:
    where = f"{dep['id']}.{_bare(dep['property'])}"
    if not isinstance(item, dict) or not isinstance(item.get("property"), str) or \
            _bare(item["property"]) != _bare(dep["property"]):
        raise BadCallback(f"{name!r}: expected {where}")
    ident = item.get("id")
    if pattern is None:
        if ident != dep["id"]:
            raise BadCallback(f"{name!r}: expected {where}")
    elif not (isinstance(ident, dict) and set(ident) == set(pattern) and all(
            isinstance(ident[k], (str, int, float, bool)) if isinstance(v, list)
            else ident[k] == v for k, v in pattern.items())):
        raise BadCallback(f"{name!r}: expected {where}")
    if values and "value" in item:
        _check_value(where, _bare(dep["property"]), item["value"])


def _bare(prop: str) -> str:
    """A property without Dash's allow_duplicate suffix ('data@1a2b…'): the browser and
    the callback map spell a duplicate output differently."""
    return prop.split("@", 1)[0]


def _prop_id(item: dict) -> str:
    """Dash's own spelling of an input: id (JSON, sorted, compact, for a dict id) and
    property."""
    ident = item["id"]
    if isinstance(ident, dict):
        ident = json.dumps(ident, sort_keys=True, separators=(",", ":"))
    return f"{ident}.{item['property']}"


def _check_value(where: str, prop: str, value) -> None:
    """Types by property, the way Dash components send them; the callback then checks
    what its own value means (a Store's shape, a dropdown's options)."""
    if prop in ("n_clicks", "n_clicks_timestamp", "n_submit", "n_blur"):
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool)
                               and value >= 0)
    elif prop == "pathname":  # dcc.Location always has one; Dash's pages need a path
        ok = isinstance(value, str) and value.startswith("/") and len(value) <= MAX_TEXT
    elif prop in _TEXT_PROPS or prop == "contents":
        ok = value is None or isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value))
        if ok and prop != "contents" and value is not None:
            ok = len(value) <= (_LONG_TEXT_PROPS.get(prop, MAX_TEXT)
                                if isinstance(value, str) else 100)
    elif prop == "value":  # inputs, dropdowns, radios, sliders: scalars or a list of them
        ok = _scalar(value) or (isinstance(value, list) and len(value) <= 1000
                                and all(_scalar(v) for v in value))
    else:
        ok = True
    if not ok:
        raise BadCallback(f"{where}: a value of type {type(value).__name__} is not valid "
                          "here")
    # the SQL console refuses such text itself, with a message on the page
    _check_json(where, value, 0, texts=where not in _OWN_TEXT_CHECK)


_OWN_TEXT_CHECK = {"sql-editor.value"}


def _scalar(value) -> bool:
    return value is None or isinstance(value, (bool, int)) or (
        isinstance(value, float) and math.isfinite(value)) or (
        isinstance(value, str) and len(value) <= MAX_VALUE_TEXT)


def _check_json(where: str, value, depth: int, texts: bool = True) -> None:
    """Depth, finite numbers and (with `texts`) text UTF-8 can hold, all through."""
    if depth > MAX_DEPTH:
        raise BadCallback(f"{where}: value nested too deeply")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadCallback(f"{where}: numbers must be finite")
    if isinstance(value, str):
        if texts:
            _check_text(where, value)
    elif isinstance(value, list):
        for v in value:
            _check_json(where, v, depth + 1, texts)
    elif isinstance(value, dict):
        for k, v in value.items():
            if texts:
                _check_text(where, k)
            _check_json(where, v, depth + 1, texts)


def _check_text(where: str, text: str) -> None:
    """Text UTF-8 can hold: JSON may carry a lone surrogate ("\\ud800", half of an
    emoji), which Python decodes but DuckDB, files and the reply cannot store."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise BadCallback(f"{where}: text is not valid Unicode (a lone surrogate "
                              "code point)") from None


def _excerpt(value, width: int = 80) -> str:
    """A short, quoted excerpt of client input for an error message (never all of it)."""
    text = repr(value) if not isinstance(value, str) else value
    return repr(text[:width] + ("…" if len(text) > width else ""))
