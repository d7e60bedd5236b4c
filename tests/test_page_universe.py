"""Content Universe page: wrappers against the session warehouse, cross-checked by
independent Polars code on the bundled source CSV (or independent SQL on the bridge
tables); figures and insights on small frames, empty ones included; callbacks called
as functions."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashapp.figures import universe as figs
from etl.sources import snapshot
from queries import universe
from queries.filters import Filters

SHOWS_INDIA = Filters(kinds=("show",), countries=("India",))
NOTHING = Filters(genres=("No Such Genre",))


@pytest.fixture(scope="module")
def raw() -> pl.DataFrame:
    """The Kaggle catalog as shipped, with list columns split the obvious way."""
    df = snapshot.extract()[0]["netflix_titles"]

    def split(col: str) -> pl.Expr:
        return (pl.col(col).fill_null("").str.split(",")
                .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
                .list.unique())
    return df.with_columns(
        kind=pl.when(pl.col("type") == "Movie").then(pl.lit("movie")).otherwise(pl.lit("show")),
        countries=split("country"), genres=split("listed_in"), directors=split("director"),
        actors=split("cast"),
        added=pl.col("date_added").str.strip_chars().str.strptime(pl.Date, "%B %d, %Y",
                                                                  strict=False),
        release_year=pl.col("release_year").cast(pl.Int64))


def shows_in_india(raw: pl.DataFrame) -> pl.DataFrame:
    return raw.filter((pl.col("kind") == "show") & pl.col("countries").list.contains("India"))


def counts(frame: pl.DataFrame, key: str, value: str) -> dict:
    return dict(frame.group_by(key).agg(pl.col(value).sum()).iter_rows())


# --- wrappers vs independent computations --------------------------------------------

def test_additions_by_month_match_the_source_dates(wh, raw):
    got = universe.additions_by_month(wh)
    expected = (raw.drop_nulls("added").group_by(pl.col("added").dt.truncate("1mo"), "kind")
                .len())
    assert {(m, k): n for m, k, n in got.iter_rows()} == \
        {(m, k): n for m, k, n in expected.iter_rows()}
    assert got["titles_added"].sum() == raw["added"].drop_nulls().len()


@pytest.mark.parametrize("filters", [Filters(), SHOWS_INDIA])
def test_release_years_match_the_source(wh, raw, filters):
    source = raw if filters.is_empty() else shows_in_india(raw)
    got = universe.release_years(wh, filters)
    assert counts(got, "release_year", "titles") == \
        dict(source.group_by("release_year").len().iter_rows())


# release years whose titles give each kind an even count with two different middle
# lags (the median is their mean, a half year) as well as odd ones; checked below
LAG_YEARS = [(None, None), (1993, 1993), (2008, 2008), (2015, 2016), (2019, 2021)]


@pytest.mark.parametrize("years", LAG_YEARS, ids=str)
def test_addition_lag_buckets_and_medians(wh, raw, years):
    low, high = years
    got = universe.addition_lag(wh, Filters(year_from=low, year_to=high))
    lag = raw.drop_nulls("added").with_columns(
        lag=(pl.col("added").dt.year() - pl.col("release_year"))).filter(
        pl.col("release_year").is_between(low or 0, high or 9999))
    expected = lag.group_by(pl.min_horizontal("lag", 30).alias("b")).len()
    assert counts(got, "lag_years", "titles") == dict(expected.iter_rows())
    medians = dict(got.group_by("kind").agg(pl.col("median_lag_years").first()).iter_rows())
    for kind, median in lag.group_by("kind").agg(pl.col("lag").median()).iter_rows():
        assert medians[kind] == pytest.approx(median)


def test_addition_lag_cases_include_a_median_between_two_lags(raw):
    """The cases above reach the even-count branch of the SQL's median (two middle lags
    that differ), not only odd counts."""
    halves = 0
    for low, high in LAG_YEARS:
        lag = raw.drop_nulls("added").filter(
            pl.col("release_year").is_between(low or 0, high or 9999)).with_columns(
            lag=(pl.col("added").dt.year() - pl.col("release_year")))
        halves += sum(m % 1 == 0.5 for m in lag.group_by("kind").agg(
            pl.col("lag").median())["lag"])
    assert halves >= 1


@pytest.mark.parametrize("filters", [Filters(), SHOWS_INDIA])
def test_countries_match_the_source(wh, raw, filters):
    source = raw if filters.is_empty() else shows_in_india(raw)
    got = universe.countries(wh, filters)
    expected = source.select("countries").explode("countries").drop_nulls() \
        .group_by("countries").len().sort(["len", "countries"], descending=[True, False])
    assert got.select("country", "titles").head(10).rows() == expected.head(10).rows()
    assert got["total_titles"][0] == source.height
    assert got["titles_without_country"][0] == source.filter(
        pl.col("countries").list.len() == 0).height
    assert got["coproductions"][0] == source.filter(pl.col("countries").list.len() > 1).height


def test_top_genres_match_the_bridge_table(wh, warehouse_con, raw):
    got = universe.top_genres(wh, limit=10)
    bridge = warehouse_con.execute(
        "select genre, count(*) from title_genres group by genre order by 2 desc, 1 limit 10"
    ).fetchall()
    assert got.select("genre", "titles").rows() == bridge
    assert got["total_titles"][0] == raw.height
    dramas = got.filter(pl.col("genre") == "Dramas").row(0, named=True)
    assert dramas["movies"] + dramas["shows"] == dramas["titles"]
    assert got["genres_named"][0] == raw["genres"].explode().drop_nulls().n_unique()


def test_ratings_match_the_source(wh, raw):
    got = counts(universe.ratings(wh), "maturity_rating", "titles")
    expected = raw.with_columns(r=pl.when(pl.col("rating").str.contains("min"))
                                .then(None).otherwise(pl.col("rating")).fill_null("No rating"))
    assert got == dict(expected.group_by("r").len().iter_rows())


@pytest.mark.parametrize("years", LAG_YEARS, ids=str)
def test_runtime_bins_and_median_match_the_durations(wh, raw, years):
    low, high = years
    movies = raw.filter(pl.col("kind") == "movie").with_columns(
        minutes=pl.coalesce("duration", "rating").str.extract(r"^(\d+) min", 1)
        .cast(pl.Int64)).filter(pl.col("release_year").is_between(low or 0, high or 9999))
    got = universe.runtimes(wh, Filters(year_from=low, year_to=high))
    expected = movies.drop_nulls("minutes").group_by(
        pl.min_horizontal(pl.col("minutes") // 10 * 10, 200).alias("b")).len()
    assert dict(got.select("bin_start", "movies").iter_rows()) == dict(expected.iter_rows())
    assert got["median_minutes"][0] == movies["minutes"].median()


def test_runtime_cases_include_a_median_between_two_runtimes(raw):
    """The cases above reach the even-count branch of the SQL's median."""
    medians = [raw.filter((pl.col("kind") == "movie")
                          & pl.col("release_year").is_between(low or 0, high or 9999))
               .select(pl.coalesce("duration", "rating").str.extract(r"^(\d+) min", 1)
                       .cast(pl.Int64))[:, 0].median()
               for low, high in LAG_YEARS]
    assert any(m % 1 == 0.5 for m in medians), medians


