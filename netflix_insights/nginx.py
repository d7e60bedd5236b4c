"""nginx in front of the app: its configuration, rendered from the settings.

Two files, from the templates in netflix_insights/templates/:
- the site (nginx-site.conf): an `upstream` of app hosts and a `server` that buffers
  requests and replies, limits sizes and timeouts, adds the security headers to every
  reply, serves Dash's static files itself and retries the next app host on failure.
  `netflix-insights proxy-config` prints it for people who run their own nginx.
- the main file (nginx-main.conf) that `serve --prod --proxy nginx` runs nginx with:
  foreground, pid and temp files in a run directory, the site included.

Placeholders are `{{ name }}` (nginx itself uses `$name` and braces), and rendering
fails on one left unfilled, so a template and this module cannot drift apart silently.
"""
from __future__ import annotations

import getpass
import importlib.util
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from base import settings
from dashapp import security

TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS_DIR = settings.PROJECT_ROOT / "dashapp" / "assets"
# Packages whose files Dash serves under /_dash-component-suites/<package>/ for this
# app (its registered_paths after a page load); tests/test_nginx.py checks every URL
# the pages reference is answered by nginx with the app's bytes.
COMPONENT_PACKAGES = ("dash", "dash_bootstrap_components", "dash_ag_grid", "plotly")
STATIC_SUFFIXES = "js|css|map|json|woff2?|ttf|svg|png"
# nginx's own errors, in the words the app uses for the same situations.
NGINX_ERRORS = {
    400: "400 Bad Request: the request could not be read",
    408: "408 Request Timeout: the request was not sent in time",
    414: "414 URI Too Long: the address is longer than the server accepts",
    494: "400 Bad Request: the request headers are too large",  # nginx answers 400
    500: "500 Internal Server Error: the proxy failed; try again",
    502: "502 Bad Gateway: no app server answered; try again in a moment",
    503: "503 Service Unavailable: the service is overloaded; try again in a moment",
    504: "504 Gateway Timeout: the app server took too long to answer",
}


class ProxyConfigError(ValueError):
    """A configuration nginx cannot be given; the message says why."""


@dataclass(frozen=True)
class Site:
    listen: str                 # host:port nginx listens on
    upstreams: tuple[str, ...]  # app servers: "host:port" or "unix:/path"
    client_timeout_s: int
    app_timeout_s: int


def render(name: str, values: dict[str, object]) -> str:
    """Template `name` with every `{{ key }}` filled; ProxyConfigError on a missing one."""
    text = (TEMPLATES / name).read_text()

    def fill(match: re.Match) -> str:
        if match.group(1) not in values:
            raise ProxyConfigError(f"{name}: no value for {{{{ {match.group(1)} }}}}")
        return str(values[match.group(1)])
    return re.sub(r"\{\{ (\w+) \}\}", fill, text)


# a host name or IPv4 address, or an IPv6 address in brackets (nginx reads "::1:8050"
# as host "::1:8050" with no port)
_HOST_PORT = r"(?:[\w.-]+|\[[\w.:]+\]):\d{1,5}"


def host_port(host: str, port: int | str) -> str:
    """host:port as nginx writes it: an IPv6 address in brackets."""
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def upstream_server(address: str) -> str:
    """An `upstream` server line; a host that failed once is skipped for 10 s."""
    address = address.strip()
    if not re.fullmatch(rf"unix:/[^\s;{{}}]+|{_HOST_PORT}", address) or \
            not address.startswith("unix:") and not 1 <= int(address.rsplit(":", 1)[1]) <= 65535:
        raise ProxyConfigError(f"an app server is host:port (port 1–65535; an IPv6 address "
                               f"in brackets, [::1]:8050) or unix:/path, got {address!r}")
    return f"    server {address} max_fails=1 fail_timeout=10s;"


def header_maps() -> tuple[str, str]:
    """(map blocks, add_header lines): each security header from nginx only when the
    app's reply did not carry it."""
    headers = {**security.STATIC_HEADERS,
               "Content-Security-Policy": security.CSP_NON_DOCUMENT}
    maps, adds = [], []
    for name, value in headers.items():
        var = name.lower().replace("-", "_")
        maps.append(f'map $upstream_http_{var} $netflix_insights_{var} {{\n'
                    f'    "" {_quoted(value)};\n    default "";\n}}')
        adds.append(f"    add_header {name} $netflix_insights_{var} always;")
    return "\n".join(maps), "\n".join(adds)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def error_blocks() -> tuple[str, str]:
    """(error_page lines, the internal locations that answer them)."""
    pages, locations = [], []
    for code, message in {**NGINX_ERRORS, 413: security.too_large_message()}.items():
        body = json.dumps({"error": message}) + "\n"
        pages.append(f"    error_page {code} /_nginx/{code};")
        locations.append(f"        location = /_nginx/{code} {{ internal; "
                         f"return {400 if code == 494 else code} {_quoted(body)}; }}")
    return "\n".join(sorted(pages)), "\n".join(sorted(locations))


