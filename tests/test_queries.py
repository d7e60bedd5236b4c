"""Query wrappers against the real warehouse, cross-checked by independent Polars code
working from the bundled source files (not from the warehouse)."""
from __future__ import annotations

import duckdb
import polars as pl
import pytest

from base.paths import Paths
from etl.sources import snapshot
from queries import catalog, universe
from queries.db import BuildOutdated, QueryTimeout, Warehouse
from queries.filters import Filters


@pytest.fixture(scope="module")
def catalog_csv() -> pl.DataFrame:
    return snapshot.extract()[0]["netflix_titles"]


def test_kpis_match_an_independent_count(wh, catalog_csv, warehouse_con):
    kpis = catalog.catalog_kpis(wh)
    assert kpis.titles == catalog_csv.height
    assert kpis.movies == catalog_csv.filter(pl.col("type") == "Movie").height
    countries = (catalog_csv.select(pl.col("country").str.split(",")).explode("country")
                 .select(pl.col("country").str.strip_chars())
                 .filter(pl.col("country") != "")["country"].n_unique())
    assert kpis.countries == countries
    assert str(kpis.last_added) == "2021-09-25"
    # the mean IMDb score's card says what it rests on: scored titles (matched ones
    # without a score do not count)
    scored, matched = warehouse_con.execute(
        "select count(imdb_score), count(imdb_title_id) from titles").fetchall()[0]
    assert kpis.imdb_scored == scored < matched


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


def test_a_derived_result_is_what_the_cache_keeps(wh):
    calls = []

    def yearly_total(rows: pl.DataFrame) -> pl.DataFrame:
        calls.append(rows.height)
        return rows.select(pl.col("titles_added").sum())

    params = Filters(kinds=("movie",)).params()
    first = wh.query("additions_by_year", derive=yearly_total, **params)
    assert wh.query("additions_by_year", derive=yearly_total, **params) is first
    assert len(calls) == 1 and first.shape == (1, 1)
    rows = wh.query("additions_by_year", **params)  # the rows themselves: another entry
    assert first["titles_added"][0] == rows["titles_added"].sum() and calls[0] == rows.height


def test_values_are_bound_never_formatted():
    from queries.db import SQL
    for path in SQL.folder.glob("*.sql"):
        text = path.read_text()
        assert "{" not in text and "%s" not in text, path.name


def test_unknown_query_name_is_refused(wh):
    with pytest.raises(KeyError):
        wh.query("../etl/secret")


def test_runaway_query_is_interrupted(built_data_dir, tmp_path, monkeypatch):
    slow = tmp_path / "slow.sql"
    slow.write_text("select sum(a.range * b.range) from range(100000) a, range(100000) b")
    import queries.db as db
    from base.sqlfiles import SqlFolder
    monkeypatch.setattr(db, "SQL", SqlFolder(tmp_path))
    w = Warehouse(built_data_dir, timeout_s=0.5)
    try:
        with pytest.raises(QueryTimeout):
            w.query("slow")
        (tmp_path / "quick.sql").write_text("select count(*) as n from titles")
        assert w.query("quick")["n"][0] == 8807  # the connection is still usable
    finally:
        w.close()


def test_an_upgraded_app_on_an_older_build_says_to_refresh(fresh_data_dir, monkeypatch):
    """Code that reads a column its build lacks (an upgrade served before a refresh
    published) gets a message naming the column and the fix, not a server error; a
    query that fails to bind on a current build is a bug and still raises."""
    build = Paths(fresh_data_dir).current_link.resolve()
    con = duckdb.connect(str(build))
    con.execute("alter table title_people drop column title_no")   # as before 2026-12-03
    con.execute("alter table titles drop column title_no")
    con.close()
    w = Warehouse(fresh_data_dir)
    try:
        with pytest.raises(BuildOutdated, match=r"lacks titles\.title_no, title_people\."
                                                 r"title_no: run `netflix-insights refresh`"):
            universe.top_people(w, Filters(), role="actor")
        assert universe.ratings(w, Filters()).height > 0   # the rest still answers
    finally:
        w.close()


def test_a_query_that_fails_to_bind_on_a_current_build_still_raises(wh, tmp_path,
                                                                    monkeypatch):
    import queries.db as db
    from base.sqlfiles import SqlFolder
    (tmp_path / "typo.sql").write_text("select no_such_column from titles")
    monkeypatch.setattr(db, "SQL", SqlFolder(tmp_path))
    with pytest.raises(duckdb.BinderException):
        wh.query("typo")


# --- precomputed marts and the queries that read them (independent Polars checks) -----

