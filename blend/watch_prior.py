"""Learn the Blend's popularity prior from genuine Netflix exports (`blend-prior`).

People watch popular titles, but not the titles IMDb votes call popular: on the dev
exports, "the titles most households watched" beat "the most IMDb-voted" as the prior
the recommender mixes in (docs/BLEND.md has the runs). This counts, per catalog title,
the households (export files; every profile of a full download together) that watched
it, each file read and matched by the upload's own parser, and writes the counts the
Blend's training reads (models/blend_space.py WATCH_PRIOR).

With the default MIN_HOUSEHOLDS (2), the file holds no one's history: only titles at
least two households watched, with their count, and the number of households
(`--min-households 1` would list what single households watched).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import polars as pl

from blend.viewing_history import (HistoryCatalog, HistoryError, export_files, fingerprint,
                                   parse_export, read_export_file)

MIN_HOUSEHOLDS = 2


def learn(folder: Path, catalog: HistoryCatalog, titles: dict[str, str],
          min_households: int = MIN_HOUSEHOLDS,
          progress: Callable[[str], None] = lambda _: None) -> tuple[pl.DataFrame, int]:
    """(show_id, title, households) for titles at least `min_households` of the exports
    under `folder` matched, most watched first; and the number of households read.
    Refused files are reported through `progress` and not counted."""
    counts: Counter[str] = Counter()
    households = 0
    seen: dict[str, str] = {}   # rows' fingerprint → the file first counted with them
    for path in export_files(folder):
        name = str(path.relative_to(folder))
        try:
            export = read_export_file(path)
            # the zip Netflix sends and the CSV unpacked from it (or a second copy) are
            # one household: counted twice, one household's titles would pass the
            # two-household rule and be written
            same = seen.setdefault(fingerprint(export), name)
            if same != name:
                progress(f"{name}: the same rows as {same}, not counted again")
                continue
            watched = set()
            for profile in export.profiles or [None]:
                watched |= set(parse_export(export, catalog, profile).items["show_id"]
                               .drop_nulls().to_list())
        except HistoryError as exc:
            progress(f"{name}: refused ({exc})")
            continue
        if watched:
            households += 1
            counts.update(watched)
        progress(f"{name}: {len(watched)} catalog titles")
    kept = sorted(((s, c) for s, c in counts.items() if c >= min_households),
                  key=lambda sc: (-sc[1], sc[0]))
    frame = pl.DataFrame({"show_id": [s for s, _ in kept],
                          "title": [titles.get(s, "") for s, _ in kept],
                          "households": [c for _, c in kept]},
                         schema={"show_id": pl.String, "title": pl.String,
                                 "households": pl.Int64})
    return frame, households


def write(frame: pl.DataFrame, households: int, path: Path) -> None:
    """The file models/blend_space.read_watch_prior reads, written whole then renamed
    (a failed write leaves the old file, and no partial one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as f:
            f.write(f"# households: {households}\n")
            frame.write_csv(f)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
