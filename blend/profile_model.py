"""What every profiles store shares (the embedded DuckDB one, blend/profiles.py, and the
PostgreSQL one, blend/profiles_pg.py): the records, the refusals, the rules, and the
methods both answer the same way (ProfileStoreBase)."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

MAX_NAME = 40
MAX_MEMBERS = 6          # people in one blend
ITEM_COLUMNS = ["item_key", "item_name", "show_id", "kind", "is_episode", "episodes",
                "first_watched", "last_watched", "match_method", "match_score", "watch_share"]
VIEWING_COLUMNS = ["item_key", "row_number", "watched_on", "item_name", "season", "episode",
                   "is_episode", "show_id"]
TABLES = ("profiles", "profile_items", "profile_viewings", "blends", "blend_members")


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
    notes: str          # the parser's notes to the uploader, one per line
    n_items: int
    n_matched: int
    n_hidden: int

    @property
    def match_rate(self) -> float:
        return self.n_matched / self.n_items if self.n_items else 0.0


def key_hash(edit_key: str) -> str:
    return hashlib.sha256(edit_key.encode()).hexdigest()


def clean_name(name: str | None) -> str:
    """A display name: trimmed, non-empty, at most MAX_NAME characters."""
    name = " ".join((name or "").split())
    if not name:
        raise ProfileError("Give this profile a name (who watched these titles?).")
    if len(name) > MAX_NAME:
        raise ProfileError(f"Names are at most {MAX_NAME} characters.")
    return name


def check_room(found: bool, size: int, joining: bool) -> None:
    """ProfileError unless the blend exists and (when joining) has room."""
    if not found:
        raise ProfileError("This blend does not exist (it may have been deleted).")
    if joining and size >= MAX_MEMBERS:
        raise ProfileError(f"A blend has at most {MAX_MEMBERS} people.")


def owner_only() -> ProfileError:
    return ProfileError("Only the browser that uploaded this profile can change or "
                        "delete it.")


def now() -> datetime:
    """UTC, naive: both stores keep timestamps without a zone."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def backup_path(destination: Path | str, suffix: str) -> Path:
    """Where `backup-profiles DESTINATION` writes: into a folder (one that exists, or a
    path ending in /, made if missing) as profiles-<UTC time><suffix>, else that file.
    ("backups/" on a fresh host was written as one file named backups, replaced nightly.)"""
    path = Path(destination)
    if str(destination).endswith(os.sep):
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:   # a file of that name, a folder it may not write in
            raise ProfileError(f"cannot make the folder {path}: {exc.strerror or exc}") from exc
    if path.is_dir():
        path = path / f"profiles-{now():%Y%m%dT%H%M%S}{suffix}"
    if not path.parent.is_dir():
        raise ProfileError(f"no folder {path.parent} to write the backup in (a path "
                           "ending in / is a folder, made if missing)")
    return path


