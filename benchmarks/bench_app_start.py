"""What an app process pays to start, with the models' code left to the first request
that needs it, against the same start with that code imported eagerly (as the app did
until serving was split from training, docs/ARCHITECTURE.md).

    .venv/bin/python benchmarks/bench_app_start.py [--runs 7] [--data-dir DIR]

Each run starts a fresh interpreter that imports the app (`dashapp.app`) and prints its
CPU seconds and peak RSS; the baseline's interpreter then also imports the modules a
trained artifact brings in (the genre classifier, the copilot's and the anomaly and
cluster models' estimators, statsmodels' forecasting, scipy.stats). The two alternate,
so a busy machine slows both alike. Prints medians and the ratio. With --data-dir (a
trained build), each interpreter then times the first load of the genre model, what
the first prediction in a process waits for: the cost the start no longer pays.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# what the app imported at start before the split: the models' code and its libraries
EAGER = ("models.genre_classifier", "models.copilot_training", "models.anomalies",
         "models.clusters", "models.blend_space_training", "sklearn.calibration",
         "statsmodels.tsa.statespace.sarimax", "scipy.stats")

PROBE = """
import json, os, resource, sys, time
data_dir, eager = sys.argv[1], sys.argv[2:]
started = time.process_time()
import dashapp.app
for name in eager:
    __import__(name)
out = {"cpu_s": time.process_time() - started,
       "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
       "sklearn": "sklearn" in sys.modules, "first_load_s": 0.0}
if data_dir:
    from pathlib import Path
    from models import serving
    from queries.db import Warehouse
    wh = Warehouse(Path(data_dir))
    t0 = time.perf_counter()
    serving.load(wh.paths.data_dir, wh.build_id, "genres")
    out["first_load_s"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def start(data_dir: str, *eager: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, data_dir, *eager], cwd=ROOT,
                         check=True, capture_output=True, text=True, timeout=300)
    return json.loads(out.stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--data-dir", default="", help="a trained build: also time the "
                        "first load of the genre model")
    args = parser.parse_args(argv)
    runs = {"app (models load on first use)": [], "baseline: models' code at start": []}
    for i in range(args.runs):
        runs["app (models load on first use)"].append(start(args.data_dir))
        runs["baseline: models' code at start"].append(start(args.data_dir, *EAGER))
        print(f"run {i + 1} of {args.runs}", file=sys.stderr, flush=True)
    keys = ("cpu_s", "rss_mb", "first_load_s")
    medians = {name: {k: statistics.median(r[k] for r in rs) for k in keys}
               for name, rs in runs.items()}
    print(f"{'':34} {'start CPU s':>11} {'peak RSS MB':>12} {'1st genre load s':>17}"
          "  scikit-learn at start")
    for name, m in medians.items():
        load = f"{m['first_load_s']:.2f}" if args.data_dir else "-"
        print(f"{name:34} {m['cpu_s']:11.2f} {m['rss_mb']:12.0f} {load:>17}"
              f"  {runs[name][0]['sklearn']}")
    app, base = medians.values()
    load = (f"{app['first_load_s'] / base['first_load_s']:.2f}" if args.data_dir else "-")
    print(f"{'ratio app / baseline':34} {app['cpu_s'] / base['cpu_s']:11.2f} "
          f"{app['rss_mb'] / base['rss_mb']:12.2f} {load:>17}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
