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
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

EXACT_YEAR = "exact_title_kind_year"   # same title and kind, year consistent
EXACT = "exact_title_kind"             # same title and kind, year off or unknown
FUZZY = "fuzzy"                        # similar title, same kind, year consistent
VERSION = "language_version"           # "Game Over (Hindi Version)" = "Game Over"
NUMBER_WORDS = "number_words"          # "187" = "One Eight Seven", same year
SHORTENED = "article_or_subtitle"      # article or subtitle dropped, evidence confirms
OTHER_SCRIPT = "other_script"          # non-Latin title: year, synopsis and a director
SHARED_PEOPLE = "shared_people"        # another title (a translation): year, cast, synopsis

FUZZY_THRESHOLD = 0.75   # hard floor on the title score; never accepted below
FUZZY_STRONG = 0.90      # at or above: accepted without description/director support
DESC_CONFIRM = 0.30      # description overlap that counts as confirmation
DESC_WEAK = 0.10         # below this, two descriptions look unrelated
DESC_SAME_TEXT = 0.50    # overlap high enough to trust a pair whose years disagree
SHOW_SLACK_YEARS = 2     # latest season may come this many years after seasons allow
SHOW_MAX_SPAN = 60       # fuzzy show window: first air up to this many years back
TITLE_CONTAINED = 90     # token_set_ratio: one title's words all in the other's
PEOPLE_CONFIRM = 2       # people (cast or director) two titles must share, unrenamed

# Netflix lists dubbed releases as "<title> (<Language> Version)"; after normalization the
# title ends in "<language> version". Several versions may share one source record.
_VERSION_RE = re.compile(r"^(.+?) (?:[a-z]+ )?version$")
# ... or as "<title> (<Language>)" for the Indian-language dubs: "Seven (Tamil)".
_LANGUAGES = ("hindi|tamil|telugu|malayalam|kannada|marathi|bengali|punjabi|gujarati|"
              "english|dubbed")
_LANGUAGE_TAG_RE = re.compile(rf"\((?:{_LANGUAGES})\)\s*$", re.IGNORECASE)
_ARTICLES = ("the ", "a ", "an ")

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


def _people(frame: pl.DataFrame) -> pl.DataFrame:
    """(_key, names): the normalized names in a frame's `people` column (comma list of
    cast and directors); no rows when the frame has none."""
    if "people" not in frame.columns:
        return pl.DataFrame(schema={"_key": pl.String, "names": pl.List(pl.String)})
    names = (frame.select("_key", name=pl.col("people").str.split(","))
             .explode("name").with_columns(normalize_title(pl.col("name")))
             .filter(pl.col("name").str.len_chars() > 3))
    return names.group_by("_key", maintain_order=True).agg(names=pl.col("name").unique())


@dataclass
class _Evidence:
    """Description tokens, director names and people of both sides, by key. Tokens and
    director names are worked out only for the keys some candidate pair has (`prepare`,
    one batch per stage): most market rows never meet a candidate, and tokenizing every
    synopsis was half of the matcher's time."""
    lframe: pl.DataFrame
    rframe: pl.DataFrame
    lnames: pl.DataFrame   # (_key, names): `_people` of each side, computed once
    rnames: pl.DataFrame
    lpeople: dict
    rpeople: dict
    ldesc: dict = field(default_factory=dict)
    rdesc: dict = field(default_factory=dict)
    ldir: dict = field(default_factory=dict)
    rdir: dict = field(default_factory=dict)

    @classmethod
    def build(cls, left: pl.DataFrame, right: pl.DataFrame) -> _Evidence:
        ln, rn = _people(left), _people(right)
        def people(names: pl.DataFrame) -> dict:
            return {k: frozenset(v) for k, v in names.iter_rows()}
        return cls(left, right, ln, rn, people(ln), people(rn))

    def prepare(self, pairs: pl.DataFrame) -> None:
        """Fill the caches for every key of `pairs` (_key, _key_r) not seen yet."""
        for frame, desc, dirs, keys in ((self.lframe, self.ldesc, self.ldir, pairs["_key"]),
                                        (self.rframe, self.rdesc, self.rdir, pairs["_key_r"])):
            todo = frame.filter(pl.col("_key").is_in(keys.unique().implode())
                                & ~pl.col("_key").is_in(list(desc)))
            ks = todo["_key"].to_list()
            desc.update(zip(ks, _description_tokens(todo["description"])
                            if "description" in todo.columns else [frozenset()] * len(ks)))
            dirs.update(zip(ks, _director_names(todo["directors"])
                            if "directors" in todo.columns else [()] * len(ks)))

    def shared_people(self, lk: str, rk: str) -> int:
        """How many people (cast and directors, exact normalized names) both credit."""
        return len(self.lpeople.get(lk, frozenset()) & self.rpeople.get(rk, frozenset()))

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


