"""Features for the genre classifiers: words of the text, metadata tokens, people.

A record is a dict (one training row, or a pasted title from the live form). Missing
fields simply contribute nothing, so a title typed into the form with only a
description still gets a prediction. Block weights are chosen per classifier variant
(models/genre_classifier.PARAMS, docs/models/genre_classifier.md); a block of weight 0
is left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from models import sentence_encoder
from models.genre_inputs import SENTENCE_VECTOR

_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def _bucket(value, step: float) -> str:
    return "none" if value is None else str(int(value // step))


def _named(prefix: str, names: list[str] | None) -> list[str]:
    """One token per name of a list field: "country_South_Korea", "imdb_drama"."""
    return [prefix + n.replace(" ", "_") for n in names or []]


def netflix_meta_tokens(r: dict) -> str:
    """Type, rating, decade, runtime/season buckets, countries."""
    tokens = [f"kind_{r.get('kind') or 'unknown'}",
              f"rating_{r.get('maturity_rating') or 'none'}",
              f"decade_{_bucket(r.get('release_year'), 10)}",
              f"runtime_{_bucket(r.get('runtime_minutes'), 30)}",
              f"seasons_{_bucket(r.get('seasons'), 2)}"]
    # a title sent without a country must not read as "not American" (the intercept of
    # International Movies is high when no country token is there to lower it)
    tokens += _named("country_", r.get("countries") or ["unknown"])
    return " ".join(tokens)


def tmdb_meta_tokens(r: dict) -> str:
    """What a person can give besides the text: original language, decade, release
    month. (Audience numbers and the lists a movie came from were dropped: the form,
    CLI and API cannot take them, and a new movie has none yet.)"""
    tokens = [f"lang_{r.get('original_language') or 'xx'}",
              f"decade_{_bucket(r.get('release_year'), 10)}",
              f"month_{r.get('release_month') or 'none'}"]
    return " ".join(tokens)


def text_of(r: dict) -> str:
    """Title, description, and the synopses of the same title from matched sources."""
    return " ".join(filter(None, [r.get("title"), r.get("description"),
                                  r.get("matched_description")]))


def title_of(r: dict) -> str:
    return r.get("title") or ""


def stems_of(r: dict) -> str:
    """The text's words cut to 4 letters: a crude stemmer, as good as character
    n-grams on a random split (+0.01 micro-F1) at a tenth of their cost. The genre
    classifiers left it out once they voted with their neighbours (no gain left,
    benchmarks/eval_genres_blocks.py); the auxiliary genre models still read it."""
    return " ".join(w[:4] for w in _WORD.findall(text_of(r).lower()))


def people_of(r: dict) -> str:
    return "|".join(r.get("people") or [])


def _people_tokens(text: str) -> list[str]:
    return [p for p in text.split("|") if p]


def _whole(r: dict) -> dict:
    return r


def with_sentence_vectors(records: list[dict], progress=lambda m: None) -> list[dict]:
    """The records with their text's sentence vector attached (shipped or embedded in
    one batch), so that the folds and worker processes of a training run never embed."""
    found = sentence_encoder.vectors([text_of(r) for r in records], progress)
    return [{**r, SENTENCE_VECTOR: v} for r, v in zip(records, found)]


def with_request_vectors(records: list[dict]) -> list[dict]:
    """The records, each with its sentence vector: a training row keeps its own, the
    others (a request) are embedded, in one batch."""
    if all(r.get(SENTENCE_VECTOR) is not None for r in records):
        return records
    return [{**r, SENTENCE_VECTOR: v} for r, v in zip(records, SentenceBlock._vectors(records))]


class SentenceBlock:
    """The `sentence` block: all-MiniLM-L6-v2 vectors of title + text
    (models/sentence_encoder.py) projected on their `dims` principal axes of the
    training rows (fitted here, so a fold sees only its own rows), dense: 64 of the 384
    keep what the classifiers use of them at a third of the fitting time (model card).
    A record without a precomputed vector (a request) is embedded: the shipped vectors
    are for training runs (with_sentence_vectors), not worth loading per server worker."""

    def __init__(self, dims: int):
        self.dims = dims

    def fit_transform(self, records) -> sparse.csr_matrix:
        vectors = self._vectors(records)
        self.mean = vectors.mean(axis=0) if len(vectors) else vectors.sum(axis=0)
        # the principal axes: the right singular vectors of the centred rows; n rows
        # determine n - 1 of them (the rest would point anywhere)
        _, _, axes = np.linalg.svd(vectors - self.mean, full_matrices=False)
        self.axes = axes[:min(self.dims, max(len(vectors) - 1, 0))].T.astype(np.float32)
        return self._project(vectors)

    def transform(self, records) -> sparse.csr_matrix:
        return self._project(self._vectors(records))

    def _project(self, vectors: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix((vectors - self.mean) @ self.axes)

    @staticmethod
    def _vectors(records) -> np.ndarray:
        records = list(records)
        missing = [i for i, r in enumerate(records) if r.get(SENTENCE_VECTOR) is None]
        out = np.zeros((len(records), sentence_encoder.DIM), np.float32)
        if missing:
            out[missing] = sentence_encoder.encoder().embed([text_of(records[i]) for i in missing])
        for i, r in enumerate(records):
            if r.get(SENTENCE_VECTOR) is not None:
                out[i] = r[SENTENCE_VECTOR]
        return out


def _vectorizer(block: str, task: str, sentence_dims: int):
    """(vectorizer, field) of one block; all but `text` are optional (weight > 0)."""
    if block == "text":
        return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                               stop_words="english"), text_of
    if block == "meta":
        meta = netflix_meta_tokens if task == "netflix" else tmdb_meta_tokens
        return CountVectorizer(token_pattern=r"\S+", binary=True, lowercase=False), meta
    if block == "people":
        return TfidfVectorizer(tokenizer=_people_tokens, lowercase=False, min_df=2,
                               token_pattern=None), people_of
    if block == "title_chars":  # sequels, franchises, "Christmas", "Dead": title spelling
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2,
                               sublinear_tf=True), title_of
    if block == "stems":        # "zombies"/"zombie", "murderer"/"murders": merges rare forms
        return TfidfVectorizer(min_df=2, sublinear_tf=True, token_pattern=r"\S+"), stems_of
    if block == "sentence":     # what the synopsis means, beyond its words
        return SentenceBlock(sentence_dims), _whole
    raise ValueError(f"unknown feature block {block!r}")


@dataclass
class FeatureBuilder:
    """Fits vectorizers on training records; `transform` gives one sparse matrix.

    `weights` maps block name to its weight; `text` always comes first (explanations
    read its columns), the others in the order given.
    """
    task: str                 # "netflix" or "tmdb"
    weights: dict[str, float] = field(default_factory=lambda: {"meta": 1.0})
    # fitted auxiliary genre models (models/genre_aux.AuxGenres) for the `aux` block:
    # their probabilities are features; without them the block is left out
    aux: object | None = None
    sentence_dims: int = 64   # principal axes of the sentence vectors the block keeps

    def fit(self, records: list[dict]) -> "FeatureBuilder":
        self.fit_transform(records)
        return self

    def fit_transform(self, records: list[dict]) -> sparse.csr_matrix:
        """Fit and transform in one pass over the text (tokenizing is most of the cost)."""
        self.blocks, matrices = [], []   # blocks: (name, weight, vectorizer, field)
        for name, weight in {"text": 1.0, **self.weights}.items():
            if weight <= 0 or (name == "aux" and self.aux is None):
                continue
            vec, fld = ((self.aux, _whole) if name == "aux"
                        else _vectorizer(name, self.task, self.sentence_dims))
            try:
                matrices.append(weight * vec.fit_transform(map(fld, records)))
            except ValueError:  # no vocabulary at all (no names in the form variant)
                continue
            self.blocks.append((name, weight, vec, fld))
        self.text = self.blocks[0][2]
        return sparse.hstack(matrices).tocsr()

    def share_aux(self, aux) -> None:
        """Read the `aux` block from `aux`, an equal copy of the fitted auxiliary models
        (models fitted in worker processes come back with a copy each)."""
        self.aux = aux
        self.blocks = [(n, w, aux if n == "aux" else v, f) for n, w, v, f in self.blocks]

    def transform(self, records: list[dict]) -> sparse.csr_matrix:
        return sparse.hstack([w * vec.transform(map(fld, records))
                              for _, w, vec, fld in self.blocks]).tocsr()

    def text_columns(self, x: sparse.csr_matrix) -> sparse.csr_matrix:
        """The text block of a `transform` output: TF-IDF rows, L2-normalised (weight 1)."""
        return x[:, :len(self.text.vocabulary_)]

    @property
    def text_vocabulary(self) -> list[str]:
        """Names of the text columns (the first block of transform's output)."""
        return list(self.text.get_feature_names_out())
