"""The Blend's watch prior: learned from a folder of exports through the upload's parser
(blend/watch_prior.py), written, read back by the training, and used by blend-eval
--prior. The exports here are generated: people's histories never enter the tests."""
from __future__ import annotations

import datetime as dt
import json
import zipfile

import numpy as np
import pytest

from blend import watch_prior
from blend.viewing_history import HistoryCatalog
from models import blend_space, blend_space_training
from test_cli import cli


@pytest.fixture(scope="module")
def catalog_titles(warehouse_con):
    """(HistoryCatalog, show_id → title, three film titles no other title shares)."""
    frame = warehouse_con.sql("select show_id, kind, title, release_year from titles").pl()
    unique = warehouse_con.sql(
        "select any_value(show_id), title from titles where kind = 'movie' "
        "and release_year between 2010 and 2018 group by title having count(*) = 1 "
        "order by title limit 3").fetchall()
    return (HistoryCatalog.from_frame(frame),
            dict(zip(frame["show_id"].to_list(), frame["title"].to_list())), unique)


def history_file(path, titles: list[str], start=dt.date(2021, 3, 1)) -> None:
    lines = ["Title,Date"] + [f'"{t}",{(start + dt.timedelta(days=i)).strftime("%m/%d/%Y")}'
                              for i, t in enumerate(titles)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def activity_file(path, rows: list[tuple[str, str]]) -> None:
    lines = ["Profile Name,Start Time,Duration,Attributes,Title,Supplemental Video Type,"
             "Device Type,Bookmark,Latest Bookmark,Country"]
    lines += [f'{who},2021-05-0{i + 1} 20:00:00,01:30:00,,"{t}",,TV,01:30:00,01:30:00,US'
              for i, (who, t) in enumerate(rows)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def exports(tmp_path, catalog_titles):
    """Three households: A and B watched by two, C by one; a household's two profiles
    count once; a file that is no export."""
    _, _, ((a_id, a), (b_id, b), (c_id, c)) = catalog_titles
    folder = tmp_path / "exports"
    history_file(folder / "one" / "NetflixViewingHistory.csv", [a, b, "Not A Real Title 123"])
    history_file(folder / "two.csv", [a, c])
    activity_file(folder / "three" / "ViewingActivity.csv", [("Ana", b), ("Ben", b)])
    (folder / "notes.csv").write_text("a,b\n1,2\n")
    return folder, (a_id, b_id, c_id)


def test_learn_counts_households_and_keeps_titles_two_watched(exports, catalog_titles):
    folder, (a_id, b_id, c_id) = exports
    catalog, titles, _ = catalog_titles
    said = []
    frame, households = watch_prior.learn(folder, catalog, titles, progress=said.append)
    assert households == 3
    assert frame.rows() == sorted([(a_id, titles[a_id], 2), (b_id, titles[b_id], 2)])
    assert any(line.startswith("notes.csv: refused") for line in said)
    # each counted file's line names the file (a full-account file's too, not a profile)
    assert {line.split(":")[0] for line in said if line.endswith("catalog titles")} == {
        str(p.relative_to(folder)) for p in folder.rglob("*.csv") if p.name != "notes.csv"}
    everything, _ = watch_prior.learn(folder, catalog, titles, min_households=1)
    assert dict(zip(everything["show_id"], everything["households"])) == {
        a_id: 2, b_id: 2, c_id: 1}


def test_one_household_sent_twice_counts_once(tmp_path, catalog_titles):
    """The zip Netflix sends and the CSV unpacked from it are one household: counted
    twice, one person's titles would pass the two-household rule. The zip is read with
    the offline cap, not its own (smaller) size."""
    catalog, titles, ((a_id, a), (b_id, b), _) = catalog_titles
    folder = tmp_path / "exports"
    csv = folder / "NetflixViewingHistory.csv"
    history_file(csv, [a, b] * 200)   # repeated rows: the zip is far smaller than the CSV
    with zipfile.ZipFile(folder / "netflix-report.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(csv, "NetflixViewingHistory.csv")
    assert (folder / "netflix-report.zip").stat().st_size < csv.stat().st_size / 4
    (folder / "copy").mkdir()   # a second copy under the same file name
    (folder / "copy" / csv.name).write_bytes(csv.read_bytes())
    said = []
    frame, households = watch_prior.learn(folder, catalog, titles, progress=said.append)
    assert households == 1 and frame.height == 0
    assert sum("the same rows as" in line for line in said) == 2, said
    (folder / "copy" / csv.name).unlink()
    everything, _ = watch_prior.learn(folder, catalog, titles, min_households=1)
    assert set(everything["show_id"]) == {a_id, b_id}
    csv.unlink()   # the zip alone
    from_zip, households = watch_prior.learn(folder, catalog, titles, min_households=1)
    assert households == 1 and set(from_zip["show_id"]) == {a_id, b_id}


@pytest.mark.parametrize("body, why", [
    ("s1,A,\n", "at least 1"), ("s1,A,-5\n", "at least 1"), ("s1,A,0\n", "at least 1"),
    ("s1,A,2\ns1,A,3\n", "listed twice"), (",A,2\n", "no show_id"),
    ("s1,A,9\n", "fewer than a title's count"),
    # in the file's terms, not the CSV parser's ("could not parse 'two' as dtype i64")
    ("s1,A,two\n", r"a households count is not a whole number of households \('two'\)"),
    ("s1,A,2,9,9\n", "rows that do not match the header")])
def test_a_prior_file_with_impossible_counts_is_refused(tmp_path, body, why):
    path = tmp_path / "prior.csv"
    path.write_text("# households: 3\nshow_id,title,households\n" + body)
    with pytest.raises(ValueError, match=why):
        blend_space.read_watch_prior(path)


def test_a_prior_file_whose_household_total_or_header_is_wrong_says_so(tmp_path):
    path = tmp_path / "prior.csv"
    path.write_text("# households: x\nshow_id,title,households\ns1,A,2\n")
    with pytest.raises(ValueError, match="N a whole number, not '# households: x'"):
        blend_space.read_watch_prior(path)
    path.write_text("# households: 3\nshow_id,title\ns1,A\n")
    with pytest.raises(ValueError, match="header show_id,title,households, not 'show_id,title'"):
        blend_space.read_watch_prior(path)


def test_a_prior_file_that_is_no_text_names_itself(tmp_path):
    path = tmp_path / "prior.csv"
    path.write_bytes(b"\xff\xfe# households: 3\n\x00\x81")
    with pytest.raises(ValueError, match="prior.csv: not a watch prior file"):
        blend_space.read_watch_prior(path)


def test_written_prior_is_read_back_and_orders_the_space(exports, catalog_titles, tmp_path,
                                                         warehouse_con):
    folder, (a_id, b_id, c_id) = exports
    catalog, titles, _ = catalog_titles
    frame, households = watch_prior.learn(folder, catalog, titles)
    path = tmp_path / "out" / "prior.csv"
    watch_prior.write(frame, households, path)
    assert path.read_text().startswith("# households: 3\nshow_id,title,households\n")
    prior = blend_space.read_watch_prior(path)
    assert prior == blend_space.WatchPrior({a_id: 2, b_id: 2}, 3)
    assert blend_space.read_watch_prior(tmp_path / "none.csv") is None
    (tmp_path / "bad.csv").write_text("show_id,households\ns1,2\n")
    with pytest.raises(ValueError, match="households: N"):
        blend_space.read_watch_prior(tmp_path / "bad.csv")
    (tmp_path / "garbled.csv").write_text("# households: 3\nshow_id,title,households\n"
                                          "s1,A,two\n")
    with pytest.raises(ValueError, match="not a watch prior file"):
        blend_space.read_watch_prior(tmp_path / "garbled.csv")
    space = blend_space_training.build_space(
        blend_space_training.load_frame(warehouse_con), watch_prior=prior)
    top_two = {space.show_ids[i] for i in np.argsort(-space.popularity)[:2]}
    assert top_two == {a_id, b_id} and space.watch_prior_titles == 2
    assert space.popularity[space.row_of[c_id]] < 0.02


@pytest.mark.slow
def test_blend_prior_and_blend_eval_with_it_from_the_command_line(exports, trained_data_dir,
                                                                 tmp_path):
    folder, (a_id, b_id, _) = exports
    data_dir, _ = trained_data_dir
    out = tmp_path / "learned.csv"
    made = cli("blend-prior", str(folder), "--out", str(out), data_dir=data_dir)
    assert made.returncode == 0, made.stderr
    assert "2 titles watched by at least 2 of 3 households" in made.stdout
    assert "notes.csv: refused" in made.stderr
    scored = cli("blend-eval", str(folder), "--prior", str(out), "--format", "json",
                 data_dir=data_dir)
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout)
    assert result["prior"] == {"file": str(out), "as_trained": False, "titles": 2, "note": ""}
    assert result["mean"]["records"] == 5 and result["mean"]["refused"] == 1
    as_trained = json.loads(cli("blend-eval", str(folder), "--format", "json",
                                data_dir=data_dir).stdout)
    assert as_trained["prior"]["titles"] > 500 and as_trained["prior"]["as_trained"]
    assert as_trained["prior"]["file"].endswith("models/assets/blend_watch_prior.csv")
    missing = cli("blend-eval", str(folder), "--prior", str(tmp_path / "nope.csv"),
                  data_dir=data_dir)
    assert missing.returncode == 1 and "no such watch prior file" in missing.stderr
    a_folder = cli("blend-eval", str(folder), "--prior", str(tmp_path), data_dir=data_dir)
    assert a_folder.returncode == 1 and "is a folder, not a watch prior" in a_folder.stderr
    (tmp_path / "elsewhere.csv").write_text("# households: 3\nshow_id,title,households\n"
                                            "zz999,Not Here,3\nzz998,Nor Here,2\n")
    foreign = cli("blend-eval", str(folder), "--prior", str(tmp_path / "elsewhere.csv"),
                  data_dir=data_dir)   # scoring with it would be scoring without a prior
    assert foreign.returncode == 1 and "names no title of this build" in foreign.stderr
    nothing = cli("blend-prior", str(tmp_path / "nope"), "--out", str(out), data_dir=data_dir)
    assert nothing.returncode == 1 and "is not a folder" in nothing.stderr
    # no default output: a run on someone's exports never replaces the shipped prior
    unsaid = cli("blend-prior", str(folder), data_dir=data_dir)
    assert unsaid.returncode == 2 and "--out" in unsaid.stderr
    # a folder with no export it can read is a failure, as blend-prior's is
    (tmp_path / "no_exports").mkdir()
    (tmp_path / "no_exports" / "notes.csv").write_text("a,b\n1,2\n")
    none_scored = cli("blend-eval", str(tmp_path / "no_exports"), data_dir=data_dir)
    assert none_scored.returncode == 1 and "could be read" in none_scored.stderr
    (tmp_path / "file").write_text("")
    unwritable = cli("blend-prior", str(folder), "--out", str(tmp_path / "file" / "p.csv"),
                     data_dir=data_dir)
    assert unwritable.returncode == 1 and "could not write" in unwritable.stderr
    (tmp_path / "adir").mkdir()
    over_a_folder = cli("blend-prior", str(folder), "--out", str(tmp_path / "adir"),
                        data_dir=data_dir)
    # refused before the exports are read
    assert over_a_folder.returncode == 2 and "must name a file" in over_a_folder.stderr
    assert not (tmp_path / "adir.partial").exists()   # nothing half-written left behind
    too_many = cli("blend-prior", str(folder), "--out", str(out), "--min-households", "4",
                   data_dir=data_dir)
    assert too_many.returncode == 1 and "nothing written" in too_many.stderr
    assert "3 households can meet --min-households 3 at most" in too_many.stderr
    assert blend_space.read_watch_prior(out).total == 3   # the last good file stays
    assert "Traceback" not in (missing.stderr + nothing.stderr + unwritable.stderr
                               + over_a_folder.stderr + too_many.stderr)
