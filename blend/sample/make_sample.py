"""Regenerate blend/sample/sample_household.csv: the "try it with a sample" history.

A made-up household of three profiles in Netflix's ViewingActivity.csv layout (the full
account download), built deterministically from three generated persona histories in
tests/data/viewing_histories/ (no real person's data): each persona's latest
ROWS_PER_PROFILE rows, an evening start time, a duration (episodes 20-55 min, films
75-130 min, one in eight abandoned after a few minutes) and a trailer now and then.

    .venv/bin/python blend/sample/make_sample.py
"""
from __future__ import annotations

import csv
import random
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PERSONAS = {"Alex": "mainstream_household.csv", "Sam": "kdrama_romance.csv",
            "Robin": "true_crime_thrillers.csv"}
ROWS_PER_PROFILE = 250
OUT = Path(__file__).resolve().parent / "sample_household.csv"
HEADER = ["Profile Name", "Start Time", "Duration", "Attributes", "Title",
          "Supplemental Video Type", "Device Type", "Bookmark", "Latest Bookmark", "Country"]


def _date(text: str) -> datetime:
    for fmt in ("%m/%d/%y", "%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%m/%d/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(text)


def main() -> None:
    rng = random.Random(12)
    rows = []
    for profile, name in PERSONAS.items():
        with open(ROOT / "tests/data/viewing_histories" / name, encoding="utf-8-sig") as f:
            body = list(csv.reader(f))[1:ROWS_PER_PROFILE + 1]
        for title, when in body:
            if not title.strip():
                continue
            day = _date(when.strip())
            episode = ": " in title
            minutes = rng.randint(20, 55) if episode else rng.randint(75, 130)
            if rng.random() < 0.125:
                minutes = rng.randint(2, 8)      # abandoned
            start = day.replace(hour=rng.randint(18, 22), minute=rng.randint(0, 59))
            length = f"{minutes // 60:02d}:{minutes % 60:02d}:{rng.randint(0, 59):02d}"
            rows.append([profile, start.strftime("%Y-%m-%d %H:%M:%S"), length, "", title, "",
                         "Sample TV", length, length, "US (United States)"])
            if rng.random() < 0.05:
                rows.append([profile, start.strftime("%Y-%m-%d %H:%M:%S"), "00:00:45",
                             "Autoplayed: user action: None; ",
                             f"Trailer: {title.split(': ')[0]}", "TRAILER", "Sample TV",
                             "00:00:45", "00:00:45", "US (United States)"])
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
