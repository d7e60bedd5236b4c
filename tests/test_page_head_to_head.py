"""Head-to-Head: wrappers against independent Polars computations on the warehouse's base
columns, the comparison/winner logic and figures on small frames (empty ones included),
the URL-path state, the CSV sources, and callbacks called as functions."""
from __future__ import annotations

import math

import polars as pl
import pytest

from dashapp.figures import head_to_head as figs
from dashapp.pages import _h2h_view as view
from queries import head_to_head as h2h
from queries.filters import Filters

MOVIES = Filters(kinds=("movie",))
NOTHING = Filters(genres=("No Such Genre",))
LOG_METRICS = ("imdb_votes", "tmdb_popularity", "tmdb_vote_count")


@pytest.fixture(scope="module")
def titles(warehouse_con) -> pl.DataFrame:
    """Base columns, titles.engagement_score (tested in test_page_performance) and the hit rule
    of docs/PERFORMANCE.md computed here in Polars."""
    frame = warehouse_con.sql(
        "select show_id, title, kind, genres, countries, primary_genre, date_added, "
        "imdb_score, imdb_votes, tmdb_popularity, tmdb_score, tmdb_vote_count, "
        "runtime_minutes, seasons, release_year, addition_lag_years, "
        "engagement_score from titles").pl()
    bar = pl.col("engagement_score").quantile(0.75, interpolation="linear").over("kind")
    return frame.with_columns(
        hit_share=(pl.col("engagement_score") >= bar).cast(pl.Float64),
        **{m: pl.when(pl.col(m) > 0).then(pl.col(m).log10()) for m in LOG_METRICS})


def side_stats(frame: pl.DataFrame) -> dict[str, tuple[int, float]]:
    return {m: (frame[m].drop_nulls().len(), frame[m].mean()) for m in h2h.COMPARED}


def check_metrics(got: pl.DataFrame, sides: dict[str, pl.DataFrame], titles: pl.DataFrame):
    for side, frame in sides.items():
        rows = {r["metric"]: r for r in got.filter(pl.col("side") == side).iter_rows(named=True)}
        assert set(rows) == set(h2h.COMPARED)
        for metric, (n, mean) in side_stats(frame).items():
            r = rows[metric]
            assert r["titles"] == n and r["side_titles"] == frame.height, (side, metric)
            if n:
                assert r["scale_mean"] == pytest.approx(mean), (side, metric)
                shown = 10 ** mean if metric in LOG_METRICS else mean
                assert r["value"] == pytest.approx(shown), (side, metric)
            assert r["catalog_sd"] == pytest.approx(titles[metric].std()), metric


# --- wrappers vs Polars -------------------------------------------------------------

def test_genre_metrics_match_polars(wh, titles):
    got = h2h.metrics(wh, Filters(), "genre", "Dramas", "Comedies")
    sides = {s: titles.filter(pl.col("genres").list.contains(g))
             for s, g in (("a", "Dramas"), ("b", "Comedies"))}
    check_metrics(got, sides, titles)


def test_country_metrics_follow_the_filters(wh, titles):
    got = h2h.metrics(wh, MOVIES, "country", "United States", "India")
    movies = titles.filter(pl.col("kind") == "movie")
    sides = {s: movies.filter(pl.col("countries").list.contains(c))
             for s, c in (("a", "United States"), ("b", "India"))}
    check_metrics(got, sides, titles)
    assert h2h.metrics(wh, NOTHING, "country", "United States", "India").is_empty()


def test_title_metrics_ignore_the_filters(wh, titles):
    got = h2h.metrics(wh, NOTHING, "title", "s5941", "s341")
    sides = {s: titles.filter(pl.col("show_id") == i) for s, i in (("a", "s5941"), ("b", "s341"))}
    check_metrics(got, sides, titles)
    assert h2h.metrics(wh, Filters(), "title", "s5941", "no-such-id") \
        .filter(pl.col("side") == "b").is_empty()