def test_seasons_match_the_durations(wh, raw):
    shows = raw.filter(pl.col("kind") == "show").with_columns(
        n=pl.col("duration").str.extract(r"^(\d+) Season", 1).cast(pl.Int64))
    got = universe.seasons(wh)
    expected = shows.group_by(pl.min_horizontal("n", 10).alias("s")).len()
    assert dict(got.select("seasons", "shows").iter_rows()) == dict(expected.iter_rows())
    assert got["max_seasons"][0] == shows["n"].max()


def test_top_directors_match_the_source(wh, raw):
    got = universe.top_people(wh, role="director", limit=5)
    expected = raw.select("directors").explode("directors").drop_nulls() \
        .group_by("directors").len().sort(["len", "directors"], descending=[True, False])
    assert got.select("person_name", "titles").rows() == expected.head(5).rows()
    assert got["people"][0] == expected.height
    actors = universe.top_people(wh, role="actor", limit=3)
    assert actors.height == 3 and actors["people"][0] > got["people"][0]
    with pytest.raises(KeyError):
        universe.top_people(wh, role="producer")  # identifiers come from an allow-list


@pytest.mark.parametrize("role, column", [("director", "directors"), ("actor", "actors")])
@pytest.mark.parametrize("filters", [SHOWS_INDIA, Filters(kinds=("movie",), year_from=2015)])
def test_top_people_follow_the_filters(wh, raw, role, column, filters):
    """Directors are read from the titles' own director lists, actors from the bridge:
    both must give the source's counts, movie/show split and head count."""
    source = shows_in_india(raw) if filters == SHOWS_INDIA else \
        raw.filter((pl.col("kind") == "movie") & (pl.col("release_year") >= 2015))
    people = source.select("kind", pl.col(column).alias("name")).explode("name").drop_nulls()
    expected = people.group_by("name").agg(
        pl.len().alias("titles"), (pl.col("kind") == "movie").sum().alias("movies"),
        (pl.col("kind") == "show").sum().alias("shows")) \
        .sort(["titles", "name"], descending=[True, False])
    got = universe.top_people(wh, filters, role, limit=8)
    assert got.select("person_name", "titles", "movies", "shows").rows() == \
        expected.head(8).rows()
    assert got["people"][0] == expected.height


