"""Painting layout ops onto a pygame surface, and whole slides into page surfaces."""

from __future__ import annotations

import datetime as dt
import logging

import pygame

from signage.core.model import Slide

from . import pictures, qr
from .fonts import Fonts
from .geometry import Box, Image, Metrics, Op, Qr, Text
from .layout import clock_rect, layout_clock, layout_page
from .themes import Theme

log = logging.getLogger(__name__)


def paint(surface: pygame.Surface, ops: list[Op], fonts: Fonts) -> None:
    for op in ops:
        if isinstance(op, Box):
            r = pygame.Rect(op.rect.x, op.rect.y, op.rect.w, op.rect.h)
            pygame.draw.rect(surface, op.color, r, border_radius=op.radius)
            if op.border and op.border_color:
                pygame.draw.rect(surface, op.border_color, r, width=op.border, border_radius=op.radius)
        elif isinstance(op, Text):
            fonts.draw(surface, (op.x, op.baseline), op.text, op.size, op.color, op.bold)
        elif isinstance(op, Qr):
            surface.blit(qr.surface(op.data, op.px), (op.x, op.y))
        elif isinstance(op, Image):
            _paint_image(surface, op)


def _paint_image(surface: pygame.Surface, op: Image) -> None:
    img = pictures.cache.get(op.path, op.version)  # decoded and shrunk already (see pictures)
    if img is None:
        return
    iw, ih = img.get_size()
    scale = min(op.rect.w / iw, op.rect.h / ih)
    size = (max(1, round(iw * scale)), max(1, round(ih * scale)))
    scaled = pygame.transform.smoothscale(img.convert_alpha() if pygame.display.get_init()
                                          and pygame.display.get_surface() else img, size)
    surface.blit(scaled, (op.rect.x + (op.rect.w - size[0]) // 2, op.rect.y + (op.rect.h - size[1]) // 2))


def render_slide(slide: Slide, size: tuple[int, int], theme: Theme, fonts: Fonts, station: str,
                 hotline: str = "", cards: int | None = None) -> pygame.Surface:
    """The slide as a page surface of ``size`` (without the clock)."""
    surface = pygame.Surface(size)
    paint(surface, layout_page(slide, size[0], size[1], theme, fonts, station, hotline, cards), fonts)
    return surface


def render_clock(now: dt.datetime, size: tuple[int, int], theme: Theme, fonts: Fonts
                 ) -> tuple[pygame.Surface, tuple[int, int]]:
    """The header clock as a small surface and where it goes on the page."""
    m = Metrics.for_size(size[0], size[1], theme)
    rect = clock_rect(m, fonts)
    surface = pygame.Surface((rect.w, rect.h))
    ops = layout_clock(now, m, theme, fonts)
    shifted = [_shift(op, -rect.x, -rect.y) for op in ops]
    paint(surface, shifted, fonts)
    return surface, (rect.x, rect.y)


def _shift(op: Op, dx: int, dy: int) -> Op:
    from dataclasses import replace

    from .geometry import Rect

    if isinstance(op, Text):
        return replace(op, x=op.x + dx, baseline=op.baseline + dy, top=op.top + dy, bottom=op.bottom + dy)
    if isinstance(op, Box):
        return replace(op, rect=Rect(op.rect.x + dx, op.rect.y + dy, op.rect.w, op.rect.h))
    return op