def _runtimes_differ(left: int | None, right: int | None) -> bool:
    """A 16-minute short is not a two-hour film: runtimes more than 25% (and 20 minutes)
    apart veto a variant-title match (cuts and credits explain less)."""
    if not left or not right:
        return False
    return abs(left - right) > max(20, 0.25 * max(left, right))


def _too_many_seasons(left: int | None, right: int | None) -> bool:
    """Season guard: a source show with more seasons than Netflix lists + 1 is another
    show (Netflix may lag a season behind, never several)."""
    return left is not None and right is not None and right > left + 1


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
    runtime = pl.col("runtime") if "runtime" in frame.columns else pl.lit(None)
    extra = [c for c in ("description", "directors", "people") if c in frame.columns]
    return (frame.select(pl.col(key).cast(pl.String).alias("_key"), "kind",
                         normalize_title(pl.col("title")).alias("norm"),
                         pl.col("release_year").cast(pl.Int32).alias("year"),
                         seasons.cast(pl.Int32).alias("seasons"),
                         runtime.cast(pl.Int32).alias("runtime"), *extra)
            .filter(pl.col("kind").is_in(["movie", "show"]) & (pl.col("norm") != ""))
            .with_columns(compact=pl.col("norm").str.replace_all(" ", "", literal=True))
            .sort("_key"))


