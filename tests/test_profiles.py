"""The profiles database: uploads stored whole or not at all, owner-only changes,
deletion that leaves nothing behind, a crash mid-upload, and refused uploads.

Every test runs twice: on the embedded DuckDB store and on PostgreSQL (the session's
real server, database_url set), through the same `store()` the app uses."""
from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

import blend.profile_model
from blend import service as blend_service
from blend.profiles import ProfileError, ProfileStore, store
from blend.profiles_pg import PgProfileStore
from conftest import new_database
from blend.viewing_history import HistoryCatalog, HistoryError, parse_history

HISTORIES = Path(__file__).resolve().parent / "data" / "viewing_histories"
ROOT = Path(__file__).resolve().parent.parent
TABLES = ["profiles", "profile_items", "profile_viewings", "blend_members"]


@pytest.fixture(scope="module")
def catalog(warehouse_con) -> HistoryCatalog:
    return HistoryCatalog.from_frame(
        warehouse_con.sql("select show_id, kind, title, release_year from titles").pl())


@pytest.fixture(scope="module")
def parsed(catalog):
    return parse_history((HISTORIES / "kdrama_romance.csv").read_bytes(), catalog)


@pytest.fixture(scope="module")
def pg_profiles_url(postgres) -> str:
    return new_database(postgres, "profiles_test")


@pytest.fixture(autouse=True, params=["duckdb", "postgresql"])
def backend(request, monkeypatch) -> str:
    """The store behind `store()` for this test: the embedded default, or PostgreSQL
    (emptied before each test)."""
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_profiles_url")
        monkeypatch.setenv("NETFLIX_INSIGHTS_DATABASE_URL", url)
        pg_store = store(Path("unused"))
        with pg_store.session(write=True) as con:
            con.execute("truncate profiles, blends cascade")
    else:
        monkeypatch.delenv("NETFLIX_INSIGHTS_DATABASE_URL", raising=False)
    return request.param


@pytest.fixture
def profiles(tmp_path, backend):
    return store(tmp_path)


def count(store, sql: str, params: list) -> int:
    """One count from the store's own database (DuckDB file or PostgreSQL)."""
    if isinstance(store, PgProfileStore):
        import psycopg
        with psycopg.connect(store.url) as con:
            return con.execute(sql.replace("$1", "%s"), params).fetchone()[0]
    if not store.path.exists():
        return 0
    with duckdb.connect(str(store.path), read_only=True) as con:
        return con.execute(sql, params).fetchall()[0][0]


def rows_of(store, profile_id: str) -> dict[str, int]:
    return {t: count(store, f"select count(*) from {t} where profile_id = $1", [profile_id])
            for t in TABLES}


def test_a_profile_is_stored_whole(profiles, parsed):
    blend = profiles.create_blend()
    _, pid, key = profiles.create_profile("Ana", parsed, file_name="h.csv", blend_id=blend)
    [member] = profiles.members(blend)
    assert (member.profile_id, member.name, member.rows_read) == (pid, "Ana", parsed.rows_read)
    assert member.n_items == parsed.items.height
    assert member.n_matched == parsed.items["show_id"].is_not_null().sum()
    stored = profiles.items([pid])
    assert stored["episodes"].sum() == parsed.items["episodes"].sum() == parsed.viewings.height
    assert profiles.viewings([pid]).height == parsed.viewings.height
    assert rows_of(profiles, pid) == {"profiles": 1, "profile_items": parsed.items.height,
                                      "profile_viewings": parsed.viewings.height,
                                      "blend_members": 1}
    assert len(pid) >= 20 and len(blend) >= 16 and key not in (pid, blend)


def test_only_the_owner_changes_a_profile(profiles, parsed):
    blend = profiles.create_blend()
    _, pid, key = profiles.create_profile("Ana", parsed, file_name=None, blend_id=blend)
    for wrong in (None, "", "not-the-key", key[:-1]):
        with pytest.raises(ProfileError, match="Only the browser"):
            profiles.rename(pid, wrong, "Mallory")
        with pytest.raises(ProfileError):
            profiles.delete_profile(pid, wrong)
    profiles.rename(pid, key, "  Ana   María ")
    assert profiles.members(blend)[0].name == "Ana María"
    with pytest.raises(ProfileError, match="at most"):
        profiles.rename(pid, key, "x" * 41)


