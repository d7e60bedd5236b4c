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

from base.sqlfiles import SqlFolder

SQL = SqlFolder.beside(__file__)
SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
# A mart or macro names what it needs in its first line, as dbt's ref() does:
#   -- depends on: titles, engagement_score
# The build orders by these declarations; tests/test_warehouse_sql.py checks each
# file declares every mart and macro its SQL reads or calls.
DEPENDS_ON = re.compile(r"^-- depends on: *(.*)$", re.M)


def sql_files(layer: str) -> dict[str, str]:
    """name → SQL text for one layer (staging, marts or macros)."""
    return SQL.layer(layer)


def declared_dependencies(sql: str) -> set[str]:
    """The marts and macros a file says it needs (its `-- depends on:` lines)."""
    return {name.strip() for line in DEPENDS_ON.findall(sql)
            for name in line.split(",") if name.strip()}


def build_order(nodes: dict[str, str], available: set[str] = frozenset()) -> list[str]:
    """Names of `nodes` (name → SQL) sorted so each comes after what it declares;
    `available` names exist already. An undeclared name or a cycle is an error."""
    deps = {name: declared_dependencies(sql) for name, sql in nodes.items()}
    for name, needs in deps.items():
        unknown = needs - set(nodes) - set(available)
        if unknown:
            raise ValueError(f"{name} depends on {sorted(unknown)}, which the build "
                             "does not make")
    ordered: list[str] = []
    while len(ordered) < len(nodes):
        ready = sorted(n for n in nodes if n not in ordered
                       and deps[n] - set(available) <= set(ordered))
        if not ready:
            raise ValueError(f"dependency cycle: {sorted(set(nodes) - set(ordered))}")
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
    """Create staging views, then mart tables and macros in declared order (DuckDB
    binds a macro's body when it is created, so a macro over a mart follows the mart);
    return the marts in build order."""
    for name, sql in sql_files("staging").items():
        con.execute(f"create or replace view staging.{name} as {sql}")
    marts, macros = sql_files("marts"), sql_files("macros")
    if set(marts) & set(macros):
        raise ValueError(f"a mart and a macro share a name: {sorted(set(marts) & set(macros))}")
    order = build_order({**marts, **macros})
    for name in order:
        if name in macros:
            progress(f"macro {name}")
            con.execute(macros[name])  # each file is one `create or replace macro`
        else:
            progress(f"mart {name}")
            con.execute(f"create or replace table main.{name} as {marts[name]}")
    return [name for name in order if name in marts]


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table in main (exact counts, small warehouse)."""
    names = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_type = 'BASE TABLE' order by table_name").fetchall()]
    return {n: con.execute(f'select count(*) from main."{n}"').fetchall()[0][0] for n in names}
