"""Entity resolution: Netflix catalog titles <-> IMDb/TMDB title lists.

The catalogs share no id, so titles are matched on a normalized title + kind, with the
release year as a tie-breaker, and a fuzzy fallback (rapidfuzz) for spelling variants.
Descriptions and directors, when both sides carry them, confirm a pair; descriptions
that share almost nothing also veto a near-identical (but not identical) title.

Grain of `resolve_titles`' output: one row per left key that matched, each right key at
most once. Rules, thresholds and the hand-measured precision are in docs/MATCHING.md.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

EXACT_YEAR = "exact_title_kind_year"   # same title and kind, year consistent
EXACT = "exact_title_kind"             # same title and kind, year off or unknown
FUZZY = "fuzzy"                        # similar title, same kind, year consistent

FUZZY_THRESHOLD = 0.75   # hard floor on the title score; never accepted below
FUZZY_STRONG = 0.90      # at or above: accepted without description/director support
DESC_CONFIRM = 0.30      # description overlap that counts as confirmation
DESC_WEAK = 0.10         # below this, two descriptions look unrelated
DESC_SAME_TEXT = 0.50    # overlap high enough to trust a pair whose years disagree
SHOW_SLACK_YEARS = 2     # latest season may come this many years after seasons allow
SHOW_MAX_SPAN = 60       # fuzzy show window: first air up to this many years back

MATCH_SCHEMA = {"match_method": pl.String, "match_confidence": pl.Float64,
                "year_gap": pl.Int32}

# Latin-script combining accents only. Other marks carry meaning (Japanese dakuten,
# Devanagari vowel signs) and are kept; NFC afterwards re-composes Hangul and kana.
_ACCENTS = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
# Apostrophes vanish rather than split a word: "Ocean's" -> "oceans", not "ocean s".
_APOSTROPHES = "['\u2018\u2019\u02bb\u02bc`\u00b4]"
_ACCENTS_RE, _APOSTROPHES_RE = re.compile(_ACCENTS), re.compile(_APOSTROPHES)

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "ii": 2, "iii": 3,
                 "iv": 4, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_STOPWORDS = frozenset("""
    the and but for with from into onto over under about after before while when where
    who whom whose which what this that these those their there them they his her hers
    him she its our your you are was were been being has have had not nor all any both
    each few more most other some such only own same than then too very can will just
    one two new find finds life lives must soon help helps young man men woman women
    world story stories series film documentary show family friend friends home must
    out off down upon between through during against among also""".split())


# --- title normalization ---------------------------------------------------------

def normalize_title(expr: pl.Expr) -> pl.Expr:
    """Polars version of `normalize_title_str` (identical results, null stays null)."""
    return (expr.str.normalize("NFKD").str.to_lowercase()
            .str.replace_all(_ACCENTS, "").str.normalize("NFC")
            .str.replace_all("&", " and ", literal=True)
            .str.replace_all(_APOSTROPHES, "")
            .str.replace_all(r"[^\p{L}\p{N}\p{M}]+", " ")
            .str.strip_chars(" "))


def normalize_title_str(s: str | None) -> str | None:
    """Match form of a title: NFKD, Latin accents stripped, lowercase, & -> and,
    punctuation -> space, whitespace collapsed. Letters, digits and marks of every
    script survive; leading articles are kept (see docs/MATCHING.md)."""
    if s is None:
        return None
    s = unicodedata.normalize("NFKD", s).lower()
    s = unicodedata.normalize("NFC", _ACCENTS_RE.sub("", s))
    s = _APOSTROPHES_RE.sub("", s.replace("&", " and "))
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNM" else " " for ch in s)
    return " ".join(kept.split())


# --- evidence beyond the title ------------------------------------------------------

def _description_tokens(texts: pl.Series) -> list[frozenset[str]]:
    """Content words of each description (stopwords dropped, plural 's' trimmed)."""
    norm = texts.to_frame("t").select(normalize_title(pl.col("t"))).to_series()
    return [frozenset(w[:-1] if len(w) > 4 and w.endswith("s") else w
                      for w in (t or "").split() if len(w) > 2 and w not in _STOPWORDS)
            for t in norm.to_list()]


def _director_names(texts: pl.Series) -> list[tuple[str, ...]]:
    """Normalized director names of each row ('' and nulls give no names)."""
    return [tuple(n for n in (normalize_title_str(p) for p in (t or "").split(",")) if n)
            for t in texts.to_list()]


@dataclass(frozen=True)
class _Evidence:
    """Description tokens and director names of both sides, by key."""
    ldesc: dict
    rdesc: dict
    ldir: dict
    rdir: dict

    @classmethod
    def build(cls, left: pl.DataFrame, right: pl.DataFrame) -> _Evidence:
        def side(f: pl.DataFrame) -> tuple[dict, dict]:
            keys = f["_key"].to_list()
            desc = (_description_tokens(f["description"]) if "description" in f.columns
                    else [frozenset()] * f.height)
            dirs = (_director_names(f["directors"]) if "directors" in f.columns
                    else [()] * f.height)
            return dict(zip(keys, desc)), dict(zip(keys, dirs))
        (ld, ldir), (rd, rdir) = side(left), side(right)
        return cls(ld, rd, ldir, rdir)

    def description(self, lk: str, rk: str) -> float | None:
        """Overlap coefficient of content words; None when either side has none."""
        a, b = self.ldesc.get(lk), self.rdesc.get(rk)
        if not a or not b:
            return None
        return len(a & b) / min(len(a), len(b))

    def directors(self, lk: str, rk: str) -> bool | None:
        """True if some director appears on both sides (spelling-tolerant)."""
        a, b = self.ldir.get(lk), self.rdir.get(rk)
        if not a or not b:
            return None
        return any(fuzz.token_set_ratio(x, y) >= 85 for x in a for y in b)

    def confirms(self, lk: str, rk: str) -> tuple[bool, float | None]:
        """(confirmed, description overlap or None). Directors only ever confirm: in
        the bundled credits, differing directors were name variants or noise, not a
        different film (docs/MATCHING.md)."""
        d = self.description(lk, rk)
        confirmed = (d is not None and d >= DESC_CONFIRM) or self.directors(lk, rk) is True
        return confirmed, d


# --- scoring rules ----------------------------------------------------------------

def _show_years_plausible(gap: int, seasons: int | None) -> bool:
    """Netflix gives a show's latest-season year, IMDb/TMDB its first-air year, so
    the gap should be 0..seasons+2 (seasons can skip years). A one-season show has
    no later season: a gap of 2+ was mostly a different show in the hand check."""
    if seasons == 1:
        return 0 <= gap <= 1
    return 0 <= gap <= (seasons or 1) + SHOW_SLACK_YEARS


def _score_exact(kind: str, gap: int | None, seasons: int | None,
                 ev: tuple[bool, float | None]) -> tuple[str, float] | None:
    """(method, confidence) of a same-title same-kind pair, or None to reject."""
    confirmed, desc = ev[0], ev[1] or 0.0
    if gap is None:
        return EXACT, 0.85
    if kind == "movie":
        if abs(gap) <= 1:
            return EXACT_YEAR, 1.0 - 0.05 * abs(gap)
        # Two or three years off is usually festival vs release year; further off is
        # usually a remake, so only a near-identical description can vouch for it.
        if (abs(gap) <= 3 and confirmed) or desc >= DESC_SAME_TEXT:
            return EXACT, 0.85 if abs(gap) <= 3 else 0.80
        return None
    if _show_years_plausible(gap, seasons):
        return EXACT_YEAR, 1.0
    if gap == -1:   # first episode aired around New Year, or a pilot a year later
        return EXACT_YEAR, 0.90
    if confirmed:
        return EXACT, 0.90 if gap > 0 else 0.80
    if gap > 0 and (seasons or 0) > 1:   # long runs and revivals: title+kind decide
        return EXACT, 0.85
    return None


def _numbers(norm: str) -> frozenset[int]:
    """Numbers in a normalized title, including number words and roman numerals."""
    return frozenset(int(t) if t.isdecimal() else _NUMBER_WORDS[t]
                     for t in norm.split() if t.isdecimal() or t in _NUMBER_WORDS)


def _title_score(norm: str, norm_r: str) -> float:
    """Title similarity in [0, 1]: word order ignored, and word breaks too, since
    "R.K.Nagar" / "RK Nagar" or "SampleThis" / "Sample This" differ only in spacing."""
    return max(fuzz.token_sort_ratio(norm, norm_r),
               fuzz.ratio(norm.replace(" ", ""), norm_r.replace(" ", ""))) / 100


def _score_fuzzy(c: dict, ev: tuple[bool, float | None],
                 threshold: float) -> tuple[str, float] | None:
    """(method, confidence) of a similar-title pair, or None to reject."""
    score = _title_score(c["norm"], c["norm_r"])
    if score < threshold:
        return None
    confirmed, desc = ev
    ln, rn = _numbers(c["norm"]), _numbers(c["norm_r"])
    if score < 1 and ln != rn:
        # "Part 2" vs "Part 3" are different instalments. "Film" vs "Film 2" may be a
        # sequel by the same director, so only the description can vouch for it.
        if (ln - rn and rn - ln) or (desc or 0.0) < DESC_CONFIRM:
            return None
    plausible = c["kind"] == "movie" or _show_years_plausible(c["year_gap"], c["seasons"])
    if not confirmed and (score < FUZZY_STRONG or not plausible or _unrelated(score, desc)):
        return None
    movie_gap = 0.03 * abs(c["year_gap"]) if c["kind"] == "movie" else 0.0
    return FUZZY, 0.85 * score + (0.10 if confirmed else 0.0) - movie_gap


def _unrelated(score: float, desc: float | None) -> bool:
    """A one-letter edit can make another word ("The Intent" / "The Intern"), so a
    high but imperfect title score is vetoed by descriptions that share almost
    nothing. Spacing-only differences (score 1) and missing descriptions pass."""
    return score < 1 and desc is not None and desc < DESC_WEAK


# --- candidate generation -----------------------------------------------------------

def _prepare(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """Key, kind, normalized title, year (and seasons) of matchable rows."""
    for col in (key, "kind", "title", "release_year"):
        if col not in frame.columns:
            raise ValueError(f"resolve_titles: missing column {col!r}")
    if frame[key].n_unique() != frame.height:
        raise ValueError(f"resolve_titles: key {key!r} is not unique")
    seasons = pl.col("seasons") if "seasons" in frame.columns else pl.lit(None)
    extra = [c for c in ("description", "directors") if c in frame.columns]
    return (frame.select(pl.col(key).cast(pl.String).alias("_key"), "kind",
                         normalize_title(pl.col("title")).alias("norm"),
                         pl.col("release_year").cast(pl.Int32).alias("year"),
                         seasons.cast(pl.Int32).alias("seasons"), *extra)
            .filter(pl.col("kind").is_in(["movie", "show"]) & (pl.col("norm") != ""))
            .with_columns(compact=pl.col("norm").str.replace_all(" ", "", literal=True))
            .sort("_key"))


def _pairs(lp: pl.DataFrame, rp: pl.DataFrame, on: pl.DataFrame) -> pl.DataFrame:
    """Attach both sides' attributes to (_key, _key_r) pairs; gap = left - right year."""
    cols = ["_key", "kind", "norm", "year"]
    return (on.join(lp.select(cols), on="_key")
            .join(rp.select("_key", "norm", "year", "seasons")
                  .rename(lambda c: c + "_r"), on="_key_r")
            .with_columns((pl.col("year") - pl.col("year_r")).alias("year_gap"))
            .sort("_key", "_key_r"))


