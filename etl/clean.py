"""Polars cleaning: raw string tables in, typed tables out, bad rows quarantined.

Each `clean_*` function takes raw frames (every column a string, see etl/raw.py) and
returns a `Cleaned` bundle: typed tables named `src_*` (loaded into the warehouse as
its sources), rows that could not be used (`quarantine`, with the reason), and counts
of defects that were repaired (`issues`). Nothing is dropped silently.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import polars as pl

# The posters export (tmdb_popular) writes two-digit years. It was exported in 2022 and
# its newest release is from 2022, so a year above 22 must be 19xx and 00-22 is read as
# 20xx. Films from 1900-1922 would be read a century late; where the same title appears
# in the top-rated list (which has ISO dates) with the same day and month, its century
# wins. See docs/SCHEMA.md, "tmdb_titles".
POPULAR_CENTURY_PIVOT = 22
# ...except films announced, not yet out: the export lists them up to two years ahead
# ("The Marvels" 2/15/23, "Despicable Me 4" 7/3/24), with no vote yet. A year just past
# the pivot on a film nobody has voted on is 20xx (no 1923-27 film of the export has
# zero votes: "Wings", 8/12/27, has 182).
POPULAR_ANNOUNCED_YEARS = 5

TMDB_POSTER_BASE = "https://image.tmdb.org/t/p/w342"

NETFLIX_KINDS = {"Movie": "movie", "TV Show": "show"}
IMDB_KINDS = {"MOVIE": "movie", "SHOW": "show"}


@dataclass
class Cleaned:
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    quarantine: list[pl.DataFrame] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)

    def merge(self, other: "Cleaned") -> "Cleaned":
        self.tables.update(other.tables)
        self.quarantine.extend(other.quarantine)
        self.issues.extend(other.issues)
        return self

    def note(self, table: str, issue: str, rows: int, action: str) -> None:
        """Record a repaired defect (only when it happened)."""
        if rows:
            self.issues.append({"source_table": table, "issue": issue,
                                "rows_affected": rows, "action": action})


# ---------------------------------------------------------------- shared helpers

def with_record_number(raw: pl.DataFrame) -> pl.DataFrame:
    """Number records 1..n in file order, so a quarantined row can be found again."""
    return raw.with_row_index("record_number", offset=1).with_columns(
        pl.col("record_number").cast(pl.Int64))


def quarantine_rows(raw: pl.DataFrame, bad: pl.Expr, reason: pl.Expr, table: str,
                    ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split raw rows into (kept, quarantined); quarantined rows keep their full record."""
    flagged = raw.with_columns(bad.fill_null(True).alias("_bad"), reason.alias("_why"))
    kept = flagged.filter(~pl.col("_bad")).drop("_bad", "_why")
    rejected = flagged.filter(pl.col("_bad"))
    data_cols = [c for c in raw.columns if c != "record_number"]
    records = [json.dumps(r, ensure_ascii=False, sort_keys=True, default=str)
               for r in rejected.select(data_cols).iter_rows(named=True)]
    quarantined = pl.DataFrame({
        "source_table": [table] * rejected.height,
        "record_number": rejected["record_number"],
        "reason": rejected["_why"],
        "raw_record": pl.Series(records, dtype=pl.String),
    }, schema={"source_table": pl.String, "record_number": pl.Int64,
               "reason": pl.String, "raw_record": pl.String})
    return kept, quarantined


def blank_to_null(cols: list[str]) -> list[pl.Expr]:
    """Trim strings and turn empty ones into nulls."""
    return [pl.col(c).str.strip_chars().replace("", None).alias(c) for c in cols]


def explode_list(frame: pl.DataFrame, key: str, col: str, value_name: str,
                 sep: str = ",") -> pl.DataFrame:
    """A comma list column as a bridge table: one row per key × value, with position."""
    return (frame.select(key, pl.col(col).str.split(sep).alias(value_name))
            .explode(value_name)
            .with_columns(pl.col(value_name).str.strip_chars())
            .filter(pl.col(value_name).is_not_null() & (pl.col(value_name) != ""))
            .unique(subset=[key, value_name], keep="first", maintain_order=True)
            .with_columns((pl.int_range(pl.len()).over(key) + 1).cast(pl.Int32)
                          .alias("position")))


