"""The console script, run as a user runs it (a real subprocess)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from base.settings import PROJECT_ROOT as ROOT
from netflix_insights.cli import build_parser

COMMANDS = ["refresh", "schedule", "sql", "schema", "serve", "train", "predict-genres",
            "predict-hit", "backup-profiles", "export", "blend-eval", "proxy-config", "follow",
            "migrate", "predict-tmdb-genres", "evaluate-genres", "blend-prior"]


def cli(*args, data_dir=None, check=False) -> subprocess.CompletedProcess:
    extra = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([sys.executable, "-m", "netflix_insights.cli", *args, *extra],
                          capture_output=True, text=True, timeout=120, check=check)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    out = cli(command, "--help")
    assert out.returncode == 0 and "usage: netflix-insights " + command in out.stdout


def test_sql_formats(built_data_dir):
    table = cli("sql", "select kind, count(*) as n from titles group by kind order by kind",
                data_dir=built_data_dir, check=True).stdout
    assert "movie" in table and "6131" in table and "2 rows" in table
    csv = cli("sql", "select kind from titles order by kind limit 1", "--format", "csv",
              data_dir=built_data_dir, check=True).stdout
    assert csv.splitlines() == ["kind", "movie"]
    rows = json.loads(cli("sql", "select count(*) as n from titles", "--format", "json",
                          data_dir=built_data_dir, check=True).stdout)
    assert rows == [{"n": 8807}]
    assert cli("sql", "select 1 as a", "--format", "csv", data_dir=built_data_dir,
               check=True).stderr == ""
    # a result cut at the row cap says so on stderr: a partial CSV or JSON piped to a
    # file must not pass for the whole result (the table's footer says it on stdout)
    for fmt in ("csv", "json"):
        cut = cli("sql", "select range from range(5)", "--format", fmt, "--max-rows", "3",
                  data_dir=built_data_dir, check=True)
        assert "cut at 3 rows (--max-rows 3)" in cut.stderr
    # a name twice (a join's two show_id columns): JSON keeps both
    both = json.loads(cli("sql", "select 'x' as a, 'y' as a, 'z' as a_2", "--format", "json",
                          data_dir=built_data_dir, check=True).stdout)
    assert both == [{"a": "x", "a_3": "y", "a_2": "z"}]


@pytest.mark.parametrize("sql", ["copy titles to '/tmp/nope.csv'", "drop table titles",
                                 "select * from read_csv('/etc/passwd')"])
def test_sql_refuses_writes_and_files(built_data_dir, sql):
    out = cli("sql", sql, data_dir=built_data_dir)
    assert out.returncode == 1 and out.stderr.startswith("error: ")
    assert "Traceback" not in out.stderr


def test_sql_interactive_mode(built_data_dir):
    out = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "sql", "--data-dir", str(built_data_dir)],
                         input="select count(*)\nfrom titles;\n.quit\n", capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and "8807" in out.stdout


def test_sql_without_warehouse_says_what_to_do(tmp_path):
    out = cli("sql", "select 1", data_dir=tmp_path)
    assert out.returncode == 1 and "netflix-insights refresh" in out.stderr


def test_refresh_bad_input_exit_code_and_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01binary junk")
    out = cli("refresh", "--kaggle-csv", str(bad), "--quiet", data_dir=tmp_path / "d")
    assert out.returncode == 1 and "nothing published" in out.stderr
    assert "Traceback" not in out.stderr


def test_schema_command_and_unknown_table():
    assert "grain: one row per Netflix title" in cli("schema", "--table", "titles", check=True).stdout
    # SQL names are case-insensitive: `select * from TITLES` works, so --table TITLES too
    assert cli("schema", "--table", "TITLES", check=True).stdout.startswith("titles\n")
    # the README offers both flags together: that table's section of docs/SCHEMA.md
    section = cli("schema", "--table", "titles", "--format", "markdown", check=True).stdout
    assert section.startswith("## `titles`") and section.strip() in \
        (ROOT / "docs" / "SCHEMA.md").read_text() and "## `genre_map`" not in section
    out = cli("schema", "--table", "nope")
    assert out.returncode == 1 and "tables: titles" in out.stderr


def test_data_dir_from_environment(built_data_dir):
    env_out = subprocess.run([sys.executable, "-m", "netflix_insights.cli", "sql", "select count(*) as n from titles"],
                             capture_output=True, text=True, timeout=60,
                             env={**__import__("os").environ,
                                  "NETFLIX_INSIGHTS_DATA_DIR": str(built_data_dir)})
    assert env_out.returncode == 0 and "8807" in env_out.stdout


def test_train_prints_aligned_columns(fresh_data_dir):
    """One model (the copilot: seconds) trained as an experiment: each metric a line of
    four columns that line up, whatever the longest metric name ("calibration_error")."""
    out = cli("train", "copilot", data_dir=fresh_data_dir, check=True)
    lines = out.stdout.splitlines()
    assert len(lines) > 5 and any("calibration_error" in line for line in lines)
    assert len({len(line) for line in lines}) == 1, lines   # values right-aligned
    metric_at = {line.index(line.split()[2]) for line in lines}
    assert len(metric_at) == 1, lines
    assert "experiments" in out.stderr


def test_schedule_runs_a_refresh_now(fresh_data_dir):
    out = cli("schedule", "--every", "1h", "--run-now", "--max-runs", "1", "--quiet",
              data_dir=fresh_data_dir)
    assert out.returncode == 0 and "published" in out.stdout
    assert "next refresh" not in out.stdout   # there is none after the last run


def test_schedule_rejects_bad_cron():
    out = cli("schedule", "--cron", "every tuesday-ish", "--max-runs", "1")
    assert out.returncode == 2 and "bad cron expression" in out.stderr


def test_parser_lists_all_commands():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert sorted(sub.choices) == sorted(COMMANDS)


def test_blend_eval_needs_a_folder_and_a_warehouse(tmp_path):
    """The evaluation itself is tested in tests/test_models_blend.py (evaluate_folder);
    here the command's user errors: one line, exit 1, no traceback."""
    missing = cli("blend-eval", str(tmp_path / "nope"), data_dir=tmp_path / "data")
    assert missing.returncode == 1 and "is not a folder" in missing.stderr
    empty = cli("blend-eval", str(tmp_path), data_dir=tmp_path / "data")
    assert empty.returncode == 1 and "refresh" in empty.stderr
    assert "Traceback" not in missing.stderr + empty.stderr