def test_hidden_titles_leave_insights_and_lists(profiles, parsed):
    blend = profiles.create_blend()
    _, pid, key = profiles.create_profile("Ana", parsed, file_name=None, blend_id=blend)
    top = parsed.items.sort("episodes", descending=True)["item_key"][:2].to_list()
    assert profiles.set_hidden(pid, key, top) is True
    assert profiles.set_hidden(pid, key, list(reversed(top))) is False  # no change
    visible = profiles.items([pid])
    assert not set(top) & set(visible["item_key"])
    assert visible.height == parsed.items.height - 2
    assert not set(top) & set(profiles.viewings([pid])["item_key"])
    assert profiles.items([pid], include_hidden=True).height == parsed.items.height
    [member] = profiles.members(blend)
    assert (member.n_hidden, member.n_items) == (2, parsed.items.height - 2)
    with pytest.raises(ProfileError):
        profiles.set_hidden(pid, "forged", [])
    assert profiles.members(blend)[0].n_hidden == 2
    profiles.set_hidden(pid, key, [])
    assert profiles.items([pid]).height == parsed.items.height


def test_every_row_of_a_show_spelled_two_ways_is_kept(profiles, catalog):
    """Rows reach one item however the show is spelled; all of them are stored."""
    data = ("Title,Date\n" + "".join(f"Stranger Things: Season 1: Chapter {i},3/{i}/21\n"
                                     for i in range(1, 6))
            + "".join(f"Strangr Things: Season 1: Chapter {i},4/{i}/21\n"
                      for i in range(1, 6))).encode()
    parsed = parse_history(data, catalog)
    assert parsed.items.height == 1 and parsed.items["episodes"][0] == 10
    _, pid, _ = profiles.create_profile("Ana", parsed, file_name=None, blend_id=None)
    assert profiles.viewings([pid]).height == 10


def test_delete_leaves_nothing_behind(profiles, catalog, parsed):
    marker = "Zqxjv Unrepeatable Marker Title"
    data = ("Title,Date\n" + "".join(f'"{marker}: Season 1: Episode {i}",3/{i}/21\n'
                                     for i in range(1, 20))).encode()
    blend = profiles.create_blend()
    _, other, _ = profiles.create_profile("Ben", parsed, file_name=None, blend_id=blend)
    _, pid, key = profiles.create_profile("Zqxjvname", parse_history(data, catalog),
                                          file_name=None, blend_id=blend)
    embedded = isinstance(profiles, ProfileStore)
    if embedded:
        with duckdb.connect(str(profiles.path)) as con:
            con.execute("checkpoint")
        assert marker.encode() in profiles.path.read_bytes()
    profiles.delete_profile(pid, key)
    assert rows_of(profiles, pid) == dict.fromkeys(TABLES, 0)
    assert [m.profile_id for m in profiles.members(blend)] == [other]  # the rest stays
    assert profiles.viewings([other]).height == parsed.viewings.height
    if not embedded:  # PostgreSQL: rows gone; freed bytes are vacuum's (docs/OPERATIONS.md)
        return
    for secret in (marker.encode(), b"Zqxjvname"):
        assert secret not in profiles.path.read_bytes()
    assert not Path(str(profiles.path) + ".wal").exists() or \
        marker.encode() not in Path(str(profiles.path) + ".wal").read_bytes()


CRASH_SCRIPT = """
import sys
from pathlib import Path
import duckdb
from blend.viewing_history import HistoryCatalog, parse_history
from blend.profiles import store as profiles_store
con = duckdb.connect(sys.argv[1], read_only=True)
catalog = HistoryCatalog.from_frame(
    con.sql("select show_id, kind, title, release_year from titles").pl())
con.close()
store = profiles_store(Path(sys.argv[2]))
parsed = parse_history(Path(sys.argv[3]).read_bytes(), catalog)
store.create_profile("Crashy", parsed, file_name=None, blend_id=sys.argv[4])
"""


