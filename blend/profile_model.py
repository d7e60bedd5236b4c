"""What every profiles store shares (the embedded DuckDB one, blend/profiles.py, and the
PostgreSQL one, blend/profiles_pg.py): the records, the refusals, the rules."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

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
