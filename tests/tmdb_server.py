"""A fake TMDB v3 API on 127.0.0.1, for tests of the live TMDB client.

Serves TMDB-shaped JSON under /3 built from the first 60 movies of the bundled
tmdb_top10k_movies snapshot plus a few invented TV shows. Checks the Bearer token or
api_key (401 with TMDB's error body otherwise), records every request and the most
requests ever in flight at once, and injects faults on demand:

    with FakeTmdb(latency=0.01) as tmdb:
        tmdb.fail("429", times=2, retry_after=1)
        client = TmdbClient(tmdb.base_url, token=tmdb.token, cache_dir=...)
"""
from __future__ import annotations

import copy
import functools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import polars as pl

SNAPSHOT = Path(__file__).resolve().parent.parent / "etl" / "snapshot"
PAGE_SIZE = 20

MOVIE_GENRES = {28: "Action", 12: "Adventure", 16: "Animation", 35: "Comedy",
                80: "Crime", 99: "Documentary", 18: "Drama", 10751: "Family",
                14: "Fantasy", 36: "History", 27: "Horror", 10402: "Music",
                9648: "Mystery", 10749: "Romance", 878: "Science Fiction",
                10770: "TV Movie", 53: "Thriller", 10752: "War", 37: "Western"}
TV_GENRES = {10759: "Action & Adventure", 16: "Animation", 35: "Comedy", 80: "Crime",
             99: "Documentary", 18: "Drama", 10751: "Family", 10762: "Kids",
             9648: "Mystery", 10763: "News", 10764: "Reality",
             10765: "Sci-Fi & Fantasy", 10766: "Soap", 10767: "Talk",
             10768: "War & Politics", 37: "Western"}

# Invented shows. Three called "Kingdom" test the year tie-break: Netflix's year is
# the latest season's, so the best is the latest first-air year not after it.
TV_SHOWS = [
    (1001, "Blood & Water", "Blood & Water", "2020-05-20", 2, [18, 9648], "en", 35.2),
    (1002, "Kingdom", "킹덤", "2019-01-25", 2, [18, 10765], "ko", 40.0),
    (1003, "Kingdom", "Kingdom", "2014-10-08", 3, [18], "en", 60.0),
    (1004, "Kingdom", "Kingdom", "2023-03-01", 1, [18], "en", 90.0),
    (1005, "Ozark", "Ozark", "2017-07-21", 4, [80, 18], "en", 80.5),
    (1006, "The Crown", "The Crown", "2016-11-04", 6, [18], "en", 70.1),
    (1007, "Kingdom Hospital", "Kingdom Hospital", "2004-03-03", 1, [18], "en", 200.0),
    (1008, "Money Heist", "La casa de papel", "2017-05-02", 3, [80, 18], "es", 95.0),
]
AUTH_ERROR = {"status_code": 7, "status_message": "Invalid API key: You must be granted "
              "a valid key.", "success": False}
NOT_FOUND = {"status_code": 34, "status_message": "The resource you requested could "
             "not be found.", "success": False}


def movie_runtime(movie_id: int) -> int:
    """The invented runtime the fake gives a movie (the snapshot has none)."""
    return 80 + movie_id % 60


@functools.cache
def _snapshot_movies(count: int = 60) -> tuple[dict, ...]:
    frame = pl.read_csv(SNAPSHOT / "tmdb_top10k_movies.csv.gz", infer_schema=False,
                        n_rows=count)
    ids_by_name = {name: gid for gid, name in MOVIE_GENRES.items()}
    movies = []
    for row in frame.to_dicts():
        names = [n.strip() for n in (row["genre"] or "").split(",") if n.strip()]
        movie_id = int(row["id"])
        movies.append({
            "id": movie_id, "title": row["title"], "original_title": row["title"],
            "original_language": row["original_language"], "overview": row["overview"],
            "popularity": float(row["popularity"]), "release_date": row["release_date"],
            "vote_average": float(row["vote_average"]),
            "vote_count": int(row["vote_count"]), "poster_path": f"/p{movie_id}.jpg",
            "genre_ids": [ids_by_name[n] for n in names if n in ids_by_name],
            "runtime": movie_runtime(movie_id),
        })
    return tuple(movies)


def _load_movies() -> dict[int, dict]:
    """A fresh copy per server: the snapshot is read once per test session."""
    return {m["id"]: copy.deepcopy(m) for m in _snapshot_movies()}


def _tv_shows() -> dict[int, dict]:
    return {sid: {"id": sid, "name": name, "original_name": original,
                  "first_air_date": first_air, "number_of_seasons": seasons,
                  "genre_ids": genres, "original_language": lang,
                  "popularity": popularity, "vote_average": 7.5, "vote_count": 1000,
                  "overview": f"{name} overview", "poster_path": f"/t{sid}.jpg",
                  "episode_run_time": [50]}
            for sid, name, original, first_air, seasons, genres, lang, popularity
            in TV_SHOWS}


@dataclass
class Fault:
    """Answer `kind` ("429", "500", "503", "slow", "malformed") `times` times.

    times=None: every time. path: only requests whose path starts with it.
    """
    kind: str
    times: int | None
    path: str | None = None
    retry_after: float | None = None
    delay: float = 0.0


