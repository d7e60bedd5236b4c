"""Viewing-history titles -> catalog titles: split `Show: Season: Episode`, match items.

A Netflix export row is a movie title or `Show: <season>: <episode>`, where the season
part is optional and any part may itself contain colons. So the split is decided by the
catalog: the longest colon-prefix of the row that is a catalog title wins (the whole
row may be a movie such as "Black Mirror: Bandersnatch"; a shorter prefix must be a
show). Rows no prefix explains are split on the first season word ("Season 2",
"Temporada 2", "Limited Series", ...), or, failing that, on the first colon when
several rows share that first part (a show without seasons); anything else is one
movie-like item. Each distinct item is then matched once: exact normalized title first,
then a fuzzy score (rapidfuzz) that must reach FUZZY_THRESHOLD, agree on numbers and be
clearly better than the runner-up. Rules and measured precision: docs/BLEND.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from etl.matching import normalize_title, normalize_title_str

# --- word lists (data): season and episode markers by language -----------------------
# A marker part is one of these words, optionally followed by a number, a roman
# numeral or a number word ("Season 2", "Book One", "Vol. 3", "Temporada 1").
SEASON_WORDS = {
    "en": ["Season", "Series", "Part", "Volume", "Vol.", "Book", "Collection", "Chapter"],
    "es": ["Temporada", "Parte", "Volumen", "Vol.", "Libro", "Colección", "Capítulo"],
    "de": ["Staffel", "Teil", "Band", "Kapitel"],
    "fr": ["Saison", "Partie", "Volume", "Livre", "Chapitre"],
    "pt": ["Temporada", "Parte", "Volume", "Livro", "Capítulo"],
}
# Season parts that stand alone, without a number.
STANDALONE_SEASONS = ["Limited Series", "Miniseries", "Mini-Series", "Miniserie",
                      "Serie limitada", "Miniserie limitada",
                      "Mini-série", "Minissérie", "Série limitée", "Série limitada",
                      "Collection", "Specials", "Especiales"]
# Words that name one episode rather than a season when they end the row.
EPISODE_WORDS = ["Episode", "Ep.", "Episodio", "Capítulo", "Épisode", "Folge",
                 "Episódio", "Chapter", "Chapitre", "Kapitel"]
NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "uno", "una", "dos", "tres", "cuatro", "cinco", "seis", "siete",
                "ocho", "nueve", "diez", "eins", "zwei", "drei", "un", "une", "deux",
                "trois", "um", "dois", "três", "primera", "segunda", "tercera", "first",
                "second", "third", "final"]

# Histories are small frames: polars' default streaming engine costs more to start a
# query than the work (5,022-row test file: ~95 ms per parse streaming, ~75 in memory).
ENGINE = "in-memory"
FUZZY_THRESHOLD = 0.92     # never a fuzzy match below this title score
FUZZY_SHORT = 0.95         # titles under SHORT_LEN letters need this (one edit = another word)
SHORT_LEN = 12             # "the switch" / "the witch" score 0.947: short titles need more
FUZZY_MARGIN = 0.03        # the best must beat a different runner-up title by this much
FUZZY_CHUNK = 256          # names scored per rapidfuzz cdist call (bounds memory)

_NUM = r"(?:\d+|[ivxlc]+|" + "|".join(NUMBER_WORDS) + r")"


def _words(words: list[str]) -> str:
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


# One pattern string for Python's re (is_season_part) and polars' Rust regex (the
# vectorized split): inline flags, no look-around.
SEASON_PATTERN = (
    rf"(?i)^\s*(?:(?:{_words([w for ws in SEASON_WORDS.values() for w in ws])})\s*{_NUM}"
    rf"|{_NUM}(?:ª|a|º)?\s+temporada|(?:{_words(STANDALONE_SEASONS)}))"
    r"(?:\s*\(.*\))?\s*$")
EPISODE_PATTERN = rf"(?i)^\s*(?:{_words(EPISODE_WORDS)})\s*{_NUM}\s*$"
_SEASON_RE, _EPISODE_RE = re.compile(SEASON_PATTERN), re.compile(EPISODE_PATTERN)
_NUMBER_TOKENS = frozenset(["ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi",
                            "xii", "two", "three", "four", "five", "six", "seven", "eight",
                            "nine", "ten", "dos", "tres", "cuatro", "cinco", "seis"])


def is_season_part(part: str, show: str = "") -> bool:
    """True for a season or episode marker: "Season 2", "Temporada 1", "Limited
    Series", "Episode 3", or the show's own name plus a number ("Stranger Things 2")."""
    part = part.strip()
    if _SEASON_RE.match(part) or _EPISODE_RE.match(part):
        return True
    return bool(show) and re.fullmatch(re.escape(show) + r"\s*\d+", part, re.IGNORECASE) is not None


