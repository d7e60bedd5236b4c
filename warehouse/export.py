"""Every mart of a build as Parquet or CSV files, for tools that do not speak DuckDB.

pandas, Polars, Spark, Arrow and BI tools read Parquet without any DuckDB; Parquet keeps
the column types (lists stay lists, dates stay dates). CSV is for spreadsheets: list
columns are written as "a; b" and text cells that a spreadsheet would run as a formula
get a leading apostrophe, as every CSV download of the product does (queries/export.py).

DuckDB's own COPY writes the files. The export connection of the CLI is read-only and may
touch no file outside the target directory (allowed_directories, then external access
off and the configuration locked), so a table name or path can never write elsewhere.
Each file is written under a temporary name and renamed, so a reader never sees half a
file; table names come from the build itself, never from the user.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from base.errors import UserError
from warehouse import schema

FORMATS = ("parquet", "csv")
_COPY_OPTIONS = {"parquet": "(format parquet, compression zstd)",
                 "csv": "(format csv, header true)"}
_FORMULA_STARTS = "('=', '+', '-', '@', chr(9), chr(13))"


class ExportError(UserError):
    """A request the export refuses (unknown table or format); the message says why."""


@dataclass(frozen=True)
class Exported:
    table: str
    path: Path
    rows: int


def open_for_export(db_path: Path, out_dir: Path) -> duckdb.DuckDBPyConnection:
    """`db_path` read-only, allowed to write into `out_dir` and nowhere else."""
    con = duckdb.connect(str(db_path), read_only=True, config={
        "autoload_known_extensions": False, "autoinstall_known_extensions": False,
        "threads": 2, "memory_limit": "1GB"})
    # allowed_directories cannot be given at connect (DuckDB 2.0 refuses it before the
    # database starts), so it is set first, then external access goes off and the
    # configuration is locked.
    con.execute(f"set allowed_directories = [{_literal(str(out_dir.resolve()) + '/')}]")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The documented marts this build has, in docs/SCHEMA.md's order."""
    built = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_type = 'BASE TABLE'").fetchall()}
    return [t for t in schema.tables() if t in built]


def export(con: duckdb.DuckDBPyConnection, out_dir: Path, fmt: str = "parquet",
           only: list[str] | None = None) -> list[Exported]:
    """Write each mart (or only the named ones) to out_dir/<table>.<fmt>."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    available = tables(con)
    if only:   # names are case-insensitive in SQL, so here too
        by_lower = {t.lower(): t for t in available}
        only = [by_lower.get(t.lower(), t) for t in only]
    unknown = sorted(set(only or ()) - set(available))
    if unknown:
        raise ExportError(f"no table {', '.join(map(repr, unknown))}; tables: "
                          + ", ".join(available))
    out_dir.mkdir(parents=True, exist_ok=True)
    return [_export_table(con, t, out_dir, fmt) for t in available
            if not only or t in only]


def _export_table(con, table: str, out_dir: Path, fmt: str) -> Exported:
    final = out_dir / f"{table}.{fmt}"
    partial = out_dir / f".{table}.{fmt}.partial"
    select = _csv_select(con, table) if fmt == "csv" else f'select * from main."{table}"'
    try:
        con.execute(f"copy ({select}) to {_literal(str(partial))} {_COPY_OPTIONS[fmt]}")
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    rows = con.execute(f'select count(*) from main."{table}"').fetchall()[0][0]
    return Exported(table, final, rows)


def _csv_select(con, table: str) -> str:
    """The table with list columns joined by '; ' and formula-like text defused."""
    columns = con.execute("select column_name, data_type from information_schema.columns "
                          "where table_schema = 'main' and table_name = $t "
                          "order by ordinal_position", {"t": table}).fetchall()
    parts = []
    for name, dtype in columns:
        ident = '"' + name.replace('"', '""') + '"'
        value = f"array_to_string({ident}, '; ')" if dtype == "VARCHAR[]" else ident
        if dtype in ("VARCHAR", "VARCHAR[]"):
            value = (f"case when left({value}, 1) in {_FORMULA_STARTS} "
                     f"then '''' || {value} else {value} end")
        parts.append(f"{value} as {ident}")
    return f'select {", ".join(parts)} from main."{table}"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