def _pairs(lp: pl.DataFrame, rp: pl.DataFrame, on: pl.DataFrame) -> pl.DataFrame:
    """Attach both sides' attributes to (_key, _key_r) pairs; gap = left - right year."""
    cols = ["_key", "kind", "norm", "year", pl.col("seasons").alias("seasons_l"),
            pl.col("runtime").alias("runtime_l")]
    return (on.join(lp.select(cols), on="_key")
            .join(rp.select("_key", "kind", "norm", "year", "seasons", "runtime")
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


# --- stage 3: variant titles --------------------------------------------------------

def _digits(norm: str) -> str:
    """Number words as digits, spaces dropped: "one eight seven" and "187" both give
    "187" (roman numerals too: "rocky iii" -> "rocky3")."""
    return "".join(str(_NUMBER_WORDS[t]) if t in _NUMBER_WORDS else t for t in norm.split())


_SUBTITLE_SEPARATORS = (":", " - ", " – ")


def _heads(titles: pl.Series) -> list[list[str]]:
    """Per title, the compact normalized part before each subtitle separator it has
    (vectorized: normalizing every head in Python was most of stage 3's time)."""
    frame = titles.to_frame("t")
    cols = [pl.when(pl.col("t").str.contains(sep, literal=True))
            .then(normalize_title(pl.col("t").str.split(sep).list.first()))
            .str.replace_all(" ", "", literal=True).alias(f"h{i}")
            for i, sep in enumerate(_SUBTITLE_SEPARATORS)]
    heads = frame.select(pl.concat_list(cols).list.drop_nulls().alias("h"))["h"]
    return [[h for h in row if len(h) >= 4] for row in heads.to_list()]


def _shortened(norm: str, heads: list[str]) -> set[str]:
    """Compact forms of a title without its leading article, and without its subtitle
    (the part after the first colon or dash), for the confirmed-shortening rule."""
    out = set(heads)
    for art in _ARTICLES:
        if norm.startswith(art) and len(norm) > len(art) + 3:
            out.add(norm[len(art):].replace(" ", ""))
    return out


def _is_latin(norm: str) -> bool:
    return any("a" <= ch <= "z" for ch in norm)


def _variant_keys(frame: pl.DataFrame, titles: dict[str, str], left: bool) -> pl.DataFrame:
    """(_key, vkey, form) rows: every variant form of each title. Forms: "version"
    (left only: the title without its language tag), "digits", "short" (article or
    subtitle dropped) and "full" (the compact title)."""
    rows = []
    keys = frame["_key"].to_list()
    all_heads = _heads(pl.Series([titles[k] for k in keys], dtype=pl.String))
    for key, norm, heads in zip(keys, frame["norm"].to_list(), all_heads):
        base = norm
        m = _VERSION_RE.match(norm) if left else None
        if m and "version" in titles[key].lower():
            base = m.group(1)
            rows.append((key, base.replace(" ", ""), "version"))
        elif left and _LANGUAGE_TAG_RE.search(titles[key]) and " " in norm:
            base = norm.rsplit(" ", 1)[0]
            rows.append((key, base.replace(" ", ""), "version"))
        rows.append((key, _digits(base), "digits"))
        # a language-tagged title keeps its own heads: "X: International Version" -> "x"
        rows.extend((key, short, "short") for short in _shortened(base, heads))
        rows.append((key, base.replace(" ", ""), "full"))
    return pl.DataFrame(rows, orient="row", schema={"_key": pl.String, "vkey": pl.String,
                                                    "form": pl.String}).unique()


# (left form, right form) -> rule. A shortened title meets the other side's full title,
# never another shortening ("X: Part One" and "X: Part Two" share the head "X").
_FORM_RULES = {("version", "full"): VERSION, ("version", "digits"): VERSION,
               ("digits", "digits"): NUMBER_WORDS, ("short", "full"): SHORTENED,
               ("full", "short"): SHORTENED}


def _with_directors(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows that name at least one director."""
    if "directors" not in frame.columns:
        return frame.clear()
    return frame.filter(pl.col("directors").str.replace_all(r"[\s,]", "").str.len_chars() > 0)


def _variant_pairs(lp: pl.DataFrame, rp: pl.DataFrame, titles_l: dict, titles_r: dict,
                   ev: _Evidence                   ) -> pl.DataFrame:
    """Candidate pairs of stage 3 with the rule that produced them (one per pair)."""
    lv = _variant_keys(lp, titles_l, left=True)
    rv = _variant_keys(rp, titles_r, left=False)
    rules = pl.DataFrame([(a, b, r) for (a, b), r in _FORM_RULES.items()], orient="row",
                         schema={"form": pl.String, "form_r": pl.String, "rule": pl.String})
    # per pair the most specific rule wins: version < number words < shortened
    rank = {VERSION: 0, NUMBER_WORDS: 1, SHORTENED: 2}
    on = (lv.join(rv.rename({"_key": "_key_r", "form": "form_r"}), on="vkey")
          .join(rules, on=["form", "form_r"])
          .with_columns(rank=pl.col("rule").replace_strict(rank, return_dtype=pl.Int8))
          .sort("rank").group_by("_key", "_key_r", maintain_order=True).agg(pl.col("rule").first()))
    # another script: no shared spelling at all, so every same-kind pair within a year is a
    # candidate and the evidence (synopsis and a director) has to carry the decision
    # The rule needs a director on both sides, so rows without one are no candidates
    # (the market has no directors: this kept every market film a candidate of every
    # non-Latin title, and tokenizing their synopses cost seconds).
    other = _with_directors(lp).filter(
        ~pl.col("norm").map_elements(_is_latin, return_dtype=pl.Boolean)
        & pl.col("year").is_not_null())
    near = (other.select("_key", "kind", "year")
            .join(_with_directors(rp).select(pl.col("_key").alias("_key_r"), "kind",
                                             pl.col("year").alias("year_r")), on="kind")
            .filter((pl.col("year") - pl.col("year_r")).abs() <= 1)
            .select("_key", "_key_r", rule=pl.lit(OTHER_SCRIPT)))
    # another title altogether (a translation, a retitling): the same people, at least
    # PEOPLE_CONFIRM of them, credited on both sides
    mine = ev.lnames.filter(pl.col("_key").is_in(lp["_key"].implode()))
    shared = (mine.explode("names")
              .join(ev.rnames.explode("names").rename({"_key": "_key_r"}), on="names")
              .group_by("_key", "_key_r").agg(pl.len().alias("n"))
              .filter(pl.col("n") >= PEOPLE_CONFIRM)
              .select("_key", "_key_r", rule=pl.lit(SHARED_PEOPLE)).sort("_key", "_key_r"))
    both = pl.concat([on.select("_key", "_key_r", "rule"), near, shared]).unique(
        ["_key", "_key_r"], keep="first", maintain_order=True)
    pairs = _pairs(lp, rp, both.select("_key", "_key_r"))
    return pairs.join(both, on=["_key", "_key_r"]).filter(
        pl.col("kind") == pl.col("kind_r"))


def _score_variant(c: dict, ev: _Evidence) -> tuple[str, float] | None:
    """(method, confidence) of a stage-3 pair, or None to reject. The year must agree
    (movies within a year, shows by the season rule) for every rule."""
    gap, kind, rule = c["year_gap"], c["kind"], c["rule"]
    if gap is None or _too_many_seasons(c["seasons_l"], c["seasons_r"]):
        return None
    if kind == "movie" and _runtimes_differ(c["runtime_l"], c["runtime_r"]):
        return None
    if kind == "movie" and abs(gap) > 1:
        return None
    if kind == "show" and not (_show_years_plausible(gap, c["seasons_r"]) or gap == -1):
        return None
    confirmed, desc = ev.confirms(c["_key"], c["_key_r"])
    if rule in (VERSION, NUMBER_WORDS):
        # the same title once the language tag or the spelling of numbers is set aside
        if desc is not None and desc < DESC_WEAK and not confirmed:
            return None
        return rule, 0.90 - 0.05 * abs(gap)
    if rule == SHORTENED:
        # "Kingdom" / "The Kingdom" are often different works: evidence must confirm,
        # and a synopsis alone only for the same year ("Jackie: A Tale of Two Sisters",
        # 2017, shares words with the 2016 "Jackie" about the same woman)
        director = ev.directors(c["_key"], c["_key_r"]) is True
        if not confirmed or (not director and kind == "movie" and gap != 0):
            return None
        return rule, 0.85 - 0.05 * abs(gap)
    if rule == SHARED_PEOPLE:
        return _score_shared_people(c, ev, desc)
    # another script: the synopsis must overlap and a director must be shared
    if (desc or 0.0) >= DESC_CONFIRM and ev.directors(c["_key"], c["_key_r"]) is True:
        return rule, 0.80 - 0.05 * abs(gap)
    return None


def _score_shared_people(c: dict, ev: _Evidence, desc: float | None) -> tuple[str, float] | None:
    """A title under another name ("La ley de Herodes" = "Herod's Law"): same kind and
    consistent year (checked by the caller), at least PEOPLE_CONFIRM people credited on
    both sides and a synopsis that overlaps. Different instalments keep their numbers
    apart ("Part 2" / "Part 3"); two candidates alike in everything are a tie, dropped."""
    if ev.shared_people(c["_key"], c["_key_r"]) < PEOPLE_CONFIRM:
        return None
    # the synopsis confirms; or one title holds the other ("Agatha Christie's Crooked
    # House" / "Crooked House") and the synopses are not unrelated. People alone are not
    # enough: voice casts and character actors share many titles of a year.
    contained = fuzz.token_set_ratio(c["norm"], c["norm_r"]) >= TITLE_CONTAINED
    if (desc or 0.0) < DESC_CONFIRM and not (contained and (desc is None or desc >= DESC_WEAK)):
        return None
    ln, rn = _numbers(c["norm"]), _numbers(c["norm_r"])
    if ln - rn and rn - ln:
        return None
    return SHARED_PEOPLE, 0.80 - 0.05 * abs(c["year_gap"])


# --- decisions -----------------------------------------------------------------------

Rule = Callable[[dict, tuple[bool, float | None]], "tuple[str, float] | None"]


def _score(pairs: pl.DataFrame, ev: _Evidence, rule: Rule) -> pl.DataFrame:
    """Apply `rule` to every pair; keep accepted ones with method, confidence and
    whether description/directors support them (a tie-breaker)."""
    rows = []
    ev.prepare(pairs)
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


def _stage_variants(left, right, left_key, right_key, lp, rp, ev, chosen, fuzzy):
    """Stage 3 on left rows still unmatched: language versions (may share a right row
    already used, since several dubs are one film), number words, confirmed shortenings
    and titles in another script (right rows not used yet)."""
    done = pl.concat([chosen["_key"], fuzzy["_key"]])
    used = pl.concat([chosen["_key_r"], fuzzy["_key_r"]])
    rest_l = lp.filter(~pl.col("_key").is_in(done.implode()))
    if rest_l.is_empty():
        return chosen.clear()
    titles_l = dict(zip(left[left_key].cast(pl.String).to_list(), left["title"].to_list()))
    titles_r = dict(zip(right[right_key].cast(pl.String).to_list(), right["title"].to_list()))
    pairs = _variant_pairs(rest_l, rp, titles_l, titles_r, ev)
    pairs = pairs.filter((pl.col("rule") == VERSION) | ~pl.col("_key_r").is_in(used.implode()))
    scored = _score(pairs, ev, lambda c, v: _score_variant(c, ev))
    versions = _unique_best(scored.filter(pl.col("match_method") == VERSION), "_key")
    others = _one_to_one(scored.filter(pl.col("match_method") != VERSION))
    return pl.concat([versions, others.filter(~pl.col("_key").is_in(versions["_key"].implode()))])


def resolve_titles(left: pl.DataFrame, right: pl.DataFrame, *, left_key: str,
                   right_key: str, fuzzy_threshold: float = FUZZY_THRESHOLD) -> pl.DataFrame:
    """Match left titles to right titles; one row per matched left key.

    Both frames need `<key>`, kind ("movie"/"show"), title and release_year (Int32);
    the right may add seasons, either may add description, directors (comma list) and
    people (comma list of cast and directors). Output: left_key, right_key,
    match_method, match_confidence, year_gap (left year minus right year), sorted by
    left key; keys keep their input dtypes. A title the left lists twice (see
    `_duplicates`) is matched once and both rows get the match.
    """
    unique, copies = _duplicates(left, left_key)
    found = _resolve_unique(unique, right, left_key=left_key, right_key=right_key,
                            fuzzy_threshold=fuzzy_threshold)
    return _copy_to_duplicates(found, copies, left_key)


def _duplicates(left: pl.DataFrame, key: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(left without its repeated rows, (copy, original) key pairs). Netflix lists a few
    titles twice ("Love in a Puff" / "Love In A Puff"): same normalized title, kind and
    year, and the same directors or the same synopsis. Both rows are one title; matched
    separately they would tie for every record and both stay unmatched."""
    same = [c for c in ("directors", "description") if c in left.columns]
    if not same:
        return left, pl.DataFrame(schema={"_copy": left.schema[key], "_orig": left.schema[key]})
    frame = left.with_columns(_norm=normalize_title(pl.col("title")))
    pairs = []
    for col in same:
        groups = (frame.filter(pl.col(col).is_not_null() & (pl.col("_norm") != ""))
                  .group_by("_norm", "kind", "release_year", col)
                  .agg(pl.col(key).sort().alias("_keys"))
                  .filter(pl.col("_keys").list.len() > 1))
        pairs.append(groups.select(_orig=pl.col("_keys").list.first(),
                                   _copy=pl.col("_keys").list.slice(1)).explode("_copy"))
    copies = pl.concat(pairs).unique("_copy").select("_copy", "_orig").sort("_copy")
    copies = copies.filter(~pl.col("_orig").is_in(copies["_copy"].implode()))
    return left.filter(~pl.col(key).is_in(copies["_copy"].implode())), copies


def _copy_to_duplicates(found: pl.DataFrame, copies: pl.DataFrame, key: str) -> pl.DataFrame:
    """The original's match, given to each of its repeated rows too."""
    extra = (copies.join(found, left_on="_orig", right_on=key)
             .drop("_orig").rename({"_copy": key}).select(found.columns))
    return pl.concat([found, extra]).sort(key)


def _resolve_unique(left: pl.DataFrame, right: pl.DataFrame, *, left_key: str,
                   right_key: str, fuzzy_threshold: float = FUZZY_THRESHOLD) -> pl.DataFrame:
    """`resolve_titles` on a left frame without repeated titles.

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
    out = pl.concat([chosen, fuzzy, _stage_variants(left, right, left_key, right_key, lp, rp,
                                                    ev, chosen, fuzzy)])
    out = out.drop("_support").sort("_key")
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


# --- many titles per record (IMDb akas) -----------------------------------------------

def title_keys(titles: pl.Series) -> pl.Series:
    """Per title, the compact keys every matching stage except the fuzzy one can meet
    it by: the full title, its number words as digits, without a leading article, its
    head before a subtitle separator, and without a "(… Version)" tag. Two titles that
    stages 1 and 3 could pair share a key, so a large file can be cut down to the rows
    sharing a key with the catalog before the matcher runs (vectorized: IMDb's akas
    hold tens of millions of rows)."""
    frame = titles.to_frame("t").with_columns(n=normalize_title(pl.col("t")))
    digits = pl.col("n")
    for word, number in _NUMBER_WORDS.items():
        digits = digits.str.replace_all(rf"\b{word}\b", str(number))
    unversioned = (pl.col("n").str.replace(_VERSION_RE.pattern, "${1}")
                   .str.replace(rf" (?:{_LANGUAGES})$", ""))
    article = pl.col("n").str.replace(r"^(?:the|a|an) ", "")
    heads = [normalize_title(pl.col("t").str.split(sep).list.first())
             for sep in _SUBTITLE_SEPARATORS]
    forms = [pl.col("n"), digits, unversioned, article, *heads]
    return frame.select(pl.concat_list([f.str.replace_all(" ", "", literal=True)
                                        for f in forms])
                        .list.unique().list.eval(pl.element().filter(pl.element() != ""))
                        .alias("keys"))["keys"]


def resolve_aliases(left: pl.DataFrame, right: pl.DataFrame, *, left_key: str,
                    right_key: str) -> pl.DataFrame:
    """`resolve_titles` against a right frame holding several titles per record (one row
    per alias: IMDb's primary, original and alternate titles, each with the record's
    kind, year, seasons and runtime). The same rules apply to every alias; a record is
    then used once, by its best left title, except by language versions (several dubs
    are one film), and a tie for a record drops it. Output as `resolve_titles`'."""
    aliases = (right.with_columns(_norm=normalize_title(pl.col("title")))
               .unique([right_key, "_norm"], keep="first", maintain_order=True)
               .with_row_index("_alias").with_columns(pl.col("_alias").cast(pl.String)))
    unique, copies = _duplicates(left, left_key)
    found = _resolve_unique(unique, aliases.drop(right_key, "_norm"), left_key=left_key,
                            right_key="_alias")
    found = found.join(aliases.select("_alias", right_key), on="_alias").drop("_alias")
    return _copy_to_duplicates(_one_record_each(found, left_key, right_key), copies,
                               left_key)


def _one_record_each(found: pl.DataFrame, left_key: str, right_key: str) -> pl.DataFrame:
    """Each right record to its best left key (confidence, then year gap), ties
    dropped; language versions keep sharing their film's record."""
    versions = found.filter(pl.col("match_method") == VERSION)
    rest = found.filter(pl.col("match_method") != VERSION)
    gap = pl.col("year_gap").abs().fill_null(99)
    best = rest.filter(pl.col("match_confidence")
                       == pl.col("match_confidence").max().over(right_key))
    best = best.filter(gap == gap.min().over(right_key))
    best = best.filter(pl.len().over(right_key) == 1)
    return pl.concat([best, versions])
