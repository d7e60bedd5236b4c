"""The TMDB genre classifier's second stage on small known data."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from models import genre_stacking
from models.genre_stacking import LabelCombiner, NeighbourVotes, fit_combiner, logit

PARAMS = {"neighbours": 2, "similarity_power": 1.0, "folds": 3, "trees": 30,
          "learning_rate": 0.2, "leaves": 4, "min_leaf": 5, "l2": 0.0}

TEXTS = ["ghost haunted house scream", "haunted ghost ship", "space rocket alien planet",
         "alien planet invasion", "wedding love romance", "love letter romance"]
#            horror sci-fi romance
LABELS = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]])


VECTORIZER = TfidfVectorizer().fit(TEXTS)   # in the model: the first stage's text block


def tfidf(texts):
    return VECTORIZER.transform(texts)


def fitted_votes(k: int, power: float) -> NeighbourVotes:
    return NeighbourVotes(k, power).fit(tfidf(TEXTS), LABELS)


def test_votes_match_a_hand_computation():
    """Four training texts share words with the query; only the top 2 may vote, each
    with similarity ** 1.5."""
    votes = fitted_votes(2, 1.5)
    text = "haunted ghost on an alien planet"
    got = votes.scores(tfidf([text]))[0]
    # independently: cosine similarities from the fitted vectors, top 2, weighted mean
    # with the label frequencies as one extra pseudo-neighbour of weight 1
    train = tfidf(TEXTS).toarray()
    q = tfidf([text]).toarray()[0]
    sim = train @ q
    assert (sim > 0).sum() == 4
    top = np.argsort(-sim)[:2]
    w = sim[top] ** 1.5
    expected = (w @ LABELS[top] + LABELS.mean(axis=0)) / (w.sum() + 1)
    assert got == pytest.approx(expected, abs=1e-6)


def test_a_text_with_no_neighbour_gets_the_base_rate():
    votes = fitted_votes(3, 1.5)
    assert votes.scores(tfidf(["zzz qqq"]))[0] == pytest.approx(LABELS.mean(axis=0))


def test_scoring_in_chunks_changes_nothing(monkeypatch):
    texts = [f"{a} {b}" for a in ("ghost", "alien", "love", "house") for b in TEXTS]
    votes = fitted_votes(3, 1.5)
    whole = votes.scores(tfidf(texts))
    monkeypatch.setattr(genre_stacking, "_CHUNK", 5)
    assert votes.scores(tfidf(texts)) == pytest.approx(whole)


def test_the_combiner_learns_an_interaction_a_linear_stage_cannot():
    """Label on when the first-stage score is high *and* the film is Japanese: the
    combiner's out-of-fold probabilities separate it, the first-stage score alone not."""
    rng = np.random.default_rng(0)
    n = 600
    first = rng.uniform(0.05, 0.95, size=(n, 1))
    japanese = rng.random(n) < 0.5
    y = ((first[:, 0] > 0.5) & japanese).astype(int)[:, None]
    recs = [{"original_language": "ja" if j else "en", "vote_average": 7.0, "vote_count": 10,
             "popularity": 1.0, "release_year": 2000, "release_month": 1,
             "description": "x"} for j in japanese]
    votes = np.full((n, 1), 0.5)
    combiner, oof = fit_combiner(PARAMS, first, votes, recs, y, seed=0)
    pred = oof[:, 0] >= 0.5
    assert (pred == y[:, 0]).mean() > 0.95
    assert ((first[:, 0] > 0.5) == y[:, 0]).mean() < 0.8
    again = combiner.predict_proba(first[:5], votes[:5], recs[:5])
    assert again.shape == (5, 1) and ((again >= 0) & (again <= 1)).all()


def test_unknown_language_and_missing_numbers_are_accepted():
    recs = [{"original_language": lang, "vote_average": v, "release_year": year,
             "release_month": year and 3, "description": "x"}
            for lang, v, year in [("en", 7.0, 1999), ("fr", None, None)] * 20]
    y = np.array([[i % 2] for i in range(40)])
    first = np.full((40, 1), 0.3)
    combiner = LabelCombiner(PARAMS).fit(first, first, recs, y, seed=0)
    out = combiner.predict_proba(first[:1], first[:1],
                                 [{"original_language": "tlh", "description": ""}])
    assert 0 <= out[0, 0] <= 1
    # an unseen language counts as missing, as does no language at all
    unseen = combiner.predict_proba(first[:1], first[:1], [{"original_language": "tlh"}])
    absent = combiner.predict_proba(first[:1], first[:1], [{}])
    assert unseen == pytest.approx(absent)
    assert combiner.predict_proba(first[:0], first[:0], []).shape == (0, 1)
    assert logit(np.array([0.0, 1.0])) == pytest.approx([-13.8155, 13.8155], abs=1e-3)


def test_the_combiner_only_ever_sees_out_of_fold_scores(monkeypatch):
    """Random labels: in-sample scores would memorise them (and a movie's own row would
    be its nearest neighbour); the scores handed to the combiner must know nothing."""
    from sklearn.metrics import roc_auc_score

    from models import genre_classifier as gc
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(300)]
    recs = [{"title": f"t{i}", "description": " ".join(rng.choice(words, 8))}
            for i in range(240)]
    y = (rng.random((240, 3)) < 0.3).astype(int)
    seen = {}

    def capture(params, first_oof, votes_oof, records_, labels, seed):
        seen.update(first=first_oof, votes=votes_oof)
        return LabelCombiner(params).fit(first_oof, votes_oof, records_, labels, seed), \
            np.full(labels.shape, 0.5)
    monkeypatch.setattr(gc, "fit_combiner", capture)
    model, _ = gc._fit_group("tmdb", recs, y, seed=0)
    auc = lambda s: np.mean([roc_auc_score(y[:, j], s[:, j]) for j in range(3)])  # noqa: E731
    in_sample = model.classifier.predict_proba(model.features.transform(recs))
    assert auc(in_sample) > 0.95                     # what a leak would look like
    assert abs(auc(seen["first"]) - 0.5) < 0.1
    assert abs(auc(seen["votes"]) - 0.5) < 0.1
    texts = model.features.text_columns(model.features.transform(recs))
    assert auc(model.neighbours.scores(texts)) > 0.9  # the full index contains the row itself