def component_locations() -> str:
    """Locations for each component package: fingerprinted files (Dash puts
    `.v<version>m<mtime>` after the first dot of the name) are immutable and cached a
    year; others (the async chunks Dash's bundles load by plain name) are revalidated."""
    blocks = []
    for package in COMPONENT_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise ProxyConfigError(f"the app's component package {package!r} is not installed")
        root, prefix = Path(spec.origin).parent, f"/_dash-component-suites/{package}/"
        blocks.append(static_location(
            f"~ ^{prefix}(?<nip>(?:[^/]+/)*[^/.]+)\\.v[\\w-]+m[0-9a-fA-F]+"
            f"(?<nis>(?:\\.[^/.]+)*\\.(?:{STATIC_SUFFIXES}))$",
            f"{root}/$nip$nis", "public, max-age=31536000, immutable"))
        blocks.append(static_location(
            f"~ ^{prefix}(?<nif>(?:[^/]+/)*[^/]+\\.(?:{STATIC_SUFFIXES}))$",
            f"{root}/$nif", "no-cache"))
    blocks.append(static_location("/assets/", f"{ASSETS_DIR}/", "public, max-age=86400"))
    return "\n".join(blocks)


def static_location(match: str, alias: str, cache_control: str) -> str:
    """A location nginx answers from disk. It repeats the security headers: a location
    with an add_header of its own loses the server's (nginx does not merge them)."""
    body = [f"alias {alias};", f'add_header Cache-Control "{cache_control}" always;',
            *[line.strip() for line in header_maps()[1].splitlines()],
            "gzip on;", "gzip_types text/css application/javascript application/json;"]
    return "\n".join([f"    location {match} {{", *("        " + b for b in body), "    }"])


def site_config(site: Site) -> str:
    """The site: upstream + server (goes inside nginx's http block)."""
    if not site.upstreams:
        raise ProxyConfigError("at least one app server (--upstream host:port) is needed")
    maps, adds = header_maps()
    pages, locations = error_blocks()
    return render("nginx-site.conf", {
        "upstream_servers": "\n".join(upstream_server(u) for u in site.upstreams),
        "header_maps": maps, "add_headers": adds, "error_pages": pages,
        "error_locations": locations, "listen": site.listen,
        "body_max_bytes": security.request_max_bytes(),
        "client_timeout": site.client_timeout_s, "app_timeout": site.app_timeout_s,
        "assets_dir": ASSETS_DIR, "component_locations": component_locations()})


def main_config(run_dir: Path, site_conf: Path, access_log: str = "/dev/stdout") -> str:
    """nginx.conf for a foreground nginx whose files all live in `run_dir`. When
    started as root, its workers run as the same user (they read the run directory,
    which may be private to it); run the service as an unprivileged user."""
    user = getpass.getuser()
    return render("nginx-main.conf", {
        "user": f"user {user};" if os.geteuid() == 0 else "# user: the one starting nginx",
        "nginx_workers": "auto", "run_dir": run_dir,
        "access_log": "off" if access_log == "off" else f"{access_log} netflix_insights",
        "site_conf": site_conf})


def default_site(upstreams: list[str], port: int | None = None) -> Site:
    """A Site from the settings (host, port, timeouts) and the given app servers."""
    host, port = settings.get("host"), port or int(settings.get("port"))
    if not 1 <= port <= 65535:   # nginx would refuse the file only at its next reload
        raise ProxyConfigError(f"the port nginx listens on is 1–65535, got {port}")
    listen = host_port(host, port)
    if not re.fullmatch(_HOST_PORT, listen):   # written into the file as it is
        raise ProxyConfigError(f"the address nginx listens on is a host name or an IP "
                               f"address, got {host!r}")
    return Site(listen=listen, upstreams=tuple(upstreams),
                client_timeout_s=_seconds("client_timeout_seconds"),
                app_timeout_s=_seconds("worker_timeout_seconds"))


def _seconds(name: str) -> int:
    try:
        value = int(str(settings.raw(name)).strip())
    except ValueError:
        value = 0
    if value < 1:
        raise ProxyConfigError(f"{name} must be a whole number of seconds ≥ 1, got "
                               f"{settings.raw(name)!r} ({settings.SETTINGS[name].env})")
    return value


def nginx_binary() -> str:
    """Debian's nginx (in /usr/sbin, which is not on every user's PATH)."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise ProxyConfigError("--proxy nginx needs nginx: apt-get install nginx "
                               "(python3 tasks.py test installs it for the tests)")
    return found
