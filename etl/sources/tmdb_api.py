"""TMDB v3 endpoints -> the raw tables `tmdb_market` and `tmdb_enrichment`.

* tmdb_market: one row per (media_type, id) seen on the movie and TV popular,
  top_rated and discover (popularity.desc) lists, `pages` pages each; a title on
  several lists keeps the first list it was seen on (order of MARKET_LISTS).
* tmdb_enrichment: one row per Netflix title looked up. Titles TMDB does not know are
  KEPT with a null tmdb_id, so the build report can list what did not match.

Every value is a string (the raw-layer contract); the transform casts.
"""
from __future__ import annotations

import logging
import unicodedata
from pathlib import Path
from typing import Any

import polars as pl

from base import settings
from etl.raw import RAW_TABLES
from etl.sources.tmdb_client import TmdbClient, TmdbError, TmdbNotFoundError

log = logging.getLogger(__name__)

# (media_type, path, extra params, source_list label), in dedupe priority order.
MARKET_LISTS: list[tuple[str, str, dict[str, str], str]] = [
    ("movie", "/movie/popular", {}, "movie/popular"),
    ("movie", "/movie/top_rated", {}, "movie/top_rated"),
    ("movie", "/discover/movie", {"sort_by": "popularity.desc"}, "discover/movie"),
    ("tv", "/tv/popular", {}, "tv/popular"),
    ("tv", "/tv/top_rated", {}, "tv/top_rated"),
    ("tv", "/discover/tv", {"sort_by": "popularity.desc"}, "discover/tv"),
]
MARKET_COLUMNS = RAW_TABLES["tmdb_market"] + ["media_type", "poster_path", "source_list"]
# match_quality: "exact" (normalized titles equal), "partial" (best search hit), null.
ENRICHMENT_COLUMNS = RAW_TABLES["tmdb_enrichment"] + ["match_quality"]
NETFLIX_MEDIA_TYPES = {"Movie": "movie", "TV Show": "tv"}
_FAR = 10_000  # year distance of a candidate with no usable date


def fetch_genres(client: TmdbClient) -> dict[str, dict[int, str]]:
    """Genre id -> name, per media type ("movie", "tv"), from TMDB's genre lists."""
    answers = client.get_many([("/genre/movie/list", {}), ("/genre/tv/list", {})],
                              desc="TMDB genres")
    return {media: {int(g["id"]): str(g["name"]) for g in answer.get("genres", [])}
            for media, answer in zip(("movie", "tv"), answers)}


def fetch_market(client: TmdbClient, pages: int) -> pl.DataFrame:
    """The TMDB market lists as a `tmdb_market` raw frame (see module docstring)."""
    genres = fetch_genres(client)
    requests = [(path, {**params, "page": page}) for _, path, params, _ in MARKET_LISTS
                for page in range(1, pages + 1)]
    answers = iter(client.get_many(requests, desc="TMDB market lists"))
    rows, seen = [], set()
    for media, _, _, label in MARKET_LISTS:
        for _ in range(pages):
            for item in next(answers).get("results") or []:
                key = (media, item.get("id"))
                if item.get("id") is not None and key not in seen:
                    seen.add(key)
                    rows.append(_market_row(item, media, label, genres[media]))
    frame = _frame(rows, MARKET_COLUMNS)
    return frame.sort([pl.col("media_type"), pl.col("id").cast(pl.Int64, strict=False),
                       pl.col("id")])


def _market_row(item: dict, media: str, label: str, genre_names: dict[int, str]) -> dict:
    names = [genre_names[g] for g in item.get("genre_ids") or [] if g in genre_names]
    return {
        "id": item["id"], "title": _title(item), "genre": ",".join(names),
        "original_language": item.get("original_language"),
        "overview": item.get("overview"), "popularity": item.get("popularity"),
        "release_date": _date(item), "vote_average": item.get("vote_average"),
        "vote_count": item.get("vote_count"), "media_type": media,
        "poster_path": item.get("poster_path"), "source_list": label,
    }


def enrich_titles(client: TmdbClient, netflix_titles: pl.DataFrame) -> pl.DataFrame:
    """Look every Netflix title up on TMDB: a `tmdb_enrichment` raw frame, input order.

    Movies: /search/movie with the year, then without it if nothing came back. Shows:
    /search/tv without a year, because Netflix gives the latest season's year and TMDB
    the first air year; the year only breaks ties. The best candidate's details
    (/movie/{id}, /tv/{id}) supply runtime, seasons and genres.
    """
    titles = netflix_titles.select("show_id", "type", "title", "release_year").to_dicts()
    rows = client.map(lambda t: _enrich_one(client, t), titles, desc="TMDB enrichment")
    matched = sum(row.get("tmdb_id") is not None for row in rows)
    log.info("TMDB enrichment: %d of %d Netflix titles matched", matched, len(rows))
    return _frame(rows, ENRICHMENT_COLUMNS)