# --- the catalog index -------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class HistoryCatalog:
    """Catalog lookups for history matching, built once per warehouse build.

    `exact` maps a normalized title to its candidates (show_id, kind, release_year,
    title), newest first; `norms`, `compact` (without spaces, so "U-Turn" ~ "UTurn")
    and `has_show` describe each distinct normalized title for the fuzzy stage."""
    exact: dict[str, tuple[tuple[str, str, int | None, str], ...]]
    norms: list[str]
    compact: list[str]
    has_show: np.ndarray     # per distinct norm: some candidate is a show
    index: pl.DataFrame      # norm, has_show: the same, for joins in split_titles
    titles: int

    @classmethod
    def from_frame(cls, frame: pl.DataFrame) -> HistoryCatalog:
        """From columns show_id, kind ('movie'|'show'), title, release_year: one row
        per name a title goes by (its alternate titles are rows of the same show_id)."""
        missing = {"show_id", "kind", "title", "release_year"} - set(frame.columns)
        if missing:
            raise ValueError(f"catalog frame lacks columns {sorted(missing)}")
        rows = (frame.select(pl.col("show_id").cast(pl.String), pl.col("kind").cast(pl.String),
                             pl.col("release_year").cast(pl.Int32, strict=False),
                             pl.col("title").cast(pl.String),
                             norm=normalize_title(pl.col("title").cast(pl.String)))
                .filter(pl.col("norm").is_not_null() & (pl.col("norm") != ""))
                .with_columns(num=pl.col("show_id").str.extract(r"(\d+)").cast(pl.Int64))
                .sort("norm", "release_year", "num", descending=[False, True, False],
                      nulls_last=True))
        exact: dict[str, list] = {}
        for sid, kind, year, title, norm, _ in rows.iter_rows():
            exact.setdefault(norm, []).append((sid, kind, year, title))
        norms = list(exact)
        has_show = [any(c[1] == "show" for c in exact[n]) for n in norms]
        return cls({n: tuple(c) for n, c in exact.items()}, norms,
                   [n.replace(" ", "") for n in norms], np.array(has_show),
                   pl.DataFrame({"norm": norms, "has_show": has_show}),
                   rows["show_id"].n_unique())

    def pick(self, norm: str, *, prefer: str | None, only: str | None = None,
             year: int | None = None, raw: str | None = None) -> tuple[str, str] | None:
        """(show_id, kind) of the best candidate with this normalized title: kind
        `only` if given; then the one spelled exactly `raw` ("U Turn" vs "U-Turn",
        "Verónica" vs "Veronica"); then the `prefer`red kind; then the latest release
        not after `year`; then the lowest catalog number (stable for duplicates)."""
        cands = [c for c in self.exact.get(norm, ()) if only is None or c[1] == only]
        if year is not None:
            # a film cannot be watched before its release year ("Extraction" watched in
            # 2020 is not the 2015 film's remake... nor a 2021 "Deep" watched in 2017).
            # Shows are not cut: Netflix's show year is the latest season's.
            cands = [c for c in cands if c[1] != "movie" or c[2] is None or c[2] <= year]
        if not cands:
            return None
        if year is not None and any(c[2] is not None and c[2] <= year for c in cands):
            cands = [c for c in cands if c[2] is None or c[2] <= year]
        best = min(cands, key=lambda c: (c[3] != raw, c[1] != prefer))   # stable: keeps order
        return best[0], best[1]


# --- splitting rows into items (vectorized) -----------------------------------------

