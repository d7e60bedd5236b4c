"""`netflix-insights`: the one console script (refresh, schedule, sql, schema, serve).

Each sub-command imports what it needs when it runs, so `refresh` never loads Dash and
`sql` never loads the ETL. Errors a user can cause print one clear line and exit
non-zero; tracebacks are for bugs.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from base import settings
from base.errors import UserError
from base.text import counted, shown


def _data_dir_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=_path, default=None,
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
    p.add_argument("--tmdb-limit", type=_positive(int), default=None,
                   help="live only: enrich at most this many Netflix titles")
    p.add_argument("--imdb-dir", type=Path, default=None, metavar="DIR",
                   help="also match against IMDb's dataset files downloaded into DIR "
                        "(title.basics, title.akas, title.ratings, optionally "
                        "title.episode; .tsv.gz or .tsv, from https://datasets.imdbws.com/, "
                        "personal non-commercial use; env "
                        f"{settings.SETTINGS['imdb_dir'].env}; docs/MATCHING.md)")
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
    # (a week at most: 1e10 s overflowed the clock)
    p.add_argument("--timeout", type=_positive(float, most=7 * 86_400), default=10.0,
                   help="seconds (default 10); a query that cannot be interrupted has its "
                   "worker process killed half a second later")
    p.add_argument("--max-rows", type=_positive(int), default=10_000,
                   help="row cap (default 10,000); results are also capped at "
                   "console_max_result_bytes")

    p = sub.add_parser("schema", help="describe every warehouse table and column",
                       description="Print the documented schema (tables, grain, columns, "
                       "units, tests, example queries) from warehouse/schema.toml.")
    p.add_argument("--format", choices=["text", "markdown"], default="text")
    p.add_argument("--table", type=_given, action=_Once, help="only this table")

    p = sub.add_parser("train", help="train models on the published warehouse (experiments)",
                       description="Train models against the published warehouse and print "
                       "their metrics. Artifacts go to <data-dir>/models/experiments/<time>/ "
                       "and never replace the published ones: `refresh` trains those.")
    _data_dir_arg(p)
    p.add_argument("model", nargs="?", type=_given,
                   help="one model by name (default: all); see docs/models/")

    p = sub.add_parser("predict-genres", help="predict Netflix categories for a description",
                       description="Predict Netflix categories with the genre classifier of "
                       "the published build, with probabilities, the words behind each, "
                       "and the model's held-out scores.")
    _data_dir_arg(p)
    p.add_argument("description", help="the synopsis, in quotes")
    p.add_argument("--title", default="")
    p.add_argument("--type", choices=["movie", "show"], default="movie")
    p.add_argument("--country", action="append", default=[], help="repeatable")
    p.add_argument("--cast", action="append", default=[],
                   help="an actor, repeatable (with any of --cast, --director, --rating, "
                        "--release-year, --runtime, --seasons the full model answers)")
    p.add_argument("--director", action="append", default=[], help="repeatable")
    p.add_argument("--rating", help="maturity rating, e.g. TV-MA, PG-13")
    p.add_argument("--release-year", type=int)
    p.add_argument("--runtime", type=int, help="movie runtime in minutes")
    p.add_argument("--seasons", type=int, help="a show's number of seasons")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("predict-tmdb-genres", help="predict TMDB genres for a movie overview",
                       description="Predict TMDB genres with the TMDB genre classifier of "
                       "the published build, with probabilities, the words behind each, "
                       "and the model's scores on recent movies it never saw. Same as POST "
                       "/api/predict-tmdb-genres.")
    _data_dir_arg(p)
    p.add_argument("overview", help="the overview, in quotes")
    p.add_argument("--title", default="")
    p.add_argument("--year", type=int, help="release year")
    p.add_argument("--language", help="ISO 639-1 original language, e.g. en, ko")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("evaluate-genres", help="score the served genre model on a labelled CSV",
                       description="Score the published build's genre classifier on any "
                       "labelled CSV, next to the plain model trained on the bundle. tmdb "
                       "columns: title, overview, genres ('|'-separated TMDB genre names), "
                       "optional release_date, original_language. netflix columns: title, "
                       "description, type, listed_in (', '-separated as in the Kaggle file), "
                       "optional country, cast, director, rating, release_year, duration (with "
                       "any of the last five the full model is scored). Labels the model does "
                       "not know are reported and ignored; rows whose title or synopsis the "
                       "Netflix model's auxiliary genre models learnt from (the warehouse's "
                       "TMDB or IMDb rows) are counted (aux_known_rows), and the rows the model "
                       "was trained on (seen_rows) are scored apart too (unseen); gain: the "
                       "micro-F1 over the plain model with its bootstrap 95% interval. Labels "
                       "written as a list (['Drama', 'Crime']) and TMDB's genre_ids are read. "
                       "See docs/models/genre_classifier.md.")
    _data_dir_arg(p)
    p.add_argument("file", type=Path, help="a CSV file (or .csv.gz)")
    p.add_argument("--task", choices=["netflix", "tmdb"], required=True)
    p.add_argument("--format", choices=["table", "json"], default="table")

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
    p.add_argument("--country", action=_Once,
                   help="main production country, e.g. 'South Korea'")
    p.add_argument("--language", action=_Once, help="ISO 639-1 original language, e.g. ko")
    p.add_argument("--month", type=int, help="release month 1-12")
    p.add_argument("--quarter", type=int, help="release quarter 1-4 (when no month)")
    p.add_argument("--runtime", type=int, help="runtime in minutes: required for a movie")
    p.add_argument("--seasons", type=int, help="number of seasons: required for a show")
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
    p.add_argument("directory", type=_path, metavar="DIR", help="where the files go "
                   "(created if missing; files of the same name are replaced)")
    p.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    p.add_argument("--table", action="append", type=_given, default=None, metavar="T",
                   help="only this table (repeat for several); default: every mart")

    p = sub.add_parser("backup-profiles", help="copy the Blend profiles database safely",
                       description="Write a consistent copy of <data-dir>/profiles/"
                       "profiles.duckdb (uploaded viewing histories and blends) while the "
                       "app may be serving: taken under the profiles lock, after a "
                       "checkpoint, written to a temporary name and renamed. With "
                       "database_url set, a pg_dump archive (custom format) of the "
                       "PostgreSQL database instead.")
    _data_dir_arg(p)
    p.add_argument("destination", type=_given,
                   help="a file path, or a folder (one that exists, or a path "
                   "ending in /, made if missing) for a timestamped name")

    p = sub.add_parser("blend-eval", help="score the Blend on a folder of Netflix exports "
                       "(temporal split, against a popularity list)",
                       description="For each NetflixViewingHistory.csv / ViewingActivity.csv "
                       "(or zip) under DIR, each profile of a full download on its own: "
                       "parse and match it as the upload does, cut at the date by which 80% "
                       "of its matched titles had been watched, recommend from the rows "
                       "before the cut, and score recall@50 and NDCG@50 on the titles first "
                       "watched after it that the catalog held at the cut, beside the most "
                       "IMDb-voted titles available then. See docs/BLEND.md.")
    p.add_argument("dir", type=Path, metavar="DIR", help="folder of exports (searched recursively)")
    p.add_argument("--format", choices=["table", "json"], default="table",
                   help="table (default) or json ({files: [...], mean: {...}, prior: {...}})")
    p.add_argument("--prior", type=Path, metavar="FILE", default=None,
                   help="a watch prior written by blend-prior, instead of the one the build "
                        "was trained with (score exports the prior was not learned from)")
    _data_dir_arg(p)

    p = sub.add_parser("blend-prior", help="learn the Blend's popularity prior from a folder "
                       "of Netflix exports",
                       description="Count, for each catalog title, how many of the exports "
                       "under DIR (households: every profile of a full download together) "
                       "watched it, each read and matched as the upload does, and write the "
                       "titles at least --min-households of them watched to --out. "
                       "blend-eval --prior scores with any such file; the next refresh "
                       "trains the Blend with it when --out is the shipped file, "
                       "models/assets/blend_watch_prior.csv. See docs/BLEND.md.")
    p.add_argument("dir", type=Path, metavar="DIR", help="folder of exports (searched recursively)")
    # required: a default of the shipped file let a run on someone else's exports
    # silently replace the prior every later refresh trains with
    p.add_argument("--out", type=_file_to_write, required=True, metavar="FILE",
                   help="where to write it (required; an existing file is replaced only "
                        "when a new prior was learned)")
    p.add_argument("--min-households", type=int, default=2, metavar="N",
                   help="leave out titles fewer than N households watched (default 2, so "
                        "no title in the file tells what one household watched)")
    _data_dir_arg(p)

    env = {n: f"env {s.env}; " + (f"default {s.default}" if s.default != "" else "unset by default")
           for n, s in settings.SETTINGS.items()}
    p = sub.add_parser("follow", help="app host: publish each build the refresh host ships",
                       description="Poll the shared location (publish_dir, or --from) and, "
                       "when the refresh host has shipped a new build, copy it (and its "
                       "models) to this host's data dir, check its size, SHA-256 and that "
                       "it opens, then publish it with the same atomic link swap a local "
                       "refresh uses; the app's workers switch between requests. A failed "
                       "pull publishes nothing and is retried. See docs/OPERATIONS.md.")
    _data_dir_arg(p)
    p.add_argument("--from", dest="source_dir", type=Path, default=None, metavar="DIR",
                   help=f"the shared location ({env['publish_dir']})")
    p.add_argument("--every", type=float, default=5.0, metavar="SECONDS",
                   help="seconds between polls (default 5)")
    p.add_argument("--once", action="store_true", help="pull once and exit")

    sub.add_parser("migrate", help="create or upgrade the user-state tables in PostgreSQL",
                   description="Apply the schema migrations the PostgreSQL database at "
                   f"{settings.SETTINGS['database_url'].env} lacks (blend/sql/"
                   "profiles_pg/migrations/), in one transaction under an advisory lock. "
                   "App hosts also apply them on first use; run this before rolling out "
                   "an upgrade.")

    p = sub.add_parser("serve", help="serve the dashboard (builds the warehouse if missing)",
                       description="Serve the Dash app. Builds the warehouse from the "
                       "bundled snapshot first when none is published. --prod serves it "
                       "with gunicorn (see docs/OPERATIONS.md); without it, Flask's "
                       "development server.")
    _data_dir_arg(p)
    p.add_argument("--host", default=None,
                   help=f"bind address ({env['host']})")
    p.add_argument("--port", type=_port, default=None,
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
    p.add_argument("--proxy", choices=["nginx"], default=None,
                   help="--prod: put Debian's nginx on the port, in front of gunicorn on "
                        "a unix socket (buffering, limits, static files, security headers); "
                        "both stop together")

    p = sub.add_parser("proxy-config", help="print the nginx site configuration",
                       description="Print the nginx configuration `serve --prod --proxy "
                       "nginx` runs with, for people who run their own nginx: an upstream "
                       "of app servers and a server block (goes inside http { }, e.g. "
                       "/etc/nginx/conf.d/netflix-insights.conf). Several --upstream "
                       "balance several app hosts. See docs/OPERATIONS.md.")
    p.add_argument("--upstream", action="append", default=None, metavar="HOST:PORT",
                   help="an app server (gunicorn): host:port or unix:/path; repeat for "
                        "several hosts (default: the host and port settings)")
    p.add_argument("--host", default=None, help=f"address nginx listens on ({env['host']})")
    p.add_argument("--port", type=_port, default=80, help="port nginx listens on (default 80)")
    p.add_argument("--output", type=Path, default=None, help="write here instead of stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {"refresh": cmd_refresh, "schedule": cmd_schedule, "sql": cmd_sql,
               "schema": cmd_schema, "serve": cmd_serve, "train": cmd_train,
               "predict-genres": cmd_predict_genres, "predict-hit": cmd_predict_hit,
               "predict-tmdb-genres": cmd_predict_tmdb_genres,
               "evaluate-genres": cmd_evaluate_genres,
               "backup-profiles": cmd_backup_profiles, "proxy-config": cmd_proxy_config,
               "migrate": cmd_migrate, "follow": cmd_follow,
               "export": cmd_export, "blend-eval": cmd_blend_eval,
               "blend-prior": cmd_blend_prior}[args.command]
    try:
        code = handler(args) or 0
        sys.stdout.flush()   # here, not at exit: a reader that left is handled below
        return code
    except BrokenPipeError:
        # the reader left (`| head`) after taking what it wanted: not an error. stdout
        # goes to devnull so that the flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (UserFacingError, UserError) as exc:   # UserError: a bad setting, for one
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
    from base.pg import DatabaseUnavailable
    from netflix_insights.refresh import RefreshFailed
    return (RefreshFailed, RefreshLocked, WarehouseMissing, RawContractError, SourceError,
            DatabaseUnavailable)


def _check_refresh_options(args) -> None:
    """Options refresh would ignore, refused: a replay rebuilds from its own raw load."""
    if args.replay is not None:
        ignored = [flag for flag, given in (("--kaggle-csv", args.kaggle_csv),
                                            ("--source live", args.source == "live"),
                                            ("--tmdb-limit", args.tmdb_limit),
                                            ("--imdb-dir", args.imdb_dir)) if given]
        if ignored:
            raise UserFacingError(f"--replay rebuilds from the raw load as it was: "
                                  f"{', '.join(ignored)} cannot apply to it")
    if args.tmdb_limit is not None and args.source != "live":
        raise UserFacingError("--tmdb-limit is for --source live (the snapshot is "
                              "already enriched)")


def cmd_refresh(args) -> int:
    from netflix_insights.refresh import refresh
    _check_refresh_options(args)
    try:
        result = refresh(settings.data_dir(args.data_dir), source=args.source,
                         kaggle_csv=args.kaggle_csv, replay=args.replay, quiet=args.quiet,
                         tmdb_limit=args.tmdb_limit, imdb_dir=args.imdb_dir)
    except _user_errors() as exc:
        raise UserFacingError(f"refresh failed, nothing published: {exc}") from exc
    print(f"published {result.build_id} in {result.duration_seconds:.1f} s "
          f"({result.checks_passed} checks passed): {result.path}")
    return 0


def cmd_schedule(args) -> int:
    from netflix_insights.schedule import run_schedule
    _check_refresh_options(args)
    return run_schedule(args)


def _port(text: str) -> int:
    if not (text.strip().isdigit() and 1 <= int(text) <= 65535):
        raise argparse.ArgumentTypeError(f"a port is a whole number from 1 to 65535: {text[:40]!r}")
    return int(text)


def _given(text: str) -> str:
    """A value that is not blank: an empty --table or model name meant "all" and an
    empty path the current folder, both silently."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _path(text: str) -> Path:
    return Path(_given(text))


