"""Performance Deep Dive: the engagement macros and titles.engagement_score against the
documented formulas in Python,
the wrappers against independent Polars/scipy computations on the warehouse's base
columns, figures and insights on small frames (empty ones included), callbacks called
as functions."""
from __future__ import annotations

import math
import re

import polars as pl
import pytest
from scipy import stats

from dashapp.figures import performance as figs
from queries import performance as perf
from queries.filters import Filters

MOVIE_DRAMAS = Filters(kinds=("movie",), genres=("Dramas",))
NOTHING = Filters(genres=("No Such Genre",))
SCORE_ARGS = "imdb_score, imdb_votes, tmdb_popularity"


@pytest.fixture(scope="module")
def titles(warehouse_con) -> pl.DataFrame:
    """Base columns of every title, plus the macro's score (checked on its own below)."""
    return warehouse_con.sql(
        f"select show_id, kind, genres, date_added, imdb_score, imdb_votes, "
        f"tmdb_popularity, tmdb_score, tmdb_vote_count, runtime_minutes, seasons, "
        f"release_year, addition_lag_years, engagement_score, engagement_basis, "
        f"engagement_score({SCORE_ARGS}) as imdb_macro from titles").pl()


def documented_score(score, votes, popularity) -> float | None:
    """docs/PERFORMANCE.md, written out in plain Python."""
    if score is None or votes is None:
        return None
    clamp = lambda x: min(max(x, 0.0), 1.0)  # noqa: E731
    parts = 0.40 * clamp((score - 4.0) / 5.0) + \
        0.35 * clamp((math.log10(max(votes, 1)) - 1.5) / 4.0)
    if popularity is None:
        return 100 * parts / 0.75
    return 100 * (parts + 0.25 * clamp(math.log10(1 + max(popularity, 0)) / 2.3))


def documented_tmdb_score(score, votes, popularity) -> float | None:
    """docs/PERFORMANCE.md's TMDB-based line, written out in plain Python."""
    if score is None or popularity is None:
        return None
    clamp = lambda x, lo, hi: min(max(x, lo), hi)  # noqa: E731
    quality = clamp(score, 3.0, 9.0)
    buzz = clamp(math.log10(1 + max(popularity, 0)), 0.0, 3.0)
    if votes is None:
        line = -9.1573 + 5.0775 * quality + 24.3171 * buzz
    else:
        reach = clamp(math.log10(max(votes, 1)), 0.0, 5.0)
        line = -35.3570 + 8.2085 * quality + 12.5486 * reach + 2.0351 * buzz
    return clamp(line, 0.0, 100.0)


# --- the engagement score ------------------------------------------------------------

def test_engagement_macro_is_the_documented_formula(titles):
    scored = 0
    for row in titles.iter_rows(named=True):
        expected = documented_score(row["imdb_score"], row["imdb_votes"],
                                    row["tmdb_popularity"])
        if expected is None:
            assert row["imdb_macro"] is None
            continue
        scored += 1
        assert row["imdb_macro"] == pytest.approx(expected, abs=0.006)
        assert 0 <= row["imdb_macro"] <= 100
    assert scored == titles.filter(pl.col("imdb_score").is_not_null()
                                   & pl.col("imdb_votes").is_not_null()).height > 4000


def test_title_engagement_is_imdb_based_where_it_can_be_else_tmdb_based(titles):
    """IMDb basis wherever IMDb score and votes exist; otherwise the TMDB line on the
    title's own TMDB columns; neither without an audience metric."""
    bases = {"imdb": 0, "tmdb": 0, None: 0}
    for row in titles.iter_rows(named=True):
        imdb = documented_score(row["imdb_score"], row["imdb_votes"], row["tmdb_popularity"])
        tmdb = documented_tmdb_score(row["tmdb_score"], row["tmdb_vote_count"],
                                     row["tmdb_popularity"])
        basis = "imdb" if imdb is not None else "tmdb" if tmdb is not None else None
        assert row["engagement_basis"] == basis, row["show_id"]
        bases[basis] += 1
        expected = imdb if imdb is not None else tmdb
        if expected is None:
            assert row["engagement_score"] is None
        else:
            assert row["engagement_score"] == pytest.approx(expected, abs=0.006)
    # the target: at least 62% of the catalog scored, and both bases in use
    assert (bases["imdb"] + bases["tmdb"]) / titles.height >= 0.62
    assert bases["tmdb"] > 1000