class ProfileStoreBase:
    """The methods both stores answer the same way, on their own connection and SQL
    folder. A store supplies `session(write)` (one connection, one transaction or locked
    session), `_sql(name)` (its dialect's file) and `_frame(con, name, params)` (a
    query's rows as a Polars frame); DB-API cursors (DuckDB's and psycopg's) do the
    rest. The writes that differ by engine (an upload's bulk rows, deleting, backups)
    stay in each store."""

    def session(self, write: bool = False):
        raise NotImplementedError

    def _sql(self, name: str) -> str:
        raise NotImplementedError

    def _frame(self, con, name: str, params: dict):
        raise NotImplementedError

    # --- writes -----------------------------------------------------------------

    def create_blend(self) -> str:
        blend_id = secrets.token_urlsafe(12)
        with self.session(write=True) as con:
            con.execute(self._sql("insert_blend"), {"blend_id": blend_id, "created_at": now()})
        return blend_id

    def rename(self, profile_id: str, edit_key: str | None, name: str) -> None:
        name = clean_name(name)
        with self.session(write=True) as con:
            self._authorize(con, profile_id, edit_key)
            con.execute(self._sql("rename"), {"name": name, "profile_id": profile_id})

    def set_hidden(self, profile_id: str, edit_key: str | None,
                   item_keys: list[str]) -> bool:
        """Exactly these items of the profile are hidden (the rest are shown). False
        when that was already so (a re-rendered control, not a change)."""
        with self.session(write=True) as con:
            self._authorize(con, profile_id, edit_key)
            hidden = {r[0] for r in con.execute(self._sql("hidden_keys"),
                                                {"profile_id": profile_id}).fetchall()}
            if hidden == set(item_keys):
                return False
            con.execute(self._sql("set_hidden"), {"item_keys": list(item_keys),
                                                  "profile_id": profile_id})
        return True

    @staticmethod
    def _new_profile(name: str, parsed) -> tuple[str, object, object, str, str]:
        """What an upload stores, checked before anything is: (clean name, items,
        viewings, profile id, edit key)."""
        name = clean_name(name)
        items = parsed.items.select(ITEM_COLUMNS)
        viewings = parsed.viewings.select(VIEWING_COLUMNS)
        if items.is_empty():
            raise ProfileError("This file has no viewing rows to keep.")
        return name, items, viewings, secrets.token_urlsafe(16), secrets.token_urlsafe(24)

    @staticmethod
    def _profile_row(profile_id: str, name: str, edit_key: str, parsed,
                     file_name: str | None, build_id: str | None) -> dict:
        """The insert_profile parameters (the key only as its hash)."""
        return {"profile_id": profile_id, "name": name, "edit_key_sha256": key_hash(edit_key),
                "created_at": now(), "file_name": (file_name or "")[:200] or None,
                "rows_read": parsed.rows_read, "duplicate_rows": parsed.duplicate_rows,
                "date_order": parsed.date_order,
                "date_order_ambiguous": parsed.date_order_ambiguous, "build_id": build_id,
                "notes": "\n".join(parsed.notes)}

    # --- reads --------------------------------------------------------------------

    def read_blend(self, blend_id: str, with_viewings: bool = True):
        """(members, all their items with hidden flagged, and if asked their visible
        viewing rows), read together; None when the blend does not exist."""
        with self.session() as con:
            if not self._blend_found(con, blend_id):
                return None
            members = self._members(con, blend_id)
            ids = [m.profile_id for m in members]
            items = self._frame(con, "items", {"profile_ids": ids})
            viewings = (self._frame(con, "viewings", {"profile_ids": ids})
                        if with_viewings else None)
        return members, items, viewings

    def blend_exists(self, blend_id: str) -> bool:
        with self.session() as con:
            return self._blend_found(con, blend_id)

    def members(self, blend_id: str) -> list[Profile]:
        with self.session() as con:
            return self._members(con, blend_id)

    def items(self, profile_ids: list[str], include_hidden: bool = False):
        with self.session() as con:
            items = self._frame(con, "items", {"profile_ids": list(profile_ids)})
        return items if include_hidden else items.filter(~items["hidden"])

    def viewings(self, profile_ids: list[str]):
        with self.session() as con:
            return self._frame(con, "viewings", {"profile_ids": list(profile_ids)})

    def can_edit(self, profile_id: str, edit_key: str | None) -> bool:
        with self.session() as con:
            return self._key_matches(con, profile_id, edit_key)

    def editable(self, keys: dict[str, str] | None) -> set[str]:
        """The profile ids among `keys` whose stored key really is valid."""
        with self.session() as con:
            return {pid for pid, key in (keys or {}).items()
                    if isinstance(key, str) and self._key_matches(con, pid, key)}

    def check_can_join(self, blend_id: str) -> None:
        """ProfileError unless `blend_id` exists and has room (before parsing a file)."""
        with self.session() as con:
            self._check_blend(con, blend_id, joining=True)

    # --- checks -------------------------------------------------------------------

    def _blend_found(self, con, blend_id: str) -> bool:
        return bool(con.execute(self._sql("blend_exists"),
                                {"blend_id": blend_id}).fetchone()[0])

    def _members(self, con, blend_id: str) -> list[Profile]:
        cursor = con.execute(self._sql("members"), {"blend_id": blend_id})
        names = [column[0] for column in cursor.description]
        return [Profile(**dict(zip(names, row))) for row in cursor.fetchall()]

    def _check_blend(self, con, blend_id: str, joining: bool = False) -> None:
        found = self._blend_found(con, blend_id)
        size = con.execute(self._sql("blend_size"), {"blend_id": blend_id}).fetchone()[0]
        check_room(found, size, joining)

    def _key_matches(self, con, profile_id: str, edit_key: str | None) -> bool:
        row = con.execute(self._sql("edit_key"), {"profile_id": profile_id}).fetchone()
        return bool(row and edit_key and hmac.compare_digest(row[0], key_hash(edit_key)))

    def _authorize(self, con, profile_id: str, edit_key: str | None) -> None:
        if not self._key_matches(con, profile_id, edit_key):
            raise owner_only()