SPLIT_SCHEMA = {"raw_title": pl.String, "item_name": pl.String, "season": pl.String,
                "episode": pl.String, "is_episode": pl.Boolean, "item_key": pl.String,
                "show_id": pl.String, "kind": pl.String}
_PART = "\x1f"   # stands in for ": " while splitting; "Re:Zero" and "23:59" keep theirs


def _join(parts: pl.Expr, start: int | pl.Expr, length: pl.Expr | None = None) -> pl.Expr:
    return parts.list.slice(start, length).list.join(": ")


def _marked(part: pl.Expr, show: pl.Expr) -> pl.Expr:
    """Vectorized is_season_part: a season or episode word, or the show's name plus a
    number ("Stranger Things 2")."""
    low = part.str.to_lowercase()
    rest = low.str.strip_prefix(show.str.to_lowercase())
    return (part.str.contains(SEASON_PATTERN) | part.str.contains(EPISODE_PATTERN)
            | ((rest != low) & rest.str.contains(r"^\s*\d+$"))).fill_null(False)


def _season_episode(at: pl.Expr) -> list[pl.Expr]:
    """Season and episode of a row whose show name ends before part `at`: a marked
    first part with more after it is the season; the rest is the episode."""
    first = pl.col("parts").list.get(at, null_on_oob=True)
    season = _marked(first, pl.col("item_name")) & (pl.col("n") > at + 1)
    return [pl.when(season).then(first).alias("season"),
            pl.when(season).then(_join(pl.col("parts"), at + 1))
            .otherwise(_join(pl.col("parts"), at)).alias("episode")]


def _titles_frame(titles: list[str], years: list[int | None] | None) -> pl.LazyFrame:
    """Titles split into parts at ": " (spaces around the colon dropped)."""
    return (pl.LazyFrame({"raw_title": titles, "year": years or [None] * len(titles)},
                         schema={"raw_title": pl.String, "year": pl.Int32})
            .with_columns(parts=pl.col("raw_title").str.replace_all(r"\s*:\s+", _PART)
                          .str.split(_PART))
            .with_columns(n=pl.col("parts").list.len()))


def _prefixes(t: pl.LazyFrame) -> pl.LazyFrame:
    """Every colon-prefix of every title, normalized; k parts, k = n is the title.
    Normalizing is the costly step, so each distinct part is normalized once:
    normalize_title(a + ": " + b) is norm(a) + " " + norm(b) (the separator is
    punctuation), so a prefix's norm is the join of its parts' norms."""
    parts = (t.select("raw_title", "parts", j=pl.int_ranges(0, pl.col("n"), dtype=pl.UInt32))
             .explode("parts", "j"))
    distinct = parts.select("parts").unique().with_columns(pnorm=normalize_title(pl.col("parts")))
    norms = (parts.join(distinct, on="parts", how="left")
             .group_by("raw_title").agg(pl.when(pl.col("pnorm") != "").then(pl.col("pnorm"))
                                        .sort_by("j").alias("pnorms")))
    return (t.join(norms, on="raw_title", how="left")
            .with_columns(k=pl.int_ranges(1, pl.col("n") + 1, dtype=pl.UInt32)).explode("k")
            .with_columns(prefix=pl.when(pl.col("k") == pl.col("n")).then(pl.col("raw_title"))
                          .otherwise(_join(pl.col("parts"), 0, pl.col("k"))),
                          norm=pl.col("pnorms").list.head(pl.col("k")).list.join(" ", ignore_nulls=True))
            .drop("pnorms"))