# Mistakes a user makes: one line saying what is wrong, never a traceback (an invalid
# port was printed as "serving on :99999" then an AssertionError; a cron date that
# never comes, a database_url that is no URL, a folder that is not there: tracebacks).
USER_MISTAKES = [
    (["sql", "select 1", "--timeout", "1e10"], 2, "at most"),
    (["serve", "--port", "99999", "--no-build"], 2, "a port is a whole number"),
    (["proxy-config", "--port", "0"], 2, "a port is a whole number"),
    (["proxy-config", "--upstream", "app:99999"], 1, "port 1–65535"),
    (["proxy-config", "--output", "{tmp}/no/such/dir/site.conf"], 1, "could not write"),
    (["proxy-config", "--upstream", "::1:8050"], 1, "IPv6 address in brackets"),
    (["proxy-config", "--host", "0.0.0.0; return 200"], 1, "host name or an IP address"),
    (["follow", "--once", "--from", "{tmp}/unmounted"], 1, "not a folder this host can read"),
    (["schedule", "--cron", "0 3 31 2 *"], 2, "never fires"),
    (["schedule", "--cron", "0 3 * * * *"], 2, "bad cron expression"),
    (["schedule", "--cron", "0 3 31 2 *", "--run-now"], 2, "never fires"),   # before a run
    (["schedule", "--every", "1h", "--max-runs", "0"], 2, "--max-runs is a whole number"),
    (["serve", "--workers", "3", "--no-build"], 1, "add --prod"),
    (["refresh", "--tmdb-limit", "-1"], 2, "must be a positive number"),
    (["migrate"], 1, "not a PostgreSQL URL"),
    # an empty value meant "all" or the current folder; a repeated one dropped the first
    (["schema", "--table", ""], 2, "must not be empty"),
    (["schema", "--table", "titles", "--table", "genre_map"], 2, "given twice"),
    (["train", ""], 2, "must not be empty"),
    (["export", "", "--table", "titles"], 2, "must not be empty"),
    (["sql", "select 1", "--data-dir", ""], 2, "must not be empty"),
    # settings.data_dir refuses it, whether from --data-dir or the environment
    (["sql", "select 1", "--data-dir", "/etc/passwd"], 1, "is a file, not a folder"),
    (["refresh", "--data-dir", "/etc/passwd/data"], 1, "lies under a file (/etc/passwd)"),
    (["blend-prior", "{tmp}", "--out", "."], 2, "must name a file"),
    (["blend-prior", "{tmp}", "--out", "{tmp}/"], 2, "must name a file"),
    (["blend-prior", "{tmp}", "--out", "{tmp}/no/such/p.csv"], 1, "does not exist"),
    (["blend-prior", "{tmp}", "--out", "{tmp}/p.csv"], 1, "no .csv, .csv.gz or .zip file in it"),
    (["predict-hit", "--type", "movie", "--genre", "Dramas", "--country", "India",
      "--country", "France"], 2, "given twice"),
    # options a refresh would have ignored
    (["refresh", "--replay", "{tmp}", "--kaggle-csv", "{tmp}/t.csv"], 1, "cannot apply"),
    (["refresh", "--tmdb-limit", "5"], 1, "is for --source live"),
]


