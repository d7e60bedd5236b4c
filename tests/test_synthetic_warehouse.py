"""The synthetic million-title warehouse the speed benchmarks run on
(benchmarks/synthetic_warehouse.py), built small: its replicas must keep the integer
title_no key consistent, or every title_no join (the Universe's top actors) would
silently count the wrong titles."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from base.paths import Paths
from queries import universe
from queries.db import Warehouse, open_read_only
from queries.filters import Filters

ROOT = Path(__file__).resolve().parents[1]


def test_replicas_get_their_own_title_no(built_data_dir, tmp_path):
    out = tmp_path / "synthetic"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synthetic_warehouse.py"),
                           "--out", str(out), "--source-data-dir", str(built_data_dir),
                           "--titles", "20000", "--threads", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    con = open_read_only(Paths(out).current_link.resolve())
    try:
        titles, numbers, lowest, highest = con.execute(
            "select count(*), count(distinct title_no), min(title_no), max(title_no) "
            "from titles").fetchone()
        assert titles > 17_000 and numbers == titles and (lowest, highest) == (1, titles)
        # numbered in show_id order, as the titles mart numbers a real build
        assert con.execute("select count(*) from (select title_no, row_number() over "
                           "(order by show_id) as n from titles) where title_no <> n"
                           ).fetchone()[0] == 0
        wrong = con.execute("select count(*) from title_people as p join titles as t "
                            "using (show_id) where p.title_no is distinct from t.title_no"
                            ).fetchone()[0]
        assert wrong == 0
        expected = con.execute(
            "select person_name, count(*) as titles from title_people as p "
            "join titles as t using (show_id) where p.role = 'actor' and t.kind = 'movie' "
            "group by person_name order by titles desc, person_name limit 5").fetchall()
    finally:
        con.close()
    wh = Warehouse(out)
    try:
        top = universe.top_people(wh, Filters(kinds=("movie",)), role="actor", limit=5)
    finally:
        wh.close()
    assert top.select("person_name", "titles").rows() == expected
