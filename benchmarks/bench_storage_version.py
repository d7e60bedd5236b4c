"""What writing builds in an older DuckDB storage format costs: build time, file size
and query speed, v1.0.0 (the default, readable by 1.x clients) against v2.0.0 (DuckDB
2.0's own format, the baseline), both in one process.

    .venv/bin/python benchmarks/bench_storage_version.py [--runs 5] [--query-runs 20]
        [--synthetic-titles 1000000]

Build: the cleaned bundled snapshot (transformed once) loaded and turned into every
staging view, mart and macro in a new file, then checkpointed and closed, exactly as
`refresh` does it (warehouse/build.py through warehouse/storage.connect_new); the two
formats alternate run by run. With --synthetic-titles the file is instead
benchmarks/synthetic_warehouse.py's copy of a bundled build scaled to that many titles
(its build() timed, in each format). Queries: each file opened the way the app opens it
(queries/db.open_read_only), the example queries of docs/SQL.md and docs/SCHEMA.md plus
three scans the pages make (the whole filtered catalog, people and the TMDB market to
Arrow); per query the median of --query-runs (the formats alternating), then the median
of those per-query ratios.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl import raw, transform  # noqa: E402
from etl.sources import snapshot  # noqa: E402
from queries.db import open_read_only  # noqa: E402
from warehouse import build, schema, storage  # noqa: E402

VERSIONS = ("v2.0.0", "v1.0.0")  # baseline first
SCANS = [
    "select * from filtered_titles([], null, null, null, null, [], [], [])",
    "select person_name, role, count(*) as titles from title_people group by all",
    "select * from tmdb_titles",
]


def cleaned_tables(work: Path):
    tables, inputs = snapshot.extract()
    load = raw.write_load(work / "raw", "snapshot", tables, inputs)
    return transform.transform(raw.load_tables(load)).tables


def synthetic_builder(work: Path, titles: int):
    """A function (path, version) → seconds that writes a synthetic warehouse of about
    `titles` titles from a fresh bundled build."""
    import math
    import os

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synthetic_warehouse
    from netflix_insights.refresh import refresh
    os.environ.setdefault("NETFLIX_INSIGHTS_TRAIN_MODELS", "0")
    source = refresh(work / "source", quiet=True).path
    reps = max(1, math.ceil(titles / 8807))

    def make(path: Path, version: str) -> float:
        os.environ["NETFLIX_INSIGHTS_DUCKDB_STORAGE_VERSION"] = version
        path.unlink(missing_ok=True)
        start = time.perf_counter()
        synthetic_warehouse.build(source, path, "bench", reps, 7, 2)
        return time.perf_counter() - start
    return make


def build_once(path: Path, version: str, tables) -> float:
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    con = storage.connect_new(path, version)
    build.load_sources(con, tables)
    build.run_models(con)
    con.execute("checkpoint")
    con.close()
    return time.perf_counter() - start


def queries() -> list[str]:
    text = (ROOT / "docs" / "SQL.md").read_text()
    return (re.findall(r"```sql\n(.*?)```", text, flags=re.S)
            + [t.example for t in schema.tables().values()] + SCANS)


def runnable(path: Path) -> list[str]:
    """The queries this build answers (build_info, etl_runs and the other tables refresh
    writes after the marts are not in a bare build)."""
    con = open_read_only(path)
    try:
        ok = []
        for sql in queries():
            try:
                con.execute(sql).fetchall()
                ok.append(sql)
            except duckdb.CatalogException:
                pass
        return ok
    finally:
        con.close()


def query_medians(files: dict[str, Path], sqls: list[str],
                  runs: int) -> dict[str, list[float]]:
    """Per format, each query's median time; the formats alternate run by run, so a
    busy moment on the machine hits both."""
    cons = {v: open_read_only(p) for v, p in files.items()}
    try:
        out: dict[str, list[float]] = {v: [] for v in files}
        for sql in sqls:
            times: dict[str, list[float]] = {v: [] for v in files}
            for con in cons.values():
                con.sql(sql).to_arrow_table()  # warm: the first read pulls blocks in
            for _ in range(runs):
                for v, con in cons.items():
                    start = time.perf_counter()
                    con.sql(sql).to_arrow_table()
                    times[v].append(time.perf_counter() - start)
            for v in files:
                out[v].append(statistics.median(times[v]))
        return out
    finally:
        for con in cons.values():
            con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="builds per format")
    ap.add_argument("--query-runs", type=int, default=20, help="runs per query and format")
    ap.add_argument("--synthetic-titles", type=int, default=0,
                    help="measure a synthetic warehouse of this many titles instead")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.synthetic_titles:
            make = synthetic_builder(work, args.synthetic_titles)
        else:
            tables = cleaned_tables(work)
            make = lambda path, v: build_once(path, v, tables)  # noqa: E731
        files = {v: work / f"{v}.duckdb" for v in VERSIONS}
        builds: dict[str, list[float]] = {v: [] for v in VERSIONS}
        sizes: dict[str, list[float]] = {v: [] for v in VERSIONS}  # varies a little
        for _ in range(args.runs):
            for v in VERSIONS:
                builds[v].append(make(files[v], v))
                sizes[v].append(files[v].stat().st_size / 2**20)
        found = {v: storage.file_version(files[v]) for v in VERSIONS}
        sizes = {v: statistics.median(sizes[v]) for v in VERSIONS}
        sqls = runnable(files[VERSIONS[0]])
        per_query = query_medians(files, sqls, args.query_runs)
    base, old = VERSIONS
    print(f"{'':34} {base + ' (baseline)':>20} {old:>12} {'ratio':>7}")
    b, o = statistics.median(builds[base]), statistics.median(builds[old])
    print(f"{'build, median of %d (s)' % args.runs:34} {b:20.3f} {o:12.3f} {o / b:7.2f}")
    print(f"{'file size, median (MiB)':34} {sizes[base]:20.1f} {sizes[old]:12.1f} "
          f"{sizes[old] / sizes[base]:7.2f}")
    total_b, total_o = sum(per_query[base]) * 1e3, sum(per_query[old]) * 1e3
    print(f"{'%d queries, sum of medians (ms)' % len(sqls):34} {total_b:20.1f} "
          f"{total_o:12.1f} {total_o / total_b:7.2f}")
    ratios = [o / b for b, o in zip(per_query[base], per_query[old]) if b > 0]
    print(f"{'per-query ratio: median (min-max)':34} {'':20} {'':12} "
          f"{statistics.median(ratios):7.2f} ({min(ratios):.2f}-{max(ratios):.2f})")
    print(f"storage format reported: {found}")


if __name__ == "__main__":
    main()
