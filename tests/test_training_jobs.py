"""The genre training's jobs run in worker processes (models/genre_classifier.run_jobs):
the results come back in the jobs' order, and a fit in a worker is the fit a sequential
run makes (liblinear's random generator is per process; threads shared it and changed
the scores from run to run)."""
from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from models import genre_classifier


def _fit_job(seed: int, x: sparse.csr_matrix, y: np.ndarray) -> tuple[dict, list[dict]]:
    clf = OneVsRestClassifier(LogisticRegression(solver="liblinear", dual=True,
                                                 class_weight="balanced", random_state=42))
    clf.fit(x, y)
    coefs = np.vstack([e.coef_ for e in clf.estimators_])
    return {f"model{seed}": coefs}, [{"job": seed}]


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    x = sparse.random(400, 3000, density=0.01, format="csr", random_state=1)
    y = (rng.random((400, 6)) < 0.3).astype(int)
    return x, y


def test_jobs_in_processes_give_the_sequential_results_in_order(problem):
    jobs = [partial(_fit_job, seed, *problem) for seed in range(5)]
    sequential = genre_classifier.run_jobs(jobs, n_jobs=1)
    parallel = genre_classifier.run_jobs(jobs, n_jobs=2)
    assert [r["job"] for r in parallel[1]] == [0, 1, 2, 3, 4]
    assert list(parallel[0]) == list(sequential[0])
    for name, coefs in sequential[0].items():
        assert np.array_equal(parallel[0][name], coefs), name
