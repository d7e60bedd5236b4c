"""Calibrate the TMDB-based engagement score against the IMDb-based one, and measure
how well they agree on titles held out from the calibration.

    .venv/bin/python benchmarks/calibrate_engagement.py [--data-dir DATA]

Reads a published build (`python -m netflix_insights.cli refresh`, no models needed). Titles that
have both an IMDb-based engagement score and TMDB metrics are the calibration set. The
split is temporal: titles Netflix added up to 2019 calibrate, titles added in 2020-2021
(and undated ones) are held out, the way the score is used on titles not seen before.

Two variants, as the macro `engagement_score_tmdb` (warehouse/sql/macros/) has them:
  votes     TMDB vote average, log10 vote count, log10(1 + popularity): the values a
            TMDB-market (or live TMDB) match brings, so they are read from the market
            record the title is matched to.
  no_votes  TMDB vote average and log10(1 + popularity) only: what the IMDb/TMDB
            dataset carries for a title without an IMDb score (it has no vote count).
Each is a least-squares line on clamped features, clamped to 0-100. It prints the
fitted coefficients (paste them into the macro when re-calibrating), and for the held-out
titles Spearman's rho and the mean absolute error against the IMDb-based score, beside a
simple baseline in the same run: the IMDb formula with the TMDB values in place of the
IMDb ones (same anchors, no calibration). `--check` recomputes the macro in SQL on the
held-out titles and prints its agreement too (what docs/PERFORMANCE.md reports).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import numpy as np
from scipy.stats import spearmanr

from base.paths import Paths, current_build

# Clamps keep a handful of extreme values (a 10/10 from 2 votes) from steering the line.
CLAMPS = {"quality": (3.0, 9.0), "reach": (0.0, 5.0), "buzz": (0.0, 3.0)}
HELD_OUT_FROM = 2020

ROWS = """
with t as (
    select show_id, kind, year(date_added) as year_added, engagement_score as target,
           imdb_title_id, tmdb_key
    from titles where engagement_basis = 'imdb'
)
select t.*, i.tmdb_score as i_score, i.tmdb_popularity as i_pop,
       m.vote_average as m_score, m.vote_count as m_votes, m.popularity as m_pop
from t
left join imdb_titles as i using (imdb_title_id)
left join tmdb_titles as m using (tmdb_key)
"""


def clamp(x: np.ndarray, name: str) -> np.ndarray:
    lo, hi = CLAMPS[name]
    return np.clip(x, lo, hi)


def features(score, votes, pop) -> np.ndarray:
    cols = [clamp(score, "quality")]
    if votes is not None:
        cols.append(clamp(np.log10(np.maximum(votes, 1)), "reach"))
    cols.append(clamp(np.log10(1 + np.maximum(pop, 0)), "buzz"))
    return np.column_stack([np.ones(len(score)), *cols])


def baseline(score, votes, pop) -> np.ndarray:
    """The IMDb formula fed TMDB values: quality 4-9, reach 1.5-5.5, buzz 0-2.3."""
    q = np.clip((score - 4.0) / 5.0, 0, 1)
    b = np.clip(np.log10(1 + np.maximum(pop, 0)) / 2.3, 0, 1)
    if votes is None:
        return 100 * (0.40 * q + 0.25 * b) / 0.65
    r = np.clip((np.log10(np.maximum(votes, 1)) - 1.5) / 4.0, 0, 1)
    return 100 * (0.40 * q + 0.35 * r + 0.25 * b)


def agreement(pred: np.ndarray, truth: np.ndarray) -> str:
    rho = spearmanr(pred, truth).statistic
    return (f"Spearman {rho:.3f}  MAE {np.mean(np.abs(pred - truth)):5.2f}  "
            f"bias {np.mean(pred - truth):+5.2f}")


def variant(rows: dict, name: str, votes_col: str | None, score_col: str,
            pop_col: str) -> np.ndarray:
    ok = ~np.isnan(rows[score_col]) & ~np.isnan(rows[pop_col])
    if votes_col:
        ok &= ~np.isnan(rows[votes_col])
    year = rows["year_added"]
    train = ok & (year < HELD_OUT_FROM)
    test = ok & ~(year < HELD_OUT_FROM)   # NaN years (undated) are held out too

    def cols(mask):
        return (rows[score_col][mask], rows[votes_col][mask] if votes_col else None,
                rows[pop_col][mask])
    coef, *_ = np.linalg.lstsq(features(*cols(train)), rows["target"][train], rcond=None)
    pred = np.clip(features(*cols(test)) @ coef, 0, 100)
    truth = rows["target"][test]
    names = ["intercept", "quality", *(["reach"] if votes_col else []), "buzz"]
    print(f"{name}: calibrated on {train.sum():,} titles added before {HELD_OUT_FROM}, "
          f"held out {test.sum():,}")
    print("  coefficients  " + "  ".join(f"{n} {c:+.4f}" for n, c in zip(names, coef)))
    print(f"  held out, calibrated line    {agreement(pred, truth)}")
    print(f"  held out, baseline (IMDb formula on TMDB values)  "
          f"{agreement(baseline(*cols(test)), truth)}")
    return coef


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    args = parser.parse_args(argv)
    con = duckdb.connect(str(current_build(Paths(args.data_dir))), read_only=True)
    frame = con.sql(ROWS).fetchnumpy()
    # numeric columns with nulls come back masked: nulls become NaN before any cast
    rows = {k: np.ma.asarray(v).astype(float).filled(np.nan) for k, v in frame.items()
            if k not in ("show_id", "kind", "imdb_title_id", "tmdb_key")}
    print(f"{len(rows['target']):,} titles with an IMDb-based engagement score")
    variant(rows, "votes (TMDB market record)", "m_votes", "m_score", "m_pop")
    variant(rows, "no_votes (IMDb/TMDB dataset's TMDB columns)", None, "i_score", "i_pop")
    check = con.sql(f"""
        select count(*) as n, corr(rank_s, rank_t) as rho, avg(abs(s - t)) as mae from (
            select s, t, rank() over (order by s) as rank_s, rank() over (order by t) as rank_t
            from (select engagement_score_tmdb(coalesce(m.vote_average, i.tmdb_score),
                        m.vote_count, coalesce(m.popularity, i.tmdb_popularity)) as s,
                        x.engagement_score as t
                  from titles as x
                  left join imdb_titles as i using (imdb_title_id)
                  left join tmdb_titles as m using (tmdb_key)
                  where x.engagement_basis = 'imdb'
                    and not coalesce(year(x.date_added) < {HELD_OUT_FROM}, false))
            where s is not null)""").fetchall()[0]
    print(f"macro engagement_score_tmdb on the held-out titles: {check[0]:,} titles, "
          f"Spearman {check[1]:.3f}, MAE {check[2]:.2f}")


if __name__ == "__main__":
    main()
