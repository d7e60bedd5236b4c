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


def test_no_page_draws_a_dark_outline_button_on_the_dark_cards():
    """Darkly's outline-dark button is dark text and border on the dark cards: the
    Blend's "Try it with a sample history" was invisible that way (a screenshot showed
    it; axe left it as "needs review"). Every page's layout is walked for one."""
    import dash
    import dash_bootstrap_components as dbc

    import dashapp.app  # noqa: F401  (registers the pages)

    def walk(component):
        yield component
        children = getattr(component, "children", None)
        for child in children if isinstance(children, (list, tuple)) else [children]:
            if child is not None and not isinstance(child, (str, int, float)):
                yield from walk(child)

    found, walked = [], set()
    for page in dash.page_registry.values():
        layout = page["layout"]
        try:
            tree = layout() if callable(layout) else layout
        except Exception:  # noqa: BLE001 (a page whose layout needs a warehouse or path)
            continue
        walked.add(page["module"])
        found += [f"{page['module']}: {getattr(c, 'children', '')!r}" for c in walk(tree)
                  if isinstance(c, dbc.Button) and getattr(c, "color", None) == "dark"
                  and getattr(c, "outline", False)]
    assert found == []
    assert "dashapp.pages.blend" in walked and len(walked) >= 8