def test_additions_by_year_match_polars(wh, titles):
    got = h2h.additions_by_year(wh, MOVIES, "genre", "Dramas", "Comedies")
    for side, genre in (("a", "Dramas"), ("b", "Comedies")):
        part = titles.filter((pl.col("kind") == "movie") & pl.col("genres").list.contains(genre))
        expected = dict(part.drop_nulls("date_added")
                        .group_by(pl.col("date_added").dt.year()).len().iter_rows())
        rows = got.filter(pl.col("side") == side)
        assert rows["year"].to_list() == list(range(rows["year"].min(), rows["year"].max() + 1))
        assert {y: n for y, n in rows.select("year", "titles_added").iter_rows() if n} == expected
    assert h2h.additions_by_year(wh, NOTHING, "genre", "Dramas", "Comedies").is_empty()
    assert h2h.additions_by_year(wh, Filters(), "title", "s1", "s2").is_empty()


def test_title_context_matches_polars(wh, titles):
    got = h2h.title_context(wh, "s5941", "s341")
    for r in got.iter_rows(named=True):
        title = titles.filter(pl.col("show_id") == r["show_id"]).row(0, named=True)
        peers = titles.filter(pl.col("primary_genre") == title["primary_genre"])[r["metric"]]
        assert r["genre_titles"] == peers.drop_nulls().len()
        if title[r["metric"]] is None:
            assert r["std_diff"] is None
            continue
        expected = (title[r["metric"]] - peers.mean()) / titles[r["metric"]].std()
        assert r["std_diff"] == pytest.approx(expected), r["metric"]
    assert set(got["side"]) == {"a", "b"} and got.height == 12


def test_title_search_is_server_side_and_literal(wh, titles):
    found = h2h.title_search(wh, "STRANGER th")
    assert found["title"][0] == "Stranger Things"
    assert all("stranger th" in t.lower() for t in found["title"])
    assert len(h2h.title_search(wh, "the", limit=7)) == 7
    top = h2h.title_search(wh, "", limit=2)
    most_voted = titles.sort("imdb_votes", descending=True, nulls_last=True)["show_id"][:2]
    assert top["show_id"].to_list() == most_voted.to_list()
    assert h2h.title_search(wh, "%_'; drop table titles; --").is_empty()
    labels = h2h.title_labels(wh, ["s5941", "nope", ""])
    assert labels.select("show_id", "title").rows() == [("s5941", "Breaking Bad")]


# --- comparison logic and figures on small frames -----------------------------------

def metric_rows(side: str, values: dict[str, tuple], side_titles: int = 50) -> list[dict]:
    """values: metric → (titles, scale_mean, scale_sd, catalog_sd)."""
    return [{"side": side, "metric": m, "titles": n, "scale_mean": mean, "scale_sd": sd,
             "value": 10 ** mean if m in LOG_METRICS else mean, "catalog_sd": csd,
             "side_titles": side_titles} for m, (n, mean, sd, csd) in values.items()]


def small_metrics() -> pl.DataFrame:
    a = {"engagement_score": (40, 50.0, 10.0, 16.0), "imdb_score": (40, 6.5, 1.0, 1.1),
         "imdb_votes": (40, 3.5, 1.0, 0.9), "tmdb_score": (3, 7.0, 1.0, 1.1),
         "runtime_minutes": (50, 110.0, 20.0, 28.0)}
    b = {"engagement_score": (30, 45.0, 10.0, 16.0), "imdb_score": (30, 6.48, 1.0, 1.1),
         "imdb_votes": (30, 3.9, 1.0, 0.9), "tmdb_score": (3, 6.0, 1.0, 1.1),
         "runtime_minutes": (40, 100.0, 20.0, 28.0)}
    return pl.DataFrame(metric_rows("a", a) + metric_rows("b", b, 40))


