"""Figures and insights for the Content Universe page: frame in, figure or sentences out."""
from __future__ import annotations

import math
from datetime import timedelta

import polars as pl

from base.text import counted, listed
from dashapp.figures.base import (
    Figure, count_axis, empty_figure, figure, log_axis, none_among_kept, pct)
from dashapp.theme import KIND_COLOURS, KIND_LABELS, NETFLIX_RED, genre_colour

ADDITIONS_TITLE = "Titles added to Netflix per month (titles)"
RELEASE_TITLE = "Titles by release year (titles)"
LAG_TITLE = "Years from release to Netflix (titles)"
MAP_TITLE = "Titles by production country (titles, log colour scale)"
COUNTRIES_TITLE = "Top production countries (titles)"
GENRES_TITLE = "Top Netflix categories (titles)"
RATINGS_TITLE = "Titles by maturity rating (titles)"
RUNTIME_TITLE = "Movie runtimes (movies per 10-minute bin)"
SEASONS_TITLE = "TV shows by number of seasons (shows)"
PEOPLE_TITLES = {"director": "Most prolific directors (titles directed)",
                 "actor": "Most frequent actors (titles appeared in)"}
MATCHED_TITLE = "Share of titles with audience metrics, by year added (% of titles added)"
MATCHED_SERIES = [("any_matched", "Matched to any source", NETFLIX_RED),
                  ("imdb_matched", "Matched to the IMDb/TMDB dataset", "#3B82F6"),
                  ("scored", "With an engagement score", "#F5C518")]
SCATTER_TITLE = "TMDB score vs TMDB popularity (score 0–10; popularity, log scale)"
# youngest audience first, so the bars read as an age scale
RATING_ORDER = ["TV-Y", "TV-Y7", "TV-Y7-FV", "G", "TV-G", "PG", "TV-PG", "PG-13", "TV-14",
                "R", "TV-MA", "NC-17", "NR", "UR", "No rating"]
ADULT = {"R", "TV-MA", "NC-17"}
KIDS = {"TV-Y", "TV-Y7", "TV-Y7-FV", "G", "TV-G"}


def _empty(frame: pl.DataFrame, column: str) -> bool:
    return frame.is_empty() or not frame[column].sum()


# With a few bars (a narrow filter) plotly's automatic ticks fall between them: years
# read "1,924.8", months "23:59:59.9996 Nov 30, 2018". Whole years and months, one tick
# each when there are few.
# A lone bar also filled the whole plot: with few, the axis spans a little more (and a
# lone month's bar, which plotly draws 1 ms wide on a date axis, gets a month's width).
FEW = 8  # years spanned, or months shown, up to which each gets its own tick
MONTH_BAR_MS = 25 * 24 * 3600 * 1000


def _year_axis(years: pl.Series, title: str) -> dict:
    low, high = years.min(), years.max()
    few = {"dtick": 1, "range": [low - 2, high + 2]} if high - low <= FEW else {}
    return {"title": {"text": title}, "tickformat": "d", **few}


def _few_months(months: pl.Series) -> bool:
    return months.n_unique() <= FEW


def _month_axis(months: pl.Series, title: str) -> dict:
    pad = timedelta(days=75)
    few = {"dtick": "M1", "range": [(months.min() - pad).isoformat(),
                                    (months.max() + pad).isoformat()]} \
        if _few_months(months) else {}
    return {"title": {"text": title}, "tickformat": "%b %Y", **few}


def _kind_bars(frame: pl.DataFrame, x: str, y: str, hover_x: str, unit: str,
               width: float | None = None) -> list[dict]:
    """One bar trace per kind present (red movies, grey shows)."""
    traces = []
    for kind in ("movie", "show"):
        part = frame.filter(pl.col("kind") == kind)
        if part.is_empty():
            continue  # no empty legend entry for a kind the filters removed
        traces.append({"type": "bar", "x": part[x].to_list(), "y": part[y].to_list(),
                       "name": KIND_LABELS[kind], "marker": {"color": KIND_COLOURS[kind]},
                       "hovertemplate": f"{hover_x}: %{{y:,}} {unit}"
                                        f"<extra>{KIND_LABELS[kind]}</extra>",
                       **({"width": width} if width else {})})
    return traces


