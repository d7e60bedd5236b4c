"""Neighbour votes: the labels of the training titles whose synopses read closest.

A genre model's second opinion (models/genre_classifier.py): the k training rows whose
sentence vectors (all-MiniLM-L6-v2 of title + synopsis, models/sentence_encoder.py) are
most cosine-similar to a title vote for their labels, each vote weighted by
exp(similarity / temperature). The linear model reads the vectors through 64 principal
axes; the votes read them whole, and pay on titles the models never saw (model card:
"Neighbour votes"). NumPy only: the serving code loads it with the artifact.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

QUERY_ROWS = 1024   # query rows per similarity matrix: 1,024 × 13,076 floats is 54 MB


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


@dataclass
class NeighbourVotes:
    # float32, not float16: BLAS has no float16 product, and widening 13,076 × 384
    # values on every request cost 7 ms; float32 costs 16 MB more per genre artifact
    vectors: np.ndarray      # training rows' unit vectors, float32
    labels: np.ndarray       # training rows × the group's labels, 0/1 (uint8)
    k: int
    temperature: float

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: np.ndarray, k: int,
            temperature: float) -> "NeighbourVotes":
        if len(vectors) < 1 or k < 1 or temperature <= 0:
            raise ValueError("neighbour votes need a training row, k ≥ 1 and a "
                             "temperature > 0")
        return cls(unit_rows(vectors), labels.astype(np.uint8), min(k, len(vectors)),
                   temperature)

    def same_as(self, other: "NeighbourVotes") -> bool:
        return (self.k == other.k and self.temperature == other.temperature
                and np.array_equal(self.vectors, other.vectors)
                and np.array_equal(self.labels, other.labels))

    def _similarities(self, vectors: np.ndarray):
        """(first row, cosine similarities of QUERY_ROWS rows to every training row)."""
        queries = unit_rows(vectors)
        for start in range(0, len(queries), QUERY_ROWS):
            yield start, queries[start:start + QUERY_ROWS] @ self.vectors.T

    def votes(self, vectors: np.ndarray) -> np.ndarray:
        """n × labels vote shares in [0, 1] for the rows of `vectors`."""
        out = np.zeros((len(vectors), self.labels.shape[1]))
        for start, sims in self._similarities(vectors):
            nearest = np.argpartition(-sims, self.k - 1, axis=1)[:, :self.k]
            top = np.take_along_axis(sims, nearest, axis=1)
            weights = np.exp((top - top.max(axis=1, keepdims=True)) / self.temperature)
            weights /= weights.sum(axis=1, keepdims=True)
            out[start:start + len(sims)] = np.einsum("nk,nkl->nl", weights,
                                                     self.labels[nearest])
        return out

    def closest(self, vectors: np.ndarray) -> np.ndarray:
        """Each row's highest cosine similarity to a training row: ~1 for a title the
        model was trained on (the same title and synopsis), so evaluate-genres can say
        which rows of a file are not unseen."""
        return np.concatenate([sims.max(axis=1) for _start, sims in self._similarities(vectors)]
                              or [np.zeros(0, dtype=np.float32)])
