"""Data checks run on every build before it can be published.

Declared checks come from schema.toml (unique, not_null, accepted_values,
relationship), custom ones are `checks/*.sql` files that return the offending rows
(zero rows = pass), and a few need the previous build (row-count sanity) or a setting
(match-rate floor). Also: every built table and column must be documented, and every
documented one built.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import schema

CHECKS_DIR = Path(__file__).resolve().parent / "checks"


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str = ""


def declared_checks() -> list[tuple[str, str]]:
    """(name, SQL counting violations) for every test declared in schema.toml."""
    out = []
    for t in schema.tables().values():
        for c in t.columns.values():
            col, tbl = f'"{c.name}"', f'"{t.name}"'
            if "unique" in c.tests:
                out.append((f"{t.name}.{c.name} unique", f"select count(*) from (select "
                            f"{col} from {tbl} group by {col} having count(*) > 1)"))
            if "not_null" in c.tests:
                out.append((f"{t.name}.{c.name} not_null",
                            f"select count(*) from {tbl} where {col} is null"))
            if c.accepted_values:
                values = ", ".join("'" + v.replace("'", "''") + "'" for v in c.accepted_values)
                out.append((f"{t.name}.{c.name} accepted_values", f"select count(*) from "
                            f"{tbl} where {col} is not null and {col} not in ({values})"))
            if c.relationship:
                ptable, pcol = c.relationship.split(".")
                out.append((f"{t.name}.{c.name} → {c.relationship}",
                            f"select count(*) from {tbl} where {col} is not null and "
                            f"{col} not in (select \"{pcol}\" from \"{ptable}\")"))
    return out


def run_declared(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    results = []
    for name, sql in declared_checks():
        bad = con.execute(sql).fetchall()[0][0]  # fetchone() leaves DuckDB 2 results open
        results.append(CheckResult(name, bad == 0, f"{bad} violating rows" if bad else ""))
    return results


def run_custom(con: duckdb.DuckDBPyConnection, params: dict) -> list[CheckResult]:
    """checks/*.sql: each returns offending rows; parameters are bound, never formatted."""
    results = []
    for path in sorted(CHECKS_DIR.glob("*.sql")):
        sql = path.read_text()
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        rows = con.execute(sql, used).fetchall()
        detail = f"{len(rows)} offending rows, e.g. {rows[:3]}" if rows else ""
        results.append(CheckResult(f"check {path.stem}", not rows, detail))
    return results


def run_documentation(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """Built main-schema tables/columns and schema.toml must agree exactly."""
    built = {}
    for table, column in con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'main' order by table_name, ordinal_position").fetchall():
        built.setdefault(table, []).append(column)
    documented = {t.name: list(t.columns) for t in schema.tables().values()}
    results = []
    for table in sorted(set(built) | set(documented)):
        missing_doc = [c for c in built.get(table, []) if c not in documented.get(table, [])]
        not_built = [c for c in documented.get(table, []) if c not in built.get(table, [])]
        detail = "; ".join(filter(None, [
            missing_doc and f"undocumented: {', '.join(missing_doc)}",
            not_built and f"documented but not built: {', '.join(not_built)}"]))
        results.append(CheckResult(f"{table} documented", not detail, detail))
    return results


def run_row_counts(current: dict[str, int], previous: dict[str, int] | None,
                   max_shrink: float) -> list[CheckResult]:
    """A table that lost more than max_shrink of its previous rows fails (bad input?)."""
    results = []
    for table, before in sorted((previous or {}).items()):
        now = current.get(table, 0)
        ok = before == 0 or now >= before * (1 - max_shrink)
        results.append(CheckResult(f"{table} row count vs previous build", ok,
                                   "" if ok else f"{before} → {now} rows"))
    return results
