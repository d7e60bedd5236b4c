"""Market Opportunities page: wrappers against the session warehouse, cross-checked by
independent Polars code on the bridge tables (the SQL reads the titles' own list
columns instead); figures and insights on small frames, empty ones included; callbacks
called as functions."""
from __future__ import annotations

import polars as pl
import pytest

from dashapp.figures import market as figs
from queries import market
from queries.filters import Filters

MOVIES_90S_ON = Filters(kinds=("movie",), year_from=1990, year_to=2015)
INDIA = Filters(countries=("India",))
SHOWS = Filters(kinds=("show",))
NOTHING = Filters(genres=("No Such Genre",))


@pytest.fixture(scope="module")
def tables(warehouse_con) -> dict[str, pl.DataFrame]:
    names = ["titles", "title_genres", "title_countries", "title_people", "genre_map",
             "tmdb_titles", "tmdb_title_genres"]
    return {n: warehouse_con.sql(f"select * from {n}").pl() for n in names}


def filtered(t: dict, f: Filters) -> pl.DataFrame:
    """The filter macro redone in Polars for the filters these tests use."""
    titles = t["titles"]
    if f.kinds:
        titles = titles.filter(pl.col("kind").is_in(f.kinds))
    if f.year_from:
        titles = titles.filter(pl.col("release_year") >= f.year_from)
    if f.year_to:
        titles = titles.filter(pl.col("release_year") <= f.year_to)
    if f.countries:
        ids = t["title_countries"].filter(pl.col("country").is_in(f.countries))["show_id"]
        titles = titles.filter(pl.col("show_id").is_in(ids.implode()))
    if f.genres:
        ids = t["title_genres"].filter(pl.col("genre").is_in(f.genres))["show_id"]
        titles = titles.filter(pl.col("show_id").is_in(ids.implode()))
    return titles


def family_pairs(t: dict, f: Filters) -> pl.DataFrame:
    """One row per filtered title × genre family, from the bridge."""
    bridge = t["title_genres"].drop_nulls("genre_family").select("show_id", "genre_family")
    return filtered(t, f).join(bridge.unique(), on="show_id")


# --- genre saturation ------------------------------------------------------------------

@pytest.mark.parametrize("f", [Filters(), MOVIES_90S_ON, INDIA], ids=["all", "movies", "india"])
def test_saturation_volume_and_scores_match_polars(wh, tables, f):
    got = market.genre_saturation(wh, f)
    pairs = family_pairs(tables, f)
    expected = pairs.group_by("genre_family").agg(
        titles=pl.len(), scored=pl.col("imdb_score").count(),
        mean=pl.col("imdb_score").mean(), votes=pl.col("imdb_votes").sum())
    mine = got.filter(pl.col("titles") > 0).sort("genre_family")
    exp = expected.sort("genre_family")
    assert mine["genre_family"].to_list() == exp["genre_family"].to_list()
    assert mine["titles"].to_list() == exp["titles"].to_list()
    assert mine["scored_titles"].to_list() == exp["scored"].to_list()
    assert mine["imdb_votes"].to_list() == exp["votes"].to_list()
    for row, mean, scored in zip(mine.iter_rows(named=True), exp["mean"], exp["scored"]):
        if scored >= market.MIN_SCORED_TITLES:
            assert row["mean_imdb_score"] == pytest.approx(mean, abs=6e-4)
        else:
            assert row["mean_imdb_score"] is None and row["zone"] is None


def test_zones_follow_the_medians(wh):
    got = market.genre_saturation(wh).drop_nulls("zone")
    mx, my = got["titles"].median(), got["mean_imdb_score"].median()
    assert got["median_titles"][0] == mx
    assert got["median_imdb_score"][0] == pytest.approx(my, abs=1e-3)
    for r in got.iter_rows(named=True):
        few, strong = r["titles"] < mx, r["mean_imdb_score"] >= r["median_imdb_score"]
        assert r["zone"] == {(True, True): "opportunity", (False, False): "saturated",
                             (False, True): "core", (True, False): "niche"}[(few, strong)]


