"""The names of the themes and what the schedule needs of them, without any colour.

The colours live in :mod:`signage.render.themes`; the pure schedule only needs to know how
many cards a page of a theme holds, so that it pages listings without importing the renderer.
"""

from __future__ import annotations

from typing import Literal, get_args

# the one list of names: a Literal, so that the config schema and the type checker both know it
ThemeName = Literal["day", "night", "large"]
THEME_NAMES: tuple[str, ...] = get_args(ThemeName)
DEFAULT_THEME: ThemeName = "day"

# cards a page holds at most, per theme (the large-print theme has room for two)
MAX_CARDS = {"day": 4, "night": 4, "large": 2}


def max_cards(theme: str | None) -> int:
    """Cards a page of ``theme`` holds at most; an unknown name is the default theme."""
    return MAX_CARDS.get(theme or DEFAULT_THEME, MAX_CARDS[DEFAULT_THEME])
