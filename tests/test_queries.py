"""Query wrappers against the real warehouse, cross-checked by independent Polars code
working from the bundled source files (not from the warehouse)."""
from __future__ import annotations

import polars as pl
import pytest

from etl.sources import snapshot
from queries import catalog
from queries.db import QueryTimeout, Warehouse
from queries.filters import Filters


@pytest.fixture(scope="module")
def wh(built_data_dir):
    w = Warehouse(built_data_dir)
    yield w
    w.close()


@pytest.fixture(scope="module")
def catalog_csv() -> pl.DataFrame:
    return snapshot.extract()[0]["netflix_titles"]


def test_kpis_match_an_independent_count(wh, catalog_csv):
    kpis = catalog.catalog_kpis(wh)
    assert kpis.titles == catalog_csv.height
    assert kpis.movies == catalog_csv.filter(pl.col("type") == "Movie").height
    countries = (catalog_csv.select(pl.col("country").str.split(",")).explode("country")
                 .select(pl.col("country").str.strip_chars())
                 .filter(pl.col("country") != "")["country"].n_unique())
    assert kpis.countries == countries
    assert str(kpis.last_added) == "2021-09-25"


def test_additions_by_year_match_the_source_dates(wh, catalog_csv):
    expected = (catalog_csv.with_columns(pl.col("date_added").str.strip_chars()
                                         .str.strptime(pl.Date, "%B %d, %Y", strict=False))
                .drop_nulls("date_added")
                .group_by(pl.col("date_added").dt.year().alias("year"))
                .len().sort("year"))
    got = (catalog.additions_by_year(wh).group_by("year").agg(pl.col("titles_added").sum())
           .sort("year"))
    assert got["year"].to_list() == expected["year"].cast(pl.Int64).to_list()
    assert got["titles_added"].to_list() == expected["len"].to_list()


def test_build_info_names_the_published_file(wh):
    assert catalog.build_info(wh).build_id == wh.build_id


def test_results_are_cached_per_build(wh):
    first = wh.query("additions_by_year", **Filters().params())
    assert wh.query("additions_by_year", **Filters().params()) is first


def test_values_are_bound_never_formatted():
    from queries.db import SQL_DIR
    for path in SQL_DIR.glob("*.sql"):
        text = path.read_text()
        assert "{" not in text and "%s" not in text, path.name


def test_unknown_query_name_is_refused(wh):
    with pytest.raises(KeyError):
        wh.query("../etl/secret")


def test_runaway_query_is_interrupted(built_data_dir, tmp_path, monkeypatch):
    slow = tmp_path / "slow.sql"
    slow.write_text("select sum(a.range * b.range) from range(100000) a, range(100000) b")
    import queries.db as db
    monkeypatch.setattr(db, "SQL_DIR", tmp_path)
    db.sql_text.cache_clear()
    w = Warehouse(built_data_dir, timeout_s=0.5)
    try:
        with pytest.raises(QueryTimeout):
            w.query("slow")
        (tmp_path / "quick.sql").write_text("select count(*) as n from titles")
        assert w.query("quick")["n"][0] == 8807  # the connection is still usable
    finally:
        w.close()
        db.sql_text.cache_clear()
