"""Where builds live, the refresh lock, and the atomic publish.

Layout under <data_dir>/warehouse/:
  builds/<build_id>.duckdb          every published build (the newest few are kept)
  builds/<build_id>.duckdb.partial  a build in progress (deleted if the run fails)
  current.duckdb                    symlink to the published build, swapped atomically
  etl_runs.jsonl                    history of every run, published or not
  refresh.lock                      flock()ed by the running refresh
  parquet/<build_id>/<mart>.parquet every mart of a kept build, when parquet_on_publish
  parquet/current                   symlink to the published build's Parquet folder

Why versioned files plus a swapped link (verified on DuckDB 2.0): DuckDB
allows one writer or many readers per file and caches one instance per path in a
process, so a build never touches the served file; readers resolve the link and open
the build's own path, keep their old file until they switch, and never see a half
written one. flock() is released by the kernel when a process dies, so a killed
refresh never leaves a lock behind.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from base.errors import UserError
from base.paths import Paths


class RefreshLocked(UserError):
    """Another refresh holds the lock."""


@contextmanager
def refresh_lock(paths: Paths):
    """Hold the refresh lock for the block; RefreshLocked if another run has it."""
    paths.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with open(paths.lock_file, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RefreshLocked(f"another refresh is running (pid {holder}); "
                                "try again when it ends") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_link(link: Path, target: Path) -> None:
    """Point `link` at `target` (relative), atomically: a new link renamed over it."""
    link_tmp = link.parent / f".{link.name}.{os.getpid()}.tmp"
    link_tmp.unlink(missing_ok=True)
    link_tmp.symlink_to(target.relative_to(link.parent))
    os.replace(link_tmp, link)
    _fsync_dir(link.parent)


def publish(partial: Path, build_id: str, paths: Paths) -> Path:
    """Make a finished, checked build the current one, atomically."""
    final = paths.build_file(build_id)
    with open(partial, "rb") as f:
        os.fsync(f.fileno())
    os.replace(partial, final)
    _swap_link(paths.current_link, final)
    return final


def publish_parquet(partial_dir: Path, build_id: str, paths: Paths) -> Path:
    """Make a build's finished Parquet folder parquet/<build_id> and parquet/current."""
    final = paths.parquet_dir / build_id
    for f in partial_dir.iterdir():
        with open(f, "rb") as handle:
            os.fsync(handle.fileno())
    os.replace(partial_dir, final)
    _swap_link(paths.parquet_link, final)
    return final


def prune_parquet(paths: Paths, kept_builds: set[str]) -> list[Path]:
    """Delete the Parquet folders of builds no longer kept (never the current one)."""
    if not paths.parquet_dir.is_dir():
        return []
    current = paths.parquet_link.resolve() if paths.parquet_link.exists() else None
    doomed = [d for d in paths.parquet_dir.iterdir() if d.is_dir() and not d.is_symlink()
              and d.name not in kept_builds and d != current]
    for d in doomed:
        shutil.rmtree(d, ignore_errors=True)
    return doomed


def remove_partials(paths: Paths) -> list[Path]:
    """Delete leftovers of killed runs (only call while holding the lock)."""
    removed = []
    for leftover in list(paths.builds_dir.glob("*.partial*")):
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    if paths.parquet_dir.is_dir():
        for leftover in list(paths.parquet_dir.glob("*.partial")):
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    return removed


MIN_KEEP_BUILDS = 2  # the current build and the one it replaced


def prune_builds(paths: Paths, keep: int) -> list[Path]:
    """Delete all but the newest `keep` (at least 2) builds, never the current one.

    Build ids start with a UTC timestamp, so name order is age order. A reader that
    still has a deleted file open keeps reading it (POSIX unlink semantics), and the
    disk space is freed when its last reader closes it. The build just replaced is
    always kept: a server that resolved the link a moment before the publish may be
    about to open it, and an unlinked path cannot be opened.
    """
    keep = max(keep, MIN_KEEP_BUILDS)
    current = paths.current_link.resolve() if paths.current_link.exists() else None
    builds = sorted(paths.builds_dir.glob("*.duckdb"))
    doomed = [b for b in builds[:-keep] if b != current]
    for b in doomed:
        b.unlink(missing_ok=True)
        Path(str(b) + ".wal").unlink(missing_ok=True)
    return doomed


def prune_raw_loads(paths: Paths, keep: int, in_use: set[Path]) -> list[Path]:
    """Delete all but the newest `keep` complete loads per source (never one in use).

    Load ids start with a UTC timestamp, so name order is age order; half-written
    `.partial` folders of killed runs go too.
    """
    removed = []
    for source in [p for p in paths.raw_dir.glob("*") if p.is_dir()]:
        loads = sorted(p for p in source.iterdir() if p.is_dir())
        complete = [p for p in loads if not p.name.endswith(".partial")]
        doomed = [p for p in loads if p.name.endswith(".partial")]
        doomed += complete[:-keep] if keep > 0 else []
        for load in doomed:
            if load.resolve() not in in_use:
                shutil.rmtree(load, ignore_errors=True)
                removed.append(load)
    return removed


def append_run(paths: Paths, record: dict) -> None:
    """Append one line to the run history (one JSON object per line)."""
    paths.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with open(paths.runs_log, "a") as f:
        f.write(json.dumps(record, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())


def run_history(paths: Paths) -> list[dict]:
    """Last record per run (keyed by start time); a run left 'running' by a process
    that died is reported as 'failed'."""
    if not paths.runs_log.exists():
        return []
    latest: dict[str, dict] = {}
    for line in paths.runs_log.read_text().splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line from a killed run
        latest[record["started_at"]] = record
    for record in latest.values():
        if record["status"] == "running":
            record.update(status="failed", message="run ended without a result (killed?)")
    return sorted(latest.values(), key=lambda r: r["started_at"])
