"""The names of the themes and what the schedule needs of them, without any colour.

The colours live in :mod:`signage.render.themes`; the pure schedule only needs to know how
many cards a page of a theme holds, so that it pages listings without importing the renderer.
"""

from __future__ import annotations

THEME_NAMES = ("day", "night", "large")
DEFAULT_THEME = "day"

# cards a page holds at most, per theme (the large-print theme has room for two)
MAX_CARDS = {"day": 4, "night": 4, "large": 2}


def max_cards(theme: str | None) -> int:
    """Cards a page of ``theme`` holds at most; an unknown name is the default theme."""
    return MAX_CARDS.get(theme or DEFAULT_THEME, MAX_CARDS[DEFAULT_THEME])
