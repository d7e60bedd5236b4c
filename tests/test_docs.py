"""Docs that are generated from code must be current, and every setting documented."""
from __future__ import annotations

import pytest

from base import settings
from netflix_insights import docs


@pytest.mark.parametrize("name", sorted(docs.generated()))
def test_generated_doc_is_current(name):
    committed = (docs.DOCS / name).read_text()
    assert committed == docs.generated()[name], f"docs/{name} is stale: run python -m netflix_insights.docs"


def test_every_setting_is_documented_with_its_variable():
    text = (docs.DOCS / "SETTINGS.md").read_text()
    for s in settings.SETTINGS.values():
        assert f"`{s.name}`" in text and f"`{s.env}`" in text


def test_every_environment_variable_in_code_is_a_setting():
    import re
    known = {s.env for s in settings.SETTINGS.values()}
    for folder in ("etl", "queries", "dashapp", "warehouse", "models"):
        for path in (settings.PROJECT_ROOT / folder).rglob("*.py"):
            for env in re.findall(r"\"((?:NETFLIX_INSIGHTS|TMDB)_[A-Z_]+)\"", path.read_text()):
                assert env in known, f"{path.name} reads {env}, which is not in the registry"


def test_readme_names_the_two_commands():
    readme = (settings.PROJECT_ROOT / "README.md").read_text()
    assert "python3 tasks.py up" in readme and "python3 tasks.py test" in readme
    ci = (settings.PROJECT_ROOT / ".ci" / "run").read_text()
    assert "python3 tasks.py test" in ci


def test_sql_md_lists_every_kaggle_column_the_console_names():
    """docs/SQL.md's "Coming from the Kaggle file" table and the console's hints
    (queries/console.KAGGLE_COLUMNS) name the same columns."""
    from queries.console import KAGGLE_COLUMNS
    text = (settings.PROJECT_ROOT / "docs" / "SQL.md").read_text()
    section = text.split("## Coming from the Kaggle file", 1)[1].split("\n## ", 1)[0]
    listed = {line.split("`")[1] for line in section.splitlines() if line.startswith("| `")}
    assert listed == set(KAGGLE_COLUMNS)


def test_api_md_lists_every_field_each_endpoint_takes():
    """docs/API.md's tables name every field a request reads (an unknown one is a 400,
    so a field missing from the docs could not be found by anyone)."""
    import re
    from pathlib import Path

    from models import copilot_serving, serving
    text = (Path(__file__).resolve().parents[1] / "docs" / "API.md").read_text()
    sections = dict(re.findall(r"## `POST (/api/[\w-]+)`[^\n]*\n(.*?)(?=\n## |\Z)", text, re.S))
    for path, fields in [("/api/predict-genres", serving.GENRE_FIELDS),
                         ("/api/predict-tmdb-genres", serving.TMDB_GENRE_FIELDS),
                         ("/api/copilot", copilot_serving.FIELDS)]:
        first_cells = re.findall(r"^\|([^|]*)\|", sections[path], re.M)
        named = set(re.findall(r"`(\w+)`", " ".join(first_cells)))
        assert set(fields) <= named, (path, set(fields) - named)