def test_scatter_is_capped_and_ranked_by_votes(wh, warehouse_con):
    got = universe.quality_popularity(wh, limit=50)
    assert got.height == 50 and got["imdb_votes"].is_sorted(descending=True)
    # every title with a TMDB score and popularity counts, with IMDb votes or without
    n, corr = warehouse_con.execute(
        "select count(*), corr(tmdb_score, ln(tmdb_popularity)) from titles "
        "where tmdb_score > 0 and tmdb_popularity > 0").fetchall()[0]
    assert n > warehouse_con.execute("select count(*) from titles where tmdb_score > 0 and "
                                     "tmdb_popularity > 0 and imdb_votes > 0").fetchall()[0][0]
    assert got["matched_titles"][0] == n and got["score_popularity_corr"][0] == pytest.approx(corr)
    top = warehouse_con.execute("select max(imdb_votes) from titles where tmdb_score > 0 "
                                "and tmdb_popularity > 0").fetchall()[0][0]
    assert got["imdb_votes"][0] == top


def test_top_titles_are_the_most_popular(wh, warehouse_con):
    got = universe.top_titles(wh)
    expected = warehouse_con.execute(
        "select title from titles where tmdb_popularity is not null "
        "order by tmdb_popularity desc, show_id limit 12").fetchall()
    assert got["title"].to_list() == [t for (t,) in expected]
    assert got["titles_with_poster"][0] == warehouse_con.execute(
        "select count(poster_url) from titles").fetchall()[0][0]


@pytest.mark.parametrize("filters", [Filters(), SHOWS_INDIA])
def test_matched_share_counts_each_years_additions(wh, warehouse_con, filters):
    t = warehouse_con.sql("select kind, countries, year_added, imdb_title_id, tmdb_key, "
                          "engagement_score from titles where year_added is not null").pl()
    if filters.kinds:
        t = t.filter(pl.col("kind").is_in(filters.kinds)
                     & pl.col("countries").list.contains(filters.countries[0]))
    expected = (t.group_by("year_added").agg(
        titles=pl.len(), imdb_matched=pl.col("imdb_title_id").count(),
        any_matched=(pl.col("imdb_title_id").is_not_null()
                     | pl.col("tmdb_key").is_not_null()).sum(),
        scored=pl.col("engagement_score").count()).sort("year_added"))
    got = universe.matched_share(wh, filters)
    assert got.rows() == expected.rows()
    assert got.height >= 5


