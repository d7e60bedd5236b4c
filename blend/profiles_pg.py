"""The profiles store in PostgreSQL (`database_url` set): what several app hosts share.

The same methods and answers as the embedded store (blend/profiles.py), on the same
tables (blend/sql/profiles_pg/migrations/). Each operation is one short transaction on
its own connection (base/pg.py): an upload's rows arrive with COPY inside the
transaction that creates the profile, so a crash or a killed host leaves nothing
partial (PostgreSQL rolls back what a dead connection had not committed). Joining a
blend locks its row (`for update`), so concurrent joiners on any hosts can never
exceed MAX_MEMBERS.

Schema migrations: numbered files in blend/sql/profiles_pg/migrations/, applied in
order by `migrate()` (`netflix-insights migrate`, and on a process's first use) in one
transaction under an advisory lock, recorded in schema_migrations.
"""
from __future__ import annotations

import hmac
import logging
import re
import secrets
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import psycopg

from base import pg, settings
from blend import SQL
from blend.profile_model import (
    ITEM_COLUMNS,
    VIEWING_COLUMNS,
    Profile,
    ProfileError,
    check_room,
    clean_name,
    key_hash,
    now,
    owner_only,
)

log = logging.getLogger(__name__)
MIGRATIONS_DIR = SQL.folder / "profiles_pg" / "migrations"
ITEMS_SCHEMA = {"profile_id": pl.String, "item_key": pl.String, "item_name": pl.String,
                "show_id": pl.String, "kind": pl.String, "is_episode": pl.Boolean,
                "episodes": pl.Int32, "first_watched": pl.Date, "last_watched": pl.Date,
                "match_method": pl.String, "match_score": pl.Float64, "hidden": pl.Boolean,
                "watch_share": pl.Float64}
VIEWINGS_SCHEMA = {"profile_id": pl.String, "item_key": pl.String, "watched_on": pl.Date,
                   "item_name": pl.String, "season": pl.String, "episode": pl.String,
                   "is_episode": pl.Boolean, "show_id": pl.String}


def _sql(name: str) -> str:
    return SQL.text(f"profiles_pg/{name}")


