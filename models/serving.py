"""Serving trained models: load once per build, predict, say clearly when one is missing.

Used by the dashboard panels, `netflix-insights predict-genres` and the JSON endpoint
`POST /api/predict-genres`. Nothing here trains: a click never fits a model.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from base.kinds import kind_of
from models import artifacts
from models.genre_classifier import form_record
from models.metrics import summary

MAX_TEXT = 5000   # characters of description accepted for a prediction
MAX_TITLE = 300

_lock = threading.Lock()
_loaded: dict[tuple[str, str, str], tuple[object, artifacts.ArtifactMeta]] = {}


def load(data_dir: Path, build_id: str, name: str) -> tuple[object, artifacts.ArtifactMeta]:
    """The artifact for (build, model), loaded at most once per process."""
    key = (str(data_dir), build_id, name)
    with _lock:
        if key not in _loaded:
            _loaded[key] = artifacts.load(data_dir, build_id, name)
        return _loaded[key]


class BadInput(ValueError):
    """A prediction request that cannot be served; the message says why."""


@dataclass(frozen=True)
class GenreRequest:
    description: str
    title: str = ""
    kind: str = "movie"
    countries: tuple[str, ...] = ()

    @classmethod
    def parse(cls, data: dict) -> "GenreRequest":
        """Validate a JSON-ish dict (from the form, CLI or HTTP)."""
        if not isinstance(data, dict):
            raise BadInput("send a JSON object with at least a description")
        description = str(data.get("description") or "").strip()
        title = str(data.get("title") or "").strip()
        if not description and not title:
            raise BadInput("give a description (and optionally a title)")
        if len(description) > MAX_TEXT or len(title) > MAX_TITLE:
            raise BadInput(f"description is limited to {MAX_TEXT:,} characters, title to "
                           f"{MAX_TITLE}")
        kind = kind_of(data.get("type") or data.get("kind") or "movie")
        if kind is None:
            raise BadInput("type must be movie or show")
        countries = data.get("countries") or data.get("country") or ()
        if isinstance(countries, str):
            countries = [c.strip() for c in countries.split(",")]
        return cls(description, title, kind, tuple(str(c) for c in countries if c)[:10])


def predict_genres(data_dir: Path, build_id: str, request: GenreRequest,
                   explain_words: int = 6) -> dict:
    """Predicted Netflix categories with probabilities, the words behind each, and the
    held-out scores of the model that made them (never a probability without them)."""
    bundle, meta = load(data_dir, build_id, "genres")
    model = bundle["netflix_form"]
    record = form_record({"title": request.title, "description": request.description,
                          "kind": request.kind, "countries": list(request.countries)})
    labels = [{"label": label, "probability": round(p, 4),
               "words": [w for w, _ in model.explain(record, label, explain_words)]}
              for label, p in model.predict(record)]
    scores = summary([m for m in meta.metrics if m["model"] == "genres_netflix_form"], "holdout")
    return {"build_id": build_id, "model": "genres_netflix_form", "trained_at": meta.trained_at,
            "labels": labels,
            "model_scores": {k: round(v, 4) for k, v in scores.items()}}
