"""The hardened DuckDB configuration, with no heavy imports: the app's connection
(queries/db.py) and the console's worker processes (queries/sandbox.py) both use it,
and a worker should start without loading Polars."""
from __future__ import annotations

from pathlib import Path

# The one hardened configuration, shared by the app's connection and the console:
# `lock_configuration` is applied last (hardened_config), so SET/RESET/PRAGMA from
# user SQL cannot undo any of it.
HARDENING: dict[str, object] = {
    "enable_external_access": False,  # no files, URLs, COPY, EXPORT, ATTACH, INSTALL
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "max_temp_directory_size": "0KB",  # never spill to disk: big queries fail fast
    # DuckDB silently adds the temp directory to allowed_directories, and COPY TO
    # into it succeeded (verified on 2.0) once the directory existed. No temp dir.
    "temp_directory": "",
}


def hardened_config(memory_limit: str, threads: int) -> dict[str, object]:
    """HARDENING plus the resource bounds, then the lock (order matters)."""
    return {**HARDENING, "memory_limit": memory_limit, "threads": threads,
            "lock_configuration": True}


def open_hardened(path: Path, *, memory_limit: str, threads: int):
    """`path` read-only with the hardened, locked configuration."""
    import duckdb
    return duckdb.connect(str(path), read_only=True,
                          config=hardened_config(memory_limit, threads))


def open_sandboxed(path: Path, *, memory_limit: str, threads: int, secret_dir: Path):
    """The console worker's connection: the hardened configuration, and then no local
    file system at all, so no function reads any file, not even the warehouse itself.

    enable_external_access=false still lets read_blob/read_text read the attached
    database file (DuckDB allows the files it has open; verified on 2.0).
    `disabled_filesystems` must be set after the file is open, then the lock.
    `secret_directory` would otherwise show the server's home directory in
    duckdb_settings()."""
    import duckdb
    config = {k: v for k, v in hardened_config(memory_limit, threads).items()
              if k != "lock_configuration"}
    config["secret_directory"] = str(secret_dir)
    con = duckdb.connect(str(path), read_only=True, config=config)
    con.execute("set disabled_filesystems = 'LocalFileSystem'")
    con.execute("set lock_configuration = true")
    return con
