"""The user's IMDb dataset files (optional source) → typed tables and catalog links.

`clean` types the raw imdb_ds_* tables (empty but typed when the refresh had no
--imdb-dir, so the warehouse's views always exist). `link` ties Netflix titles to IMDb
records: first by the tt id the bundled dataset's match already carries (an id join),
then, for the rest, by the matcher's rules over every title IMDb knows the record by
(primary, original and alternate titles: etl.matching.resolve_aliases).
"""
from __future__ import annotations

import polars as pl

from etl import clean, matching

TITLES_SCHEMA = {"tconst": pl.String, "kind": pl.String, "primary_title": pl.String,
                 "original_title": pl.String, "start_year": pl.Int32,
                 "runtime_minutes": pl.Int32, "seasons": pl.Int32,
                 "average_rating": pl.Float64, "num_votes": pl.Int64}
AKAS_SCHEMA = {"tconst": pl.String, "title": pl.String, "region": pl.String,
               "language": pl.String, "is_original_title": pl.Boolean}
KINDS = {"movie": "movie", "tvMovie": "movie", "tvSeries": "show", "tvMiniSeries": "show"}
ID_LINK = "imdb_id"   # match_method of a link through the bundled match's tt id


def clean_tables(titles: pl.DataFrame | None, akas: pl.DataFrame | None) -> clean.Cleaned:
    """src_imdb_ds_titles and src_imdb_ds_akas, typed (empty without the source)."""
    out = clean.Cleaned()
    if titles is None or akas is None:
        out.tables["src_imdb_ds_titles"] = pl.DataFrame(schema=TITLES_SCHEMA)
        out.tables["src_imdb_ds_akas"] = pl.DataFrame(schema=AKAS_SCHEMA)
        return out
    out.tables["src_imdb_ds_titles"] = titles.select(
        "tconst", pl.col("titleType").replace_strict(KINDS, default=None).alias("kind"),
        pl.col("primaryTitle").alias("primary_title"),
        pl.col("originalTitle").alias("original_title"),
        clean.to_int("startYear").alias("start_year"),
        clean.to_int("runtimeMinutes").alias("runtime_minutes"),
        clean.to_int("seasons").alias("seasons"),
        clean.to_float("averageRating").alias("average_rating"),
        clean.to_int("numVotes", pl.Int64).alias("num_votes"),
    ).filter(pl.col("kind").is_not_null()).unique("tconst").sort("tconst")
    out.tables["src_imdb_ds_akas"] = akas.select(
        pl.col("titleId").alias("tconst"), "title", "region", "language",
        (pl.col("isOriginalTitle") == "1").alias("is_original_title"),
    ).unique().sort("tconst", "title", "region", "language", nulls_last=True)
    return out


def _aliases(titles: pl.DataFrame, akas: pl.DataFrame) -> pl.DataFrame:
    """One row per IMDb record × title it is known by, with the record's attributes."""
    names = pl.concat([titles.select("tconst", pl.col("primary_title").alias("title")),
                       titles.select("tconst", pl.col("original_title").alias("title")),
                       akas.select("tconst", "title")]).drop_nulls().unique()
    return (names.join(titles.select("tconst", "kind", pl.col("start_year")
                                     .alias("release_year"), "seasons",
                                     pl.col("runtime_minutes").alias("runtime")),
                       on="tconst").sort("tconst", "title"))


def link(netflix: pl.DataFrame, bundled: pl.DataFrame, imdb_ids: pl.DataFrame,
         titles: pl.DataFrame, akas: pl.DataFrame) -> pl.DataFrame:
    """Netflix title → IMDb record (show_id, tconst, match_method, match_confidence,
    year_gap). `bundled` is the bundled dataset's matches (show_id, matched_key),
    `imdb_ids` its (imdb_title_id, imdb_id) pairs."""
    schema = {"show_id": pl.String, "tconst": pl.String, **matching.MATCH_SCHEMA}
    if titles.is_empty():
        return pl.DataFrame(schema=schema)
    by_id = (bundled.join(imdb_ids, left_on="matched_key", right_on="imdb_title_id")
             .join(titles.select("tconst", "kind", "start_year"),
                   left_on="imdb_id", right_on="tconst")
             .join(netflix.select("show_id", pl.col("kind").alias("kind_n"),
                                  "release_year"), on="show_id")
             .filter(pl.col("kind") == pl.col("kind_n"))
             .unique("imdb_id", keep="none")
             .select("show_id", pl.col("imdb_id").alias("tconst"),
                     match_method=pl.lit(ID_LINK), match_confidence=pl.lit(1.0),
                     year_gap=(pl.col("release_year") - pl.col("start_year"))))
    rest = netflix.filter(~pl.col("show_id").is_in(by_id["show_id"].implode()))
    free = titles.filter(~pl.col("tconst").is_in(by_id["tconst"].implode()))
    by_title = matching.resolve_aliases(rest, _aliases(free, akas), left_key="show_id",
                                        right_key="tconst")
    return pl.concat([by_id.cast(schema), by_title.select(list(schema)).cast(schema)]
                     ).sort("show_id")
