"""Run the warehouse SQL into a new DuckDB file: sources → staging views → mart tables.

Typed source frames (from etl/clean.py) are loaded into the `staging` schema as
`src_*` tables, seeds as `seed_*`; `sql/staging/*.sql` become `staging.stg_*` views and
`sql/marts/*.sql` become tables in `main`, in dependency order. Each .sql file is one
SELECT; the file name is the relation's name.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl

SQL_DIR = Path(__file__).resolve().parent / "sql"
SEEDS_DIR = Path(__file__).resolve().parent / "seeds"


def sql_files(layer: str) -> dict[str, str]:
    """name → SQL text for one layer (staging or marts)."""
    return {p.stem: p.read_text() for p in sorted((SQL_DIR / layer).glob("*.sql"))}


def reads(sql: str, relation: str) -> bool:
    """Does this SQL read `relation` (from/join it)?"""
    return re.search(rf"\b(from|join)\s+{relation}\b", sql) is not None


def calls(sql: str, macro: str) -> bool:
    """Does this SQL call (or read, for a table macro) the macro `macro`?"""
    return re.search(rf"\b{macro}\s*\(", sql) is not None


def dependency_order(models: dict[str, str], uses=reads) -> list[str]:
    """Marts (or macros, with uses=calls) sorted so each comes after those its SQL
    reads (or calls)."""
    deps = {name: {other for other in models if other != name and uses(sql, other)}
            for name, sql in models.items()}
    ordered: list[str] = []
    while len(ordered) < len(models):
        ready = sorted(n for n in models if n not in ordered and deps[n] <= set(ordered))
        if not ready:
            raise ValueError(f"dependency cycle: {sorted(set(models) - set(ordered))}")
        ordered.extend(ready)
    return ordered


def load_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Create table `name` from a Polars frame (through Arrow, no copy via pandas)."""
    arrow = frame.to_arrow()
    con.register("_incoming", arrow)
    try:
        con.execute(f"create or replace table {name} as select * from _incoming")
    finally:
        con.unregister("_incoming")


def load_sources(con: duckdb.DuckDBPyConnection, tables: dict[str, pl.DataFrame]) -> None:
    con.execute("create schema if not exists staging")
    for name, frame in sorted(tables.items()):
        load_frame(con, f"staging.{name}", frame)
    for seed in sorted(SEEDS_DIR.glob("*.csv")):
        load_frame(con, f"staging.seed_{seed.stem}", pl.read_csv(seed, infer_schema=False))


def run_models(con: duckdb.DuckDBPyConnection, progress=lambda msg: None) -> list[str]:
    """Create staging views and mart tables; return the marts in build order."""
    for name, sql in sql_files("staging").items():
        con.execute(f"create or replace view staging.{name} as {sql}")
    marts = sql_files("marts")
    order = dependency_order(marts)
    macros = sql_files("macros")
    before, after = macro_order(macros, marts)
    for name in before:
        progress(f"macro {name}")
        con.execute(macros[name])  # each file is one `create or replace macro` statement
    for name in order:
        progress(f"mart {name}")
        con.execute(f"create or replace table main.{name} as {marts[name]}")
    for name in after:
        progress(f"macro {name}")
        con.execute(macros[name])
    return order


def macro_order(macros: dict[str, str], marts: dict[str, str]) -> tuple[list[str], list[str]]:
    """(macros to create before the marts, after them). A macro that reads no mart (a
    formula such as engagement_score) comes first, so marts can use it; table macros
    over marts (filtered_titles) come after. DuckDB binds a macro's body when it is
    created, so within each group a macro follows the macros it calls."""
    ordered = dependency_order(macros, uses=calls)
    reads_marts = {n for n, sql in macros.items() if any(reads(sql, m) for m in marts)}
    return ([n for n in ordered if n not in reads_marts],
            [n for n in ordered if n in reads_marts])


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table in main (exact counts, small warehouse)."""
    names = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_type = 'BASE TABLE' order by table_name").fetchall()]
    return {n: con.execute(f'select count(*) from main."{n}"').fetchall()[0][0] for n in names}