def listed(catalog_csv: pl.DataFrame, column: str) -> pl.Expr:
    """A comma list column split the obvious way: trimmed, no blanks, each value once."""
    return (pl.col(column).fill_null("").str.split(",")
            .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
            .list.unique())


@pytest.mark.parametrize("filters", [Filters(), Filters(kinds=("show",), countries=("India",)),
                                     Filters(genres=("No Such Genre",))])
def test_genre_cooccurrence_matches_polars(wh, catalog_csv, filters):
    from queries import models
    raw = catalog_csv.with_columns(
        kind=pl.when(pl.col("type") == "Movie").then(pl.lit("movie")).otherwise(pl.lit("show")),
        genres=listed(catalog_csv, "listed_in"), countries=listed(catalog_csv, "country"))
    if filters.kinds:
        raw = raw.filter(pl.col("kind").is_in(filters.kinds))
    for country in filters.countries:
        raw = raw.filter(pl.col("countries").list.contains(country))
    for genre in filters.genres:
        raw = raw.filter(pl.col("genres").list.contains(genre))
    labels = raw.select("show_id", pl.col("genres").alias("genre")).explode("genre") \
        .drop_nulls()
    top = labels.group_by("genre").len().sort(["len", "genre"], descending=[True, False]) \
        .head(15)
    names = top["genre"].to_list()
    pairs = labels.join(labels, on="show_id", suffix="_b") \
        .filter(pl.col("genre").is_in(names) & pl.col("genre_b").is_in(names)) \
        .group_by("genre", "genre_b").len()
    expected = {(a, b): (n, round(n / dict(top.iter_rows())[a], 4))
                for a, b, n in pairs.iter_rows()}
    got = models.genre_cooccurrence(wh, filters)
    assert {(a, b): (n, s) for a, b, n, s in got.iter_rows()} == expected
    assert got.height == len(expected) and (got.height > 50 or filters.genres)


def test_hit_thresholds_are_the_top_quartile_per_kind(warehouse_con):
    """The mart against the documented rule, from the titles' own score (Polars)."""
    scores = warehouse_con.sql(
        "select kind, engagement_score as e "
        "from titles").pl()
    expected = scores.group_by("kind").agg(
        pl.col("e").count().alias("scored"),
        pl.col("e").quantile(0.75, interpolation="linear").alias("bar"))
    got = warehouse_con.sql("select kind, scored_titles, hit_threshold "
                            "from hit_thresholds").pl()
    assert got.height == 2
    for kind, scored, bar in expected.iter_rows():
        row = got.filter(pl.col("kind") == kind).row(0, named=True)
        assert row["scored_titles"] == scored and row["hit_threshold"] == pytest.approx(bar)


def test_metric_spreads_are_catalog_sds_on_the_compared_scale(warehouse_con):
    t = warehouse_con.sql(
        "select t.*, t.engagement_score as e, "
        "h.hit_threshold from titles as t join hit_thresholds as h using (kind)").pl()
    log = lambda c: pl.when(pl.col(c) > 0).then(pl.col(c).log10())  # noqa: E731
    expected = t.select(
        engagement_score=pl.col("e").std(),
        hit_share=(pl.col("e") >= pl.col("hit_threshold")).cast(pl.Float64).std(),
        imdb_votes=log("imdb_votes").std(), tmdb_popularity=log("tmdb_popularity").std(),
        tmdb_vote_count=log("tmdb_vote_count").std(),
        **{c: pl.col(c).cast(pl.Float64).std() for c in (
            "imdb_score", "tmdb_score", "runtime_minutes", "seasons", "release_year",
            "addition_lag_years")}).row(0, named=True)
    got = dict(warehouse_con.sql("select metric, catalog_sd from metric_spreads").fetchall())
    assert got.keys() == expected.keys()
    for metric, sd in expected.items():
        assert got[metric] == pytest.approx(sd), metric


def test_tmdb_title_families_fold_tv_genres(warehouse_con):
    market = warehouse_con.sql("select tmdb_key, media_type, release_year, genres "
                               "from tmdb_titles").pl()
    fold = {"Action & Adventure": "Action", "Sci-Fi & Fantasy": "Science Fiction",
            "Kids": "Family"}
    expected = market.explode("genres").drop_nulls("genres").select(
        "tmdb_key", kind=pl.col("media_type").replace({"tv": "show"}),
        genre_family=pl.col("genres").replace(fold)).unique()
    got = warehouse_con.sql("select tmdb_key, kind, genre_family "
                            "from tmdb_title_families").pl()
    assert got.height == expected.height > 10_000
    assert got.sort(got.columns).equals(expected.sort(got.columns))
