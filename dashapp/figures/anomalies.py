"""Figures and insights for the anomaly panel: the metric scatter with flagged titles."""
from __future__ import annotations

import polars as pl

from base.text import counted
from dashapp.figures.base import Figure, empty_figure, figure, log_axis, pct
from dashapp.theme import NETFLIX_RED, OTHER

# view -> (x column, y column, x label, y label, log x)
VIEWS: dict[str, tuple[str, str, str, str, bool]] = {
    "imdb": ("imdb_votes", "imdb_score", "IMDb votes (log scale)", "IMDb score (1–10)", True),
    "tmdb": ("tmdb_popularity", "tmdb_score", "TMDB popularity (points, log scale)",
             "TMDB score (0–10)", True),
    "scores": ("imdb_score", "tmdb_score", "IMDb score (1–10)", "TMDB score (0–10)", False),
}
VIEW_LABELS = {"imdb": "IMDb votes × IMDb score", "tmdb": "TMDB popularity × TMDB score",
               "scores": "IMDb score × TMDB score"}
HOVER = ("%{customdata[0]} (%{customdata[1]}, %{customdata[2]})<br>IMDb %{customdata[3]:.1f} "
         "from %{customdata[4]:,} votes · TMDB %{customdata[5]:.1f}, popularity "
         "%{customdata[6]:.1f}<br>anomaly score %{customdata[7]:.3f}")
HOVER_COLUMNS = ("title", "kind", "release_year", "imdb_score", "imdb_votes", "tmdb_score",
                 "tmdb_popularity", "anomaly_score")


def scatter_title(view: str, contamination: float | None) -> str:
    x, y = VIEWS[view][2].split(" (")[0], VIEWS[view][3].split(" (")[0]
    setting = f" (IsolationForest, contamination {contamination:g})" if contamination else ""
    return f"{y} vs {x}: flagged titles in red{setting}"


def scatter(frame: pl.DataFrame, view: str = "imdb",
            contamination: float | None = None) -> Figure:
    """Every scored title as a grey dot; flagged titles as red dots with their reason."""
    title = scatter_title(view, contamination)
    if frame.is_empty():
        return empty_figure(title)
    x, y, x_label, y_label, log_x = VIEWS[view]
    dots = []
    for flagged, name in ((False, "typical"), (True, "flagged")):
        part = frame.filter(pl.col("flagged") == flagged)
        if part.is_empty():
            continue
        dots.append({
            "type": "scatter", "x": part[x].to_list(), "y": part[y].to_list(),
            "mode": "markers", "name": f"{name} ({part.height:,})",
            "marker": {"color": NETFLIX_RED if flagged else OTHER, "size": 9 if flagged else 5,
                       "opacity": 0.95 if flagged else 0.45,
                       "line": {"color": "#F5F5F5", "width": 1 if flagged else 0}},
            "customdata": part.select(*HOVER_COLUMNS, "reason").rows(),
            "hovertemplate": HOVER + ("<br><b>why: %{customdata[8]}</b>" if flagged else "")
                             + "<extra></extra>"})
    return figure(dots, title, yaxis={"title": {"text": y_label}},
                  xaxis={"title": {"text": x_label},
                         **(log_axis(frame[x]) if log_x else {"type": "linear"})})


def scatter_insights(frame: pl.DataFrame, contamination: float | None = None) -> list[str]:
    """How many are flagged here, the commonest reason, and the two kinds of outlier."""
    if frame.is_empty():
        return []
    flagged = frame.filter(pl.col("flagged"))
    setting = f" (the model flags {contamination:.0%} of the catalog)" if contamination else ""
    out = [f"{flagged.height:,} of {frame.height:,} scored titles here are flagged, "
           f"{pct(flagged.height, frame.height)}{setting}."]
    if flagged.is_empty():
        return out
    top = flagged.group_by("most_unusual").len().sort(["len", "most_unusual"],
                                                      descending=[True, False]).row(0)
    high = flagged.filter(pl.col("most_unusual").str.starts_with("high")).height
    out.append(f"The commonest reason is {top[0]} ({_titles(top[1])}); {_titles(high)} stand "
               f"out most for a high value and {_titles(flagged.height - high)} for a low one.")
    disagree = flagged.filter(pl.col("reason").str.contains("disagree"))
    if disagree.height:
        ex = disagree.row(0, named=True)
        few = disagree.filter(pl.col("z_imdb_votes") < -1).height
        out.append(f"{disagree.height:,} of the flagged titles score very differently on IMDb and TMDB, "
                   f"e.g. {ex['title']} ({ex['imdb_score']:.1f} vs {ex['tmdb_score']:.1f})"
                   + (f"; {few} of them have unusually few IMDb votes, so a score may rest on "
                      "a handful of ratings." if few else "."))
    return out


def _titles(n: int) -> str:
    return counted(n, "title")