def test_comparison_normalises_and_picks_clear_winners():
    table = figs.comparison(small_metrics(), "genre")
    rows = {r["metric"]: r for r in table.iter_rows(named=True)}
    assert list(rows) == ["engagement_score", "imdb_score", "imdb_votes", "tmdb_score",
                          "runtime_minutes"]  # COMPARED order
    assert rows["engagement_score"]["std_diff"] == pytest.approx(5 / 16)
    # 5 points, se = sqrt(100/40 + 100/30) = 2.42 → 1.96 se = 4.7 < 5: clear
    assert rows["engagement_score"]["better"] == "a"
    assert rows["imdb_score"]["better"] is None  # 0.02 / 1.1 < 0.1 SD: tie
    assert rows["imdb_votes"]["better"] is None  # 0.44 SD but 0.4 < 1.96 × 0.24: noise
    assert rows["tmdb_score"]["better"] is None  # 0.9 SD but 3 titles each: noise
    assert rows["runtime_minutes"]["better"] is None and not rows["runtime_minutes"]["performance"]
    titles_mode = {r["metric"]: r["better"] for r in
                   figs.comparison(small_metrics(), "title").iter_rows(named=True)}
    assert titles_mode["imdb_votes"] == "b" and titles_mode["tmdb_score"] == "a"
    units = {r["metric"]: r["unit"] for r in table.iter_rows(named=True)}
    title_units = {r["metric"]: r["unit"] for r in
                   figs.comparison(small_metrics(), "title").iter_rows(named=True)}
    # a mean of titles is a geometric mean; one title's votes are just votes
    assert units["imdb_votes"] == "votes, geometric mean" and title_units["imdb_votes"] == "votes"
    v = figs.verdict(table)
    assert v == {"winner": "a", "won": {"a": ["Engagement score"], "b": []},
                 "ties": ["IMDb score", "IMDb votes", "TMDB score"]}
    names = {"a": "Dramas", "b": "Comedies"}
    assert figs.verdict_sentence(v, names) == (
        "Dramas comes out ahead. Of 4 performance metrics, Dramas wins 1 (Engagement "
        "score); Comedies wins 0; 3 too close to call.")


def test_verdict_draw_and_nothing_to_compare():
    v = figs.verdict(figs.comparison(small_metrics(), "title"))
    assert v["winner"] == "a" and v["won"] == {"a": ["Engagement score", "TMDB score"],
                                                "b": ["IMDb votes"]}
    v = figs.verdict(figs.comparison(small_metrics().filter(pl.col("metric") != "tmdb_score"),
                                     "title"))
    assert v["winner"] is None and len(v["won"]["a"]) == len(v["won"]["b"]) == 1
    assert figs.verdict_sentence(v, {"a": "A", "b": "B"}).startswith("A draw.")
    empty = figs.comparison(small_metrics().clear(), "genre")
    assert empty.is_empty() and figs.verdict(empty)["winner"] is None
    assert figs.verdict_sentence(figs.verdict(empty), {"a": "A", "b": "B"}).startswith(
        "Nothing to compare: neither side")
    # one side measured: the message names the side without metrics, not "neither"
    one_sided = small_metrics().filter(pl.col("side") == "a")
    assert figs.measured_sides(one_sided) == {"a"}
    v = figs.verdict(figs.comparison(one_sided, "genre"))
    assert figs.verdict_sentence(v, {"a": "A", "b": "B"}, {"a"}) == (
        "Nothing to compare: B has no audience metrics under these filters (only A has).")
    assert figs.verdict_sentence(v, {"a": "A", "b": "B"}, {"a", "b"}) == (
        "Nothing to compare: A and B have audience metrics, but no metric in common under "
        "these filters.")


def test_difference_figure_and_insights():
    table = figs.comparison(small_metrics(), "genre")
    names, colours = {"a": "Dramas", "b": "Comedies"}, {"a": "#111111", "b": "#222222"}
    fig = figs.differences(table, names, colours)
    bars = fig.data[0]
    assert list(bars.y) == ["Runtime", "TMDB score", "IMDb votes", "IMDb score",
                            "Engagement score"]
    assert list(bars.marker.color)[-1] == "#111111" and list(bars.marker.color)[0] == figs.OTHER
    assert "standard deviations" in fig.layout.title.text
    assert "Comedies higher" in fig.layout.xaxis.title.text
    said = figs.difference_insights(table, names, "genre")
    assert said[0].startswith("The widest performance gap is TMDB score: Dramas 7.00 vs "
                              "Comedies 6.00, 0.91 catalog SD in favour of Dramas")
    assert said[1] == ("Engagement: 50.0 vs 45.0 points (+5.0), a clear gap, over 40 and "
                       "30 scored titles.")
    assert said[2] == "The most different trait is Runtime (110 vs 100 minutes)."
    single = figs.difference_insights(figs.comparison(small_metrics(), "title"), names, "title")
    assert single[1] == "Engagement: 50.0 vs 45.0 points (+5.0)."
    near = table.with_columns(
        a_value=pl.when(pl.col("metric") == "engagement_score").then(49.24)
        .otherwise(pl.col("a_value")),
        b_value=pl.when(pl.col("metric") == "engagement_score").then(46.76)
        .otherwise(pl.col("b_value")))
    # the gap is that of the values shown, not of the unrounded ones (+2.5)
    assert figs.difference_insights(near, names, "title")[1] == \
        "Engagement: 49.2 vs 46.8 points (+2.4)."
    assert figs.differences(table.clear(), names, colours).layout.annotations
    assert figs.difference_insights(table.clear(), names, "genre") == []


