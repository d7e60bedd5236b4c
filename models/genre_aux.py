"""Auxiliary genre models for the Netflix classifiers: what other catalogs teach.

The Netflix classifiers learn from ~7,300 catalog titles. The warehouse holds ~12,400
more labelled synopses: TMDB market movies with TMDB genres and IMDb/TMDB titles (films
and shows) with theirs. One model per source (the TMDB classifier's recipe: words,
stems, title characters; one-vs-rest logistic regression) reads a title and its
description and gives that source's genre probabilities; the Netflix classifiers take
them as one more feature block (`aux` in text_features.FeatureBuilder).

No catalog title is in their training rows (models/sql/genres_aux_training.sql drops
every matched title; `training_records` also drops any title whose normalized name is a
catalog title's): what they say about a catalog title, in training and in the temporal
evaluation alike, is what they would say about a new one. Chosen on titles added in 2020
(trained on earlier additions) before scoring the 2021 additions; the figures are in
docs/models/genre_classifier.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

from etl.matching import normalize_title_str
from models import SQL
from models.text_features import FeatureBuilder

SOURCES = ("tmdb", "imdb")
# the TMDB genre classifier's blocks (models/genre_classifier.PARAMS), C and solver
FEATURE_WEIGHTS = {"meta": 0.25, "title_chars": 0.5, "stems": 0.5}
C = 4.0


def training_records(con: duckdb.DuckDBPyConnection,
                     catalog_titles: list[str]) -> dict[str, list[dict]]:
    """{source: [{title, description, labels}]} with no catalog title among them."""
    taken = {normalize_title_str(t) for t in catalog_titles}
    rows = con.sql(SQL.text("genres_aux_training")).pl().to_dicts()
    return {source: [r for r in rows if r["source"] == source
                     and normalize_title_str(r["title"]) not in taken]
            for source in SOURCES}


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
    # normalized titles of the rows they learnt from: a labelled file scored with
    # evaluate-genres says how many of its titles these models had read
    known_titles: frozenset[str] = frozenset()

    def knows(self, title: str | None) -> bool:
        return normalize_title_str(title) in self.known_titles

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
        text_only = [{"title": r["title"], "description": r["description"]} for r in records]
        features = FeatureBuilder("tmdb", FEATURE_WEIGHTS)
        x = features.fit_transform(text_only)
        classifier = OneVsRestClassifier(LogisticRegression(
            C=C, max_iter=3000, class_weight="balanced", solver="liblinear", dual=True,
            random_state=seed)).fit(x, y)
        models.append(SourceModel(source, list(binarizer.classes_), features, classifier))
    if not models:
        return None
    known = {normalize_title_str(r["title"]) for rows in records_by_source.values() for r in rows}
    return AuxGenres(models, frozenset(known - {None}))
