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
from blend.profile_model import ProfileError, ProfileStoreBase, backup_path, now

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
FRAME_SCHEMAS = {"items": ITEMS_SCHEMA, "viewings": VIEWINGS_SCHEMA}


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


class PgProfileStore(ProfileStoreBase):
    """All reads and writes of the Blend's user state in PostgreSQL; the methods both
    stores share are in blend/profile_model.py."""

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

    def _sql(self, name: str) -> str:
        return _sql(name)

    def _frame(self, con, name: str, params: dict) -> pl.DataFrame:
        rows = con.execute(_sql(name), params).fetchall()
        return pl.DataFrame(rows, schema=FRAME_SCHEMAS[name], orient="row")

    # --- writes -----------------------------------------------------------------

    def create_profile(self, name: str, parsed, *, file_name: str | None,
                       blend_id: str | None, build_id: str | None = None
                       ) -> tuple[str, str, str]:
        """Store a parsed history as a new member of `blend_id` (a new blend when None),
        all in one transaction. Returns (blend_id, profile_id, edit_key)."""
        name, items, viewings, profile_id, edit_key = self._new_profile(name, parsed)
        with self.session(write=True) as con:
            if blend_id is None:
                blend_id = secrets.token_urlsafe(12)
                con.execute(_sql("insert_blend"), {"blend_id": blend_id, "created_at": now()})
            else:
                con.execute(_sql("lock_blend"), {"blend_id": blend_id})
                self._check_blend(con, blend_id, joining=True)
            con.execute(_sql("insert_profile"),
                        self._profile_row(profile_id, name, edit_key, parsed, file_name,
                                          build_id))
            _copy(con, "copy_items", profile_id, items)
            _copy(con, "copy_viewings", profile_id, viewings)
            con.execute(_sql("insert_member"), {"blend_id": blend_id, "profile_id": profile_id,
                                                "joined_at": now()})
            settings.test_pause("profile_write")
        return blend_id, profile_id, edit_key

    def delete_profile(self, profile_id: str, edit_key: str | None) -> None:
        """Every row of the profile, in one transaction (the foreign keys cascade).
        PostgreSQL reuses the freed space after (auto)vacuum; the bytes can linger in
        it, in the WAL and in backups until overwritten (docs/OPERATIONS.md)."""
        with self.session(write=True) as con:
            self._authorize(con, profile_id, edit_key)
            con.execute(_sql("delete_profile"), {"profile_id": profile_id})

    def backup(self, destination: Path) -> Path:
        """pg_dump (custom format, one consistent snapshot) to a temp name, renamed."""
        destination = backup_path(destination, ".pgdump")
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


def _copy(con: psycopg.Connection, name: str, profile_id: str, frame: pl.DataFrame) -> None:
    """Stream a frame's rows into a table with COPY, the profile id first."""
    with con.cursor() as cursor, cursor.copy(_sql(name)) as copy:
        for row in frame.iter_rows():
            copy.write_row((profile_id, *row))
