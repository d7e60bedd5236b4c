"""Figures and insights for the model panels."""
from __future__ import annotations

import polars as pl

from dashapp.figures.base import Figure, empty_figure, figure
from dashapp.theme import NETFLIX_RED, genre_colour

LABELS_TITLE = "Held-out F1 per label (0–1; hover for precision, recall, support)"
COOC_TITLE = "Label co-occurrence: share of the row category's titles also in the column (%)"


def label_f1(frame: pl.DataFrame) -> Figure:
    if frame.is_empty():
        return empty_figure(LABELS_TITLE, "No trained model for this build")
    f = frame.sort("f1")
    bars = {"type": "bar", "x": f["f1"].to_list(), "y": f["label"].to_list(), "orientation": "h",
            "marker": {"color": [genre_colour(lbl) for lbl in f["label"].to_list()]},
            # the value at each bar's end: a label scored F1 0 otherwise showed nothing,
            # which read as missing data
            "texttemplate": "%{x:.2f}", "textposition": "outside", "cliponaxis": False,
            "textfont": {"size": 10},
            "customdata": f.select("precision", "recall", "support").rows(),
            "hovertemplate": "%{y}<br>F1 %{x:.2f} · precision %{customdata[0]:.2f} · recall "
                             "%{customdata[1]:.2f}<br>%{customdata[2]:,} held-out titles"
                             "<extra></extra>"}
    return figure([bars], LABELS_TITLE, margin={"r": 40},
                  xaxis={"title": {"text": "F1 on the held-out split"}, "range": [0, 1]})


def label_insights(frame: pl.DataFrame) -> list[str]:
    if frame.is_empty():
        return []
    best, worst = frame.sort("f1", descending=True).row(0, named=True), frame.sort("f1").row(0, named=True)
    weak = frame.filter(pl.col("f1") < 0.5)
    out = [f"Best: {best['label']} (F1 {best['f1']:.2f} on {best['support']:,} held-out titles); "
           f"weakest: {worst['label']} (F1 {worst['f1']:.2f}, {worst['support']:,} titles)."]
    if weak.height:
        out.append(f"{weak.height} of {frame.height} labels score below 0.5 F1; they are mostly "
                   f"small: median support {int(weak['support'].median()):,} vs "
                   f"{int(frame['support'].median()):,} overall.")
    return out


def cooccurrence(frame: pl.DataFrame) -> Figure:
    if frame.is_empty():
        return empty_figure(COOC_TITLE)
    order = frame.group_by("genre_a").agg(pl.col("both_titles").max()).sort(
        ["both_titles", "genre_a"], descending=[True, False])["genre_a"].to_list()
    grid = {(a, b): s for a, b, s in frame.select("genre_a", "genre_b", "share_of_a").iter_rows()}
    z = [[None if a == b else 100 * grid.get((a, b), 0) for b in order] for a in order]
    heatmap = {"type": "heatmap", "z": z, "x": order, "y": order,
               "colorscale": [[0, "#1f1f1f"], [1, NETFLIX_RED]],
               # the full form: figures go to plotly.js as written (plain JSON), and only
               # plotly's Python validation expanded the string shorthand
               "colorbar": {"title": {"text": "%"}},
               "hovertemplate": "%{z:.0f}% of %{y} titles are also %{x}<extra></extra>"}
    return figure([heatmap], COOC_TITLE, yaxis={"autorange": "reversed"}, height=620)


def cooccurrence_insights(frame: pl.DataFrame) -> list[str]:
    pairs = frame.filter(pl.col("genre_a") != pl.col("genre_b"))
    if pairs.is_empty():
        return []
    top = pairs.sort(["share_of_a", "genre_a", "genre_b"],
                     descending=[True, False, False]).row(0, named=True)
    return [f"{top['share_of_a']:.0%} of {top['genre_a']} titles are also {top['genre_b']}: "
            "labels travel together, which is why one title gets several."]