def _file_to_write(text: str) -> Path:
    """A file path to write: not a folder (".", "/", a trailing slash, an existing one)."""
    path = _path(text)
    if text.endswith(("/", "\\")) or path.name in ("", ".", "..") or path.is_dir():
        raise argparse.ArgumentTypeError(f"must name a file, not a folder: {text[:80]!r}")
    return path


class _Once(argparse.Action):
    """An option that takes one value: given twice, the first used to be dropped."""
    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"{option_string} takes one value; it was given twice")
        setattr(namespace, self.dest, values)


_path.__name__ = _file_to_write.__name__ = "path"
_given.__name__ = "value"


def _positive(kind: type, most: float = float("inf")):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text[:40]!r}") from None
        if not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"must be a positive number: {text[:40]!r}")
        if value > most:
            raise argparse.ArgumentTypeError(f"at most {most:,g}: {text[:40]!r}")
        return value
    parse.__name__ = kind.__name__
    return parse


def cmd_sql(args) -> int:
    from base.errors import WarehouseMissing
    from base.paths import Paths, current_build
    from queries import console, sandbox
    try:
        path = current_build(Paths(settings.data_dir(args.data_dir)))
    except WarehouseMissing as exc:
        raise UserFacingError(str(exc)) from exc
    # The same worker process as the web console's (OS memory and CPU limits, killed
    # at the time limit), kept for the whole REPL session.
    pool = sandbox.ConsolePool(1, sandbox.setting("console_memory_mb", int))

    def run(sql: str, timeout_s: float, row_cap: int) -> console.ConsoleResult:
        return pool.run(path, sql, sandbox.limits_from_settings(timeout_s, row_cap))
    try:
        if args.query is None:
            console.interactive(run, timeout_s=args.timeout, row_cap=args.max_rows)
            return 0
        result = run(args.query, args.timeout, args.max_rows)
    finally:
        pool.close()
    if result.error:
        hint = (f" Give it more with --timeout SECONDS (now {args.timeout:g})."
                if result.error_kind == "timeout" else "")
        raise UserFacingError(result.error + hint)
    fmt = {"table": console.format_table, "csv": console.format_csv,
           "json": console.format_json}[args.format]
    text = fmt(result)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if result.truncated and args.format != "table":   # the table's footer says it
        # on stderr, so that a partial CSV or JSON piped to a file is never taken for
        # the whole result
        cap = ("the result size cap, console_max_result_bytes" if result.truncated_by ==
               "bytes" else f"--max-rows {args.max_rows:,}")
        print(f"warning: the result was cut at {len(result.rows):,} rows ({cap}); "
              "`netflix-insights export` writes whole tables", file=sys.stderr)
    return 0