def test_tmdb_engagement_macro_anchors(warehouse_con):
    rows = warehouse_con.sql(
        "select engagement_score_tmdb(10.0, 1000000, 100000.0), "
        "engagement_score_tmdb(1.0, 1, 0.0), engagement_score_tmdb(7.2, null, 30.0), "
        "engagement_score_tmdb(null, 100, 3.0), engagement_score_tmdb(7.0, 100, null)"
    ).fetchall()[0]
    assert rows[0] == pytest.approx(documented_tmdb_score(10.0, 1000000, 100000.0), abs=0.006)
    assert rows[1] == 0
    assert rows[2] == pytest.approx(documented_tmdb_score(7.2, None, 30.0), abs=0.006)
    assert rows[3] is None and rows[4] is None


def test_engagement_anchors_and_missing_popularity(warehouse_con):
    rows = warehouse_con.sql(
        "select engagement_score(9.5, 5000000, 5000.0), engagement_score(1.0, 1, 0.0), "
        "engagement_score(6.5, 10000, null), engagement_score(null, 10000, 3.0), "
        "engagement_score(7.0, null, 3.0)").fetchall()[0]
    assert rows[0] == 100 and rows[1] == 0
    assert rows[2] == pytest.approx(documented_score(6.5, 10000, None), abs=0.006)
    assert rows[3] is None and rows[4] is None


# --- rank correlations vs scipy --------------------------------------------------------

def scipy_pairs(frame: pl.DataFrame) -> dict[tuple[str, str], tuple[int, float]]:
    out = {}
    names = list(perf.METRICS)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            both = frame.select(a, b).drop_nulls()
            if both.height >= 3:
                rho = stats.spearmanr(both[a].to_numpy(), both[b].to_numpy()).statistic
                out[(a, b)] = (both.height, rho)
    return out


def check_against_scipy(got: pl.DataFrame, frame: pl.DataFrame) -> None:
    cells = {(r["metric_x"], r["metric_y"]): r for r in got.iter_rows(named=True)}
    cells |= {(y, x): r for (x, y), r in list(cells.items())}
    expected = scipy_pairs(frame)
    assert expected
    for pair, (n, rho) in expected.items():
        assert cells[pair]["titles"] == n, pair
        assert cells[pair]["rho"] == pytest.approx(rho, abs=1e-9), pair
    for metric in perf.METRICS:
        present = frame[metric].drop_nulls().len()
        if present:
            assert cells[(metric, metric)]["titles"] == present


def test_rank_correlations_equal_scipy_spearman_on_the_same_rows(wh, titles):
    got = perf.rank_correlations(wh)
    assert set(got["metric_x"]) | set(got["metric_y"]) == set(perf.METRICS)
    assert got["scope_titles"][0] == got["filtered_titles"][0] == titles.height
    check_against_scipy(got, titles)
    no_overlap = got.filter((pl.col("metric_x") == "runtime_minutes")
                            & (pl.col("metric_y") == "seasons"))
    assert no_overlap.is_empty()  # movies have runtimes, shows seasons: no pair


def test_rank_correlations_follow_the_filters(wh, titles):
    got = perf.rank_correlations(wh, MOVIE_DRAMAS)
    frame = titles.filter((pl.col("kind") == "movie") & pl.col("genres").list.contains("Dramas"))
    assert got["filtered_titles"][0] == frame.height
    check_against_scipy(got, frame)
    assert perf.rank_correlations(wh, NOTHING).is_empty()


@pytest.mark.parametrize("oversampling", [perf.SAMPLE_OVERSAMPLING, 0.05, 1e-9])
def test_rank_correlations_sample_large_selections(wh, titles, warehouse_con, oversampling,
                                                   monkeypatch):
    # 0.05 or 1e-9: the hash cut keeps ~75 titles or none, too few: the sample is drawn
    # again from all of them
    monkeypatch.setattr(perf, "SAMPLE_OVERSAMPLING", oversampling)
    got = perf.rank_correlations(wh, max_titles=1500)
    assert got["scope_titles"][0] == 1500 and got["filtered_titles"][0] == titles.height
    ids = [r[0] for r in warehouse_con.sql("select show_id from titles order by "
                                           "hash(show_id), show_id limit 1500").fetchall()]
    check_against_scipy(got, titles.filter(pl.col("show_id").is_in(ids)))



