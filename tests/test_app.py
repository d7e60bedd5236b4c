"""The Dash app served over real HTTP, and its layouts called as functions."""
from __future__ import annotations

import pytest  # noqa: F401 (fixtures come from conftest)


def get(url: str):
    import urllib.request
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def test_health_reports_the_build(served_app, built_data_dir):
    import json

    from base.paths import Paths
    status, body = get(served_app + "/health")
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok"
    assert health["build_id"] == Paths(built_data_dir).current_link.resolve().stem
    assert health["last_refresh_status"] == "published"


def test_index_serves_the_dash_shell(served_app):
    status, body = get(served_app + "/")
    assert status == 200 and "Content Universe · Netflix Content Insights" in body
    assert "cdn.jsdelivr" not in body and "googleapis" not in body  # works offline


def test_universe_callbacks_as_functions(served_app):
    from dashapp.pages import universe
    from queries.filters import Filters
    everything = str([c.to_plotly_json() for c in universe.update_kpis(None)])
    assert "8,807" in everything and "6,131 movies" in everything
    shows = Filters(kinds=("show",)).to_store()
    assert "2,676" in str([c.to_plotly_json() for c in universe.update_kpis(shows)])
    nothing = Filters(genres=("No Such Genre",)).to_store()
    assert "No titles match" in str(universe.update_kpis(nothing)[0].to_plotly_json())
    fig, insights = universe.update_additions(shows)
    assert [t.name for t in fig.data] == ["TV shows"] and insights


def test_additions_figure_and_empty_state():
    from datetime import date

    import polars as pl

    from dashapp.figures import universe as figures
    month = date(2020, 1, 1)
    fig = figures.additions_by_month(pl.DataFrame({"month": [month, month],
                                                   "kind": ["movie", "show"],
                                                   "titles_added": [3, 4]}))
    assert [t.name for t in fig.data] == ["Movies", "TV shows"]
    assert "(titles)" in fig.layout.title.text
    empty = figures.additions_by_month(pl.DataFrame(schema={"month": pl.Date, "kind": pl.String,
                                                            "titles_added": pl.Int64}))
    assert empty.layout.annotations[0].text == "No titles match these filters"


def test_other_processes_can_read_the_file_while_the_app_serves(served_app, built_data_dir):
    """An analyst's DuckDB client opens the published file read-only during serving."""
    import subprocess
    import sys

    from base.paths import Paths
    get(served_app + "/health")  # the app now holds its connection
    link = Paths(built_data_dir).current_link
    out = subprocess.run([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect("
                          "sys.argv[1], read_only=True); print(con.sql('select count(*) "
                          "from titles').fetchall()[0][0])", str(link)],
                         capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "8807"


def test_the_filter_summary_reads_in_words():
    """The bar's one-line summary names types as the Type control does ("TV shows"),
    never by their stored values ("show")."""
    from dashapp.components.filter_bar import describe, type_genre_conflict
    from queries.filters import Filters
    assert describe(Filters()) == "No filters: the whole catalog."
    assert describe(Filters(kinds=("show",))) == "Filtered: TV shows"
    assert describe(Filters(kinds=("movie",), genres=("Kids' TV",), year_to=1930)) == \
        "Filtered: Movies; released up to 1930; genres: Kids' TV"
    # with the genres' kinds known, a type and genres that exclude each other are named
    kinds = [["Kids' TV", "show"], ["Dramas", "movie"], ["Both", "movie,show"]]
    assert type_genre_conflict(Filters(kinds=("movie",), genres=("Kids' TV",)), kinds) == \
        "No title matches: Kids' TV holds only TV shows."
    assert type_genre_conflict(Filters(kinds=("movie",), genres=("Kids' TV", "Dramas")),
                               kinds) == ""
    assert type_genre_conflict(Filters(kinds=("show",), genres=("Both",)), kinds) == ""
    assert type_genre_conflict(Filters(genres=("Kids' TV",)), kinds) == ""