def parse_python_list(col: str) -> pl.Expr:
    """`"['drama', 'crime']"` → ["drama", "crime"] without eval()."""
    return (pl.col(col).str.extract_all(r"'[^']*'|\"[^\"]*\"")
            .list.eval(pl.element().str.strip_chars("'\"").str.strip_chars()))


def to_int(col: str, dtype=pl.Int32) -> pl.Expr:
    """Integers written as '808582.0' or '2019' (strict=False: junk becomes null)."""
    return pl.col(col).cast(pl.Float64, strict=False).round(0).cast(dtype, strict=False)


def to_float(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.Float64, strict=False)


# ---------------------------------------------------------------- Netflix catalog

def clean_netflix(raw: pl.DataFrame) -> Cleaned:
    """Kaggle netflix_titles → src_netflix_titles + genre/country/people bridges."""
    out = Cleaned()
    text_cols = [c for c in raw.columns]
    frame = with_record_number(raw).with_columns(blank_to_null(text_cols))
    bad = (pl.col("show_id").is_null() | pl.col("title").is_null()
           | ~pl.col("type").is_in(list(NETFLIX_KINDS))
           | to_int("release_year").is_null())
    reason = (pl.when(pl.col("show_id").is_null()).then(pl.lit("missing show_id"))
              .when(pl.col("title").is_null()).then(pl.lit("missing title"))
              .when(~pl.col("type").is_in(list(NETFLIX_KINDS)).fill_null(True))
              .then(pl.lit("unknown type"))
              .otherwise(pl.lit("release_year is not a year")))
    frame, rejected = quarantine_rows(frame, bad, reason, "netflix_titles")
    out.quarantine.append(rejected)
    dupes = frame.height - frame["show_id"].n_unique()
    frame = frame.unique(subset=["show_id"], keep="first", maintain_order=True)
    out.note("netflix_titles", "duplicate show_id", dupes, "kept the first record")
    out.note("netflix_titles", "missing date_added", frame["date_added"].null_count(),
             "date_added left null")

    # Three rows carry the duration in `rating` ("74 min") and none in `duration`.
    misplaced = pl.col("rating").str.contains(r"^\d+\s*min$").fill_null(False)
    out.note("netflix_titles", "duration in the rating column",
             frame.filter(misplaced).height, "moved to duration; rating set to null")
    frame = frame.with_columns(
        pl.when(misplaced & pl.col("duration").is_null()).then(pl.col("rating"))
        .otherwise(pl.col("duration")).alias("duration"),
        pl.when(misplaced).then(None).otherwise(pl.col("rating")).alias("rating"))

    # " August 4, 2017" → 2017-08-04 (blank_to_null already stripped the spaces).
    added = pl.col("date_added").str.strptime(pl.Date, "%B %d, %Y", strict=False)
    out.note("netflix_titles", "unparseable date_added",
             frame.filter(pl.col("date_added").is_not_null() & added.is_null()).height,
             "date_added set to null")
    minutes = pl.col("duration").str.extract(r"^(\d+)\s*min", 1).cast(pl.Int32)
    seasons = pl.col("duration").str.extract(r"^(\d+)\s*Seasons?", 1).cast(pl.Int32)
    titles = frame.select(
        "show_id",
        pl.col("type").replace_strict(NETFLIX_KINDS).alias("kind"),
        "title", "description",
        pl.col("director").alias("directors_text"),
        pl.col("cast").alias("cast_text"),
        pl.col("country").alias("countries_text"),
        pl.col("listed_in").alias("genres_text"),
        added.alias("date_added"),
        to_int("release_year").alias("release_year"),
        pl.col("rating").alias("maturity_rating"),
        pl.when(pl.col("type") == "Movie").then(minutes).alias("runtime_minutes"),
        pl.when(pl.col("type") == "TV Show").then(seasons).alias("seasons"),
        "record_number",
    ).sort("show_id")
    out.tables["src_netflix_titles"] = titles
    out.tables["src_netflix_title_genres"] = explode_list(
        titles, "show_id", "genres_text", "genre")
    out.tables["src_netflix_title_countries"] = explode_list(
        titles, "show_id", "countries_text", "country")
    out.tables["src_netflix_title_people"] = pl.concat([
        explode_list(titles, "show_id", "directors_text", "person_name")
        .with_columns(pl.lit("director").alias("role")),
        explode_list(titles, "show_id", "cast_text", "person_name")
        .with_columns(pl.lit("actor").alias("role")),
    ])
    return out


