"""Labelled CSV files → genre-classifier records (`evaluate-genres`, and the unseen set).

Columns (docs/models/genre_classifier.md, "Check it on your own data"):
- tmdb: `title, overview, genres` (TMDB genre names separated by `|`), optional
  `release_date` (YYYY-MM-DD, or a year) and `original_language`.
- netflix: `title, description, type, listed_in` (`, `-separated, as in the Kaggle
  file), optional `country, cast, director, rating, release_year, duration`.

Files nobody cleaned are read as they come, and what was read another way is said in a
note: comma, semicolon or tab separated; UTF-8 (with or without BOM), UTF-16 with a BOM,
or Windows-1252; headers in any case and spacing; labels in any case and separated by
another of `|`, `,`, `;` when that is what the file (or one row) uses, or written as a
list (`['Drama', 'Crime']`, as pandas saves one); for tmdb, TMDB's numeric `genre_ids`
when there is no `genres` column; release dates in other formats (the year is read).
A label the model does not know is counted and left out; a row left with no known label,
a type that is neither a movie nor a show, or a repeat of an earlier row is skipped and
counted. A file that is not a CSV at all (Excel, JSON, a folder) is a
FileProblem with a message saying what was expected, as is a UTF-16 file cut
mid-character, and a file none of whose rows can be scored (with every reason).
"""
from __future__ import annotations

import ast
import codecs
import functools
import gzip
import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from base.delimited import separator
from base.kinds import kind_of, rating_of
from base.text import counted, shown

REQUIRED = {"tmdb": ("title", "overview", "genres"),
            "netflix": ("title", "description", "type", "listed_in")}
OPTIONAL = {"tmdb": ("release_date", "original_language"),
            "netflix": ("country", "cast", "director", "rating", "release_year", "duration")}
LABEL_COLUMN = {"tmdb": "genres", "netflix": "listed_in"}
# the documented separator first: another is used only when it finds more known labels
LABEL_SEPARATORS = {"tmdb": ("|", ",", ";"), "netflix": (",", "|", ";")}
# the recent TMDB movies outside the bundle (etl/snapshot/SOURCES.md): tune / report parts
UNSEEN_TMDB = Path(__file__).resolve().parent.parent / "etl" / "snapshot" / "tmdb_unseen_movies.csv.gz"
MAX_ROWS = 200_000
# a file (or a .gz's contents) larger than this is refused before it is read: 200,000
# rows of titles and synopses are 40-100 MB, and a small .gz can hold gigabytes
MAX_BYTES = 128 << 20
MAX_HEADER_CHARS = 100_000   # a header line longer than this is no header (20 MB seen)
# TMDB's movie genre ids (its API's /genre/movie/list, fixed since 2015): a file saved
# from the API's lists holds `genre_ids` ("[28, 12]") and no names
TMDB_GENRE_IDS = {28: "Action", 12: "Adventure", 16: "Animation", 35: "Comedy", 80: "Crime",
                  99: "Documentary", 18: "Drama", 10751: "Family", 14: "Fantasy",
                  36: "History", 27: "Horror", 10402: "Music", 9648: "Mystery",
                  10749: "Romance", 878: "Science Fiction", 10770: "TV Movie",
                  53: "Thriller", 10752: "War", 37: "Western"}
LIST_LITERAL = re.compile(r"\s*\[(.*)\]\s*", re.DOTALL)
MAX_LIST_CHARS = 10_000   # a label cell longer than this is split, not parsed
SEPARATOR_NAMES = {";": "semicolon", "\t": "tab", "|": "pipe"}
EXPECTED = "a CSV file (comma-, semicolon- or tab-separated, with a header row)"


class FileProblem(ValueError):
    """The file cannot be scored; the message says why."""


@dataclass
class LabelledFile:
    records: list[dict]
    unknown_labels: Counter = field(default_factory=Counter)
    skipped_rows: int = 0          # rows with no known label (or no text at all)
    # what was read another way than documented, or left out (one sentence each)
    notes: list[str] = field(default_factory=list)


