"""Model artifacts: what a trained model is on disk, and how the app finds it.

Training runs as a stage of `refresh`, against the new build before it is published,
so `<data_dir>/models/<build_id>/<model>.pkl` and the build's `model_metrics` table
always describe the same models. Each artifact carries its metadata (build id,
training time, library versions, hyper-parameters, seed, metrics) in a JSON file next
to the pickle, readable without unpickling anything.

The pickles are written by this project's own training code into the data directory;
they are loaded only from there (never from user input).
"""
from __future__ import annotations

import json
import os
import pickle
import platform
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

LIBRARIES = ("scikit-learn", "statsmodels", "numpy", "scipy", "polars", "duckdb")


class ModelMissing(RuntimeError):
    """No artifact for this model, or only one trained on another build."""


@dataclass
class TrainedModel:
    """What a model module's train() returns."""
    model: object
    params: dict
    metrics: list[dict]          # rows: {"metric", "value", "label", "split"}
    seed: int = 42
    notes: str = ""


@dataclass(frozen=True)
class ArtifactMeta:
    name: str
    build_id: str
    trained_at: str
    seed: int
    params: dict
    metrics: list[dict]
    versions: dict = field(default_factory=dict)
    train_seconds: float = 0.0
    notes: str = ""


def models_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "models"


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for lib in LIBRARIES:
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            pass
    return out


def save(data_dir: Path, build_id: str, name: str, trained: TrainedModel,
         seconds: float) -> ArtifactMeta:
    """Write <models>/<build_id>/<name>.pkl and .json atomically (tmp + rename)."""
    folder = models_dir(data_dir) / build_id
    folder.mkdir(parents=True, exist_ok=True)
    meta = ArtifactMeta(name=name, build_id=build_id,
                        trained_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        seed=trained.seed, params=trained.params, metrics=trained.metrics,
                        versions=library_versions(), train_seconds=round(seconds, 3),
                        notes=trained.notes)
    _atomic_write(folder / f"{name}.pkl", pickle.dumps(trained.model, protocol=5))
    _atomic_write(folder / f"{name}.json", json.dumps(asdict(meta), indent=2).encode())
    return meta


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def load_meta(data_dir: Path, build_id: str, name: str) -> ArtifactMeta:
    path = models_dir(data_dir) / build_id / f"{name}.json"
    if not path.exists():
        raise ModelMissing(_missing_message(data_dir, build_id, name))
    return ArtifactMeta(**json.loads(path.read_text()))


def load(data_dir: Path, build_id: str, name: str) -> tuple[object, ArtifactMeta]:
    """The model trained on `build_id` and its metadata, or ModelMissing saying why."""
    meta = load_meta(data_dir, build_id, name)
    with open(models_dir(data_dir) / build_id / f"{name}.pkl", "rb") as f:
        return pickle.load(f), meta  # noqa: S301 - our own artifact, see module doc


def _missing_message(data_dir: Path, build_id: str, name: str) -> str:
    others = sorted(p.parent.name for p in models_dir(data_dir).glob(f"*/{name}.json"))
    if others:
        return (f"model {name!r} was trained on build {others[-1]}; the warehouse is now "
                f"{build_id}: run `netflix-insights refresh` to retrain")
    return (f"model {name!r} has not been trained for build {build_id}: run "
            "`netflix-insights refresh` (training is one of its stages)")


def prune(data_dir: Path, keep_build_ids: set[str]) -> list[Path]:
    """Delete model folders of builds that no longer exist (after a build prune)."""
    removed = []
    root = models_dir(data_dir)
    for folder in root.glob("*") if root.exists() else []:
        if folder.is_dir() and folder.name not in keep_build_ids and folder.name != "experiments":
            for f in folder.iterdir():
                f.unlink()
            folder.rmdir()
            removed.append(folder)
    return removed
