"""HTTP client for the TMDB v3 API: auth, retries, an on-disk cache and bounded concurrency.

One shared httpx.Client serves every thread; a semaphore keeps at most `concurrency`
requests in flight. 429, 5xx, timeouts and connection errors are retried with
exponential backoff and jitter, honouring Retry-After. A 401 fails at once.

Responses are cached as JSON files named by a hash of the path and sorted parameters
(credentials never enter the key, the file or a log line). Detail and search responses
are kept forever, so a re-run only asks for what is new; list endpoints (popular,
top_rated, discover, genre lists) expire after `list_max_age_seconds` because TMDB
recomputes them daily.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

import httpx
from tqdm import tqdm

from base import settings
from etl.sources.errors import SourceError

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

# Paths whose answers change daily; everything else (details, search) is kept.
_LIST_PATH = re.compile(r"^/(discover/|genre/|(movie|tv)/(popular|top_rated)$)")
_API_KEY_IN_TEXT = re.compile(r"(api_key=)[^&\s\"']+")


class TmdbError(SourceError):
    """TMDB could not answer a request; the message names the path."""


class TmdbAuthError(TmdbError):
    """TMDB rejected the credentials, or none were configured."""


class TmdbNotFoundError(TmdbError):
    """TMDB answered 404 for a path (e.g. a title removed since it was listed)."""


@dataclass
class _Retryable(Exception):
    """One attempt failed in a way worth retrying."""
    reason: str
    retry_after: float | None = None


class _RedactApiKey(logging.Filter):
    """httpx logs every request URL at INFO; the v3 api_key rides in that URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _API_KEY_IN_TEXT.sub(r"\1***", str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(a) for a in record.args)
        return True


def _redact(value: Any) -> Any:
    text = str(value)
    return _API_KEY_IN_TEXT.sub(r"\1***", text) if "api_key=" in text else value


logging.getLogger("httpx").addFilter(_RedactApiKey())