def test_every_wrapper_is_empty_when_nothing_matches(wh):
    for fn in (universe.additions_by_month, universe.release_years, universe.addition_lag,
               universe.top_genres, universe.countries, universe.ratings, universe.runtimes,
               universe.seasons, universe.top_people, universe.quality_popularity,
               universe.top_titles, universe.matched_share):
        assert fn(wh, NOTHING).is_empty(), fn.__name__


# --- figures and insights on small frames --------------------------------------------

ADDITIONS = pl.DataFrame({"month": [date(2020, 1, 1), date(2020, 1, 1), date(2020, 2, 1)],
                          "kind": ["movie", "show", "movie"], "titles_added": [3, 4, 9]})
COUNTRIES = pl.DataFrame({"country": ["United States", "India", "West Germany"],
                          "titles": [30, 10, 1], "movies": [20, 10, 1], "shows": [10, 0, 0],
                          "total_titles": [40] * 3, "titles_without_country": [2] * 3,
                          "coproductions": [3] * 3})
GENRES = pl.DataFrame({"genre": ["Dramas", "Comedies", "Documentaries"],
                       "titles": [5, 3, 1], "movies": [4, 3, 1], "shows": [1, 0, 0],
                       "total_titles": [8] * 3, "genres_named": [3] * 3})
SCATTER = pl.DataFrame({"title": ["A", "B"], "kind": ["movie", "show"],
                        "release_year": [2001, 2002], "primary_genre": ["Dramas", None],
                        "tmdb_score": [7.5, 6.0], "tmdb_popularity": [10.0, 200.0],
                        "imdb_votes": [1000, 50], "matched_titles": [20, 20],
                        "score_popularity_corr": [0.45, 0.45]})


def test_figures_are_dark_and_built_over_the_shared_look():
    """The dark template is plotly's default (attached once, not re-validated per
    figure): plotly_dark's layout, and its trace defaults for the types the app draws;
    `figure` merges a chart's own layout over the shared look."""
    import plotly.io as pio

    from dashapp.figures import base
    dark = pio.templates["plotly_dark"]
    for fig in (figs.additions_by_month(ADDITIONS), figs.country_map(COUNTRIES),
                base.empty_figure("Nothing here (titles)")):
        used = {k: v for k, v in dark.layout.to_plotly_json().items()
                if k not in base.UNUSED_LAYOUT}
        assert fig.layout.template.layout.to_plotly_json() == used
        assert not {"scene", "polar", "ternary"} & set(fig.layout.to_plotly_json())
        for trace in fig.data:
            assert trace.type in base.TRACE_TYPES
            assert fig.layout.template.data[trace.type] == dark.data[trace.type]
        assert fig.layout.paper_bgcolor == "rgba(0,0,0,0)" and fig.layout.title.x == 0.01
    fig = figs.additions_by_month(ADDITIONS)
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.traceorder == "normal"
    extra = {"legend": {"x": 0}, "margin": {"t": 90}}
    merged = base.merge(base.layout("T"), extra)
    assert merged["legend"] == {**base.LEGEND, "x": 0} and merged["margin"]["l"] == 60
    assert extra == {"legend": {"x": 0}, "margin": {"t": 90}}  # inputs are not modified
    assert base.LEGEND["x"] == 1


def test_figures_state_units_and_split_kinds():
    fig = figs.additions_by_month(ADDITIONS)
    assert [t.name for t in fig.data] == ["Movies", "TV shows"] and "(titles)" in fig.layout.title.text
    sentences = figs.additions_insights(ADDITIONS)
    assert "February 2020" in sentences[0] and "25%" in sentences[1]


def test_map_uses_country_names_and_a_log_scale():
    fig = figs.country_map(COUNTRIES)
    trace = fig.data[0]
    assert trace.type == "choropleth" and trace.locationmode == "country names"
    assert list(trace.z) == pytest.approx([1.4771, 1.0, 0.0], abs=1e-3)
    assert "log" in fig.layout.title.text
    insights = figs.map_insights(COUNTRIES)
    assert "United States is on 75% of the 40 titles" in insights[0]
    assert any("co-productions" in s for s in insights)
    bars = figs.top_countries(COUNTRIES)
    assert [t.name for t in bars.data] == ["Movies", "TV shows"]


