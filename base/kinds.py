"""The product's two kinds of title, and every other name a source or a person uses
for them (TMDB says "tv", Netflix "TV Show", people "series"): one mapping, used by the
ETL and by the model request parsers."""
from __future__ import annotations

import re

KINDS = ("movie", "show")
ALIASES = {"movie": "movie", "film": "movie", "movies": "movie", "films": "movie",
           "show": "show", "tv": "show", "tv show": "show", "series": "show",
           "tvshow": "show", "tv series": "show", "tv shows": "show", "shows": "show"}


def kind_of(text: object) -> str | None:
    """'movie' or 'show' for any known name of one (any case), else None."""
    return ALIASES.get(re.sub(r"[\s_-]+", " ", str(text or "").strip().lower()))


# Netflix's maturity ratings, as the catalog spells them: what the prediction forms,
# APIs and CLIs accept.
MATURITY_RATINGS = ("TV-MA", "TV-14", "TV-PG", "R", "PG-13", "TV-Y7", "TV-Y", "PG", "TV-G",
                    "NR", "G", "TV-Y7-FV", "NC-17", "UR")


def rating_of(value) -> str | None:
    """A maturity rating as the catalog writes it, from any case ("tv-ma" -> "TV-MA");
    None when it is not one. The API, the CLIs and evaluate-genres's files all read
    ratings through it."""
    text = value.strip().upper() if isinstance(value, str) else None
    return text if text in MATURITY_RATINGS else None