def cmd_schema(args) -> int:
    from warehouse import schema
    if args.table:   # names are case-insensitive in SQL, so here too
        args.table = {t.lower(): t for t in schema.tables()}.get(args.table.lower(), args.table)
    if args.table and args.table not in schema.tables():
        raise UserFacingError(f"no table {args.table!r}; tables: "
                              + ", ".join(schema.tables()))
    if args.format == "markdown":
        print(schema.render_markdown(args.table))
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
    rows = [(m, s, k, f"{v:.4f}") for m, s, k, v in whole.iter_rows()]
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(4)]
    for row in rows:   # columns as wide as their longest value ("calibration_error")
        print("  ".join([*(c.ljust(w) for c, w in zip(row[:3], widths)),
                         row[3].rjust(widths[3])]))
    print(f"artifacts: {data_dir / 'models' / run}", file=sys.stderr)
    return 0


# the request fields a validation message names, as the CLI spells them
FLAGS = {"runtime_minutes": "--runtime", "maturity_rating": "--rating",
         "release_year": "--release-year"}


def _as_flags(message: str) -> str:
    """'runtime_minutes must be…' → '--runtime must be…' (the API's names are not the
    flags a CLI user typed)."""
    return re.sub(r"\b(" + "|".join(FLAGS) + r")\b", lambda m: FLAGS[m.group(1)], message)


