"""`netflix-insights`: the one console script (refresh, schedule, sql, schema, serve).

Each sub-command imports what it needs when it runs, so `refresh` never loads Dash and
`sql` never loads the ETL. Errors a user can cause print one clear line and exit
non-zero; tracebacks are for bugs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from base import settings


def _data_dir_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, default=None,
                   help="raw loads, warehouse builds, models and caches "
                        f"(env {settings.SETTINGS['data_dir'].env}; default: data/ in the "
                        "project)")


def _refresh_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", choices=["snapshot", "live"], default="snapshot",
                   help="snapshot: the bundled offline data (default); live: Kaggle + "
                        "TMDB APIs (needs credentials, see docs/LIVE_SOURCES.md)")
    p.add_argument("--kaggle-csv", type=Path, default=None,
                   help="use this local netflix_titles.csv instead of the bundled one")
    p.add_argument("--replay", type=Path, default=None, metavar="LOAD_DIR",
                   help="rebuild from an existing raw load folder (data/raw/<source>/<id>)")
    p.add_argument("--tmdb-limit", type=int, default=None,
                   help="live only: enrich at most this many Netflix titles")
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netflix-insights",
        description="Netflix catalog + TMDB audience data: DuckDB warehouse, dashboard, "
                    "models. See README.md and docs/CLI.md.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("refresh", help="extract, build, check and publish the warehouse",
                       description="Extract sources to raw Parquet, build a new DuckDB "
                       "file, run the data checks and publish it atomically. A failed "
                       "run publishes nothing and exits 1.")
    _data_dir_arg(p)
    _refresh_args(p)

    p = sub.add_parser("schedule", help="keep refreshing on an interval or cron expression",
                       description="Run `refresh` repeatedly. A failed run is logged and "
                       "the next one still happens; the last good build keeps serving.")
    _data_dir_arg(p)
    _refresh_args(p)
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--every", help="interval such as 30m, 6h, 1d")
    when.add_argument("--cron", help='cron expression, e.g. "0 3 * * *" (03:00 UTC daily)')
    p.add_argument("--max-runs", type=int, default=None,
                   help="stop after this many runs (default: run forever)")
    p.add_argument("--run-now", action="store_true", help="refresh once at start too")

    p = sub.add_parser("sql", help="read-only SQL on the warehouse (one query or a REPL)",
                       description="Run SQL against the published warehouse, read-only, "
                       "with a time limit and a row cap. Without QUERY: interactive.")
    _data_dir_arg(p)
    p.add_argument("query", nargs="?", help="SQL to run; omit for interactive mode")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds (default 10)")
    p.add_argument("--max-rows", type=int, default=10_000, help="row cap (default 10,000)")

    p = sub.add_parser("schema", help="describe every warehouse table and column",
                       description="Print the documented schema (tables, grain, columns, "
                       "units, tests, example queries) from warehouse/schema.toml.")
    p.add_argument("--format", choices=["text", "markdown"], default="text")
    p.add_argument("--table", help="only this table")

    p = sub.add_parser("train", help="train models on the published warehouse (experiments)",
                       description="Train models against the published warehouse and print "
                       "their metrics. Artifacts go to <data-dir>/models/experiments/<time>/ "
                       "and never replace the published ones: `refresh` trains those.")
    _data_dir_arg(p)
    p.add_argument("model", nargs="?", help="one model by name (default: all); see docs/models/")

    p = sub.add_parser("predict-genres", help="predict Netflix categories for a description",
                       description="Predict Netflix categories with the genre classifier of "
                       "the published build, with probabilities, the words behind each, "
                       "and the model's held-out scores.")
    _data_dir_arg(p)
    p.add_argument("description", help="the synopsis, in quotes")
    p.add_argument("--title", default="")
    p.add_argument("--type", choices=["movie", "show"], default="movie")
    p.add_argument("--country", action="append", default=[], help="repeatable")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("predict-hit", help="investment copilot: hit probability for a title idea",
                       description="Score a hypothetical title with the investment copilot "
                       "of the published build: probability of a hit (top quartile of the "
                       "engagement score) with the model's cross-validated ROC-AUC and Brier "
                       "score, predicted TMDB popularity with its error, a risk level, and "
                       "the most similar existing titles. Same as POST /api/copilot.")
    _data_dir_arg(p)
    p.add_argument("--type", choices=["movie", "show"], required=True)
    p.add_argument("--genre", action="append", required=True,
                   help="Netflix category, repeatable (1-5), e.g. --genre Dramas")
    p.add_argument("--country", help="main production country, e.g. 'South Korea'")
    p.add_argument("--language", help="ISO 639-1 original language, e.g. ko")
    p.add_argument("--month", type=int, help="release month 1-12")
    p.add_argument("--quarter", type=int, help="release quarter 1-4 (when no month)")
    p.add_argument("--runtime", type=int, help="movie runtime in minutes (movies)")
    p.add_argument("--seasons", type=int, help="number of seasons (shows)")
    p.add_argument("--rating", help="maturity rating, e.g. TV-MA")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("export", help="write the published marts as Parquet or CSV files",
                       description="Write every mart of the published build (or only "
                       "--table ones) to DIR/<table>.parquet or DIR/<table>.csv, for tools "
                       "that do not read DuckDB files (pandas, Polars, Spark, BI tools). "
                       "Parquet keeps the column types; CSV joins list columns with '; '. "
                       "Each file is written under a temporary name and renamed. See "
                       "docs/SQL.md.")
    _data_dir_arg(p)
    p.add_argument("directory", type=Path, metavar="DIR", help="where the files go "
                   "(created if missing; files of the same name are replaced)")
    p.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    p.add_argument("--table", action="append", default=None, metavar="T",
                   help="only this table (repeat for several); default: every mart")

    p = sub.add_parser("backup-profiles", help="copy the Blend profiles database safely",
                       description="Write a consistent copy of <data-dir>/profiles/"
                       "profiles.duckdb (uploaded viewing histories and blends) while the "
                       "app may be serving: taken under the profiles lock, after a "
                       "checkpoint, written to a temporary name and renamed.")
    _data_dir_arg(p)
    p.add_argument("destination", help="a file path, or a directory for a timestamped name")

    p = sub.add_parser("serve", help="serve the dashboard (builds the warehouse if missing)",
                       description="Serve the Dash app. Builds the warehouse from the "
                       "bundled snapshot first when none is published. --prod serves it "
                       "with gunicorn (see docs/OPERATIONS.md); without it, Flask's "
                       "development server.")
    _data_dir_arg(p)
    env = {n: f"env {s.env}; default {s.default}" for n, s in settings.SETTINGS.items()}
    p.add_argument("--host", default=None,
                   help=f"bind address ({env['host']})")
    p.add_argument("--port", type=int, default=None,
                   help=f"port ({env['port']})")
    p.add_argument("--no-build", action="store_true",
                   help="fail instead of building when no warehouse exists")
    p.add_argument("--prod", action="store_true",
                   help="serve with gunicorn: several worker processes, each with its "
                        "own read-only warehouse connection, warmed up before traffic")
    p.add_argument("--workers", type=int, default=None,
                   help=f"--prod: worker processes ({env['workers']})")
    p.add_argument("--threads", type=int, default=None,
                   help=f"--prod: threads per worker ({env['threads']})")
    p.add_argument("--timeout", type=int, default=None, metavar="SECONDS",
                   help="--prod: restart a worker silent this long "
                        f"({env['worker_timeout_seconds']})")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {"refresh": cmd_refresh, "schedule": cmd_schedule, "sql": cmd_sql,
               "schema": cmd_schema, "serve": cmd_serve, "train": cmd_train,
               "predict-genres": cmd_predict_genres, "predict-hit": cmd_predict_hit,
               "backup-profiles": cmd_backup_profiles, "export": cmd_export}[args.command]
    try:
        return handler(args) or 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except UserFacingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


class UserFacingError(RuntimeError):
    """An error whose message is the whole story (no traceback)."""


def _user_errors():
    """Exception types whose message is enough for the user."""
    from base.errors import WarehouseMissing
    from etl.publish import RefreshLocked
    from etl.raw import RawContractError
    from etl.sources.errors import SourceError
    from netflix_insights.refresh import RefreshFailed
    return (RefreshFailed, RefreshLocked, WarehouseMissing, RawContractError, SourceError)


def cmd_refresh(args) -> int:
    from netflix_insights.refresh import refresh
    try:
        result = refresh(settings.data_dir(args.data_dir), source=args.source,
                         kaggle_csv=args.kaggle_csv, replay=args.replay, quiet=args.quiet,
                         tmdb_limit=args.tmdb_limit)
    except _user_errors() as exc:
        raise UserFacingError(f"refresh failed, nothing published: {exc}") from exc
    print(f"published {result.build_id} in {result.duration_seconds:.1f} s "
          f"({result.checks_passed} checks passed): {result.path}")
    return 0


def cmd_schedule(args) -> int:
    from netflix_insights.schedule import run_schedule
    return run_schedule(args)


def cmd_sql(args) -> int:
    from base.errors import WarehouseMissing
    from base.paths import Paths, current_build
    from queries import console
    try:
        path = current_build(Paths(settings.data_dir(args.data_dir)))
    except WarehouseMissing as exc:
        raise UserFacingError(str(exc)) from exc
    con = console.open_console_connection(path)
    if args.query is None:
        console.interactive(con, timeout_s=args.timeout, row_cap=args.max_rows)
        return 0
    result = console.run_query(con, args.query, timeout_s=args.timeout, row_cap=args.max_rows)
    if result.error:
        raise UserFacingError(result.error)
    fmt = {"table": console.format_table, "csv": console.format_csv,
           "json": console.format_json}[args.format]
    text = fmt(result)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_schema(args) -> int:
    from warehouse import schema
    if args.table and args.table not in schema.tables():
        raise UserFacingError(f"no table {args.table!r}; tables: "
                              + ", ".join(schema.tables()))
    if args.format == "markdown":
        print(schema.render_markdown())
    else:
        print(schema.render_text(args.table))
    return 0


def cmd_train(args) -> int:
    import time

    from base.errors import WarehouseMissing
    from base.paths import Paths, current_build
    from models import training
    from queries.db import open_read_only
    if args.model and args.model not in training.registry():
        raise UserFacingError(f"no model {args.model!r}; models: "
                              + ", ".join(training.registry()))
    data_dir = settings.data_dir(args.data_dir)
    try:
        path = current_build(Paths(data_dir))
    except WarehouseMissing as exc:
        raise UserFacingError(str(exc)) from exc
    run = "experiments/" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    con = open_read_only(path)
    try:
        metrics = training.train_all(con, data_dir, run, [args.model] if args.model else None,
                                     progress=lambda m: print(m, file=sys.stderr))
    finally:
        con.close()
    whole = metrics.filter(metrics["label"] == "").select("model", "split", "metric", "value")
    for row in whole.iter_rows(named=True):
        print(f"{row['model']:28} {row['split']:10} {row['metric']:16} {row['value']:.4f}")
    print(f"artifacts: {data_dir / 'models' / run}", file=sys.stderr)
    return 0


def cmd_predict_genres(args) -> int:
    import json

    from base.errors import WarehouseMissing
    from base.paths import Paths, current_build
    from models import artifacts, serving
    data_dir = settings.data_dir(args.data_dir)
    try:
        build_id = current_build(Paths(data_dir)).stem
        request = serving.GenreRequest.parse({"description": args.description, "title": args.title,
                                              "type": args.type, "countries": args.country})
        result = serving.predict_genres(data_dir, build_id, request)
    except (WarehouseMissing, artifacts.ModelMissing, serving.BadInput) as exc:
        raise UserFacingError(str(exc)) from exc
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    for item in result["labels"]:
        print(f"{item['probability']:6.1%}  {item['label']:30} {', '.join(item['words'])}")
    scores = result["model_scores"]
    print(f"model {result['model']} (build {build_id}): held-out micro-F1 "
          f"{scores.get('micro_f1', float('nan')):.3f}, macro-F1 {scores.get('macro_f1', float('nan')):.3f}")
    return 0


def cmd_predict_hit(args) -> int:
    import json

    from base.errors import WarehouseMissing
    from base.paths import Paths, current_build
    from models import artifacts, copilot, serving
    data_dir = settings.data_dir(args.data_dir)
    try:
        build_id = current_build(Paths(data_dir)).stem
        request = copilot.CopilotRequest.parse({
            "type": args.type, "genres": args.genre, "country": args.country,
            "language": args.language, "month": args.month, "quarter": args.quarter,
            "runtime_minutes": args.runtime, "seasons": args.seasons,
            "maturity_rating": args.rating})
        result = copilot.predict(data_dir, build_id, request)
    except (WarehouseMissing, artifacts.ModelMissing, serving.BadInput) as exc:
        raise UserFacingError(str(exc)) from exc
    if args.json:
        print(json.dumps(result, indent=2, default=str))
        return 0
    hit, pop, risk = result["hit_model_scores"], result["popularity"], result["risk"]
    print(f"hit probability {result['hit_probability']:.0%} (base rate "
          f"{result['base_rate']:.0%}; model CV ROC-AUC {hit['roc_auc']:.3f}, Brier "
          f"{hit['brier']:.3f} vs {hit['baseline_brier']:.3f} for the base rate)")
    print(f"predicted TMDB popularity {pop['predicted']:.1f} (middle half "
          f"{pop['middle_half'][0]:.1f}-{pop['middle_half'][1]:.1f}; CV MAE "
          f"{pop['mae_points']:.1f} vs {pop['baseline_mae_points']:.1f} for the mean)")
    print(f"risk {risk['level']}: {risk['reason']}")
    for b in result["benchmarks"]:
        print(f"  similar: {b['title']} ({b.get('release_year', '?')}), similarity "
              f"{b['similarity']:.2f}")
    return 0


def cmd_export(args) -> int:
    from base.errors import WarehouseMissing
    from base.paths import Paths, current_build
    from warehouse import export
    try:
        path = current_build(Paths(settings.data_dir(args.data_dir)))
        args.directory.mkdir(parents=True, exist_ok=True)
        con = export.open_for_export(path, args.directory)
        try:
            written = export.export(con, args.directory, args.format, args.table)
        finally:
            con.close()
    except (WarehouseMissing, export.ExportError) as exc:
        raise UserFacingError(str(exc)) from exc
    except OSError as exc:
        raise UserFacingError(f"cannot write to {args.directory}: {exc.strerror or exc}") from exc
    for item in written:
        print(f"{item.table:22} {item.rows:>9,} rows  {item.path}")
    print(f"{len(written)} tables of build {path.stem} as {args.format}", file=sys.stderr)
    return 0


def cmd_backup_profiles(args) -> int:
    from blend.profiles import ProfileStore
    data_dir = settings.data_dir(args.data_dir)
    store = ProfileStore(data_dir)
    if not store.path.exists():
        raise UserFacingError(f"no profiles database at {store.path} (nobody has uploaded "
                              "a viewing history yet)")
    print(f"backed up to {store.backup(Path(args.destination))}")
    return 0


def cmd_serve(args) -> int:
    from netflix_insights.serve import ServeError, serve
    try:
        return serve(settings.data_dir(args.data_dir), host=args.host, port=args.port,
                     build_if_missing=not args.no_build, prod=args.prod,
                     workers=args.workers, threads=args.threads, timeout=args.timeout)
    except (ServeError, *_user_errors()) as exc:
        raise UserFacingError(str(exc)) from exc


if __name__ == "__main__":
    sys.exit(main())