def _exact_pairs(lp: pl.DataFrame, rp: pl.DataFrame) -> pl.DataFrame:
    """Every same-normalized-title, same-kind pair."""
    on = lp.select("_key", "norm", "kind").join(
        rp.select(pl.col("_key").alias("_key_r"), "norm", "kind"), on=["norm", "kind"])
    return _pairs(lp, rp, on.select("_key", "_key_r"))


def _fuzzy_pairs(lp: pl.DataFrame, rp: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Pairs of the same kind whose titles score >= threshold, blocked by year window:
    movies within a year either way, shows first aired up to SHOW_MAX_SPAN years back."""
    found = []
    for kind, back in (("movie", 1), ("show", SHOW_MAX_SPAN)):
        lk = lp.filter((pl.col("kind") == kind) & pl.col("year").is_not_null()).sort("year")
        rk = rp.filter((pl.col("kind") == kind) & pl.col("year").is_not_null()).sort("year")
        ryears = rk["year"].to_numpy()
        for (year,), block in lk.group_by("year", maintain_order=True):
            lo = np.searchsorted(ryears, year - back, side="left")
            hi = np.searchsorted(ryears, year + 1, side="right")
            if hi > lo:
                found.append(_block_matches(block, rk.slice(lo, hi - lo), threshold))
    on = pl.concat(found) if found else pl.DataFrame(schema={"_key": pl.String,
                                                            "_key_r": pl.String})
    return _pairs(lp, rp, on).filter(pl.col("norm") != pl.col("norm_r"))


def _block_matches(block: pl.DataFrame, rights: pl.DataFrame,
                   threshold: float) -> pl.DataFrame:
    """Key pairs of one year block scoring >= threshold (checked exactly later)."""
    cutoff = threshold * 100 - 0.5   # slack for cdist's float32 scores
    scores = [process.cdist(block[col].to_list(), rights[col].to_list(), scorer=scorer,
                            workers=-1, score_cutoff=cutoff)
              for col, scorer in (("norm", fuzz.token_sort_ratio), ("compact", fuzz.ratio))]
    i, j = np.nonzero(np.maximum(*scores))
    return pl.DataFrame({"_key": block["_key"].gather(i), "_key_r": rights["_key"].gather(j)})


# --- decisions -----------------------------------------------------------------------

Rule = Callable[[dict, tuple[bool, float | None]], "tuple[str, float] | None"]


def _score(pairs: pl.DataFrame, ev: _Evidence, rule: Rule) -> pl.DataFrame:
    """Apply `rule` to every pair; keep accepted ones with method, confidence and
    whether description/directors support them (a tie-breaker)."""
    rows = []
    for c in pairs.iter_rows(named=True):
        evidence = ev.confirms(c["_key"], c["_key_r"])
        verdict = rule(c, evidence)
        if verdict is not None:
            rows.append((c["_key"], c["_key_r"], verdict[0], round(verdict[1], 4),
                         c["year_gap"], evidence[0]))
    return pl.DataFrame(rows, orient="row", schema={
        "_key": pl.String, "_key_r": pl.String, **MATCH_SCHEMA, "_support": pl.Boolean})


def _unique_best(cands: pl.DataFrame, by: str) -> pl.DataFrame:
    """Per `by` key, the single best candidate: highest confidence, then closest
    year, then supported by description/directors. A tie for best drops the key
    entirely rather than guessing."""
    gap = pl.col("year_gap").abs().fill_null(99)
    best = cands.filter(pl.col("match_confidence") == pl.col("match_confidence").max().over(by))
    best = best.filter(gap == gap.min().over(by))
    best = best.filter(pl.col("_support") == pl.col("_support").max().over(by))
    return best.filter(pl.len().over(by) == 1)


def _one_to_one(cands: pl.DataFrame) -> pl.DataFrame:
    """Best right per left, then best left per right: each key used at most once."""
    return _unique_best(_unique_best(cands, "_key"), "_key_r")


def resolve_titles(left: pl.DataFrame, right: pl.DataFrame, *, left_key: str,
                   right_key: str, fuzzy_threshold: float = FUZZY_THRESHOLD) -> pl.DataFrame:
    """Match left titles to right titles; one row per matched left key.

    Both frames need `<key>`, kind ("movie"/"show"), title and release_year (Int32);
    the right may add seasons, either may add description and directors (comma list).
    Output: left_key, right_key, match_method, match_confidence, year_gap (left year
    minus right year), sorted by left key; keys keep their input dtypes. Stage 1
    matches exact normalized titles; stage 2 (fuzzy) only sees left rows that had no
    acceptable exact candidate and right rows stage 1 left unused.
    """
    lp, rp = _prepare(left, left_key), _prepare(right, right_key)
    ev = _Evidence.build(lp, rp)
    exact = _score(_exact_pairs(lp, rp), ev,
                   lambda c, v: _score_exact(c["kind"], c["year_gap"], c["seasons_r"], v))
    chosen = _one_to_one(exact)
    rest_l = lp.filter(~pl.col("_key").is_in(exact["_key"].implode()))
    rest_r = rp.filter(~pl.col("_key").is_in(chosen["_key_r"].implode()))
    fuzzy_rule = lambda c, v: _score_fuzzy(  # noqa: E731 - adapter for _score
        {**c, "seasons": c["seasons_r"]}, v, fuzzy_threshold)
    fuzzy = _one_to_one(_score(_fuzzy_pairs(rest_l, rest_r, fuzzy_threshold), ev, fuzzy_rule))
    out = pl.concat([chosen, fuzzy]).drop("_support").sort("_key")
    # Keys went through String for the joins; hand them back in their own dtypes.
    return out.select(pl.col("_key").cast(left.schema[left_key]).alias(left_key),
                      pl.col("_key_r").cast(right.schema[right_key]).alias(right_key),
                      *MATCH_SCHEMA)


def resolve_market_movies(netflix: pl.DataFrame, market: pl.DataFrame, *,
                          left_key: str = "show_id", right_key: str = "tmdb_key",
                          fuzzy_threshold: float = FUZZY_THRESHOLD) -> pl.DataFrame:
    """Netflix movies <-> TMDB market movies (title + release year), same rules.

    The market should hold one row per film: two keys with the same title and year
    are a tie, and ties stay unmatched.
    """
    movies = netflix.filter(pl.col("kind") == "movie")
    return resolve_titles(movies, market.filter(pl.col("kind") == "movie"),
                          left_key=left_key, right_key=right_key,
                          fuzzy_threshold=fuzzy_threshold)


def match_report(left: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """Match rate by kind and method: one row per kind (and "all") x method, with
    "unmatched" as a method. Columns: kind, match_method, titles, share (of the kind)."""
    key = matches.columns[0]
    joined = (left.select(key, "kind")
              .join(matches.select(key, "match_method"), on=key, how="left")
              .with_columns(pl.col("match_method").fill_null("unmatched")))
    both = pl.concat([joined, joined.with_columns(kind=pl.lit("all"))])
    return (both.group_by("kind", "match_method").agg(titles=pl.len())
            .with_columns(share=(pl.col("titles") / pl.col("titles").sum().over("kind"))
                          .round(4))
            .sort("kind", "match_method"))