def _published_model(call):
    """Run call(data_dir, build_id); a missing warehouse/model or bad input is one line."""
    from base.errors import WarehouseMissing
    from base.paths import Paths, current_build
    from models import artifacts, genre_files, serving

    def run(args):
        data_dir = settings.data_dir(args.data_dir)
        try:
            return call(data_dir, current_build(Paths(data_dir)).stem, args)
        except serving.BadInput as exc:
            raise UserFacingError(_as_flags(str(exc))) from exc
        except (WarehouseMissing, artifacts.ModelMissing, genre_files.FileProblem) as exc:
            raise UserFacingError(str(exc)) from exc
    return run


def _print_labels(result: dict, as_json: bool) -> int:
    import json
    if as_json:
        print(json.dumps(result, indent=2))
        return 0
    for item in result["labels"]:
        print(f"{item['probability']:6.1%}  {item['label']:30} {', '.join(item['words'])}")
    s, plain = result["model_scores"], result["model_scores"]["plain_model"]
    print(f"model {result['model']} (build {result['build_id']}), on titles it never saw "
          f"({s['split']}): micro-F1 {s.get('micro_f1', float('nan')):.3f}, macro-F1 "
          f"{s.get('macro_f1', float('nan')):.3f} (plain model "
          f"{plain.get('micro_f1', float('nan')):.3f} / {plain.get('macro_f1', float('nan')):.3f})")
    return 0


