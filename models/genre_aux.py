"""Auxiliary genre models for the Netflix classifiers: what other catalogs teach.

The Netflix classifiers learn from ~7,300 catalog titles. The warehouse holds ~10,000
more labelled synopses released before the evaluation's year (2021): TMDB market movies
with TMDB genres and IMDb/TMDB titles (films and shows) with theirs. One model per
source (the TMDB classifier's text recipe: words, stems, title characters; one-vs-rest
logistic regression) reads a title and its description and gives that source's genre
probabilities; the Netflix classifiers take them as one more feature block (`aux` in
text_features.FeatureBuilder).

No catalog title is in their training rows, as far as the warehouse can tell: the SQL
drops every title the matcher linked and IMDb rows with a catalog title's IMDb id;
`training_records` drops rows named as a catalog title or whose synopsis is a catalog
title's, word for word or nearly. So what they say about a catalog title, in training
and in the temporal evaluation alike, is what they would say about a new one (the same
work under another name and another synopsis can still slip through: see
docs/models/genre_classifier.md). Chosen on the 2020 additions (trained on earlier
additions) before scoring the 2021 additions.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import duckdb
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

from etl.matching import normalize_title_str
from models import SQL
from models.text_features import FeatureBuilder

SOURCES = ("tmdb", "imdb")
# the TMDB genre classifier's text blocks, C and solver when these models were chosen
# (2026-12-05; the classifier has left stems out since, benchmarks/eval_genres_blocks.py:
# these models, chosen with them, keep them); not its metadata: these models read a
# title and a description only
FEATURE_WEIGHTS = {"meta": 0.0, "title_chars": 0.5, "stems": 0.5}
C = 4.0
# a synopsis this close to a catalog title's (TF-IDF cosine) is that title's: left out
NEAR = 0.8


def training_records(con: duckdb.DuckDBPyConnection, catalog: list[dict],
                     before_year: int) -> dict[str, list[dict]]:
    """{source: [{title, description, labels}]} released before `before_year`, with no
    catalog title among them: not linked to one by the matcher (SQL), not named as one,
    and no synopsis the same as, or nearly (cosine ≥ NEAR), a catalog title's (the IMDb
    data is itself a Netflix catalog of 2022: a title the matcher missed under another
    name still has the catalog's synopsis word for word)."""
    rows = con.sql(SQL.text("genres_aux_training"),
                   params={"before_year": before_year}).pl().to_dicts()
    named = _named_in_catalog(catalog)
    rows = [r for r in rows if not named(r)]
    if rows and catalog:
        # without stop words: 6x fewer shared terms to multiply, the same rows dropped
        words = TfidfVectorizer(stop_words="english").fit([r["description"] for r in rows]
                                      + [r.get("description") or "" for r in catalog])
        near = (words.transform([r["description"] for r in rows])
                @ words.transform([r.get("description") or "" for r in catalog]).T)
        closest = near.max(axis=1).toarray().ravel()
        rows = [r for r, c in zip(rows, closest) if c < NEAR]
    return {source: [r for r in rows if r["source"] == source] for source in SOURCES}


def _named_in_catalog(catalog: list[dict]):
    """A test of one row: is it named as a catalog title, or does one name hold all the
    words of the other, for titles released within a year of each other ("Dinosaur
    World" and "Chhota Bheem - Dinosaur World", both 2015; "Jackass Presents: Bad Grandpa
    .5" and "Bad Grandpa .5")? One work under two names. The other way round, a catalog
    name must have two words or more ("Bleach" would take every "Bleach" film). A
    different work caught ("Coven", 2020, and "Coven of Sisters", 2021) costs a training
    row, nothing more."""
    names, by_word, catalog_words = set(), {}, []
    for i, r in enumerate(catalog):
        name = normalize_title_str(r.get("title"))
        names.add(name)
        words = frozenset((name or "").split())
        catalog_words.append(words)
        for word in words:
            by_word.setdefault(word, set()).add(i)

    def close(i: int, year: int) -> bool:
        return abs((catalog[i].get("release_year") or -9) - year) <= 1

    def named(row: dict) -> bool:
        name = normalize_title_str(row["title"])
        if name in names:
            return True
        words = sorted(set((name or "").split()), key=lambda w: len(by_word.get(w, ())))
        year = row.get("release_year")
        if not words or year is None:
            return False
        # catalog names holding all of the row's words
        holding = set(by_word.get(words[0], ()))
        for word in words[1:]:
            holding &= by_word.get(word, set())
        if any(close(i, year) for i in holding):
            return True
        # catalog names of two words or more inside the row's name
        sharing = set().union(*(by_word.get(w, set()) for w in words))
        return any(len(catalog_words[i]) >= 2 and catalog_words[i] <= set(words)
                   and close(i, year) for i in sharing)
    return named


@dataclass
class SourceModel:
    source: str
    labels: list[str]
    features: FeatureBuilder
    classifier: OneVsRestClassifier

    def predict_proba(self, records: list[dict]) -> np.ndarray:
        text_only = [{"title": r.get("title"), "description": r.get("description")}
                     for r in records]   # the source's own metadata means nothing here
        return self.classifier.predict_proba(self.features.transform(text_only))


@dataclass
class AuxGenres:
    """Fitted source models; `transform` gives their probabilities side by side."""
    models: list[SourceModel] = field(default_factory=list)
    # the rows they learnt from, by normalized title and by a digest of the synopsis: a
    # labelled file scored with evaluate-genres says how many of its titles they had read
    known_titles: frozenset[str] = frozenset()
    known_synopses: frozenset[bytes] = frozenset()

    def knows(self, title: str | None, description: str | None = None) -> bool:
        return (normalize_title_str(title) in self.known_titles
                or (bool(description) and _digest(description) in self.known_synopses))

    def fit_transform(self, records) -> sparse.csr_matrix:   # already fitted
        return self.transform(records)

    def transform(self, records) -> sparse.csr_matrix:
        records = list(records)
        return sparse.csr_matrix(np.hstack([m.predict_proba(records) for m in self.models]))

    @property
    def feature_names(self) -> list[str]:
        return [f"{m.source}:{label}" for m in self.models for label in m.labels]


def fit(records_by_source: dict[str, list[dict]], seed: int) -> AuxGenres | None:
    """One model per source with rows (a source with none is left out); None when no
    source has any (a live build without TMDB or IMDb rows): the block is left out."""
    models = []
    for source, records in records_by_source.items():
        if not records:
            continue
        binarizer = MultiLabelBinarizer()
        y = binarizer.fit_transform([r["labels"] for r in records])
        if y.shape[1] < 2:   # one-vs-rest of one label is one binary model: 2 columns
            continue
        text_only = [{"title": r["title"], "description": r["description"]} for r in records]
        features = FeatureBuilder("tmdb", FEATURE_WEIGHTS)
        x = features.fit_transform(text_only)
        classifier = OneVsRestClassifier(LogisticRegression(
            C=C, max_iter=3000, class_weight="balanced", solver="liblinear", dual=True,
            random_state=seed)).fit(x, y)
        models.append(SourceModel(source, list(binarizer.classes_), features, classifier))
    if not models:
        return None
    read = [r for m in models for r in records_by_source[m.source]]
    return AuxGenres(models, frozenset({normalize_title_str(r["title"]) for r in read} - {None}),
                     frozenset(_digest(r["description"]) for r in read))


def _digest(text: str) -> bytes:
    """8 bytes standing for a synopsis, whatever its case and spacing."""
    return hashlib.blake2b(" ".join(text.lower().split()).encode(), digest_size=8).digest()
