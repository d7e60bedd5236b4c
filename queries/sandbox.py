"""Console queries in worker processes under OS limits (the web console and `sql`).

DuckDB's `memory_limit` does not bound every allocation (`SELECT len(range(1e8))`
grew a 2 GB-limited process to 6 GB) and some functions cannot be interrupted
(`levenshtein` on 200k-character strings ran 85 s past its limit). DuckDB's own advice
for untrusted SQL is OS-level limits on top of its settings, so a console query runs in
a separate process that:

- caps its address space (RLIMIT_AS): an allocation past it fails inside DuckDB
  (OutOfMemoryException) or Python (MemoryError), and the worker answers "memory";
- caps its CPU time per query (RLIMIT_CPU, re-armed before each query): SIGXCPU ends
  a query that spins past its budget even if this process stopped watching;
- has no local file system at all (queries/hardening.open_sandboxed), so no function
  reads any file, the warehouse's included (the pre-check in queries/console.py
  refuses the functions that would show its path);
- is killed hard (SIGKILL) by the app when it has not answered `GRACE_S` after the
  time limit, and replaced in the background;
- returns at most `max_bytes` of rows (pickled size), and the app reads no more than
  that from its pipe.

The app keeps a small warm pool per process (`pool()`, created after any fork), so a
query costs one pipe round trip (benchmarks/bench_console.py measures it). Replies are
unpickled with an allow-list of plain value types only.

The worker side is `python -m queries.sandbox MEMORY_MB`: it imports DuckDB, not
Polars or the app.
"""
from __future__ import annotations

import atexit
import datetime
import io
import json
import logging
import os
import pickle
import queue
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from base import settings
from queries import console
from queries.console import MEMORY_HINT, ConsoleResult, timeout_message
from queries.hardening import open_sandboxed

if TYPE_CHECKING:
    from queries.db import Warehouse

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
GRACE_S = 0.5          # after the time limit, the worker's own interrupt gets this long
MAX_SQL_CHARS = 100_000  # a longer query text is refused before it reaches a parser
SPAWN_TIMEOUT_S = 60.0
RETIRE_RSS_BYTES = 384 * 2**20  # a worker that kept this much after a query is replaced
RETIRE_AFTER_QUERIES = 1000
CPU_SLACK_S = 2        # RLIMIT_CPU = time limit x threads + this
WORKER_THREADS = 1
_HEADER = struct.Struct(">Q")


@dataclass(frozen=True)
class Limits:
    """What one console query may use (the settings; typed)."""
    timeout_s: float
    row_cap: int
    max_bytes: int


def limits_from_settings(timeout_s: float | None = None,
                         row_cap: int | None = None) -> Limits:
    """The console's limits from the settings; explicit values (CLI flags) win."""
    return Limits(timeout_s=timeout_s or setting("console_timeout_seconds", float),
                  row_cap=row_cap or setting("console_row_cap", int),
                  max_bytes=setting("console_max_result_bytes", int))


_warned: set[tuple[str, str]] = set()   # invalid settings already reported


def setting(name: str, kind: type):
    """A positive number from the settings; a bad value falls back to the default
    rather than breaking the console (docs/SETTINGS.md documents the defaults)."""
    try:
        value = kind(settings.get(name))
    except (TypeError, ValueError):
        value = 0
    if value > 0:
        return value
    default = kind(settings.SETTINGS[name].default)
    if (name, settings.raw(name)) in _warned:
        return default
    _warned.add((name, settings.raw(name)))
    # said once, not silent: an operator's typo would otherwise never be noticed
    logging.getLogger(__name__).warning("%s=%r is not a valid %s: the default %s is used",
                                        settings.SETTINGS[name].env, settings.raw(name),
                                        name, default)
    return default


# --------------------------------------------------------------------------- framing

def _write_frame(fd: int, payload: bytes) -> None:
    data = _HEADER.pack(len(payload)) + payload
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes | None:
    """n bytes from fd; None at end of file; TimeoutError past the deadline."""
    parts, got = [], 0
    while got < n:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


class ReplyTooLarge(Exception):
    pass