# ---------------------------------------------------------------- IMDb/TMDB dataset

def clean_imdb(titles_raw: pl.DataFrame, credits_raw: pl.DataFrame) -> Cleaned:
    """victorsoeiro titles/credits → src_imdb_titles, its genre bridge, src_imdb_credits."""
    out = Cleaned()
    frame = with_record_number(titles_raw).with_columns(blank_to_null(titles_raw.columns))
    bad = (pl.col("id").is_null() | pl.col("title").is_null()
           | ~pl.col("type").is_in(list(IMDB_KINDS)))
    reason = pl.lit("missing id/title or unknown type")
    frame, rejected = quarantine_rows(frame, bad, reason, "imdb_titles")
    out.quarantine.append(rejected)
    frame = frame.unique(subset=["id"], keep="first", maintain_order=True)
    out.note("imdb_titles", "missing tmdb_popularity", frame["tmdb_popularity"].null_count(),
             "left null")
    out.note("imdb_titles", "missing tmdb_score", frame["tmdb_score"].null_count(),
             "left null")
    titles = frame.select(
        pl.col("id").alias("imdb_title_id"),
        pl.col("type").replace_strict(IMDB_KINDS).alias("kind"),
        "title", "description",
        to_int("release_year").alias("release_year"),
        pl.col("age_certification").alias("maturity_rating"),
        to_int("runtime").alias("runtime_minutes"),
        to_int("seasons").alias("seasons"),
        "imdb_id",
        to_float("imdb_score").alias("imdb_score"),
        to_int("imdb_votes", pl.Int64).alias("imdb_votes"),
        to_float("tmdb_popularity").alias("tmdb_popularity"),
        to_float("tmdb_score").alias("tmdb_score"),
        parse_python_list("genres").alias("genres"),
        parse_python_list("production_countries").alias("production_countries"),
    ).sort("imdb_title_id")
    out.tables["src_imdb_titles"] = titles.drop("genres", "production_countries")
    out.tables["src_imdb_title_genres"] = (
        titles.select("imdb_title_id", pl.col("genres").alias("genre"))
        .explode("genre").drop_nulls("genre").unique(maintain_order=True))
    credits = credits_raw.with_columns(blank_to_null(credits_raw.columns)).select(
        to_int("person_id", pl.Int64).alias("person_id"),
        pl.col("id").alias("imdb_title_id"), pl.col("name").alias("person_name"),
        "character", pl.col("role").str.to_lowercase().alias("role"))
    orphan = ~credits["imdb_title_id"].is_in(titles["imdb_title_id"].implode())
    out.note("imdb_credits", "credit for an unknown title", int(orphan.sum()), "dropped")
    out.tables["src_imdb_credits"] = credits.filter(~orphan)
    return out


# ---------------------------------------------------------------- TMDB market