def expected_shares(tables: dict, f: Filters) -> pl.DataFrame:
    """Saturation Index from scratch: movies vs the (movies-only) market, title-weighted
    over the families Netflix's movie categories can express and the market uses."""
    t = tables
    movie_families = (t["title_genres"].join(t["titles"].select("show_id", "kind"), on="show_id")
                      .filter(pl.col("kind") == "movie").drop_nulls("genre_family")
                      ["genre_family"].unique())
    mk = t["tmdb_titles"].filter(pl.col("media_type") == "movie")
    if f.year_from:
        mk = mk.filter(pl.col("release_year").is_between(f.year_from, f.year_to))
    mk_pairs = (t["tmdb_title_genres"].filter(pl.col("tmdb_key").is_in(mk["tmdb_key"].implode()))
                .rename({"tmdb_key": "id", "genre": "genre_family"}))
    vocab = set(movie_families) & set(mk_pairs["genre_family"])
    nf_pairs = (family_pairs(t, f).filter(pl.col("kind") == "movie")
                .select(pl.col("show_id").alias("id"), "genre_family"))

    def shares(pairs: pl.DataFrame, name: str) -> pl.DataFrame:
        kept = pairs.filter(pl.col("genre_family").is_in(sorted(vocab)))
        kept = kept.with_columns(w=1 / pl.len().over("id"))
        total = kept["id"].n_unique()
        return kept.group_by("genre_family").agg((pl.col("w").sum() / total).alias(name))
    return (shares(mk_pairs, "market").join(shares(nf_pairs, "netflix"), on="genre_family",
                                            how="left")
            .with_columns(pl.col("netflix").fill_null(0)).sort("genre_family"))


@pytest.mark.parametrize("f", [Filters(), MOVIES_90S_ON], ids=["all", "movies-1990-2015"])
def test_saturation_index_matches_polars(wh, tables, f):
    got = market.genre_saturation(wh, f).drop_nulls("saturation_index").sort("genre_family")
    exp = expected_shares(tables, f)
    assert got["genre_family"].to_list() == exp["genre_family"].to_list()
    assert got["netflix_share"].to_list() == pytest.approx(exp["netflix"].to_list(), abs=1e-4)
    assert got["market_share"].to_list() == pytest.approx(exp["market"].to_list(), abs=1e-4)
    si = (exp["netflix"] / exp["market"]).to_list()
    assert got["saturation_index"].to_list() == pytest.approx(si, abs=2e-3, rel=2e-3)
    assert sum(got["netflix_share"]) == pytest.approx(1, abs=1e-3)
    assert set(got["compared_kinds"]) == {"movie"}  # the snapshot market is movies only
    assert "Crime" not in got["genre_family"].to_list()  # no Netflix crime-movie category


def test_si_bands_use_the_documented_thresholds(wh):
    got = market.genre_saturation(wh).drop_nulls("saturation_index")
    for r in got.iter_rows(named=True):
        si = r["netflix_share"] / r["market_share"]
        band = ("over-supplied" if si >= market.SI_OVER else
                "under-supplied" if si <= market.SI_UNDER else "in line")
        assert r["si_band"] == band
    assert {"over-supplied", "under-supplied"} <= set(got["si_band"])


def test_shows_only_have_no_market_to_compare(wh):
    got = market.genre_saturation(wh, SHOWS)
    assert got["titles"].sum() > 0 and got["saturation_index"].is_null().all()
    assert got["compared_kinds"].is_null().all()


# --- Pareto ----------------------------------------------------------------------------

def members(tables: dict, f: Filters, dimension: str) -> pl.DataFrame:
    """Title × member pairs from the bridge tables."""
    bridge = {"genre": tables["title_genres"].select("show_id", member="genre"),
              "country": tables["title_countries"].select("show_id", member="country"),
              "director": tables["title_people"].filter(pl.col("role") == "director")
              .select("show_id", member="person_name")}[dimension]
    return filtered(tables, f).select("show_id", "tmdb_popularity").join(bridge.unique(),
                                                                         on="show_id")