def cmd_predict_genres(args) -> int:
    from models import serving

    def call(data_dir, build_id, args):
        request = serving.GenreRequest.parse({
            "description": args.description, "title": args.title, "type": args.type,
            "countries": args.country, "cast": args.cast, "director": args.director,
            "rating": args.rating, "release_year": args.release_year,
            "runtime_minutes": args.runtime, "seasons": args.seasons})
        return serving.predict_genres(data_dir, build_id, request)
    return _print_labels(_published_model(call)(args), args.json)


def cmd_predict_tmdb_genres(args) -> int:
    from models import serving

    def call(data_dir, build_id, args):
        request = serving.TmdbGenreRequest.parse({"overview": args.overview, "title": args.title,
                                                  "year": args.year, "language": args.language})
        return serving.predict_tmdb_genres(data_dir, build_id, request)
    return _print_labels(_published_model(call)(args), args.json)


def cmd_evaluate_genres(args) -> int:
    import json

    from models import genre_evaluation
    def progress(done: int, total: int) -> None:
        print(f"scored {done:,} of {total:,} rows", file=sys.stderr, flush=True)
    result = _published_model(lambda d, b, a: genre_evaluation.evaluate_file(
        d, b, a.file, a.task, progress))(args)
    if args.format == "json":
        print(json.dumps(result, indent=2))
        return 0
    base = result["baseline"]
    by_model = result["rows_by_model"]
    split = "; " + ", ".join(f"{counted(n, 'row')} by {m}" for m, n in by_model.items()) \
        if len(by_model) > 1 else ""
    print(f"{result['model']} on {counted(result['n'], 'row')} of {args.file.name} (build "
          f"{result['build_id']}{split}): micro-F1 {result['micro_f1']:.3f}, macro-F1 "
          f"{result['macro_f1']:.3f}, samples-F1 {result['samples_f1']:.3f}")
    print(f"plain model (trained on the bundle): micro-F1 {base['micro_f1']:.3f}, macro-F1 "
          f"{base['macro_f1']:.3f}; the model {_gain(result['gain'])}")
    print(f"\n{'label':32} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for label, m in sorted(result["per_label"].items(), key=lambda x: -x[1]["support"]):
        print(f"{label:32} {m['precision']:9.3f} {m['recall']:7.3f} {m['f1']:6.3f} "
              f"{m['support']:8,}")
    print()
    if unknown := list(result["unknown_labels"].items()):
        print("ignored, not labels of this model: " + ", ".join(
            f"{shown(label, 40)} ({n})" for label, n in unknown[:20])
            + (f", and {len(unknown) - 20} more (--format json lists them)"
               if len(unknown) > 20 else ""))
    for note in result["notes"]:   # skipped rows and why, values read another way
        print(note)
    if seen := result["seen_rows"]:
        unseen = result["unseen"]
        print(f"{counted(seen, 'row')} {'is a title' if seen == 1 else 'are titles'} the model "
              "was trained on (the same title and year, or a near-identical title and "
              "synopsis): "
              + (f"on the other {counted(unseen['n'], 'row')}, micro-F1 "
                 f"{unseen['micro_f1']:.3f}, macro-F1 {unseen['macro_f1']:.3f}; plain model "
                 f"{unseen['baseline']['micro_f1']:.3f} / {unseen['baseline']['macro_f1']:.3f};"
                 f" the model {_gain(unseen['gain'])}"
                 if unseen else "no row is unseen, so these figures say little about new titles"))
    if known := result["aux_known_rows"]:
        print(f"{known} row{'s have' if known > 1 else ' has'} a title or synopsis the model's "
              f"auxiliary genre models learnt from (the warehouse's TMDB or IMDb rows): "
              f"not unseen")
    return 0


def _gain(gain: dict) -> str:
    """"+0.051 micro-F1 over it (95% interval +0.030 to +0.071, rows resampled)"."""
    ci = gain["ci95"]
    return (f"{gain['micro_f1']:+.3f} micro-F1 over it"
            + (f" (95% interval {ci[0]:+.3f} to {ci[1]:+.3f}, rows resampled)" if ci else ""))


def cmd_predict_hit(args) -> int:
    import json

    from base.errors import WarehouseMissing
    from base.paths import Paths, current_build
    from models import artifacts, copilot_serving, serving
    data_dir = settings.data_dir(args.data_dir)
    try:
        build_id = current_build(Paths(data_dir)).stem
        request = copilot_serving.CopilotRequest.parse({
            "type": args.type, "genres": args.genre, "country": args.country,
            "language": args.language, "month": args.month, "quarter": args.quarter,
            "runtime_minutes": args.runtime, "seasons": args.seasons,
            "maturity_rating": args.rating})
        result = copilot_serving.predict(data_dir, build_id, request)
    except serving.BadInput as exc:
        raise UserFacingError(_as_flags(str(exc))) from exc
    except (WarehouseMissing, artifacts.ModelMissing) as exc:
        raise UserFacingError(str(exc)) from exc
    if args.json:
        print(json.dumps(result, indent=2, default=str))
        return 0
    hit, pop, risk = result["hit_model_scores"], result["popularity"], result["risk"]
    print(f"hit probability {result['hit_probability']:.0%} (base rate "
          f"{result['base_rate']:.0%}; model CV ROC-AUC {hit['roc_auc']:.3f}, Brier "
          f"{hit['brier']:.3f} vs {hit['baseline_brier']:.3f} for the base rate)")
    if t := result.get("hit_model_scores_2021"):
        print(f"  on the {t['titles']:,} titles added in 2021, trained on earlier additions: "
              f"ROC-AUC {t['roc_auc']:.3f}, Brier {t['brier']:.3f} vs {t['baseline_brier']:.3f}")
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
        # the path the OS refused: DIR itself (a file of that name), or a file inside it
        where = Path(exc.filename2 or exc.filename or args.directory)  # 2: a rename's target
        if where == args.directory and where.is_file():
            why = "it is a file, not a folder"
        elif where != args.directory and where.is_dir():
            why = "it is a folder"
        else:
            why = exc.strerror or str(exc)
        raise UserFacingError(f"cannot write to {where}: {why}") from exc
    for item in written:
        print(f"{item.table:22} {item.rows:>9,} {'row ' if item.rows == 1 else 'rows'}  "
              f"{item.path}")
    print(f"{counted(len(written), 'table')} of build {path.stem} as {args.format}",
          file=sys.stderr)
    return 0


def cmd_backup_profiles(args) -> int:
    from blend.profiles import ProfileError, ProfileStore, store as profiles_store
    data_dir = settings.data_dir(args.data_dir)
    store = profiles_store(data_dir)
    if isinstance(store, ProfileStore) and not store.path.exists():
        raise UserFacingError(f"no profiles database at {store.path} (nobody has uploaded "
                              "a viewing history yet)")
    try:
        print(f"backed up to {store.backup(args.destination)}")   # str: keeps a trailing /
    except ProfileError as exc:
        raise UserFacingError(str(exc)) from exc
    return 0


def cmd_follow(args) -> int:
    from netflix_insights.distribute import follow
    shared = args.source_dir or settings.get("publish_dir")
    if not shared:
        raise UserFacingError("follow needs the shared location: --from DIR or "
                              f"{settings.SETTINGS['publish_dir'].env}")
    if args.every <= 0:
        raise UserFacingError(f"--every must be a positive number of seconds, got {args.every}")
    if not Path(shared).is_dir():   # a typo or an unmounted share looked like "no new build"
        if args.once:
            raise UserFacingError(f"the shared location {shared} is not a folder this host "
                                  "can read (mounted?)")
        # a service may start before its network mount: wait for it, but say so
        print(f"warning: the shared location {shared} is not a folder this host can read "
              "yet (mounted?); polling until it is", file=sys.stderr, flush=True)
    return follow(Path(shared), settings.data_dir(args.data_dir), args.every, args.once)


def cmd_migrate(args) -> int:
    from base.pg import redacted
    from blend.profiles_pg import migrate, migrations
    url = settings.get("database_url")
    if not url:
        raise UserFacingError(f"{settings.SETTINGS['database_url'].env} is not set: the "
                              "profiles live in the embedded DuckDB file, which needs no "
                              "migration step")
    try:
        applied = migrate(url)
    except _user_errors() as exc:
        raise UserFacingError(str(exc)) from exc
    latest = migrations()[-1][1]
    print(f"{redacted(url)}: applied {', '.join(applied)}" if applied else
          f"{redacted(url)}: up to date ({latest})")
    return 0


def cmd_blend_eval(args) -> int:
    import json

    from base.errors import WarehouseMissing
    from blend import evaluation
    from models import artifacts
    if not args.dir.is_dir():
        raise UserFacingError(f"{args.dir} is not a folder")
    from blend.viewing_history import HistoryError
    from models.blend_space import WatchPriorError
    try:
        result = evaluation.run(args.dir, args.data_dir, prior=args.prior)
    except (WarehouseMissing, artifacts.ModelMissing, HistoryError, WatchPriorError) as exc:
        raise UserFacingError(str(exc)) from exc
    print(json.dumps(result, indent=2, default=str) if args.format == "json"
          else evaluation.table(result))
    if all(r["refused"] for r in result["files"]):   # as blend-prior: nothing was read
        why = "see the table above" if result["files"] else "no .csv, .csv.gz or .zip file in it"
        print(f"error: no export under {args.dir} could be read ({why})", file=sys.stderr)
        return 1
    return 0


def cmd_blend_prior(args) -> int:
    from base.errors import WarehouseMissing
    from blend import watch_prior
    from blend.viewing_history import export_files, load_catalog
    from models import artifacts, serving
    from models.blend_space import NAME
    from queries.db import warehouse
    if not args.dir.is_dir():
        raise UserFacingError(f"{args.dir} is not a folder")
    if args.min_households < 1:
        raise UserFacingError("--min-households is a whole number of at least 1")
    if not args.out.parent.is_dir():   # checked before the minutes of reading exports
        parent = args.out.parent
        raise UserFacingError(f"could not write {args.out}: " + (
            f"{parent} is a file, not a folder" if parent.exists()
            else f"the folder {parent} does not exist"))
    if args.out.exists() and not args.out.is_file():
        # written by renaming a new file over it: a folder fails late, a device (run as
        # root, /dev/full) would be replaced by a plain file
        raise UserFacingError(f"could not write {args.out}: it is not a regular file "
                              "(a folder or a device); name a file")
    if not export_files(args.dir):
        raise UserFacingError(f"no export under {args.dir}: no .csv, .csv.gz or .zip file in it")
    try:
        wh = warehouse(args.data_dir)
        space, _meta = serving.load(wh.paths.data_dir, wh.build_id, NAME)
        catalog = load_catalog(wh)
    except (WarehouseMissing, artifacts.ModelMissing) as exc:
        raise UserFacingError(str(exc)) from exc
    titles = dict(zip(space.show_ids.tolist(), space.titles["title"].to_list()))
    frame, households = watch_prior.learn(
        args.dir, catalog, titles, args.min_households,
        progress=lambda line: print(line, file=sys.stderr, flush=True))
    if not households:
        raise UserFacingError(f"no export under {args.dir} matched any catalog title")
    if not frame.height:   # an empty file would replace a useful one with nothing
        hint = (f"; {counted(households, 'household')} can meet --min-households "
                f"{households} at most" if households < args.min_households else "")
        raise UserFacingError(f"no title was watched by {args.min_households} of the "
                              f"{counted(households, 'household')}: "
                              f"nothing written{hint}")
    out = args.out
    try:
        watch_prior.write(frame, households, out)
    except OSError as exc:
        raise UserFacingError(f"could not write {out}: {exc.strerror or exc}") from exc
    print(f"wrote {out}: {frame.height:,} titles watched by at least {args.min_households} "
          f"of {households} households")
    return 0


def cmd_serve(args) -> int:
    from netflix_insights.serve import ServeError, serve
    try:
        return serve(settings.data_dir(args.data_dir), host=args.host, port=args.port,
                     build_if_missing=not args.no_build, prod=args.prod,
                     workers=args.workers, threads=args.threads, timeout=args.timeout,
                     proxy=args.proxy)
    except (ServeError, *_user_errors()) as exc:
        raise UserFacingError(str(exc)) from exc


def cmd_proxy_config(args) -> int:
    from netflix_insights import nginx
    if args.host:
        os.environ[settings.SETTINGS["host"].env] = args.host
    upstreams = args.upstream or [nginx.host_port(settings.get("host"), settings.get("port"))]
    try:
        text = nginx.site_config(nginx.default_site(upstreams, args.port))
    except nginx.ProxyConfigError as exc:
        raise UserFacingError(str(exc)) from exc
    if args.output:
        try:
            args.output.write_text(text)
        except OSError as exc:
            raise UserFacingError(f"could not write {args.output}: {exc.strerror or exc}") \
                from exc
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
