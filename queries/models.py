"""Typed wrappers for the model panels (queries/sql/models_*.sql)."""
from __future__ import annotations

import polars as pl

from queries import validation
from queries.db import Warehouse
from queries.filters import Filters

GENRE_VARIANTS = {"genres_netflix": "Netflix categories, full inputs",
                  "genres_netflix_form": "Netflix categories, form inputs only",
                  "genres_tmdb": "TMDB genres of movies"}
# the split each variant is judged on: titles it never saw (models/genre_inputs.HEADLINE)
HEADLINE_SPLIT = {"genres_netflix": "temporal_2021", "genres_netflix_form": "temporal_2021",
                  "genres_tmdb": "unseen_tmdb"}


def genre_summary(wh: Warehouse) -> pl.DataFrame:
    """Grain: one row per genre model variant × split (empty when no model was trained)."""
    return wh.query("models_genre_summary")


def genre_labels(wh: Warehouse, model: str) -> pl.DataFrame:
    """Grain: one row per label of `model` on its headline split (unseen titles)."""
    if not isinstance(model, str) or model not in GENRE_VARIANTS:
        raise validation.BadInput(f"unknown model {validation.excerpt(model)}")
    return wh.query("models_genre_labels", model=model, split=HEADLINE_SPLIT[model])


def genre_cooccurrence(wh: Warehouse, filters: Filters, top: int = 15) -> pl.DataFrame:
    """Grain: one row per ordered pair of the `top` most frequent categories."""
    return wh.query("models_genre_cooccurrence", top=int(top), **filters.params())
