"""Regenerate the docs that have a single source in code: `python -m netflix_insights.docs`.

docs/SCHEMA.md  ← warehouse/schema.toml
docs/SETTINGS.md ← base/settings.py
docs/CLI.md     ← the argparse definitions in netflix_insights/cli.py
tests/test_docs.py fails when a committed file differs from what this writes.
"""
from __future__ import annotations

import os

from base import settings
from netflix_insights.cli import build_parser
from warehouse import schema

DOCS = settings.PROJECT_ROOT / "docs"


def render_cli() -> str:
    """docs/CLI.md: the --help of the program and of every sub-command."""
    os.environ["COLUMNS"] = "88"  # argparse wraps to the terminal; fix it for the docs
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    out = ["# Command line", "",
           "Generated from `netflix_insights/cli.py` by `python -m netflix_insights.docs`; do not edit by hand. "
           "Every command that reads or writes data takes `--data-dir` (env "
           "`NETFLIX_INSIGHTS_DATA_DIR`); `schema`, `migrate` and `proxy-config` need none.", "",
           "```", parser.format_help().rstrip(), "```", ""]
    for name, p in sub.choices.items():
        out += [f"## `netflix-insights {name}`", "", "```", p.format_help().rstrip(), "```", ""]
    return "\n".join(out)


def generated() -> dict[str, str]:
    return {"SCHEMA.md": schema.render_markdown() + "\n", "SETTINGS.md": settings.render_markdown(),
            "CLI.md": render_cli()}


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for name, text in generated().items():
        (DOCS / name).write_text(text)
        print(f"wrote docs/{name}")


if __name__ == "__main__":
    main()