class ResponseCache:
    """Raw JSON responses on disk, one file per (path, params)."""

    def __init__(self, cache_dir: Path):
        self.dir = Path(cache_dir)

    def file_for(self, path: str, params: dict[str, str]) -> Path:
        """The cache file of a request; readable prefix, hashed identity."""
        identity = json.dumps([path, sorted(params.items())], ensure_ascii=False)
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        slug = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_")
        return self.dir / f"{slug}-{digest}.json"

    def read(self, path: str, params: dict[str, str], max_age: float | None) -> dict | None:
        """The cached response, or None when absent, unreadable or older than max_age."""
        file = self.file_for(path, params)
        try:
            entry = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if max_age is not None and time.time() - entry.get("fetched_at", 0) > max_age:
            return None
        return entry.get("response")

    def write(self, path: str, params: dict[str, str], response: dict) -> None:
        """Store a response atomically: a killed run never leaves half a file."""
        file = self.file_for(path, params)
        file.parent.mkdir(parents=True, exist_ok=True)
        entry = {"path": path, "params": params, "fetched_at": time.time(),
                 "response": response}
        tmp = file.with_name(f"{file.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, file)


class TmdbClient:
    """A TMDB v3 client; use as a context manager or call close()."""

    def __init__(self, base_url: str, *, cache_dir: Path, token: str = "",
                 api_key: str = "", timeout_seconds: float = 10.0, max_retries: int = 5,
                 concurrency: int = 8, list_max_age_seconds: float = 24 * 3600,
                 backoff_base_seconds: float = 0.5, backoff_cap_seconds: float = 30.0,
                 progress: bool = True):
        if not token and not api_key:
            raise TmdbAuthError("no TMDB credentials: set TMDB_API_TOKEN (v4 read "
                                "access token) or TMDB_API_KEY (v3 key)")
        self._api_key = "" if token else api_key
        self.timeout_seconds = timeout_seconds
        self.max_retries = max_retries
        self.concurrency = max(1, concurrency)
        self.list_max_age_seconds = list_max_age_seconds
        self.backoff_base_seconds = backoff_base_seconds
        self.backoff_cap_seconds = backoff_cap_seconds
        self.progress = progress
        self.cache = ResponseCache(cache_dir)
        self.requests_made = 0
        self.cache_hits = 0
        self._counter_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.concurrency)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers,
            timeout=httpx.Timeout(timeout_seconds),
            limits=httpx.Limits(max_connections=self.concurrency))

    @classmethod
    def from_settings(cls, cache_dir: Path, *, progress: bool = True) -> TmdbClient:
        """A client configured from base.settings (environment first, then defaults)."""
        return cls(settings.get("tmdb_base_url"), cache_dir=cache_dir,
                   token=settings.get("tmdb_api_token"),
                   api_key=settings.get("tmdb_api_key"),
                   timeout_seconds=_number_setting("tmdb_timeout_seconds"),
                   max_retries=int(_number_setting("tmdb_max_retries")),
                   concurrency=int(_number_setting("tmdb_concurrency")),
                   progress=progress)

    def __enter__(self) -> TmdbClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release pooled connections."""
        self._http.close()

    @property
    def stats(self) -> dict[str, int]:
        """HTTP requests made (retries included) and responses served from the cache."""
        return {"requests": self.requests_made, "cache_hits": self.cache_hits}

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict:
        """GET `path` (e.g. "/movie/278") as JSON, from the cache when fresh enough."""
        clean = {k: str(v) for k, v in (params or {}).items()}
        max_age = self.list_max_age_seconds if _LIST_PATH.match(path) else None
        cached = self.cache.read(path, clean, max_age)
        if cached is not None:
            self._count(cache_hit=True)
            return cached
        response = self._fetch(path, clean)
        self.cache.write(path, clean, response)
        return response

    def map(self, fn: Callable[[T], R], items: Iterable[T], desc: str) -> list[R]:
        """fn over items on `concurrency` threads, in input order, with a progress bar.

        The first failure cancels the work not yet started and is raised.
        """
        items = list(items)
        with tqdm(total=len(items), desc=desc, file=sys.stderr, unit="item",
                  disable=not self.progress) as bar, \
                ThreadPoolExecutor(self.concurrency) as pool:
            futures = [pool.submit(fn, item) for item in items]
            try:
                for future in as_completed(futures):
                    future.result()
                    bar.update()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return [future.result() for future in futures]

    def get_many(self, requests: list[tuple[str, dict[str, Any]]], desc: str) -> list[dict]:
        """Several GETs concurrently; answers in the order of `requests`."""
        return self.map(lambda request: self.get(*request), requests, desc)

    def _count(self, *, cache_hit: bool) -> None:
        with self._counter_lock:
            if cache_hit:
                self.cache_hits += 1
            else:
                self.requests_made += 1

    def _fetch(self, path: str, params: dict[str, str]) -> dict:
        failure: _Retryable | None = None
        for attempt in range(self.max_retries + 1):
            if failure is not None:
                self._wait_before_retry(attempt, failure, path)
            try:
                return self._attempt(path, params)
            except _Retryable as exc:
                failure = exc
        raise TmdbError(f"TMDB request {path} failed after {self.max_retries + 1} "
                        f"attempts (last: {failure.reason}); TMDB may be down or "
                        "rate-limiting; try again later or lower TMDB_CONCURRENCY")

    def _wait_before_retry(self, attempt: int, failure: _Retryable, path: str) -> None:
        if failure.retry_after is not None:
            # TMDB says how long to cool down; a little jitter spreads the threads.
            delay = failure.retry_after + random.uniform(0, 0.1)
        else:
            ceiling = min(self.backoff_cap_seconds,
                          self.backoff_base_seconds * 2 ** (attempt - 1))
            delay = random.uniform(ceiling / 2, ceiling)
        log.warning("TMDB %s: %s; retry %d/%d in %.1fs", path, failure.reason, attempt,
                    self.max_retries, delay)
        time.sleep(delay)

    def _attempt(self, path: str, params: dict[str, str]) -> dict:
        query = {**params, "api_key": self._api_key} if self._api_key else params
        self._count(cache_hit=False)
        with self._slots:
            try:
                response = self._http.get(path, params=query)
            except httpx.TimeoutException:
                raise _Retryable(f"timed out after {self.timeout_seconds:g}s") from None
            except httpx.TransportError as exc:
                raise _Retryable(f"connection error ({type(exc).__name__})") from None
        return _parse(response, path)


def _parse(response: httpx.Response, path: str) -> dict:
    status = response.status_code
    if status == 401:
        raise TmdbAuthError("TMDB rejected the credentials (401): check TMDB_API_TOKEN "
                            "/ TMDB_API_KEY")
    if status == 429 or status >= 500:
        raise _Retryable(f"HTTP {status}", _retry_after(response))
    if status == 404:
        raise TmdbNotFoundError(f"TMDB has no {path} (404)")
    if status >= 400:
        raise TmdbError(f"TMDB refused {path} (HTTP {status}): {_status_message(response)}")
    try:
        body = response.json()
    except ValueError:
        raise TmdbError(f"TMDB returned malformed JSON for {path} "
                        f"({len(response.content)} bytes)") from None
    if not isinstance(body, dict):
        raise TmdbError(f"TMDB returned {type(body).__name__}, not an object, for {path}")
    return body


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:  # the HTTP-date form
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _status_message(response: httpx.Response) -> str:
    try:
        return str(response.json().get("status_message", "")) or response.reason_phrase
    except (ValueError, AttributeError):
        return response.reason_phrase


def _number_setting(name: str) -> float:
    try:
        return float(settings.get(name))
    except settings.SettingError as exc:
        raise TmdbError(str(exc)) from None
