"""The DuckDB storage format of the files the product writes, checked before publish.

DuckDB 2.0 writes storage format v2.0.0 by default, and no 1.x client opens it ("can
only read versions between 64 and 68"). Analysts open the warehouse with the tools they
already have (the 1.x CLI, JDBC drivers, R and Node bindings, notebooks pinned to 1.x),
so every DuckDB file the product creates (warehouse builds, the Blend profiles
database) is created with `storage_compatibility_version` = the `duckdb_storage_version`
setting. Its default, v1.0.0, is the oldest format 2.0 writes that holds everything the
warehouse uses: checked on DuckDB 2.0.0, a whole build in v1.0.0 (lists, structs,
staging views, scalar and table macros) is read by the 1.5.6 CLI with identical results
(tests/test_old_client.py holds it). DuckDB keeps an existing file's format when it
reopens it for writing, so only a new file changes format.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from base import settings
from base.errors import UserError

_VERSION = re.compile(r"v(\d+)\.(\d+)\.(\d+)")


class StorageVersionError(UserError):
    """The setting is not a DuckDB version, or a file is newer than the setting allows."""


def wanted() -> str:
    """The storage version new files are written in (the duckdb_storage_version setting)."""
    return str(settings.get("duckdb_storage_version")).strip()


def config(version: str | None = None) -> dict[str, object]:
    """Connection config that creates a new file in `version` (default: the setting)."""
    return {"storage_compatibility_version": version or wanted()}


def connect_new(path: Path, version: str | None = None,
                extra: dict[str, object] | None = None) -> duckdb.DuckDBPyConnection:
    """A read-write connection whose file, if new, is written in `version`."""
    version = version or wanted()
    try:
        return duckdb.connect(str(path), config={**(extra or {}), **config(version)})
    except duckdb.InvalidInputException as exc:
        if "version string" not in str(exc):
            raise
        raise StorageVersionError(
            f"duckdb_storage_version {version!r} is not a DuckDB version: use one such as "
            "v1.0.0 (every 1.x and 2.x client), v1.4.0 or v2.0.0 (2.x clients only)"
        ) from None


def _key(version: str) -> tuple[int, ...]:
    """'v1.2.0' or 'v1.2.0+' (DuckDB's tag) → (1, 2, 0); 'latest' sorts after all."""
    match = _VERSION.match(version.strip())
    return tuple(int(g) for g in match.groups()) if match else (10**6,)


def version_of(con: duckdb.DuckDBPyConnection) -> str:
    """The storage version DuckDB reports for the connection's database file (e.g.
    'v1.0.0+': readable by that version and every later one)."""
    tags = con.execute("select tags from duckdb_databases() "
                       "where database_name = current_database()").fetchall()[0][0]
    return tags.get("storage_version", "unknown")


def file_version(path: Path) -> str:
    """version_of the file, from a read-only open."""
    with duckdb.connect(str(path), read_only=True) as con:
        return version_of(con)


def is_newer(found: str, version: str | None = None) -> bool:
    """Is a file's storage version `found` newer than `version` (default: the setting),
    so that clients the setting promises cannot open it?"""
    return _key(found) > _key(version or wanted())


def check(path: Path, version: str | None = None) -> str:
    """The file's storage version; StorageVersionError when it is newer than `version`
    (default: the setting), so a file the promised clients cannot open is never published."""
    version = version or wanted()
    found = file_version(path)
    if is_newer(found, version):
        raise StorageVersionError(
            f"{path.name} is in DuckDB storage format {found}, newer than "
            f"duckdb_storage_version {version}: clients older than {found.rstrip('+')} "
            "could not open it")
    return found
