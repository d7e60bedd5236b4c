"""Netflix viewing-history files (NetflixViewingHistory.csv) -> parsed, matched history.

`parse_history(data, catalog)` checks the upload (size, archive/binary signatures,
encoding, header, row count), reads `Title,Date` rows, works out the date order from
the whole file, removes exact duplicate rows, splits titles into show / season /
episode, and matches each distinct item to the catalog once (blend/history_matching.py).
Anything a user can get wrong raises HistoryError with a message meant to be shown as
is; nothing is stored here. Formats, limits and decisions: docs/BLEND.md.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import threading
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import polars as pl

from base import settings
from base.delimited import separator
from base.text import counted
from blend.history_matching import ENGINE, HistoryCatalog, fuzzy_match, split_titles

__all__ = ["HistoryError", "HistoryCatalog", "ParsedHistory", "blend_catalog",
           "load_catalog", "parse_history"]

STREAMING_START = date(2007, 1, 1)   # Netflix streaming began in January 2007
MAX_CELL_CHARS = 500                 # longest title or date cell accepted
MAX_DUPLICATE_SHARE = 0.5            # refuse files that are mostly exact repeats
MAX_FUZZY_ITEMS = 2000               # unmatched items given a fuzzy search, most-watched first
# Signatures of files people rename to .csv by mistake, with what to call them.
MAGIC = [(b"PK\x03\x04", "a zip archive (or an Excel .xlsx workbook)"),
         (b"PK\x05\x06", "an empty zip archive"), (b"\x1f\x8b", "gzip-compressed data"),
         (b"BZh", "bzip2-compressed data"), (b"\xfd7zXZ\x00", "xz-compressed data"),
         (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!\x1a\x07", "a RAR archive"),
         (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
         (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook"), (b"SQLite format 3", "a SQLite database")]
BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]
FALLBACK_ENCODINGS = ["utf-8", "cp1252", "latin-1"]   # latin-1 decodes any byte string
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")   # no text file has many
ACTIVITY_HEADER = "profile name"   # ViewingActivity.csv from the full account download
HINT = ("Download it from Netflix: Account → Profile → Viewing activity → "
        "'Download all' (NetflixViewingHistory.csv).")


class HistoryError(ValueError):
    """A viewing-history file was refused; the message is shown to the user as is."""


@dataclass(frozen=True)
class ParsedHistory:
    """One parsed, matched viewing history (see docs/BLEND.md for every column)."""
    viewings: pl.DataFrame
    items: pl.DataFrame
    date_order: str
    date_order_ambiguous: bool
    duplicate_rows: int
    rows_read: int
    encoding: str = "utf-8"
    notes: tuple[str, ...] = field(default=())
    kind: str = "history"              # "history" | "activity" (ViewingActivity.csv)
    profile: str | None = None         # whose rows, for a full account download
    rows_skipped: int = 0              # blank, undated, duplicate and trailer rows
    profiles: tuple[str, ...] = ()     # every profile of the download

    @property
    def match_rate(self) -> float:
        """Share of distinct watched items (shows and movies) matched to the catalog."""
        if self.items.height == 0:
            return 0.0
        return self.items["show_id"].is_not_null().sum() / self.items.height

    @property
    def unmatched(self) -> list[str]:
        """Names of unmatched items, most-watched first."""
        return (self.items.filter(pl.col("show_id").is_null())
                .sort(["episodes", "last_watched", "item_name"], descending=[True, True, False])
                ["item_name"].to_list())


# --- catalog -------------------------------------------------------------------------

def blend_catalog(warehouse) -> pl.DataFrame:
    """queries/sql/blend_catalog.sql: one row per name of a catalog title (show_id,
    kind, title, release_year; alternate titles included), from a queries.db.Warehouse."""
    return warehouse.query("blend_catalog")


_CACHE: dict[tuple[str, str], HistoryCatalog] = {}
_CACHE_LOCK = threading.Lock()


def load_catalog(warehouse) -> HistoryCatalog:
    """The matcher's catalog for the warehouse's current build, built once per build."""
    key = (str(warehouse.data_dir), warehouse.build_id)
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
    catalog = HistoryCatalog.from_frame(blend_catalog(warehouse))
    with _CACHE_LOCK:
        for old in [k for k in _CACHE if k[0] == key[0]]:
            del _CACHE[old]   # an older build of the same data dir
        _CACHE[key] = catalog
    return catalog


# --- bytes -> text -------------------------------------------------------------------

def decode_upload(data: bytes, max_bytes: int) -> tuple[str, str]:
    """(text, encoding) of an upload, or HistoryError for empty, oversized, archived
    or binary data. Order: BOM, then UTF-8, cp1252, latin-1 (Excel re-saves)."""
    if not data or not data.strip():
        raise HistoryError(f"The file is empty. {HINT}")
    if len(data) > max_bytes:
        raise HistoryError(f"The file is {len(data):,} bytes; the limit is {max_bytes:,} "
                           "bytes. Upload the NetflixViewingHistory.csv file itself.")
    for magic, what in MAGIC:
        if data.startswith(magic):
            # "extract it first" is advice for an archive only (a PNG got it too)
            packed = "archive" in what or "compressed" in what
            raise HistoryError(f"This file is {what}, not a CSV file. " + (
                "Extract NetflixViewingHistory.csv first and upload that." if packed else
                f"Upload the NetflixViewingHistory.csv Netflix gave you. {HINT}"))
    text, encoding = _decode(data)
    if "\x00" in text or len(_CONTROLS.findall(text, 0, 20000)) > 8:
        raise HistoryError("This file holds binary data, not text. Upload "
                           "NetflixViewingHistory.csv as Netflix gave it.")
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff"), encoding
            except UnicodeDecodeError:
                raise HistoryError(f"The file starts with a {encoding} marker but is not "
                                   f"valid {encoding} text. Save it again as UTF-8.") from None
    if b"\x00" in data:   # UTF-16 without a BOM, or binary: either way not readable
        raise HistoryError("This file holds binary data (or UTF-16 text without a byte "
                           "order mark). Save it as UTF-8 CSV and upload it again.")
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")


# --- text -> rows ----------------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def text_lines(text: str) -> Iterator[str]:
    """The lines of `text` with their endings (\\n, \\r\\n or \\r) for csv.reader, as
    io.StringIO(text, newline="") gives them, without StringIO's copy of the whole text
    at 4 bytes a character (a 200 MB file held 800 MB more)."""
    return (m.group(0) for m in _LINE.finditer(text))


@dataclass(frozen=True)
class Lines:
    """File line of a data row (0-based index), for messages. Only errors need it, so
    it is worked out then, not per row (quoted cells may span lines)."""
    text: str
    delimiter: str

    def __call__(self, index: int) -> int:
        reader = csv.reader(text_lines(self.text), delimiter=self.delimiter)
        _read_header(reader)
        return [reader.line_num for row in reader if _has_data(row)][index]


@dataclass(frozen=True)
class Rows:
    """The data rows of one export: titles and dates as written, trimmed. Rows
    Netflix writes without a title or a date are left out and counted."""
    titles: pl.Series
    dates: pl.Series
    line: Lines
    no_title: int = 0
    no_date: int = 0
    skipped_dates: pl.Series | None = None   # date cells of the rows left out


def _has_data(row: list[str]) -> bool:
    """False for blank lines, which Excel leaves at the end of a file."""
    return bool(row) and (len(row) > 2 or bool(row[0].strip()) or bool(row[-1].strip()))


def _rows_up_to(reader, keep: Callable[[list[str]], bool], max_rows: int, refusal: str,
                shape: Callable[[list[str]], list[str]] = lambda row: row) -> list[list[str]]:
    """shape(row) of the rows `keep` accepts, refused with `refusal` as soon as there
    are more than `max_rows`: read to the end first, a file far over the cap took
    gigabytes only to be refused (a 200 MB CSV in a 668 KB zip: 3.5 GB)."""
    body = []
    for row in reader:
        if keep(row):
            body.append(shape(row))
            if len(body) > max_rows:
                raise HistoryError(refusal)
    return body


def read_rows(text: str, max_rows: int) -> Rows:
    """The data rows under a `Title,Date` header; blank lines are skipped. The
    delimiter (comma, semicolon or tab: Excel re-saves) is the header line's."""
    delimiter = _header_delimiter(text[:2000])
    reader = csv.reader(text_lines(text), delimiter=delimiter)
    try:
        header = _read_header(reader)
        body = _rows_up_to(reader, _has_data, max_rows,
                           f"The file has more than {max_rows:,} rows, the most accepted. "
                           "Upload one profile's history at a time.")
    except csv.Error as exc:
        raise HistoryError(f"Line {reader.line_num} could not be read as CSV ({exc}).") from None
    if not body:
        raise HistoryError(f"The file has the {header} header but no rows.")
    line = Lines(text, delimiter)
    if any(len(row) != 2 for row in body):
        body = [_cells(row, i, line) for i, row in enumerate(body)]
    titles, dates = zip(*body)
    cells = pl.DataFrame({"title": titles, "date": dates}, schema={"title": pl.String,
                                                                  "date": pl.String})
    cells = cells.select(pl.all().str.strip_chars())
    _check_cells(cells, line)
    blank = cells["title"].str.replace_all(r"[\s:]", "") == ""
    no_title = int(blank.sum())
    no_date = int((~blank & (cells["date"] == "")).sum())
    if no_title or no_date:
        # Genuine exports hold rows with an empty title ("" or ": "): skipped, counted.
        keep = ~blank & (cells["date"] != "")
        skipped_dates = cells.filter(~keep & (cells["date"] != ""))["date"]
        cells = cells.filter(keep)
        line = KeptLines(line, tuple(keep.arg_true().to_list()))
        if cells.is_empty():
            raise HistoryError("Every row of the file lacks a title or a date; there is "
                               f"nothing to read. {HINT}")
        return Rows(cells["title"], cells["date"], line, no_title, no_date, skipped_dates)
    return Rows(cells["title"], cells["date"], line)