def test_genre_bars_keep_the_theme_colours():
    from dashapp.theme import genre_colour
    fig = figs.top_genres(GENRES)
    assert list(fig.data[0].marker.color) == [genre_colour(g) for g in GENRES["genre"]]
    assert "Dramas is the largest category, on 62%" in figs.genres_insights(GENRES)[0]


def test_scatter_is_log_scaled_with_titles_in_the_hover():
    fig = figs.quality_popularity(SCATTER)
    assert fig.layout.xaxis.type == "log" and len(fig.data) == 2
    assert fig.data[0].customdata[0][0] == "A" and "%{customdata[0]}" in fig.data[0].hovertemplate
    assert fig.data[0].customdata[0][3] == "1,000 IMDb votes"
    # a title matched to TMDB alone is drawn, as a smallest dot, and says so on hover
    alone = figs.quality_popularity(SCATTER.with_columns(imdb_votes=pl.lit(None, pl.Int64)))
    assert alone.data[1].customdata[0][3] == "no IMDb votes" and alone.data[1].marker.size[0] > 0
    text = " ".join(figs.scatter_insights(SCATTER))
    assert "2 most-voted of 20" in text and "moderately" in text and "B" in text


def test_ratings_read_from_young_to_adult():
    frame = pl.DataFrame({"maturity_rating": ["TV-MA", "TV-Y", "PG-13"], "kind": ["show"] * 3,
                          "titles": [5, 2, 1]})
    fig = figs.ratings(frame)
    assert list(fig.layout.xaxis.categoryarray) == ["TV-Y", "PG-13", "TV-MA"]
    assert "TV-MA is the most common rating (62%" in figs.ratings_insights(frame)[0]


def test_runtime_seasons_people_and_lag_figures():
    runs = pl.DataFrame({"bin_start": [80, 90, 200], "movies": [2, 3, 1],
                         "median_minutes": [95.0] * 3})
    assert figs.runtimes(runs).data[0].customdata[-1] == "200+"
    # no 0 tick beside the count axis's 0; short films alone keep Plotly's ticks
    assert list(figs.runtimes(runs).layout.xaxis.tickvals) == [50, 100, 150, 200]
    assert figs.runtimes(runs.head(1).with_columns(bin_start=pl.lit(10))).layout.xaxis.tickvals is None
    assert "95 minutes" in figs.runtime_insights(runs)[0]
    seasons = pl.DataFrame({"seasons": [1, 10], "shows": [3, 1], "max_seasons": [14, 14]})
    assert list(figs.seasons(seasons).data[0].x) == ["1", "10+"]
    assert "75%" in figs.seasons_insights(seasons)[0] and "14 seasons" in figs.seasons_insights(seasons)[1]
    people = pl.DataFrame({"person_name": ["Ann", "Bo"], "titles": [3, 2], "movies": [3, 1],
                           "shows": [0, 1], "people": [9, 9]})
    assert "directed" in figs.top_people(people, "director").layout.title.text
    assert "Ann leads with 3 titles, among 9 actors" in figs.people_insights(people, "actor")[0]
    lag = pl.DataFrame({"lag_years": [0, 12, 30], "kind": ["movie"] * 3, "titles": [2, 1, 1],
                        "median_lag_years": [6.0] * 3})
    assert figs.addition_lag(lag).layout.xaxis.ticktext[-1] == "30+"
    assert "Movies 6 years" in " ".join(figs.lag_insights(lag))
    one = lag.with_columns(median_lag_years=pl.lit(1.0))
    assert "Movies 1 year." in " ".join(figs.lag_insights(one))   # not "1 years"


