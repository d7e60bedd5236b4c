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


def test_a_tie_for_the_busiest_day_or_month_names_every_one():
    weekday = pl.DataFrame({"person": ["Sam"] * 3 + ["Ana"] * 2,
                            "weekday": ["Mon", "Tue", "Sat", "Mon", "Sun"],
                            "share": [0.4, 0.2, 0.4, 0.3, 0.7]})
    assert figs.weekend_sentences(weekday)[1] == "Busiest weekday — Sam: Mon and Sat; Ana: Sun."
    months = pl.DataFrame({"person": ["Sam"] * 3, "month": ["Jan", "Apr", "May"],
                           "share": [0.25, 0.375, 0.375]})
    assert figs.peak_sentences(months, "month", "month") == [
        "Sam's busiest months: Apr and May (38% of their rows each; an even spread would "
        "give 33%)."]
