"""Train every model against a build, as a stage of `refresh` (before publish) or alone.

`train_all` returns the `model_metrics` rows for the build's table; artifacts go to
<data_dir>/models/<build_id>/. A model is any module in this package that defines
NAME, ORDER (training order) and train(con) -> TrainedModel: adding a model is adding
a module, with no registry to edit.
"""
from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from types import ModuleType

import duckdb
import polars as pl

import models as models_package
from base import settings
from models import artifacts
from models.artifacts import TrainedModel


@cache
def registry() -> dict[str, ModuleType]:
    """NAME → module for every model module in the package, in ORDER."""
    found = []
    for info in pkgutil.iter_modules(models_package.__path__):
        module = importlib.import_module(f"models.{info.name}")
        if all(hasattr(module, a) for a in ("NAME", "ORDER", "train")):
            found.append(module)
    return {m.NAME: m for m in sorted(found, key=lambda m: (m.ORDER, m.NAME))}

METRIC_SCHEMA = {"model": pl.String, "metric": pl.String, "label": pl.String,
                 "split": pl.String, "value": pl.Float64, "build_id": pl.String,
                 "trained_at": pl.String}


def train_all(con: duckdb.DuckDBPyConnection, data_dir: Path, build_id: str,
              only: list[str] | None = None,
              progress: Callable[[str], None] = lambda m: None) -> pl.DataFrame:
    """Train, save artifacts and return one metrics frame (METRIC_SCHEMA).

    A model whose module sets TRAINS_IN_WORKERS (its fits run in `train_jobs` worker
    processes, this process only waits) starts first, in a thread on its own cursor, and
    the others train here meanwhile: the genre classifiers' last job otherwise keeps one
    core busy alone for half a minute while the other waits. With train_jobs = 1 every
    model trains in turn, in this process."""
    chosen = {name: m for name, m in registry().items() if not only or name in only}
    frames = {}

    def finish(name: str, trained: TrainedModel, seconds: float) -> None:
        meta = artifacts.save(data_dir, build_id, name, trained, seconds)
        progress(f"model {name} trained in {seconds:.1f} s")
        frames[name] = pl.DataFrame(trained.metrics).with_columns(
            build_id=pl.lit(build_id), trained_at=pl.lit(meta.trained_at))

    with ThreadPoolExecutor(max_workers=1) as aside:
        waiting = {name: aside.submit(_timed, m, con.cursor(), progress)
                   for name, m in chosen.items()
                   if getattr(m, "TRAINS_IN_WORKERS", False) and settings.get("train_jobs") > 1}
        for name, module in chosen.items():
            if name not in waiting:
                finish(name, *_timed(module, con, progress))
        for name, future in waiting.items():
            finish(name, *future.result())
    if not frames:
        return empty_metrics()
    return pl.concat([frames[name] for name in chosen], how="diagonal") \
        .select(list(METRIC_SCHEMA)).cast(METRIC_SCHEMA)


def _timed(module: ModuleType, con: duckdb.DuckDBPyConnection,
           progress: Callable[[str], None]) -> tuple[TrainedModel, float]:
    """Train one model; one that takes long (TRAINS_IN_WORKERS) says how far it is."""
    started = time.monotonic()
    if getattr(module, "TRAINS_IN_WORKERS", False):
        trained = module.train(con, progress=lambda step: progress(
            f"model {module.NAME}: {step} at {time.monotonic() - started:.0f} s"))
    else:
        trained = module.train(con)
    return trained, time.monotonic() - started


def empty_metrics() -> pl.DataFrame:
    return pl.DataFrame(schema=METRIC_SCHEMA)
