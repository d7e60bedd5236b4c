"""How the app builds a figure: plotly's object model (`go.Figure(data=…, layout=…)`, the
baseline, as dashapp/figures/base.py built every figure before) against plain JSON dicts
(dashapp/figures/base.py `Figure`, what it builds now), in the same process.

    .venv/bin/python benchmarks/bench_figure_dicts.py --data-dir DIR [--rounds 15]
        [--pages /,/market,/performance,/head-to-head,/titles]

go.Figure validates every trace and layout property, converts the values and copies
them again to serialize; the dicts are serialized as they are. This renders each page's
filter callbacks in-process (Flask's test client, the real Dash dispatch) with one
filters store, as bench_figure_template.py does: after a warm-up the queries come from
the app's cache, so what is timed is the callback, its figures and the JSON encoding.
The two ways alternate, the first switching each round. Prints per page the median CPU
ms of all its callbacks summed (this process), both ways, the ratio (baseline / dicts),
and whether every reply carried the same JSON both ways.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import bench_callbacks as bench  # noqa: E402
from bench_figure_template import page_calls, post_calls  # noqa: E402

FIGURE_MODULES = ("anomalies", "blend", "clusters", "head_to_head", "market", "models",
                  "performance", "universe")


def object_model_figure(data, title, /, *, hovermode="closest", **extra):
    """The baseline: the same traces and look, through plotly's object model."""
    import plotly.graph_objects as go

    from dashapp.figures import base
    return go.Figure(data=data, layout=base.layout(title, hovermode, **extra))


def use(build) -> None:
    """Make every figure module (and the empty state) build figures with `build`."""
    import importlib

    from dashapp.figures import base
    for name in FIGURE_MODULES:
        importlib.import_module(f"dashapp.figures.{name}").figure = build
    base.figure = build


def replies(client, calls, comps, store) -> tuple[float, list[bytes]]:
    """CPU ms of one pass over the page's filter callbacks, and their replies."""
    start = time.process_time()
    out = post_calls(client, calls, comps, store)
    return (time.process_time() - start) * 1000, out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--pages", default="/,/market,/performance,/head-to-head,/titles")
    args = p.parse_args()
    os.environ["NETFLIX_INSIGHTS_DATA_DIR"] = str(args.data_dir)
    from dashapp.app import server
    from dashapp.figures import base
    from queries.filters import Filters

    ways = {"go.Figure (baseline)": object_model_figure, "dicts (app)": base.figure}
    client = server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    shell = bench.components(client.get("/_dash-layout").get_json())
    store = Filters().to_store()
    print(f"load average {os.getloadavg()[0]:.2f}; {args.rounds} rounds per page; "
          "CPU ms of a page's filter callbacks (queries cached)")
    print(f"{'page':<14} {'callbacks':>9} {'go.Figure ms':>13} {'dicts ms':>9} {'ratio':>6} "
          f"{'same JSON':>10}")
    for path in args.pages.split(","):
        calls, comps = page_calls(client, deps, shell, path)
        times = {name: [] for name in ways}
        sent = {}
        for name, build in ways.items():  # warm-up: the query cache, imports
            use(build)
            replies(client, calls, comps, store)
        for i in range(args.rounds):
            for name in (list(ways) if i % 2 == 0 else list(ways)[::-1]):
                use(ways[name])
                ms, out = replies(client, calls, comps, store)
                times[name].append(ms)
                sent[name] = [json.loads(r) if r else None for r in out]
        use(base.figure)
        old, new = (statistics.median(times[n]) for n in ways)
        same = "yes" if sent[list(ways)[0]] == sent[list(ways)[1]] else "NO"
        print(f"{path:<14} {len(calls):>9} {old:>13.1f} {new:>9.1f} {old / new:>6.2f} "
              f"{same:>10}")


if __name__ == "__main__":
    main()
