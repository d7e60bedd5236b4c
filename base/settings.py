"""Every setting of the product, in one registry.

Each setting is one entry (name, environment variable, default, help), in the style of
Datasette's settings. The CLI flags, docs/SETTINGS.md and the app all read from here,
and a test fails when docs/SETTINGS.md misses one, so nothing is configured in secret.
"""
from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from base.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingError(UserError, ValueError):
    """A setting's value is not of its kind (the message names the variable)."""


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str
    kind: str = "str"              # str, int, float, bool or memory (DuckDB's units)
    minimum: float | None = None   # for int and float

    def raw(self) -> str:
        """The environment's text when set and non-empty, else the default."""
        return os.environ.get(self.env) or self.default

    def value(self):
        """The typed value; SettingError when the environment's text is not one."""
        return parse(self, self.raw())


_ON, _OFF = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
_KIND_WORDS = {"int": "a whole number", "float": "a number"}
# a DuckDB memory size as its SET memory_limit reads one: 2GB, 500 MiB, 1.5g, .5GB,
# 1e9b, 2 gigabytes, 80%; "none" or "-1" (lower case, as DuckDB takes it): no limit
_MEMORY = re.compile(r"(?i)\s*((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*"
                     r"(%|bytes?|b|[kmgt](?:i?b)?|(?:kilo|mega|giga|tera)bytes?)\s*")
NO_MEMORY_LIMIT = ("none", "-1")
MIN_MEMORY_BYTES = 64e6   # less and DuckDB cannot run the pages' queries at all


def parse(setting: Setting, text: str):
    """`text` as the setting's kind. A bool that is neither on nor off counts as the
    default (a typo never switches a feature on)."""
    if setting.kind == "str":
        return text
    if setting.kind == "memory":
        return _memory(setting, text)
    if setting.kind == "bool":
        word = text.strip().lower()
        return word in _ON if word in _ON | _OFF else setting.default.strip().lower() in _ON
    try:
        value = int(text.strip()) if setting.kind == "int" else float(text.strip())
    except ValueError:
        value = None
    if value is None or value != value or value in (float("inf"), float("-inf")) or (
            setting.minimum is not None and value < setting.minimum):
        least = "" if setting.minimum is None else f" of at least {setting.minimum:g}"
        raise SettingError(f"{setting.env} must be {_KIND_WORDS[setting.kind]}{least}, "
                           f"not {text!r}")
    return value


def _memory(setting: Setting, text: str) -> str:
    """`text` when DuckDB reads it as a memory limit of at least MIN_MEMORY_BYTES (or a
    share of 1–100% of the machine's); a bad one failed every page with a 500."""
    if text.strip() in NO_MEMORY_LIMIT:
        return text
    match = _MEMORY.fullmatch(text)
    if match:
        number, unit = float(match[1]), match[2].lower()
        if unit == "%":   # of the machine's memory: the 64MB floor is not checked here
            if 0 < number <= 100:
                return text
        else:
            size = number if unit in ("b", "byte", "bytes") else number * (
                1024 if unit.endswith("ib") else 1000) ** ("kmgt".index(unit[0]) + 1)
            if size >= MIN_MEMORY_BYTES:
                return text
    raise SettingError(f"{setting.env} must be a memory size of at least 64MB in DuckDB's "
                       f"units (e.g. 2GB, 500MiB, 50%; none for no limit), not {text!r}")