@pytest.mark.parametrize("dimension", list(market.PARETO_DIMENSIONS))
@pytest.mark.parametrize("measure", list(market.PARETO_MEASURES))
@pytest.mark.parametrize("f", [Filters(), INDIA], ids=["all", "india"])
def test_pareto_matches_polars(wh, tables, dimension, measure, f):
    got = market.pareto(wh, f, dimension, measure)
    per = members(tables, f, dimension).group_by("member").agg(
        titles=pl.len(), pop=pl.col("tmdb_popularity").fill_null(0).sum())
    value = "titles" if measure == "titles" else "pop"
    per = per.with_columns(value=pl.col(value).cast(pl.Float64)).sort(
        ["value", "member"], descending=[True, False])
    cum = (per["value"].cum_sum() / per["value"].sum()).to_list()
    n80 = next(i for i, c in enumerate(cum, 1) if c >= 0.8 - 1e-12)
    assert got.height == min(market.PARETO_BARS, per.height)
    assert got["members_total"][0] == per.height and got["members_for_80"][0] == n80
    assert got["value"].to_list() == pytest.approx(per["value"].head(got.height).to_list(),
                                                   abs=1e-2)
    assert got["cum_share"].to_list() == pytest.approx(cum[:got.height], abs=1e-4)
    if measure == "titles":  # ties broken by name: the exact members must agree
        assert got["member"].to_list() == per["member"].head(got.height).to_list()


def test_pareto_refuses_anything_off_the_allow_list(wh):
    with pytest.raises(ValueError):
        market.pareto(wh, Filters(), "title; drop table titles", "titles")
    with pytest.raises(ValueError):
        market.pareto(wh, Filters(), "genre", "imdb_votes")


def test_pareto_csv_holds_every_selector_setting(wh):
    frame = market.pareto_all(wh, INDIA)
    combos = set(frame.select("dimension", "measure").unique().iter_rows())
    assert combos == {(d, m) for d in market.PARETO_DIMENSIONS for m in market.PARETO_MEASURES}


# --- release windows -------------------------------------------------------------------

@pytest.mark.parametrize("f", [Filters(), MOVIES_90S_ON], ids=["all", "movies"])
def test_release_windows_match_polars(wh, tables, f):
    got = market.release_windows(wh, f)
    last = tables["titles"]["date_added"].max()
    last_full = last.year if (last.month, last.day) == (12, 31) else last.year - 1
    pairs = family_pairs(tables, f).drop_nulls("date_added").filter(
        pl.col("date_added").dt.year() <= last_full)
    exp = pairs.group_by("genre_family", month=pl.col("date_added").dt.month()).len()
    nonzero = got.filter(pl.col("titles_added") > 0)
    assert {(g, m): n for g, m, n in nonzero.select("genre_family", "month",
                                                    "titles_added").iter_rows()} == \
        {(g, m): n for g, m, n in exp.iter_rows()}
    assert got["last_full_year"][0] == last_full
    assert got.group_by("genre_family").len()["len"].unique().to_list() == [12]
    sums = got.group_by("genre_family").agg(pl.col("share_of_genre").sum())
    assert sums["share_of_genre"].to_list() == pytest.approx([1] * sums.height, abs=1e-3)


def test_release_windows_market_side_matches_polars(wh, tables):
    got = market.release_windows(wh).filter(pl.col("genre_family") == "Horror")
    mk = tables["tmdb_titles"].filter(pl.col("media_type") == "movie").join(
        tables["tmdb_title_genres"].filter(pl.col("genre") == "Horror"), on="tmdb_key")
    exp = dict(mk.group_by("release_month").len().iter_rows())
    assert dict(got.select("month", "market_releases").iter_rows()) == \
        {m: exp.get(m, 0) for m in range(1, 13)}


def test_empty_filters_give_empty_frames(wh):
    assert market.genre_saturation(wh, NOTHING)["titles"].sum() == 0
    assert market.pareto(wh, NOTHING).is_empty()
    assert market.release_windows(wh, NOTHING).is_empty()


# --- figures and insights on small frames ------------------------------------------------

