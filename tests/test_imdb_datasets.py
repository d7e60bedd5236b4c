"""`refresh --imdb-dir`: the user's IMDb dataset files, on small files written here in
IMDb's exact format (tab-separated, header row, \\N for null, some gzip-compressed)."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from base.paths import Paths
from etl import matching
from etl.sources import imdb_datasets
from netflix_insights import cli
from netflix_insights.refresh import RefreshFailed, refresh

BASICS = ["tconst", "titleType", "primaryTitle", "originalTitle", "isAdult", "startYear",
          "endYear", "runtimeMinutes", "genres"]
AKAS = ["titleId", "ordering", "title", "region", "language", "types", "attributes",
        "isOriginalTitle"]
RATINGS = ["tconst", "averageRating", "numVotes"]
EPISODE = ["tconst", "parentTconst", "seasonNumber", "episodeNumber"]
N = "\\N"

# Netflix titles of the bundled catalog used below (none has an IMDb score there):
#   s6932 Harriet the Spy: Blog Wars (movie 2010): IMDb knows it under its Spanish
#         title; the English title is an aka (region US)
#   s8536 The Trigger Effect (movie 1996): an IMDb film of that title from 1999, refused
#   s7706 Paranormal Survivor (show 2016): a series first aired 2019, refused
#   s8236 The Calling (show 2018, 1 season): a series from 2016 with 3 seasons in
#         title.episode (accepted), and the same with 1 season refused (second folder)
#   s1027 Barbie & Chelsea: The Lost Birthday: linked by the tt id the bundled match holds
BASICS_ROWS = [
    ["tt9000001", "movie", "Harriet la espía: La guerra de los blogs",
     "Harriet la espía: La guerra de los blogs", "0", "2010", N, "87", "Comedy,Family"],
    ["tt9000002", "movie", "The Trigger Effect", "The Trigger Effect", "0", "1999", N,
     "94", "Drama"],
    ["tt9000003", "tvSeries", "Paranormal Survivor", "Paranormal Survivor", "0", "2019",
     N, "44", "Reality-TV"],
    ["tt9000004", "tvSeries", "The Calling", "The Calling", "0", "2016", N, "30", "Reality-TV"],
    ["tt14317062", "movie", "Barbie & Chelsea the Lost Birthday",
     "Barbie & Chelsea the Lost Birthday", "0", "2021", N, "70", "Animation"],
    ["tt9000006", "tvEpisode", "Harriet the Spy: Blog Wars", "Harriet the Spy: Blog Wars",
     "0", "2010", N, "22", "Comedy"],
]
AKAS_ROWS = [
    ["tt9000001", "1", "Harriet la espía: La guerra de los blogs", N, N, "original", N, "1"],
    ["tt9000001", "2", "Harriet the Spy: Blog Wars", "US", "en", "imdbDisplay", N, "0"],
    ["tt9000001", "3", "Harriet, l'espionne: La guerre des blogs", "FR", "fr", N, N, "0"],
    ["tt9000002", "1", "The Trigger Effect", N, N, "original", N, "1"],
    ["tt9000004", "1", "The Calling", "US", N, N, N, "0"],
]
RATINGS_ROWS = [["tt9000001", "5.1", "2345"], ["tt9000002", "6.2", "9000"],
                ["tt9000003", "7.0", "120"], ["tt9000004", "6.6", "410"],
                ["tt14317062", "6.0", "310"]]
EPISODE_ROWS = [["tt9100001", "tt9000004", "1", "1"], ["tt9100002", "tt9000004", "2", "1"],
                ["tt9100003", "tt9000004", "3", "1"], ["tt9100004", "tt9000004", N, N]]


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    text = "\n".join("\t".join(r) for r in [header, *rows]) + "\n"
    data = text.encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def imdb_folder(root: Path, episodes=EPISODE_ROWS) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write_tsv(root / "title.basics.tsv.gz", BASICS, BASICS_ROWS)
    write_tsv(root / "title.akas.tsv.gz", AKAS, AKAS_ROWS)
    write_tsv(root / "title.ratings.tsv", RATINGS, RATINGS_ROWS)  # plain text works too
    write_tsv(root / "title.episode.tsv.gz", EPISODE, episodes)
    return root


@pytest.fixture(scope="module")
def imdb_build(tmp_path_factory):
    """One refresh of the bundled snapshot with the fixture IMDb files."""
    root = tmp_path_factory.mktemp("imdb")
    result = refresh(root / "data", imdb_dir=imdb_folder(root / "imdb"), quiet=True)
    con = duckdb.connect(str(result.path), read_only=True)
    yield root / "data", con
    con.close()


def titles_row(con, show_id: str) -> dict:
    cur = con.execute("select * from titles where show_id = $id", {"id": show_id})
    return dict(zip([d[0] for d in cur.description], cur.fetchone()))


def test_an_alternate_title_links_the_record_and_its_rating_scores_the_title(imdb_build):
    _, con = imdb_build
    match = con.execute("select matched_key, match_method from title_matches where "
                        "show_id = 's6932' and source = 'imdb_datasets'").fetchall()
    assert match == [("tt9000001", "exact_title_kind_year")]
    row = titles_row(con, "s6932")
    assert (row["imdb_id"], row["imdb_score"], row["imdb_votes"]) == ("tt9000001", 5.1, 2345)
    assert row["engagement_basis"] == "imdb" and row["engagement_score"] > 0


def test_alternate_titles_are_a_relation_of_the_warehouse(imdb_build):
    _, con = imdb_build
    alts = con.execute("select alt_title, region, language, source from title_alt_titles "
                       "where show_id = 's6932' order by alt_title").fetchall()
    assert alts == [("Harriet la espía: La guerra de los blogs", None, None, "imdb_datasets"),
                    ("Harriet, l'espionne: La guerre des blogs", "FR", "fr", "imdb_datasets")]


def test_year_and_season_mismatches_are_refused(imdb_build):
    _, con = imdb_build
    linked = dict(con.execute("select show_id, matched_key from title_matches "
                              "where source = 'imdb_datasets'").fetchall())
    methods = dict(con.execute("select show_id, match_method from title_matches "
                               "where source = 'imdb_datasets'").fetchall())
    assert "s8536" not in linked   # a film 3 years off, no evidence to vouch for it
    assert "s7706" not in linked   # a series first aired 3 years after Netflix's year
    assert linked["s8236"] == "tt9000004"  # 2 years back is plausible with 3 seasons
    assert linked["s1027"] == "tt14317062" and methods["s1027"] == "imdb_id"
    assert titles_row(con, "s1027")["engagement_basis"] == "imdb"


def test_a_one_season_record_two_years_back_is_refused(tmp_path):
    folder = imdb_folder(tmp_path / "imdb", episodes=EPISODE_ROWS[:1])
    tables, _ = imdb_datasets.extract(folder, pl.Series(["The Calling"]))
    row = tables["imdb_ds_titles"].filter(pl.col("tconst") == "tt9000004")
    assert row["seasons"].to_list() == ["1"]
    netflix = pl.DataFrame({"show_id": ["s8236"], "kind": ["show"], "title": ["The Calling"],
                            "release_year": [2018], "seasons": [1]},
                           schema_overrides={"release_year": pl.Int32, "seasons": pl.Int32})
    right = row.select("tconst", kind=pl.lit("show"), title=pl.col("primaryTitle"),
                       release_year=pl.col("startYear").cast(pl.Int32),
                       seasons=pl.col("seasons").cast(pl.Int32))
    assert matching.resolve_aliases(netflix, right, left_key="show_id",
                                    right_key="tconst").is_empty()
    assert matching.resolve_aliases(netflix, right.with_columns(seasons=pl.lit(3, pl.Int32)),
                                    left_key="show_id", right_key="tconst").height == 1


def test_only_matchable_records_reach_the_raw_load(tmp_path):
    tables, inputs = imdb_datasets.extract(imdb_folder(tmp_path / "imdb"),
                                           pl.Series(["Harriet the Spy: Blog Wars"]))
    assert tables["imdb_ds_titles"]["tconst"].to_list() == ["tt9000001"]  # no tvEpisode
    assert tables["imdb_ds_akas"].height == 3
    assert set(inputs) == {"imdb_title.basics", "imdb_title.akas", "imdb_title.ratings",
                           "imdb_title.episode"}


def test_coverage_per_source_is_recorded_in_etl_runs(imdb_build):
    _, con = imdb_build
    counts = json.loads(con.execute("select matched_titles from etl_runs "
                                    "where status = 'published'").fetchall()[-1][0])
    assert counts["imdb_datasets"] == con.execute(
        "select count(*) from title_matches where source = 'imdb_datasets'").fetchall()[0][0]
    assert counts["imdb_datasets"] >= 3 and counts["catalog"] == 8807
    assert counts["any"] >= counts["imdb"]


def test_alias_records_are_used_once_and_ties_drop():
    left = pl.DataFrame({"k": ["a", "b"], "kind": ["movie"] * 2,
                         "title": ["Le Film", "The Film"], "release_year": [2001, 2001]},
                        schema_overrides={"release_year": pl.Int32})
    right = pl.DataFrame({"t": ["tt1", "tt1", "tt2"], "kind": ["movie"] * 3,
                          "title": ["Le Film", "The Film", "The Film"],
                          "release_year": [2001, 2001, 2001]},
                         schema_overrides={"release_year": pl.Int32})
    out = matching.resolve_aliases(left, right, left_key="k", right_key="t")
    # "Le Film" can only be tt1; "The Film" ties between tt1 and tt2 and is dropped
    assert out.select("k", "t").rows() == [("a", "tt1")]


@pytest.mark.parametrize("breakage, expected", [
    (lambda d: (d / "title.akas.tsv.gz").unlink(), "title.akas.tsv.gz not found"),
    (lambda d: write_tsv(d / "title.ratings.tsv", ["tconst", "averageRating"],
                         [["tt1", "7.0"]]), "missing numVotes"),
    (lambda d: (d / "title.basics.tsv.gz").write_bytes(b"\x1f\x8b\x08 not gzip"),
     "title.basics.tsv.gz: not a readable IMDb TSV file"),
])
def test_a_missing_or_malformed_file_fails_with_one_line_and_keeps_the_build(
        imdb_build, tmp_path, capsys, breakage, expected):
    data_dir, _ = imdb_build
    folder = imdb_folder(tmp_path / "imdb")
    breakage(folder)
    before = Paths(data_dir).current_link.resolve()
    with pytest.raises(RefreshFailed, match=expected):
        refresh(data_dir, imdb_dir=folder, quiet=True)
    assert Paths(data_dir).current_link.resolve() == before
    code = cli.main(["refresh", "--quiet", "--data-dir", str(data_dir),
                     "--imdb-dir", str(folder)])
    err = capsys.readouterr().err.strip()
    assert code == 1 and expected in err and len(err.splitlines()) == 1


def test_the_blend_finds_a_title_by_its_alternate_titles(imdb_build):
    """A viewing history in another language names the title as its country knows it:
    the akas of the IMDb files reach the Blend's matcher (queries/sql/blend_catalog.sql,
    run here on the module's connection: DuckDB allows one configuration per file per
    process), and the catalog's own names still come first."""
    from blend.history_matching import HistoryCatalog
    from blend.viewing_history import parse_history
    from queries.db import sql_text

    _, shared = imdb_build
    con = shared.cursor()  # its own cursor: the module's tests leave results unfetched
    frame = con.sql(sql_text("blend_catalog")).pl()
    catalog = HistoryCatalog.from_frame(frame)
    history = ("Title,Date\n"
               '"Harriet, l\'espionne: La guerre des blogs","14/03/2016"\n'
               '"Harriet la espía: La guerra de los blogs","2/1/2017"\n'
               '"The Trigger Effect","3/3/2017"\n').encode()
    parsed = parse_history(history, catalog)
    # both localized names are one work: one item, two viewings
    assert dict(zip(parsed.items["show_id"], parsed.items["episodes"])) == {
        "s6932": 2, "s8536": 1}   # The Trigger Effect by its own catalog name
    assert parsed.items.filter(pl.col("show_id") == "s6932")["match_method"].to_list() == \
        ["exact"]
    total = con.execute("select count(*) from titles").fetchone()[0]
    con.close()
    assert catalog.titles == total < frame.height
