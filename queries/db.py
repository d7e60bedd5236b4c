"""The app's only way into the warehouse.

Every page and model reads through `Warehouse.query(name, **params)`: the SQL comes
from `queries/sql/<name>.sql`, values are bound as parameters (never formatted into
the string), the connection is read-only and hardened (HARDENING below: no files,
network, extensions or disk spill; configuration locked), each call runs on its own
cursor under a time limit, and results are cached by (query, parameters, build id).
The dashboard's SQL console runs ad-hoc SQL through `queries.sandbox.run_on_warehouse`,
in a worker process under OS limits (queries/sandbox.py), never on this connection.

Filtering once per page (`Scope`): every page query reads `filtered_titles($filters)`,
and a filter change fires all of a page's charts at once; computed per chart, the
filter (a test of a million titles' genre lists, say) ran once per chart. A query
named with a `scope` runs instead on that scope's own connection, where the page's
titles under these filters were selected once into a temp table (only the columns its
queries name) and a temp macro `filtered_titles` reads it, so the same SQL file gives
the same result from the small table. Scopes are per process, per build and filter
value, the last SCOPES_KEPT kept; only filters on the genre or country lists get one
(see _worth_a_scope).

Rebuild-while-serving: `current.duckdb` is a symlink swapped atomically by each
publish. Before each query we readlink() it (one cheap syscall); when it points to a
new build we open that build's own file (a new path, so DuckDB's per-path instance
cache cannot hand back the old data) and retire the old connection, closing it once no
query is using it. Open a Warehouse inside each server worker, after any fork.
"""
from __future__ import annotations

import os
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from base import settings
from base.errors import UserError, WarehouseMissing
from base.paths import Paths
from base.sqlfiles import SqlFolder
from queries.hardening import HARDENING, hardened_config, open_hardened  # noqa: F401
from warehouse import schema

SQL = SqlFolder.beside(__file__)

# DuckDB 2 warns that Arrow from an execute() result copies the rows once more than
# its relation API does; _fetch below chooses that copy on purpose.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result",
                        category=UserWarning)


class QueryTimeout(UserError):
    """A query ran past its time limit and was interrupted."""


class BuildOutdated(UserError):
    """The published build lacks columns this version's SQL reads: it was made by an
    older version (the app was upgraded, and no refresh has published since)."""


def sql_text(name: str) -> str:
    """The SQL of a named query (queries/sql/<name>.sql)."""
    return SQL.text(name)


# The one hardened configuration lives in queries/hardening.py (the console's worker
# processes import it without this module's Polars).
APP_THREADS = 2


