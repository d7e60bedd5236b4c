"""What an app process pays to start, with the models' code left to the first request
that needs it, against the same start with that code imported eagerly (as the app did
until serving was split from training, docs/ARCHITECTURE.md).

    .venv/bin/python benchmarks/bench_app_start.py [--runs 7]

Each run starts a fresh interpreter that imports the app (`dashapp.app`) and prints its
CPU seconds and peak RSS; the baseline's interpreter then also imports the modules a
trained artifact brings in (the genre classifier, the copilot's and the anomaly and
cluster models' estimators, statsmodels' forecasting, scipy.stats). The two alternate,
so a busy machine slows both alike. Prints medians and the ratio.
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
started = time.process_time()
import dashapp.app
for name in sys.argv[1:]:
    __import__(name)
print(json.dumps({"cpu_s": time.process_time() - started,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "sklearn": "sklearn" in sys.modules}))
"""


def start(*eager: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, *eager], cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=300)
    return json.loads(out.stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    runs = {"app (models load on first use)": [], "baseline: models' code at start": []}
    for i in range(args.runs):
        runs["app (models load on first use)"].append(start())
        runs["baseline: models' code at start"].append(start(*EAGER))
        print(f"run {i + 1} of {args.runs}", file=sys.stderr, flush=True)
    medians = {name: {k: statistics.median(r[k] for r in rs) for k in ("cpu_s", "rss_mb")}
               for name, rs in runs.items()}
    print(f"{'':34} {'CPU s':>7} {'peak RSS MB':>12}  scikit-learn loaded")
    for name, m in medians.items():
        print(f"{name:34} {m['cpu_s']:7.2f} {m['rss_mb']:12.0f}  {runs[name][0]['sklearn']}")
    app, base = medians.values()
    print(f"{'ratio app / baseline':34} {app['cpu_s'] / base['cpu_s']:7.2f} "
          f"{app['rss_mb'] / base['rss_mb']:12.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
