"""The Blend's viewing charts (dashapp/figures/blend.py) on frames of a few rows."""
from __future__ import annotations

from datetime import date

import polars as pl

from dashapp.figures import blend as figs


def test_a_month_with_nothing_watched_is_a_zero_on_the_line():
    """The line ran straight across a 10-month gap and never touched 0."""
    monthly = pl.DataFrame({"person": ["Sam", "Sam", "Sam", "Ana"],
                            "month": [date(2020, 10, 1), date(2020, 10, 1), date(2021, 9, 1),
                                      date(2021, 1, 1)],
                            "kind": ["episodes", "movies", "episodes", "movies"],
                            "rows": [3, 1, 5, 2]})
    fig = figs.over_time(monthly, ["Ana", "Sam"])
    lines = {trace.name: trace for trace in fig.data}
    assert list(lines["Sam"].y) == [4] + [0] * 10 + [5]
    assert lines["Sam"].x[1] == date(2020, 11, 1) and lines["Sam"].x[-1] == date(2021, 9, 1)
    assert list(lines["Ana"].y) == [2]   # a person's line spans their own months only
