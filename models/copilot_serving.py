"""The investment copilot's answers (models/copilot.py): a hypothetical title parsed
and checked (CopilotRequest, the same rules for the form, POST /api/copilot and the
`copilot` CLI), and the prediction with the scores of the models that made it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path

from base.kinds import kind_of, rating_of
from models.copilot import (
    BENCHMARK_COLUMNS,
    CV_SPLIT,
    NAME,
    RATINGS,
    TEMPORAL_SPLIT,
    Copilot,
)
from models.metrics import summary
from models.serving import (
    BadInput,
    catalog_country,
    length_of,
    load,
    only_fields,
    whole_number,
)

# what a request reads (aliases included); docs/API.md lists them (test_docs checks)
FIELDS = ("type", "kind", "genres", "country", "language", "month", "quarter",
          "runtime_minutes", "seasons", "maturity_rating", "rating")


@dataclass(frozen=True)
class CopilotRequest:
    """A hypothetical title: exactly the FEATURES, in their order."""
    kind: str
    genres: tuple[str, ...]
    country: str | None = None
    language: str | None = None
    month: int | None = None
    quarter: int | None = None
    runtime_minutes: int | None = None
    seasons: int | None = None
    maturity_rating: str | None = None

    @classmethod
    def parse(cls, data: dict) -> "CopilotRequest":
        """Validate a JSON-ish dict (form or API); BadInput says what is wrong."""
        if not isinstance(data, dict):
            raise BadInput("send a JSON object with at least a type and genres")
        only_fields(data, FIELDS)
        if data.get("maturity_rating") in (None, "") and "rating" in data:
            data = {**data, "maturity_rating": data["rating"]}   # the genre API's name
        for key in ("type", "kind", "country", "language", "maturity_rating"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise BadInput(f"{key} must be text")
            if len(data.get(key) or "") > 100:
                raise BadInput(f"{key} is limited to 100 characters")
        kind = kind_of(data.get("type") or data.get("kind") or "")
        if kind is None:
            raise BadInput("type must be movie or show")
        genres = data.get("genres") or []
        genres = [genres] if isinstance(genres, str) else genres
        if not isinstance(genres, list) or not all(
                isinstance(g, str) and len(g) <= 100 for g in genres):
            raise BadInput("genres must be a list of Netflix categories (texts)")
        if not 1 <= len(genres) <= 5:
            raise BadInput("pick between 1 and 5 genres (Netflix categories)")
        month = whole_number(data, "month", 1, 12)
        quarter = whole_number(data, "quarter", 1, 4)
        if month and quarter and quarter != (month - 1) // 3 + 1:
            raise BadInput(f"month {month} is not in quarter {quarter}")
        runtime, seasons = length_of(data, kind)
        if kind == "movie" and runtime is None:
            raise BadInput("give the movie's runtime in minutes (1–600)")
        if kind == "show" and seasons is None:
            raise BadInput("give the show's number of seasons (1–50)")
        rating = data.get("maturity_rating") or None
        if rating is not None:
            rating = rating_of(rating)
            if rating is None:
                raise BadInput(f"maturity rating must be one of {', '.join(RATINGS)}")
        language = (str(data.get("language") or "").strip().lower() or None)
        if language and not (language.isalpha() and len(language) in (2, 3)):
            raise BadInput("language must be an ISO 639-1 code such as en, es, ko")
        return cls(kind, tuple(str(g) for g in genres),
                   str(data.get("country") or "").strip() or None, language, month, quarter,
                   runtime, seasons, rating)


def request_record(model: Copilot, request: CopilotRequest) -> dict:
    """The planner record of a request, checked against what the model has seen."""
    known = model.vocabulary["genres"][request.kind]
    unknown = [g for g in request.genres if g not in known]
    if unknown:
        raise BadInput(f"not a {request.kind} category in this catalog: {', '.join(unknown)}")
    if request.country:   # "south korea", "USA": as the catalog writes it, or a suggestion
        request = replace(request, country=catalog_country(
            request.country, model.vocabulary["countries"], "primary country"))
    languages = model.vocabulary["languages"]
    if request.language and request.language not in languages:
        # an unseen code ("xx") was scored as some language the model never learnt
        raise BadInput(f"language {request.language!r} is not the original language of "
                       f"any title in this catalog (the most common: "
                       f"{', '.join(languages[:8])})")
    language = request.language or model.vocabulary["country_languages"].get(request.country)
    return {**asdict(request), "genres": list(request.genres), "language": language}


def scores(meta, split: str = CV_SPLIT) -> dict[str, dict[str, float]]:
    """Whole-model metrics of each copilot model on `split`, from the artifact's metadata."""
    return {m: summary([r for r in meta.metrics if r["model"] == m], split)
            for m in ("copilot_hit", "copilot_hit_baseline", "copilot_popularity",
                      "copilot_popularity_baseline")}


def _temporal_scores(meta) -> dict:
    """Trained on additions before 2021, scored on the 2021 additions (empty if absent)."""
    t = scores(meta, TEMPORAL_SPLIT)
    hit, base = t["copilot_hit"], t["copilot_hit_baseline"]
    if not hit:
        return {}
    return {"split": TEMPORAL_SPLIT, "roc_auc": round(hit["roc_auc"], 4),
            "brier": round(hit["brier"], 4), "baseline_brier": round(base["brier"], 4),
            "titles": int(hit["titles"])}


def predict(data_dir: Path, build_id: str, request: CopilotRequest) -> dict:
    """Hit probability, popularity and risk for a hypothetical title, with the CV scores
    of the models that made them (never a probability without them) and benchmarks."""
    model, meta = load(data_dir, build_id, NAME)
    out = model.predict(request_record(model, request))
    s = scores(meta)
    hit, pop, pop_base = s["copilot_hit"], s["copilot_popularity"], s["copilot_popularity_baseline"]
    return {
        "build_id": build_id, "model": NAME, "trained_at": meta.trained_at,
        "kind": request.kind, "hit_probability": round(out["probability"], 4),
        "percentile_among_titles": round(out["percentile"], 4),
        "base_rate": round(model.base_rate[request.kind], 4),
        "hit_model_scores": {"split": CV_SPLIT, "roc_auc": round(hit["roc_auc"], 4),
                             "brier": round(hit["brier"], 4),
                             "baseline_brier": round(s["copilot_hit_baseline"]["brier"], 4),
                             "calibration_error": round(hit["calibration_error"], 4)},
        "hit_model_scores_2021": _temporal_scores(meta),
        "popularity": {"predicted": round(out["popularity"], 2),
                       "middle_half": [round(v, 2) for v in out["popularity_range"]],
                       "mae_points": round(pop["mae_points"], 2),
                       "mae_log": round(pop["mae_log"], 4),
                       "baseline_mae_points": round(pop_base["mae_points"], 2),
                       "baseline_mae_log": round(pop_base["mae_log"], 4)},
        "risk": {"level": out["risk"]["level"], "reason": out["risk"]["reason"]},
        "benchmarks": [{**{k: t[k] for k in BENCHMARK_COLUMNS}, "similarity": round(sim, 3)}
                       for t, sim in out["benchmarks"]],
    }