def open_read_only(path: Path, threads: int = APP_THREADS,
                   memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """The app's connection: read-only, no files, network, extensions or disk spill,
    bounded memory and threads, configuration locked (safe for ad-hoc SQL too)."""
    # the app's pages and its SQL console share this budget (setting app_memory_limit)
    return open_hardened(path, memory_limit=memory_limit or settings.get("app_memory_limit"),
                         threads=threads)


SCOPES_KEPT = 4  # page × filter scopes per process (a 1M-title scope is ~100 MB)


@dataclass(frozen=True)
class Scope:
    """A page's filtered title set, computed once per filter value (see the module
    docstring). `queries` are the SQL files that read it: the scope keeps the columns
    of `titles` they name, so a query added to the page only needs listing here."""
    name: str
    queries: tuple[str, ...]

    def columns(self, table_columns: list[str]) -> list[str]:
        words = set(re.findall(r"[a-z_][a-z0-9_]*",
                               " ".join(sql_text(q) for q in self.queries).lower()))
        return [c for c in table_columns if c.lower() in words]


@dataclass
class _Scoped:
    """One scope's connection: its temp table and macro live on it, so its queries run
    on it, one at a time (a DuckDB connection runs one query at a time)."""
    con: duckdb.DuckDBPyConnection
    lock: threading.Lock = field(default_factory=threading.Lock)
    ready: bool = False
    closed: bool = False


@dataclass
class _Build:
    build_id: str
    path: Path
    con: duckdb.DuckDBPyConnection
    in_flight: int = 0
    retired: bool = False
    scopes: OrderedDict = field(default_factory=OrderedDict)  # (scope, filters) → _Scoped


@dataclass
class Warehouse:
    """Read-only access to the published build, switching builds between queries."""
    data_dir: Path
    timeout_s: float = field(default_factory=lambda: settings.get("query_timeout_seconds"))
    row_cap: int = 200_000
    cache_size: int = 512
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _build: _Build | None = field(default=None, repr=False)
    _retired: list[_Build] = field(default_factory=list, repr=False)
    _cache: OrderedDict = field(default_factory=OrderedDict, repr=False)

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.data_dir))

    def _target(self) -> Path:
        link = self.paths.current_link
        try:
            return (link.parent / os.readlink(link)).resolve()
        except FileNotFoundError:
            raise WarehouseMissing(f"no warehouse published in {link.parent} yet: run "
                                   "`netflix-insights refresh`") from None

    def _acquire(self) -> _Build:
        """The current build's connection, opened or switched as needed."""
        target = self._target()
        with self._lock:
            if self._build is None or self._build.path != target:
                if self._build is not None:
                    self._build.retired = True
                    self._retired.append(self._build)
                self._build = _Build(target.stem, target, open_read_only(target))
                self._cache.clear()
            self._build.in_flight += 1
            return self._build

    def _release(self, build: _Build) -> None:
        with self._lock:
            build.in_flight -= 1
            for old in [b for b in self._retired if b.in_flight == 0]:
                for scoped in old.scopes.values():
                    _close_scoped(scoped)
                old.con.close()
                self._retired.remove(old)

    @property
    def build_id(self) -> str:
        return self._target().stem

    def query(self, name: str, *, scope: Scope | None = None,
              derive: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
              **params) -> pl.DataFrame:
        """Run queries/sql/<name>.sql with bound params; cached per build. With a
        `scope` (and non-empty `filters`) it reads the page's title set selected once
        for these filters instead of filtering again (same result). With `derive` (a
        pure function of the rows, part of the cache key) it returns, and the cache
        keeps, derive(rows) instead of the rows: for a wrapper that turns many rows
        into a small result, so the cache does not hold the many rows."""
        build = self._acquire()
        try:
            key = (build.build_id, name, derive and derive.__qualname__,
                   tuple(sorted((k, _hashable(v)) for k, v in params.items())))
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]
            if scope is not None and _worth_a_scope(params.get("filters")):
                frame = self._execute_scoped(build, scope, name, params)
            else:
                frame = self._execute(build, sql_text(name), params)
            if derive is not None:
                frame = derive(frame)
            with self._lock:
                self._cache[key] = frame
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            return frame
        finally:
            self._release(build)

    @contextmanager
    def leased_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The current build's connection for the block (not switched or closed while
        leased). For the SQL console, which runs ad-hoc SQL on a fresh cursor of it
        (queries/console.py)."""
        build = self._acquire()
        try:
            yield build.con
        finally:
            self._release(build)

    def _scoped(self, build: _Build, scope: Scope, filters: dict) -> _Scoped:
        key = (scope, _hashable(filters))
        with self._lock:
            scoped = build.scopes.get(key)
            if scoped is None:
                scoped = build.scopes[key] = _Scoped(build.con.cursor())
                while len(build.scopes) > SCOPES_KEPT:
                    _, old = build.scopes.popitem(last=False)
                    _close_scoped(old)
            build.scopes.move_to_end(key)
            return scoped

    def _execute_scoped(self, build: _Build, scope: Scope, name: str,
                        params: dict) -> pl.DataFrame:
        scoped = self._scoped(build, scope, params["filters"])
        with scoped.lock:  # the page's other charts wait here for the one selection
            if scoped.closed:  # evicted meanwhile: filter this once the ordinary way
                return self._execute(build, sql_text(name), params)
            if not scoped.ready:
                table_columns = [r[0] for r in scoped.con.sql(
                    "select column_name from duckdb_columns() where database_name = "
                    "current_database() and schema_name = 'main' and table_name = "
                    "'titles' order by column_index").fetchall()]
                columns = ", ".join(f'"{c}"' for c in scope.columns(table_columns))
                # the same macro selects the rows; a temp macro of the same name then
                # shadows it on this connection (temp objects are looked up first)
                self._run(scoped.con, "create or replace temp table page_scope as select "
                          f"{columns} from filtered_titles($filters)",
                          {"filters": params["filters"]}, fetch=False)
                scoped.con.sql("create or replace temp macro filtered_titles(filters) "
                               "as table select * from page_scope")
                scoped.ready = True
            return self._run(scoped.con, sql_text(name), params)

    def _execute(self, build: _Build, sql: str, params: dict) -> pl.DataFrame:
        cursor = build.con.cursor()
        try:
            return self._run(cursor, sql, params)
        finally:
            cursor.close()

    def _run(self, cursor: duckdb.DuckDBPyConnection, sql: str, params: dict,
             fetch: bool = True) -> pl.DataFrame | None:
        """One statement on `cursor` under the time limit and the row cap."""
        done = threading.Event()
        watchdog = threading.Thread(target=_interrupt_until_done,
                                    args=(cursor, done, self.timeout_s), daemon=True)
        watchdog.start()
        try:
            if not fetch:
                cursor.execute(sql, params or None)
                return None
            frame = _fetch(cursor, sql, params)
        except duckdb.InterruptException as exc:
            raise QueryTimeout(f"query stopped after {self.timeout_s:g} s") from exc
        except (duckdb.BinderException, duckdb.CatalogException) as exc:
            # our own SQL failing to bind is a bug, or a build older than the code:
            # say which, so an upgraded app on an old build shows how to fix it, not a 500
            missing = missing_columns(cursor)
            if missing:
                raise BuildOutdated(
                    "the published warehouse was built by an older version and lacks "
                    f"{', '.join(missing[:3])}{' …' if len(missing) > 3 else ''}: run "
                    "`netflix-insights refresh` to rebuild it") from exc
            raise
        finally:
            done.set()
            watchdog.join()
        if frame.height > self.row_cap:
            frame = frame.head(self.row_cap)
        return frame

    def close(self) -> None:
        with self._lock:
            for b in self._retired + ([self._build] if self._build else []):
                for scoped in b.scopes.values():
                    _close_scoped(scoped)
                b.con.close()
            self._retired.clear()
            self._build = None


def missing_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """`table.column` of every column warehouse/schema.toml declares that the build on
    `con` lacks (empty for a build made by this version)."""
    present = set(con.execute("select table_name, column_name from duckdb_columns() "
                              "where schema_name = 'main'").fetchall())
    return [f"{table.name}.{column}" for table in schema.tables().values()
            for column in table.columns if (table.name, column) not in present]


def _fetch(cursor: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pl.DataFrame:
    """The statement's rows as a Polars frame. execute() binds the statement once;
    cursor.sql(...).pl() binds it twice (to describe the relation, then to run it),
    which costs more than the extra copy of a chart's few rows
    (benchmarks/bench_query_path.py measures both at bundled and 1M scale)."""
    return pl.from_arrow(cursor.execute(sql, params or None).to_arrow_table())


def _interrupt_until_done(cursor, done: threading.Event, timeout_s: float) -> None:
    # An interrupt sent before execution starts is dropped, so keep sending it
    # until the query has ended (verified on DuckDB 2.0).
    if done.wait(timeout_s):
        return
    while not done.is_set():
        cursor.interrupt()
        done.wait(0.05)


def _close_scoped(scoped: _Scoped) -> None:
    """Close a scope's connection once its running query (if any) is done."""
    def close():
        with scoped.lock:
            scoped.closed = True
            scoped.con.close()
    if scoped.lock.acquire(blocking=False):
        scoped.lock.release()
        close()
    else:  # in use: close from a thread that waits for it
        threading.Thread(target=close, daemon=True).start()


