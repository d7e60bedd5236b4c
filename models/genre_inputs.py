"""What the genre models read and which one answers: shared by training and serving.

Serving (models/serving.py: the API, the CLI, the panel) needs these without the
classifiers' training code or scikit-learn; the trained classifiers themselves come in
with their artifact when the first prediction loads it.
"""
from __future__ import annotations

# What a person can type into the live form (or pass to the CLI/API). The "netflix_form"
# variant is trained on these alone, so what the form shows is what it was scored on.
FORM_FIELDS = ("title", "description", "kind", "countries")
# What the API/CLI accept beyond the form: with any of them the full model answers.
FULL_FIELDS = ("people", "maturity_rating", "release_year", "runtime_minutes", "seasons")
SENTENCE_VECTOR = "sentence_vector"   # a record's precomputed vector (training rows)
TEMPORAL_SPLIT, UNSEEN_SPLIT, CV_SPLIT = "temporal_2021", "unseen_tmdb", "cv3_oof"
# the split each variant's scores are shown from (panel, CLI, API): the one that mimics use
HEADLINE = {"netflix": TEMPORAL_SPLIT, "netflix_form": TEMPORAL_SPLIT, "tmdb": UNSEEN_SPLIT}


def form_record(record: dict) -> dict:
    """Only the fields the live form offers (plus labels and the text's sentence vector
    when training)."""
    return {k: record.get(k) for k in (*FORM_FIELDS, "labels", SENTENCE_VECTOR)}


def served_variant(record: dict) -> str:
    """The Netflix model that answers a record: the full one when it has any of
    FULL_FIELDS, else the form one (the API, the CLI, the panel and evaluate-genres)."""
    return "netflix" if any(record.get(k) for k in FULL_FIELDS) else "netflix_form"