@dataclass(frozen=True)
class KeptLines:
    """File lines of the rows kept after blank-title rows were left out."""
    lines: Lines
    kept: tuple[int, ...]

    def __call__(self, index: int) -> int:
        return self.lines(self.kept[index])


def _cells(row: list[str], index: int, line: Lines) -> tuple[str, str]:
    """(title, date) of a row that is not two cells. A title with an unquoted
    delimiter spills into extra cells; the date is always the last cell."""
    if len(row) < 2:
        raise HistoryError(f"Line {line(index)} has no date: "
                           f"{line.delimiter.join(row)[:80]!r}.")
    return line.delimiter.join(row[:-1]), row[-1]


def _check_cells(cells: pl.DataFrame, line: Lines) -> None:
    """HistoryError for the first overlong title, then date (empty ones are skipped)."""
    checks = {f"has a {what} longer than {MAX_CELL_CHARS} characters.":
              pl.col(what).str.len_chars() > MAX_CELL_CHARS for what in ("title", "date")}
    first = cells.select(pl.arg_where(c).first().alias(m) for m, c in checks.items()).row(0)
    for message, index in zip(checks, first):
        if index is not None:
            raise HistoryError(f"Line {line(index)} {message}")


def _read_header(reader) -> str:
    for row in reader:
        cells = [c.strip().strip("\ufeff").strip('"').lower() for c in row]
        if not any(cells):
            continue
        if cells == ["title", "date"]:
            return "Title,Date"
        shown = ",".join(row)[:80]
        if cells and cells[0] == ACTIVITY_HEADER:
            raise HistoryError("This is ViewingActivity.csv from the full account data "
                               f"download; the Blend needs NetflixViewingHistory.csv. {HINT}")
        raise HistoryError("This does not look like a Netflix viewing-history file: the "
                           f"first line should be 'Title,Date' but is {shown!r}. {HINT}")
    raise HistoryError(f"The file is empty. {HINT}")


