"""Safe CSV for every download (chart data, SQL console, CLI)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the console's worker processes import this module without Polars
    import polars as pl

# Spreadsheet apps treat a cell starting with one of these as a formula (CSV/formula
# injection, OWASP): '=HYPERLINK(...)' in a title would run when the file is opened
# in Excel/LibreOffice/Sheets. A leading apostrophe makes them plain text. Only
# strings are touched: numbers such as -5 come from typed columns and stay numbers.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, list):  # list columns (genres…) as "a; b"
        return "; ".join(str(v) for v in value)
    return "" if value is None else value


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a header row and RFC 4180 line ends (fields with CR/LF get quoted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in columns])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def frame_csv(frame: pl.DataFrame) -> str:
    return csv_text(frame.columns, frame.iter_rows())
