"""The published files open in the DuckDB clients people already have (issue 17).

A real 1.x client, the `duckdb` CLI of the PyPI package duckdb-cli (the latest 1.x,
pinned in constraints.txt and installed by `tasks.py test`), opens the session's
published warehouse read-only while the app serves it: every mart has the same rows and
the same contents as the app's own connection sees, and the example queries of
docs/SQL.md and docs/SCHEMA.md give identical results. The Blend profiles database
opens in it too.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import duckdb
import pytest

from base.paths import Paths
from blend import SQL
from blend.profiles import TABLES, ProfileStore
from blend.viewing_history import HistoryCatalog, parse_history
from warehouse import export, schema, storage

ROOT = Path(__file__).resolve().parent.parent
HISTORIES = Path(__file__).resolve().parent / "data" / "viewing_histories"


@pytest.fixture(scope="module")
def old_cli() -> Path:
    """The 1.x CLI installed with the test extra (never a skip: CI installs it)."""
    cli = Path(sys.executable).parent / "duckdb"
    if not cli.exists():
        cli = Path(shutil.which("duckdb") or "duckdb")
    try:
        version = subprocess.run([str(cli), "-version"], capture_output=True, text=True,
                                 timeout=30).stdout
    except FileNotFoundError:
        pytest.fail("the duckdb CLI is missing: install the test extra (tasks.py test)")
    assert version.startswith("v1."), f"expected a 1.x DuckDB CLI, got {version!r}"
    return cli


def run_old(cli: Path, db: Path, sql: str) -> list[dict]:
    """Rows of `sql` run by the 1.x CLI on `db`, opened read-only (JSON output)."""
    out = subprocess.run([str(cli), "-readonly", "-json", str(db), "-c", sql],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and not out.stderr, out.stderr
    return json.loads(out.stdout or "[]")


def digest_sql(query: str) -> str:
    """An order-independent fingerprint of a query's result, computed by the engine that
    runs it (1.5 and 2.0 cast values to text the same way, so equal data → equal md5)."""
    return (f"select count(*) as n, md5(string_agg(md5(x::text), '' order by md5(x::text)))"
            f" as digest from ({query.strip().rstrip(';')}) as x")


def sql_md_queries() -> list[str]:
    """Every ```sql block of docs/SQL.md."""
    return re.findall(r"```sql\n(.*?)```", (ROOT / "docs" / "SQL.md").read_text(), flags=re.S)


def health(url: str) -> dict:
    with urllib.request.urlopen(url + "/health", timeout=30) as r:
        return json.loads(r.read())


def test_every_mart_reads_the_same_in_the_1x_cli_while_the_app_serves(
        old_cli, served_app, warehouse_con, built_data_dir):
    build = Paths(built_data_dir).current_link.resolve()
    before = health(served_app)
    assert before["status"] == "ok" and before["build_id"] == build.stem
    marts = export.tables(warehouse_con)
    assert len(marts) == len(schema.tables())
    union = " union all ".join(
        f"select '{t}' as mart, * from ({digest_sql(f'select * from main.{t}')})"
        for t in marts)
    old = {r["mart"]: (r["n"], r["digest"]) for r in run_old(old_cli, build, union)}
    app = {r[0]: (r[1], r[2]) for r in warehouse_con.execute(union).fetchall()}
    assert old == app
    assert old["titles"][0] > 8000  # the real catalog, not an empty build
    assert health(served_app)["build_id"] == build.stem  # still serving


def test_documented_queries_give_identical_results(old_cli, warehouse_con, built_data_dir):
    build = Paths(built_data_dir).current_link.resolve()
    examples = sql_md_queries()
    assert len(examples) >= 3, "docs/SQL.md lost its ```sql examples"
    queries = examples + [t.example for t in schema.tables().values()]
    union = " union all ".join(f"select {i} as q, * from ({digest_sql(q)})"
                               for i, q in enumerate(queries))
    old = {r["q"]: (r["n"], r["digest"]) for r in run_old(old_cli, build, union)}
    app = {r[0]: (r[1], r[2]) for r in warehouse_con.execute(union).fetchall()}
    assert old == app
    assert all(app[i][0] > 0 for i in range(len(examples))), "an example returns nothing"


