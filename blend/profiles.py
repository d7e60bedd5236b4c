"""The profiles database: uploaded viewing histories and the blends that group them.

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
import hashlib
import hmac
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from base import settings
from blend import SQL
from warehouse import storage

MAX_NAME = 40
MAX_MEMBERS = 6          # people in one blend
CONFIG = {
    "threads": 1, "memory_limit": "256MB",
    "enable_external_access": False,   # frames are registered explicitly, nothing else
    "autoload_known_extensions": False, "autoinstall_known_extensions": False,
}
ITEM_COLUMNS = ["item_key", "item_name", "show_id", "kind", "is_episode", "episodes",
                "first_watched", "last_watched", "match_method", "match_score"]
VIEWING_COLUMNS = ["item_key", "row_number", "watched_on", "item_name", "season", "episode",
                   "is_episode", "show_id"]


class ProfileError(ValueError):
    """A request the store refuses; the message is shown to the user as-is."""


@dataclass(frozen=True)
class Profile:
    profile_id: str
    name: str
    created_at: datetime
    file_name: str | None
    rows_read: int
    duplicate_rows: int
    date_order: str
    date_order_ambiguous: bool
    build_id: str | None
    n_items: int
    n_matched: int
    n_hidden: int

    @property
    def match_rate(self) -> float:
        return self.n_matched / self.n_items if self.n_items else 0.0


def _sql(name: str) -> str:
    return SQL.text(f"profiles/{name}")


def _statements(name: str) -> list[str]:
    return [s.strip() for s in _sql(name).split(";") if s.strip()]


def _key_hash(edit_key: str) -> str:
    return hashlib.sha256(edit_key.encode()).hexdigest()


def clean_name(name: str | None) -> str:
    """A display name: trimmed, non-empty, at most MAX_NAME characters."""
    name = " ".join((name or "").split())
    if not name:
        raise ProfileError("Give this profile a name (who watched these titles?).")
    if len(name) > MAX_NAME:
        raise ProfileError(f"Names are at most {MAX_NAME} characters.")
    return name


TABLES = ("profiles", "profile_items", "profile_viewings", "blends", "blend_members")


class ProfileStore:
    """All reads and writes of the profiles database (one short session each)."""

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

    # --- writes -----------------------------------------------------------------

    def create_blend(self) -> str:
        blend_id = secrets.token_urlsafe(12)
        with self.session(write=True) as con:
            con.execute(_sql("insert_blend"), {"blend_id": blend_id, "created_at": _now()})
        return blend_id

    def create_profile(self, name: str, parsed, *, file_name: str | None,
                       blend_id: str | None, build_id: str | None = None
                       ) -> tuple[str, str, str]:
        """Store a parsed history as a new member of `blend_id` (a new blend when None),
        all in one transaction. Returns (blend_id, profile_id, edit_key); the key is
        shown to nobody but its uploader."""
        name = clean_name(name)
        items = parsed.items.select(ITEM_COLUMNS)
        viewings = parsed.viewings.select(VIEWING_COLUMNS)
        if items.is_empty():
            raise ProfileError("This file has no viewing rows to keep.")
        profile_id, edit_key = secrets.token_urlsafe(16), secrets.token_urlsafe(24)
        with self.session(write=True) as con:
            if blend_id is not None:
                self._check_blend(con, blend_id, joining=True)
            con.execute("begin transaction")
            try:
                if blend_id is None:
                    blend_id = secrets.token_urlsafe(12)
                    con.execute(_sql("insert_blend"), {"blend_id": blend_id,
                                                       "created_at": _now()})
                self._insert(con, profile_id, name, edit_key, parsed, file_name, build_id,
                             items, viewings)
                con.execute(_sql("insert_member"), {"blend_id": blend_id,
                                                    "profile_id": profile_id,
                                                    "joined_at": _now()})
                settings.test_pause("profile_write")
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
        return blend_id, profile_id, edit_key

    def _insert(self, con, profile_id, name, edit_key, parsed, file_name, build_id,
                items: pl.DataFrame, viewings: pl.DataFrame) -> None:
        con.execute(_sql("insert_profile"), {
            "profile_id": profile_id, "name": name, "edit_key_sha256": _key_hash(edit_key),
            "created_at": _now(), "file_name": (file_name or "")[:200] or None,
            "rows_read": parsed.rows_read, "duplicate_rows": parsed.duplicate_rows,
            "date_order": parsed.date_order,
            "date_order_ambiguous": parsed.date_order_ambiguous, "build_id": build_id})
        con.register("new_items", items.to_arrow())
        con.register("new_viewings", viewings.to_arrow())
        try:
            con.execute(_sql("insert_items"), {"profile_id": profile_id})
            con.execute(_sql("insert_viewings"), {"profile_id": profile_id})
        finally:
            con.unregister("new_items")
            con.unregister("new_viewings")

    def rename(self, profile_id: str, edit_key: str | None, name: str) -> None:
        name = clean_name(name)
        with self.session(write=True) as con:
            self._authorize(con, profile_id, edit_key)
            con.execute(_sql("rename"), {"name": name, "profile_id": profile_id})

    def set_hidden(self, profile_id: str, edit_key: str | None,
                   item_keys: list[str]) -> bool:
        """Exactly these items of the profile are hidden (the rest are shown). False
        when that was already so (a re-rendered control, not a change)."""
        with self.session(write=True) as con:
            self._authorize(con, profile_id, edit_key)
            now = {r[0] for r in con.execute(_sql("hidden_keys"),
                                             {"profile_id": profile_id}).fetchall()}
            if now == set(item_keys):
                return False
            con.execute(_sql("set_hidden"), {"item_keys": list(item_keys),
                                             "profile_id": profile_id})
        return True

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
        destination = Path(destination)
        if destination.is_dir():
            destination = destination / f"profiles-{_now():%Y%m%dT%H%M%S}.duckdb"
        partial = destination.with_name(destination.name + ".partial")
        with self.session(write=True) as con:
            con.execute("checkpoint")
            shutil.copyfile(self.path, partial)
        os.replace(partial, destination)
        return destination

    # --- reads --------------------------------------------------------------------

    def read_blend(self, blend_id: str, with_viewings: bool = True
                   ) -> tuple[list[Profile], pl.DataFrame, pl.DataFrame | None] | None:
        """Members, all their items (hidden flagged) and, if asked, their visible
        viewing rows, in one session; None when the blend does not exist."""
        with self.session() as con:
            if not self._blend_found(con, blend_id):
                return None
            members = self._members(con, blend_id)
            ids = [m.profile_id for m in members]
            items = con.sql(_sql("items"), params={"profile_ids": ids}).pl()
            viewings = (con.sql(_sql("viewings"), params={"profile_ids": ids}).pl()
                        if with_viewings else None)
        return members, items, viewings

    def blend_exists(self, blend_id: str) -> bool:
        with self.session() as con:
            return self._blend_found(con, blend_id)

    def members(self, blend_id: str) -> list[Profile]:
        with self.session() as con:
            return self._members(con, blend_id)

    def items(self, profile_ids: list[str], include_hidden: bool = False) -> pl.DataFrame:
        with self.session() as con:
            items = con.sql(_sql("items"), params={"profile_ids": list(profile_ids)}).pl()
        return items if include_hidden else items.filter(~pl.col("hidden"))

    def viewings(self, profile_ids: list[str]) -> pl.DataFrame:
        with self.session() as con:
            return con.sql(_sql("viewings"), params={"profile_ids": list(profile_ids)}).pl()

    def can_edit(self, profile_id: str, edit_key: str | None) -> bool:
        with self.session() as con:
            return self._key_matches(con, profile_id, edit_key)

    def editable(self, keys: dict[str, str] | None) -> set[str]:
        """The profile ids among `keys` whose stored key really is valid."""
        with self.session() as con:
            return {pid for pid, key in (keys or {}).items()
                    if isinstance(key, str) and self._key_matches(con, pid, key)}

    # --- checks -------------------------------------------------------------------

    def _blend_found(self, con, blend_id: str) -> bool:
        return bool(con.execute(_sql("blend_exists"), {"blend_id": blend_id}).fetchall()[0][0])

    def _members(self, con, blend_id: str) -> list[Profile]:
        frame = con.sql(_sql("members"), params={"blend_id": blend_id}).pl()
        return [Profile(**row) for row in frame.iter_rows(named=True)]

    def _check_blend(self, con, blend_id: str, joining: bool = False) -> None:
        if not self._blend_found(con, blend_id):
            raise ProfileError("This blend does not exist (it may have been deleted).")
        size = con.execute(_sql("blend_size"), {"blend_id": blend_id}).fetchall()[0][0]
        if joining and size >= MAX_MEMBERS:
            raise ProfileError(f"A blend has at most {MAX_MEMBERS} people.")

    def check_can_join(self, blend_id: str) -> None:
        """ProfileError unless `blend_id` exists and has room (before parsing a file)."""
        with self.session() as con:
            self._check_blend(con, blend_id, joining=True)

    def _key_matches(self, con, profile_id: str, edit_key: str | None) -> bool:
        rows = con.execute(_sql("edit_key"), {"profile_id": profile_id}).fetchall()
        return bool(rows and edit_key and
                    hmac.compare_digest(rows[0][0], _key_hash(edit_key)))

    def _authorize(self, con, profile_id: str, edit_key: str | None) -> None:
        if not self._key_matches(con, profile_id, edit_key):
            raise ProfileError("Only the browser that uploaded this profile can change "
                               "or delete it.")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


_stores: dict[Path, ProfileStore] = {}
_stores_lock = threading.Lock()


def store(data_dir: Path) -> ProfileStore:
    """The process's store for a data dir (one thread lock per file per process)."""
    key = Path(data_dir).resolve()
    with _stores_lock:
        return _stores.setdefault(key, ProfileStore(key))
