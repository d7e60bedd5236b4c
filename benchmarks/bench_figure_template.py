"""The figures' template: plotly_dark whole (the baseline) against the app's trimmed
copy of it (dashapp/figures/base.py TEMPLATE), in the same process.

    .venv/bin/python benchmarks/bench_figure_template.py --data-dir DIR [--rounds 15]

Every figure carries its template, so plotly copies, validates and serializes it per
chart. This renders each page's filter callbacks in-process (Flask's test client, the
real Dash dispatch) with one filters store, so after a warm-up the page's queries come
from the app's cache and what is timed is the callback, its figure and the JSON
encoding. Rounds alternate which template goes first. Prints per page the median ms of
all its callbacks summed, both ways, the ratio (plotly_dark / trimmed) and the median
reply bytes. The replies draw the same charts: the trimmed template keeps
plotly_dark's layout and its defaults for every trace type the app draws.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import bench_callbacks as bench  # noqa: E402

BASELINE = "plotly_dark"


def page_calls(client, deps, shell, path):
    pages_dep = next(d for d in deps if bench.PAGES_OUT in bench.outputs_of(d))
    body = bench.Call(pages_dep).body(shell, {("_pages_location", "pathname"): path,
                                              ("_pages_location", "search"): ""},
                                      ["_pages_location.pathname"])
    reply = client.post("/_dash-update-component", json=body).get_json()
    comps = bench.components(reply["response"]["_pages_content"]["children"])
    every = {**shell, **comps}
    store_deps = [d for d in deps if bench.has_input(d, *bench.STORE)
                  and bench.STORE not in bench.outputs_of(d)]
    calls = [c for d in store_deps for c in bench.expand(d, every)
             if any(i in comps for i in c.output_ids)]
    return calls, every


def post_calls(client, calls, comps, store) -> list[bytes]:
    """Every call with this filters store, as the browser posts it; the reply bodies."""
    out = []
    for call in calls:
        reply = client.post("/_dash-update-component",
                            json=call.body(comps, {bench.STORE: store}, [".".join(bench.STORE)]))
        if reply.status_code not in (200, 204):
            raise SystemExit(f"{call.dep['output']}: HTTP {reply.status_code}")
        out.append(reply.data)
    return out


def one_pass(client, calls, comps, store) -> tuple[float, int]:
    """Wall ms of one pass over the calls, and the bytes they answered."""
    t0 = time.perf_counter()
    size = sum(len(r) for r in post_calls(client, calls, comps, store))
    return (time.perf_counter() - t0) * 1000, size


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--pages", default="/,/market,/performance")
    args = p.parse_args()
    os.environ["NETFLIX_INSIGHTS_DATA_DIR"] = str(args.data_dir)
    import plotly.io as pio

    from dashapp.app import server
    from dashapp.figures import base
    from queries.filters import Filters

    client = server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    shell = bench.components(client.get("/_dash-layout").get_json())
    store = Filters().to_store()
    print(f"load average {os.getloadavg()[0]:.2f}; {args.rounds} rounds per page")
    print(f"{'page':<14} {'callbacks':>9} {BASELINE + ' ms':>16} {'trimmed ms':>11} "
          f"{'ratio':>6} {'bytes (dark)':>13} {'bytes (trimmed)':>16}")
    for path in args.pages.split(","):
        calls, comps = page_calls(client, deps, shell, path)
        times = {BASELINE: [], base.TEMPLATE: []}
        sizes = {BASELINE: [], base.TEMPLATE: []}
        for name in times:  # warm-up: fills the query cache, imports, first figures
            pio.templates.default = name
            one_pass(client, calls, comps, store)
        for i in range(args.rounds):
            order = list(times) if i % 2 == 0 else list(times)[::-1]
            for name in order:
                pio.templates.default = name
                ms, size = one_pass(client, calls, comps, store)
                times[name].append(ms)
                sizes[name].append(size)
        pio.templates.default = base.TEMPLATE
        dark, slim = (statistics.median(times[n]) for n in (BASELINE, base.TEMPLATE))
        print(f"{path:<14} {len(calls):>9} {dark:>16.1f} {slim:>11.1f} {dark / slim:>6.2f} "
              f"{statistics.median(sizes[BASELINE]):>13,.0f} "
              f"{statistics.median(sizes[base.TEMPLATE]):>16,.0f}")


if __name__ == "__main__":
    main()