def clean_market_list(raw: pl.DataFrame, default_list: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """TMDB list rows (snapshot top-rated or live lists) → (typed rows, quarantine)."""
    frame = with_record_number(raw).with_columns(blank_to_null(raw.columns))
    for extra, default in (("media_type", "movie"), ("poster_path", None),
                           ("source_list", default_list)):
        if extra not in frame.columns:
            frame = frame.with_columns(pl.lit(default, pl.String).alias(extra))
    released = pl.col("release_date").str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    bad = pl.col("id").cast(pl.Int64, strict=False).is_null() | pl.col("title").is_null()
    frame, rejected = quarantine_rows(frame, bad, pl.lit("missing id or title"),
                                      "tmdb_market")
    typed = frame.select(
        (pl.col("media_type") + ":" + pl.col("id")).alias("tmdb_key"),
        pl.col("id").cast(pl.Int64).alias("tmdb_id"), "media_type", "title",
        pl.col("overview"), pl.col("original_language"),
        to_float("popularity").alias("popularity"),
        to_float("vote_average").alias("vote_average"),
        to_int("vote_count", pl.Int64).alias("vote_count"),
        released.alias("release_date"),
        (pl.lit(TMDB_POSTER_BASE) + pl.col("poster_path")).alias("poster_url"),
        pl.col("genre").alias("genres_text"), "source_list")
    return typed, rejected


def century_fixed_dates(popular: pl.DataFrame, market: pl.DataFrame) -> pl.Expr:
    """M/D/YY → Date with the pivot rule, corrected by the market's ISO dates."""
    parts = pl.col("Release_Date").str.extract_groups(r"^(\d{1,2})/(\d{1,2})/(\d{2})$")
    yy = parts.struct.field("3").cast(pl.Int32)
    announced = ((yy <= POPULAR_CENTURY_PIVOT + POPULAR_ANNOUNCED_YEARS)
                 & (to_int("Vote_Count", pl.Int64) == 0))
    century = pl.when((yy > POPULAR_CENTURY_PIVOT) & ~announced).then(1900).otherwise(2000)
    return pl.date(century + yy, parts.struct.field("1").cast(pl.Int32),
                   parts.struct.field("2").cast(pl.Int32))


def clean_popular(raw: pl.DataFrame, market: pl.DataFrame) -> Cleaned:
    """Posters export → typed rows keyed to the market where the same film is there.

    A row is broken when its numbers do not parse: the known defect is one overview
    split over 11 physical rows (records 1107-1117), which all land in quarantine.
    """
    out = Cleaned()
    frame = with_record_number(raw).with_columns(blank_to_null(raw.columns))
    pivot_date = century_fixed_dates(frame, market)
    frame = frame.with_columns(pivot_date.alias("release_date"))
    bad = (pl.col("release_date").is_null() | pl.col("Title").is_null()
           | to_float("Popularity").is_null() | to_int("Vote_Count").is_null()
           | to_float("Vote_Average").is_null())
    frame, rejected = quarantine_rows(
        frame, bad, pl.lit("unparseable date or numbers (broken multi-line record?)"),
        "tmdb_popular")
    out.quarantine.append(rejected)
    # Same title and day/month in the ISO-dated market but a century apart: trust ISO.
    iso = market.select(pl.col("title").alias("Title"),
                        pl.col("release_date").alias("iso_date")).drop_nulls()
    frame = frame.join(iso, on="Title", how="left").with_columns(
        (pl.col("iso_date").is_not_null()
         & ((pl.col("iso_date").dt.year() - pl.col("release_date").dt.year()).abs() == 100)
         & (pl.col("iso_date").dt.month() == pl.col("release_date").dt.month())
         & (pl.col("iso_date").dt.day() == pl.col("release_date").dt.day()))
        .alias("century_fixed"))
    out.note("tmdb_popular", "two-digit year a century off", int(frame["century_fixed"].sum()),
             "century taken from the top-rated list's ISO date")
    frame = (frame.with_columns(pl.when("century_fixed").then(pl.col("iso_date"))
                                .otherwise(pl.col("release_date")).alias("release_date"))
             .unique(subset=["record_number"], keep="first").sort("record_number"))
    out.tables["popular"] = frame.select(
        pl.col("Title").alias("title"), pl.col("Overview").alias("overview"),
        pl.col("Original_Language").alias("original_language"),
        to_float("Popularity").alias("popularity"),
        to_float("Vote_Average").alias("vote_average"),
        to_int("Vote_Count", pl.Int64).alias("vote_count"), "release_date",
        pl.col("Poster_Url").alias("poster_url"), pl.col("Genre").alias("genres_text"))
    return out


# A posters row and a list row with the same synopsis (at least this long) and release
# dates at most this far apart are one film: the two exports give regional release dates
# ("Phone Booth" 2002-09-09 / 2003-04-04) and edition titles ("Dr. Strangelove").
SAME_SYNOPSIS_MIN_CHARS = 40
SAME_SYNOPSIS_MAX_DAYS = 400


def merge_market(market: pl.DataFrame, popular: pl.DataFrame) -> tuple[pl.DataFrame, int, int]:
    """One row per TMDB title: list rows, plus posters rows for films not in them.

    A posters row is the same film as a list row when title and release date agree, or
    else when the synopsis is the same and the dates are close (and only one list film
    fits); it then only lends its poster URL. Others get a stable synthetic key from
    title + date. Returns (merged, posters rows folded in, of which by synopsis).
    """
    popular = popular.with_row_index("_row")
    same = popular.join(market.select("title", "release_date", "tmdb_key"),
                        on=["title", "release_date"], how="left")
    by_synopsis = _same_synopsis(same.filter(pl.col("tmdb_key").is_null()), market)
    same = (same.join(by_synopsis, on="_row", how="left")
            .with_columns(pl.coalesce("tmdb_key", "synopsis_key").alias("tmdb_key"))
            .drop("synopsis_key", "_row"))
    posters = same.filter(pl.col("tmdb_key").is_not_null()).select(
        "tmdb_key", pl.col("poster_url").alias("popular_poster")).unique("tmdb_key", keep="first")
    market = market.join(posters, on="tmdb_key", how="left").with_columns(
        pl.coalesce("poster_url", "popular_poster").alias("poster_url")).drop("popular_poster")
    extra = (same.filter(pl.col("tmdb_key").is_null())
             .unique(subset=["title", "release_date"], keep="first", maintain_order=True)
             .with_columns(
                 ("movie:p" + pl.concat_str("title", pl.col("release_date").cast(pl.String))
                  .hash(seed=0).cast(pl.String).str.slice(0, 12)).alias("tmdb_key"),
                 pl.lit(None, pl.Int64).alias("tmdb_id"), pl.lit("movie").alias("media_type"),
                 pl.lit("popular_snapshot").alias("source_list")))
    merged = pl.concat([market, extra.select(market.columns)], how="vertical")
    return (merged.unique("tmdb_key", keep="first", maintain_order=True).sort("tmdb_key"),
            popular.height - extra.height, by_synopsis.height)


def _same_synopsis(unmatched: pl.DataFrame, market: pl.DataFrame) -> pl.DataFrame:
    """(_row, synopsis_key) for posters rows whose synopsis names exactly one list film
    released within SAME_SYNOPSIS_MAX_DAYS (remakes reuse synopses decades apart)."""
    listed = (market.filter(pl.col("overview").str.len_chars() >= SAME_SYNOPSIS_MIN_CHARS)
              .select("overview", pl.col("release_date").alias("list_date"),
                      pl.col("tmdb_key").alias("synopsis_key")))
    return (unmatched.select("_row", "overview", "release_date")
            .join(listed, on="overview", how="inner")
            .filter((pl.col("release_date") - pl.col("list_date")).dt.total_days().abs()
                    <= SAME_SYNOPSIS_MAX_DAYS)
            .filter(pl.len().over("_row") == 1)
            .select("_row", "synopsis_key"))


def clean_market(market_raw: pl.DataFrame, popular_raw: pl.DataFrame | None) -> Cleaned:
    """TMDB market (lists + posters export) → src_tmdb_titles + genre bridge."""
    out = Cleaned()
    market, rejected = clean_market_list(market_raw, "top_rated_snapshot")
    out.quarantine.append(rejected)
    dupes = market.height - market["tmdb_key"].n_unique()
    out.note("tmdb_market", "duplicate TMDB id", dupes, "kept the first row")
    market = market.unique("tmdb_key", keep="first", maintain_order=True)
    if popular_raw is not None:
        pop = clean_popular(popular_raw, market)
        out.quarantine.extend(pop.quarantine)
        out.issues.extend(pop.issues)
        market, folded, by_synopsis = merge_market(market, pop.tables["popular"])
        out.note("tmdb_popular", "film already in the top-rated list", folded,
                 "merged: the list row keeps its metrics and gains the poster")
        out.note("tmdb_popular", "same film under another release date or title",
                 by_synopsis, "merged by identical synopsis, release dates within "
                 f"{SAME_SYNOPSIS_MAX_DAYS} days (counted in the line above too)")
    out.tables["src_tmdb_titles"] = market.drop("genres_text")
    out.tables["src_tmdb_title_genres"] = explode_list(
        market, "tmdb_key", "genres_text", "genre").drop("position")
    return out
