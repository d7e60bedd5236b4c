"""The marts as Parquet and CSV for tools without DuckDB: `netflix-insights export` and
the parquet_on_publish setting (issue 17)."""
from __future__ import annotations

import csv
import subprocess
import sys

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from base.paths import Paths
from netflix_insights.refresh import refresh
from warehouse import export, schema


def cli(*args) -> subprocess.CompletedProcess:
    # a subprocess: the session's app connection holds the build open in this process
    # with the app's configuration, and DuckDB refuses a second one in the same process
    return subprocess.run([sys.executable, "-m", "netflix_insights.cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_parquet_export_is_every_mart_as_the_app_sees_it(built_data_dir, tmp_path,
                                                         warehouse_con):
    out = cli("export", "--data-dir", str(built_data_dir), str(tmp_path / "pq"))
    assert out.returncode == 0, out.stderr
    files = sorted((tmp_path / "pq").iterdir())
    assert [f.name for f in files] == sorted(f"{t}.parquet" for t in schema.tables())
    for table in ("titles", "title_genres", "monthly_additions", "etl_runs"):
        read = pl.read_parquet(tmp_path / "pq" / f"{table}.parquet")  # no DuckDB involved
        assert_frame_equal(read, warehouse_con.sql(f"select * from {table}").pl())
    assert f"{8807:,} rows" in out.stdout


def test_csv_export_of_one_table(built_data_dir, tmp_path, warehouse_con):
    out = cli("export", "--data-dir", str(built_data_dir), "--format", "csv",
              "--table", "titles", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert [f.name for f in tmp_path.iterdir()] == ["titles.csv"]
    with open(tmp_path / "titles.csv", newline="") as f:
        rows = {r["show_id"]: r for r in csv.DictReader(f)}
    assert len(rows) == warehouse_con.execute("select count(*) from titles").fetchall()[0][0]
    genres = warehouse_con.execute(
        "select genres from titles where show_id = 's10'").fetchall()[0][0]
    assert len(genres) > 1 and rows["s10"]["genres"] == "; ".join(genres)


def test_table_names_are_case_insensitive_as_in_sql(built_data_dir, tmp_path):
    out = cli("export", "--data-dir", str(built_data_dir), "--table", "Genre_Map", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert [f.name for f in tmp_path.iterdir()] == ["genre_map.parquet"]


def test_unknown_table_is_a_message_and_writes_nothing(built_data_dir, tmp_path):
    out = cli("export", "--data-dir", str(built_data_dir), "--table", "nope", str(tmp_path))
    assert out.returncode == 1 and "no table 'nope'; tables: titles" in out.stderr
    assert "Traceback" not in out.stderr and list(tmp_path.iterdir()) == []


def test_a_path_that_cannot_be_written_is_named_with_why(built_data_dir, tmp_path):
    (tmp_path / "out" / "titles.parquet").mkdir(parents=True)   # a folder where a file goes
    (tmp_path / "afile").write_text("")
    blocked = cli("export", "--data-dir", str(built_data_dir), "--table", "titles",
                  str(tmp_path / "out"))
    assert blocked.returncode == 1 and blocked.stderr.strip() == \
        f"error: cannot write to {tmp_path / 'out' / 'titles.parquet'}: it is a folder"
    onto_file = cli("export", "--data-dir", str(built_data_dir), str(tmp_path / "afile"))
    assert onto_file.returncode == 1 and "it is a file, not a folder" in onto_file.stderr


def test_csv_defuses_formulas_and_the_connection_writes_only_its_directory(tmp_path):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:  # a tiny warehouse with hostile text
        con.execute("create table titles as select '=HYPERLINK(\"http://x\")' as show_id, "
                    "['-1+1', 'Dramas'] as genres, -5 as release_year")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    con = export.open_for_export(db, out_dir)
    try:
        [done] = export.export(con, out_dir, "csv")
        with pytest.raises(duckdb.Error, match="disabled by configuration"):
            con.execute(f"copy titles to '{tmp_path / 'elsewhere.csv'}'")
        with pytest.raises(export.ExportError, match="unknown format"):
            export.export(con, out_dir, "xlsx")
    finally:
        con.close()
    assert done.rows == 1 and not (tmp_path / "elsewhere.csv").exists()
    lines = done.path.read_text().splitlines()
    assert lines[1] == '"\'=HYPERLINK(""http://x"")",\'-1+1; Dramas,-5'


def test_parquet_on_publish_follows_the_published_build(fresh_data_dir, monkeypatch):
    monkeypatch.setenv("NETFLIX_INSIGHTS_PARQUET_ON_PUBLISH", "1")
    result = refresh(fresh_data_dir, quiet=True)
    paths = Paths(fresh_data_dir)
    assert paths.parquet_link.resolve() == paths.parquet_dir / result.build_id
    titles = pl.read_parquet(paths.parquet_link / "titles.parquet")
    assert titles.height == result.row_counts["titles"]
    assert not list(paths.parquet_dir.glob("*.partial"))
