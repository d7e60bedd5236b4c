"""Raw tables → typed source tables for the warehouse, including entity resolution."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from base.kinds import ALIASES
from etl import clean, imdb_link, match_cache, matching
from etl.raw import content_hash

ENRICHMENT_SCHEMA = {
    "show_id": pl.String, "tmdb_id": pl.Int64, "media_type": pl.String,
    "popularity": pl.Float64, "vote_average": pl.Float64, "vote_count": pl.Int64,
    "release_date": pl.Date, "original_language": pl.String, "poster_url": pl.String,
    "runtime_minutes": pl.Int32, "seasons": pl.Int32, "genres_text": pl.String,
}
MATCH_SCHEMA = {"show_id": pl.String, "source": pl.String, "matched_key": pl.String,
                "match_method": pl.String, "match_confidence": pl.Float64,
                "year_gap": pl.Int32}


def clean_enrichment(raw: pl.DataFrame | None) -> pl.DataFrame:
    """Live TMDB lookups per Netflix title (empty, but typed, for the snapshot)."""
    if raw is None or raw.is_empty():
        return pl.DataFrame(schema=ENRICHMENT_SCHEMA)
    frame = raw.with_columns(clean.blank_to_null(raw.columns)).filter(
        pl.col("tmdb_id").is_not_null())
    return frame.select(
        "show_id", clean.to_int("tmdb_id", pl.Int64).alias("tmdb_id"), "media_type",
        clean.to_float("popularity").alias("popularity"),
        clean.to_float("vote_average").alias("vote_average"),
        clean.to_int("vote_count", pl.Int64).alias("vote_count"),
        pl.col("release_date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        "original_language",
        (pl.lit(clean.TMDB_POSTER_BASE) + pl.col("poster_path")).alias("poster_url"),
        clean.to_int("runtime_minutes").alias("runtime_minutes"),
        clean.to_int("seasons").alias("seasons"),
        pl.col("genres").alias("genres_text"),
    ).unique("show_id", keep="first").sort("show_id")


def netflix_for_matching(titles: pl.DataFrame) -> pl.DataFrame:
    return titles.select("show_id", "kind", "title", "release_year", "description",
                         pl.col("directors_text").alias("directors"), "seasons",
                         pl.col("runtime_minutes").alias("runtime"),
                         pl.concat_str("directors_text", "cast_text", separator=",",
                                       ignore_nulls=True).alias("people"))


def imdb_for_matching(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """IMDb-dataset titles with their directors (credits) to confirm matches."""
    credits = tables["src_imdb_credits"]
    directors = (credits.filter(pl.col("role") == "director")
                 .group_by("imdb_title_id", maintain_order=True)
                 .agg(pl.col("person_name").str.join(", ").alias("directors")))
    people = (credits.group_by("imdb_title_id", maintain_order=True)
              .agg(pl.col("person_name").str.join(",").alias("people")))
    return (tables["src_imdb_titles"]
            .select("imdb_title_id", "kind", "title", "release_year", "seasons", "description",
                    pl.col("runtime_minutes").alias("runtime"))
            .join(directors, on="imdb_title_id", how="left")
            .join(people, on="imdb_title_id", how="left"))


def market_for_matching(market: pl.DataFrame) -> pl.DataFrame:
    """One row per (normalized title, kind, year): a film listed under two keys would be
    a tie, and ties stay unmatched. Prefer a real TMDB id, then the most votes."""
    frame = market.select(
        "tmdb_key", pl.col("media_type").replace(ALIASES).alias("kind"), "title",
        pl.col("release_date").dt.year().cast(pl.Int32).alias("release_year"),
        pl.col("overview").alias("description"),
        pl.col("tmdb_id").is_null().alias("synthetic"),
        pl.col("vote_count").fill_null(0).alias("votes"),
        matching.normalize_title(pl.col("title")).alias("norm"))
    best_first = frame.sort(["synthetic", "votes", "tmdb_key"],
                            descending=[False, True, False])
    return (best_first.unique(subset=["norm", "kind", "release_year"], keep="first",
                              maintain_order=True)
            .drop("synthetic", "votes", "norm").sort("tmdb_key"))


def resolve_all(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Netflix ↔ IMDb dataset and Netflix ↔ TMDB market, movies and shows. The snapshot's
    market holds movies only; the live market (TMDB's TV lists too) also links shows.
    With the user's IMDb dataset files (--imdb-dir), Netflix ↔ those too."""
    netflix = netflix_for_matching(tables["src_netflix_titles"])
    imdb = (matching.resolve_titles(netflix, imdb_for_matching(tables), left_key="show_id",
                                    right_key="imdb_title_id")
            .rename({"imdb_title_id": "matched_key"}).with_columns(source=pl.lit("imdb")))
    datasets = imdb_link.link(netflix, imdb, tables["src_imdb_titles"]
                              .select("imdb_title_id", "imdb_id"),
                              tables["src_imdb_ds_titles"], tables["src_imdb_ds_akas"])
    parts = [
        imdb,
        matching.resolve_titles(netflix, market_for_matching(tables["src_tmdb_titles"]),
                                left_key="show_id", right_key="tmdb_key")
        .rename({"tmdb_key": "matched_key"}).with_columns(source=pl.lit("tmdb_market")),
        datasets.rename({"tconst": "matched_key"})
        .with_columns(source=pl.lit("imdb_datasets")),
    ]
    return (pl.concat([p.select(list(MATCH_SCHEMA)).cast(MATCH_SCHEMA) for p in parts])
            .sort("show_id", "source"))


