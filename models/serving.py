"""Serving trained models: load once per build, predict, say clearly when one is missing.

Used by the dashboard panels, `netflix-insights predict-genres` / `predict-tmdb-genres`
and the JSON endpoints `POST /api/predict-genres` and `POST /api/predict-tmdb-genres`
(`evaluate-genres` scores a file in models/genre_evaluation.py). Nothing here trains:
a click never fits a model. Nothing here imports scikit-learn either: an app worker
starts without it, and a model's own classes come in with its artifact (pickle) the
first time a request loads it.
"""
from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from base.kinds import MATURITY_RATINGS, kind_of, rating_of
from models import artifacts
from models.genre_inputs import HEADLINE, form_record, served_variant
from models.metrics import summary
from queries import validation

MAX_TEXT = 5000   # characters of description accepted for a prediction
MAX_TITLE = 300

_lock = threading.Lock()
_loading: dict[tuple[str, str, str], threading.Lock] = {}
_loaded: dict[tuple[str, str, str], tuple[object, artifacts.ArtifactMeta]] = {}


def load(data_dir: Path, build_id: str, name: str) -> tuple[object, artifacts.ArtifactMeta]:
    """The artifact for (build, model), loaded at most once per process, on the first
    request that needs it (with the model's code: the app starts without it).

    One lock per artifact: a request for a loaded model never waits behind another
    model's first load (the genre artifact takes 1–3 s, with scikit-learn's import).
    Loading a model of a newer build drops this data dir's models of other builds, so a
    long-lived worker holds one build's models, not one set per refresh."""
    key = (str(data_dir), build_id, name)
    if (found := _loaded.get(key)) is not None:
        return found
    with _lock:
        lock = _loading.setdefault(key, threading.Lock())
    with lock:
        if (found := _loaded.get(key)) is not None:
            return found
        loaded = artifacts.load(data_dir, build_id, name)
        with _lock:
            for old in [k for k in _loaded if k[0] == key[0] and k[1] != build_id]:
                del _loaded[old]
                _loading.pop(old, None)
            _loaded[key] = loaded
        return loaded


class BadInput(validation.BadInput):
    """A prediction request that cannot be served; the message says why."""


RATINGS = MATURITY_RATINGS
MAX_PEOPLE = 50


def _present(data: dict, *keys: str):
    """The first of `keys` the request gives (null and "" count as not given)."""
    return next((data[k] for k in keys if data.get(k) is not None and data[k] != ""), None)


def _text(data: dict, *keys: str, limit: int) -> str:
    value = _present(data, *keys)
    if value is None:
        return ""
    if not isinstance(value, str):   # true would be read as the word "True"
        raise BadInput(f"{keys[0]} must be text, not {type(value).__name__}")
    value = str(value).strip()
    if len(value) > limit:
        raise BadInput(f"{keys[0]} is limited to {limit:,} characters")
    return value


def _require_words(text: str, name: str) -> None:
    """Emoji or punctuation alone leave the models no word to read, and their answer
    would be the label prior dressed up as a prediction."""
    if not any(ch.isalnum() for ch in text):
        raise BadInput(f"the {name} has no words to read (only symbols or emoji); "
                       "write a sentence in any language")


def _names(data: dict, key: str, limit: int) -> tuple[str, ...]:
    """A list of names, or one comma-separated string of them."""
    value = _present(data, key)
    if value is None:
        value = ()
    elif isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise BadInput(f"{key} must be a list of names or one comma-separated string")
    names = tuple(v.strip() for v in value if v.strip())
    if len(names) > limit or any(len(n) > MAX_TITLE for n in names):
        raise BadInput(f"{key}: at most {limit} names of up to {MAX_TITLE} characters")
    return names


# what each request reads (aliases included); docs/API.md lists them (test_docs checks)
GENRE_FIELDS = ("description", "title", "type", "kind", "countries", "country", "cast",
                "director", "rating", "maturity_rating", "release_year", "runtime_minutes",
                "seasons")
TMDB_GENRE_FIELDS = ("overview", "description", "title", "year", "language",
                     "original_language")


def only_fields(data: dict, accepted: tuple[str, ...]) -> None:
    """A field the request type does not read is refused, not ignored: a misspelt
    "rating" for the copilot's "maturity_rating" answered as if no rating were given."""
    unknown = sorted(str(k)[:40] for k in data if k not in accepted)
    if unknown:
        raise BadInput(f"unknown field{'s' if len(unknown) > 1 else ''} "
                       f"{', '.join(unknown[:5])}; this request takes {', '.join(accepted)}")


