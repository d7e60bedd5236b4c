"""Chart colours stay visible on the dark cards (WCAG 3:1 for graphics)."""
from __future__ import annotations

import pytest

from dashapp.figures.clusters import cluster_colour
from dashapp.theme import CARD_BACKGROUND, contrast, genre_colour, genre_colours


def test_contrast_matches_wcag_reference_values():
    assert contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_every_genre_and_cluster_colour_is_visible_on_the_cards():
    colours = list(genre_colours().values()) + [cluster_colour(k) for k in range(1, 40)]
    assert min(contrast(c, CARD_BACKGROUND) for c in colours) >= 3
    # the bar that was invisible: Dark24's near-black, once Korean TV Shows' colour
    assert contrast(genre_colour("Korean TV Shows"), CARD_BACKGROUND) >= 3