def check_all() -> None:
    """SettingError naming every setting whose value is not of its kind: a server
    checks them all before it starts, not on its first request."""
    problems = []
    for setting in SETTINGS.values():
        try:
            setting.value()
        except SettingError as exc:
            problems.append(str(exc))
    if problems:
        raise SettingError("; ".join(problems))


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("data_dir", "NETFLIX_INSIGHTS_DATA_DIR", str(PROJECT_ROOT / "data"),
                "Where raw Parquet loads, warehouse builds, model artifacts, the TMDB "
                "response cache and the profiles database live."),
        Setting("database_url", "NETFLIX_INSIGHTS_DATABASE_URL", "",
                "PostgreSQL for user state, e.g. postgresql://app:secret@db:5432/insights. "
                "When set, the Blend's profiles and blends live there (shared by every app "
                "host; `netflix-insights migrate` creates the tables) and a refresh takes "
                "its lock there. Empty: an embedded DuckDB file under the data dir."),
        Setting("host", "NETFLIX_INSIGHTS_HOST", "127.0.0.1",
                "Interface the dashboard binds to. Loopback unless you mean otherwise."),
        Setting("port", "NETFLIX_INSIGHTS_PORT", "8050", "Port the dashboard listens on.", kind="int", minimum=1),
        Setting("public_base_url", "NETFLIX_INSIGHTS_PUBLIC_BASE_URL", "",
                "The address users reach the dashboard at, e.g. https://insights.example; "
                "links the app hands out (the Blend's share link) start with it. Empty: "
                "the address served (http://host:port). Never taken from a request's "
                "Host header, which any client can set."),
        Setting("workers", "NETFLIX_INSIGHTS_WORKERS", "2",
                "Worker processes of `serve --prod` (gunicorn). Each opens its own "
                "read-only warehouse connection after the fork and may use up to 2 GB of "
                "DuckDB memory; one or two per core.", kind="int", minimum=1),
        Setting("threads", "NETFLIX_INSIGHTS_THREADS", "4",
                "Threads per worker of `serve --prod` (gthread): requests one worker "
                "answers at once. A page fires several callbacks in parallel.", kind="int", minimum=1),
        Setting("worker_timeout_seconds", "NETFLIX_INSIGHTS_WORKER_TIMEOUT_SECONDS", "30",
                "`serve --prod`: a worker silent for this long is killed and replaced "
                "(gunicorn --timeout), and the grace period a stopping worker gets to "
                "finish its requests. Queries have their own 5 s limit.", kind="int", minimum=1),
        Setting("client_timeout_seconds", "NETFLIX_INSIGHTS_CLIENT_TIMEOUT_SECONDS", "10",
                "`serve --prod --proxy nginx` and `proxy-config`: how long nginx waits "
                "for a client to send its request headers, each part of its body, or to "
                "read the reply, before closing the connection (slow clients wait on "
                "nginx, never on the app's threads).", kind="int", minimum=1),
        Setting("keep_builds", "NETFLIX_INSIGHTS_KEEP_BUILDS", "3",
                "How many published warehouse builds to keep on disk (the current one "
                "included; at least 2, so the build just replaced stays while servers "
                "switch); older ones are deleted after a publish, and their disk space "
                "is freed once no server process has them open.", kind="int", minimum=1),
        Setting("publish_dir", "NETFLIX_INSIGHTS_PUBLISH_DIR", "",
                "Several app hosts: a directory every host can reach (a shared "
                "filesystem mount). A refresh, after publishing locally, copies the build "
                "and its models there; `netflix-insights follow` on each app host copies "
                "each new build to the host's own disk and publishes it there. Empty: "
                "one host, nothing shipped."),
        Setting("keep_raw_loads", "NETFLIX_INSIGHTS_KEEP_RAW_LOADS", "5",
                "How many raw loads (Parquet extracts) to keep per source; older ones are "
                "deleted after a publish. A kept load can be replayed with --replay.", kind="int", minimum=0),
        Setting("tmdb_api_token", "TMDB_API_TOKEN", "",
                "TMDB v4 read-access token (Bearer). When set (or tmdb_api_key is), "
                "`refresh --source live` calls the TMDB API."),
        Setting("tmdb_api_key", "TMDB_API_KEY", "",
                "TMDB v3 API key, an alternative to tmdb_api_token."),
        Setting("tmdb_base_url", "TMDB_BASE_URL", "https://api.themoviedb.org/3",
                "TMDB API root. Tests point it at a server on 127.0.0.1."),
        Setting("tmdb_concurrency", "TMDB_CONCURRENCY", "8",
                "Most TMDB requests in flight at once.", kind="int", minimum=1),
        Setting("tmdb_timeout_seconds", "TMDB_TIMEOUT_SECONDS", "10",
                "Timeout for one TMDB request, in seconds.", kind="float"),
        Setting("tmdb_max_retries", "TMDB_MAX_RETRIES", "5",
                "Retries for one TMDB request on 429/5xx/timeouts, with exponential "
                "backoff that honours Retry-After.", kind="int", minimum=0),
        Setting("tmdb_pages", "TMDB_PAGES", "5",
                "Pages fetched per TMDB market list (20 titles a page).", kind="int", minimum=1),
        Setting("imdb_dir", "NETFLIX_INSIGHTS_IMDB_DIR", "",
                "A folder holding IMDb's dataset files as downloaded from "
                "https://datasets.imdbws.com/ (title.basics, title.akas, title.ratings, "
                "optionally title.episode; .tsv.gz or .tsv). When set (or `refresh "
                "--imdb-dir` is given), a refresh matches the catalog against them too, "
                "through IMDb's alternate titles, and fills IMDb ratings where the bundled "
                "data has none. IMDb's terms: personal and non-commercial use only; the "
                "project never bundles or redistributes the files. Empty: not used."),
        Setting("match_rate_floor", "NETFLIX_INSIGHTS_MATCH_RATE_FLOOR", "0.40",
                "A build fails its checks when fewer than this share of Netflix titles "
                "match an IMDb/TMDB record.", kind="float", minimum=0),
        Setting("max_row_shrink", "NETFLIX_INSIGHTS_MAX_ROW_SHRINK", "0.5",
                "A build fails its checks when a table loses more than this share of "
                "the rows it had in the previous published build.", kind="float", minimum=0),
        Setting("duckdb_storage_version", "NETFLIX_INSIGHTS_DUCKDB_STORAGE_VERSION",
                "v1.0.0",
                "DuckDB storage format of every database file the product creates "
                "(warehouse builds, the Blend profiles database), checked before each "
                "publish. v1.0.0 opens in every DuckDB 1.x and 2.x client (CLI, Python, "
                "R, JDBC); v2.0.0 (DuckDB 2.0's own default) only in 2.x. See docs/SQL.md."),
        Setting("parquet_on_publish", "NETFLIX_INSIGHTS_PARQUET_ON_PUBLISH", "0",
                "Also write every mart of each build as Parquet (1/true/yes/on), under "
                "<data_dir>/warehouse/parquet/<build_id>/, with parquet/current swapped "
                "atomically at publish; `netflix-insights export` does the same on demand.",
                kind="bool"),
        Setting("show_posters", "NETFLIX_INSIGHTS_SHOW_POSTERS", "0",
                "Show TMDB poster images on the dashboard (1/true/yes/on). Off by "
                "default: posters load from image.tmdb.org, so offline the page shows "
                "placeholder cards (title, year, score) and requests nothing.", kind="bool"),
        Setting("console_timeout_seconds", "NETFLIX_INSIGHTS_CONSOLE_TIMEOUT_SECONDS", "2",
                "Time limit of one query in the dashboard's SQL console, in seconds; "
                "a longer query is interrupted and reported, and one that cannot be "
                "interrupted has its worker process killed half a second later.",
                kind="float", minimum=0.05),
        Setting("console_row_cap", "NETFLIX_INSIGHTS_CONSOLE_ROW_CAP", "5000",
                "Most rows the dashboard's SQL console returns (and exports as CSV) "
                "for one query; more are cut and the result is marked truncated.",
                kind="int", minimum=1),
        Setting("console_max_result_bytes", "NETFLIX_INSIGHTS_CONSOLE_MAX_RESULT_BYTES",
                "8000000",
                "Largest result of one SQL console query (dashboard and `sql`), in bytes "
                "as sent from its worker process; rows past it are cut and the result "
                "is marked truncated, like the row cap.", kind="int", minimum=1000),
        Setting("console_memory_mb", "NETFLIX_INSIGHTS_CONSOLE_MEMORY_MB", "1536",
                "Address space of each SQL console worker process (RLIMIT_AS), in MB. "
                "DuckDB gets a third of it as its memory_limit; an allocation past the "
                "OS limit fails the query, never the app. DuckDB itself reserves about "
                "700 MB of address space, so values under 1024 leave little room.",
                kind="int", minimum=768),
        Setting("console_workers", "NETFLIX_INSIGHTS_CONSOLE_WORKERS", "2",
                "SQL console worker processes kept warm per server process: console "
                "queries that run at once (more wait, then are told the console is "
                "busy). Each may use up to console_memory_mb.", kind="int", minimum=1),
        Setting("upload_max_bytes", "NETFLIX_INSIGHTS_UPLOAD_MAX_BYTES", "5000000",
                "Largest viewing-history file the Blend page accepts, in bytes (shown "
                "next to the upload box). The server's request cap is sized from it.", kind="int", minimum=1),
        Setting("upload_max_rows", "NETFLIX_INSIGHTS_UPLOAD_MAX_ROWS", "100000",
                "Most rows a viewing-history file may have; a longer file is refused "
                "with a message and nothing is stored.", kind="int", minimum=1),
        Setting("train_models", "NETFLIX_INSIGHTS_TRAIN_MODELS", "1",
                "Train the models as a stage of every refresh (before publish), so the "
                "published model_metrics always match the published artifacts. 0 skips "
                "training (faster builds; the model panels then say no model exists).", kind="bool"),
        Setting("train_jobs", "NETFLIX_INSIGHTS_TRAIN_JOBS", "2",
                "Processes the genre classifiers' training may use (their one-vs-rest "
                "fits run side by side; the scores do not change). 1 keeps a refresh on "
                "a serving host to one core.", kind="int", minimum=1),
        Setting("query_timeout_seconds", "NETFLIX_INSIGHTS_QUERY_TIMEOUT_SECONDS", "5",
                "Time limit of one dashboard query (a chart, a table page), in seconds; "
                "a longer one is interrupted and the card says so.",
                kind="float", minimum=0.1),
        Setting("app_memory_limit", "NETFLIX_INSIGHTS_APP_MEMORY_LIMIT", "2GB",
                "DuckDB memory limit of each server process's warehouse connection "
                "(its pages and the SQL console share it), in DuckDB's units (2GB, "
                "500MiB, 50% of the machine's), at least 64MB; none (or -1): no limit.",
                kind="memory"),
        Setting("test_pause_stage", "NETFLIX_INSIGHTS_TEST_PAUSE_STAGE", "",
                "Fault-test hook: a refresh pauses at this stage (extract, transform, "
                "build, check, publish) so a test can SIGKILL it there. Never set it in "
                "production."),
        Setting("test_pause_seconds", "NETFLIX_INSIGHTS_TEST_PAUSE_SECONDS", "60",
                "Fault-test hook: how long the pause lasts.", kind="float", minimum=0),
    ]
}


