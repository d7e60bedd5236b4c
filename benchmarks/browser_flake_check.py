"""Run the browser tests several times under CPU load, to show they wait for states and
not for time (issue 11: "run the browser tests 5 times under stress-like load").

    .venv/bin/python benchmarks/browser_flake_check.py --runs 5 --burners 2

Each run is one `pytest -m browser` session as `tasks.py test` runs it (two xdist
workers, the same groups: the trained-model panels train their models each run), while
`--burners` processes spin on the CPU the whole time, as `stress --cpu N` does. Prints
each run's outcome, failures by test, and the median wall time against an unloaded run
of the same tests in the same process (the baseline, with `--baseline`).
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = ROOT / ".venv" / "bin" / "python"


def burn(stop: multiprocessing.Event) -> None:
    """One busy core, like `stress --cpu 1`: arithmetic in a loop until told to stop."""
    x = 0
    while not stop.is_set():
        for i in range(200_000):
            x = (x * 31 + i) % 1_000_003


def run_browser_tests(extra: list[str]) -> tuple[bool, float, list[str], str]:
    """One pytest session; (passed, wall seconds, failed test ids, summary line)."""
    started = time.monotonic()
    proc = subprocess.run([str(PY), "-m", "pytest", "-m", "browser", "-n", "2",
                           "--dist", "loadgroup", "-q", "-p", "no:cacheprovider", *extra],
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - started
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", proc.stdout, flags=re.M)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    return proc.returncode == 0, wall, failed, lines[-1] if lines else proc.stderr[-300:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--burners", type=int, default=os.cpu_count() or 2,
                    help="busy processes during the loaded runs (default: one per core)")
    ap.add_argument("--baseline", action="store_true",
                    help="first run once without load, for the time ratio")
    ap.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = ap.parse_args(argv)

    base_wall = None
    if args.baseline:
        ok, base_wall, failed, summary = run_browser_tests(args.pytest_args)
        print(f"unloaded: {'pass' if ok else 'FAIL'} in {base_wall:.0f} s  ({summary})",
              flush=True)
    stop = multiprocessing.Event()
    burners = [multiprocessing.Process(target=burn, args=(stop,), daemon=True)
               for _ in range(args.burners)]
    for p in burners:
        p.start()
    walls, failures, clean = [], {}, 0
    try:
        for n in range(1, args.runs + 1):
            ok, wall, failed, summary = run_browser_tests(args.pytest_args)
            walls.append(wall)
            clean += ok
            for test in failed:
                failures[test] = failures.get(test, 0) + 1
            load = os.getloadavg()[0]
            print(f"run {n}/{args.runs} with {args.burners} burners: "
                  f"{'pass' if ok else 'FAIL'} in {wall:.0f} s, load {load:.1f}  ({summary})",
                  flush=True)
    finally:
        stop.set()
        for p in burners:
            p.join(timeout=5)
    print(f"\n{clean} of {len(walls)} loaded runs passed")
    for test, times in sorted(failures.items()):
        print(f"  failed {times}x: {test}")
    median = statistics.median(walls)
    ratio = f", {median / base_wall:.2f}x the unloaded run" if base_wall else ""
    print(f"median wall under load {median:.0f} s{ratio}")
    return 0 if clean == len(walls) else 1


if __name__ == "__main__":
    sys.exit(main())