@pytest.mark.parametrize("pair", [
    (figs.additions_by_month, figs.additions_insights, ADDITIONS.clear()),
    (figs.country_map, figs.map_insights, COUNTRIES.clear()),
    (figs.top_countries, figs.countries_insights, COUNTRIES.clear()),
    (figs.top_genres, figs.genres_insights, GENRES.clear()),
    (figs.quality_popularity, figs.scatter_insights, SCATTER.clear()),
    (figs.matched_share, figs.matched_insights, pl.DataFrame(schema={
        "year_added": pl.Int64, "titles": pl.Int32, "imdb_matched": pl.Int32,
        "any_matched": pl.Int32, "scored": pl.Int32})),
])
def test_empty_frames_give_an_honest_empty_state(pair):
    figure, insights, frame = pair
    fig = figure(frame)
    assert fig.layout.annotations[0].text.startswith("No ")
    assert insights(frame) == []
    # nothing to zoom or save: no toolbar over the title on hover
    assert set(fig.layout.modebar.remove) >= {"zoom", "pan", "toimage"}


# --- poster grid and callbacks ------------------------------------------------------

TOP = pl.DataFrame({"show_id": ["s1", "s2"], "title": ["Alpha", "beta"], "kind": ["movie", "show"],
                    "release_year": [2020, 2021], "primary_genre": ["Dramas", None],
                    "tmdb_score": [7.0, None], "imdb_score": [7.5, 8.0],
                    "tmdb_popularity": [99.0, 12.0],
                    "poster_url": ["https://image.tmdb.org/t/p/original/x.jpg", None],
                    "titles_with_poster": [1, 1]})


def test_matched_share_figure_and_insights():
    frame = pl.DataFrame({"year_added": [2016, 2017, 2021], "titles": [10, 100, 200],
                          "imdb_matched": [5, 30, 140], "any_matched": [6, 40, 170],
                          "scored": [6, 38, 160]})
    fig = figs.matched_share(frame)
    assert [t.name for t in fig.data] == [n for _, n, _ in figs.MATCHED_SERIES]
    # 2016 (10 additions) is too small to draw
    assert list(fig.data[0].x) == [2017, 2021] and list(fig.data[0].y) == [40.0, 85.0]
    assert "%" in fig.layout.title.text
    assert figs.matched_share(frame.head(1)).layout.annotations[0].text.startswith("No ")
    notes = figs.matched_insights(frame)
    assert notes[0].startswith("216 of the 310 dated titles shown (70%)")
    # years with fewer than 50 additions are too small to quote
    assert "added in 2017 are 40% matched, those added in 2021 85%" in notes[1]


def test_posters_are_placeholders_unless_enabled(monkeypatch):
    from dashapp.pages import _universe_posters as posters
    monkeypatch.delenv("NETFLIX_INSIGHTS_SHOW_POSTERS", raising=False)
    assert posters.show_posters() is False
    offline = str([t.to_plotly_json() for t in posters.poster_grid(TOP, posters.show_posters())])
    assert "image.tmdb.org" not in offline and "Alpha" in offline and "TMDB 7.0" in offline
    monkeypatch.setenv("NETFLIX_INSIGHTS_SHOW_POSTERS", "1")
    online = str([t.to_plotly_json() for t in posters.poster_grid(TOP, posters.show_posters())])
    assert "https://image.tmdb.org/t/p/w342/x.jpg" in online and "poster-placeholder" in online
    assert "No titles" in str(posters.poster_grid(TOP.clear(), True)[0].to_plotly_json())
    assert "Alpha (2020) is the most popular" in posters.top_titles_insights(TOP)[0]
    assert "posters are off" in posters.top_titles_insights(TOP, images=False)[1]
    assert "posters are off" not in posters.top_titles_insights(TOP, images=True)[1]


