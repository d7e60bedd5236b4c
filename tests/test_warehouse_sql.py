"""The warehouse SQL declares what it depends on (`-- depends on:`), and the build
orders by those declarations alone."""
from __future__ import annotations

import re

import pytest

from warehouse.build import build_order, declared_dependencies, sql_files


def _uses(sql: str, marts: set[str], macros: set[str]) -> set[str]:
    """What a file's SQL reads (from/join a mart) or calls (a macro): the test's own
    reading, to hold the declarations to account."""
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    read = {m for m in marts if re.search(rf"\b(from|join)\s+{m}\b", body)}
    called = {m for m in macros if re.search(rf"\b{m}\s*\(", body)}
    return read | called


@pytest.mark.parametrize("layer", ["marts", "macros"])
def test_every_file_declares_what_it_reads_or_calls(layer):
    marts, macros = set(sql_files("marts")), set(sql_files("macros"))
    for name, sql in sql_files(layer).items():
        needs = _uses(sql, marts, macros) - {name}
        assert needs == declared_dependencies(sql), name


def test_the_build_order_follows_the_declarations():
    nodes = {"c": "-- depends on: a, b\nselect 1", "b": "-- depends on: a\nselect 1",
             "a": "select 1", "d": "select 1"}
    assert build_order(nodes) == ["a", "d", "b", "c"]
    assert build_order({"x": "-- depends on: titles\nselect 1"}, available={"titles"}) == ["x"]


def test_an_undeclared_or_circular_dependency_is_an_error():
    with pytest.raises(ValueError, match="does not make"):
        build_order({"x": "-- depends on: nowhere\nselect 1"})
    with pytest.raises(ValueError, match="cycle"):
        build_order({"x": "-- depends on: y\nselect 1", "y": "-- depends on: x\nselect 1"})


def test_the_real_build_order_puts_each_macro_after_the_marts_it_reads():
    marts, macros = sql_files("marts"), sql_files("macros")
    order = build_order({**marts, **macros})
    assert order.index("titles") < order.index("filtered_titles")
    assert order.index("engagement_score") < order.index("hit_thresholds")
