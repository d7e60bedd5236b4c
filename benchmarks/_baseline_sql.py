"""Serve one kept baseline statement beside the app's SQL, for same-process benchmarks.

A benchmark that times a served statement against the way it used to be written keeps
the old text in benchmarks/sql/ (never shipped) and installs `WithBaseline` as
queries.db's SQL folder, so both run through the same Warehouse: the same binding,
time limit, page scope and cache.
"""
from __future__ import annotations

from pathlib import Path

from base.sqlfiles import SqlFolder

BASELINE_DIR = Path(__file__).resolve().parent / "sql"


class WithBaseline(SqlFolder):
    """The app's SQL folder, plus one baseline statement from benchmarks/sql."""

    def __init__(self, folder: Path, baseline: str):
        super().__init__(folder)
        self.baseline = baseline

    def text(self, name: str) -> str:
        if name == self.baseline:
            return (BASELINE_DIR / f"{name}.sql").read_text()
        return super().text(name)


def agreement(differences: list[str], what: str) -> int:
    """Print whether the served and the baseline way gave the same `what` (rows,
    titles…) in every run, listing `differences` if not; the benchmark's exit status."""
    if differences:
        print(f"DIFFERENT {what.upper()}:\n  " + "\n  ".join(differences))
        return 1
    print(f"same {what} both ways in every run")
    return 0
