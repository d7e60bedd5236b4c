"""Why a Blend recommendation was made, in one line a person can read.

The anchor is the watched title most similar to the recommendation (cosine in the
title space). A title the whole group watched is preferred ("Like Dark, which you both
watched") when it is nearly as close as each person's own best match (at least
SHARED_RATIO of their mean); otherwise each person gets their own anchor ("Ana: like
Dark; Ben: like Black Mirror"). People with no matched history are "popular pick".
Then the recommendation's Netflix categories that everyone with a history has watched,
most-watched first (at most MAX_GENRES), and, for a title among the MOST_WATCHED that
most real households watched (the Blend's learned prior), that it is: the prior can
lift such a title above closer matches, and the reason should say so.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

import numpy as np

from blend.taste import Profile
from models.blend_space import TitleSpace

SHARED_RATIO = 0.9
MAX_GENRES = 2
MOST_WATCHED = 100
WIDELY_WATCHED = f"among the {MOST_WATCHED} titles most households watch"


@lru_cache(maxsize=2)   # spaces hash by identity; one per loaded build
def _most_watched(space: TitleSpace) -> np.ndarray:
    """Mask of the MOST_WATCHED titles by the watch prior (none without one)."""
    mask = np.zeros(len(space.show_ids), dtype=bool)
    if space.watch_prior_titles:
        order = np.lexsort((np.arange(mask.size), -space.popularity))
        mask[order[: min(MOST_WATCHED, space.watch_prior_titles)]] = True
    return mask


def _anchors(space: TitleSpace, watched: np.ndarray,
             rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(watched row, similarity) of the closest of `watched` to each of `rows`."""
    sims = space.vectors[rows] @ space.vectors[watched].T
    best = sims.argmax(axis=1)
    return watched[best], sims[np.arange(rows.size), best]


def _genre_counts(space: TitleSpace, person: Profile) -> Counter:
    return Counter(g for r in person.rows for g in space.genres[r])


def shared_genres(genres: tuple[str, ...], counts: list[Counter]) -> list[str]:
    """The title's categories every history contains, by the smallest count first."""
    common = [g for g in genres if all(c[g] > 0 for c in counts)]
    return sorted(common, key=lambda g: -min(c[g] for c in counts))[:MAX_GENRES]


def _together(group: int) -> str:
    return {1: "you", 2: "you both"}.get(group, "you all")


def _anchor_text(space: TitleSpace, active: list[Profile], idle: list[Profile],
                 anchors: list[tuple[np.ndarray, np.ndarray]],
                 shared: tuple[np.ndarray, np.ndarray] | None, i: int, group: int) -> str:
    """'Like X, which you both watched' or 'Ana: like X; Ben: popular pick'."""
    if shared is not None and len(active) == group:
        own = np.mean([sim[i] for _, sim in anchors])
        if shared[1][i] >= SHARED_RATIO * own:
            return f"Like {space.title_of(shared[0][i])}, which {_together(group)} watched"
    if group == 1:
        return f"Like {space.title_of(anchors[0][0][i])}, which you watched"
    parts = {p.name: f"{p.name}: like {space.title_of(a[0][i])}" for p, a in zip(active, anchors)}
    parts.update({p.name: f"{p.name}: popular pick" for p in idle})
    return "; ".join(parts[name] for name in sorted(parts))


def reasons(space: TitleSpace, profiles: list[Profile], rows: np.ndarray) -> list[str]:
    """One reason per recommended row, in the order of `rows`."""
    active = [p for p in profiles if p.size]
    if not active:
        return ["Popular on Netflix" + (" (no matched history yet)" if profiles else "")
                for _ in rows]
    idle = [p for p in profiles if not p.size]
    anchors = [_anchors(space, p.rows, rows) for p in active]
    common = np.array(sorted(set.intersection(*[set(p.rows.tolist()) for p in active])), np.int64)
    shared = _anchors(space, common, rows) if len(profiles) > 1 and common.size else None
    counts = [_genre_counts(space, p) for p in active]
    label = "genres you share" if len(profiles) > 1 else "genres you watch"
    popular = _most_watched(space)
    out = []
    for i, row in enumerate(rows):
        text = _anchor_text(space, active, idle, anchors, shared, i, len(profiles))
        genres = shared_genres(space.genres[row], counts)
        out.append(text + (f" · {label}: {', '.join(genres)}" if genres else "")
                   + (f" · {WIDELY_WATCHED}" if popular[row] else ""))
    return out
