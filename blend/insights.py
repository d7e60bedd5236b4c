"""'Your viewing' insights: aggregations of the profiles' viewing rows, per person.

Inputs are the frames `blend.profiles.ProfileStore` returns (hidden titles already
left out) plus a `person` column (display name); the catalog facts (genres,
countries) come from the warehouse through `title_facets`. Every function returns one
tidy frame whose grain its docstring states; figures and sentences are built from
these frames only, so the CSV a user downloads is exactly what a chart shows.
"""
from __future__ import annotations

from itertools import combinations

import polars as pl

from queries.db import Warehouse

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
BINGE_MIN_EPISODES = 3   # episodes of one show on one day that make a binge session
TOP_SHOWS = 10
TOP_FACETS = 12


def title_facets(wh: Warehouse, show_ids: list[str]) -> pl.DataFrame:
    """Grain: one row per title × facet value (facet 'genre' or 'country')."""
    return wh.query("blend_title_facets", show_ids=sorted(set(show_ids)))


def item_kind(items: pl.DataFrame) -> pl.Expr:
    """'show' for episodes and matched shows, else 'movie' (a single unmatched row is
    most often a film or special)."""
    return (pl.when(pl.col("is_episode") | (pl.col("kind") == "show"))
            .then(pl.lit("show")).otherwise(pl.lit("movie")))


def monthly(viewings: pl.DataFrame) -> pl.DataFrame:
    """Grain: one row per person × month × kind (episodes or movies) watched."""
    return (viewings
            .with_columns(month=pl.col("watched_on").dt.truncate("1mo"),
                          kind=pl.when(pl.col("is_episode")).then(pl.lit("episodes"))
                          .otherwise(pl.lit("movies")))
            .group_by("person", "month", "kind").agg(rows=pl.len())
            .sort("person", "month", "kind"))


def by_weekday(viewings: pl.DataFrame) -> pl.DataFrame:
    """Grain: one row per person × weekday: rows watched and share of the person's rows."""
    return _share_by(viewings, pl.col("watched_on").dt.weekday(), "weekday", WEEKDAYS)


def by_month_of_year(viewings: pl.DataFrame) -> pl.DataFrame:
    """Grain: one row per person × calendar month: rows and share of the person's rows."""
    return _share_by(viewings, pl.col("watched_on").dt.month(), "month", MONTHS)


def _share_by(viewings: pl.DataFrame, number: pl.Expr, name: str,
              labels: list[str]) -> pl.DataFrame:
    counts = (viewings.with_columns(n=number).group_by("person", "n").agg(rows=pl.len()))
    grid = (viewings.select("person").unique()
            .join(pl.DataFrame({"n": range(1, len(labels) + 1)},
                               schema={"n": counts.schema["n"]}), how="cross"))
    return (grid.join(counts, on=["person", "n"], how="left")
            .with_columns(pl.col("rows").fill_null(0))
            .with_columns(share=pl.col("rows") / pl.col("rows").sum().over("person"),
                          **{name: pl.col("n").replace_strict(
                              list(range(1, len(labels) + 1)), labels, return_dtype=pl.String)})
            .sort("person", "n").select("person", name, "rows", "share"))


def movies_vs_shows(items: pl.DataFrame) -> pl.DataFrame:
    """Grain: one row per person × kind: distinct titles, rows watched, share of rows."""
    return (items.with_columns(kind=item_kind(items))
            .group_by("person", "kind").agg(titles=pl.len(), rows=pl.col("episodes").sum())
            .with_columns(share=pl.col("rows") / pl.col("rows").sum().over("person"))
            .sort("person", "kind"))


def top_shows(items: pl.DataFrame, top: int = TOP_SHOWS) -> pl.DataFrame:
    """Grain: one row per person × show, the person's `top` shows by episodes watched."""
    return (items.filter(item_kind(items) == "show")
            .sort("episodes", "last_watched", "item_name", descending=[True, True, False])
            .group_by("person", maintain_order=True).head(top)
            .select("person", "item_name", "episodes", "first_watched", "last_watched"))


def binge_sessions(viewings: pl.DataFrame,
                   min_episodes: int = BINGE_MIN_EPISODES) -> pl.DataFrame:
    """Grain: one row per person × show × day with at least `min_episodes` episodes."""
    return (viewings.filter(pl.col("is_episode"))
            .group_by("person", "item_name", "watched_on").agg(episodes=pl.len())
            .filter(pl.col("episodes") >= min_episodes)
            .sort(["person", "episodes", "watched_on"], descending=[False, True, True]))


def facet_mix(items: pl.DataFrame, facets: pl.DataFrame, facet: str,
              top: int = TOP_FACETS) -> pl.DataFrame:
    """Grain: one row per person × value of `facet` ('genre' or 'country') among the
    `top` values overall: matched titles carrying it and their share of the person's
    matched titles (a title can carry several values, so shares add up past 100%)."""
    matched = items.filter(pl.col("show_id").is_not_null()).select("person", "show_id")
    if matched.is_empty():
        return pl.DataFrame(schema={"person": pl.String, "value": pl.String,
                                    "titles": pl.UInt32, "share": pl.Float64})
    tagged = matched.join(facets.filter(pl.col("facet") == facet), on="show_id")
    keep = (tagged.group_by("value").agg(n=pl.len())
            .sort(["n", "value"], descending=[True, False]).head(top)["value"])
    per_person = matched.group_by("person").agg(matched=pl.len())
    return (tagged.filter(pl.col("value").is_in(keep.implode()))
            .group_by("person", "value").agg(titles=pl.len())
            .join(per_person, on="person")
            .with_columns(share=pl.col("titles") / pl.col("matched"))
            .drop("matched").sort(["person", "titles"], descending=[False, True]))


def overlap(items: pl.DataFrame) -> pl.DataFrame:
    """Grain: one row per pair of people: titles both watched (matched catalog titles,
    or the same item name when unmatched) and the Jaccard index of their title sets."""
    keyed = items.with_columns(key=pl.coalesce("show_id", pl.col("item_name").str.to_lowercase()))
    sets = {p: set(g["key"]) for (p,), g in keyed.group_by("person")}
    rows = [{"person_a": a, "person_b": b, "shared_titles": len(sets[a] & sets[b]),
             "jaccard": len(sets[a] & sets[b]) / len(sets[a] | sets[b])}
            for a, b in combinations(sorted(sets), 2)]
    return pl.DataFrame(rows, schema={"person_a": pl.String, "person_b": pl.String,
                                      "shared_titles": pl.Int64, "jaccard": pl.Float64})


def shared_titles(items: pl.DataFrame, people: int) -> pl.DataFrame:
    """Grain: one row per title all `people` members watched (visible items only, so a
    member who hid everything shares nothing), with their rows summed."""
    keyed = items.with_columns(key=pl.coalesce("show_id", pl.col("item_name").str.to_lowercase()))
    return (keyed.group_by("key").agg(item_name=pl.col("item_name").first(),
                                      people=pl.col("person").n_unique(),
                                      rows=pl.col("episodes").sum())
            .filter(pl.col("people") == people).sort(["rows", "item_name"],
                                                      descending=[True, False])
            .select("item_name", "rows"))