def _kind_bar_figure(frame: pl.DataFrame, x: str, y: str, hover_x: str, unit: str,
                     title: str, xaxis: dict, y_title: str, barmode: str = "stack",
                     width: float | None = None):
    """Bars per kind with a whole-number count axis, hover unified along x."""
    top = frame.group_by(x).agg(pl.col(y).sum())[y].max()
    return figure(_kind_bars(frame, x, y, hover_x, unit, width), title, hovermode="x unified",
                  barmode=barmode, bargap=0.1, legend={"traceorder": "normal"}, xaxis=xaxis,
                  yaxis={**count_axis(top), "title": {"text": y_title}})


def _weighted_median(values: list, weights: list) -> float | None:
    pairs = sorted(zip(values, weights))
    total, seen = sum(weights), 0
    for value, weight in pairs:
        seen += weight
        if seen * 2 >= total:
            return value
    return None


def _hbars(labels: list[str], values: list[int], colours, custom: list[list], hover: str,
           title: str, x_title: str):
    """Horizontal bars, biggest on top."""
    return figure([{"type": "bar", "y": labels, "x": values, "orientation": "h",
                    "marker": {"color": colours}, "customdata": custom,
                    "hovertemplate": hover + "<extra></extra>"}], title,
                  yaxis={"autorange": "reversed", "automargin": True},
                  xaxis={**count_axis(max(values)), "title": {"text": x_title}})


def additions_by_month(frame: pl.DataFrame) -> Figure:
    """Stacked monthly bars: titles added, movies vs TV shows."""
    if _empty(frame, "titles_added"):
        return empty_figure(ADDITIONS_TITLE)
    return _kind_bar_figure(frame, "month", "titles_added", "%{x|%b %Y}", "titles",
                            ADDITIONS_TITLE, _month_axis(frame["month"], "Month added"),
                            "Titles added",
                            width=MONTH_BAR_MS if _few_months(frame["month"]) else None)


def additions_insights(frame: pl.DataFrame) -> list[str]:
    if _empty(frame, "titles_added"):
        return []
    months = frame.group_by("month").agg(pl.col("titles_added").sum()).sort("month")
    peak = months.sort("titles_added", descending=True).row(0, named=True)
    total = months["titles_added"].sum()
    out = [f"The busiest month was {peak['month']:%B %Y}, with "
           f"{counted(peak['titles_added'], 'title')} added "
           f"({pct(peak['titles_added'], total)} of the {total:,} shown with a date added)."]
    shows = frame.filter(pl.col("kind") == "show")["titles_added"].sum()
    if 0 < shows < total:
        out.append(f"TV shows are {pct(shows, total)} of additions.")
    if months.height >= 24:
        last = months.tail(12)["titles_added"].sum()
        prev = months.tail(24).head(12)["titles_added"].sum()
        change = (last - prev) / max(prev, 1)
        out.append(f"The last 12 months with additions (to {months['month'][-1]:%b %Y}, which "
                   f"may be partial) added {last:,} titles, {abs(change):.0%} "
                   f"{'more' if change >= 0 else 'fewer'} than the 12 before.")
    return out


def release_years(frame: pl.DataFrame) -> Figure:
    if _empty(frame, "titles"):
        return empty_figure(RELEASE_TITLE)
    return _kind_bar_figure(
        frame, "release_year", "titles", "Released %{x}", "titles", RELEASE_TITLE,
        _year_axis(frame["release_year"], "Release year (shows: year of the latest season)"),
        "Titles")