def _catalog_hits(t: pl.LazyFrame, catalog: HistoryCatalog) -> pl.LazyFrame:
    """Per title, its longest catalog prefix: the whole row (any kind) or a shorter
    prefix that is a show, with evidence the row is an episode: a season/episode word
    after it, or other rows sharing the prefix. (A lone "Dave Chappelle: The Closer"
    is a special the catalog lacks, not an episode of the catalog's "Dave Chappelle".)"""
    long = _prefixes(t).collect(engine=ENGINE).lazy()   # used three times below: compute it once
    hits = long.join(catalog.index.lazy(), on="norm", how="inner")
    whole = hits.filter(pl.col("k") == pl.col("n")).select("raw_title").unique()
    shorter = long.filter(pl.col("k") < pl.col("n")).join(whole, on="raw_title", how="anti")
    shared = shorter.group_by("norm").agg(shared=pl.col("raw_title").n_unique())
    after = pl.col("parts").list.get(pl.col("k"), null_on_oob=True)
    shows = (hits.filter((pl.col("k") < pl.col("n")) & pl.col("has_show"))
             .join(whole, on="raw_title", how="anti").join(shared, on="norm", how="left")
             .filter(_marked(after, pl.col("prefix")) | (pl.col("shared") > 1)).drop("shared"))
    return (pl.concat([hits.filter(pl.col("k") == pl.col("n")), shows])
            .filter(pl.col("k") == pl.col("k").max().over("raw_title"))
            .with_columns(whole=pl.col("k") == pl.col("n")))


def _pick_all(hits: pl.DataFrame, catalog: HistoryCatalog) -> pl.DataFrame:
    """show_id and kind per distinct (prefix, whole, year): one Python pick per show
    and year, not per episode. Titles without a pick are dropped."""
    keys = hits.select("prefix", "norm", "whole", "year").unique()
    rows = [(p, w, y, *(catalog.pick(n, prefer="movie" if w else "show",
                                      only=None if w else "show", year=y, raw=p) or (None, None)))
            for p, n, w, y in keys.iter_rows()]
    picked = pl.DataFrame(rows, orient="row", schema={
        "prefix": pl.String, "whole": pl.Boolean, "year": pl.Int32, "show_id": pl.String,
        "kind": pl.String})
    return hits.join(picked.filter(pl.col("show_id").is_not_null()),
                     on=["prefix", "whole", "year"], how="inner", nulls_equal=True)


def _exact_splits(hits: pl.LazyFrame) -> pl.LazyFrame:
    return (hits.rename({"prefix": "item_name"})
            .with_columns(is_episode=~pl.col("whole"), item_key=pl.col("show_id"))
            .with_columns(pl.when(~pl.col("whole")).then(e) for e in _season_episode(pl.col("k"))))


def _structural_splits(pending: pl.LazyFrame) -> pl.LazyFrame:
    """Rows no catalog prefix explains: split before the first season/episode word
    (a season word as the last part is a title: "Kill Bill: Volume 1"), else at the
    first colon when other such rows share the first part, else kept whole."""
    scan = (pending.filter(pl.col("n") > 1)
            .with_columns(i=pl.int_ranges(1, pl.col("n"), dtype=pl.UInt32)).explode("i")
            .with_columns(part=pl.col("parts").list.get(pl.col("i")),
                          show=_join(pl.col("parts"), 0, pl.col("i")))
            .filter(pl.col("part").str.contains(EPISODE_PATTERN)
                    | (_marked(pl.col("part"), pl.col("show")) & (pl.col("i") < pl.col("n") - 1)))
            .group_by("raw_title").agg(cut=pl.col("i").min()))
    first = normalize_title(pl.col("parts").list.first())
    shared = (pl.col("n") > 1) & (pl.col("raw_title").n_unique().over(first) > 1)
    return (pending.join(scan, on="raw_title", how="left")
            .with_columns(cut=pl.coalesce("cut", pl.when(shared).then(pl.lit(1, pl.UInt32))))
            .with_columns(item_name=pl.when(pl.col("cut").is_null()).then(pl.col("raw_title"))
                          .otherwise(_join(pl.col("parts"), 0, pl.col("cut"))),
                          is_episode=pl.col("cut").is_not_null())
            .with_columns(*(pl.when(pl.col("is_episode")).then(e)
                            for e in _season_episode(pl.col("cut"))),
                          item_key=pl.lit("~") + normalize_title(pl.col("item_name")),
                          show_id=pl.lit(None, pl.String), kind=pl.lit(None, pl.String)))