def test_a_crash_mid_upload_stores_no_partial_profile(profiles, parsed, built_data_dir,
                                                     tmp_path):
    blend = profiles.create_blend()
    env = {**os.environ, "NETFLIX_INSIGHTS_TEST_PAUSE_STAGE": "profile_write",
           "NETFLIX_INSIGHTS_TEST_PAUSE_SECONDS": "60"}
    warehouse = built_data_dir / "warehouse" / "current.duckdb"
    proc = subprocess.Popen([sys.executable, "-c", CRASH_SCRIPT, str(warehouse.resolve()),
                             str(tmp_path), str(HISTORIES / "anime_scifi.csv"),
                             blend], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    assert "paused at stage profile_write" in line, line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert profiles.members(blend) == []   # the lock was released by the kernel, too
    assert count(profiles, "select count(*) from profiles", []) == 0
    assert count(profiles, "select count(*) from profile_viewings", []) == 0
    _, pid, _ = profiles.create_profile("Ana", parsed, file_name=None, blend_id=blend)
    assert [m.profile_id for m in profiles.members(blend)] == [pid]


def data_url(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


@pytest.mark.parametrize("name, contents, message", [
    ("x" * 41, data_url(b"Title,Date\nDark: Season 1: Secrets,3/4/21\n"), "at most"),
    ("Ana", None, "No file arrived"),
    ("Ana", "data:text/csv;base64,@@@not base64@@@", "damaged"),
    ("Ana", data_url(b"Name,When\nDark,3/4/21\n"), "Title"),
    ("Ana", data_url(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4), "not a CSV"),
])
def test_refused_uploads_store_nothing(tmp_path, wh, name, contents, message):
    with pytest.raises(blend_service.UploadError, match=message):
        blend_service.add_person(tmp_path, wh, None, name, contents, "x.csv")
    assert_empty(store(tmp_path))


def assert_empty(store) -> None:
    for table in ("profiles", "profile_items", "blends", "blend_members"):
        assert count(store, f"select count(*) from {table}", []) == 0


def test_a_full_blend_is_refused_before_parsing(tmp_path, wh, parsed, monkeypatch):
    monkeypatch.setattr(blend.profile_model, "MAX_MEMBERS", 1)
    first = blend_service.add_person(tmp_path, wh, None, "Ana", data_url(
        (HISTORIES / "kdrama_romance.csv").read_bytes()), "a.csv")
    with pytest.raises(ProfileError, match="at most 1 people"):
        blend_service.add_person(tmp_path, wh, first.blend_id, "Ben", "not even a file", "b")
    assert len(store(tmp_path).members(first.blend_id)) == 1


def test_oversize_upload_is_refused_before_decoding(tmp_path, wh, monkeypatch):
    monkeypatch.setenv("NETFLIX_INSIGHTS_UPLOAD_MAX_BYTES", "1000")
    with pytest.raises(HistoryError, match="larger than"):
        blend_service.add_person(tmp_path, wh, None, "Ana", data_url(b"x" * 5000), "big.csv")


def test_add_person_joins_an_existing_blend(tmp_path, wh):
    first = blend_service.add_person(tmp_path, wh, None, "Ana", data_url(
        (HISTORIES / "kdrama_romance.csv").read_bytes()), "a.csv")
    second = blend_service.add_person(tmp_path, wh, first.blend_id, "Ana", data_url(
        (HISTORIES / "true_crime_thrillers.csv").read_bytes()), "b.csv")
    assert second.blend_id == first.blend_id
    data = blend_service.load_blend(tmp_path, first.blend_id)
    assert data.people == ["Ana", "Ana (2)"]
    third = blend_service.add_person(tmp_path, wh, first.blend_id, " ", data_url(
        (HISTORIES / "standup_sitcoms.csv").read_bytes()), "c.csv")
    assert blend_service.load_blend(tmp_path, third.blend_id).people[-1] == "Person 3"
    assert set(data.items["person"]) == {"Ana", "Ana (2)"}
    assert "found in the catalog" in second.message
    with pytest.raises(ProfileError, match="does not exist"):
        blend_service.add_person(tmp_path, wh, "no-such-blend", "Ben", data_url(
            (HISTORIES / "kdrama_romance.csv").read_bytes()), "c.csv")
    assert blend_service.load_blend(tmp_path, "no-such-blend") is None


def test_weekday_insight_matches_a_plain_count(tmp_path, wh):
    added = blend_service.add_person(tmp_path, wh, None, "Ana", data_url(
        (HISTORIES / "standup_sitcoms.csv").read_bytes()), "a.csv")
    data = blend_service.load_blend(tmp_path, added.blend_id)
    from blend import insights as bi
    frame = bi.by_weekday(data.viewings)
    counts = [0] * 7
    for d in data.viewings["watched_on"]:
        counts[d.weekday()] += 1
    assert frame["rows"].to_list() == counts
    assert frame["share"].sum() == pytest.approx(1.0)
    assert frame["weekday"].to_list() == bi.WEEKDAYS
    sessions = bi.binge_sessions(data.viewings)
    episodes = data.viewings.filter(pl.col("is_episode"))
    manual = {}
    for row in episodes.iter_rows(named=True):
        k = (row["item_name"], row["watched_on"])
        manual[k] = manual.get(k, 0) + 1
    assert sessions.height == sum(1 for v in manual.values() if v >= 3)


def test_backup_is_a_consistent_copy(tmp_path, parsed, backend, postgres):
    profiles = store(tmp_path / "data")
    blend = profiles.create_blend()
    _, pid, _ = profiles.create_profile("Ana", parsed, file_name=None, blend_id=blend)
    out = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "backup-profiles", "--data-dir",
                          str(tmp_path / "data"), str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    copy = Path(out.stdout.split("backed up to ", 1)[1].strip())
    assert copy.parent == tmp_path and copy.name.startswith("profiles-")
    if backend == "postgresql":  # a pg_dump archive: restore it and look
        restored = PgProfileStore(new_database(postgres, "restored"))
        subprocess.run(["pg_restore", "--no-owner", "--dbname", restored.url, str(copy)],
                       check=True, capture_output=True, timeout=60)
        assert restored.viewings([pid]).height == parsed.viewings.height
        return
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("select count(*) from profile_viewings where profile_id = $1",
                           [pid]).fetchall()[0][0] == parsed.viewings.height
    # a folder that is not there yet, written with a trailing /: made, and the copy in it
    # (it was written as one file named "nightly", replaced by every later backup)
    into_new = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "backup-profiles",
                               "--data-dir", str(tmp_path / "data"),
                               str(tmp_path / "nightly") + "/"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60, check=True)
    assert Path(into_new.stdout.split("backed up to ", 1)[1].strip()).parent == tmp_path / "nightly"
    nowhere = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "backup-profiles",
                              "--data-dir", str(tmp_path / "data"),
                              str(tmp_path / "no" / "such" / "x.duckdb")], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert nowhere.returncode == 1 and "no folder" in nowhere.stderr
    missing = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "backup-profiles", "--data-dir",
                              str(tmp_path / "nothing"), str(tmp_path)], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "no profiles database" in missing.stderr