def release_insights(frame: pl.DataFrame) -> list[str]:
    if _empty(frame, "titles"):
        return []
    years, counts = frame["release_year"].to_list(), frame["titles"].to_list()
    total = sum(counts)
    if total == 1:
        out = [f"The one title shown was released in {years[0]}."]
    elif min(years) == max(years):
        out = [f"{'Both' if total == 2 else f'All {total:,}'} titles shown were released "
               f"in {years[0]}."]
    elif _weighted_median(years, counts) == min(years):
        # "half … in 2017 or later" when all were (2017 and 2019)
        out = [f"{'Both' if total == 2 else f'All {total:,}'} titles shown were released "
               f"from {min(years)} to {max(years)}."]
    else:
        out = [f"Half of these {total:,} titles were released in "
               f"{_weighted_median(years, counts)} or later; the oldest dates from "
               f"{min(years)}."]
    old = frame.filter(pl.col("release_year") < 2000)["titles"].sum()
    if old:
        out.append(f"{pct(old, total)} ({old:,}) were released before 2000.")
    medians = {k: _weighted_median(p["release_year"].to_list(), p["titles"].to_list())
               for k in ("movie", "show")
               if not (p := frame.filter(pl.col("kind") == k)).is_empty()}
    if len(medians) == 2 and medians["movie"] != medians["show"]:
        out.append(f"The median release year is {medians['movie']} for movies and "
                   f"{medians['show']} for TV shows.")
    return out


def addition_lag(frame: pl.DataFrame) -> Figure:
    if _empty(frame, "titles"):
        return empty_figure(LAG_TITLE)
    ticks = list(range(0, 31, 5))
    xaxis = {"title": {"text": "Years between release and addition (30+ = 30 or more)"},
             # the whole 0–30 scale even for one bar; below 0 when titles were added
             # before their release year (a show's year is its latest season's)
             "range": [min(frame["lag_years"].min(), 0) - 1.5, 31], "tickvals": ticks,
             "ticktext": [str(t) for t in ticks[:-1]] + ["30+"]}
    return _kind_bar_figure(frame, "lag_years", "titles", "%{x} years after release",
                            "titles", LAG_TITLE, xaxis, "Titles", barmode="group")


def lag_insights(frame: pl.DataFrame) -> list[str]:
    if _empty(frame, "titles"):
        return []
    total = frame["titles"].sum()
    fresh = frame.filter(pl.col("lag_years") <= 1)["titles"].sum()
    old = frame.filter(pl.col("lag_years") >= 10)["titles"].sum()
    out = [f"{pct(fresh, total)} of titles were added in their release year or the year "
           "after" + (f"; {pct(old, total)} were 10 or more years old." if old else ".")]
    medians = frame.group_by("kind").agg(pl.col("median_lag_years").first()).sort("kind")
    out.append("Median lag: " + "; ".join(  # a median of two middle values can be x.5
        f"{KIND_LABELS[k]} {counted(int(m) if float(m).is_integer() else m, 'year')}"
        for k, m in medians.iter_rows()) + ".")
    early = frame.filter(pl.col("lag_years") < 0)["titles"].sum()
    if early:
        out.append(f"{early:,} titles have a release year after the year they were added "
                   "(shows give the year of their latest season).")
    return out


def country_map(frame: pl.DataFrame) -> Figure:
    """Choropleth by country name; colour is log10(titles) so small producers show."""
    if _empty(frame, "titles"):
        return empty_figure(MAP_TITLE, none_among_kept("production country"))
    top = max(frame["titles"].max(), 1)
    ticks = [v for v in (1, 10, 100, 1_000, 10_000, 100_000) if v <= top * 1.01] or [1]
    trace = {
        "type": "choropleth", "locations": frame["country"].to_list(),
        "locationmode": "country names",
        "z": [math.log10(v) for v in frame["titles"].to_list()], "zmin": 0,
        "zmax": max(math.log10(top), 1),
        "marker": {"line": {"color": "#141414", "width": 0.4}},
        "colorscale": [[0, "#3d0a0d"], [0.5, "#b20710"], [1, "#ff8a8a"]],
        "colorbar": {"title": {"text": "titles"}, "tickvals": [math.log10(v) for v in ticks],
                     "ticktext": [f"{v:,}" for v in ticks], "thickness": 12},
        "customdata": frame.select("titles", "movies", "shows").rows(),
        "hovertemplate": "<b>%{location}</b><br>%{customdata[0]:,} titles "
                         "(%{customdata[1]:,} movies, %{customdata[2]:,} shows)<extra></extra>"}
    geo = {"projection": {"type": "natural earth"}, "bgcolor": "rgba(0,0,0,0)",
           "showframe": False, "showcoastlines": False, "showland": True,
           "landcolor": "#2b2b2b", "showcountries": True, "countrycolor": "#444",
           "showlakes": False, "lataxis": {"range": [-58, 85]}}
    return figure([trace], MAP_TITLE, geo=geo, margin={"l": 0, "r": 0, "t": 50, "b": 0})


