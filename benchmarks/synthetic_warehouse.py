"""A data dir whose published warehouse holds ~1,000,000 Netflix titles, for load tests.

    .venv/bin/python benchmarks/synthetic_warehouse.py --out /tmp/nf1m [--titles 1000000]
        [--source-data-dir DIR] [--seed 7] [--threads 2]

Takes a real build (`netflix-insights refresh --data-dir <out>/source` is run first
when --source-data-dir has no published warehouse), and writes a new DuckDB file,
published the way a refresh publishes (<out>/warehouse/builds/<id>.duckdb, then the
current.duckdb symlink swapped atomically):

* every table in `main` with a `show_id` column (titles, title_genres,
  title_countries, title_people, title_matches, and any bridge added later) is
  replicated R = ceil(titles / real titles) times; replica 0 keeps its show_id, replica
  k gets `<show_id>_r<k>`. In `titles`, replicas get jittered release years (±3,
  clamped to the real range), dates added (±180 days, clamped), runtimes (±10 %),
  scores (±0.3) and vote/popularity counts (×0.6–1.4), and the derived columns
  (month_added, year_added, addition_lag_years) are recomputed; every other column is
  carried over unchanged, in the same order and type. Jitter is a hash of
  (show_id, replica, seed), so the file is reproducible. The integer key `title_no`
  is renumbered (1 … n in show_id order, as the titles mart numbers it), and every
  bridge with a `title_no` takes its title's new one.
* monthly_additions, monthly_totals, hit_thresholds and metric_spreads are recomputed
  from their mart SQL (after the macros, which the last two use);
  match_rates' counts are multiplied by R (rates unchanged); build_info names the new
  build. Every other table (IMDb, TMDB, staging, quarantine, runs…) is copied as is,
  staging views are recreated from the source's own definitions, and the macros by
  running warehouse/sql/macros/*.sql against the new file.
"""
from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from base.paths import Paths
from etl.publish import publish, refresh_lock  # noqa: E402
from warehouse import storage  # noqa: E402
from warehouse.build import build_order, sql_files  # noqa: E402

# aggregates of titles/title_genres, recomputed from the replicated rows with their mart
# SQL (the build-level engagement marts depend on the jittered scores)
RECOMPUTED = ("monthly_additions", "monthly_totals", "hit_thresholds", "metric_spreads")



def clamp(col: str, expr: str, lo, hi) -> str:
    """expr bounded to [lo, hi], NULL when col is NULL (DuckDB's greatest/least skip
    NULLs, so a bare greatest(1, NULL) would turn a missing score into 1)."""
    return f"case when {col} is not null then least(greatest({expr}, {lo}), {hi}) end"


NEW_SHOW_ID = "case when k = 0 then show_id else show_id || '_r' || k end"


# jitter per titles column, written over the replica row `r` (h = the row's hash;
# k = replica number, 0 = the real title, which is never jittered)
JITTER = {
    "release_year": "new_release_year",
    "date_added": "new_date_added",
    "month_added": "date_trunc('month', new_date_added)::date",
    "year_added": "year(new_date_added)",
    "addition_lag_years": "year(new_date_added) - new_release_year",
    "runtime_minutes": clamp("runtime_minutes",
                             "round(runtime_minutes * (0.9 + (h >> 40) % 201 / 1000.0))", 1, 10**6),
    "imdb_score": f"round({clamp('imdb_score', 'imdb_score + ds', 1, 10)}, 1)",
    "imdb_votes": "round(imdb_votes * f)",
    "tmdb_popularity": "tmdb_popularity * f",
    "tmdb_score": f"round({clamp('tmdb_score', 'tmdb_score + ds', 0, 10)}, 3)",
    "tmdb_vote_count": "round(tmdb_vote_count * f)",
    "title_no": f"row_number() over (order by {NEW_SHOW_ID})",
}


