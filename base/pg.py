"""PostgreSQL connections and advisory locks, for user state and the refresh lock
when `database_url` is set (psycopg 3).

Connections are opened per unit of work and closed after it: user-state operations are
few and short next to a page's warehouse queries, a fresh connection costs ~2 ms on a
local network, and nothing survives a fork or a restarted database to go stale.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from base.errors import UserError

CONNECT_TIMEOUT_S = 5


class DatabaseUnavailable(UserError):
    """PostgreSQL could not be reached; the message says where and why (no password)."""


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(an unreadable database_url)"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    """A connection named after the product (visible in pg_stat_activity)."""
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S,
                               application_name="netflix-insights")
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailable(f"cannot reach PostgreSQL at {redacted(url)}: {first}") from None
    except psycopg.ProgrammingError:   # "notaurl", "?sslmode=bogus"; no text of it shown
        raise DatabaseUnavailable("database_url is not a PostgreSQL URL (postgresql://user@"
                                  "host:port/dbname) or key=value string that libpq reads "
                                  "(check its options)") from None


def lock_key(name: str) -> int:
    """A stable 32-bit advisory-lock key for a lock name."""
    return zlib.crc32(f"netflix-insights:{name}".encode())


@contextmanager
def advisory_lock(url: str, name: str) -> Iterator[bool]:
    """Try the session advisory lock `name` on a connection held for the block; yields
    whether it was taken. PostgreSQL releases it when the connection ends, so a refresh
    host that dies never leaves the lock behind."""
    con = connect(url, autocommit=True)
    try:
        taken = con.execute("select pg_try_advisory_lock(%s)", (lock_key(name),)).fetchone()[0]
        yield bool(taken)
    finally:
        con.close()
