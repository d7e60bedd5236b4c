"""The profiles database: uploaded viewing histories and the blends that group them.

Two stores with the same methods: this embedded DuckDB one (the default: no server to
run) and blend/profiles_pg.py (PostgreSQL, when `database_url` is set: what several app
hosts share). `store(data_dir)` picks one.

The warehouse stays read-only; this separate DuckDB file (data_dir/profiles/
profiles.duckdb) is the one thing the app writes. DuckDB lets one process at a time
open a file for writing, and gunicorn runs several workers, so every operation opens
the file, does its work and closes it while holding an flock on a lock file beside it
(the kernel releases the lock if the process dies). An upload is one transaction: a
crash halfway leaves no partial profile (DuckDB discards the uncommitted WAL).

Privacy: profile and blend ids are random and unguessable. Whoever has a blend's link
can see its members' (non-hidden) titles and add a profile to it; only the browser
that uploaded a profile holds its edit key (stored here only as a SHA-256), which
renaming, hiding titles and deleting require.
"""
from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from base import settings
from blend import SQL
from blend.profile_model import (  # noqa: F401  (re-exported: the app imports them here)
    ITEM_COLUMNS,
    MAX_MEMBERS,
    MAX_NAME,
    TABLES,
    VIEWING_COLUMNS,
    Profile,
    ProfileError,
    ProfileStoreBase,
    backup_path,
    clean_name,
    now,
)
from blend.profiles_pg import PgProfileStore
from warehouse import storage

CONFIG = {
    "threads": 1, "memory_limit": "256MB",
    "enable_external_access": False,   # frames are registered explicitly, nothing else
    "autoload_known_extensions": False, "autoinstall_known_extensions": False,
}


def _sql(name: str) -> str:
    return SQL.text(f"profiles/{name}")


def _statements(name: str) -> list[str]:
    return [s.strip() for s in _sql(name).split(";") if s.strip()]