def test_callbacks_as_functions(served_app):
    from dashapp.pages import universe as page
    everything = str([c.to_plotly_json() for c in page.update_kpis(None)])
    assert "8,807" in everything and "6,131 movies" in everything
    store = SHOWS_INDIA.to_store()
    fig, insights = page.update_additions(store)
    assert [t.name for t in fig.data] == ["TV shows"] and insights
    world, map_notes, bars, bar_notes = page.update_countries(store)
    assert "India" in world.data[0].locations and bars.data[0].y[0] == "India"
    fig, insights = page.update_runtimes(store)  # shows only: no movies, an honest empty state
    assert fig.layout.annotations[0].text.startswith("No movies") and insights == []
    fig, insights = page.update_matched(None)
    assert fig.data[0].x[0] >= 2014 and fig.data[0].x[-1] == 2021
    assert "2021" in insights[1].children
    grid, notes = page.update_posters(store)
    assert len(grid) == 12 and "image.tmdb.org" not in str([g.to_plotly_json() for g in grid])
    for update in (page.update_release_years, page.update_lag, page.update_genres,
                   page.update_ratings, page.update_seasons, page.update_directors,
                   page.update_actors, page.update_scatter, page.update_matched):
        fig, insights = update(NOTHING.to_store())
        assert fig.layout.annotations[0].text.startswith("No "), update.__name__
        assert insights == []


def test_every_chart_has_a_csv_source(served_app):
    from dashapp.components.chart import _CSV_SOURCES
    from dashapp.pages import universe as page
    charts = [v for k, v in vars(page).items() if k.isupper() and isinstance(v, str)
              and v.startswith("universe-") and v != page.KPIS]
    assert len(charts) == 14
    for chart in charts:
        frame = _CSV_SOURCES[chart](SHOWS_INDIA)
        assert isinstance(frame, pl.DataFrame) and frame.height > 0 or chart == page.RUNTIMES


def test_the_local_world_map_matches_the_bundled_plotly_js():
    """The map's topojson is served from assets/ (no CDN); it must come from the same
    plotly.js version Dash serves, or country names may stop matching shapes."""
    import json
    import re
    from pathlib import Path

    import plotly
    folder = Path(__file__).resolve().parent.parent / "dashapp" / "assets" / "topojson"
    world = json.loads((folder / "world_110m.json").read_text())
    assert world["type"] == "Topology" and len(world["objects"]["countries"]["geometries"]) > 170
    bundled = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()[:200]
    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", bundled).group(1)
    assert f"plotly.js {version}" in (folder / "README.txt").read_text()


def test_a_link_s_values_the_catalog_lacks_are_left_out_and_named():
    from dashapp.components.filter_bar import known_only
    from queries.filters import Filters
    f = Filters.from_query_string("?type=movie&country=Atlantis&country=India&genre=Dramas"
                                  "&rating=XX")
    kept, note = known_only(f, {"genres": ["Dramas"], "countries": ["India", "France"],
                                "ratings": ["PG"]})
    assert (kept.countries, kept.genres, kept.ratings, kept.kinds) == \
        (("India",), ("Dramas",), (), ("movie",))
    assert note == "Left out of the link: 'Atlantis', 'XX', not in the catalog."
    assert known_only(kept, {"countries": ["India"]}) == (kept, "")
    assert known_only(f, {"countries": None})[0] == f   # options unknown: nothing dropped


def test_countries_tied_at_the_top_lead_together_and_one_title_is_singular():
    tie = COUNTRIES.with_columns(titles=pl.Series([2, 2, 1]))
    assert figs.countries_insights(tie)[0] == \
        "United States and India lead together with 2 titles each."
    one = COUNTRIES.head(1).with_columns(titles=pl.Series([1]))
    assert figs.countries_insights(one)[0] == "United States leads with 1 title."


@pytest.mark.parametrize("years, counts, said", [
    ([2017, 2019], [1, 1], "Both titles shown were released from 2017 to 2019."),
    ([2017, 2019], [2, 1], "All 3 titles shown were released from 2017 to 2019."),
    ([2017], [3], "All 3 titles shown were released in 2017."),
    ([2017], [1], "The one title shown was released in 2017."),
    ([1990, 2010, 2020], [1, 2, 2], "Half of these 5 titles were released in 2010 or later; "
                                    "the oldest dates from 1990."),
])
def test_release_years_are_said_as_the_titles_shown_allow(years, counts, said):
    frame = pl.DataFrame({"release_year": years, "titles": counts,
                          "kind": ["movie"] * len(years)})
    assert figs.release_insights(frame)[0] == said