def length_of(data: dict, kind: str) -> tuple[int | None, int | None]:
    """(runtime_minutes, seasons) of a request; a length of the other kind is refused,
    not dropped (a movie with "seasons": 3 is more likely a show sent without its type)."""
    runtime = whole_number(data, "runtime_minutes", 1, 600)
    seasons = whole_number(data, "seasons", 1, 50)
    if runtime is not None and kind == "show":
        raise BadInput("runtime_minutes is for movies; for a show give its seasons")
    if seasons is not None and kind == "movie":
        raise BadInput("seasons are for shows; for a movie give runtime_minutes (or set "
                       "the type to show)")
    return runtime, seasons


def whole_number(data: dict, key: str, low: int, high: int) -> int | None:
    """`data[key]` as a whole number in [low, high] (None when absent or empty); a bool,
    a fraction, text (even "12"), or infinity (1e400 in JSON) is BadInput."""
    value = _present(data, key)
    if value is None:
        return None
    try:   # a JSON number: text ("12", "١٢") and true are not numbers
        number = int(value)
        exact = isinstance(value, (int, float)) and not isinstance(value, bool) \
            and number == float(value)
    except (TypeError, ValueError, OverflowError):
        exact = False
    if not exact or not low <= number <= high:
        raise BadInput(f"{key} must be a whole number from {low} to {high}")
    return number


def _kind(data: dict) -> str:
    value = _present(data, "type", "kind")
    kind = "movie" if value is None else kind_of(value) if isinstance(value, str) else None
    if kind is None:
        raise BadInput("type must be movie or show")
    return kind


@dataclass(frozen=True)
class GenreRequest:
    """A Netflix title to label. With any of cast, director, rating, release_year,
    runtime_minutes or seasons the full model answers, else the form model."""
    description: str
    title: str = ""
    kind: str = "movie"
    countries: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    director: tuple[str, ...] = ()
    rating: str | None = None
    release_year: int | None = None
    runtime_minutes: int | None = None
    seasons: int | None = None

    @classmethod
    def parse(cls, data: dict) -> "GenreRequest":
        """Validate a JSON-ish dict (from the form, CLI or HTTP)."""
        if not isinstance(data, dict):
            raise BadInput("send a JSON object with at least a description")
        only_fields(data, GENRE_FIELDS)
        description = _text(data, "description", limit=MAX_TEXT)
        title = _text(data, "title", limit=MAX_TITLE)
        if not description and not title:
            raise BadInput("give a description or a title (a description says most)")
        _require_words(description + title, "description")
        kind = _kind(data)
        countries = _names(data, "countries" if data.get("countries") not in (None, "", [])
                           else "country", 10)
        rating = _text(data, "rating", "maturity_rating", limit=20) or None
        if rating is not None:
            rating = rating_of(rating)
            if rating is None:
                raise BadInput(f"rating must be one of {', '.join(RATINGS)}")
        runtime, seasons = length_of(data, kind)
        return cls(description, title, kind, countries, _names(data, "cast", MAX_PEOPLE),
                   _names(data, "director", MAX_PEOPLE), rating,
                   whole_number(data, "release_year", 1900, 2100), runtime, seasons)

    def _inputs(self) -> dict:
        return {"title": self.title, "description": self.description, "kind": self.kind,
                "countries": list(self.countries), "people": [*self.cast, *self.director],
                "maturity_rating": self.rating, "release_year": self.release_year,
                "runtime_minutes": self.runtime_minutes, "seasons": self.seasons}

    @property
    def variant(self) -> str:
        """The Netflix model that answers it (genre_inputs.served_variant)."""
        return served_variant(self._inputs())

    def record(self) -> dict:
        inputs = self._inputs()
        return inputs if self.variant == "netflix" else form_record(inputs)


