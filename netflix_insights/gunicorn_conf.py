"""gunicorn configuration of `netflix-insights serve --prod`, read from the settings.

    gunicorn --config python:netflix_insights.gunicorn_conf   # what serve --prod executes

Imported by the gunicorn master, so it must not import the app: the master never
touches DuckDB, and each forked worker imports the app, opens its own read-only
warehouse connection on first use and warms up (post_worker_init) before it accepts
a connection.
"""
from __future__ import annotations

import logging
import time

from base import settings


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


wsgi_app = "dashapp.app:server"
bind = [_bind(settings.get("host"), settings.get("port"))]
worker_class = "gthread"
workers = settings.get("workers")
threads = settings.get("threads")
timeout = settings.get("worker_timeout_seconds")
graceful_timeout = timeout
# Workers import the app themselves: with preload the master would build it, and the
# first layout it renders would open DuckDB before the fork.
preload_app = False
# An idle keep-alive connection closed by the server while a client reuses it resets
# that request (seen at gunicorn's default of 2 s); users pause longer than 2 s between
# clicks. An idle connection costs gthread one socket in its poller.
keepalive = 15
# gunicorn ≥ 25 opens a control socket at one path per user by default; two servers
# (a test, a benchmark, a second instance) would fight over it, and nothing uses it.
control_socket_disable = True
proc_name = "netflix-insights"
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker) -> None:
    """Route the app's log to gunicorn's, then warm the worker up (imports, the
    warehouse connection, Dash's first-request setup, the SQL console's pool), so its
    first users do not wait for them. The worker accepts nothing before this returns."""
    from dashapp.app import app
    from netflix_insights.serve import warm_up
    for name in ("dashapp", "queries", "models"):
        logger = logging.getLogger(name)
        logger.handlers = list(worker.log.error_log.handlers)
        logger.setLevel(worker.log.error_log.level)
        logger.propagate = False
    start = time.perf_counter()
    problems = warm_up(app)
    worker.log.info("worker %s warmed up in %.0f ms%s", worker.pid,
                    (time.perf_counter() - start) * 1000,
                    f" ({'; '.join(problems)})" if problems else "")