def test_insights_when_a_member_hid_everything_or_nobody_is_there(tmp_path, wh):
    from blend.recommender import BlendFilters
    ana = blend_service.add_person(tmp_path, wh, None, "Ana", data_url(
        (HISTORIES / "kdrama_romance.csv").read_bytes()), "a.csv")
    ben = blend_service.add_person(tmp_path, wh, ana.blend_id, "Ben", data_url(
        (HISTORIES / "kdrama_romance.csv").read_bytes()), "b.csv")
    people, frames = blend_service.insight_frames(tmp_path, wh, ana.blend_id)
    assert people == ["Ana", "Ben"] and frames["shared"].height > 100  # same file twice
    profiles = store(tmp_path)
    everything = profiles.items([ben.profile_id])["item_key"].to_list()
    assert blend_service.profile_action(tmp_path, "blend-hide", ben.profile_id, ben.edit_key,
                                        everything, None).startswith(f"{len(everything)} ")
    people, frames = blend_service.insight_frames(tmp_path, wh, ana.blend_id)
    assert frames["shared"].is_empty()
    assert set(frames["blend-weekday"]["person"]) == {"Ana"}
    with pytest.raises(ProfileError):
        blend_service.profile_action(tmp_path, "blend-delete", ana.profile_id, ben.edit_key,
                                     1, None)

    empty = profiles.create_blend()
    people, frames = blend_service.insight_frames(tmp_path, wh, empty)
    assert people == [] and all(f.is_empty() for f in frames.values())
    with pytest.raises(blend_service.NothingToRecommend, match="Upload"):
        blend_service.recommendations(tmp_path, wh, empty, None, 20, BlendFilters())
    with pytest.raises(blend_service.NothingToRecommend, match="does not exist"):
        blend_service.recommendations(tmp_path, wh, "no-such-blend", None, 20, BlendFilters())


def test_sample_household_and_a_profile_of_a_full_download(tmp_path, wh):
    """The page's "try it with a sample" blend: every profile of the shipped sample
    ViewingActivity.csv, notes and watch shares kept; then one profile of that same
    download joins another blend, named after the profile."""
    sample = blend_service.add_sample(tmp_path, wh)
    data = blend_service.load_blend(tmp_path, sample.blend_id)
    assert sorted(data.people) == ["Alex", "Robin", "Sam"] and len(sample.edit_keys) == 3
    assert all("trailer" in m.notes for m in data.members)
    assert data.items["watch_share"].min() < 1 <= data.items["watch_share"].max()
    contents = data_url(blend_service.SAMPLE.read_bytes())
    assert blend_service.upload_profiles(contents) == data.people   # most rows first
    with pytest.raises(HistoryError, match="holds 3 profiles"):
        blend_service.add_person(tmp_path, wh, None, None, contents, "ViewingActivity.csv")
    added = blend_service.add_person(tmp_path, wh, None, None, contents, "ViewingActivity.csv",
                                     profile="Sam")
    assert blend_service.load_blend(tmp_path, added.blend_id).people == ["Sam"]
