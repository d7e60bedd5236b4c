"""What the Blend pages do, behind thin callbacks: uploads in, a blend's data out.

An upload is decoded (Dash sends it base64 inside the callback request), parsed and
matched against the catalog (blend/viewing_history.py), then stored as one profile in
one transaction (blend/profiles.py). Nothing is stored when any step refuses the
file. The recommender is loaded from the build's artifacts, never fitted here.
"""
from __future__ import annotations

import base64
import binascii
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from base import settings
from blend import insights as bi
from blend import recommender as blend_model
from blend.profiles import Profile, ProfileError, clean_name, store
from blend.viewing_history import HistoryError, load_catalog, parse_history
from models import blend_space, serving
from queries.db import Warehouse

UploadError = (HistoryError, ProfileError)


@dataclass(frozen=True)
class Added:
    blend_id: str
    profile_id: str
    edit_key: str
    message: str


@dataclass(frozen=True)
class BlendData:
    """A blend as the page shows it: members, and their non-hidden rows per person."""
    blend_id: str
    members: list[Profile]
    people: list[str]              # display names, member order, made unique
    items: pl.DataFrame            # visible items + person (what the group sees)
    viewings: pl.DataFrame         # visible viewing rows + person (empty unless asked)
    all_items: pl.DataFrame        # every item, hidden ones flagged (owners' controls)

    def person_items(self, person: str) -> pl.DataFrame:
        return self.items.filter(pl.col("person") == person)


def max_upload_bytes() -> int:
    return settings.get("upload_max_bytes")


def decode_upload(contents: str | None) -> bytes:
    """The file behind a dcc.Upload `contents` data URL, or a HistoryError."""
    if not contents or "," not in contents:
        raise HistoryError("No file arrived. Choose your NetflixViewingHistory.csv again.")
    payload = contents.split(",", 1)[1]
    if len(payload) > max_upload_bytes() * 4 // 3 + 8:
        raise HistoryError(f"This file is larger than the {max_upload_bytes() / 1e6:.0f} MB "
                           "limit. Netflix's viewing-history file is normally well under 1 MB.")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise HistoryError("The upload arrived damaged; please try again.") from None


def add_person(data_dir: Path, wh: Warehouse, blend_id: str | None, name: str | None,
               contents: str | None, file_name: str | None) -> Added:
    """Parse and store one history; a new blend when `blend_id` is None. Refusals come
    before anything is written (the blend, too, is created in the profile's transaction)."""
    profiles = store(data_dir)
    if blend_id is not None:
        profiles.check_can_join(blend_id)  # before the work of parsing
    if not (name or "").strip():  # a name is optional: "Person 2" is clear enough
        name = f"Person {len(profiles.members(blend_id)) + 1 if blend_id else 1}"
    clean_name(name)
    parsed = parse_history(decode_upload(contents), load_catalog(wh))
    blend_id, profile_id, edit_key = profiles.create_profile(
        name, parsed, file_name=file_name, blend_id=blend_id, build_id=wh.build_id)
    matched = parsed.items.filter(pl.col("show_id").is_not_null()).height
    message = (f"Added {parsed.rows_read:,} rows: {parsed.items.height:,} titles, "
               f"{matched:,} found in the catalog ({parsed.match_rate:.0%}).")
    return Added(blend_id, profile_id, edit_key, message)


def display_names(members: list[Profile]) -> list[str]:
    """Member names, made unique ('Sam', 'Sam (2)') so charts can tell people apart."""
    seen: Counter[str] = Counter()
    out = []
    for m in members:
        seen[m.name] += 1
        out.append(m.name if seen[m.name] == 1 else f"{m.name} ({seen[m.name]})")
    return out


def load_blend(data_dir: Path, blend_id: str, with_viewings: bool = True) -> BlendData | None:
    """The blend's members and rows (viewing rows only when asked: the list needs
    just the items), or None when the blend does not exist."""
    found = store(data_dir).read_blend(blend_id, with_viewings)
    if found is None:
        return None
    members, items, viewings = found
    people = display_names(members)
    names = pl.DataFrame({"profile_id": [m.profile_id for m in members], "person": people},
                         schema={"profile_id": pl.String, "person": pl.String})
    all_items = items.join(names, on="profile_id", how="left")
    viewings = (viewings.join(names, on="profile_id", how="left") if viewings is not None
                else pl.DataFrame())
    return BlendData(blend_id, members, people, all_items.filter(~pl.col("hidden")), viewings,
                     all_items)


