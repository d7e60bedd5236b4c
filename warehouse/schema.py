"""The warehouse's documentation, read from schema.toml (its one source).

`netflix-insights schema` prints `render_markdown()`; docs/SCHEMA.md is the same text,
and a test fails when the two drift apart.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SCHEMA_FILE = Path(__file__).resolve().parent / "schema.toml"


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    unit: str | None = None
    tests: tuple[str, ...] = ()
    accepted_values: tuple[str, ...] = ()
    relationship: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    description: str
    example: str
    columns: dict[str, Column] = field(default_factory=dict)


@cache
def tables() -> dict[str, Table]:
    """Every documented mart table, in the file's order."""
    doc = tomllib.loads(SCHEMA_FILE.read_text())
    return {name: _table(name, spec) for name, spec in doc["tables"].items()}


def _table(name: str, spec: dict) -> Table:
    columns = {c: Column(name=c, description=s["description"], unit=s.get("unit"),
                         tests=tuple(s.get("tests", ())),
                         accepted_values=tuple(s.get("accepted_values", ())),
                         relationship=s.get("relationship"))
               for c, s in spec["columns"].items()}
    return Table(name, spec["grain"], spec["description"], spec["example"].strip(), columns)


def render_markdown(only: str | None = None) -> str:
    """docs/SCHEMA.md: every table with grain, columns, units, tests and an example; with
    `only`, that table's section alone (to paste into a ticket or a notebook)."""
    if only:
        return "\n".join(_table_markdown(tables()[only]))
    out = ["# Warehouse schema", "",
           "Generated from `warehouse/schema.toml` by `netflix-insights schema "
           "--format markdown`; do not edit by hand.", "",
           "Open the published file read-only with any DuckDB client from 1.0 on (builds "
           "are written in storage format v1.0.0, the `duckdb_storage_version` setting), "
           "e.g. `duckdb -readonly data/warehouse/current.duckdb` or "
           "`netflix-insights sql \"select …\"`. Staging inputs live in the `staging` "
           "schema; the tables below are in `main`.", "",
           "Every table below is also available as Parquet (or CSV) for tools without "
           "DuckDB (pandas, Polars, Spark, BI tools): `netflix-insights export DIR "
           "[--table T] [--format parquet|csv]` writes `DIR/<table>.parquet`, and with "
           "`parquet_on_publish` on each refresh writes "
           "`data/warehouse/parquet/<build_id>/` (link `parquet/current`). Clients, "
           "versions and example queries: [SQL.md](SQL.md).", ""]
    for t in tables().values():
        out += _table_markdown(t)
    return "\n".join(out)


def _table_markdown(t: Table) -> list[str]:
    return [f"## `{t.name}`", "", f"**Grain:** {t.grain}.", "", t.description, "",
            "| column | description | unit | tests |", "|---|---|---|---|",
            *(_column_row(c) for c in t.columns.values()), "", "```sql", t.example, "```", ""]


def _column_row(c: Column) -> str:
    tests = list(c.tests)
    if c.accepted_values:
        tests.append("in (" + ", ".join(c.accepted_values) + ")")
    if c.relationship:
        tests.append(f"→ {c.relationship}")
    cells = [f"`{c.name}`", c.description, c.unit or "", "; ".join(tests)]
    return "| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |"


def render_text(only: str | None = None) -> str:
    """Plain-text schema for the terminal (one table, or all)."""
    out = []
    for t in tables().values():
        if only and t.name != only:
            continue
        out += [t.name, f"  grain: {t.grain}", f"  {t.description}", ""]
        width = max(len(c) for c in t.columns)
        for c in t.columns.values():
            unit = f" [{c.unit}]" if c.unit else ""
            out.append(f"  {c.name.ljust(width)}  {c.description}{unit}")
        out += ["", "  example:", *("    " + line for line in t.example.splitlines()), ""]
    return "\n".join(out)
