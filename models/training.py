"""Train every model against a build, as a stage of `refresh` (before publish) or alone.

`train_all` returns the `model_metrics` rows for the build's table; artifacts go to
<data_dir>/models/<build_id>/. Each model module exposes NAME and train(con, seed).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

from models import artifacts, genre_classifier

# Every model trained by refresh, in order. New models register here.
MODELS = {genre_classifier.NAME: genre_classifier}

METRIC_SCHEMA = {"model": pl.String, "metric": pl.String, "label": pl.String,
                 "split": pl.String, "value": pl.Float64, "build_id": pl.String,
                 "trained_at": pl.String}


def train_all(con: duckdb.DuckDBPyConnection, data_dir: Path, build_id: str,
              only: list[str] | None = None,
              progress: Callable[[str], None] = lambda m: None) -> pl.DataFrame:
    """Train, save artifacts and return one metrics frame (METRIC_SCHEMA)."""
    frames = []
    for name, module in MODELS.items():
        if only and name not in only:
            continue
        started = time.monotonic()
        trained = module.train(con)
        seconds = time.monotonic() - started
        meta = artifacts.save(data_dir, build_id, name, trained, seconds)
        progress(f"model {name} trained in {seconds:.1f} s")
        frames.append(pl.DataFrame(trained.metrics).with_columns(
            build_id=pl.lit(build_id), trained_at=pl.lit(meta.trained_at)))
    if not frames:
        return empty_metrics()
    return pl.concat(frames, how="diagonal").select(list(METRIC_SCHEMA)).cast(METRIC_SCHEMA)


def empty_metrics() -> pl.DataFrame:
    return pl.DataFrame(schema=METRIC_SCHEMA)