def map_insights(frame: pl.DataFrame) -> list[str]:
    if _empty(frame, "titles"):
        return []
    first, total = frame.row(0, named=True), frame["total_titles"][0]
    out = [f"{frame.height:,} production countries are named; {first['country']} is on "
           f"{pct(first['titles'], total)} of the {total:,} titles."]
    if first["coproductions"]:
        out.append(f"{pct(first['coproductions'], total)} of titles are co-productions "
                   "naming two or more countries.")
    if first["titles_without_country"]:
        out.append(f"{first['titles_without_country']:,} titles ("
                   f"{pct(first['titles_without_country'], total)}) name no country.")
    return out


def top_countries(frame: pl.DataFrame, limit: int = 15) -> Figure:
    if _empty(frame, "titles"):
        return empty_figure(COUNTRIES_TITLE, none_among_kept("production country"))
    top = frame.head(limit)
    traces = [{"type": "bar", "y": top["country"].to_list(), "x": top[column].to_list(),
               "orientation": "h", "name": KIND_LABELS[kind],
               "marker": {"color": KIND_COLOURS[kind]},
               "hovertemplate": "%{y}: %{x:,} " + KIND_LABELS[kind].lower() + "<extra></extra>"}
              for kind, column in (("movie", "movies"), ("show", "shows")) if top[column].sum()]
    # plotly lists stacked traces last-first; bars stacked left to right read first-first
    return figure(traces, COUNTRIES_TITLE, barmode="stack", legend={"traceorder": "normal"},
                  yaxis={"autorange": "reversed", "automargin": True},
                  xaxis={**count_axis((top["movies"] + top["shows"]).max()),
                         "title": {"text": "Titles naming the country"}})


def countries_insights(frame: pl.DataFrame) -> list[str]:
    if _empty(frame, "titles"):
        return []
    first = frame.row(0, named=True)
    tied = frame.filter(pl.col("titles") == first["titles"])["country"].to_list()
    if len(tied) > 1:   # "India leads, followed by Nepal (2)" was a tie of 2 and 2
        out = [f"{listed(tied)} lead together with "
               f"{counted(first['titles'], 'title')} each."]
    else:
        out = [f"{first['country']} leads with {counted(first['titles'], 'title')}"
               + (f", followed by {frame['country'][1]} ({frame['titles'][1]:,})."
                  if frame.height > 1 else ".")]
    big = frame.head(15).filter(pl.col("titles") >= 20).with_columns(
        share=pl.col("shows") / pl.col("titles")).sort("share", descending=True)
    if big.height >= 3 and big["share"][0] > 0 and frame["movies"].sum():
        r = big.row(0, named=True)
        out.append(f"{r['country']} leans most on TV among the leaders: "
                   f"{r['share']:.0%} of its {r['titles']:,} titles are shows.")
    return out


def top_genres(frame: pl.DataFrame) -> Figure:
    if _empty(frame, "titles"):
        return empty_figure(GENRES_TITLE)
    total = frame["total_titles"][0]
    custom = [[m, s, (t / total if total else 0)]
              for t, m, s in frame.select("titles", "movies", "shows").iter_rows()]
    return _hbars(frame["genre"].to_list(), frame["titles"].to_list(),
                  [genre_colour(g) for g in frame["genre"]], custom,
                  "<b>%{y}</b>: %{x:,} titles (%{customdata[2]:.0%} of titles)<br>"
                  "%{customdata[0]:,} movies, %{customdata[1]:,} shows", GENRES_TITLE,
                  "Titles listed in the category")


