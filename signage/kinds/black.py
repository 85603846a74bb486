"""Sleep hours: the screen really black, whatever the theme; no clock, ticker or badge.

Not written in a playlist: a playlist with ``sleep: true`` is on.
"""

from __future__ import annotations

from signage.render import layout
from signage.render.geometry import Box, Rect

from .registry import Kind, register


def draw(slide, page: layout.Page) -> list:
    return [Box(Rect(0, 0, page.m.width, page.m.height), (0, 0, 0), role="page")]


KIND = register(Kind("black", draw, chrome=False, ticker=False, badge=False))