def split_titles(titles: list[str], catalog: HistoryCatalog,
                 years: list[int | None] | None = None) -> pl.DataFrame:
    """One row per distinct raw title: its item (show or movie name), season, episode,
    and the exact catalog match when the row or a prefix is a catalog title
    (SPLIT_SCHEMA). `years` (latest year each title was watched) breaks ties. Polars
    lazy plans: a handful of collects, whatever the number of rows."""
    t = _titles_frame(titles, years)
    hits = _pick_all(_catalog_hits(t, catalog).collect(engine=ENGINE), catalog).lazy()
    pending = t.join(hits.select("raw_title"), on="raw_title", how="anti")
    cols = list(SPLIT_SCHEMA)
    return pl.concat([_exact_splits(hits).select(cols),
                      _structural_splits(pending).select(cols)]).collect(engine=ENGINE)


# --- fuzzy matching of items -----------------------------------------------------------

_QUALIFIERS = frozenset(["uk", "us", "usa", "gb", "au", "nz", "mx", "kr", "jp", "fr", "de",
                         "br", "es", "ca"])   # country qualifiers: "The Office (U.K.)"


def _numbers(norm: str) -> frozenset[str]:
    """Digits (also inside words: "T2"), roman numerals, number words and country
    qualifiers of a normalized title: "Rocky V" and "Rocky VI", "Part Two" and "Part 3",
    "The Office (UK)" and "(US)" differ here even when the letters are close."""
    # "u s" (from "U.S.") and "us" are one qualifier: join runs of single letters
    words = re.sub(r"\b([a-z])\s(?=[a-z]\b)", r"\1", norm.replace(".", "")).split()
    return frozenset([w for w in words if w in _NUMBER_TOKENS or w in _QUALIFIERS]
                     + re.findall(r"\d+", norm))


def fuzzy_match(names: list[str], episodic: list[bool],
                catalog: HistoryCatalog, threshold: float = FUZZY_THRESHOLD,
                years: list[int | None] | None = None
                ) -> list[tuple[str, str, float] | None]:
    """Per item name: (show_id, kind, score) of its fuzzy catalog match, or None.
    Episodic items only match shows. Scores are max(ratio of the normalized titles,
    ratio without spaces) / 100; the best must reach `threshold` (FUZZY_SHORT for
    short titles), carry the same numbers ("Part 2" is not "Part 3") and beat the best
    different title by FUZZY_MARGIN. Names are scored in chunks, so memory stays
    bounded (a chunk x catalog score matrix) however many names come."""
    found: list[tuple[str, str, float] | None] = []
    for start in range(0, len(names), FUZZY_CHUNK):
        chunk = [normalize_title_str(n) or "" for n in names[start:start + FUZZY_CHUNK]]
        eps = episodic[start:start + FUZZY_CHUNK]
        yrs = (years or [None] * len(names))[start:start + FUZZY_CHUNK]
        scores = _scores(chunk, catalog, threshold)
        scores[np.asarray(eps, dtype=bool)[:, None] & ~catalog.has_show[None, :]] = 0
        found += [_best(catalog, n, row, e, threshold, y)
                  for n, row, e, y in zip(chunk, scores, eps, yrs)]
    return found


def _scores(norms: list[str], catalog: HistoryCatalog, threshold: float) -> np.ndarray:
    cutoff = threshold * 100 - 0.5   # slack for cdist's float32 scores; _best rechecks
    return np.maximum(
        process.cdist(norms, catalog.norms, scorer=fuzz.ratio, score_cutoff=cutoff, workers=1),
        process.cdist([n.replace(" ", "") for n in norms], catalog.compact,
                      scorer=fuzz.ratio, score_cutoff=cutoff, workers=1)).astype(np.float64)


def _best(catalog: HistoryCatalog, norm: str, row: np.ndarray, episodic: bool,
          threshold: float, year: int | None = None) -> tuple[str, str, float] | None:
    if not norm or row.max() <= 0:
        return None
    order = np.argsort(-row, kind="stable")[:2]   # best and runner-up
    best, score = catalog.norms[order[0]], row[order[0]] / 100
    floor = FUZZY_SHORT if len(norm.replace(" ", "")) < SHORT_LEN else threshold
    if score < floor or _numbers(best) != _numbers(norm):
        return None
    if len(order) > 1 and score - row[order[1]] / 100 < FUZZY_MARGIN:
        return None
    pick = catalog.pick(best, prefer="show" if episodic else "movie",
                        only="show" if episodic else None, year=year)
    return (pick[0], pick[1], round(float(score), 4)) if pick else None