def _read_frame(fd: int, deadline: float | None, max_len: int) -> bytes | None:
    header = _read_exact(fd, _HEADER.size, deadline)
    if header is None:
        return None
    (length,) = _HEADER.unpack(header)
    if length > max_len:
        raise ReplyTooLarge(length)
    return _read_exact(fd, length, deadline)


# Only plain values come back from a worker: what DuckDB's Python API returns for
# rows (dates, times, decimals, UUIDs) and the result's own containers.
_ALLOWED_CLASSES = {
    ("datetime", "date"), ("datetime", "time"), ("datetime", "datetime"),
    ("datetime", "timedelta"), ("datetime", "timezone"), ("decimal", "Decimal"),
    ("uuid", "UUID"), ("builtins", "set"), ("builtins", "frozenset"),
    ("builtins", "bytearray"), ("builtins", "complex"),
}


class _ValuesOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


def _loads(data: bytes):
    return _ValuesOnly(io.BytesIO(data)).load()


# --------------------------------------------------------------------------- app side

class _Worker:
    """One worker process and its pipes."""

    def __init__(self, memory_mb: int, db: str | None):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "queries.sandbox", str(memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=str(ROOT), env=env,
            # Its own session: Ctrl+C at the CLI's prompt goes to the CLI only.
            start_new_session=True, close_fds=True)
        self.queries = 0
        self.private: str | None = None  # its DuckDB secret directory, made by it
        ready = self._ask({"db": db}, time.monotonic() + SPAWN_TIMEOUT_S, 1 << 16)
        if ready is None or not ready.get("ready"):
            self.kill()
            raise RuntimeError(f"console worker did not start: {ready}")
        # A worker removes its directory when it leaves, but not when it is killed:
        # then the app does (3,000 were once left in /tmp). Made by the worker, not
        # here: an app that exits while a replacement starts would leave one.
        self.private = ready.get("private")

    def _ask(self, request: dict, deadline: float, max_len: int) -> dict | None:
        _write_frame(self.proc.stdin.fileno(), json.dumps(request).encode())
        frame = _read_frame(self.proc.stdout.fileno(), deadline, max_len)
        return None if frame is None else _loads(frame)

    def ask(self, request: dict, deadline: float, max_len: int) -> dict | None:
        """The reply; None when the worker died; TimeoutError past the deadline."""
        self.queries += 1
        try:
            return self._ask(request, deadline, max_len)
        except (BrokenPipeError, ConnectionResetError):
            return None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> int | None:
        """SIGKILL and reap; the exit status (negative: the signal)."""
        if self.proc.poll() is None:
            self.proc.kill()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        status = self.proc.wait()
        if self.private:
            shutil.rmtree(self.private, ignore_errors=True)
        return status


