"""Features for the genre classifiers: words of the text, metadata tokens, people.

A record is a dict (one training row, or a pasted title from the live form). Missing
fields simply contribute nothing, so a title typed into the form with only a
description still gets a prediction.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer


def _bucket(value, step: float) -> str:
    return "none" if value is None else str(int(value // step))


def netflix_meta_tokens(r: dict) -> str:
    """Type, rating, decade, runtime/season buckets, countries, matched genres."""
    tokens = [f"kind_{r.get('kind') or 'unknown'}",
              f"rating_{r.get('maturity_rating') or 'none'}",
              f"decade_{_bucket(r.get('release_year'), 10)}",
              f"runtime_{_bucket(r.get('runtime_minutes'), 30)}",
              f"seasons_{_bucket(r.get('seasons'), 2)}"]
    tokens += ["country_" + c.replace(" ", "_") for c in r.get("countries") or []]
    tokens += ["imdb_" + g.replace(" ", "_") for g in r.get("imdb_genres") or []]
    tokens += ["tmdb_" + g.replace(" ", "_") for g in r.get("tmdb_genres") or []]
    return " ".join(tokens)


def tmdb_meta_tokens(r: dict) -> str:
    """Language, decade, release month and audience buckets (horror scores low…)."""
    vote_count, popularity = r.get("vote_count") or 0, r.get("popularity") or 0
    return " ".join([f"lang_{r.get('original_language') or 'xx'}",
                     f"decade_{_bucket(r.get('release_year'), 10)}",
                     f"month_{r.get('release_month') or 'none'}",
                     f"vote_{_bucket(r.get('vote_average'), 0.5)}",
                     f"votes_{int(math.log2(vote_count + 1))}",
                     f"pop_{int(math.log2(popularity + 1))}"])


def text_of(r: dict) -> str:
    return " ".join(filter(None, [r.get("title"), r.get("description"),
                                  r.get("imdb_description")]))


def _people_tokens(text: str) -> list[str]:
    return [p for p in text.split("|") if p]


@dataclass
class FeatureBuilder:
    """Fits vectorizers on training records; `transform` gives one sparse matrix."""
    task: str                 # "netflix" or "tmdb"
    meta_weight: float = 1.5  # chosen on validation data (docs/models/genre_classifier.md)

    def fit(self, records: list[dict]) -> "FeatureBuilder":
        self.text = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                    stop_words="english").fit(map(text_of, records))
        self.meta = CountVectorizer(token_pattern=r"\S+", binary=True, lowercase=False
                                    ).fit(map(self._meta, records))
        self.people = None
        if self.task == "netflix":
            try:
                self.people = TfidfVectorizer(tokenizer=_people_tokens, lowercase=False,
                                              min_df=2, token_pattern=None
                                              ).fit(map(self._people, records))
            except ValueError:  # no names at all (e.g. the form variant): no block
                self.people = None
        return self

    def _meta(self, r: dict) -> str:
        return netflix_meta_tokens(r) if self.task == "netflix" else tmdb_meta_tokens(r)

    @staticmethod
    def _people(r: dict) -> str:
        return "|".join(r.get("people") or [])

    def transform(self, records: list[dict]) -> sparse.csr_matrix:
        blocks = [self.text.transform(map(text_of, records)),
                  self.meta_weight * self.meta.transform(map(self._meta, records))]
        if self.people is not None:
            blocks.append(self.people.transform(map(self._people, records)))
        return sparse.hstack(blocks).tocsr()

    @property
    def text_vocabulary(self) -> list[str]:
        """Names of the text columns (the first block of transform's output)."""
        return list(self.text.get_feature_names_out())