# values of optional columns read another way or left out: (column, what was done)
UNREAD = {"release_date": ("release_date", "could not be read: left empty"),
          "release_date_year": ("release_date", "not YYYY-MM-DD: the year was read, the "
                                                "month left out"),
          "release_date_two_digit": ("release_date", "with a two-digit year: read as 20yy "
                                                     "up to next year, else 19yy (a guess "
                                                     "for films of the 1920s)"),
          "original_language": ("original_language", "not an ISO 639-1 code (en, ja…) "
                                                     "nor a language name read: left empty"),
          "original_language_name": ("original_language", "a language's name: read as its "
                                                          "ISO 639-1 code"),
          "duration": ("duration", "could not be read: left empty"),
          "rating": ("rating", "not a Netflix rating (TV-MA, PG-13…): left empty"),
          "release_year": ("release_year", "could not be read: left empty"),
          "duration_kind": ("duration", "contradicting the row's type (seasons on a Movie, "
                                        "minutes on a TV Show): check the type column")}


@dataclass
class _Unread:
    """Values of optional columns read another way or left out, per UNREAD key."""
    counts: Counter = field(default_factory=Counter)

    def __call__(self, key: str, value) -> None:
        if str(value or "").strip():
            self.counts[key] += 1

    def notes(self) -> list[str]:
        return [f"{UNREAD[key][0]}: {counted(n, 'value')} {UNREAD[key][1]}"
                for key, n in self.counts.most_common()]


def _split(value, sep: str) -> list[str]:
    return [v.strip() for v in (value or "").split(sep) if v.strip()]


def _names(value) -> list[str]:
    """Countries or people: separated by commas as the Kaggle file does, or by '|' or
    ';' as other exports do ("United States|India" was one unknown country)."""
    return [v.strip() for v in re.split(r"[,|;]", value or "") if v.strip()]


def _year(value, earliest: int = 1874) -> int | None:
    """A four-digit year anywhere in the text ("2019", "10/15/2019", "year 2019"), if
    it is a plausible release year: from `earliest` (the API's bound: 1874 for a TMDB
    movie, 1900 for a Netflix title) to next year; a negative number is none."""
    text = str(value or "")
    match = re.search(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", text)
    year = int(match.group(1)) if match and not re.match(r"\s*-\s*\d", text) else None
    return year if year is not None and earliest <= year <= date.today().year + 1 else None


# a whole duration: "90 min", "90m", "90", "1h 36m", "1h36", "1.5h", "1,5 h", "2 hours 10 min"
# (numbers of at most 4 digits: a longer one is no runtime, and int() of thousands of
# digits raises)
DURATION = re.compile(r"(?:(\d{1,4}(?:[.,]\d{1,4})?)\s*h(?:ours?|rs?)?\.?)?\s*"
                      r"(?:(\d{1,4})\s*(?:m|mins?|minutes?)?\.?)?")


def _minutes(text: str) -> int | None:
    """Minutes of a whole duration text (DURATION), or None: "3 months" or "120 min
    (2h)" are not read rather than read wrong."""
    match = DURATION.fullmatch(text.strip())
    if not match or not any(match.groups()):
        return None
    hours, minutes = match.groups()
    total = round(float((hours or "0").replace(",", ".")) * 60) + int(minutes or 0)
    return total if 0 < total <= 600 else None


def _two_digit_year(text: str, unread: _Unread | None) -> int | None:
    """The year of a M/D/YY date: 20yy up to next year, else 19yy, and said to be a
    guess (Metropolis, 2/6/27, comes out as 2027)."""
    short = re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-](\d{2})", text)
    if not short:
        return None
    if unread:
        unread("release_date_two_digit", text)
    yy = int(short.group(1))
    return (2000 if 2000 + yy <= date.today().year + 1 else 1900) + yy