def transform(raw: dict[str, pl.DataFrame], match_cache_dir: Path | None = None,
              inputs: str | None = None,
              progress: Callable[[str], None] = lambda m: None) -> clean.Cleaned:
    """Every raw table cleaned, typed and linked; quarantine and repairs collected.
    With match_cache_dir, title matches are reused from a run on the same inputs
    (etl/match_cache.py); `inputs` is raw's content hash when the caller has it."""
    out = clean.clean_netflix(raw["netflix_titles"])
    out.merge(clean.clean_imdb(raw["imdb_titles"], raw["imdb_credits"]))
    out.merge(clean.clean_market(raw["tmdb_market"], raw.get("tmdb_popular")))
    out.tables["src_tmdb_enrichment"] = clean_enrichment(raw.get("tmdb_enrichment"))
    out.merge(imdb_link.clean_tables(raw.get("imdb_ds_titles"), raw.get("imdb_ds_akas")))
    if match_cache_dir is None:
        out.tables["src_title_matches"] = resolve_all(out.tables)
        return out
    out.tables["src_title_matches"], reused = match_cache.matches(
        inputs or content_hash(raw), match_cache_dir, lambda: resolve_all(out.tables),
        MATCH_SCHEMA)
    if reused:
        progress("title matches reused: the same inputs were matched by an earlier run")
    return out


def coverage(tables: dict[str, pl.DataFrame]) -> dict[str, int]:
    """Netflix titles matched per source, and to any source (for etl_runs)."""
    matches = tables["src_title_matches"]
    counts = dict(matches.group_by("source").agg(pl.col("show_id").n_unique()).iter_rows())
    return {**dict(sorted(counts.items())), "any": matches["show_id"].n_unique(),
            "catalog": tables["src_netflix_titles"].height}


def quarantine_frame(cleaned: clean.Cleaned) -> pl.DataFrame:
    frames = [q for q in cleaned.quarantine if q.height]
    if not frames:
        return pl.DataFrame(schema={"source_table": pl.String, "record_number": pl.Int64,
                                    "reason": pl.String, "raw_record": pl.String})
    return pl.concat(frames).sort("source_table", "record_number")


def issues_frame(cleaned: clean.Cleaned) -> pl.DataFrame:
    return pl.DataFrame(cleaned.issues, schema={
        "source_table": pl.String, "issue": pl.String, "rows_affected": pl.Int64,
        "action": pl.String}).sort("source_table", "issue")