def test_trend_and_context_figures():
    names, colours = {"a": "US", "b": "India"}, {"a": "#111111", "b": "#222222"}
    trend = pl.DataFrame({"side": ["a"] * 3 + ["b"] * 3, "year": [2019, 2020, 2021] * 2,
                          "titles_added": [10, 30, 20, 5, 0, 25]})
    fig = figs.additions_trend(trend, names, colours)
    assert [t.name for t in fig.data] == ["US", "India"] and "(titles)" in fig.layout.title.text
    assert figs.trend_insights(trend, names) == [
        "US: 60 titles added; India: 30.", "US peaked in 2020 with 30 additions.",
        "India peaked in 2021 with 25 additions.",
        "In 2021 (possibly partial) India added more (25 vs 20)."]
    assert figs.additions_trend(trend.clear(), names, colours).layout.annotations
    assert figs.trend_insights(trend.clear(), names) == []
    context = pl.DataFrame({
        "side": ["a", "a", "b"], "show_id": ["s1", "s1", "s2"], "title": ["X", "X", "Y"],
        "primary_genre": ["Dramas", "Dramas", "Comedies"],
        "metric": ["engagement_score", "imdb_votes", "engagement_score"],
        "title_scale_value": [70.0, 4.0, 30.0], "genre_mean": [50.0, 3.5, 45.0],
        "genre_titles": [100, 90, 80], "std_diff": [1.25, 0.55, -0.94],
        "title_value": [70.0, 10000.0, 30.0], "genre_value": [50.0, 3162.3, 45.0]})
    fig = figs.title_context(context, names, colours)
    assert [t.name for t in fig.data] == ["US vs Dramas", "India vs Comedies"]
    assert fig.data[0].customdata[1][0] == "10,000"
    assert figs.context_insights(context, names) == [
        "US beats the Dramas average on 2 of 2 metrics; engagement 70.0 vs 50.0 over 100 "
        "scored Dramas titles.",
        "India beats the Comedies average on 0 of 1 metrics; engagement 30.0 vs 45.0 over "
        "80 scored Comedies titles."]
    assert figs.context_insights(context.clear(), names) == []
    assert figs.title_context(context.clear(), names, colours).layout.annotations


def test_format_value_and_colours():
    assert figs.format_value("hit_share", 0.287) == "29%"
    assert figs.format_value("hit_share", 1.0, single=True) == "yes"
    assert figs.format_value("imdb_votes", 2691.3) == "2,691"
    assert figs.format_value("tmdb_popularity", 7.17) == "7.2"
    assert figs.format_value("release_year", 2012.7) == "2013"
    assert figs.format_value("imdb_score", None) == "—"
    assert figs.format_value("seasons", math.nan) == "—"
    # red vs blue in every mode: Dramas' and Comedies' genre colours are green and red
    assert figs.SIDE_COLOURS == {"a": figs.NETFLIX_RED, "b": figs.SIDE_B}


# --- page state in the path ---------------------------------------------------------

def test_path_round_trip_with_awkward_names():
    for a, b in (("Sci-Fi & Fantasy", "TV Sci-Fi & Fantasy"), ("50/50 %", "Côte d'Ivoire")):
        path = view.page_path("genre", a, b)
        assert path.count("/") == 4 and " " not in path
        assert view.parse_path(path) == ("genre", a, b)
    assert view.parse_path("/prefix/head-to-head/title/s1/s2") == ("title", "s1", "s2")
    assert view.parse_path("/head-to-head") == (None, None, None)
    assert view.parse_path(None) == (None, None, None)


