"""Browser CPU per page load: chromium-headless-shell (what the tests drive) against
`chromium --headless` (the baseline), in the same process, on the same app.

    .venv/bin/python benchmarks/bench_browser_cpu.py --data-dir DIR [--rounds 5]

Serves the real app from DIR (a data dir with a published build) on 127.0.0.1 in this
process, then for each browser loads each page `--rounds` times after one warm-up
round, waiting for the page to settle (no callback in flight, every shown chart drawn:
tests/conftest.page_settled). Measured: user + system CPU of every process under
chromedriver (the browser and its renderers), from /proc, per load. Prints the median
per page and browser and their ratio. The browsers alternate by round, so both see
the same machine load. Linux only (/proc).
"""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
PAGES = ["/", "/market", "/performance", "/models/genres", "/sql"]
BROWSERS = {"headless shell": ("/usr/lib/chromium/chromium-headless-shell", []),
            "chromium --headless (baseline)": ("/usr/lib/chromium/chromium", ["--headless"])}
TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> float:
    """CPU seconds of every live descendant of `root`."""
    parent, cpu = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(stat.parent.name)
        parent[pid], cpu[pid] = int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK
    total, frontier = 0.0, [root]
    while frontier:
        frontier = [p for p, pp in parent.items() if pp in frontier]
        total += sum(cpu[p] for p in frontier)
    return total


def start_browser(binary: str, flags: list[str]):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in [*flags, "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000"]:
        options.add_argument(flag)
    service = Service(shutil.which("chromedriver"))
    return webdriver.Chrome(service=service, options=options), service.process.pid


def load_cpu(driver, root: int, url: str) -> float:
    from conftest import page_settled, wait_for
    before = tree_cpu(root)
    driver.get(url)
    wait_for(driver, 90).until(page_settled)
    time.sleep(0.5)   # the last frames after the settle
    return tree_cpu(root) - before


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", required=True, type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    missing = [b for b, _ in BROWSERS.values() if not Path(b).exists()]
    if missing or not shutil.which("chromedriver"):
        sys.exit(f"missing {missing or 'chromedriver'}: run `python3 tasks.py test` once")
    os.environ["NETFLIX_INSIGHTS_DATA_DIR"] = str(args.data_dir.resolve())
    from werkzeug.serving import make_server

    from dashapp.app import app
    logging.getLogger("werkzeug").setLevel(logging.WARNING)   # no line per request
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    drivers = {name: start_browser(*spec) for name, spec in BROWSERS.items()}
    samples = {name: {page: [] for page in PAGES} for name in BROWSERS}
    try:
        for round_no in range(args.rounds + 1):   # round 0 warms caches, not counted
            for name, (driver, root) in drivers.items():
                for page in PAGES:
                    cpu = load_cpu(driver, root, base + page)
                    if round_no:
                        samples[name][page].append(cpu)
            print(f"round {round_no}/{args.rounds} done", file=sys.stderr, flush=True)
    finally:
        for driver, _ in drivers.values():
            driver.quit()
        server.shutdown()

    shell, baseline = BROWSERS
    print(f"browser CPU per page load, median of {args.rounds} (s)")
    print(f"{'page':16} {'headless shell':>15} {'baseline':>10} {'ratio':>7}")
    for page in PAGES:
        a, b = (statistics.median(samples[n][page]) for n in (shell, baseline))
        print(f"{page:16} {a:15.2f} {b:10.2f} {a / b:7.2f}")
    a, b = (sum(statistics.median(samples[n][p]) for p in PAGES) for n in (shell, baseline))
    print(f"{'all five':16} {a:15.2f} {b:10.2f} {a / b:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
