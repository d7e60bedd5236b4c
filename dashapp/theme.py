"""Colours: the Netflix-red accent and one fixed colour per genre across every chart."""
from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import plotly.express as px

NETFLIX_RED = "#E50914"
KIND_COLOURS = {"movie": NETFLIX_RED, "show": "#8C8C8C"}
KIND_LABELS = {"movie": "Movies", "show": "TV shows"}
OTHER = "#5A5A5A"

_GENRE_MAP = Path(__file__).resolve().parent.parent / "warehouse" / "seeds" / "genre_map.csv"
# TMDB genre names (movie + TV) and the IMDb dataset's lowercase genres: every genre
# name any chart can show, so each gets a colour of its own.
_TMDB_GENRES = ["Action", "Action & Adventure", "Adventure", "Animation", "Comedy",
                "Crime", "Documentary", "Drama", "Family", "Fantasy", "History", "Horror",
                "Kids", "Music", "Mystery", "News", "Reality", "Romance",
                "Sci-Fi & Fantasy", "Science Fiction", "Soap", "Sports", "TV Movie",
                "Talk", "Thriller", "War", "War & Politics", "Western"]
# Cards behind the charts are this dark grey (the plot background is transparent).
CARD_BACKGROUND = "#303030"
# Labels drawn on a chart's marks or lines (a heatmap's cells, a reference line)
LIGHT_TEXT = "#F5F5F5"


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of '#RRGGBB'."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two '#RRGGBB' colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def visible_on_cards(colours: list[str]) -> list[str]:
    """The colours a mark can take and still be seen on the dark cards: WCAG's 3:1 for
    graphics. Plotly's Dark24 includes near-black #222A2A, which drew a bar invisible."""
    return [c for c in colours if contrast(c, CARD_BACKGROUND) >= 3]


_PALETTE = visible_on_cards(px.colors.qualitative.Alphabet + px.colors.qualitative.Dark24
                            + px.colors.qualitative.Light24)


@cache
def genre_colours() -> dict[str, str]:
    """Name → colour, assigned in sorted order over every known genre name, so the same
    genre has the same colour on every chart, page and build."""
    with open(_GENRE_MAP, newline="") as f:
        netflix = [row["netflix_genre"] for row in csv.DictReader(f)]
    names = sorted(set(netflix) | set(_TMDB_GENRES), key=str.casefold)
    return {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(names)}


def genre_colour(name: str | None) -> str:
    if not name:
        return OTHER
    colours = genre_colours()
    return colours.get(name) or colours.get(name.title(), OTHER)