def test_spearman_pairs_on_a_small_sample():
    sample = pl.DataFrame({
        "a": [1.0, 2.0, 2.0, 4.0, None],     # a tie: average ranks, as scipy
        "b": [10.0, 30.0, 20.0, 40.0, 50.0],
        "c": [5.0, 5.0, 5.0, None, None],     # constant over its titles
        "d": [None, None, None, None, 7.0],   # shares one title with b, none with a
        "filtered_titles": [9] * 5})
    got = perf.spearman_pairs(sample, ["a", "b", "c", "d"])
    cells = {(r["metric_x"], r["metric_y"]): (r["titles"], r["rho"])
             for r in got.iter_rows(named=True)}
    assert cells[("a", "b")] == (4, pytest.approx(
        stats.spearmanr([1, 2, 2, 4], [10, 30, 20, 40]).statistic, abs=1e-12))
    assert cells[("a", "c")] == (3, None)   # no correlation with a constant
    assert cells[("b", "d")] == (1, None)   # nor over one title
    assert ("a", "d") not in cells and ("c", "d") not in cells  # no title has both
    assert cells[("d", "d")] == (1, 1.0) and cells[("a", "a")] == (4, 1.0)
    assert got["scope_titles"].unique().to_list() == [5]
    assert got["filtered_titles"].unique().to_list() == [9]
    assert got.select("metric_x", "metric_y").rows() == sorted(cells)
    assert perf.spearman_pairs(sample.clear(), ["a", "b"]).is_empty()

# --- distributions, periods, genres vs Polars ---------------------------------------

@pytest.mark.parametrize("metric", list(perf.METRICS))
def test_metric_distribution_counts_every_title_once(wh, titles, metric):
    got = perf.metric_distribution(wh, Filters(), metric)
    spec = perf.METRICS[metric]
    values = titles.filter(pl.col(metric).is_not_null() & (
        (pl.col(metric) > 0) if spec.log_scale else pl.lit(True)))
    for kind, part in values.group_by("kind"):
        rows = got.filter(pl.col("kind") == kind[0])
        assert rows["titles"].sum() == part.height == rows["kind_titles"][0]
        assert rows["median_value"][0] == pytest.approx(part[metric].median())
        assert rows["mean_value"][0] == pytest.approx(part[metric].mean())
    widths = (got["bin_end"] - got["bin_start"]).unique()
    assert widths.len() == 1 or (widths.max() - widths.min()) < 1e-9
    axis = values[metric].log10() if spec.log_scale else values[metric].cast(pl.Float64)
    assert got["bin_start"].min() <= axis.min() and got["bin_end"].max() > axis.max()


def test_whole_number_bins_count_each_value(wh, titles):
    got = perf.metric_distribution(wh, Filters(), "seasons")
    expected = titles.drop_nulls("seasons").group_by("seasons").len()
    assert {int(s): n for s, n in got.select("bin_start", "titles").iter_rows()} == \
        dict(expected.iter_rows())


def test_unknown_metric_falls_back_to_engagement(wh):
    assert perf.metric_or_default("imdb_score; drop table titles") == "engagement_score"
    assert perf.metric_distribution(wh, Filters(), "nope").equals(
        perf.metric_distribution(wh, Filters(), "engagement_score"))


def test_by_period_matches_polars(wh, titles):
    dated = titles.drop_nulls("date_added")
    for period, key in (("month", pl.col("date_added").dt.month()),
                        ("quarter", pl.col("date_added").dt.quarter())):
        got = perf.by_period(wh, Filters(), period)
        expected = dated.group_by(key.alias("period"), "kind").agg(
            pl.len().alias("titles_added"), pl.col("engagement_score").mean().alias("mean"),
            pl.col("engagement_score").count().alias("scored"))
        exp = {(p, k): (n, m, s) for p, k, n, m, s in expected.iter_rows()}
        assert len(got) == len(exp) == (24 if period == "month" else 8)
        for r in got.iter_rows(named=True):
            n, mean, scored = exp[(r["period"], r["kind"])]
            assert (r["titles_added"], r["scored_titles"]) == (n, scored)
            assert r["mean_engagement"] == pytest.approx(mean)


