"""Several app hosts, one refresh host: the refresh host ships each published build to a
shared location; every app host follows it, copying the build to its own disk and
publishing it there, where its workers switch between requests (queries/db.py).

Shared location layout (`publish_dir`, any directory both sides can reach: an NFS or
other shared mount; an object store works the same with a sync tool, see
docs/OPERATIONS.md):

    builds/<build_id>.duckdb   the build file, immutable once there
    models/<build_id>/         its trained model artifacts (when models were trained)
    current.json               {"build_id", "sha256", "bytes", "shipped_at"}: the pointer

Every file is written under a temporary name and renamed, and the pointer last: a
follower that reads the pointer finds the whole build behind it. A follower copies to
`<build>.partial`, checks size and SHA-256, opens it (DuckDB, read-only) to check its
build id, and only then publishes locally with the same atomic link swap a local refresh
uses. A failed pull publishes nothing and is retried on the next poll.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from base import settings
from base.errors import UserError
from base.paths import Paths
from etl.publish import prune_builds, publish, refresh_lock, remove_partials
from models import artifacts

POINTER = "current.json"
CHUNK = 8 * 1024 * 1024


class ShipError(UserError):
    """The shared location is missing, unreadable or holds a bad build."""


def _copy_hashed(source: Path, target: Path) -> str:
    """Copy `source` to `target` (fsynced); the SHA-256 of what was written."""
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _copy_dir(source: Path, target: Path) -> None:
    """`source` to `target` via a temporary sibling and a rename (whole or not at all)."""
    if target.exists() or not source.is_dir():
        return
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(source, tmp)
    os.replace(tmp, target)


def read_pointer(shared: Path) -> dict | None:
    """The shipped build's pointer, or None when nothing was shipped yet."""
    try:
        return json.loads((Path(shared) / POINTER).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ShipError(f"cannot read {Path(shared) / POINTER}: {exc}") from None


def ship(data_dir: Path, build_id: str, shared: Path) -> dict:
    """Copy a locally published build (and its models) to the shared location, then
    point current.json at it; prune the shared builds beyond keep_builds."""
    paths, shared = Paths(Path(data_dir)), Path(shared)
    (shared / "builds").mkdir(parents=True, exist_ok=True)
    (shared / "models").mkdir(exist_ok=True)
    target = shared / "builds" / f"{build_id}.duckdb"
    partial = target.with_name(target.name + ".partial")
    sha = _copy_hashed(paths.build_file(build_id), partial)
    os.replace(partial, target)
    _copy_dir(artifacts.models_dir(paths.data_dir) / build_id, shared / "models" / build_id)
    pointer = {"build_id": build_id, "sha256": sha, "bytes": target.stat().st_size,
               "shipped_at": datetime.now(timezone.utc).isoformat()}
    _write_atomic(shared / POINTER, json.dumps(pointer, sort_keys=True) + "\n")
    _prune_shared(shared, build_id)
    return pointer


def _prune_shared(shared: Path, current: str) -> None:
    """Keep the newest keep_builds (at least 2: followers may be mid-copy of the
    previous one) shipped builds and their models."""
    keep = max(int(settings.get("keep_builds")), 2)
    builds = sorted((shared / "builds").glob("*.duckdb"))
    for old in builds[:-keep]:
        if old.stem != current:
            old.unlink(missing_ok=True)
            shutil.rmtree(shared / "models" / old.stem, ignore_errors=True)


def local_build_id(paths: Paths) -> str | None:
    try:
        return Path(os.readlink(paths.current_link)).stem
    except OSError:
        return None


def pull(shared: Path, data_dir: Path) -> str | None:
    """Publish the shipped build on this host if it is not already current; returns its
    id, or None when there was nothing new. ShipError when the copy is bad."""
    shared, paths = Path(shared), Paths(Path(data_dir))
    pointer = read_pointer(shared)
    if pointer is None or pointer["build_id"] == local_build_id(paths):
        return None
    build_id = pointer["build_id"]
    with refresh_lock(paths):  # a local refresh or a second follower never interleaves
        paths.builds_dir.mkdir(parents=True, exist_ok=True)
        remove_partials(paths)
        partial = paths.builds_dir / f"{build_id}.duckdb.partial"
        try:
            sha = _copy_hashed(shared / "builds" / f"{build_id}.duckdb", partial)
            if sha != pointer["sha256"] or partial.stat().st_size != pointer["bytes"]:
                raise ShipError(f"build {build_id} in {shared} does not match its pointer "
                                "(changed while copying?)")
            _check_opens(partial, build_id)
            _copy_dir(shared / "models" / build_id,
                      artifacts.models_dir(paths.data_dir) / build_id)
            publish(partial, build_id, paths)
        except OSError as exc:
            raise ShipError(f"pulling {build_id} from {shared} failed: {exc}") from None
        finally:
            partial.unlink(missing_ok=True)
        prune_builds(paths, int(settings.get("keep_builds")))
        artifacts.prune(paths.data_dir, {b.stem for b in paths.builds_dir.glob("*.duckdb")})
    return build_id


def _check_opens(path: Path, build_id: str) -> None:
    """The copy is a DuckDB file of the expected build (before anything serves it)."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            found = con.execute("select build_id from main.build_info").fetchone()[0]
    except duckdb.Error as exc:
        raise ShipError(f"build {build_id} does not open: {exc}") from None
    if found != build_id:
        raise ShipError(f"{path.name} holds build {found}, not {build_id}")


def follow(shared: Path, data_dir: Path, every_s: float, once: bool = False) -> int:
    """Poll the shared location and publish each new build locally until SIGTERM/SIGINT
    (or once). A failed pull is logged and retried; the served build stays."""
    stop, last = {"now": False}, {"status": None}
    if not once:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.update(now=True))
    while True:
        try:
            pulled = pull(shared, data_dir)
            if pulled:
                print(f"{_stamp()} published {pulled} from {shared}", file=sys.stderr, flush=True)
                last["status"] = None
            elif (status := _nothing_new(shared, data_dir)) != last["status"]:
                # said when it changes, not every poll: a wrong --from looked like
                # success (exit 0, no output), as did "already current"
                print(f"{_stamp()} {status}", file=sys.stderr, flush=True)
                last["status"] = status
        except UserError as exc:
            print(f"{_stamp()} error: {exc}" + ("" if once else "; retrying on the next poll"),
                  file=sys.stderr, flush=True)
            last["status"] = None
            if once:
                return 1
        if once:
            return 0
        deadline = time.monotonic() + every_s
        while not stop["now"] and time.monotonic() < deadline:
            time.sleep(min(0.1, every_s))
        if stop["now"]:
            return 0


def _nothing_new(shared: Path, data_dir: Path) -> str:
    """Why a poll published nothing."""
    pointer = read_pointer(shared)
    if pointer is None:
        return (f"no build shipped to {shared} yet (no {POINTER}: the refresh host "
                "writes it there when publish_dir names this folder)")
    return f"up to date: build {pointer['build_id']} from {shared} is the one served"


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