def tmdb_record(row: dict, unread: _Unread | None = None) -> dict:
    """A TMDB row's inputs (its labels: labelled_records, which finds the separator).
    The year: release_date's, else a release_year or year column's (read, a movie
    sent without it matches a training movie on its title alone: a remake would count
    as seen); a two-digit year (12/24/21, as TMDB's posters export writes it) is 20yy
    up to next year, else 19yy."""
    given = [t for c in ("release_date", "release_year", "year")
             if (t := str(row.get(c) or "").strip())]
    text = given[0] if given else ""
    iso = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-\d{1,2})?)?(?:[ T].*)?", text)
    year = next((y for t in given if (y := _year(t) or _two_digit_year(t, unread))), None)
    month = int(iso.group(2)) if iso and iso.group(2) else None
    if month is not None and not 1 <= month <= 12:
        month, iso = None, None   # counted below as not read
    if unread and text and (not iso or year is None):
        unread("release_date_year" if year else "release_date", text)
    return {"kind": "movie", "title": (row.get("title") or "").strip(),
            "description": (row.get("overview") or "").strip(),
            "original_language": _language(row.get("original_language"), unread),
            "release_year": year, "release_month": month}


# languages written out, as some exports give them ("English"), to the ISO 639-1 codes
# TMDB uses and the model read
LANGUAGE_CODES = {"english": "en", "french": "fr", "spanish": "es", "german": "de",
                  "italian": "it", "japanese": "ja", "korean": "ko", "chinese": "zh",
                  "mandarin": "zh", "cantonese": "cn", "hindi": "hi", "portuguese": "pt",
                  "russian": "ru", "turkish": "tr", "arabic": "ar", "dutch": "nl",
                  "swedish": "sv", "danish": "da", "norwegian": "no", "finnish": "fi",
                  "polish": "pl", "thai": "th", "indonesian": "id", "tagalog": "tl",
                  "telugu": "te", "tamil": "ta", "malayalam": "ml", "persian": "fa",
                  "hebrew": "he", "greek": "el", "czech": "cs", "hungarian": "hu",
                  "ukrainian": "uk", "vietnamese": "vi", "romanian": "ro"}


def _language(value, unread: _Unread | None) -> str | None:
    text = str(value or "").strip().lower()
    if not text or (len(text) in (2, 3) and text.isalpha()):
        return text or None
    if text in LANGUAGE_CODES:
        if unread:
            unread("original_language_name", value)
        return LANGUAGE_CODES[text]
    if unread:
        unread("original_language", value)
    return None


def netflix_record(row: dict, unread: _Unread | None = None) -> dict:
    """A Kaggle-style row's inputs (its labels: labelled_records)."""
    unread = unread or _Unread()
    duration = str(row.get("duration") or "").strip().lower()
    rating = str(row.get("rating") or "").strip()
    if not duration and re.fullmatch(r"\d+\s*min", rating.lower()):
        duration, rating = rating.lower(), ""   # the Kaggle file's own slip (3 rows)
    seasons = int(m.group(1)) if (m := re.match(r"\s*(\d{1,4})\s*season", duration)) else None
    runtime = None if seasons else _minutes(duration)
    if duration and runtime is None and seasons is None:
        unread("duration", duration)
    if rating and rating_of(rating) is None:
        unread("rating", rating)
    year = _year(row.get("release_year"), earliest=1900)
    if year is None:
        unread("release_year", row.get("release_year"))
    kind = kind_of(row.get("type"))
    if (kind, bool(seasons)) in (("movie", True), ("show", False)) and (seasons or runtime):
        unread("duration_kind", duration)
    people = _names(row.get("cast")) + _names(row.get("director"))
    return {"kind": kind,
            "title": (row.get("title") or "").strip(),
            "description": (row.get("description") or "").strip(),
            "countries": _names(row.get("country")), "people": people,
            "maturity_rating": rating_of(rating),
            "release_year": year, "runtime_minutes": runtime,
            "seasons": seasons}