def saturation_frame(**over) -> pl.DataFrame:
    base = {"genre_family": ["Drama", "Comedy", "Horror", "Animation"],
            "titles": [300, 200, 40, 20], "movies": [200, 150, 40, 5],
            "scored_titles": [100, 90, 20, 10],
            "mean_imdb_score": [6.8, 6.0, 5.5, 7.4], "imdb_votes": [10**7, 10**6, 10**5, 10**5],
            "tmdb_popularity": [100.0, 80, 10, 60], "title_share": [0.5, 0.33, 0.07, 0.03],
            "popularity_share": [0.4, 0.32, 0.04, 0.24],
            "netflix_share": [0.5, 0.3, 0.15, 0.05], "market_share": [0.3, 0.3, 0.2, 0.2],
            "market_titles": [30, 30, 20, 20], "saturation_index": [1.667, 1.0, 0.75, 0.25],
            "zone": ["core", "saturated", "niche", "opportunity"],
            "si_band": ["over-supplied", "in line", "under-supplied", "under-supplied"],
            "median_titles": [120.0] * 4, "median_imdb_score": [6.4] * 4,
            "compared_kinds": ["movie"] * 4}
    return pl.DataFrame({**base, **over})


def test_saturation_figure_and_insights():
    frame = saturation_frame()
    fig = figs.saturation_map(frame)
    bubbles = [t for t in fig.data if t.mode == "markers+text"][0]
    assert list(bubbles.text) == ["Drama", "Comedy", "Horror", "Animation"]
    assert "IMDb" in fig.layout.title.text and fig.layout.xaxis.type == "log"
    assert "votes" in bubbles.hovertemplate and "Saturation Index" in str(bubbles.customdata)
    text = " ".join(figs.saturation_insights(frame))
    assert "Opportunity zone" in text and "Animation" in text and "Comedy" in text
    assert "Animation is 3% of titles but 24% of TMDB popularity" in text


def test_share_figure_and_insights():
    frame = saturation_frame()
    fig = figs.share_comparison(frame)
    assert [t.name for t in fig.data if t.name] == ["Netflix", "TMDB market"]
    assert "movies" in fig.layout.title.text
    # the "SI" labels are text on the card: each band's readable colour
    # (tests/test_theme.py), not Netflix red for the over-supplied ones
    labels = [t for t in fig.data if t.mode == "text"][0]
    assert dict(zip(labels.text, labels.textfont.color)) == {
        f"SI {si:.2f}": figs.BAND_TEXT_COLOURS[band]
        for si, band in zip(frame["saturation_index"], frame["si_band"])}
    assert figs.NETFLIX_RED not in labels.textfont.color
    text = figs.share_insights(frame)
    assert text[0].startswith("Most over-supplied: Drama is 50.0% of Netflix movies")
    assert text[1].startswith("Most under-supplied: Animation")
    assert "2 of 4 genre families are under-supplied" in text[2]


def test_share_figure_explains_a_type_without_market():
    frame = saturation_frame(netflix_share=[None] * 4, market_share=[None] * 4,
                             saturation_index=[None] * 4, si_band=[None] * 4,
                             compared_kinds=[None] * 4)
    fig = figs.share_comparison(frame)
    assert "movies only" in fig.layout.annotations[0].text
    assert figs.share_insights(frame) == []


def test_empty_saturation_frames_draw_empty_states():
    empty = saturation_frame().clear()
    for fig in (figs.saturation_map(empty), figs.share_comparison(empty)):
        assert fig.layout.annotations[0].text == "No titles match these filters"
    assert figs.saturation_insights(empty) == [] and figs.share_insights(empty) == []


def pareto_frame() -> pl.DataFrame:
    return pl.DataFrame({
        "rank": [1, 2, 3], "member": ["Dramas", "Comedies", "Horror Movies"],
        "titles": [60, 30, 10], "tmdb_popularity": [10.0, 30, 60], "value": [60.0, 30, 10],
        "share": [0.6, 0.3, 0.1], "title_share": [0.6, 0.3, 0.1],
        "popularity_share": [0.1, 0.3, 0.6], "cum_share": [0.6, 0.9, 1.0],
        "members_total": [5] * 3, "members_for_80": [2] * 3, "value_total": [100.0] * 3})


def test_pareto_figure_and_insights():
    frame = pareto_frame()
    fig = figs.pareto_chart(frame, "genre", "Netflix category", "titles")
    bars, line = fig.data[0], fig.data[1]
    assert list(bars.y) == [60, 30, 10] and list(line.y) == [60, 90, 100]
    assert list(bars.marker.opacity) == [1.0, 1.0, 0.45]  # past the 80% member: faded
    assert "titles" in fig.layout.title.text and fig.layout.yaxis2.ticksuffix == "%"
    text = figs.pareto_insights(frame, "Netflix category", "titles")
    assert text[0] == "40% of Netflix categories (2 of 5) make 80% of titles."
    assert "The top 3 (Dramas, Comedies, Horror Movies) alone make 100% of titles." in text
    assert "Dramas is 60.0% of titles but 10.0% of TMDB popularity" in " ".join(text)
    assert figs.pareto_answer(frame, "country", "titles").startswith("40% of countries")