def _worth_a_scope(filters) -> bool:
    """Whether selecting a page's titles once pays for these `$filters`: only when they
    test the genre or country lists (a test of every title's list, the costly part of
    filtering). Type, years, dates and ratings are cheap scalar tests, and they keep
    most titles, so a scope would copy most of the catalog to save little: measured at
    1M titles (benchmarks/bench_page_scope.py, README), a Universe change took 1.7-2.4x
    less time scoped with a genre or country filter, 1.3-1.7x more with only a type or
    years filter. With the lists' test 2-3x cheaper since (bench_list_filter.py) the
    scope still pays on Universe (1.3-1.4x), not clearly on Performance (0.9x in 3
    rounds: left scoped)."""
    return isinstance(filters, dict) and bool(filters.get("genres") or filters.get("countries"))


def _hashable(value):
    if isinstance(value, dict):  # a STRUCT parameter (the global filters)
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return tuple(value) if isinstance(value, (list, set)) else value


_DEFAULT: dict[Path, Warehouse] = {}


def warehouse(data_dir: Path | None = None) -> Warehouse:
    """The process-wide Warehouse for a data dir (created lazily, after any fork)."""
    key = settings.data_dir(data_dir)
    if key not in _DEFAULT:
        _DEFAULT[key] = Warehouse(key)
    return _DEFAULT[key]
