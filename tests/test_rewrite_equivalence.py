"""SQL rewritten for speed returns what it replaced: the benchmarks that time a rewrite
against the kept old way (benchmarks/bench_list_filter.py, bench_rewrites.py) also
compare their results, every filter family, and exit 1 on any difference. Run here on
the session's bundled build, one round each."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("benchmark, same", [("bench_list_filter.py", "same titles"),
                                             ("bench_rewrites.py", "same rows")])
def test_rewrite_gives_what_it_replaced(built_data_dir, benchmark, same):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / benchmark),
                           "--data-dir", str(built_data_dir), "--rounds", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"{same} both ways in every run" in done.stdout