class NothingToRecommend(ValueError):
    """No blend, or nobody in it yet: the message says what to do."""


EVERYONE = "__everyone__"


def recommendations(data_dir: Path, wh: Warehouse, blend_id: str, for_whom: str | None, n,
                    filters: blend_model.BlendFilters
                    ) -> tuple[list[str], list[blend_model.Recommendation]]:
    """(people, list) for the whole blend, or one person's own list when `for_whom`
    names a member. NothingToRecommend, ModelMissing or BadInput say why not."""
    data = load_blend(data_dir, blend_id, with_viewings=False)
    if data is None:
        raise NothingToRecommend("This blend does not exist (it may have been deleted).")
    if not data.people:
        raise NothingToRecommend("Upload a viewing history to get a list.")
    people = [for_whom] if for_whom in data.people else data.people
    size = int(n) if str(n or "").isdigit() and 1 <= int(n) <= 100 else 20
    return people, recommend(wh, data, people, size, filters)


def recommendations_frame(recs: list[blend_model.Recommendation],
                          people: list[str]) -> pl.DataFrame:
    """Grain: one row per recommended title, in rank order (the list's CSV)."""
    return pl.DataFrame([{"rank": i, "title": r.title, "type": r.kind,
                          "release_year": r.release_year, "genres": ", ".join(r.genres),
                          "why": r.reason, **{f"interest_{p}": r.interest.get(p)
                                              for p in people}}
                         for i, r in enumerate(recs, 1)])


def insight_frames(data_dir: Path, wh: Warehouse,
                   blend_id: str) -> tuple[list[str], dict[str, pl.DataFrame]]:
    """Every 'your viewing' chart's frame for the blend, keyed by chart id (what the
    charts draw and their CSVs contain); empty frames when the blend has nobody."""
    data = load_blend(data_dir, blend_id)
    if data is None or not data.people:
        return [], {c: pl.DataFrame() for c in INSIGHT_CHARTS}
    v, i = data.viewings, data.items
    facets = bi.title_facets(wh, i["show_id"].drop_nulls().to_list())
    return data.people, {
        "blend-over-time": bi.monthly(v), "blend-weekday": bi.by_weekday(v),
        "blend-month": bi.by_month_of_year(v), "blend-kinds": bi.movies_vs_shows(i),
        "blend-top-shows": bi.top_shows(i), "blend-binges": bi.binge_sessions(v),
        "blend-genres": bi.facet_mix(i, facets, "genre"),
        "blend-countries": bi.facet_mix(i, facets, "country"),
        "overlap": bi.overlap(i), "shared": bi.shared_titles(i, len(data.people))}


INSIGHT_CHARTS = ["blend-over-time", "blend-weekday", "blend-month", "blend-kinds",
                  "blend-top-shows", "blend-binges", "blend-genres", "blend-countries",
                  "overlap", "shared"]


def recommend(wh: Warehouse, data: BlendData, people: list[str], n: int,
              filters: blend_model.BlendFilters) -> list[blend_model.Recommendation]:
    """The blend for `people` (one person: their 'for you' list). ModelMissing when the
    build has no recommender."""
    space, _meta = serving.load(wh.paths.data_dir, wh.build_id, blend_space.NAME)
    return blend_model.recommend(space, histories(data, people), n=n, filters=filters)


def histories(data: BlendData, people: list[str]) -> dict[str, pl.DataFrame]:
    """What the recommender reads per person: matched, non-hidden titles."""
    return {p: data.person_items(p).filter(pl.col("show_id").is_not_null())
            .select("show_id", "episodes", "last_watched") for p in people}


def profile_action(data_dir: Path, action: str, profile_id: str, edit_key: str | None,
                   value, new_name: str | None) -> str | None:
    """One owner action ('blend-rename-button', 'blend-hide', 'blend-delete'); the
    sentence to show, or None when nothing changed. ProfileError without the key."""
    profiles = store(data_dir)
    if action == "blend-rename-button":
        profiles.rename(profile_id, edit_key, new_name or "")
        return f"Renamed to {clean_name(new_name)}."
    if action == "blend-hide":
        hidden = [k for k in (value or []) if isinstance(k, str)]
        if not profiles.set_hidden(profile_id, edit_key, hidden):
            return None
        return f"{len(hidden)} titles hidden from the group."
    if action == "blend-delete":
        profiles.delete_profile(profile_id, edit_key)
        return "Profile deleted, with every row of its history."
    return None