def genres_insights(frame: pl.DataFrame) -> list[str]:
    if _empty(frame, "titles"):
        return []
    first, total = frame.row(0, named=True), frame["total_titles"][0]
    out = [f"{first['genre']} is the largest category, on {pct(first['titles'], total)} "
           f"of the {total:,} titles."]
    if frame.height >= 3:
        out.append(f"Next come {frame['genre'][1]} ({frame['titles'][1]:,}) and "
                   f"{frame['genre'][2]} ({frame['titles'][2]:,}), out of "
                   f"{first['genres_named']} categories in use.")
    return out


def ratings(frame: pl.DataFrame) -> Figure:
    if _empty(frame, "titles"):
        return empty_figure(RATINGS_TITLE)
    present = set(frame["maturity_rating"])
    order = [r for r in RATING_ORDER if r in present] + sorted(present - set(RATING_ORDER))
    xaxis = {"title": {"text": "Maturity rating (youngest audience on the left)"},
             "categoryorder": "array", "categoryarray": order}
    return _kind_bar_figure(frame, "maturity_rating", "titles", "%{x}", "titles",
                            RATINGS_TITLE, xaxis, "Titles")


def ratings_insights(frame: pl.DataFrame) -> list[str]:
    if _empty(frame, "titles"):
        return []
    per = frame.group_by("maturity_rating").agg(pl.col("titles").sum()).sort(
        ["titles", "maturity_rating"], descending=[True, False])
    total, first = per["titles"].sum(), per.row(0, named=True)
    adult = per.filter(pl.col("maturity_rating").is_in(list(ADULT)))["titles"].sum()
    kids = per.filter(pl.col("maturity_rating").is_in(list(KIDS)))["titles"].sum()
    return [f"{first['maturity_rating']} is the most common rating "
            f"({pct(first['titles'], total)} of titles).",
            f"{pct(adult, total)} are rated for adults (R, TV-MA, NC-17) and "
            f"{pct(kids, total)} for children (TV-Y, TV-Y7, G, TV-G)."]


def runtimes(frame: pl.DataFrame) -> Figure:
    if _empty(frame, "movies"):
        return empty_figure(RUNTIME_TITLE, "No movies with a runtime match these filters")
    labels = [f"{b}+" if b >= 200 else f"{b}–{b + 9}" for b in frame["bin_start"]]
    trace = {"type": "bar", "x": [b + 5 for b in frame["bin_start"]],
             "y": frame["movies"].to_list(), "width": 9,
             "marker": {"color": KIND_COLOURS["movie"]}, "customdata": labels,
             "hovertemplate": "%{customdata} min: %{y:,} movies<extra></extra>"}
    # ticks from 50 when there are two or more: a 0 sat in the corner beside the count
    # axis's 0 (short films alone keep Plotly's own ticks)
    ticks = list(range(50, frame["bin_start"].max() + 10, 50))
    return figure([trace], RUNTIME_TITLE,
                  xaxis={"title": {"text": "Runtime (minutes; the last bar is 200 or more)"},
                         **({"tickvals": ticks} if len(ticks) > 1 else {})},
                  yaxis={**count_axis(frame["movies"].max()), "title": {"text": "Movies"}})


def runtime_insights(frame: pl.DataFrame) -> list[str]:
    if _empty(frame, "movies"):
        return []
    total = frame["movies"].sum()
    core = frame.filter(pl.col("bin_start").is_between(80, 110))["movies"].sum()
    long = frame.filter(pl.col("bin_start") >= 150)["movies"].sum()
    return [f"The median movie runs {frame['median_minutes'][0]:g} minutes.",
            f"{pct(core, total)} run 80–119 minutes; {pct(long, total)} run 150 minutes "
            "or more."]


