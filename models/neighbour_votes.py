"""Neighbour votes: the labels of the training titles whose synopses read closest.

A genre model's second opinion (models/genre_classifier.py): the k training rows whose
sentence vectors (all-MiniLM-L6-v2 of title + synopsis, models/sentence_encoder.py) are
most cosine-similar to a title vote for their labels, each vote weighted by
exp(similarity / temperature). The linear model reads the vectors through 64 principal
axes; the votes read them whole, and pay on titles the models never saw (model card:
"Neighbour votes"). NumPy only: the serving code loads it with the artifact.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CHUNK = 1024   # query rows per similarity block: 1,024 × 13,076 floats is 54 MB


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


@dataclass
class NeighbourVotes:
    vectors: np.ndarray      # training rows' unit vectors, float16 (half the artifact)
    labels: np.ndarray       # training rows × the group's labels, 0/1 (uint8)
    k: int
    temperature: float
    _train: np.ndarray | None = field(default=None, repr=False)   # float32, per process

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: np.ndarray, k: int,
            temperature: float) -> "NeighbourVotes":
        return cls(unit_rows(vectors).astype(np.float16), labels.astype(np.uint8), k,
                   temperature)

    def same_as(self, other: "NeighbourVotes") -> bool:
        return (self.k == other.k and self.temperature == other.temperature
                and np.array_equal(self.vectors, other.vectors)
                and np.array_equal(self.labels, other.labels))

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_train": None}

    def votes(self, vectors: np.ndarray, leave_self_out: bool = False) -> np.ndarray:
        """n × labels vote shares in [0, 1] for the rows of `vectors`. With
        `leave_self_out`, `vectors` are the training rows themselves, in order, and each
        is left out of its own neighbours (the out-of-fold votes the cut is chosen on)."""
        if self._train is None:   # BLAS has no float16 product: convert once per process
            self._train = self.vectors.astype(np.float32)
        queries = unit_rows(vectors)
        out = np.zeros((len(queries), self.labels.shape[1]))
        k = min(self.k, len(self._train) - int(leave_self_out))
        if k < 1:
            return out
        for start in range(0, len(queries), CHUNK):
            sims = queries[start:start + CHUNK] @ self._train.T
            if leave_self_out:
                rows = np.arange(len(sims))
                sims[rows, start + rows] = -np.inf
            nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            top = np.take_along_axis(sims, nearest, axis=1)
            weights = np.exp((top - top.max(axis=1, keepdims=True)) / self.temperature)
            weights /= weights.sum(axis=1, keepdims=True)
            out[start:start + len(sims)] = np.einsum("nk,nkl->nl", weights,
                                                     self.labels[nearest])
        return out