def get(name: str):
    """The current typed value of setting `name` (environment first, then default)."""
    return SETTINGS[name].value()


def raw(name: str) -> str:
    """The current text of setting `name`, unparsed (for messages and re-export)."""
    return SETTINGS[name].raw()


def test_pause(stage: str) -> None:
    """Fault-test hook: with test_pause_stage = `stage`, announce the pid on stderr and
    sleep, so a test can SIGKILL the process at that point (refresh stages, profile
    uploads mid-transaction)."""
    if get("test_pause_stage") == stage:
        print(f"paused at stage {stage} (pid {os.getpid()})", file=sys.stderr, flush=True)
        time.sleep(get("test_pause_seconds"))


def flag(name: str) -> bool:
    """An on/off setting: 1/true/yes/on or 0/false/no/off, any case; any other value
    counts as the setting's default."""
    return bool(get(name))


def data_dir(override: str | Path | None = None) -> Path:
    """The data directory: an explicit override, else the environment, else the default.
    SettingError when the path is, or lies under, a file: a typo in the variable or
    "~/.bashrc" read as a data dir with no warehouse yet, and `refresh` failed deep
    inside on it."""
    path = Path(override or get("data_dir")).expanduser().resolve()
    for part in (path, *path.parents):   # the nearest part that exists must be a folder
        try:
            if part.exists():
                if not part.is_dir():
                    where = "is a file" if part == path else f"lies under a file ({part})"
                    raise SettingError(f"the data dir {path} {where}, not a folder")
                break
        except PermissionError:   # cannot look: whatever uses the path will say why
            break
    return path


def render_markdown() -> str:
    """docs/SETTINGS.md: every setting, its environment variable, default and meaning."""
    rows = ["# Settings", "",
            "Generated from `base/settings.py` by `python -m netflix_insights.docs`; do not edit by hand.",
            "Every setting is read from its environment variable; CLI flags (`--data-dir`, "
            "`--host`, `--port`, `--workers`, `--threads`, `--timeout`) override them for "
            "one command.", "",
            "| setting | environment variable | default | what it does |", "|---|---|---|---|"]
    for s in SETTINGS.values():
        default = "(project)/data" if s.name == "data_dir" else (s.default or "(empty)")
        rows.append(f"| `{s.name}` | `{s.env}` | `{default}` | {s.help} |")
    return "\n".join(rows) + "\n"
