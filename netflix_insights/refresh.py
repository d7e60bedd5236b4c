"""One refresh: extract → raw Parquet → transform → build a new DuckDB file → checks →
atomic publish. A failure anywhere leaves the published warehouse untouched.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from base import pg, settings
from base.paths import Paths
from etl import raw, transform
from etl.publish import (
    RefreshLocked,
    append_run,
    prune_builds,
    prune_parquet,
    prune_raw_loads,
    publish,
    publish_parquet,
    refresh_lock,
    remove_partials,
    run_history,
)
from etl.sources import snapshot
from models import artifacts, training
from netflix_insights.distribute import ship
from warehouse import build, checks, export, storage


class RefreshFailed(RuntimeError):
    """The run failed; nothing was published. The message says why."""


@dataclass(frozen=True)
class RefreshResult:
    build_id: str
    path: Path
    duration_seconds: float
    row_counts: dict[str, int]
    checks_passed: int


class Progress:
    """Stage lines with elapsed time on stderr, so long runs never look hung."""

    def __init__(self, quiet: bool = False):
        self.start, self.quiet = time.monotonic(), quiet

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"[{time.monotonic() - self.start:6.1f}s] {message}", file=sys.stderr,
                  flush=True)


def stage(name: str, progress: Progress) -> None:
    """Announce a stage. NETFLIX_INSIGHTS_TEST_PAUSE_STAGE=<name> pauses there so the
    fault tests can SIGKILL a run at a chosen point (documented in docs/SETTINGS.md)."""
    progress(name)
    settings.test_pause(name)


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def code_version() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=settings.PROJECT_ROOT, timeout=5)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def extract(paths: Paths, source: str, kaggle_csv: Path | None, replay: Path | None,
            progress: Progress, tmdb_limit: int | None = None,
            imdb_dir: Path | None = None) -> list[raw.RawLoad]:
    """Land every input as a raw load (or reuse one for a replay)."""
    if replay is not None:
        return [raw.read_load(replay)]
    tables, inputs = snapshot.extract()
    if kaggle_csv is not None or source == "live":
        from etl.sources import kaggle
        tables["netflix_titles"], inputs["netflix_titles"] = \
            kaggle.fetch_netflix_titles(kaggle_csv)
    if source == "live":
        from etl.sources import tmdb_api
        live = tmdb_api.extract_live(tables["netflix_titles"],
                                     cache_dir=paths.cache_dir / "tmdb", limit=tmdb_limit)
        tables.update(live)
        tables.pop("tmdb_popular", None)  # the live lists replace the 2022 export
    if imdb_dir is not None:
        from etl.sources import imdb_datasets
        found, files = imdb_datasets.extract(imdb_dir, tables["netflix_titles"]["title"])
        tables.update(found)
        inputs.update(files)
        progress(f"IMDb dataset files in {imdb_dir}: {found['imdb_ds_titles'].height:,} "
                 f"records the catalog could match, {found['imdb_ds_akas'].height:,} "
                 "alternate titles")
    load = raw.write_load(paths.raw_dir, source, tables, inputs)
    progress(f"raw load {load.path} ({sum(load.manifest['row_counts'].values()):,} rows)")
    return [load]


def new_build_id(paths: Paths, input_hash: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{input_hash[:8]}"


def write_metadata(con, build_id: str, source: str, loads: list[raw.RawLoad],
                   input_hash: str, cleaned, run: dict, history: list[dict]) -> None:
    """quarantine, data_issues, build_info and etl_runs tables."""
    build.load_frame(con, "main.quarantine", transform.quarantine_frame(cleaned))
    build.load_frame(con, "main.data_issues", transform.issues_frame(cleaned))
    load_ids = json.dumps([str(l.path) for l in loads])
    con.execute("create or replace table main.build_info as select $build_id as build_id, "
                "$built_at::timestamp as built_at, $source as source, $input_hash as "
                "input_hash, $raw_loads as raw_loads, $code as code_version",
                {"build_id": build_id, "built_at": utc_now().rstrip("Z"), "source": source,
                 "input_hash": input_hash, "raw_loads": load_ids, "code": code_version()})
    runs = [r for r in history if r["started_at"] != run["started_at"]] + [run]
    frame = pl.DataFrame([{k: r.get(k) for k in RUN_COLUMNS} for r in runs],
                         schema=RUN_COLUMNS, orient="row")
    frame = frame.with_columns(
        pl.col("started_at", "finished_at").str.strip_suffix("Z")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False))
    build.load_frame(con, "main.etl_runs", frame)


RUN_COLUMNS = {"build_id": pl.String, "started_at": pl.String, "finished_at": pl.String,
               "duration_seconds": pl.Float64, "status": pl.String, "source": pl.String,
               "raw_loads": pl.String, "row_counts": pl.String, "checks_passed": pl.Int64,
               "checks_failed": pl.Int64, "message": pl.String,
               "matched_titles": pl.String}


def train_models(con, paths: Paths, build_id: str, progress: Progress) -> pl.DataFrame:
    """The models for this build (before publish), or an empty table when switched off."""
    if not settings.flag("train_models"):
        progress("model training skipped (train_models=0)")
        return training.empty_metrics()
    return training.train_all(con, paths.data_dir, build_id, progress=progress)


def run_checks(con, paths: Paths, history: list[dict]) -> list[checks.CheckResult]:
    previous = next((r for r in reversed(history) if r["status"] == "published"), None)
    prev_counts = json.loads(previous["row_counts"]) if previous else None
    if prev_counts:  # model output, not source data: its size may change freely
        prev_counts.pop("model_metrics", None)
    return (checks.run_documentation(con) + checks.run_declared(con)
            + checks.run_custom(con, {"match_rate_floor": settings.get("match_rate_floor")})
            + checks.run_row_counts(build.row_counts(con), prev_counts,
                                    settings.get("max_row_shrink")))


def refresh(data_dir: Path, *, source: str = "snapshot", kaggle_csv: Path | None = None,
            replay: Path | None = None, quiet: bool = False,
            tmdb_limit: int | None = None, imdb_dir: Path | None = None) -> RefreshResult:
    """Run one refresh end to end; raise RefreshFailed (nothing published) on failure.
    With publish_dir set, the published build is then shipped there for the app hosts.
    imdb_dir (else the imdb_dir setting) adds the user's IMDb dataset files."""
    paths, progress = Paths(Path(data_dir)), Progress(quiet)
    imdb_dir = imdb_dir or (Path(settings.get("imdb_dir")) if settings.get("imdb_dir")
                            else None)
    with cluster_lock(), refresh_lock(paths):
        paths.builds_dir.mkdir(parents=True, exist_ok=True)
        for leftover in remove_partials(paths):
            progress(f"removed leftover of an interrupted run: {leftover.name}")
        result = _run_locked(paths, source, kaggle_csv, replay, progress, tmdb_limit,
                             imdb_dir)
        shared = settings.get("publish_dir")
        if shared:
            try:
                ship(paths.data_dir, result.build_id, Path(shared))
            except OSError as exc:
                raise RefreshFailed(f"published {result.build_id} here, but shipping it to "
                                    f"{shared} failed: {exc}; app hosts keep the previous "
                                    "build") from exc
            progress(f"shipped {result.build_id} → {shared} (app hosts follow it)")
        return result