def ensure_source(source: Path) -> Path:
    """The source data dir's published build, running a real refresh if there is none."""
    link = Paths(source).current_link
    if not link.exists():
        print(f"no published warehouse in {source}: running netflix-insights refresh…",
              flush=True)
        cli = Path(sys.executable).with_name("netflix-insights")
        cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "netflix_insights.cli"]
        subprocess.run([*cmd, "refresh", "--quiet", "--data-dir", str(source)], check=True,
                       cwd=ROOT)
    return link.resolve()


def columns(con, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = 'src' "
        "and schema_name = $s and table_name = $t order by column_index",
        {"s": schema, "t": table}).fetchall()


def base_tables(con) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'src' "
        "and not temporary order by schema_name, table_name").fetchall()


def new_show_id() -> str:
    return NEW_SHOW_ID


def scale_titles(con, reps: int, seed: int) -> None:
    """Replicated, jittered titles; columns in the source's order and types."""
    cols = columns(con, "main", "titles")
    lo_y, hi_y, lo_d, hi_d = con.execute(
        "select min(release_year), max(release_year), min(date_added), max(date_added) "
        "from src.main.titles").fetchone()
    select = []
    for name, dtype in cols:
        expr = new_show_id() if name == "show_id" else JITTER.get(name)
        select.append(f'cast({expr} as {dtype}) as "{name}"' if expr else f'"{name}"')
    con.execute(f"""
        create table main.titles as
        with rep as (
            select t.*, r.k, hash(t.show_id, r.k, {seed}) as h
            from src.main.titles as t cross join reps as r
        ),
        jit as (
            select *,
                case when k = 0 then 0 else (h % 7)::integer - 3 end as dy,
                case when k = 0 then 0 else ((h >> 8) % 361)::integer - 180 end as dd,
                case when k = 0 then 1.0 else 0.6 + ((h >> 20) % 801) / 1000.0 end as f,
                case when k = 0 then 0.0 else (((h >> 32) % 61)::integer - 30) / 100.0 end
                    as ds
            from rep
        ),
        r as (
            select *,
                {clamp("release_year", "release_year + dy", lo_y, hi_y)} as new_release_year,
                {clamp("date_added", "date_added + dd", f"date '{lo_d}'", f"date '{hi_d}'")}
                    as new_date_added
            from jit
        )
        select {', '.join(select)} from r order by show_id""")


def scale_bridge(con, table: str) -> None:
    """A show_id table replicated with the same new show_ids as titles (and, where it
    has one, the new title's title_no, not the real title's)."""
    names = [n for n, _ in columns(con, "main", table)]
    select = ", ".join('r.new_id as "show_id"' if n == "show_id"
                       else 't.title_no as "title_no"' if n == "title_no" else f'r."{n}"'
                       for n in names)
    join = "left join main.titles as t on t.show_id = r.new_id" if "title_no" in names else ""
    con.execute(f"create table main.{table} as select {select} "
                f"from (select *, {new_show_id()} as new_id "
                f"      from src.main.{table} cross join reps) as r "
                f"{join} order by r.new_id")


def copy_table(con, schema: str, table: str) -> None:
    con.execute(f'create table {schema}."{table}" as select * from src.{schema}."{table}"')