@pytest.mark.parametrize("args, code, says", USER_MISTAKES, ids=lambda v: str(v)[:40])
def test_a_user_mistake_is_one_clear_line(tmp_path, monkeypatch, args, code, says):
    monkeypatch.setenv("NETFLIX_INSIGHTS_DATABASE_URL", "notaurl")
    monkeypatch.setenv("NETFLIX_INSIGHTS_DATA_DIR", str(tmp_path / "data"))
    out = cli(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert out.returncode == code and says in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_blend_prior_writes_no_device_or_pipe(tmp_path):
    """--out is written by renaming a new file over it: run as root on /dev/full it
    replaced the device with a plain file. Anything but a regular file is refused."""
    import os
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "NetflixViewingHistory.csv").write_text("Title,Date\nDark,1/2/21\n")
    os.mkfifo(tmp_path / "pipe")
    out = cli("blend-prior", str(tmp_path / "exports"), "--out", str(tmp_path / "pipe"))
    assert out.returncode == 1 and "is not a regular file" in out.stderr, out.stderr
    assert (tmp_path / "pipe").is_fifo()


def test_a_query_over_its_time_says_the_limit_and_how_to_raise_it(built_data_dir):
    out = cli("sql", "select count(*) from range(10000000000) a", "--timeout", "0.5",
              data_dir=built_data_dir)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert ("stopped after 0.5 s (time limit). Give it more with --timeout SECONDS (now 0.5)"
            in out.stderr), out.stderr


def test_a_reader_that_leaves_early_is_no_error():
    """`netflix-insights schema | head -1`: the reader closes the pipe; BrokenPipeError
    was a traceback and exit 1 (a long output) or exit 120 (a short one still buffered
    at exit). Here the reader has left before anything is written."""
    import os
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    for args in (["schema"], ["schema", "--table", "titles"]):   # 18 kB, and < 8 kB
        proc = subprocess.Popen([sys.executable, "-m", "netflix_insights.cli", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        proc.stdout.close()
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 0 and "Error" not in err, (args, err)


def test_cron_shorthands_are_schedules():
    """@daily and friends are 5-field crons to croniter (a 6-field check refused them)."""
    from datetime import datetime, timezone

    from netflix_insights.schedule import next_times
    start = datetime(2026, 1, 1, 5, tzinfo=timezone.utc)
    assert next(next_times(None, "@daily", start)) == datetime(2026, 1, 2, tzinfo=timezone.utc)
