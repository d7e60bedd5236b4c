"""Figures and insights for the cluster panel: the k-selection curve and the 2-D map."""
from __future__ import annotations

import polars as pl

from dashapp.figures.base import Figure, empty_figure, figure
from dashapp.theme import NETFLIX_RED, OTHER, visible_on_cards

K_TITLE = "Silhouette (−1 to 1) by k"
MAP_TITLE = "Titles by content, coloured by cluster (2-D PCA of the text space; unitless)"
# Thirteen colours that stay apart on the dark cards (no two closer than ΔE 27 in CIE
# Lab, each at least 3:1 against the card), from Kelly's colours of maximum contrast with
# the dark ones lightened. Plotly's 26-colour Alphabet, used before, gave 17 clusters two
# near-identical greens and three magentas. Past 13 clusters (k goes to 20) the colours
# come round again with another marker shape, so every cluster's colour and shape pair
# is its own, on the map, in its legend and on its card.
CLUSTER_COLOURS = visible_on_cards([
    "#F3C300", "#A1CAF1", "#F38400", "#8DB600", "#E68FAC", "#C2B280", "#B58BD6",
    "#2FBF71", "#4F9DE8", "#F2F3F4", "#E8563A", "#8C8C8C", "#3FD0D4"])
CLUSTER_SHAPES = {"circle": "●", "diamond": "◆", "square": "■"}  # plotly symbol → glyph


def cluster_colour(cluster: int) -> str:
    """A fixed colour per cluster number (1 = the largest cluster), the same on the map
    and the cluster cards."""
    return CLUSTER_COLOURS[(int(cluster) - 1) % len(CLUSTER_COLOURS)]


