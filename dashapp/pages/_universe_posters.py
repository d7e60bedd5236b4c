"""The Content Universe poster grid: the most popular titles as cards.

Poster images live on image.tmdb.org, so by default every card is a styled placeholder
(title, year, scores) and the page requests nothing outside 127.0.0.1. Real posters load
only when the `show_posters` setting (NETFLIX_INSIGHTS_SHOW_POSTERS) is on.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
import polars as pl
from dash import dcc, html

from base import settings
from dashapp import ids
from dashapp.components.chart import insights_id
from dashapp.theme import genre_colour

TMDB_ORIGINAL, TMDB_W342 = "/t/p/original/", "/t/p/w342/"  # a card needs no 4K original
KIND_NAMES = {"movie": "Movie", "show": "TV show"}


def show_posters() -> bool:
    """Whether poster images may be fetched from TMDB (read per request)."""
    return settings.flag("show_posters")


def grid_id(chart_id: str) -> str:
    return f"{chart_id}-grid"


def poster_card(chart_id: str, how_to_read: str) -> dbc.Card:
    """Same shape as chart_card (insights, how-to-read, CSV), with a grid for a graph."""
    return dbc.Card(dbc.CardBody([
        html.H5("Most popular titles on TMDB (popularity points)", className="poster-title"),
        dcc.Loading(html.Div(id=grid_id(chart_id), className="poster-grid"),
                    type="dot", color="#E50914"),
        html.Ul(id=insights_id(chart_id), className="insights mb-2 mt-2",
                **{"aria-live": "polite"}),
        html.Div([
            html.Details([html.Summary("How to read this"), html.P(how_to_read, className="small")],
                         className="small text-muted flex-grow-1"),
            dbc.Button("Download CSV", id={"type": ids.CSV_BUTTON, "chart": chart_id},
                       size="sm", color="light", outline=True, className="ms-2"),
            dcc.Download(id={"type": ids.CSV_DOWNLOAD, "chart": chart_id}),
        ], className="d-flex align-items-start"),
    ]), className="mb-3")


def poster_grid(frame: pl.DataFrame, images: bool) -> list:
    """One card per title; an <img> only when images are allowed and a URL is known."""
    if frame.is_empty():
        return [html.P("No titles with a TMDB popularity match these filters.",
                       className="text-muted poster-empty")]
    return [_tile(rank, row, images) for rank, row in enumerate(frame.iter_rows(named=True), 1)]


def _tile(rank: int, row: dict, images: bool) -> html.Div:
    score = f"TMDB {row['tmdb_score']:.1f}" if row["tmdb_score"] is not None else "no TMDB score"
    if row["imdb_score"] is not None:
        score += f" · IMDb {row['imdb_score']:.1f}"
    caption = html.Div([
        html.Div(f"{rank}. {row['title']}", className="poster-name"),
        html.Div(f"{row['release_year']} · {KIND_NAMES.get(row['kind'], row['kind'])}",
                 className="poster-meta"),
        html.Div(score, className="poster-meta"),
        html.Div(f"popularity {row['tmdb_popularity']:,.0f}", className="poster-meta"),
    ], className="poster-caption")
    # a placeholder in the title's genre colour: no request, nothing broken; a poster,
    # when allowed, lies on top of it, so a failed load still shows the placeholder
    art = [html.Span(row["title"][:1].upper() or "?", className="poster-initial")]
    if images and row["poster_url"]:  # a CSS background: a failed load draws nothing
        url = row["poster_url"].replace(TMDB_ORIGINAL, TMDB_W342).replace("'", "%27")
        art.append(html.Div(className="poster-img", role="img",
                            style={"backgroundImage": f"url('{url}')"},
                            **{"aria-label": f"Poster of {row['title']}"}))
    return html.Div([html.Div(art, className="poster-placeholder",
                              style={"--poster-accent": genre_colour(row["primary_genre"])},
                              title=row["primary_genre"] or ""), caption],
                    className="poster-tile")


def top_titles_insights(frame: pl.DataFrame, images: bool = False) -> list[str]:
    """Sentences computed from the data behind the poster grid (`images`: whether the
    cards may show poster images, so the count of poster URLs is not read as a promise)."""
    if frame.is_empty():
        return []
    first = frame.row(0, named=True)
    out = [f"{first['title']} ({first['release_year']}) is the most popular title on TMDB "
           f"under these filters (popularity {first['tmdb_popularity']:,.0f})."]
    shows = frame.filter(pl.col("kind") == "show").height
    out.append(f"{shows} of these {frame.height} are TV shows; "
               f"{first['titles_with_poster']:,} of the filtered titles have a poster URL"
               + ("." if images else ", but posters are off: the app fetches nothing from "
                  "outside this server, so each card shows its title's initial in the "
                  "colour of its main category."))
    return out