def migrations() -> list[tuple[int, str]]:
    """(version, file stem) of every migration, in order (names start with the number)."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = re.match(r"(\d+)_", path.name)
        if match:
            found.append((int(match.group(1)), path.stem))
    return found


def migrate(url: str) -> list[str]:
    """Apply the migrations this database lacks, in one transaction, under an advisory
    transaction lock (app hosts starting together queue instead of racing); returns the
    names applied."""
    applied = []
    with pg.connect(url) as con, con.transaction():
        con.execute("select pg_advisory_xact_lock(%s)", (pg.lock_key("migrate"),))
        con.execute(_sql("schema_migrations"))
        done = {row[0] for row in con.execute(_sql("applied_migrations"))}
        for version, name in migrations():
            if version not in done:
                con.execute(SQL.text(f"profiles_pg/migrations/{name}"))
                con.execute(_sql("record_migration"), {"version": version, "name": name})
                applied.append(name)
    return applied


class PgProfileStore:
    """All reads and writes of the Blend's user state in PostgreSQL."""

    def __init__(self, url: str):
        self.url = url
        self._ready = False
        self._ready_lock = threading.Lock()

    @contextmanager
    def session(self, write: bool = False) -> Iterator[psycopg.Connection]:
        """One transaction on a fresh connection: committed on success, rolled back on
        any exception (`write` is the embedded store's distinction; here every session
        is a transaction)."""
        try:
            if not self._ready:
                with self._ready_lock:
                    if not self._ready:
                        migrate(self.url)
                        self._ready = True
            con = pg.connect(self.url)
        except pg.DatabaseUnavailable as exc:
            log.error("%s", exc)  # the operator's line; the user gets a calm one
            raise ProfileError("The Blend's database cannot be reached right now; nothing "
                               "was changed. Try again in a minute.") from exc
        with con, con.transaction():
            yield con

    # --- writes -----------------------------------------------------------------

    def create_blend(self) -> str:
        blend_id = secrets.token_urlsafe(12)
        with self.session(write=True) as con:
            con.execute(_sql("insert_blend"), {"blend_id": blend_id, "created_at": now()})
        return blend_id

    def create_profile(self, name: str, parsed, *, file_name: str | None,
                       blend_id: str | None, build_id: str | None = None
                       ) -> tuple[str, str, str]:
        """Store a parsed history as a new member of `blend_id` (a new blend when None),
        all in one transaction. Returns (blend_id, profile_id, edit_key)."""
        name = clean_name(name)
        items = parsed.items.select(ITEM_COLUMNS)
        viewings = parsed.viewings.select(VIEWING_COLUMNS)
        if items.is_empty():
            raise ProfileError("This file has no viewing rows to keep.")
        profile_id, edit_key = secrets.token_urlsafe(16), secrets.token_urlsafe(24)
        with self.session(write=True) as con:
            if blend_id is None:
                blend_id = secrets.token_urlsafe(12)
                con.execute(_sql("insert_blend"), {"blend_id": blend_id, "created_at": now()})
            else:
                con.execute(_sql("lock_blend"), {"blend_id": blend_id})
                self._check_blend(con, blend_id, joining=True)
            con.execute(_sql("insert_profile"), {
                "profile_id": profile_id, "name": name, "edit_key_sha256": key_hash(edit_key),
                "created_at": now(), "file_name": (file_name or "")[:200] or None,
                "rows_read": parsed.rows_read, "duplicate_rows": parsed.duplicate_rows,
                "date_order": parsed.date_order,
                "date_order_ambiguous": parsed.date_order_ambiguous, "build_id": build_id,
                "notes": "\n".join(parsed.notes)})
            _copy(con, "copy_items", profile_id, items)
            _copy(con, "copy_viewings", profile_id, viewings)
            con.execute(_sql("insert_member"), {"blend_id": blend_id, "profile_id": profile_id,
                                                "joined_at": now()})
            settings.test_pause("profile_write")
        return blend_id, profile_id, edit_key

    def rename(self, profile_id: str, edit_key: str | None, name: str) -> None:
        name = clean_name(name)
        with self.session(write=True) as con:
            self._authorize(con, profile_id, edit_key)
            con.execute(_sql("rename"), {"name": name, "profile_id": profile_id})

    def set_hidden(self, profile_id: str, edit_key: str | None,
                   item_keys: list[str]) -> bool:
        """Exactly these items of the profile are hidden; False when that was so."""
        with self.session(write=True) as con:
            self._authorize(con, profile_id, edit_key)
            hidden = {r[0] for r in con.execute(_sql("hidden_keys"),
                                                {"profile_id": profile_id})}
            if hidden == set(item_keys):
                return False
            con.execute(_sql("set_hidden"), {"item_keys": list(item_keys),
                                             "profile_id": profile_id})
        return True

    def delete_profile(self, profile_id: str, edit_key: str | None) -> None:
        """Every row of the profile, in one transaction (the foreign keys cascade).
        PostgreSQL reuses the freed space after (auto)vacuum; the bytes can linger in
        it, in the WAL and in backups until overwritten (docs/OPERATIONS.md)."""
        with self.session(write=True) as con:
            self._authorize(con, profile_id, edit_key)
            con.execute(_sql("delete_profile"), {"profile_id": profile_id})

    def backup(self, destination: Path) -> Path:
        """pg_dump (custom format, one consistent snapshot) to a temp name, renamed."""
        destination = Path(destination)
        if destination.is_dir():
            destination = destination / f"profiles-{now():%Y%m%dT%H%M%S}.pgdump"
        partial = destination.with_name(destination.name + ".partial")
        dump = shutil.which("pg_dump")
        if dump is None:
            raise ProfileError("backing up PostgreSQL needs pg_dump (apt-get install "
                               "postgresql-client)")
        out = subprocess.run([dump, "--format=custom", "--no-owner", "--file", str(partial),
                              "--dbname", self.url], capture_output=True, text=True)
        if out.returncode != 0:
            partial.unlink(missing_ok=True)
            raise ProfileError(f"pg_dump failed: {out.stderr.strip()[-500:]}")
        partial.replace(destination)
        return destination

    # --- reads --------------------------------------------------------------------

    def read_blend(self, blend_id: str, with_viewings: bool = True
                   ) -> tuple[list[Profile], pl.DataFrame, pl.DataFrame | None] | None:
        """Members, all their items (hidden flagged) and, if asked, their visible
        viewing rows, in one transaction; None when the blend does not exist."""
        with self.session() as con:
            if not self._blend_found(con, blend_id):
                return None
            members = self._members(con, blend_id)
            ids = [m.profile_id for m in members]
            items = _frame(con, "items", {"profile_ids": ids}, ITEMS_SCHEMA)
            viewings = (_frame(con, "viewings", {"profile_ids": ids}, VIEWINGS_SCHEMA)
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
            items = _frame(con, "items", {"profile_ids": list(profile_ids)}, ITEMS_SCHEMA)
        return items if include_hidden else items.filter(~pl.col("hidden"))

    def viewings(self, profile_ids: list[str]) -> pl.DataFrame:
        with self.session() as con:
            return _frame(con, "viewings", {"profile_ids": list(profile_ids)},
                          VIEWINGS_SCHEMA)

    def can_edit(self, profile_id: str, edit_key: str | None) -> bool:
        with self.session() as con:
            return self._key_matches(con, profile_id, edit_key)

    def editable(self, keys: dict[str, str] | None) -> set[str]:
        with self.session() as con:
            return {pid for pid, key in (keys or {}).items()
                    if isinstance(key, str) and self._key_matches(con, pid, key)}

    def check_can_join(self, blend_id: str) -> None:
        with self.session() as con:
            self._check_blend(con, blend_id, joining=True)

    # --- checks -------------------------------------------------------------------

    def _blend_found(self, con, blend_id: str) -> bool:
        return bool(con.execute(_sql("blend_exists"), {"blend_id": blend_id}).fetchone()[0])

    def _members(self, con, blend_id: str) -> list[Profile]:
        cursor = con.execute(_sql("members"), {"blend_id": blend_id})
        names = [c.name for c in cursor.description]
        return [Profile(**dict(zip(names, row))) for row in cursor.fetchall()]

    def _check_blend(self, con, blend_id: str, joining: bool = False) -> None:
        found = self._blend_found(con, blend_id)
        size = con.execute(_sql("blend_size"), {"blend_id": blend_id}).fetchone()[0]
        check_room(found, size, joining)

    def _key_matches(self, con, profile_id: str, edit_key: str | None) -> bool:
        row = con.execute(_sql("edit_key"), {"profile_id": profile_id}).fetchone()
        return bool(row and edit_key and hmac.compare_digest(row[0], key_hash(edit_key)))

    def _authorize(self, con, profile_id: str, edit_key: str | None) -> None:
        if not self._key_matches(con, profile_id, edit_key):
            raise owner_only()


def _copy(con: psycopg.Connection, name: str, profile_id: str, frame: pl.DataFrame) -> None:
    """Stream a frame's rows into a table with COPY, the profile id first."""
    with con.cursor() as cursor, cursor.copy(_sql(name)) as copy:
        for row in frame.iter_rows():
            copy.write_row((profile_id, *row))


def _frame(con, name: str, params: dict, schema: dict) -> pl.DataFrame:
    rows = con.execute(_sql(name), params).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")
