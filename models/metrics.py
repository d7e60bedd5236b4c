"""Metric rows for `model_metrics`: the one row type every model writes and reads.

Rows are dicts {"model", "metric", "label", "split", "value"}: "label" is "" for
whole-model metrics, a label name for per-label ones. Nothing here computes a score
(models/multilabel.py does, for training), so serving code that reads rows imports no
scikit-learn.
"""
from __future__ import annotations


def metric_row(model: str, metric: str, value, *, label: str = "",
               split: str = "all") -> dict:
    """One row of the model_metrics table (models/training.METRIC_SCHEMA), the only
    way any model writes one: a label names a class, series or cluster ('' for the
    whole model), a split says what the figure was measured on."""
    return {"model": model, "metric": metric, "label": label, "split": split,
            "value": float(value)}


def summary(rows: list[dict], split: str) -> dict[str, float]:
    """{metric: value} of the whole-model rows of one split."""
    return {r["metric"]: r["value"] for r in rows if r["split"] == split and not r["label"]}
