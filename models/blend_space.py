"""The title space of the Blend recommender: one dense vector per Netflix title.

Each title is described by blocks of tokens, each block TF-IDF weighted, each row
L2-normalised and then scaled by the block's weight (SPACE_PARAMS["weights"]):
  text      words of the synopsis (English stop words removed, sublinear tf)
  title     words of the title (franchises, sequels, "Christmas", "Barbie")
  genres    Netflix categories, one token each
  people    directors and top-billed cast, one token per name (at least 2 titles)
  countries production countries, one token each
  meta      type, maturity rating, decade, original language, IMDb score band
The stacked sparse matrix is reduced by TruncatedSVD and the rows re-normalised, so a
dot product is a cosine (built by models/blend_space_training.py; this module is
the artifact and what serving reads). A block's weight is its share of a title's squared norm
before the reduction; the weights were tuned on the viewing-history benchmark
(docs/models/blend.md says how, and what else was tried).

The popularity prior the recommender mixes in is learned from real viewing: the share
of the dev set's households (genuine Netflix exports) that watched each title, read
from WATCH_PRIOR (`netflix-insights blend-prior` writes it; docs/BLEND.md says how it
was learned and what it gained). Titles no two households watched get none of it. The
audience prior, at 0.01 of the weight, breaks ties (between titles outside the file,
and between titles with the same count): the mean of a title's IMDb-votes
percentile and TMDB popularity percentile (whichever exist; a fixed low value for
titles matched to neither, mostly regional titles few people have seen). Without a
watch prior, or one that names none of the catalog's titles, the audience prior alone.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse

# The Blend's trained artifact is this title space; the recommender that serves it
# lives in the blend package (blend/recommender.py), and refresh builds it in
# models/blend_space_training.py (the only part that needs scikit-learn).
NAME = "blend"

SPACE_PARAMS = {
    "dims": 128,
    "weights": {"text": 1.0, "title": 0.3, "genres": 1.0, "people": 0.6, "countries": 0.5,
                "meta": 0.5},
    "text_min_df": 2, "people_min_df": 2, "cast_depth": 8,
    "unmatched_prior": 0.05,
}
# What the dev set's households watched (blend/watch_prior.py learns it from exports;
# only titles at least two households watched are kept, so no title in it tells
# what one household watched).
WATCH_PRIOR = Path(__file__).resolve().parent / "assets" / "blend_watch_prior.csv"
# Weight of the audience prior inside the watch prior: below one household's step of
# the watch share, so it only orders titles the households did not tell apart.
AUDIENCE_TIEBREAK = 0.01
META_COLUMNS = ("show_id", "title", "kind", "release_year", "runtime_minutes", "seasons",
                "maturity_rating", "genres", "date_added")


class WatchPriorError(ValueError):
    """A watch prior file that is missing or not what blend-prior writes; its message
    names the file and is the whole story."""


@dataclass(frozen=True)
class WatchPrior:
    """How many of `total` households watched each title (show_id → households)."""
    households: dict[str, int]
    total: int


def read_watch_prior(path: Path = WATCH_PRIOR) -> WatchPrior | None:
    """The watch prior file (first line `# households: N`, then show_id,title,households),
    None when there is none."""
    if not path.is_file():
        return None
    try:
        with path.open(encoding="utf-8") as f:
            first, header = f.readline(), f.readline()
        if not first.startswith("# households:"):
            raise ValueError("the first line should be '# households: N'")
        try:
            total = int(first.split(":", 1)[1])
        except ValueError:
            raise ValueError("the first line should be '# households: N', N a whole "
                             f"number, not {first.strip()[:40]!r}") from None
        if not {"show_id", "households"} <= {c.strip() for c in header.split(",")}:
            raise ValueError("the second line should be the header show_id,title,households, "
                             f"not {header.strip()[:60]!r}")
        frame = pl.read_csv(path, comment_prefix="#", schema_overrides={
            "show_id": pl.String, "title": pl.String, "households": pl.Int64})
        _check_watch_prior(frame, total)
    except pl.exceptions.PolarsError as exc:
        # a hand-edited or truncated file: say which and why, not polars' parser terms
        value = re.search(r"could not parse `?(.*?)`? as dtype.*households", str(exc),
                          re.DOTALL)
        why = (f"a households count is not a whole number of households "
               f"({value.group(1)[:40]!r})" if value else
               "rows that do not match the header (show_id,title,households)")
        raise WatchPriorError(f"{path}: not a watch prior file (columns show_id, title, "
                              f"households): {why}") from exc
    except ValueError as exc:
        raise WatchPriorError(f"{path}: not a watch prior file (columns show_id, title, "
                              f"households): {str(exc).splitlines()[0]}") from exc
    return WatchPrior(dict(zip(frame["show_id"].to_list(), frame["households"].to_list())),
                      total)


def _check_watch_prior(frame: pl.DataFrame, total: int) -> None:
    """What blend-prior writes holds: a blank, zero or negative count would put a title
    outside the prior's 0–1 (or make every score NaN), and a repeated show_id would
    silently keep one of its counts."""
    ids, counts = frame["show_id"], frame["households"]
    if ids.null_count() or (ids.str.strip_chars() == "").any():
        raise ValueError("a row has no show_id")
    if ids.is_duplicated().any():
        raise ValueError(f"show_id {ids.filter(ids.is_duplicated())[0]} is listed twice")
    if counts.null_count() or (counts < 1).any():
        raise ValueError("every households count is a whole number of at least 1")
    if total < 1:
        raise ValueError("the first line should give at least 1 household")
    if frame.height and counts.max() > total:
        raise ValueError(f"'# households: {total}' is fewer than a title's count")


def watch_popularity(show_ids: np.ndarray, audience: np.ndarray,
                     prior: WatchPrior | None) -> np.ndarray:
    """The recommender's prior (0–1) per title: the share of households that watched it
    (the most watched title 1), the audience prior breaking ties; the audience prior
    alone when `prior` names none of `show_ids`."""
    counts = np.array([prior.households.get(s, 0) for s in show_ids.tolist()]
                      if prior else np.zeros(0), np.float64)
    if counts.size == 0 or counts.max() <= 0:
        return audience.astype(np.float32)
    share = counts / counts.max()
    return ((share + AUDIENCE_TIEBREAK * audience) / (1 + AUDIENCE_TIEBREAK)).astype(np.float32)


@dataclass(eq=False)   # identity equality: comparing arrays field by field is meaningless
class TitleSpace:
    """What the Blend artifact holds: vectors, prior and the metadata filters and
    explanations need, all aligned on `show_ids`."""
    show_ids: np.ndarray            # str, one per row
    vectors: np.ndarray             # float32 (titles × dims), rows of norm 1
    popularity: np.ndarray          # float32 (titles,), 0–1: the recommender's prior
    titles: pl.DataFrame            # META_COLUMNS, same row order
    explained_variance: float = 0.0
    audience: np.ndarray | None = None   # float32 IMDb/TMDB percentile prior (None: = popularity)
    watch_prior_titles: int = 0     # titles the watch prior named
    row_of: dict[str, int] = field(init=False, repr=False)
    kind: np.ndarray = field(init=False, repr=False)
    runtime: np.ndarray = field(init=False, repr=False)
    rating: np.ndarray = field(init=False, repr=False)
    genres: tuple[tuple[str, ...], ...] = field(init=False, repr=False)
    genre_names: tuple[str, ...] = field(init=False, repr=False)
    genre_matrix: sparse.csr_matrix = field(init=False, repr=False)
    added: np.ndarray = field(init=False, repr=False)   # datetime64[D], NaT unknown

    def __post_init__(self) -> None:
        """Arrays the recommender filters on, derived once from `titles`."""
        if self.audience is None:
            self.audience = self.popularity
        self.added = (self.titles["date_added"].to_numpy().astype("datetime64[D]")
                      if "date_added" in self.titles.columns
                      else np.full(self.titles.height, np.datetime64("NaT"), "datetime64[D]"))
        self.row_of = {s: i for i, s in enumerate(self.show_ids.tolist())}
        self.kind = self.titles["kind"].to_numpy()
        self.runtime = self.titles["runtime_minutes"].cast(pl.Float64).fill_null(np.nan).to_numpy()
        self.rating = self.titles["maturity_rating"].fill_null("").to_numpy()
        self.genres = tuple(tuple(g) for g in self.titles["genres"].to_list())
        self.genre_names = tuple(sorted({g for gs in self.genres for g in gs}))
        column = {g: j for j, g in enumerate(self.genre_names)}
        pairs = [(i, column[g]) for i, gs in enumerate(self.genres) for g in gs]
        rows, cols = zip(*pairs) if pairs else ((), ())
        self.genre_matrix = sparse.csr_matrix(
            (np.ones(len(pairs), dtype=bool), (rows, cols)),
            shape=(len(self.genres), len(self.genre_names)))

    def __getstate__(self) -> dict:
        """Pickle only the source fields; the derived arrays are rebuilt on load."""
        return {k: getattr(self, k) for k in ("show_ids", "vectors", "popularity", "titles",
                                              "explained_variance", "audience",
                                              "watch_prior_titles")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update({"audience": None, "watch_prior_titles": 0} | state)
        self.__post_init__()

    def with_watch_prior(self, prior: WatchPrior | None) -> TitleSpace:
        """The same space with its prior learned from `prior` (blend-eval --prior)."""
        return dataclasses.replace(
            self, popularity=watch_popularity(self.show_ids, self.audience, prior),
            watch_prior_titles=titles_named(self.show_ids, prior))

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])

    def title_of(self, row: int) -> str:
        return self.titles["title"][int(row)]


def titles_named(show_ids: np.ndarray, prior: WatchPrior | None) -> int:
    return sum(s in prior.households for s in show_ids.tolist()) if prior else 0