def build(source_file: Path, partial: Path, build_id: str, reps: int, seed: int,
          threads: int) -> dict[str, int]:
    # the product's storage format (v1.0.0 by default), so the app is measured on the
    # same kind of file it serves
    con = storage.connect_new(partial, extra={"threads": threads})
    try:
        con.execute(f"attach '{source_file}' as src (read_only)")
        con.execute(f"create temp table reps as select range as k from range({reps})")
        schemas = {s for s, _ in base_tables(con)}
        for schema in sorted(schemas - {"main"}):
            con.execute(f"create schema if not exists {schema}")
        # titles first: bridges with a title_no take it from the new titles
        for schema, table in sorted(base_tables(con), key=lambda t: t != ("main", "titles")):
            has_show_id = any(n == "show_id" for n, _ in columns(con, schema, table))
            t0 = time.perf_counter()
            if schema == "main" and table == "titles":
                scale_titles(con, reps, seed)
            elif schema == "main" and has_show_id:
                scale_bridge(con, table)
            elif schema == "main" and table in RECOMPUTED:
                continue  # after titles and title_genres exist
            else:
                copy_table(con, schema, table)
            print(f"  {schema + '.' + table:36} {time.perf_counter() - t0:6.1f} s", flush=True)
        con.execute("update main.match_rates set titles = titles * $r, "
                    "matched_titles = matched_titles * $r", {"r": reps})
        con.execute("update main.build_info set build_id = $id, built_at = $at, "
                    "source = source || $suffix",
                    {"id": build_id, "at": datetime.now(timezone.utc).replace(tzinfo=None),
                     "suffix": f" ×{reps} synthetic"})
        for (sql,) in con.execute("select sql from duckdb_views() where database_name = 'src' "
                                  "and not internal order by schema_name, view_name").fetchall():
            con.execute(sql)
        macros = sql_files("macros")
        for name in build_order(macros, available=set(sql_files("marts"))):
            con.execute(macros[name])
        recompute(con)
        check_macros(con)
        counts = {t: con.execute(f'select count(*) from main."{t}"').fetchone()[0]
                  for t in ("titles", "title_genres", "title_countries", "title_people",
                            "title_matches", "monthly_additions")}
        con.execute("detach src")
        con.execute("checkpoint")
        return counts
    finally:
        con.close()


def recompute(con) -> None:
    """The RECOMPUTED marts from the replicated tables, in dependency order (after the
    macros: hit_thresholds and metric_spreads use engagement_score)."""
    marts = {t: sql_files("marts")[t] for t in RECOMPUTED}
    others = set(sql_files("marts")) | set(sql_files("macros"))
    for table in build_order(marts, available=others - set(marts)):
        con.execute(f"create table main.{table} as {marts[table]}")


def check_macros(con) -> None:
    """Every macro of the source build exists in the new file."""
    src = {r[0] for r in con.execute("select function_name from duckdb_functions() where "
                                     "database_name = 'src' and not internal and "
                                     "function_type like '%macro'").fetchall()}
    new = {r[0] for r in con.execute("select function_name from duckdb_functions() where "
                                     "database_name <> 'src' and not internal and "
                                     "function_type like '%macro'").fetchall()}
    if src - new:
        raise SystemExit(f"macros missing from the synthetic build: {sorted(src - new)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="data dir to create")
    parser.add_argument("--source-data-dir", type=Path,
                        help="data dir with a published build (default: <out>/source, "
                             "refreshed from the bundled snapshot if empty)")
    parser.add_argument("--titles", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    out = args.out.resolve()
    source_file = ensure_source((args.source_data_dir or out / "source").resolve())
    src = duckdb.connect(str(source_file), read_only=True)
    real = src.execute("select count(*) from titles").fetchone()[0]
    src.close()
    reps = max(1, math.ceil(args.titles / real))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    build_id = f"{stamp}-synth{reps:03d}"
    paths = Paths(out)
    print(f"source {source_file.name}: {real:,} titles; {reps} replicas → "
          f"{real * reps:,} titles; build {build_id}", flush=True)
    t0 = time.perf_counter()
    with refresh_lock(paths):
        paths.builds_dir.mkdir(parents=True, exist_ok=True)
        partial = paths.builds_dir / f"{build_id}.duckdb.partial"
        try:
            counts = build(source_file, partial, build_id, reps, args.seed, args.threads)
            final = publish(partial, build_id, paths)
        except BaseException:
            for leftover in partial.parent.glob(partial.name + "*"):
                leftover.unlink(missing_ok=True)
            raise
    took = time.perf_counter() - t0
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    print(f"published {final} → {paths.current_link}")
    print(f"took {took:.1f} s; file size {os.path.getsize(final) / 2**20:,.1f} MiB")


if __name__ == "__main__":
    main()
