"""Multi-label evaluation as metric rows (training and offline evaluation only)."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score, hamming_loss, precision_recall_fscore_support

from models.metrics import metric_row


def multilabel_rows(model: str, split: str, y_true: np.ndarray, y_pred: np.ndarray,
                    labels: list[str]) -> list[dict]:
    """Micro/macro/samples F1, Hamming loss, subset accuracy, and per-label P/R/F1/support."""
    summary = {
        "micro_f1": f1_score(y_true, y_pred, average="micro", zero_division=0),
        "macro_f1": f1_score(y_true, y_pred, average="macro", zero_division=0),
        "samples_f1": f1_score(y_true, y_pred, average="samples", zero_division=0),
        "hamming_loss": hamming_loss(y_true, y_pred),
        "subset_accuracy": float(np.mean(np.all(y_true == y_pred, axis=1))),
    }
    rows = [metric_row(model, m, v, split=split) for m, v in summary.items()]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    for i, label in enumerate(labels):
        rows += [metric_row(model, "precision", p[i], label=label, split=split),
                 metric_row(model, "recall", r[i], label=label, split=split),
                 metric_row(model, "f1", f[i], label=label, split=split),
                 metric_row(model, "support", s[i], label=label, split=split)]
    return rows