@dataclass
class Request:
    """One request the server saw (credentials reduced to how they were given)."""
    path: str
    params: dict[str, str]
    auth: str
    at: float = field(default_factory=time.monotonic)


class FakeTmdb:
    """The fake server; a context manager that starts and stops it."""

    def __init__(self, *, token: str = "test-token", api_key: str = "secret-key-12345",
                 latency: float = 0.0):
        self.token, self.api_key, self.latency = token, api_key, latency
        self.movies, self.shows = _load_movies(), _tv_shows()
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.in_flight = self.max_in_flight = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        # A short poll interval makes shutdown() (once per test) quick.
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/3"

    def __enter__(self) -> FakeTmdb:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def fail(self, kind: str, times: int | None = 1, *, path: str | None = None,
             retry_after: float | None = None, delay: float = 0.0) -> None:
        """Inject a fault for the next `times` requests whose path starts with `path`."""
        with self._lock:
            self.faults.append(Fault(kind, times, path, retry_after, delay))

    def paths(self, prefix: str = "") -> list[str]:
        """Paths requested so far (without /3), optionally only those under prefix."""
        return [r.path for r in self.requests if r.path.startswith(prefix)]

    # -- called by the handler, on server threads --

    def begin(self, request: Request) -> Fault | None:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            for fault in self.faults:
                if fault.times != 0 and (fault.path is None
                                         or request.path.startswith(fault.path)):
                    fault.times = None if fault.times is None else fault.times - 1
                    return fault
        return None

    def end(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def route(self, path: str, params: dict[str, str]) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        media = next((p for p in parts if p in ("movie", "tv")), "")
        catalog = self.movies if media == "movie" else self.shows
        if parts[0] == "genre" and len(parts) == 3:
            genres = MOVIE_GENRES if media == "movie" else TV_GENRES
            return 200, {"genres": [{"id": i, "name": n} for i, n in genres.items()]}
        if parts[0] in ("discover", "search") or parts[-1] in ("popular", "top_rated"):
            return 200, self._listing(parts, catalog, params)
        if len(parts) == 2 and parts[1].isdigit() and int(parts[1]) in catalog:
            return 200, self._details(media, catalog[int(parts[1])])
        return 404, NOT_FOUND

    def _listing(self, parts: list[str], catalog: dict[int, dict], params: dict) -> dict:
        items = [_summary(item) for item in catalog.values()]
        if parts[0] == "search":
            items = _search(items, params)
        sort_key = "vote_average" if parts[-1] == "top_rated" else "popularity"
        items.sort(key=lambda item: (-item[sort_key], item["id"]))
        page = int(params.get("page", "1"))
        chunk = items[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        return {"page": page, "results": chunk, "total_results": len(items),
                "total_pages": max(1, -(-len(items) // PAGE_SIZE))}

    def _details(self, media: str, item: dict) -> dict:
        names = MOVIE_GENRES if media == "movie" else TV_GENRES
        details = {k: v for k, v in item.items() if k != "genre_ids"}
        details["genres"] = [{"id": g, "name": names[g]} for g in item["genre_ids"]]
        return details


def _summary(item: dict) -> dict:
    """What list and search endpoints show: no runtime/seasons, genre ids not names."""
    hidden = {"runtime", "number_of_seasons", "episode_run_time"}
    return {k: v for k, v in item.items() if k not in hidden}


def _search(items: list[dict], params: dict[str, str]) -> list[dict]:
    query = params.get("query", "").casefold()
    fields = ("title", "original_title", "name", "original_name")
    found = [i for i in items
             if query and any(query in (i.get(f) or "").casefold() for f in fields)]
    year = params.get("year") or params.get("first_air_date_year")
    if year:
        found = [i for i in found
                 if (i.get("release_date") or i.get("first_air_date", ""))[:4] == year]
    return found


def _handler_for(server: FakeTmdb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            url = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            auth = self._auth(params)
            path = url.path.removeprefix("/3")
            fault = server.begin(Request(path, params, auth))
            try:
                time.sleep(server.latency)
                self._answer(fault, auth, path, params)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test); nothing to answer
            finally:
                server.end()

        def _auth(self, params: dict[str, str]) -> str:
            if self.headers.get("Authorization") == f"Bearer {server.token}":
                return "bearer"
            if params.pop("api_key", None) == server.api_key:
                return "api_key"
            return "none"

        def _answer(self, fault: Fault | None, auth: str, path: str, params: dict) -> None:
            if auth == "none":
                return self._send(401, json.dumps(AUTH_ERROR))
            if fault is not None and fault.kind in ("429", "500", "503"):
                headers = {"Retry-After": f"{fault.retry_after:g}"} \
                    if fault.retry_after is not None else {}
                return self._send(int(fault.kind), '{"status_code": 25}', headers)
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.delay)
            if fault is not None and fault.kind == "malformed":
                return self._send(200, '{"page": 1, "results": [')
            status, body = server.route(path, params)
            self._send(status, json.dumps(body))

        def _send(self, status: int, body: str, headers: dict | None = None) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass  # keep test output clean

    return Handler