class ConsolePool:
    """A few warm worker processes; `run` never raises for anything the SQL does."""

    def __init__(self, size: int = 2, memory_mb: int = 1536):
        self.size = max(1, size)
        self.memory_mb = memory_mb
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._count = 0  # alive or starting
        self._starting = 0
        self._db: str | None = None  # a new worker opens the last warehouse asked for
        self._closed = False

    def warm(self, db: Path | None = None) -> None:
        """Start workers up to the pool size in the background."""
        if db is not None:
            self._db = str(db)
        while self._reserve():
            threading.Thread(target=self._spawn, daemon=True).start()

    def _reserve(self) -> bool:
        with self._lock:
            if self._closed or self._count >= self.size:
                return False
            self._count += 1
            return True

    def _spawn(self) -> None:
        with self._lock:
            self._starting += 1
        try:
            worker = _Worker(self.memory_mb, self._db)
        except Exception:  # noqa: BLE001 (logged; the next checkout retries)
            log.exception("a console worker failed to start")
            with self._lock:
                self._count -= 1
            return
        finally:
            with self._lock:
                self._starting -= 1
        if self._closed:
            worker.kill()
        else:
            self._idle.put(worker)

    def _discard(self, worker: _Worker) -> int | None:
        status = worker.kill()
        with self._lock:
            self._count -= 1
        self.warm()  # its replacement starts now, not on the next query
        return status

    def _checkout(self, deadline: float) -> tuple[_Worker | None, bool]:
        """A live idle worker, waiting until `deadline` while all are busy, and longer
        while one is still starting (a start-up is not the query's time). Also says
        whether it waited for a start-up."""
        waited_for_start = False
        give_up = time.monotonic() + SPAWN_TIMEOUT_S
        while True:
            self.warm()
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                if self._starting and time.monotonic() < give_up:
                    waited_for_start = True
                    deadline = min(give_up, time.monotonic() + 0.1)
                    continue
                return None, waited_for_start
            if worker.alive():
                return worker, waited_for_start
            self._discard(worker)

    def run(self, db: Path, sql: str, limits: Limits) -> ConsoleResult:
        started = time.perf_counter()

        def failure(kind: str, message: str) -> ConsoleResult:
            return ConsoleResult(error=message, error_kind=kind,
                                 elapsed_ms=(time.perf_counter() - started) * 1000)

        if not isinstance(sql, str):
            return failure("refused", "The query must be text.")
        if len(sql) > MAX_SQL_CHARS:
            return failure("refused", f"The query is {len(sql):,} characters long; the "
                           f"console accepts up to {MAX_SQL_CHARS:,}.")
        deadline = time.monotonic() + limits.timeout_s + GRACE_S
        self._db = str(db)
        worker, waited_for_start = self._checkout(deadline)
        if waited_for_start:
            deadline = time.monotonic() + limits.timeout_s + GRACE_S
        if worker is None:
            return failure("busy", f"The console is busy: {self.size} queries are already "
                           "running. Try again in a moment.")
        # The worker's own limit: what is left of this query's time (a wait for a free
        # worker counts against it), so the reply always comes by the deadline.
        timeout_s = max(0.05, deadline - GRACE_S - time.monotonic())
        request = {"db": str(db), "sql": sql, "timeout_s": timeout_s,
                   "row_cap": limits.row_cap, "max_bytes": limits.max_bytes}
        try:
            reply = worker.ask(request, deadline, limits.max_bytes + (1 << 20))
        except TimeoutError:
            self._discard(worker)
            return failure("timeout", timeout_message(limits.timeout_s)
                           + " The query could not be interrupted, so its process was "
                           "stopped.")
        except ReplyTooLarge:
            self._discard(worker)
            return failure("too_large", "The result is larger than the console's "
                           f"{limits.max_bytes / 1e6:,.1f} MB cap.")
        except pickle.UnpicklingError:
            self._discard(worker)
            return failure("sql_error", "The query's result could not be read back.")
        if reply is None:
            return self._died(worker, failure, limits)
        if reply.pop("retire", False) or worker.queries >= RETIRE_AFTER_QUERIES:
            self._discard(worker)
        else:
            self._idle.put(worker)
        if reply.get("error_kind") == "timeout":   # the worker's own limit is the user's
            # less the grace: it said "stopped after 1.8 s" for a 2 s limit
            reply["error"] = timeout_message(limits.timeout_s)
        return ConsoleResult(**{**reply, "elapsed_ms": (time.perf_counter() - started)
                                * 1000})

    def _died(self, worker: _Worker, failure, limits: Limits):
        status = self._discard(worker)
        if status == -signal.SIGXCPU:
            return failure("timeout", timeout_message(limits.timeout_s)
                           + " (CPU time limit)")
        return failure("memory", f"The query ended its worker process (exit status "
                       f"{status}). {MEMORY_HINT}")

    def close(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return


def run_on_warehouse(wh: Warehouse, sql: str, timeout_s: float | None = None,
                     row_cap: int | None = None) -> ConsoleResult:
    """Ad-hoc read-only SQL (the dashboard's SQL console) on the app's current build,
    in one of this process's worker processes, never on the app's own connection;
    never raises for anything the SQL does, never cached. Limits default to the
    settings."""
    return pool().run(wh._target(), sql, limits_from_settings(timeout_s, row_cap))


_POOLS: dict[int, ConsolePool] = {}
_POOLS_LOCK = threading.Lock()


def pool() -> ConsolePool:
    """This process's pool, sized from the settings (a fresh one after a fork)."""
    with _POOLS_LOCK:
        if os.getpid() not in _POOLS:
            _POOLS.clear()  # a parent's pool: its workers are not ours to use
            _POOLS[os.getpid()] = ConsolePool(setting("console_workers", int),
                                              setting("console_memory_mb", int))
        return _POOLS[os.getpid()]


@atexit.register
def _close_pools() -> None:
    for p in _POOLS.values():
        p.close()


# --------------------------------------------------------------------------- worker side

def _worker_main(memory_mb: int) -> None:
    """Answer queries until the app closes the pipe; its private directory goes with it
    (the app removes it if it kills this process)."""
    private = Path(tempfile.mkdtemp(prefix="console-"))
    try:
        _serve(memory_mb, private)
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _serve(memory_mb: int, private: Path) -> None:
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    inp, out = os.dup(0), os.dup(1)
    os.dup2(2, 1)  # a stray print must not corrupt the reply pipe

    state: dict = {"db": None, "con": None}

    def connect(db: str):
        if state["db"] != db:
            if state["con"] is not None:
                state["con"].close()
            state["con"] = open_sandboxed(Path(db), memory_limit=f"{memory_mb // 3}MB",
                                          threads=WORKER_THREADS, secret_dir=private)
            state["db"] = db
        return state["con"]

    def reply(payload: dict) -> None:
        try:
            _write_frame(out, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        except BrokenPipeError:
            # The app went away before reading it (the one-shot `sql` CLI exits while this
            # replacement worker is still starting). Leave quietly: our stderr is the
            # app's, and a traceback there would read as the app's own failure.
            sys.exit(0)

    while True:
        frame = _read_frame(inp, None, 1 << 30)
        if frame is None:
            return  # the app closed the pipe: it has gone
        request = json.loads(frame)
        if "sql" not in request:  # start-up: open the warehouse now, not on a query
            if request.get("db"):
                try:
                    connect(request["db"])
                except Exception:  # noqa: BLE001 (reported on the first query)
                    state["db"] = None
            reply({"ready": True, "private": str(private)})
            continue
        _arm_cpu_limit(request["timeout_s"])
        try:
            con = connect(request["db"])
            result = console.run_query(con, request["sql"], timeout_s=request["timeout_s"],
                                       row_cap=request["row_cap"],
                                       max_bytes=request["max_bytes"])
            payload = _as_dict(result)
            if any("TIME ZONE" in t for t in result.column_types):
                payload["rows"] = [_fixed_offsets(row) for row in result.rows]
        except MemoryError:
            payload = _as_dict(console.ConsoleResult(error=console.MEMORY_HINT,
                                                   error_kind="memory"))
        except Exception as exc:  # noqa: BLE001 (the warehouse went away, ...)
            state["db"] = None
            payload = _as_dict(console.ConsoleResult(
                error=f"The warehouse could not be opened ({type(exc).__name__}).",
                error_kind="sql_error"))
        payload["retire"] = _rss_bytes() > RETIRE_RSS_BYTES
        try:
            reply(payload)
        except MemoryError:
            reply(_as_dict(console.ConsoleResult(error=console.MEMORY_HINT,
                                               error_kind="memory")) | {"retire": True})


def _fixed_offsets(value):
    """Zone-aware values (TIMESTAMPTZ, TIMETZ), also inside lists and structs, with
    their zone as the fixed offset it had: DuckDB hands them pytz zones, which the app's
    unpickler refuses (plain values only), while datetime.timezone is one."""
    if isinstance(value, (datetime.datetime, datetime.time)) and value.tzinfo is not None:
        offset = value.utcoffset()
        return value.replace(tzinfo=datetime.timezone(offset)) if offset is not None else value
    if isinstance(value, (list, tuple)):
        return type(value)(_fixed_offsets(v) for v in value)
    if isinstance(value, dict):
        return {k: _fixed_offsets(v) for k, v in value.items()}
    return value


def _as_dict(result) -> dict:
    # dataclasses.asdict would deep-copy every row.
    return {f.name: getattr(result, f.name) for f in fields(result)}


def _arm_cpu_limit(timeout_s: float) -> None:
    """SIGXCPU once this query has used its share of CPU time (the limit counts the
    process's whole life, so it is re-armed from the time used so far)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    soft = int(used + timeout_s * WORKER_THREADS + CPU_SLACK_S) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


if __name__ == "__main__":
    _worker_main(int(sys.argv[1]))
