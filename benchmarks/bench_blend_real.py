"""The Blend on real exports (issue 12): parse+match speed, 3-person blend latency and
blend-eval's run time, each against a baseline run in the same process.

    .venv/bin/python benchmarks/bench_blend_real.py --data-dir data \
        [--exports ../shared/data/viewing_histories] [--runs 7]

Needs a published build with the Blend model (`netflix-insights refresh`). Prints:
1. parse_history + match of the largest NetflixViewingHistory.csv under --exports
   (about 5,000 rows), median of --runs, against reading the same file with csv only
   (the floor any parser pays), and the 1 s budget.
2. A 3-person blend of the shipped sample household (blend/sample/): recommend() median
   against the popularity list alone for the same people, and the 150 ms budget.
3. blend-eval over --exports (every file, every profile): wall time against the 2 min
   budget, with the share spent parsing and matching.
The exports are people's data: read from ../shared, never copied into the project.
"""
from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from blend import evaluation as blend_eval  # noqa: E402
from blend import recommender as blend  # noqa: E402
from blend import service  # noqa: E402
from blend.viewing_history import load_catalog, parse_export, parse_history, read_export  # noqa: E402
from models import serving  # noqa: E402
from queries.db import Warehouse  # noqa: E402


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data")
    ap.add_argument("--exports", type=Path,
                    default=ROOT.parent.parent / "shared" / "data" / "viewing_histories")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    if not args.exports.is_dir():
        args.exports = Path("/work/shared/data/viewing_histories")
    wh = Warehouse(args.data_dir)
    catalog = load_catalog(wh)
    space, _ = serving.load(wh.paths.data_dir, wh.build_id, blend.NAME)

    histories = sorted(args.exports.rglob("*.csv"), key=lambda p: p.stat().st_size)
    histories = [p for p in histories if p.read_bytes()[:40].lower().lstrip(b'"\xef\xbb\xbf')
                 .startswith(b"title")]
    big = histories[-1]
    data = big.read_bytes()
    parse_history(data, catalog)   # warm-up
    rows = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig")))) - 1
    floor = median_ms(lambda: list(csv.reader(io.StringIO(data.decode("utf-8-sig")))), args.runs)
    ours = median_ms(lambda: parse_history(data, catalog), args.runs)
    print(f"1. parse+match {big.name} ({rows:,} rows): median {ours:.0f} ms; csv.reader "
          f"alone {floor:.1f} ms (x{ours / floor:.0f}); budget 1,000 ms "
          f"{'MET' if ours <= 1000 else 'MISSED'}")

    export = read_export(service.SAMPLE.read_bytes())
    people = {p: blend_eval.items_of(parse_export(export, catalog, p).viewings
                                     .filter(pl.col("show_id").is_not_null()))
              for p in export.profiles}
    blend.recommend(space, people, n=20)   # warm-up
    ms = median_ms(lambda: blend.recommend(space, people, n=20), args.runs * 3)
    watched = {s for f in people.values() for s in f["show_id"].to_list()}
    base = median_ms(lambda: blend_eval.popularity_list(space, watched, 20), args.runs * 3)
    print(f"2. 3-person blend ({', '.join(f'{p} {f.height} titles' for p, f in people.items())}):"
          f" median {ms:.1f} ms; popularity list alone {base:.2f} ms; budget 150 ms "
          f"{'MET' if ms <= 150 else 'MISSED'}")

    avail = blend_eval.Availability.from_frame(wh.query("blend_availability"), space)
    start = time.perf_counter()
    parse_s = 0.0
    for path in sorted(args.exports.rglob("*.csv")):
        t = time.perf_counter()
        try:
            ex = read_export(path.read_bytes(), max_bytes=path.stat().st_size)
            for p in ex.profiles or [None]:
                parse_export(ex, catalog, p)
        except Exception:   # noqa: BLE001 - MANIFEST.csv and the like: refused, timed all the same
            pass
        parse_s += time.perf_counter() - t
    result = blend_eval.evaluate_folder(args.exports, space, avail, catalog)
    total = time.perf_counter() - start - parse_s
    m = result["mean"]
    print(f"3. blend-eval over {args.exports} ({m['records']} records, {m['refused']} refused): "
          f"{total:.1f} s, of which parsing+matching alone {parse_s:.1f} s; budget 120 s "
          f"{'MET' if total <= 120 else 'MISSED'}")
    wh.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