@dataclass(frozen=True)
class TmdbGenreRequest:
    """A movie to give TMDB genres: overview, and optionally title, year, language."""
    overview: str
    title: str = ""
    year: int | None = None
    language: str | None = None

    @classmethod
    def parse(cls, data: dict) -> "TmdbGenreRequest":
        if not isinstance(data, dict):
            raise BadInput("send a JSON object with at least an overview")
        only_fields(data, TMDB_GENRE_FIELDS)
        overview = _text(data, "overview", "description", limit=MAX_TEXT)
        title = _text(data, "title", limit=MAX_TITLE)
        if not overview and not title:
            raise BadInput("give an overview or a title (an overview says most)")
        _require_words(overview + title, "overview")
        language = _text(data, "language", "original_language", limit=20).lower() or None
        if language and not (language.isalpha() and len(language) in (2, 3)):
            raise BadInput("language must be an ISO 639-1 code such as en, es, ko")
        return cls(overview, title, whole_number(data, "year", 1874, 2100), language)

    def record(self) -> dict:
        return {"kind": "movie", "title": self.title, "description": self.overview,
                "release_year": self.year, "original_language": self.language}


def headline_scores(meta, variant: str) -> dict:
    """The variant's scores on its headline split, and the plain model's beside them."""
    split = HEADLINE[variant]
    plain = "genres_netflix_plain" if variant.startswith("netflix") else "genres_tmdb_plain"

    def scores(model):
        found = summary([m for m in meta.metrics if m["model"] == model], split)
        return {k: round(found[k], 4) for k in ("micro_f1", "macro_f1", "samples_f1")
                if k in found}
    return {"split": split, **scores(f"genres_{variant}"), "plain_model": scores(plain)}


def _labelled(model, record: dict, explain_words: int) -> list[dict]:
    return [{"label": label, "probability": round(p, 4),
             "words": [w for w, _ in model.explain(record, label, explain_words)]}
            for label, p in model.predict(record)]


# what people type for the catalog's two largest countries
COUNTRY_ALIASES = {alias: "united states" for alias in (
    "usa", "us", "u.s.", "u.s.a.", "united states of america", "america")} | {
    alias: "united kingdom" for alias in ("uk", "u.k.", "great britain", "britain",
                                          "england")}


def known_countries(model, countries: tuple[str, ...]) -> tuple[str, ...]:
    """`countries` as the catalog writes them ("united states" -> "United States");
    one the model never read is BadInput, with the nearest names it knows ("USA" and
    "Narnia" used to be scored as a country of no title, which reads as International)."""
    return tuple(catalog_country(name, model.countries) for name in countries)


def catalog_country(name: str, known_names, what: str = "country") -> str:
    """`name` as the catalog writes it, from any case or a common alias ("usa"); else
    BadInput naming the nearest countries the model knows."""
    known = {n.casefold(): n for n in known_names}
    known |= {alias: known[n] for alias, n in COUNTRY_ALIASES.items() if n in known}
    name = name.strip()
    if name.casefold() not in known:
        near = difflib.get_close_matches(name.casefold(), known, n=5, cutoff=0.75)
        names = list(dict.fromkeys(known[n] for n in near))[:3]   # "usa." and "us": one
        hint = (f"; did you mean {' or '.join(names)}?" if names else
                "; countries are written as in the Netflix catalog, e.g. United States, "
                "South Korea")
        raise BadInput(f"unknown {what} {name!r}{hint}")
    return known[name.casefold()]


def predict_genres(data_dir: Path, build_id: str, request: GenreRequest,
                   explain_words: int = 6) -> dict:
    """Predicted Netflix categories with probabilities, the words behind each, and the
    scores of the model that made them on titles it never saw (never a probability
    without them): the full model when full inputs are given, else the form model."""
    bundle, meta = load(data_dir, build_id, "genres")
    variant = request.variant
    request = replace(request, countries=known_countries(bundle[variant], request.countries))
    record = request.record()
    return {"build_id": build_id, "model": f"genres_{variant}", "trained_at": meta.trained_at,
            "labels": _labelled(bundle[variant], record, explain_words),
            "model_scores": headline_scores(meta, variant)}


def predict_tmdb_genres(data_dir: Path, build_id: str, request: TmdbGenreRequest,
                        explain_words: int = 6) -> dict:
    """Predicted TMDB genres, as predict_genres, with the scores on unseen movies."""
    bundle, meta = load(data_dir, build_id, "genres")
    return {"build_id": build_id, "model": "genres_tmdb", "trained_at": meta.trained_at,
            "labels": _labelled(bundle["tmdb"], request.record(), explain_words),
            "model_scores": headline_scores(meta, "tmdb")}