def cluster_symbol(cluster: int) -> str:
    """The marker shape that, with its colour, tells cluster from cluster."""
    shapes = list(CLUSTER_SHAPES)
    return shapes[(int(cluster) - 1) // len(CLUSTER_COLOURS) % len(shapes)]


def cluster_glyph(cluster: int) -> str:
    """The shape as a text character, for the cluster cards."""
    return CLUSTER_SHAPES[cluster_symbol(cluster)]


def k_selection(frame: pl.DataFrame, tolerance: float | None = None) -> Figure:
    """The silhouette curve, the best k, the tolerance line and the chosen k."""
    if frame.is_empty():
        return empty_figure(K_TITLE, "No trained cluster model for this build")
    chosen, best = _row(frame, "chosen"), _row(frame, "best")
    curve = {"type": "scatter", "x": frame["k"].to_list(), "y": frame["silhouette"].to_list(),
             "mode": "lines+markers", "name": "silhouette", "line": {"color": OTHER},
             "marker": {"color": "#D9D9D9", "size": 7},
             "hovertemplate": "k = %{x}: silhouette %{y:.3f}<extra></extra>"}
    pick = {"type": "scatter", "x": [chosen["k"]], "y": [chosen["silhouette"]],
            "mode": "markers+text", "name": f"chosen k = {chosen['k']}",
            "text": [f"k = {chosen['k']}"], "textposition": "top left",
            "marker": {"color": NETFLIX_RED, "size": 14},
            "hovertemplate": "chosen: k = %{x}, silhouette %{y:.3f}<extra></extra>"}
    marks = {}
    if tolerance:  # the tolerance line, labelled under its left end
        bar = (1 - tolerance) * best["silhouette"]
        marks = {"shapes": [{"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": bar,
                             "y1": bar, "yref": "y", "line": {"color": "#8C8C8C",
                                                              "dash": "dot"}}],
                 "annotations": [{"text": f"{1 - tolerance:.0%} of the best",
                                  "showarrow": False, "x": 0, "xref": "x domain",
                                  "xanchor": "left", "y": bar, "yref": "y",
                                  "yanchor": "top"}]}
    return figure([curve, pick], K_TITLE, showlegend=False, **marks,
                  xaxis={"title": {"text": "number of clusters k"}, "dtick": 2},
                  yaxis={"title": {"text": "mean silhouette (3,000-title sample)"}})


def _row(frame: pl.DataFrame, flag: str) -> dict:
    return frame.filter(pl.col(flag)).row(0, named=True)


def k_selection_insights(frame: pl.DataFrame, tolerance: float | None = None) -> list[str]:
    if frame.is_empty():
        return []
    chosen, best = _row(frame, "chosen"), _row(frame, "best")
    first, last = frame.row(0, named=True), frame.row(-1, named=True)
    out = [f"Silhouette rises from {first['silhouette']:.2f} at k = {first['k']} to "
           f"{last['silhouette']:.2f} at k = {last['k']}; the best is {best['silhouette']:.3f} "
           f"at k = {best['k']}."]
    if chosen["k"] != best["k"] and tolerance:
        out.append(f"k = {chosen['k']} is the smallest k within {tolerance:.0%} of the best "
                   f"({chosen['silhouette']:.3f}): fewer, broader clusters for a separation "
                   "within the run-to-run noise of the best.")
    else:
        out.append(f"k = {chosen['k']} has the best silhouette of the range tried.")
    return out


def cluster_map(frame: pl.DataFrame, clusters: pl.DataFrame) -> Figure:
    """One trace per cluster (legend toggles it); hover names the title and cluster."""
    if frame.is_empty():
        return empty_figure(MAP_TITLE)
    names = dict(clusters.select("cluster", "name").iter_rows())
    dots = [{"type": "scatter", "x": part["x"].to_list(), "y": part["y"].to_list(),
             "mode": "markers", "name": _short(f"{cluster}. {names.get(cluster, '')}"),
             "legendgroup": str(cluster),
             "marker": {"color": cluster_colour(cluster), "symbol": cluster_symbol(cluster),
                        "size": 5, "opacity": 0.75},
             "customdata": part.select("title", "kind", "release_year").rows(),
             "hovertemplate": "%{customdata[0]} (%{customdata[1]}, %{customdata[2]})<br>"
                              f"cluster {cluster}: {_escape(names.get(cluster, ''))}"
                              "<extra></extra>"}
            for (cluster,), part in frame.sort("cluster").group_by("cluster",
                                                                   maintain_order=True)]
    # on a phone the legend beside the map left it ~100 px wide: the cluster cards under
    # it say the same (colour, shape, name), so assets/chart_titles.js hides it there
    return figure(dots, MAP_TITLE, margin={"r": 10}, meta={"narrow_legend": "hide"},
                  # each cluster is its own legend group: without the 10 px gap plotly
                  # puts between groups, 20 clusters fit the card's height unscrolled
                  legend={"orientation": "v", "y": 1, "yanchor": "top", "x": 1.01,
                          "xanchor": "left", "font": {"size": 10}, "tracegroupgap": 0},
                  xaxis={"title": {"text": "first principal component (unitless)"},
                         "zeroline": False},
                  yaxis={"title": {"text": "second principal component (unitless)"},
                         "zeroline": False})


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _escape(text: str) -> str:
    # hovertemplate treats %{…} as a field reference; names are plain words, but be safe
    return text.replace("%", "%%").replace("{", "(").replace("}", ")")


def map_insights(frame: pl.DataFrame, clusters: pl.DataFrame,
                 map_variance: float | None = None) -> list[str]:
    """Which clusters the filtered titles fall in, against the catalog."""
    if frame.is_empty() or clusters.is_empty():
        return []
    top = clusters.sort(["filtered", "cluster"], descending=[True, False]).row(0, named=True)
    total = int(clusters["filtered"].sum())
    out = [f"Drawn: a fixed random sample of {frame.height:,} of the {total:,} filtered titles "
           "(to keep the page fast); the CSV and the cluster cards count them all."
           ] if frame.height < total else []
    out += [f"{top['filtered']:,} of the {total:,} filtered titles ({top['filtered'] / total:.0%}) "
           f"are in cluster {top['cluster']}, {top['name']}."]
    share = clusters.with_columns(
        lift=(pl.col("filtered") / total) / (pl.col("titles") / pl.col("titles").sum()))
    over = share.filter(pl.col("filtered") >= 10).sort("lift", descending=True)
    if total < clusters["titles"].sum() and over.height and over["lift"][0] > 1.5:
        o = over.row(0, named=True)
        out.append(f"Compared with the whole catalog, cluster {o['cluster']} ({o['name']}) is "
                   f"{o['lift']:.1f}× over-represented under these filters.")
    if map_variance is not None:
        out.append(f"The two axes keep {map_variance:.0%} of the variance of the reduced text "
                   "space, so clusters that overlap here can still be well apart in it.")
    return out