def test_the_published_build_is_in_the_configured_storage_format(warehouse_con):
    assert storage.version_of(warehouse_con) == "v1.0.0+"


def test_a_file_newer_than_the_setting_is_refused(tmp_path, old_cli):
    path = tmp_path / "new.duckdb"
    with storage.connect_new(path, "v2.0.0") as con:
        con.execute("create table t as select 1 as x")
    assert storage.check(path, "v2.0.0") == "v2.0.0+"
    with pytest.raises(storage.StorageVersionError, match="newer than duckdb_storage"):
        storage.check(path, "v1.0.0")
    out = subprocess.run([str(old_cli), "-readonly", str(path), "-c", "select 1"],
                         capture_output=True, text=True, timeout=30)
    assert "newer version of DuckDB" in out.stderr  # what the check protects against
    with pytest.raises(storage.StorageVersionError, match="not a DuckDB version"):
        storage.connect_new(tmp_path / "bad.duckdb", "v9")


def _profile_rows(db: Path) -> dict[str, int]:
    return {t: duckdb.connect(str(db), read_only=True).execute(
        f"select count(*) from {t}").fetchall()[0][0] for t in TABLES}


def test_the_profiles_database_opens_in_the_1x_cli(tmp_path, old_cli, warehouse_con):
    catalog = HistoryCatalog.from_frame(
        warehouse_con.sql("select show_id, kind, title, release_year from titles").pl())
    parsed = parse_history((HISTORIES / "kdrama_romance.csv").read_bytes(), catalog)
    store = ProfileStore(tmp_path)
    store.create_profile("Ana", parsed, file_name="h.csv", blend_id=None)
    backup = store.backup(tmp_path / "copy.duckdb")  # what an analyst would open
    union = " union all ".join(f"select '{t}' as t, count(*) as n from {t}" for t in TABLES)
    old = {r["t"]: r["n"] for r in run_old(old_cli, backup, union)}
    assert old == _profile_rows(backup) and old["profile_viewings"] > 0


def test_a_profiles_file_in_a_newer_format_is_rewritten_once(tmp_path, old_cli):
    """A profiles database an older release wrote in 2.0's format keeps its rows and
    becomes readable by 1.x clients (DuckDB alone would keep the file's format)."""
    store = ProfileStore(tmp_path)
    store.dir.mkdir(parents=True)
    with storage.connect_new(store.path, "v2.0.0") as con:
        for statement in SQL.text("profiles/schema").split(";"):
            if statement.strip():
                con.execute(statement)
        con.execute("insert into blends values ('b1', now()::timestamp)")
    assert storage.file_version(store.path) == "v2.0.0+"
    assert store.blend_exists("b1")
    assert storage.file_version(store.path) == "v1.0.0+"
    assert run_old(old_cli, store.path, "select blend_id from blends") == [{"blend_id": "b1"}]


def test_refresh_publishes_no_build_in_a_newer_format(fresh_data_dir, monkeypatch):
    """The check before publish: a build written in 2.0's format while the setting
    promises v1.0.0 (a code change that bypassed storage.connect_new, say) fails the
    refresh and the served build stays."""
    from netflix_insights import refresh as run
    paths = Paths(fresh_data_dir)
    served = paths.current_link.resolve()
    real = storage.connect_new
    monkeypatch.setattr(storage, "connect_new",
                        lambda path, version=None, extra=None: real(path, "v2.0.0", extra))
    with pytest.raises(run.RefreshFailed, match="newer than duckdb_storage_version v1.0.0"):
        run.refresh(fresh_data_dir, quiet=True)
    assert paths.current_link.resolve() == served
    assert not list(paths.builds_dir.glob("*.partial*"))