def seasons(frame: pl.DataFrame) -> Figure:
    if _empty(frame, "shows"):
        return empty_figure(SEASONS_TITLE, "No TV shows match these filters")
    labels = [f"{s}+" if s >= 10 else str(s) for s in frame["seasons"]]
    trace = {"type": "bar", "x": labels, "y": frame["shows"].to_list(),
             "marker": {"color": KIND_COLOURS["show"]},
             "hovertemplate": "%{x} seasons: %{y:,} shows<extra></extra>"}
    return figure([trace], SEASONS_TITLE,
                  xaxis={"title": {"text": "Seasons on Netflix (10+ = ten or more)"},
                         "type": "category"},
                  yaxis={**count_axis(frame["shows"].max()), "title": {"text": "TV shows"}})


def seasons_insights(frame: pl.DataFrame) -> list[str]:
    if _empty(frame, "shows"):
        return []
    total = frame["shows"].sum()
    one = frame.filter(pl.col("seasons") == 1)["shows"].sum()
    five = frame.filter(pl.col("seasons") >= 5)["shows"].sum()
    return [f"{pct(one, total)} of the {total:,} shows have a single season"
            + (f"; {pct(five, total)} have five or more." if five else "."),
            f"The longest run has {counted(frame['max_seasons'][0], 'season')}."]


def top_people(frame: pl.DataFrame, role: str) -> Figure:
    title = PEOPLE_TITLES[role]
    if _empty(frame, "titles"):
        return empty_figure(title, none_among_kept("director" if role == "director"
                                                   else "cast member"))
    return _hbars(frame["person_name"].to_list(), frame["titles"].to_list(), NETFLIX_RED,
                  frame.select("movies", "shows").rows(),
                  "<b>%{y}</b>: %{x:,} titles<br>%{customdata[0]:,} movies, "
                  "%{customdata[1]:,} shows", title, "Titles in the filtered catalog")


def people_insights(frame: pl.DataFrame, role: str) -> list[str]:
    if _empty(frame, "titles"):
        return []
    first = frame.row(0, named=True)
    noun = "directors" if role == "director" else "actors"
    out = [f"{first['person_name']} leads with {counted(first['titles'], 'title')}, among "
           f"{first['people']:,} {noun} named."]
    shows_only = frame.filter(pl.col("movies") == 0).height
    movies_only = frame.filter(pl.col("shows") == 0).height
    if frame.height >= 5 and frame["movies"].sum() and frame["shows"].sum():
        out.append(f"Of the top {frame.height}, {movies_only} worked only on movies and "
                   f"{shows_only} only on TV shows.")
    return out


def quality_popularity(frame: pl.DataFrame) -> Figure:
    """Log-x scatter sized by IMDb votes (area ∝ votes; the smallest dots have none), one
    trace per kind."""
    if frame.is_empty():
        return empty_figure(SCATTER_TITLE, "No titles with TMDB scores match these filters")
    frame = frame.with_columns(
        votes_text=pl.when(pl.col("imdb_votes").is_null()).then(pl.lit("no IMDb votes"))
        .otherwise(pl.format("{} IMDb votes", pl.col("imdb_votes").map_elements(
            "{:,}".format, return_dtype=pl.String))),
        no_votes=pl.col("imdb_votes").is_null())
    sizeref = 2.0 * max(frame["imdb_votes"].max() or 0, 1) / 40 ** 2
    # no votes: the smallest dot plotly draws (a size of 0 was not drawn at all)
    frame = frame.with_columns(pl.col("imdb_votes").fill_null(sizeref * 9))
    traces = []
    for kind in ("movie", "show"):
        part = frame.filter(pl.col("kind") == kind)
        if part.is_empty():
            continue
        traces.append({
            "type": "scatter", "x": part["tmdb_popularity"].to_list(),
            "y": part["tmdb_score"].to_list(), "mode": "markers", "name": KIND_LABELS[kind],
            "marker": {"size": part["imdb_votes"].to_list(), "sizemode": "area",
                       "sizeref": sizeref, "sizemin": 3, "color": KIND_COLOURS[kind],
                       "opacity": 0.7, "line": {"width": 0.5, "color": "#141414"}},
            "customdata": part.select("title", "release_year", "primary_genre",
                                      "votes_text").rows(),
            "hovertemplate": "<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[2]}"
                             "<br>TMDB score %{y:.1f} / 10<br>TMDB popularity %{x:,.1f}"
                             "<br>%{customdata[3]}<extra></extra>"})
    return figure(traces, SCATTER_TITLE,
                  xaxis={**log_axis(frame["tmdb_popularity"]),
                         "title": {"text": "TMDB popularity (log scale)"}},
                  yaxis={"title": {"text": "TMDB score (0–10)"}})