def test_empty_pareto():
    empty = pareto_frame().clear()
    fig = figs.pareto_chart(empty, "director", "director", "TMDB popularity")
    assert fig.layout.annotations[0].text == "No titles match these filters"
    assert figs.pareto_insights(empty, "director", "TMDB popularity") == []


def windows_frame() -> pl.DataFrame:
    rows = []
    for family, peak, top in (("Horror", 10, 30), ("Family", 12, 20)):
        for month in range(1, 13):
            n = top if month == peak else 5
            rows.append({"genre_family": family, "month": month, "titles_added": n,
                         "market_releases": 10, "market_share_of_genre": 1 / 12})
    frame = pl.DataFrame(rows)
    return frame.with_columns(
        share_of_genre=pl.col("titles_added") / pl.col("titles_added").sum().over("genre_family"),
        last_full_year=pl.lit(2020))


def test_windows_heatmap_and_insights():
    frame = windows_frame()
    fig = figs.release_heatmap(frame)
    heat = fig.data[0]
    assert len(heat.z) == 2 and len(heat.z[0]) == 12
    # from 0%, the even spread (8.3%) the neutral middle colour
    assert heat.zmin == 0 and heat.zmax == pytest.approx(max(max(r) for r in heat.z))
    assert heat.colorscale[1][0] == pytest.approx(100 / 12 / heat.zmax)
    # a family all in one month: the bar ran from -83% (zmid mirrored 100% about 8.3%)
    one = frame.filter(pl.col("month") == 10).with_columns(share_of_genre=pl.lit(1.0))
    heat = figs.release_heatmap(one).data[0]
    assert heat.zmid is None and heat.zmin == 0 and heat.zmax == 100
    assert "2020" in fig.layout.title.text and "%" in fig.layout.title.text
    text = figs.windows_insights(frame)
    assert text[0] == ("Horror additions peak in October: 35% of the family's titles vs 8% "
                       "for an even spread.")
    assert any(s.startswith("October is the busiest month") for s in text)
    assert "when only 8% of the market's Horror releases come out" in text[-1]


def test_empty_windows():
    empty = windows_frame().clear()
    fig = figs.release_heatmap(empty)
    assert fig.layout.annotations[0].text == "No titles match these filters"
    assert fig.layout.title.text.endswith("additions by month")  # no "to —" year
    assert figs.windows_insights(empty) == []


# --- callbacks as functions ----------------------------------------------------------------

def test_callbacks_as_functions(served_app):
    from dashapp.pages import market as page
    everything, shows = Filters().to_store(), SHOWS.to_store()
    fig, insights, share, share_insights = page.update_saturation(everything)
    assert len(fig.data) > 3 and 2 <= len(insights) <= 4
    assert len(share.data) == 4 and "Saturation Index" in share_insights[0].children
    _, _, share, share_insights = page.update_saturation(shows)
    assert "movies only" in share.layout.annotations[0].text and share_insights == []
    fig, insights = page.update_pareto(everything, "country", "popularity")
    assert "country" in fig.layout.title.text and "United States" in list(fig.data[0].x)
    assert "make 80% of TMDB popularity" in insights[0].children
    fig, _ = page.update_pareto(everything, "'; drop table titles", "nope")  # falls back
    assert "Netflix category" in fig.layout.title.text
    fig, insights = page.update_windows(NOTHING.to_store())
    assert fig.layout.annotations[0].text == "No titles match these filters" and insights == []


def test_every_chart_registers_its_csv(served_app):
    from dashapp.components.chart import _CSV_SOURCES
    from dashapp.pages import market as page
    for chart in (page.SATURATION, page.SHARE, page.PARETO, page.WINDOWS):
        frame = _CSV_SOURCES[chart](INDIA)
        assert frame.height > 0, chart
