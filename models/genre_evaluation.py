"""`netflix-insights evaluate-genres FILE --task netflix|tmdb`: the served genre model
scored on any labelled CSV, beside the plain model trained on the bundle (model card:
docs/models/genre_classifier.md). Offline evaluation, so the serving modules stay free
of scikit-learn's metrics.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer

from base.text import counted
from models import genre_files
from models.genre_inputs import form_record, served_variant
from models.serving import BadInput, load
from models.text_features import with_request_vectors

CHUNK_ROWS = 5_000   # rows predicted at once: a 200,000-row file took 4.8 GB in one go
BOOTSTRAP_RESAMPLES, MIN_BOOTSTRAP_ROWS = 1_000, 30


def evaluate_file(data_dir: Path, build_id: str, path: Path, task: str,
                  progress: Callable[[int, int], None] | None = None) -> dict:
    """Score the served model on a labelled CSV (columns: models/genre_files.py), next
    to the plain model trained on the bundle. Unknown labels are reported, not an error.

    Netflix: each row as the API would answer it: the full model for a row with any of
    cast, director, rating, release year or duration, else the form model.
    `progress(done, total)` is called after each chunk of rows on a long file.
    """
    if task not in ("tmdb", "netflix"):
        raise BadInput("task must be netflix or tmdb")
    frame, notes = genre_files.read_frame(path)
    bundle, _ = load(data_dir, build_id, "genres")
    first = bundle["tmdb" if task == "tmdb" else "netflix"]
    found = genre_files.labelled_records(frame, task, first.labels, Path(path).name)
    records, n = found.records, len(found.records)
    chosen = [served_variant(r) if task == "netflix" else "tmdb" for r in records]
    y = MultiLabelBinarizer(classes=first.labels).fit_transform([r["labels"] for r in records])
    pred, base = np.zeros_like(y), np.zeros_like(y)
    # rows the model was trained on: the Netflix variants were trained on the same
    # titles, so the full model's check serves both
    seen, tests = np.zeros(n, dtype=bool), []
    for start in range(0, n, CHUNK_ROWS):
        rows = range(start, min(start + CHUNK_ROWS, n))
        # embedded once: the check and every model read the same vectors
        records[start:rows.stop] = with_request_vectors(records[start:rows.stop])
        seen[start:rows.stop], tests = first.trained_on_rows(records[start:rows.stop])
        for variant in {chosen[i] for i in rows}:
            picked = [i for i in rows if chosen[i] == variant]
            pred[picked] = bundle[variant].predict_many(
                [form_record(records[i]) if variant == "netflix_form" else records[i]
                 for i in picked])
        base[rows.start:rows.stop] = bundle[f"{task}_plain"].predict(
            [form_record(records[i]) if task == "netflix" else records[i] for i in rows])
        if progress and n > CHUNK_ROWS:
            progress(rows.stop, n)
    p, r, f, support = precision_recall_fscore_support(y, pred, average=None, zero_division=0)
    per_label = {label: {"precision": round(float(p[j]), 4), "recall": round(float(r[j]), 4),
                         "f1": round(float(f[j]), 4), "support": int(support[j])}
                 for j, label in enumerate(first.labels) if support[j] or pred[:, j].any()}
    by_model = {f"genres_{v}": k for v, k in Counter(chosen).most_common()}
    if len(records) < 30:
        notes.append(f"only {counted(len(records), 'row')} scored: "
                     "too few for F1 to mean much")
    unseen = ~seen
    return {"task": task, "n": len(records), **_scores(y, pred, base),
            "samples_f1": round(float(f1_score(y, pred, average="samples", zero_division=0)), 4),
            "per_label": per_label,
            "model": " + ".join(by_model), "rows_by_model": by_model, "build_id": build_id,
            # None: an artifact from before the neighbour votes keeps no training vectors
            "seen_rows": int(seen.sum()) if tests else None,
            "unseen": ({"n": int(unseen.sum()), **_scores(y[unseen], pred[unseen], base[unseen])}
                       if seen.any() and unseen.any() else None),
            "unknown_labels": dict(found.unknown_labels.most_common()),
            "skipped_rows": found.skipped_rows,
            "aux_known_rows": sum(_aux_known_rows(bundle[v], [r for r, c in zip(records, chosen)
                                                              if c == v]) for v in set(chosen)),
            "notes": notes + found.notes + _seen_check_notes(tests, n)}


def _scores(y: np.ndarray, pred: np.ndarray, base: np.ndarray) -> dict:
    """Micro- and macro-F1 of the model and of the plain model; macro over the labels the
    rows have."""
    present = np.flatnonzero(y.sum(axis=0) > 0)

    def f1(predicted, average: str) -> float:
        return round(float(f1_score(y, predicted, average=average, zero_division=0,
                                    labels=present if average == "macro" else None)), 4)
    return {"micro_f1": f1(pred, "micro"), "macro_f1": f1(pred, "macro"),
            "baseline": {"micro_f1": f1(base, "micro"), "macro_f1": f1(base, "macro")},
            "gain": _micro_gain(y, pred, base)}


def micro_gain_resamples(y: np.ndarray, pred: np.ndarray, base: np.ndarray,
                         resamples: int = BOOTSTRAP_RESAMPLES,
                         seed: int = 0) -> tuple[float, np.ndarray]:
    """The model's micro-F1 minus the plain model's, and the same difference on
    `resamples` resamples of the rows drawn with replacement (a paired bootstrap: both
    scored on each resample; the issue asks for +0.03). Micro-F1 is 2·TP / (predicted +
    true labels), so each resample needs only the rows' counts. The genre benchmarks
    use it too (eval_genres_params.paired_gain)."""
    y = np.asarray(y).astype(bool)

    def counts(predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        predicted = np.asarray(predicted).astype(bool)
        return 2 * (predicted & y).sum(axis=1), predicted.sum(axis=1) + y.sum(axis=1)
    (tp_m, all_m), (tp_b, all_b) = counts(pred), counts(base)

    def gain(rows) -> np.ndarray:   # rows: resamples × row indices
        return (tp_m[rows].sum(axis=-1) / np.maximum(all_m[rows].sum(axis=-1), 1)
                - tp_b[rows].sum(axis=-1) / np.maximum(all_b[rows].sum(axis=-1), 1))
    n, rng = len(y), np.random.default_rng(seed)
    block = max(1, 4_000_000 // max(n, 1))   # resamples drawn at once: ~32 MB of indices
    gains = [gain(rng.integers(0, n, (min(block, resamples - i), n)))
             for i in range(0, resamples, block)] if n else []
    return float(gain(np.arange(n))), np.concatenate(gains) if gains else np.zeros(0)


def _micro_gain(y: np.ndarray, pred: np.ndarray, base: np.ndarray) -> dict:
    """micro_gain_resamples as evaluate-genres reports it: the difference and its 95%
    interval (none under MIN_BOOTSTRAP_ROWS rows)."""
    if len(y) < MIN_BOOTSTRAP_ROWS:
        return {"micro_f1": round(micro_gain_resamples(y, pred, base, resamples=0)[0], 4),
                "ci95": None}
    point, gains = micro_gain_resamples(y, pred, base)
    return {"micro_f1": round(point, 4),
            "ci95": [round(float(g), 4) for g in np.percentile(gains, [2.5, 97.5])]}


def _seen_check_notes(tests: list[str], n: int) -> list[str]:
    """What could not be checked: a model trained before a test of "rows it was trained
    on" does not run it (GenreClassifier.trained_on_rows)."""
    if not n or tests == ["title", "synopsis"]:
        return []
    retrain = "retrain it (netflix-insights refresh) to have them scored apart"
    if not tests:
        return [f"this build's genre model cannot tell which rows it was trained on: {retrain}"]
    missing = "synopsis" if "synopsis" not in tests else "title and year"
    return [f"rows the model was trained on were found by {tests[0]} only, not by "
            f"{missing}: some may be counted as unseen; {retrain}"]


def _aux_known_rows(model, records: list[dict]) -> int:
    """Rows whose title or synopsis the model's auxiliary genre models learnt from
    (their TMDB or IMDb row): for these the file is not unseen data (genre_aux.py)."""
    auxes = {id(gm.features.aux): gm.features.aux for gm in model.groups.values()
             if gm.features.aux is not None}
    return sum(any(aux.knows(r.get("title"), r.get("description")) for aux in auxes.values())
               for r in records)
