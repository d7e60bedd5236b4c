"""What every model panel says first: which model is loaded and how it was trained, or
(clearly) that there is none for this build. One place, so every panel says it alike."""
from __future__ import annotations

from collections.abc import Callable

import dash_bootstrap_components as dbc
import polars as pl

from dashapp.state import wh
from models import artifacts, serving
from queries.filters import Filters

NOT_TRAINED = "No trained model for this build (see the message above)"


def trained_sentence(meta: artifacts.ArtifactMeta) -> str:
    return (f"Trained on this build ({meta.build_id}) at {meta.trained_at}, seed "
            f"{meta.seed}, in {meta.train_seconds:.1f} s.")


def status_alert(model: str, describe: Callable[[artifacts.ArtifactMeta], list | str],
                 alert_id: str | None = None) -> dbc.Alert:
    """A grey alert with `describe(meta)` when the build's model is loaded, else a
    yellow one with the ModelMissing message (missing, or trained on another build)."""
    extra = {"id": alert_id} if alert_id else {}
    try:
        _, meta = serving.load(wh().paths.data_dir, wh().build_id, model)
        return dbc.Alert(describe(meta), color="secondary", **extra)
    except artifacts.ModelMissing as exc:
        return dbc.Alert(str(exc), color="warning", **extra)


def csv_or_empty(source: Callable[[Filters], pl.DataFrame]) -> Callable[[Filters], pl.DataFrame]:
    """A chart's CSV source that gives an empty frame (not an error) when no model is
    trained."""
    def read(filters: Filters) -> pl.DataFrame:
        try:
            return source(filters)
        except artifacts.ModelMissing:
            return pl.DataFrame()
    return read