# --- dates ---------------------------------------------------------------------------

_DATE_RE = r"^(?<a>[0-9]{1,4})[/.\-](?<b>[0-9]{1,2})[/.\-](?<c>[0-9]{1,4})$"
BUDDHIST_ERA_FROM = 2400
ORDER_NAMES = {"month_first": "month first (4/3/20 = April 3)",
               "day_first": "day first (4/3/20 = 4 March)"}


def _ymd(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    """A Date from integer parts; null when the parts are no calendar date."""
    pad = lambda e: e.cast(pl.String).str.zfill(2)  # noqa: E731
    return pl.concat_str(y.cast(pl.String).str.zfill(4), pad(m), pad(d), separator="-") \
        .str.to_date("%Y-%m-%d", strict=False)


def _date_frame(raw: pl.Series) -> pl.DataFrame:
    """Every date cell: its numbers, whether it is ISO or unreadable, and its date
    under each reading (null where the numbers are no calendar date)."""
    a, b, c = pl.col("a").cast(pl.Int32), pl.col("b").cast(pl.Int32), pl.col("c").cast(pl.Int32)
    la, lc = pl.col("a").str.len_chars(), pl.col("c").str.len_chars()
    iso = la == 4
    # a Thai account writes Buddhist-era years (2564 = 2021): no Gregorian viewing date
    # is that late, so nothing else is read differently
    gregorian = lambda y: pl.when(y > BUDDHIST_ERA_FROM).then(y - 543).otherwise(y)  # noqa: E731
    a = pl.when(iso).then(gregorian(a)).otherwise(a)
    year = gregorian(c + pl.when(lc == 2).then(2000).otherwise(0))
    return (raw.alias("raw").to_frame().lazy().with_row_index("idx")
            .with_columns(pl.col("raw").str.extract_groups(_DATE_RE).alias("g")).unnest("g")
            .select("raw", "idx", iso=iso, a=a, b=b,
                    unreadable=pl.col("a").is_null() | (la == 3) | ((la < 3) & ~lc.is_in([2, 4]))
                    | (iso & (lc > 2)),
                    month_first=pl.when(iso).then(_ymd(a, b, c)).otherwise(_ymd(year, a, b)),
                    day_first=pl.when(iso).then(_ymd(a, b, c)).otherwise(_ymd(year, b, a)))
            .collect(engine=ENGINE))


def _evidence(f: pl.DataFrame, today: date) -> dict:
    """What settles the order, and how well each reading fits: impossible dates and
    steps from an older to a newer date (an export lists the newest first)."""
    slash = ~pl.col("iso")

    def fit(col: str) -> list[pl.Expr]:
        d = pl.col(col)
        return [(d.is_null() | (d < STREAMING_START) | (d > today)).sum().alias(f"{col}_bad"),
                (d.diff().dt.total_days() > 0).sum().alias(f"{col}_up")]
    return f.select(
        unreadable=pl.arg_where("unreadable").first(),
        # no calendar date either way ("99/99/99"): reported first when it comes first
        impossible=pl.arg_where(~pl.col("unreadable") & pl.col("month_first").is_null()
                                & pl.col("day_first").is_null()).first(),
        # A cell with both numbers above 12 settles nothing; it fails as a calendar date.
        day_first=pl.arg_where(slash & (pl.col("a") > 12) & (pl.col("b") <= 12)).first(),
        month_first=pl.arg_where(slash & (pl.col("b") > 12) & (pl.col("a") <= 12)).first(),
        slash=slash.sum(), same=pl.col("month_first").eq_missing(pl.col("day_first")).all(),
        *fit("month_first"), *fit("day_first")).row(0, named=True)


# Netflix writes the date as the account's language does: digits of other scripts
# (Arabic, Persian, Devanagari, Thai, full-width…), right-to-left marks, "2021年12月24日"
# in Chinese and Japanese and "2021년 12월 24일" in Korean, a Bulgarian or Russian "г."
# after the year
_LOCAL_DIGITS = [chr(c) for c in range(0x80, 0x20000)   # every decimal digit is below
                 if unicodedata.category(chr(c)) == "Nd"]   # U+20000 (9 ms, not 81)
_ASCII_DIGITS = [str(unicodedata.digit(d)) for d in _LOCAL_DIGITS]
_YEAR_MONTH_DAY_WORDS = (r"^\s*([0-9]{4})\s*[年년]\s*([0-9]{1,2})\s*[月월]"
                         r"\s*([0-9]{1,2})\s*[日일]?\s*$")
# Korean short dates lead with a two-digit year ("21. 12. 27."); Slovenian ones end with
# one ("24. 12. 21"): a file is read the Korean way only when every dot-space date in it
# can be (a day below 10 is written with one digit)
_DOT_SPACE = r"^[0-9]{1,4}\.\s+[0-9]{1,2}\.\s+[0-9]{1,4}\.?$"
_KOREAN = r"^([0-9]{2})\.\s+([0-9]{1,2})\.\s+([0-9]{1,2})\.?$"


def _plain_dates(raw: pl.Series) -> pl.Series:
    """Date cells in ASCII digits, without direction marks, no-break spaces, 年月日 or
    "г." (the dot-space layouts are read in parse_dates)."""
    return (raw.str.replace_many(_LOCAL_DIGITS, _ASCII_DIGITS)
            .str.replace_all(r"[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]", "")
            .str.replace_all(r"[\u00a0\u202f]", " ")
            .str.replace(_YEAR_MONTH_DAY_WORDS, "${1}-${2}-${3}")
            .str.replace(r"\s*г\.?\s*$", "")
            .str.strip_chars())


def _readable_cells(raw: pl.Series) -> pl.Series:
    """Date cells with the local layouts rewritten to slash, dot or ISO numbers."""
    raw = _plain_dates(raw)
    dot_space = raw.str.contains(_DOT_SPACE)
    if dot_space.any() and raw.filter(dot_space).str.contains(_KOREAN).all():
        raw = raw.str.replace(_KOREAN, "20${1}-${2}-${3}")   # read as ISO
    # the other dot-space layouts: Hungarian "2021. 12. 24.", Czech and Slovak "24. 12.
    # 2021", Croatian "24. 12. 2021." → "2021.12.24", "24.12.2021"
    return raw.str.replace_all(r"\.\s+", ".").str.strip_suffix(".")


def parse_dates(raw: pl.Series, line: Callable[[int], int], today: date,
                skipped: pl.Series | None = None) -> tuple[pl.Series, str, bool, str]:
    """(dates, date_order, ambiguous, slash reading). A day above 12 in either slash
    position settles the order for the whole file, on a row read or a row `skipped`
    (left out for its blank title: Netflix wrote its date the same way); when nothing
    settles it, the reading with fewer impossible dates, then fewer steps from older to
    newer, wins (ties: month first, Netflix's US default)."""
    # messages quote the cell as the file wrote it
    f = _date_frame(_readable_cells(raw)).with_columns(raw=raw)
    ev = _evidence(f, today)
    if ev["unreadable"] is not None:
        i = ev["unreadable"]
        if ev["impossible"] is not None and ev["impossible"] < i:
            j = ev["impossible"]
            raise HistoryError(f"Line {line(j)}: {f['raw'][j]!r} is not a calendar date.")
        raise HistoryError(f"Line {line(i)}: {f['raw'][i]!r} is not a date (expected e.g. "
                           "4/3/20, 18/06/2020 or 2020-06-18).")
    if ev["day_first"] is not None and ev["month_first"] is not None:
        raise HistoryError(f"The dates mix day-first ({f['raw'][ev['day_first']]}) and "
                           f"month-first ({f['raw'][ev['month_first']]}) order. Upload the "
                           "file exactly as Netflix exported it.")
    settled = ev["day_first"] is not None or ev["month_first"] is not None
    if not settled and skipped is not None and not skipped.is_empty():
        # only as a tie-breaker: a skipped row's cell is never refused, nor quoted
        hint = _evidence(_date_frame(_readable_cells(skipped)), today)
        if (hint["day_first"] is None) != (hint["month_first"] is None):
            ev |= {"day_first": hint["day_first"], "month_first": hint["month_first"]}
            settled = True
    order = ("day_first" if ev["day_first"] is not None else "month_first" if settled
             else min(["month_first", "day_first"],
                      key=lambda o: (ev[f"{o}_bad"], ev[f"{o}_up"], o != "month_first")))
    _check_range(f, order, today, line)
    overall = "iso" if ev["slash"] == 0 else "mixed" if ev["slash"] < f.height else order
    return f[order].alias("watched_on"), overall, not settled and not ev["same"], order


def _check_range(f: pl.DataFrame, order: str, today: date, line: Callable[[int], int]) -> None:
    """HistoryError for the first date that is no calendar date, before Netflix
    streaming began, or after `today`."""
    d = pl.col(order)
    checks = {"is not a calendar date.": d.is_null(),
              "is before 2007, when Netflix streaming began. Is this the right file?":
              d < STREAMING_START,
              "is in the future.": d > today}
    first = f.select(pl.arg_where(c).first().alias(m) for m, c in checks.items()).row(0)
    for why, index in zip(checks, first):
        if index is not None:
            raise HistoryError(f"Line {line(index)}: {f['raw'][index]!r} {why}")


# --- ViewingActivity.csv (the full account download) ---------------------------------

ACTIVITY_COLUMNS = {"profile name": "profile", "start time": "start", "duration": "duration",
                    "title": "title", "supplemental video type": "supplemental"}
# A viewing of this share of a typical length counts fully: episodes run ~20-60 min,
# films 80-150; a few minutes of either is a sample, not a watch.
FULL_WATCH_MINUTES = {"episode": 20.0, "movie": 60.0}
ZIP_MEMBERS = ("ViewingActivity.csv", "NetflixViewingHistory.csv")


@dataclass(frozen=True)
class Export:
    """One upload read into rows, before dates and matching: per profile (None for a
    NetflixViewingHistory.csv) its titles, date cells and seconds watched (activity
    files only), with what was left out and why."""
    kind: str                                  # "history" | "activity"
    encoding: str
    rows: dict[str | None, pl.DataFrame]       # title, date, seconds, line
    skipped: dict[str | None, dict[str, int]]  # reason -> rows left out
    line: Callable[[int], int]
    # date cells of the same file outside the profile's rows (rows left out, other
    # profiles): written the same way, they can settle its date order
    other_dates: dict[str | None, pl.Series] = field(default_factory=dict)

    @property
    def profiles(self) -> list[str]:
        """Profile names of a full download, most rows first."""
        return sorted((p for p in self.rows if p is not None),
                      key=lambda p: (-self.rows[p].height, p))

    def choose(self, profile: str | None) -> str | None:
        if self.kind == "history":
            return None
        if profile is None:
            if len(self.profiles) == 1:
                return self.profiles[0]
            raise HistoryError(f"This full account download holds {len(self.profiles)} "
                               f"profiles ({', '.join(self.profiles)}): choose whose "
                               "history to add.")
        if profile not in self.rows:
            raise HistoryError(f"No profile named {profile!r} in this file; it holds "
                               f"{', '.join(self.profiles)}.")
        return profile


def unzip_upload(data: bytes, max_bytes: int) -> bytes:
    """The export inside a zip Netflix sends (or one a user made): ViewingActivity.csv
    of the personal-data download (CONTENT_INTERACTION/), else NetflixViewingHistory.csv."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise HistoryError("This file is a damaged zip archive. Upload "
                           "NetflixViewingHistory.csv (or the zip Netflix sent) again.") from None
    for wanted in ZIP_MEMBERS:
        found = [m for m in members if m.filename.rsplit("/", 1)[-1].lower() == wanted.lower()]
        if found:
            member = found[0]
            if member.file_size > max_bytes:   # read at most max_bytes + 1: no zip bomb
                raise HistoryError(f"{wanted} in this zip is {member.file_size:,} bytes; the "
                                   f"limit is {max_bytes:,} bytes.")
            try:
                with archive.open(member) as handle:
                    inner = handle.read(max_bytes + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError,
                    EOFError, ValueError):
                raise HistoryError(f"{wanted} in this zip could not be read (damaged or "
                                   "password-protected).") from None
            if len(inner) > max_bytes:
                raise HistoryError(f"{wanted} in this zip is larger than {max_bytes:,} bytes.")
            if inner.startswith(b"PK"):
                raise HistoryError(f"{wanted} in this zip is itself an archive.")
            return inner
    raise HistoryError("This zip holds neither ViewingActivity.csv (Netflix's personal-data "
                       "download, folder CONTENT_INTERACTION) nor NetflixViewingHistory.csv.")


def _header_delimiter(text: str) -> str:
    """The separator of the file's first line (base.delimited)."""
    return separator(text.lstrip().split("\n", 1)[0])


def _is_activity_header(text: str) -> bool:
    try:
        first = next(csv.reader(io.StringIO(text.lstrip()[:2000]),
                                delimiter=_header_delimiter(text[:2000])), [])
    except csv.Error:  # not CSV at all: the history reader says what was expected
        return False
    cells = {c.strip().strip("\ufeff").strip('"').lower() for c in first}
    return {"profile name", "start time", "title"} <= cells


MAX_PROFILE_NAME, MAX_PROFILES = 100, 50
# h:mm:ss, each part at most 4 digits
DURATION = r"^\s*(?<h>\d{1,4}):(?<m>\d{1,4}):(?<s>\d{1,4})(?:\D|$)"


def _seconds(duration: pl.Expr) -> pl.Expr:
    """Seconds of an h:mm:ss Duration, null when it is not one (matched once)."""
    part = duration.str.extract_groups(DURATION).struct.field
    return (part("h").cast(pl.Int64) * 3600 + part("m").cast(pl.Int64) * 60
            + part("s").cast(pl.Int64))


def read_activity(text: str, max_rows: int) -> Export:
    """ViewingActivity.csv, either column layout (the classic one starting with Profile
    Name, the newer fully quoted one starting with Duration): rows per profile.
    Trailers, teasers, hooks and other supplemental videos are left out and counted."""
    reader = csv.reader(text_lines(text.lstrip()), delimiter=_header_delimiter(text[:2000]))
    try:
        header = [c.strip().strip("\ufeff").lower() for c in next(reader)]
    except csv.Error as exc:
        raise HistoryError(f"Line {reader.line_num} could not be read as CSV ({exc}).") from None
    where = {name: header.index(col) for col, name in ACTIVITY_COLUMNS.items() if col in header}
    # every genuine export has them all; without "supplemental video type" trailers
    # would count as viewings (a file was once accepted without it)
    missing = [c for c, n in ACTIVITY_COLUMNS.items() if n not in where]
    if missing:
        raise HistoryError("This looks like ViewingActivity.csv but lacks the column(s) "
                           f"{', '.join(missing)}"
                           + (" (Netflix marks trailers and teasers there)"
                              if "supplemental video type" in missing else "") + ".")
    width, columns = max(where.values()) + 1, list(where.values())
    try:   # only the columns read are kept (a household's file has 10)
        body = _rows_up_to(reader, lambda row: any(c.strip() for c in row), max_rows,
                           f"The file has more than {max_rows:,} rows, the most accepted.",
                           lambda r: [r[i] for i in columns] if len(r) >= width
                           else [""] * len(columns))
    except csv.Error as exc:
        raise HistoryError(f"Line {reader.line_num} could not be read as CSV ({exc}).") from None
    if not body:
        raise HistoryError("The file has the ViewingActivity.csv header but no rows.")
    cells = {name: [r[j] for r in body] for j, name in enumerate(where)}
    del body
    frame = pl.DataFrame(cells, schema={n: pl.String for n in cells}).with_row_index("idx")
    frame = frame.with_columns(
        pl.col("title", "profile", "supplemental").str.strip_chars(),
        # the date without its time: "2022-02-09 14:30:00", "…T14:30:00Z", and as
        # spreadsheets re-save it "2/9/2022 2:05" (a cut at 10 characters left "2/9/2022
        # 2"), "12/19/2022, 2:05 PM", "9. 2. 2022 14:05", "2022. 2. 9. 오후 2:05"
        date=pl.col("start").str.strip_chars().str.replace(
            r"[,\sT_]+(?:[^\d\s,]+\s*)?\d{1,2}:\d{2}.*$", ""),
        # h:mm:ss, each part at most 4 digits: a longer number is no duration (read as
        # unknown, as the other format's rows are), and would overflow the cast
        seconds=_seconds(pl.col("duration")))
    # a profile's name as Netflix allows it is short: a crafted one of 50,000
    # characters went whole into the picker (a 4 MB reply) and was refused when picked
    frame = frame.with_columns(profile=pl.when(pl.col("profile") == "").then(pl.lit("(no name)"))
                               .otherwise(pl.col("profile").str.slice(0, MAX_PROFILE_NAME)))
    if (profiles := frame["profile"].n_unique()) > MAX_PROFILES:
        raise HistoryError(f"This ViewingActivity.csv names {profiles:,} profiles; a Netflix "
                           f"account's download has a few (at most {MAX_PROFILES} accepted).")
    rows, skipped = {}, {}
    for (profile,), part in frame.partition_by("profile", as_dict=True, maintain_order=True).items():
        supplemental = part["supplemental"].fill_null("") != ""
        no_title = ~supplemental & (part["title"].str.replace_all(r"[\s:]", "") == "")
        no_date = ~supplemental & ~no_title & (part["date"] == "")
        keep = ~(supplemental | no_title | no_date)
        skipped[profile] = {"supplemental": int(supplemental.sum()),
                            "no_title": int(no_title.sum()), "no_date": int(no_date.sum())}
        rows[profile] = part.filter(keep).select("title", "date", "seconds",
                                                 line=pl.col("idx").cast(pl.Int64) + 2)
    rows = {p: r for p, r in rows.items() if r.height}
    if not rows:
        raise HistoryError("Every row of this ViewingActivity.csv is a trailer, teaser or "
                           "hook, or lacks a title: there is nothing to read.")
    # every profile's dates are written as the account's language writes them
    dates = frame.filter(pl.col("date") != "")["date"].unique()
    return Export("activity", "", rows, skipped, lambda i: i, dict.fromkeys(rows, dates))


def read_export(data: bytes, *, max_bytes: int | None = None,
                max_rows: int | None = None) -> Export:
    """An upload (NetflixViewingHistory.csv, ViewingActivity.csv, or a zip holding
    either) read into rows; HistoryError when it is not a Netflix export."""
    max_bytes = int(settings.get("upload_max_bytes")) if max_bytes is None else max_bytes
    max_rows = int(settings.get("upload_max_rows")) if max_rows is None else max_rows
    if data[:4] == b"PK\x03\x04" and len(data) <= max_bytes:
        data = unzip_upload(data, max_bytes)
    text, encoding = decode_upload(data, max_bytes)
    if _is_activity_header(text):
        return replace(read_activity(text, max_rows), encoding=encoding)
    read = read_rows(text, max_rows)
    frame = pl.DataFrame({"title": read.titles, "date": read.dates,
                          "seconds": pl.Series([None] * read.titles.len(), dtype=pl.Int64),
                          "line": pl.int_range(0, read.titles.len(), eager=True)})
    return Export("history", encoding, {None: frame},
                  {None: {"no_title": read.no_title, "no_date": read.no_date}}, read.line,
                  {None: read.skipped_dates} if read.skipped_dates is not None else {})


EXPORT_SUFFIXES = (".csv", ".zip")


def export_files(folder: Path) -> list[Path]:
    """Every export under `folder` (searched recursively), sorted by path: what the
    offline tools (blend-eval, blend-prior) read."""
    # a gzipped CSV is listed (and refused with its reason) rather than passed over
    return sorted(p for p in Path(folder).rglob("*")
                  if p.is_file() and (p.suffix.lower() in EXPORT_SUFFIXES
                                      or p.name.lower().endswith(".csv.gz")))


def fingerprint(export: Export) -> str:
    """A digest of an export's rows (profile, title, date cell), whatever file held them."""
    digest = hashlib.sha256()
    for profile in sorted(export.rows, key=lambda p: p or ""):
        rows = export.rows[profile].select("title", "date").sort("title", "date")
        digest.update(f"{profile}\0{rows.height}\0".encode())
        digest.update(rows.write_csv().encode())
    return digest.hexdigest()


# What the offline tools unpack from a zip at most (a household's ViewingActivity.csv
# is a few MB): the upload's cap is for the web, this only stops a zip bomb.
OFFLINE_MAX_BYTES = 256 << 20
# and rows at most: the upload's 100,000 refused a household's 200,000-row download,
# which the tools read in 3.5 s and 0.8 GB
OFFLINE_MAX_ROWS = 2_000_000


def read_export_file(path: Path) -> Export:
    """read_export of a file on disk, with the offline cap (the tools read what the user
    points them at). The cap was the file's own size: a zip's CSV is larger than the
    zip, so the zip Netflix sends was refused."""
    try:
        data = path.read_bytes()
    except OSError as exc:   # unreadable, a directory's name, gone meanwhile
        raise HistoryError(f"cannot be read: {exc.strerror or exc}") from exc
    return read_export(data, max_bytes=max(len(data), OFFLINE_MAX_BYTES),
                       max_rows=OFFLINE_MAX_ROWS)


def parsed_exports(folder: Path, catalog: HistoryCatalog):
    """(path, profile name or None, ParsedHistory) for every profile of every export
    under `folder` that reads as one (files that are no export are passed over)."""
    for path in export_files(folder):
        try:
            export = read_export_file(path)
        except HistoryError:
            continue
        for name in export.profiles or [None]:
            yield path, name, parse_export(export, catalog, name)


# --- the whole parse -----------------------------------------------------------------

def parse_history(data: bytes, catalog: HistoryCatalog, *, profile: str | None = None,
                  max_bytes: int | None = None, max_rows: int | None = None,
                  today: date | None = None) -> ParsedHistory:
    """Parse and match one upload (see module docstring); for a full account download
    with several profiles, `profile` says whose (HistoryError lists them otherwise).
    Limits default to the upload_max_bytes / upload_max_rows settings."""
    export = read_export(data, max_bytes=max_bytes, max_rows=max_rows)
    return parse_export(export, catalog, export.choose(profile), today=today)


def parse_export(export: Export, catalog: HistoryCatalog, profile: str | None, *,
                 today: date | None = None) -> ParsedHistory:
    """One profile (None: the history file) of a read export, dated and matched."""
    frame = export.rows[profile]
    line = export.line if export.kind == "history" else (lambda i: int(frame["line"][i]))
    dates, order, ambiguous, reading = parse_dates(frame["date"], line, today or date.today(),
                                                   export.other_dates.get(profile))
    rows = pl.DataFrame({"row_number": pl.int_range(1, frame.height + 1, eager=True),
                         "raw_title": frame["title"], "watched_on": dates,
                         "seconds": frame["seconds"]})
    if export.kind == "activity":
        # one viewing per title and day: a film paused and resumed is one viewing
        rows = (rows.group_by("raw_title", "watched_on", maintain_order=True)
                # a day with no readable duration stays unknown (a whole viewing, as
                # in the other format); summed, it was 0 seconds: nothing watched
                .agg(pl.col("row_number").first(),
                     pl.when(pl.col("seconds").count() > 0).then(pl.col("seconds").sum()))
                .select("row_number", "raw_title", "watched_on", "seconds"))
        duplicates = 0
    else:
        rows, duplicates = _deduplicate(rows)
    # every row of an item carries the item's name (its first spelling in the file), so
    # rows and items agree even when a show is spelled two ways ("Élite", "Elite")
    viewings = _match(rows, catalog).with_columns(
        item_name=pl.col("item_name").first().over("item_key"))
    skipped = dict(export.skipped[profile])
    skipped["duplicates"] = duplicates
    notes = _notes(reading, ambiguous, skipped, export.encoding)
    return ParsedHistory(viewings.drop("kind"), _items(viewings), order, ambiguous,
                         duplicates, frame.height + sum(export.skipped[profile].values()),
                         export.encoding, notes, kind=export.kind, profile=profile,
                         rows_skipped=sum(skipped.values()),
                         profiles=tuple(export.profiles))


def _deduplicate(rows: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Drop rows repeating an earlier (title, date); refuse a file mostly made of them."""
    keep = rows.select(pl.struct("raw_title", "watched_on").is_first_distinct()).to_series()
    duplicates = rows.height - int(keep.sum())
    if duplicates > rows.height * MAX_DUPLICATE_SHARE:
        raise HistoryError(f"{duplicates:,} of the file's {rows.height:,} rows repeat an "
                           "earlier row exactly. Upload the original export, not a "
                           "copied or merged file.")
    return rows.filter(keep), duplicates


def _match(rows: pl.DataFrame, catalog: HistoryCatalog) -> pl.DataFrame:
    """Viewings with item, season, episode and match columns (item_key: show_id when
    matched, else the normalized item name)."""
    # the year of the first viewing: a title cannot be watched before it was released
    distinct = rows.group_by("raw_title").agg(year=pl.col("watched_on").min().dt.year())
    splits = split_titles(distinct["raw_title"].to_list(), catalog, distinct["year"].to_list()).join(
        distinct, on="raw_title", how="left")
    # Fuzzy-match the most-watched unmatched items first, at most MAX_FUZZY_ITEMS: a
    # real history has a few hundred; a file of 100,000 made-up titles must not buy
    # minutes of CPU.
    pending = (splits.filter(pl.col("show_id").is_null())
               .group_by("item_key").agg(pl.col("item_name").first(), pl.col("is_episode").any(),
                                         pl.col("year").min(), rows=pl.len())
               .sort(["rows", "item_key"], descending=[True, False]).head(MAX_FUZZY_ITEMS))
    found = fuzzy_match(pending["item_name"].to_list(), pending["is_episode"].to_list(), catalog,
                        years=pending["year"].to_list())
    fuzzy = pl.DataFrame(
        [(k, *m) for k, m in zip(pending["item_key"].to_list(), found) if m],
        schema={"item_key": pl.String, "f_id": pl.String, "f_kind": pl.String,
                "f_score": pl.Float64}, orient="row")
    splits = (splits.lazy().join(fuzzy.lazy(), on="item_key", how="left")
              .with_columns(match_method=pl.when(pl.col("show_id").is_not_null()).then(pl.lit("exact"))
                            .when(pl.col("f_id").is_not_null()).then(pl.lit("fuzzy")),
                            match_score=pl.when(pl.col("show_id").is_not_null()).then(1.0)
                            .otherwise(pl.col("f_score")),
                            show_id=pl.coalesce("show_id", "f_id"), kind=pl.coalesce("kind", "f_kind"))
              .with_columns(item_key=pl.coalesce("show_id", "item_key"))
              .drop("f_id", "f_kind", "f_score"))
    return rows.lazy().join(splits, on="raw_title", how="left", maintain_order="left").select(
        "row_number", "raw_title", "watched_on", "item_name", "season", "episode", "is_episode",
        "show_id", "match_method", "match_score", "item_key", "kind",
        "seconds").collect(engine=ENGINE)


def _items(viewings: pl.DataFrame) -> pl.DataFrame:
    """One row per distinct watched item (a show or a movie). watch_share: the mean
    share of each viewing watched through (minutes over FULL_WATCH_MINUTES, at most 1),
    1 when the export has no durations (NetflixViewingHistory.csv)."""
    full = pl.when(pl.col("is_episode")).then(FULL_WATCH_MINUTES["episode"]) \
        .otherwise(FULL_WATCH_MINUTES["movie"])
    through = (pl.col("seconds") / 60 / full).clip(0, 1).fill_null(1.0)
    return (viewings.lazy().with_columns(through=through).group_by("item_key").agg(
        pl.col("item_name").first(), pl.col("show_id").first(),
        pl.col("kind").first(), pl.col("is_episode").any(),
        watch_share=pl.col("through").mean(),
        episodes=pl.len().cast(pl.Int64), first_watched=pl.col("watched_on").min(),
        last_watched=pl.col("watched_on").max(), match_method=pl.col("match_method").first(),
        match_score=pl.col("match_score").max())
        .with_columns(kind=pl.coalesce("kind", pl.when(pl.col("is_episode")).then(pl.lit("show"))))
        .sort(["last_watched", "item_name"], descending=[True, False])
        .select("item_key", "item_name", "show_id", "kind", "is_episode", "episodes",
                "first_watched", "last_watched", "match_method", "match_score", "watch_share")
        .collect(engine=ENGINE))


# reason -> (what was counted, what happened to it): "2 rows without a title were skipped"
SKIP_NOTES = {"no_title": ("row", "without a title", "skipped"),
              "no_date": ("row", "without a date", "skipped"),
              "duplicates": ("exact duplicate row", "", "removed"),
              "supplemental": ("trailer, teaser or preview row", "", "left out")}


def _skip_note(n: int, noun: str, which: str, done: str) -> str:
    return " ".join(filter(None, [counted(n, noun), which, "was" if n == 1 else "were",
                                  done])) + "."


def _notes(reading: str, ambiguous: bool, skipped: dict[str, int],
           encoding: str) -> tuple[str, ...]:
    """Messages for the user about choices made while reading the file."""
    notes = []
    if ambiguous:
        notes.append(f"No date settles day or month first; read {ORDER_NAMES[reading]}, "
                     "which keeps the file newest first.")
    notes += [_skip_note(skipped[k], *why) for k, why in SKIP_NOTES.items() if skipped.get(k)]
    if encoding not in ("utf-8", "utf-8-sig", ""):
        notes.append(f"The file was not UTF-8; it was read as {encoding}.")
    return tuple(notes)