def test_genre_engagement_matches_polars(wh, titles):
    scored = titles.drop_nulls("engagement_score")
    bars = scored.group_by("kind").agg(
        pl.col("engagement_score").quantile(0.75, interpolation="linear").alias("bar"))
    per_genre = (scored.join(bars, on="kind").explode("genres")
                 .group_by("genres").agg(
                     pl.len().alias("n"), pl.col("engagement_score").median().alias("median"),
                     (pl.col("engagement_score") >= pl.col("bar")).mean().alias("hits"))
                 .filter(pl.col("n") >= 20))
    got = perf.genre_engagement(wh, Filters(), min_titles=20)
    assert set(got["genre"]) == set(per_genre["genres"])
    exp = {g: (n, m, h) for g, n, m, h in per_genre.iter_rows()}
    for r in got.iter_rows(named=True):
        n, median, hits = exp[r["genre"]]
        assert r["scored_titles"] == n
        assert r["median_engagement"] == pytest.approx(median)
        assert r["hit_share"] == pytest.approx(hits)
    assert got["overall_median"][0] == pytest.approx(scored["engagement_score"].median())
    assert got["median_engagement"].is_sorted(descending=True)
    assert perf.genre_engagement(wh, NOTHING).is_empty()


# --- figures and insights on small frames -------------------------------------------

def corr_frame(scope: int = 100, total: int = 100) -> pl.DataFrame:
    rows = [("imdb_score", "imdb_score", 90, 1.0), ("imdb_votes", "imdb_votes", 80, 1.0),
            ("engagement_score", "engagement_score", 80, 1.0),
            ("imdb_score", "imdb_votes", 80, 0.25), ("engagement_score", "imdb_score", 80, 0.7),
            ("engagement_score", "imdb_votes", 80, 0.9),
            ("runtime_minutes", "runtime_minutes", 60, 1.0),
            ("imdb_score", "runtime_minutes", 40, -0.45)]
    return pl.DataFrame(rows, schema=["metric_x", "metric_y", "titles", "rho"],
                        orient="row").with_columns(scope_titles=pl.lit(scope),
                                                   filtered_titles=pl.lit(total))


def test_correlation_heatmap_and_insights():
    frame = corr_frame()
    fig = figs.rank_correlations(frame)
    heat = fig.data[0]
    assert list(heat.x) == ["IMDb score", "IMDb votes", "Runtime", "Engagement score"]
    z = [list(r) for r in heat.z]
    assert z == [list(c) for c in zip(*z)]  # symmetric
    assert z[1][2] is None and "n=0" in heat.text[1][2]  # votes × runtime: no overlap
    assert "n=40" in heat.text[0][2] and "ρ" in fig.layout.title.text
    # two titles rank alike or opposite by chance: no ±1.00 drawn from them
    few = frame.with_columns(titles=pl.when(pl.col("metric_x") == pl.col("metric_y"))
                             .then(pl.col("titles")).otherwise(2))
    heat = figs.rank_correlations(few).data[0]
    assert heat.z[0][1] is None and heat.text[0][1].startswith("—") and "n=2" in heat.text[0][1]
    assert heat.z[0][0] == 1.0   # a metric with itself
    said = figs.correlation_insights(frame)
    assert "IMDb score and Runtime" in said[0] and "-0.45" in said[0]  # not a built-in pair
    assert "IMDb votes" in said[1] and "0.90" in said[1]
    assert not any("sample" in s for s in said)
    sampled = corr_frame(scope=50, total=5000)
    assert "sample of 50 of 5,000" in figs.rank_correlations(sampled).layout.title.text
    assert "5,000 filtered titles" in figs.correlation_insights(sampled)[-1]