def test_resolve_falls_back_to_defaults(wh):
    state = view.resolve(wh, "nonsense", None, None)
    assert (state.mode, state.a, state.b) == ("genre", "Dramas", "Comedies")
    state = view.resolve(wh, "country", "India", "Atlantis")
    assert (state.a, state.b) == ("India", "United States")  # never India twice
    state = view.resolve(wh, "title", "s3686", "nope")
    assert state.a == "s3686" and state.names["a"] == "Stranger Things"
    assert state.b == h2h.title_search(wh, "", limit=1)["show_id"][0]
    top2 = h2h.title_search(wh, "", limit=2)["show_id"].to_list()
    assert (view.resolve(wh, "title", "bad", top2[0]).a) == top2[1]
    assert len(state.options["a"]) <= h2h.TITLE_SEARCH_LIMIT + 2


def test_next_path(wh):
    store = {"mode": "genre", "a": "Dramas", "b": "Comedies"}
    assert view.next_path(wh, False, "genre", ["Dramas", "Comedies"], store) is None
    assert view.next_path(wh, False, "genre", ["Dramas", None], store) is None
    assert view.next_path(wh, False, "genre", ["Dramas", "Thrillers"], store) == \
        "/head-to-head/genre/Dramas/Thrillers"
    assert view.next_path(wh, True, "country", ["Dramas", "Comedies"], store) == \
        "/head-to-head/country/United%20States/India"
    assert view.next_path(wh, True, "genre", [], store) is None
    assert view.next_path(wh, False, "genre", ["a", "b"], None) is None


# --- callbacks, layout and CSV sources ---------------------------------------------

def test_layout_reads_the_path(served_app):
    from dashapp.pages import head_to_head as page
    text = str(page.layout(mode="country", a="United%20States", b="France").to_plotly_json())
    assert "'value': 'country'" in text and "'value': 'France'" in text
    assert "global filters" in text


def test_callbacks_as_functions(served_app):
    from dashapp.pages import head_to_head as page
    store = view.resolve(page.wh(), "genre", "Dramas", "Comedies").to_store()
    fig, insights, verdict, table = page.update_comparison(MOVIES.to_store(), store)
    assert "Winner" in str(verdict.to_plotly_json()) and insights
    coverage = [i.children for i in insights if i.children.startswith("Based on ")]
    assert len(coverage) == 2 and "Dramas titles and" in coverage[0]
    assert "engagement score (IMDb- or TMDB-based)" in coverage[0]
    assert "Dramas" in str(table.to_plotly_json())
    assert fig.data[0].type == "bar"
    fig, insights, verdict, table = page.update_comparison(NOTHING.to_store(), store)
    assert "Nothing to compare" in str(verdict.to_plotly_json())
    assert fig.layout.annotations and insights == []
    fig, insights = page.update_trend(None, store)
    assert [t.name for t in fig.data] == ["Dramas", "Comedies"] and insights
    titles = view.resolve(page.wh(), "title", "s5941", "s341").to_store()
    fig, insights = page.update_trend(NOTHING.to_store(), titles)
    assert fig.data[0].name == "Breaking Bad vs Crime TV Shows" and len(insights) == 2
    same = dict(store, b="Dramas")
    assert "same" in str(page.update_comparison(None, same)[2].to_plotly_json())  # the verdict
    options = page.search_titles("stranger th", "s341", titles)
    assert options[0]["value"] == "s341" and any("Stranger Things" in o["label"] for o in options)
    assert page.search_titles("stranger", "Dramas", store) is page.no_update


def test_csv_sources_read_the_comparison_from_the_referer(served_app):
    from dashapp.app import server
    from dashapp.components.chart import _CSV_SOURCES
    from dashapp.pages import head_to_head as page
    referer = served_app + "/head-to-head/country/United%20States/India?type=movie"
    with server.test_request_context("/_dash-update-component", headers={"Referer": referer}):
        table = _CSV_SOURCES[page.DIFF](MOVIES)
        trend = _CSV_SOURCES[page.TREND](MOVIES)
    assert set(table["side_a"]) == {"United States"} and set(table["side_b"]) == {"India"}
    assert "engagement_score" in table["metric"].to_list()
    assert set(trend["side"]) == {"a", "b"} and trend["titles_added"].sum() > 0
    with server.test_request_context("/_dash-update-component"):  # no Referer: defaults
        assert set(_CSV_SOURCES[page.DIFF](Filters())["side_a"]) == {"Dramas"}