@contextmanager
def cluster_lock():
    """With database_url set, the refresh lock of every host: a PostgreSQL advisory
    lock, so two refresh hosts never build and ship at once (released by the server
    when the holder's connection ends, however it ends). Without it, a no-op."""
    url = settings.get("database_url")
    if not url:
        yield
        return
    with pg.advisory_lock(url, "refresh") as taken:
        if not taken:
            raise RefreshLocked("another refresh is running on some host (its lock is held "
                                f"in PostgreSQL at {pg.redacted(url)}); try again when it ends")
        yield


def _run_locked(paths, source, kaggle_csv, replay, progress, tmdb_limit,
                imdb_dir=None) -> RefreshResult:
    started, t0 = utc_now(), time.monotonic()
    run = {"build_id": f"pending-{started}", "started_at": started, "status": "running",
           "source": "replay" if replay else source}
    append_run(paths, run)
    partial = parquet_partial = None
    try:
        stage("extract", progress)
        loads = extract(paths, source, kaggle_csv, replay, progress, tmdb_limit, imdb_dir)
        stage("transform", progress)
        raw_tables = raw.load_tables(loads[0])
        input_hash = raw.content_hash(raw_tables)
        cleaned = transform.transform(raw_tables, paths.cache_dir / "matches", input_hash,
                                      progress)
        build_id = new_build_id(paths, input_hash)
        coverage = transform.coverage(cleaned.tables)
        run.update(build_id=build_id, raw_loads=json.dumps([str(l.path) for l in loads]),
                   matched_titles=json.dumps(coverage))
        progress("matched titles: " + ", ".join(f"{k} {v:,}" for k, v in coverage.items()))
        stage("build", progress)
        partial = paths.builds_dir / f"{build_id}.duckdb.partial"
        history = run_history(paths)
        con = storage.connect_new(partial)  # in the format 1.x clients read (docs/SQL.md)
        try:
            build.load_sources(con, cleaned.tables)
            build.run_models(con, progress)
            write_metadata(con, build_id, run["source"], loads, input_hash, cleaned,
                           {**run, "status": "published"}, history)
            build.load_frame(con, "main.model_metrics", training.empty_metrics())
            stage("check", progress)
            results = run_checks(con, paths, history)
            failed = [r for r in results if not r.passed]
            counts = build.row_counts(con)
            run.update(checks_passed=len(results) - len(failed), checks_failed=len(failed),
                       row_counts=json.dumps(counts, sort_keys=True))
            if failed:
                raise RefreshFailed("data checks failed: " + "; ".join(
                    f"{r.name} ({r.detail})" for r in failed[:10]))
            progress(f"{len(results)} data checks passed")
            stage("train", progress)
            build.load_frame(con, "main.model_metrics", train_models(con, paths, build_id,
                                                                     progress))
            failed = [r for r in checks.run_declared(con) if not r.passed]
            if failed:  # the filled model_metrics must pass its declared tests too
                raise RefreshFailed("model checks failed: " + "; ".join(
                    f"{r.name} ({r.detail})" for r in failed))
            counts = build.row_counts(con)
            run["row_counts"] = json.dumps(counts, sort_keys=True)
            finished = utc_now()
            final_run = {**run, "status": "published", "finished_at": finished,
                         "duration_seconds": round(time.monotonic() - t0, 3)}
            write_metadata(con, build_id, run["source"], loads, input_hash, cleaned,
                           final_run, history)
            if settings.flag("parquet_on_publish"):
                parquet_partial = paths.parquet_dir / f"{build_id}.partial"
                written = export.export(con, parquet_partial, "parquet")
                progress(f"{len(written)} marts written as Parquet")
            con.execute("checkpoint")
        finally:
            con.close()
        stage("publish", progress)
        found = storage.check(partial)  # a build its promised clients cannot open stops here
        progress(f"storage format {found} (duckdb_storage_version {storage.wanted()})")
        if parquet_partial is not None:
            publish_parquet(parquet_partial, build_id, paths)
        path = publish(partial, build_id, paths)
        append_run(paths, final_run)
        for old in prune_builds(paths, settings.get("keep_builds")):
            progress(f"pruned old build {old.name}")
        kept = {b.stem for b in paths.builds_dir.glob("*.duckdb")}
        for folder in prune_parquet(paths, kept):
            progress(f"pruned Parquet of {folder.name}")
        for folder in artifacts.prune(paths.data_dir, kept):
            progress(f"pruned models of {folder.name}")
        in_use = {l.path.resolve() for l in loads}
        for load in prune_raw_loads(paths, settings.get("keep_raw_loads"), in_use):
            progress(f"pruned raw load {load.name}")
        progress(f"published {build_id} → {paths.current_link}")
        return RefreshResult(build_id, path, final_run["duration_seconds"], counts,
                             run["checks_passed"])
    except Exception as exc:
        message = str(exc) if isinstance(exc, RefreshFailed) else f"{type(exc).__name__}: {exc}"
        if _out_of_space(exc):
            message = f"out of disk space (or over a file-size limit) writing the build: {message}"
        try:
            append_run(paths, {**run, "status": "failed", "finished_at": utc_now(),
                               "duration_seconds": round(time.monotonic() - t0, 3),
                               "message": message})
        except OSError:  # a full disk may refuse the log line too; the error still shows
            pass
        if partial is not None:
            for leftover in partial.parent.glob(partial.name + "*"):
                leftover.unlink(missing_ok=True)
        if parquet_partial is not None:
            shutil.rmtree(parquet_partial, ignore_errors=True)
        raise RefreshFailed(message) from exc
    except KeyboardInterrupt:
        # Ctrl-C (or SIGINT from a supervisor): the run's log line said "running" for
        # ever; the partial build is left for the next run to remove (remove_partials)
        with suppress(OSError):
            append_run(paths, {**run, "status": "interrupted", "finished_at": utc_now(),
                               "duration_seconds": round(time.monotonic() - t0, 3)})
        raise


_SPACE_ERRORS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def _out_of_space(exc: BaseException) -> bool:
    """A write that failed for lack of space (ENOSPC, EFBIG, EDQUOT), raised by Python
    or reported in DuckDB's message ("No space left on device", "File too large")."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in _SPACE_ERRORS:
            return True
        if any(os.strerror(code) in str(exc) for code in _SPACE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