def test_correlation_empty_states():
    empty = corr_frame().clear()
    assert figs.rank_correlations(empty).layout.annotations[0].text == \
        "No titles match these filters"
    assert figs.correlation_insights(empty) == []
    only_diagonal = corr_frame().filter(pl.col("metric_x") == pl.col("metric_y"))
    assert figs.correlation_insights(only_diagonal) == []


def dist_frame() -> pl.DataFrame:
    return pl.DataFrame({
        "kind": ["movie"] * 3 + ["show"] * 2, "bin": [0, 1, 2, 0, 1],
        "bin_start": [1.0, 2.0, 3.0, 1.0, 2.0], "bin_end": [2.0, 3.0, 4.0, 2.0, 3.0],
        "titles": [5, 20, 3, 4, 1], "kind_titles": [28, 28, 28, 5, 5],
        "mean_value": [900.0] * 3 + [150.0] * 2, "median_value": [300.0] * 3 + [100.0] * 2,
        "box_p05": [1.2] * 3 + [1.1] * 2, "box_q1": [2.1] * 3 + [1.5] * 2,
        "box_median": [2.5] * 3 + [2.0] * 2, "box_q3": [2.9] * 3 + [2.2] * 2,
        "box_p95": [3.8] * 3 + [2.8] * 2})


def test_distribution_figure_and_insights():
    fig = figs.metric_distribution(dist_frame(), "imdb_votes")
    assert [t.type for t in fig.data] == ["bar", "box", "bar", "box"]
    assert "log scale" in fig.layout.title.text and "votes" in fig.layout.title.text
    assert list(fig.layout.xaxis2.ticktext) == ["10", "100", "1k", "10k"]
    assert fig.data[0].customdata[1] == "100–1k"
    assert fig.layout.yaxis.dtick is None   # counts past 8: plotly's own steps
    # two titles: whole-number steps ("0 0 0 1 1 1" before)
    few = dist_frame().head(2).with_columns(titles=pl.lit(1))
    assert figs.metric_distribution(few, "imdb_votes").layout.yaxis.dtick == 1
    said = figs.distribution_insights(dist_frame(), "imdb_votes")
    assert said[0] == "Movies: median 300 votes, mean 900, over 28 titles."
    assert "3.0× the median" in said[2]
    assert "100–1k votes" in said[3] and "64%" in said[3]  # 21 of 33 titles
    empty = dist_frame().clear()
    assert figs.metric_distribution(empty, "seasons").layout.annotations[0].text == \
        "No filtered title has this metric"
    assert figs.distribution_insights(empty, "seasons") == []


def period_frame() -> pl.DataFrame:
    return pl.DataFrame({"period": [1, 1, 2, 2, 3], "kind": ["movie", "show"] * 2 + ["movie"],
                         "titles_added": [50, 10, 80, 12, 40],
                         "scored_titles": [30, 8, 40, 9, 20],
                         "mean_engagement": [40.0, 50.0, 55.0, 52.0, 41.0],
                         "ci95_engagement": [3.0, 6.0, 2.0, 5.0, 4.0],
                         "median_imdb_score": [6.1, 7.0, 6.5, 7.1, None]})


def test_period_figure_and_insights():
    fig = figs.by_period(period_frame(), "month")
    assert [t.name for t in fig.data] == ["Movies", "TV shows"]
    assert list(fig.data[0].x) == ["Jan", "Feb", "Mar"]
    assert "95% CI" in fig.layout.title.text and "(0–100)" in fig.layout.title.text
    said = figs.period_insights(period_frame(), "month")
    assert said[0] == ("Movies added in Feb score highest (55.0) and those added in Jan "
                       "lowest (40.0).")
    assert "do not overlap" in said[1]
    assert "Feb (92 titles, 48%)" in said[2]
    quarters = figs.period_insights(period_frame(), "quarter")
    assert "Q2" in quarters[0]
    empty = period_frame().clear()
    assert figs.by_period(empty, "month").layout.annotations
    assert figs.period_insights(empty, "month") == []


