"""The one way any package loads its SQL: `SqlFolder(<folder>).text(name)`.

SQL lives in `.sql` files (one statement each, named for what it returns); a package
declares its folder once (`SQL = SqlFolder.beside(__file__)`) and asks for statements
by name. Texts are read once per process: the files ship with the code and never
change while it runs.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_NAME = re.compile(r"[a-z0-9_]+(/[a-z0-9_]+)*")


class SqlFolder:
    """The `.sql` files under one folder (sub-folders by 'sub/name')."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @classmethod
    def beside(cls, module_file: str, name: str = "sql") -> "SqlFolder":
        """The `sql/` folder next to a module (`SqlFolder.beside(__file__)`)."""
        return cls(Path(module_file).resolve().parent / name)

    def text(self, name: str) -> str:
        """The SQL of `name` (a file stem, 'profiles/items' for a sub-folder)."""
        if not _NAME.fullmatch(name):  # names come from code, but never walk out
            raise KeyError(f"no SQL named {name!r}")
        return _read(self.folder / f"{name}.sql")

    def layer(self, sub: str) -> dict[str, str]:
        """name → SQL of every file in one sub-folder, in name order."""
        return {p.stem: _read(p) for p in sorted((self.folder / sub).glob("*.sql"))}


@cache
def _read(path: Path) -> str:
    if not path.is_file():
        raise KeyError(f"no SQL file {path.name} in {path.parent}")
    return path.read_text()
