"""A person's taste as the recommender sees it: which titles of the space they
watched, and how much each counts. Shared by the recommender and its explanations."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Profile:
    """One person's matched history in the space: rows (sorted, distinct) and weights."""
    name: str
    rows: np.ndarray
    weights: np.ndarray

    @property
    def size(self) -> int:
        return int(self.rows.size)