def _decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """The file's text and a note when it was not UTF-8."""
    head = data[:4096]
    controls = sum(b < 9 or 13 < b < 32 for b in head)   # NUL and kin; not tab or breaks
    if controls > max(len(head) // 20, 8) and \
            not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # text has next to no control bytes; UTF-16 without its byte order mark (every
        # other byte NUL) or a binary file, read as UTF-8, gave "a row has more fields
        # than the header"
        raise FileProblem(f"{name} is not text: UTF-16 without a byte order mark, or a "
                          f"binary file; expected {EXPECTED}, saved as UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:   # a cut-off or corrupted UTF-16 file
            raise FileProblem(f"{name} starts as UTF-16 text but byte {exc.start:,} cannot "
                              "be read as UTF-16 (a truncated or corrupted file?): save it "
                              "again as CSV (UTF-8)") from None
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), [
            f"{name} is not UTF-8: read as Windows-1252 (save it as UTF-8 if accents look wrong)"]


def _column_name(name: str) -> str:
    """"Release Date", " title", "LISTED-IN" → release_date, title, listed_in."""
    return re.sub(r"[\s-]+", "_", name.strip().strip("\ufeff").strip().lower())


def read_frame(path: Path) -> tuple[pl.DataFrame, list[str]]:
    """The file as text columns with normalized header names, and notes on how it was
    read (an encoding or a separator other than the documented ones)."""
    path = Path(path)
    if path.is_dir():
        raise FileProblem(f"{path} is a folder; expected {EXPECTED} of labelled titles")
    if not path.exists():
        raise FileProblem(f"no such file: {path}")
    if not path.is_file():   # a device or a pipe: reading it may never end
        raise FileProblem(f"{path} is not a regular file; expected {EXPECTED}")
    too_large = FileProblem(f"{path.name} is larger than {MAX_BYTES >> 20} MB (or holds "
                            f"more, compressed): split it (at most {MAX_ROWS:,} rows)")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise too_large
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":   # gzip, whatever the name says; read up to the cap
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
                data = unpacked.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise too_large
    except (OSError, EOFError, zlib.error) as exc:   # zlib: a corrupt .gz's data
        raise FileProblem(f"{path.name} could not be read ({exc})") from None
    if data[:4] == b"PK\x03\x04":
        raise FileProblem(f"{path.name} is a zip or Excel workbook, not {EXPECTED}: "
                          "save the sheet as CSV (UTF-8)")
    if data[:64].lstrip()[:1] in (b"{", b"["):
        raise FileProblem(f"{path.name} looks like JSON, not {EXPECTED}")
    text, notes = _decode(data, path.name)
    if not text.strip():
        raise FileProblem(f"{path.name} is empty: expected {EXPECTED}")
    if "\x00" in text:   # a few stray NUL bytes (a text file has none): dropped, said
        notes.append(f"{path.name} holds {counted(text.count(chr(0)), 'NUL byte')}: left out")
        text = text.replace("\x00", "")
    if "\r" in text and "\n" not in text:   # classic Mac line endings: one line to polars
        text = text.replace("\r", "\n")
        notes.append(f"{path.name} ends its lines with CR alone (old Mac style): read that way")
    if excel := re.match(r"\s*sep=([,;\t|])[ \t]*\r?\n", text, re.IGNORECASE):
        # Excel's first line naming the separator ("sep=;"), before the header
        text = text[excel.end():]
        notes.append(f"{path.name} starts with Excel's '{excel.group(0).strip()}' line: "
                     "the header is the next line")
    end = text.find("\n", 0, MAX_HEADER_CHARS + 1)
    if end < 0 and len(text) > MAX_HEADER_CHARS:
        raise FileProblem(f"{path.name}'s first line is over {MAX_HEADER_CHARS:,} characters "
                          f"long: not the header row of {EXPECTED}")
    header = text[:end] if end >= 0 else text
    sep = excel.group(1) if excel else separator(header)
    if sep != ",":
        notes.append(f"{path.name} is {SEPARATOR_NAMES[sep]}-separated: "
                     "read that way")
    try:
        frame = pl.read_csv(text.encode(), separator=sep, infer_schema=False,
                            n_rows=MAX_ROWS + 1)
    except pl.exceptions.PolarsError as exc:
        line = re.search(r"line (\d+)|row (\d+)", str(exc))
        where = f" (near {line.group(0)})" if line else ""
        raise FileProblem(f"{path.name} is not {EXPECTED}: a row has more fields than the "
                          f"header{where}, or quotes do not close") from None
    if not frame.height and any(line.strip() for line in text.splitlines()[1:]):
        # polars reads the rest of the file into one open quote: "no rows" misled
        raise FileProblem(f"{path.name} has lines after its header but no row could be "
                          "read: a quote (\") opens and never closes")
    normalized = {c: _column_name(c) for c in frame.columns}
    counts = Counter(normalized.values())
    # a name two headers normalize to ("Title" and "title ") is left as written
    frame = frame.rename({c: n for c, n in normalized.items() if counts[n] == 1})
    for name in sorted({n for n in normalized.values() if counts[n] > 1})[:5]:
        written = [shown(c, 40) for c, n in normalized.items() if n == name]
        notes.append(f"{path.name}: columns {' and '.join(written)} both name {shown(name, 40)}: "
                     f"only one written exactly '{shown(name, 40)}' is read as it")
    if frame.height > MAX_ROWS:
        raise FileProblem(f"{path.name} has more than {MAX_ROWS:,} rows; split it")
    return frame, notes


def _columns_shown(columns: list[str], first: int = 20) -> str:
    """A header's names for a message: the first 20, each cut short."""
    names = ", ".join(shown(c, 40) for c in columns[:first]) or "none"
    return names + (f", and {len(columns) - first:,} more" if len(columns) > first else "")


def _list_items(value) -> list[str] | None:
    """The items of a list written as text, or None when `value` is not one: Python's or
    JSON's ("['Drama', 'Crime']", '["Kids\' TV"]', "[18, 80]"), nested lists flattened,
    and TMDB's own genre objects ("[{'id': 18, 'name': 'Drama'}]") by their name."""
    text = str(value or "").strip()
    if not LIST_LITERAL.fullmatch(text):
        return None
    try:
        parsed = ast.literal_eval(text) if len(text) <= MAX_LIST_CHARS else None
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        parsed = None
    if not isinstance(parsed, list):   # not a literal after all: split at the commas
        return [item for piece in text[1:-1].split(",") if (item := piece.strip(" '\""))]
    items = []

    def add(item) -> None:
        if isinstance(item, (list, tuple)):
            for inner in item:
                add(inner)
        elif isinstance(item, dict):
            add(item.get("name"))
        elif item is not None and (name := str(item).strip()):
            items.append(name)
    add(parsed)
    return items


def _genre_id_names(value, sep: str) -> str:
    """TMDB genre ids ("[28, 12]" or "28,12") as names joined by `sep`; an id TMDB does
    not have, or a piece that is no id, is kept as written (an unknown label)."""
    items = _list_items(value)
    items = items if items is not None else _names(value)   # "28,12", "28|12", "28; 12"
    return sep.join(TMDB_GENRE_IDS.get(int(i), f"genre id {i}")
                    if re.fullmatch(r"[0-9]{1,9}", i) else i for i in items)


def _lists_read_as_labels(frame: pl.DataFrame, task: str, name: str,
                          notes: list[str]) -> pl.DataFrame:
    """Label lists written as text become the documented separator's form; a TMDB file
    with `genre_ids` gets its names from TMDB's ids where it has no `genres` (the
    column, or a cell)."""
    column, sep = LABEL_COLUMN[task], LABEL_SEPARATORS[task][0]
    if task == "tmdb" and "genre_ids" in frame.columns:
        named = pl.col("genre_ids").map_elements(lambda v: _genre_id_names(v, sep),
                                                 return_dtype=pl.String)
        if column not in frame.columns:
            notes.append(f"{name} has no genres column: its genre_ids were read as TMDB's "
                         "movie genres")
            return frame.with_columns(named.alias(column))
        empty = (pl.col(column).str.strip_chars().fill_null("") == "") \
            & (pl.col("genre_ids").str.strip_chars().fill_null("") != "")
        if filled := frame.select(empty.sum()).item():
            notes.append(f"{counted(filled, 'row')} of {name} with no genres: read from "
                         "genre_ids as TMDB's movie genres")
            frame = frame.with_columns(pl.when(empty).then(named).otherwise(pl.col(column))
                                       .alias(column))
    if column not in frame.columns:
        return frame
    lists = sum(_list_items(v) is not None for v in frame[column].to_list())
    if not lists:
        return frame
    notes.append(f"{counted(lists, 'row')} of {name} write{'s its' if lists == 1 else ' their'} "
                 f"labels as a list ([…]): read that way")
    return frame.with_columns(pl.col(column).map_elements(
        lambda v: sep.join(items) if (items := _list_items(v)) is not None else v,
        return_dtype=pl.String))


def _label_separator(frame: pl.DataFrame, task: str, known: dict[str, str]) -> str:
    """The separator that finds the most known labels in the label column."""
    values = [v for v in frame[LABEL_COLUMN[task]].to_list() if v]
    documented = LABEL_SEPARATORS[task][0]
    return max(LABEL_SEPARATORS[task], key=lambda sep: (
        sum(_known_labels(v, sep, known) for v in values), sep == documented))


@functools.lru_cache(maxsize=4096)   # a file repeats a few dozen labels on every row
def label_key(label: str) -> str:
    """A label as files spell it, reduced to what identifies it: "Sci-Fi", "science
    fiction" and "Science-Fiction" are TMDB's Science Fiction, "TV-Movie" its TV Movie
    (letters, digits and '&' only, lower case; and the common abbreviation)."""
    key = re.sub(r"[^0-9a-z&]+", "", str(label).lower())
    return LABEL_SPELLINGS.get(key, key)


LABEL_SPELLINGS = {"scifi": "sciencefiction", "tvfilm": "tvmovie"}


def known_labels(labels: list[str]) -> dict[str, str]:
    """label_key → the model's label."""
    return {label_key(label): label for label in labels}


def _known_labels(value, sep: str, known: dict[str, str]) -> int:
    """How many of `value`'s labels, split at `sep`, the model knows."""
    return sum(label_key(l) in known for l in _split(value, sep))


def _row_separator(value, file_sep: str, task: str, known: dict[str, str]) -> str:
    """The file's separator, unless another finds more known labels in this row (a file
    pasted together from two sources: "Dramas, Comedies" and "Dramas|Comedies")."""
    pieces = _split(value, file_sep)
    if all(label_key(p) in known for p in pieces):   # the common case, at no extra cost
        return file_sep
    return max(LABEL_SEPARATORS[task],
               key=lambda sep: (_known_labels(value, sep, known), sep == file_sep))


# other names files give the documented columns (Kaggle's TMDB sets, IMDb-style
# exports): read when the documented name is absent and exactly one of these is there
COLUMN_ALIASES = {
    "tmdb": {"title": ("original_title", "name", "movie_title", "title_x"),
             "overview": ("description", "plot", "synopsis"),
             "genres": ("genre", "genre_names")},
    "netflix": {"description": ("overview", "plot", "synopsis"),
                "listed_in": ("categories", "genres", "genre"),
                "type": ("kind", "show_type")}}


def _other_names_read(frame: pl.DataFrame, task: str, name: str,
                      notes: list[str]) -> pl.DataFrame:
    renames = {}
    for column, others in COLUMN_ALIASES.get(task, {}).items():
        present = [o for o in others if o in frame.columns]
        if column not in frame.columns and len(present) == 1:
            renames[present[0]] = column
    if renames:
        notes.append(f"{name} has no " + ", ".join(
            f"{c} column: its {o} was read as {c}" for o, c in renames.items()))
    return frame.rename(renames)


def _other_task_hint(frame: pl.DataFrame, task: str) -> str:
    other = next(t for t in LABEL_COLUMN if t != task)
    return (f" ({LABEL_COLUMN[other]} is the {other} file's labels: --task {other}?)"
            if LABEL_COLUMN[other] in frame.columns else "")


def labelled_records(frame: pl.DataFrame, task: str, labels: list[str],
                     name: str = "the file") -> LabelledFile:
    """Records with their known labels; unknown labels counted, not an error."""
    if task not in REQUIRED:
        raise FileProblem(f"task must be one of {', '.join(REQUIRED)}")
    list_notes: list[str] = []
    frame = _other_names_read(frame, task, name, list_notes)
    frame = _lists_read_as_labels(frame, task, name, list_notes)
    missing = [c for c in REQUIRED[task] if c not in frame.columns]
    if missing:
        raise FileProblem(f"{name} lacks column(s) {', '.join(missing)}; a {task} file needs "
                          f"{', '.join(REQUIRED[task])} (optional: {', '.join(OPTIONAL[task])});"
                          f" its columns are: {_columns_shown(frame.columns)}"
                          + _other_task_hint(frame, task))
    if not frame.height:
        raise FileProblem(f"{name} has a header but no rows")
    known = known_labels(labels)
    out, unread = LabelledFile([], notes=list_notes), _Unread()
    column, sep = LABEL_COLUMN[task], _label_separator(frame, task, known)
    if sep != LABEL_SEPARATORS[task][0]:
        out.notes.append(f"the labels in {column} are separated by '{sep}' in {name} "
                         f"(documented: '{LABEL_SEPARATORS[task][0]}'): read that way")
    convert = tmdb_record if task == "tmdb" else netflix_record
    skipped, title_only, other_sep = Counter(), 0, Counter()
    respelt: Counter = Counter()
    # (title, text, year) → its record: a repeated row adds its labels (a file of one
    # row per title and genre, as a database join writes it, scored each row as a title
    # of one genre) or is a repeat
    by_title: dict[tuple, dict] = {}
    unknown_of: dict[tuple, set] = {}
    merged = 0
    for row in frame.iter_rows(named=True):
        record = convert(row, unread)
        row_sep = _row_separator(row.get(column), sep, task, known)
        other_sep[row_sep] += row_sep != sep
        given = _split(row.get(column), row_sep)
        as_model = {l: known.get(label_key(l)) for l in given}   # None: not the model's
        record["labels"] = list(dict.fromkeys(m for m in as_model.values() if m))
        respelt.update(f"{l} as {m}" for l, m in as_model.items() if m and l.lower() != m.lower())
        key = (record["title"], record["description"], record["release_year"],
               record["kind"])
        earlier = by_title.get(key)
        new_labels = [l for l in record["labels"] if earlier is None or l not in earlier["labels"]]
        # a title's labels the model does not know are counted once, on whichever row
        unknown = unknown_of.setdefault(key, set())
        out.unknown_labels.update(l for l, m in as_model.items() if not m and l not in unknown)
        unknown.update(given)
        if earlier is not None and new_labels:
            earlier["labels"] += new_labels
            merged += 1
            continue
        repeat = earlier is not None
        if record["kind"] is None:
            kind = str(row.get("type") or "").strip()[:30]
            skipped[f"a type other than Movie or TV Show ({kind!r})" if kind else "no type"] += 1
        elif not record["labels"]:
            skipped["no known label"] += 1
        elif not (record["title"] or record["description"]):
            skipped["no title or text"] += 1
        elif repeat:
            skipped["the same title, text and labels as an earlier row"] += 1
        else:
            by_title[key] = record
            title_only += not record["description"]
            out.records.append(record)
    out.skipped_rows = sum(skipped.values())
    if merged:
        out.notes.append(f"{counted(merged, 'row')} repeated an earlier row's title and text "
                         "with other labels: their labels were added to it (one title, "
                         "scored once)")
    if respelt:
        out.notes.append("labels spelt another way, read as the model's: " + ", ".join(
            f"{shown(s, 60)} ({n})" for s, n in respelt.most_common(5)))
    out.notes += [f"{counted(n, 'row')} separate{'s its' if n == 1 else ' their'} labels by "
                  f"'{s}' instead: read that way" for s, n in other_sep.items() if n]
    out.notes += [f"{counted(n, 'row')} skipped: {why}"
                  for why, n in skipped.most_common()]
    if title_only:
        out.notes.append(f"{counted(title_only, 'row')} scored from the "
                         f"title alone (no {REQUIRED[task][1]})")
    out.notes += unread.notes()
    if not out.records:
        # every reason, not one guess: a file of unknown types used to read as a file
        # of unknown labels
        why = "; ".join(f"{counted(n, 'row')}: {reason}" for reason, n in skipped.most_common())
        top = ", ".join(f"{shown(l, 40)} ({n})" for l, n in out.unknown_labels.most_common(5))
        raise FileProblem(f"{name}: no row could be scored ({why}"
                          + (f"; labels not known to the model: {top}" if top else "") + ")")
    return out


def unseen_tmdb(part: str, labels: list[str]) -> LabelledFile:
    """The bundled recent TMDB movies outside the bundle, `tune` or `report` part."""
    frame, _ = read_frame(UNSEEN_TMDB)
    return labelled_records(frame.filter(pl.col("part") == part), "tmdb", labels,
                            UNSEEN_TMDB.name)