class ProfileStore(ProfileStoreBase):
    """All reads and writes of the profiles database (one short session each); the
    methods both stores share are in blend/profile_model.py."""

    def __init__(self, data_dir: Path):
        self.dir = Path(data_dir) / "profiles"
        self.path = self.dir / "profiles.duckdb"
        self.lock_path = self.dir / "profiles.lock"
        self._thread_lock = threading.Lock()  # one session per process at a time
        self._ready = False

    @contextmanager
    def _locked(self, write: bool) -> Iterator[None]:
        """This process's thread lock, then the cross-process flock: shared for reads
        (read-only opens may coexist across processes), exclusive for writes."""
        with self._thread_lock, open(self.lock_path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def session(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """The database under the lock, closed on exit."""
        if not self._ready:
            self._create()
        with self._locked(write):
            con = duckdb.connect(str(self.path), read_only=not write, config=CONFIG)
            try:
                yield con
            finally:
                con.close()

    def _create(self) -> None:
        """The schema (idempotent), once per process, before the first session. A new
        file is written in the duckdb_storage_version format (warehouse/storage.py), so
        a backup opens in 1.x clients; a file an older release wrote in a newer format
        is rewritten in it once (DuckDB keeps a reopened file's format)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._locked(write=True):
            con = storage.connect_new(self.path, extra=CONFIG)
            try:
                for statement in _statements("schema"):
                    con.execute(statement)
                fresh = (self._copy_remaining(con)
                         if storage.is_newer(storage.version_of(con)) else None)
            finally:
                con.close()
            if fresh is not None:
                os.replace(fresh, self.path)
                Path(f"{self.path}.wal").unlink(missing_ok=True)
        self._ready = True

    def _sql(self, name: str) -> str:
        return _sql(name)

    def _frame(self, con, name: str, params: dict) -> pl.DataFrame:
        return con.sql(_sql(name), params=params).pl()

    # --- writes -----------------------------------------------------------------

    def create_profile(self, name: str, parsed, *, file_name: str | None,
                       blend_id: str | None, build_id: str | None = None
                       ) -> tuple[str, str, str]:
        """Store a parsed history as a new member of `blend_id` (a new blend when None),
        all in one transaction. Returns (blend_id, profile_id, edit_key); the key is
        shown to nobody but its uploader."""
        name, items, viewings, profile_id, edit_key = self._new_profile(name, parsed)
        with self.session(write=True) as con:
            if blend_id is not None:
                self._check_blend(con, blend_id, joining=True)
            con.execute("begin transaction")
            try:
                if blend_id is None:
                    blend_id = secrets.token_urlsafe(12)
                    con.execute(_sql("insert_blend"), {"blend_id": blend_id,
                                                       "created_at": now()})
                self._insert(con, profile_id, name, edit_key, parsed, file_name, build_id,
                             items, viewings)
                con.execute(_sql("insert_member"), {"blend_id": blend_id,
                                                    "profile_id": profile_id,
                                                    "joined_at": now()})
                settings.test_pause("profile_write")
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
        return blend_id, profile_id, edit_key

    def _insert(self, con, profile_id, name, edit_key, parsed, file_name, build_id,
                items: pl.DataFrame, viewings: pl.DataFrame) -> None:
        con.execute(_sql("insert_profile"),
                    self._profile_row(profile_id, name, edit_key, parsed, file_name, build_id))
        con.register("new_items", items.to_arrow())
        con.register("new_viewings", viewings.to_arrow())
        try:
            con.execute(_sql("insert_items"), {"profile_id": profile_id})
            con.execute(_sql("insert_viewings"), {"profile_id": profile_id})
        finally:
            con.unregister("new_items")
            con.unregister("new_viewings")

    def delete_profile(self, profile_id: str, edit_key: str | None) -> None:
        """Every row of the profile goes in one transaction; then the file is rewritten
        from what remains (DuckDB leaves deleted rows' bytes in freed blocks), all under
        one exclusive lock so no upload can land in the file being replaced."""
        if not self._ready:
            self._create()
        with self._locked(write=True):
            con = duckdb.connect(str(self.path), config=CONFIG)
            try:
                self._authorize(con, profile_id, edit_key)
                con.execute("begin transaction")
                for statement in _statements("delete_profile"):
                    con.execute(statement, {"profile_id": profile_id})
                con.execute("commit")
                fresh = self._copy_remaining(con)
            finally:
                con.close()
            os.replace(fresh, self.path)
            Path(f"{self.path}.wal").unlink(missing_ok=True)

    def _copy_remaining(self, con) -> Path:
        """Every table's remaining rows into a new file beside the database."""
        fresh = self.path.with_name(self.path.name + ".compact")
        fresh.unlink(missing_ok=True)
        with storage.connect_new(fresh, extra=CONFIG) as out:
            for statement in _statements("schema"):
                out.execute(statement)
            for table in TABLES:  # constant names, not user input
                out.register("remaining", con.sql(f"select * from {table}").to_arrow_table())
                out.execute(f"insert into {table} select * from remaining")
                out.unregister("remaining")
            out.execute("checkpoint")
        return fresh

    def backup(self, destination: Path) -> Path:
        """A consistent copy of the database: checkpointed and copied while the lock is
        held (no upload can be halfway), written to a temp name, then renamed."""
        destination = backup_path(destination, ".duckdb")
        partial = destination.with_name(destination.name + ".partial")
        try:
            with self.session(write=True) as con:
                con.execute("checkpoint")
                shutil.copyfile(self.path, partial)
            os.replace(partial, destination)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise ProfileError(f"could not write {destination}: {exc.strerror or exc}") from exc
        return destination


_stores: dict[object, object] = {}
_stores_lock = threading.Lock()


def store(data_dir: Path) -> ProfileStore | PgProfileStore:
    """The process's profiles store: PostgreSQL when database_url is set (shared by every
    app host), else the embedded DuckDB file of `data_dir` (one thread lock per file per
    process). Both have the same methods; tests/test_profiles.py runs against both."""
    url = settings.get("database_url")
    key = url or Path(data_dir).resolve()
    with _stores_lock:
        if key not in _stores:
            _stores[key] = PgProfileStore(url) if url else ProfileStore(key)
        return _stores[key]
