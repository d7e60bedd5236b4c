"""The suite's own scheduling: under `tasks.py test` (pytest-xdist, `--dist loadgroup`)
the tests that train models, drive Chromium or start nginx/PostgreSQL each share one
worker (tests/conftest.py). If that grouping is lost nothing else fails; the suite just
trains every model and starts every server once per worker, twice the time on 2 cores."""
from __future__ import annotations

import pytest


def test_grouped_tests_reach_one_worker_each(request):
    config = request.config
    if not (hasattr(config, "workerinput") and config.getvalue("loadgroup")):
        pytest.skip("not under pytest-xdist --dist loadgroup")
    grouped = [item for item in request.session.items if item.get_closest_marker("xdist_group")]
    lost = [item.nodeid for item in grouped if "@" not in item.nodeid]
    # pytest-xdist marks a group by appending @group to a test's node id; pytest 9.2
    # stores node ids another way and the suffix is silently dropped (pytest-xdist#1386)
    assert not lost, (f"{len(lost)} of {len(grouped)} grouped tests lost their group, e.g. "
                      f"{lost[0]}: pytest-xdist#1386, keep pytest at constraints.txt's pin")