def scatter_insights(frame: pl.DataFrame) -> list[str]:
    if frame.is_empty():
        return []
    first = frame.row(0, named=True)
    corr = first["score_popularity_corr"]
    out = [f"Showing the {frame.height:,} most-voted of {first['matched_titles']:,} titles "
           "with TMDB scores." if frame.height < first["matched_titles"] else
           f"All {frame.height:,} titles with TMDB scores are shown."]
    if corr is not None and not math.isnan(corr) and first["matched_titles"] >= 10:
        strength = "hardly" if abs(corr) < 0.1 else "weakly" if abs(corr) < 0.3 else \
            "moderately" if abs(corr) < 0.6 else "strongly"
        out.append(f"Across all {first['matched_titles']:,}, score and log popularity are "
                   f"{strength} related (r = {corr:.2f}): popular is not the same as good.")
    pop = frame.sort("tmdb_popularity", descending=True).row(0, named=True)
    out.append(f"The most popular title shown is {pop['title']} (popularity "
               f"{pop['tmdb_popularity']:,.0f}, score {pop['tmdb_score']:.1f}).")
    return out



def matched_share(frame: pl.DataFrame, min_titles: int = 20) -> Figure:
    """One line per coverage measure: its share of each year's additions (0–100%).
    Years with fewer than `min_titles` additions are not drawn: a share of 2 titles
    swings from 0 to 100% and says nothing (they stay in the CSV)."""
    frame = frame.filter(pl.col("titles") >= min_titles) if not frame.is_empty() else frame
    if _empty(frame, "titles"):
        return empty_figure(MATCHED_TITLE, "No year with enough additions matches these "
                                           "filters")
    years, titles = frame["year_added"].to_list(), frame["titles"].to_list()
    traces = []
    for column, name, colour in MATCHED_SERIES:
        have = frame[column].to_list()
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": name, "x": years,
            "y": [100 * h / t if t else None for h, t in zip(have, titles)],
            # the scored line runs on or next to "any source": that one is drawn wide
            # under it, the scored one dotted and thin on top, so both stay visible
            "line": {"color": colour, "dash": "dot" if column == "scored" else "solid",
                     "width": 5 if column == "any_matched" else 2},
            "customdata": list(zip(have, titles)),
            "hovertemplate": f"{name}<br>added in %{{x}}: %{{y:.0f}}% "
                             "(%{customdata[0]:,} of %{customdata[1]:,})<extra></extra>"})
    return figure(traces, MATCHED_TITLE, hovermode="x unified",
                  xaxis={"title": {"text": "Year added"}, "dtick": 1},
                  yaxis={"title": {"text": "% of titles added that year"},
                         "range": [0, 100], "ticksuffix": "%"})


def matched_insights(frame: pl.DataFrame, min_titles: int = 50) -> list[str]:
    """How unequal coverage is across years added (only years with enough additions)."""
    if _empty(frame, "titles"):
        return []
    total, matched = frame["titles"].sum(), frame["any_matched"].sum()
    out = [f"{matched:,} of the {total:,} dated titles shown ({pct(matched, total)}) are "
           f"matched to a source; {frame['scored'].sum():,} "
           f"{'has' if frame['scored'].sum() == 1 else 'have'} an engagement score."]
    big = frame.filter(pl.col("titles") >= min_titles).with_columns(
        share=pl.col("any_matched") / pl.col("titles"))
    if big.height >= 2:
        lo = big.sort("share").row(0, named=True)
        hi = big.sort("share", descending=True).row(0, named=True)
        out.append(f"Titles added in {lo['year_added']} are {lo['share']:.0%} matched, those "
                   f"added in {hi['year_added']} {hi['share']:.0%}: charts by period compare "
                   "unequal coverage, so read their differences with that in mind.")
    return out