def _enrich_one(client: TmdbClient, netflix: dict) -> dict:
    media = NETFLIX_MEDIA_TYPES.get(netflix["type"] or "")
    title = (netflix["title"] or "").strip()
    unmatched = {"show_id": netflix["show_id"], "media_type": media}
    if media is None or not title:
        return unmatched
    year = _year(netflix["release_year"])
    candidates = _search(client, media, title, year)
    if not candidates:
        return unmatched
    best = min(candidates, key=lambda c: _rank(c, title, year, media))
    try:
        details = client.get(f"/{media}/{best['id']}")
    except TmdbNotFoundError:
        details = best  # listed by search but gone since; the search hit still says a lot
    quality = "exact" if _is_exact(best, title) else "partial"
    return _enrichment_row(netflix["show_id"], media, details, quality)


def _search(client: TmdbClient, media: str, title: str, year: int | None) -> list[dict]:
    if media == "tv":
        return client.get("/search/tv", {"query": title}).get("results") or []
    if year is not None:
        found = client.get("/search/movie", {"query": title, "year": year})
        if found.get("results"):
            return found["results"]
    return client.get("/search/movie", {"query": title}).get("results") or []


def _rank(candidate: dict, title: str, year: int | None, media: str) -> tuple:
    """Sort key, best first: exact title, then nearest year, then most popular."""
    found_year = _year((_date(candidate) or "")[:4])
    if year is None or found_year is None:
        distance = _FAR
    elif media == "tv" and found_year > year:
        # A show cannot first air after Netflix's latest-season year; rank it last-ish.
        distance = _FAR // 2 + found_year - year
    else:
        distance = abs(year - found_year)
    return (not _is_exact(candidate, title), distance,
            -float(candidate.get("popularity") or 0))


def _is_exact(candidate: dict, title: str) -> bool:
    wanted = normalize_title(title)
    names = (candidate.get("title"), candidate.get("name"),
             candidate.get("original_title"), candidate.get("original_name"))
    return any(name and normalize_title(name) == wanted for name in names)


def normalize_title(title: str) -> str:
    """Casefolded, accents and punctuation dropped, "&" read as "and", spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", title.replace("&", " and "))
    kept = "".join(ch if ch.isalnum() else " " for ch in decomposed
                   if not unicodedata.combining(ch))
    return " ".join(kept.casefold().split())


def _enrichment_row(show_id: str, media: str, details: dict, quality: str) -> dict:
    genres = ",".join(g["name"] for g in details.get("genres") or [] if g.get("name"))
    return {
        "show_id": show_id, "tmdb_id": details.get("id"), "media_type": media,
        "title": _title(details), "popularity": details.get("popularity"),
        "vote_average": details.get("vote_average"),
        "vote_count": details.get("vote_count"), "release_date": _date(details),
        "genres": genres, "original_language": details.get("original_language"),
        "poster_path": details.get("poster_path"),
        # Movies only: a show's length is its seasons, not a running time.
        "runtime_minutes": (details.get("runtime") or None) if media == "movie" else None,
        "seasons": details.get("number_of_seasons") if media == "tv" else None,
        "match_quality": quality,
    }


def extract_live(netflix_titles: pl.DataFrame, *, cache_dir: Path, progress: bool = True,
                 limit: int | None = None) -> dict[str, pl.DataFrame]:
    """Fetch the TMDB market and enrich `netflix_titles` (the first `limit` if given).

    Configured from base.settings (TMDB_API_TOKEN or TMDB_API_KEY, TMDB_BASE_URL,
    TMDB_CONCURRENCY, ...); raises TmdbAuthError when no credentials are set.
    """
    pages = _pages_setting()
    titles = netflix_titles if limit is None else netflix_titles.head(limit)
    with TmdbClient.from_settings(cache_dir, progress=progress) as client:
        tables = {"tmdb_market": fetch_market(client, pages),
                  "tmdb_enrichment": enrich_titles(client, titles)}
        log.info("TMDB: %(requests)d requests made, %(cache_hits)d served from cache",
                 client.stats)
    return tables


def _pages_setting() -> int:
    try:
        return settings.get("tmdb_pages")
    except settings.SettingError as exc:
        raise TmdbError(str(exc)) from None


def _frame(rows: list[dict], columns: list[str]) -> pl.DataFrame:
    text_rows = [{c: _text(row.get(c)) for c in columns} for row in rows]
    return pl.DataFrame(text_rows, schema={c: pl.String for c in columns})


def _text(value: Any) -> str | None:
    """Raw-layer text: None and "" become null, numbers keep their JSON spelling."""
    if value is None or value == "":
        return None
    return str(value)


def _title(item: dict) -> str | None:
    return item.get("title") or item.get("name")


def _date(item: dict) -> str | None:
    return item.get("release_date") or item.get("first_air_date") or None


def _year(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None
