"""The base layer: typed settings, one kind mapping, one SQL loader."""
from __future__ import annotations

import pytest

from base import settings
from base.kinds import kind_of
from base.sqlfiles import SqlFolder


def test_settings_are_typed(monkeypatch):
    monkeypatch.setenv("NETFLIX_INSIGHTS_PORT", "9000")
    monkeypatch.setenv("NETFLIX_INSIGHTS_MATCH_RATE_FLOOR", "0.25")
    assert settings.get("port") == 9000 and isinstance(settings.get("port"), int)
    assert settings.get("match_rate_floor") == 0.25
    assert settings.get("host") == "127.0.0.1"
    assert settings.raw("port") == "9000"


@pytest.mark.parametrize("name, text, words", [
    ("port", "eighty", "NETFLIX_INSIGHTS_PORT must be a whole number of at least 1, not 'eighty'"),
    ("workers", "0", "at least 1"),
    ("tmdb_timeout_seconds", "nan", "must be a number"),
    ("keep_raw_loads", "-1", "at least 0"),
    ("app_memory_limit", "lots", "APP_MEMORY_LIMIT must be a memory size of at least 64MB"),
    ("app_memory_limit", "100000", "DuckDB's units"),   # DuckDB wants a unit
    ("app_memory_limit", "2m", "at least 64MB"),
    ("app_memory_limit", "150%", "not '150%'"),
])
def test_a_bad_value_names_its_variable(monkeypatch, name, text, words):
    monkeypatch.setenv(settings.SETTINGS[name].env, text)
    with pytest.raises(settings.SettingError, match=words):
        settings.get(name)


@pytest.mark.parametrize("text", ["2GB", "2 GB", "500MiB", "1.5g", "50%", "64MB", ".5GB", "2.GB",
                                  "1e9b", "2 gigabytes", "0.5%", "none", "-1"])
def test_memory_sizes_are_read_as_duckdb_reads_them(monkeypatch, text):
    monkeypatch.setenv("NETFLIX_INSIGHTS_APP_MEMORY_LIMIT", text)
    assert settings.get("app_memory_limit") == text
    duckdb = pytest.importorskip("duckdb")
    duckdb.connect().execute(f"set memory_limit = '{text}'")   # no error either


def test_check_all_names_every_bad_setting(monkeypatch):
    settings.check_all()
    monkeypatch.setenv("NETFLIX_INSIGHTS_APP_MEMORY_LIMIT", "lots")
    monkeypatch.setenv("NETFLIX_INSIGHTS_QUERY_TIMEOUT_SECONDS", "abc")
    with pytest.raises(settings.SettingError) as raised:
        settings.check_all()
    assert "APP_MEMORY_LIMIT" in str(raised.value) and "QUERY_TIMEOUT" in str(raised.value)


def test_an_on_off_typo_keeps_the_default(monkeypatch):
    monkeypatch.setenv("NETFLIX_INSIGHTS_SHOW_POSTERS", "yes please")
    assert settings.get("show_posters") is False
    monkeypatch.setenv("NETFLIX_INSIGHTS_SHOW_POSTERS", "ON")
    assert settings.get("show_posters") is True


def test_a_data_dir_that_is_or_lies_under_a_file_is_refused(tmp_path, monkeypatch):
    afile = tmp_path / "afile"
    afile.write_text("")
    assert settings.data_dir(tmp_path / "new" / "data") == tmp_path / "new" / "data"
    with pytest.raises(settings.SettingError, match="is a file, not a folder"):
        settings.data_dir(afile)
    monkeypatch.setenv("NETFLIX_INSIGHTS_DATA_DIR", str(afile / "data"))
    with pytest.raises(settings.SettingError, match=r"lies under a file \(.*afile\)"):
        settings.data_dir()


def test_every_setting_default_parses_as_its_kind():
    for setting in settings.SETTINGS.values():
        settings.parse(setting, setting.default)


def test_one_kind_mapping():
    assert [kind_of(x) for x in ("Movie", "tv", "TV Show", " series ", "podcast", None)] == \
        ["movie", "show", "show", "show", None, None]


def test_sql_names_never_leave_their_folder(tmp_path):
    (tmp_path / "a.sql").write_text("select 1")
    folder = SqlFolder(tmp_path)
    assert folder.text("a") == "select 1"
    for bad in ("../a", "/etc/passwd", "A", "a.sql", ""):
        with pytest.raises(KeyError):
            folder.text(bad)