def genre_frame() -> pl.DataFrame:
    return pl.DataFrame({"genre": ["Dramas", "Comedies", "Anime Series"],
                         "scored_titles": [100, 80, 25],
                         "mean_engagement": [46.0, 42.0, 58.0],
                         "q1_engagement": [35.0, 31.0, 47.0],
                         "median_engagement": [45.0, 42.5, 58.0],
                         "q3_engagement": [56.0, 53.0, 70.0],
                         "hit_share": [0.3, 0.2, 0.4],
                         "overall_median": [46.4] * 3, "overall_scored_titles": [180] * 3})


def test_genre_figure_and_insights():
    from dashapp.theme import genre_colour
    fig = figs.genre_engagement(genre_frame())
    dots = fig.data[0]
    assert list(dots.y) == ["Comedies", "Dramas", "Anime Series"]
    assert list(dots.marker.color) == [genre_colour(g) for g in dots.y]
    assert list(dots.error_x.arrayminus) == [11.5, 10.0, 11.0]
    said = figs.genre_insights(genre_frame())
    assert said[0].startswith("Anime Series leads with a median engagement of 58.0 over 25")
    assert "1 of 3 categories sit above" in said[1]
    assert "Anime Series has the highest hit rate: 40%" in said[2]
    assert figs.genre_insights(genre_frame().head(1))[1:] == [
        "Dramas has the highest hit rate: 30% of its titles are in the top quartile of "
        "engagement for their type."]
    assert figs.genre_engagement(genre_frame().clear()).layout.annotations
    assert figs.genre_insights(genre_frame().clear()) == []


# --- coverage ------------------------------------------------------------------------

def test_coverage_counts_the_filtered_titles_with_each_metric(wh, titles):
    from dashapp.figures.base import coverage_note
    for filters, part in [(Filters(), titles),
                          (MOVIE_DRAMAS, titles.filter((pl.col("kind") == "movie")
                                                       & pl.col("genres").list.contains("Dramas")))]:
        got = perf.coverage(wh, filters)
        counts = dict(zip(got["metric"], got["with_metric"]))
        assert set(got["titles"]) == {part.height}
        for metric in perf.METRICS:
            assert counts[metric] == part[metric].count(), metric
        assert counts["engagement_imdb"] == (part["engagement_basis"] == "imdb").sum()
        assert counts["engagement_tmdb"] == (part["engagement_basis"] == "tmdb").sum()
    note = coverage_note(perf.coverage(wh), "imdb_score")
    assert note == (f"Based on {titles['imdb_score'].count():,} of {titles.height:,} titles "
                    f"({titles['imdb_score'].count() / titles.height:.0%}) with an IMDb score.")
    assert coverage_note(perf.coverage(wh, NOTHING), "imdb_score") is None


# --- callbacks and CSV sources -------------------------------------------------------

def test_callbacks_as_functions(served_app):
    from dashapp.pages import performance as page
    fig, insights = page.update_correlations(None)
    assert fig.data[0].type == "heatmap" and insights
    fig, insights = page.update_distribution(MOVIE_DRAMAS.to_store(), "not-a-metric")
    assert "Distribution of engagement score" in fig.layout.title.text
    assert [t.name for t in fig.data if t.type == "bar"] == ["Movies"]
    assert "with an engagement score" in insights[0].children
    fig, insights = page.update_period(None, "quarter")
    assert list(fig.data[0].x) == ["Q1", "Q2", "Q3", "Q4"] and len(insights) == 4
    assert re.match(r"Based on [\d,]+ of 8,807 titles \(\d+%\) with an engagement score: "
                    r"[\d,]+ IMDb-based, [\d,]+ TMDB-based", insights[0].children)
    fig, insights = page.update_genres(NOTHING.to_store())
    assert fig.layout.annotations[0].text == "No category has enough scored titles"
    assert insights == []


def test_every_chart_registers_its_csv(served_app):
    from dashapp.components.chart import _CSV_SOURCES
    from dashapp.pages import performance as page
    for chart in (page.CORRELATIONS, page.DISTRIBUTION, page.PERIOD, page.GENRES):
        frame = _CSV_SOURCES[chart](Filters(kinds=("show",)))
        assert frame.height > 0, chart
    every = _CSV_SOURCES[page.DISTRIBUTION](Filters())
    assert set(every["metric"]) == set(perf.METRICS)
    assert set(_CSV_SOURCES[page.PERIOD](Filters())["period_type"]) == {"month", "quarter"}
