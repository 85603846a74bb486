"""Page surfaces: drawn once per (slide, size, theme), kept in a bounded cache.

This is the only place slides become pixels; the player, ``signage render``
and the status screenshot all come through here, so they agree pixel for pixel.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from dataclasses import dataclass

import pygame

from signage.core.model import Slide
from signage.kinds import registry as kinds
from signage.parse.images import Picture

from . import draw, themes
from .fonts import Fonts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageStyle:
    station: str
    hotline: str = ""
    cards: int | None = None
    theme: str = "day"
    lang: str = "zh-cn"  # the fixed words in Simplified or Traditional Chinese (labels.py)
    logo: Picture | None = None  # the station's logo, at the left of the header (assets.logo)


def rotate(surface: pygame.Surface, rotation: int) -> pygame.Surface:
    """Turn a logical page into panel pixels for a TV mounted ``rotation`` degrees clockwise."""
    return pygame.transform.rotate(surface, -rotation) if rotation else surface


def physical_rect(x: int, y: int, w: int, h: int, logical: tuple[int, int], rotation: int
                  ) -> tuple[int, int, int, int]:
    """Where a logical rectangle lands on the panel after :func:`rotate`."""
    lw, lh = logical
    if rotation == 90:
        return (lh - y - h, x, h, w)
    if rotation == 180:
        return (lw - x - w, lh - y - h, w, h)
    if rotation == 270:
        return (y, lw - x - w, h, w)
    return (x, y, w, h)


def compose(slide: Slide, size: tuple[int, int], fonts: Fonts, style: PageStyle,
            now: dt.datetime | None = None) -> pygame.Surface:
    """A whole logical frame: the page with the clock over it (for PNGs and screenshots)."""
    theme = themes.get(slide.theme or style.theme)
    page = draw.render_slide(slide, size, theme, fonts, style.station, style.hotline, style.cards,
                             style.lang, style.logo)
    if now is not None and kinds.chrome(slide.kind):  # the clock is part of the header
        clock, pos = draw.render_clock(now, size, theme, fonts)
        page.blit(clock, pos)
    return page


class PageCache:
    """Rendered pages by slide, bounded in bytes; evicts the least recently used."""

    def __init__(self, fonts: Fonts, style: PageStyle, size: tuple[int, int], rotation: int = 0,
                 budget_bytes: int = 32 * 1024 * 1024):
        self.fonts = fonts
        self.style = style
        self.size = size  # logical
        self.rotation = rotation
        self.budget = budget_bytes
        self._pages: OrderedDict[Slide, pygame.Surface] = OrderedDict()
        self.renders = 0

    def get(self, slide: Slide) -> pygame.Surface:
        page = self._pages.get(slide)
        if page is not None:
            self._pages.move_to_end(slide)
            return page
        page = self._render(slide)
        self._pages[slide] = page
        self._evict()
        return page

    def clear(self) -> None:
        self._pages.clear()

    def _render(self, slide: Slide) -> pygame.Surface:
        self.renders += 1
        page = compose(slide, self.size, self.fonts, self.style)
        page = rotate(page, self.rotation)
        if pygame.display.get_init() and pygame.display.get_surface() is not None:
            page = page.convert()  # the display's pixel format blits fastest
        return page

    def _evict(self) -> None:
        def used() -> int:
            return sum(s.get_width() * s.get_height() * s.get_bytesize() for s in self._pages.values())

        while len(self._pages) > 2 and used() > self.budget:
            self._pages.popitem(last=False)
