"""Painting layout ops onto a pygame surface, and whole slides into page surfaces."""

from __future__ import annotations

import datetime as dt
import logging

import pygame

from signage.core.model import Slide
from signage.parse.images import Picture

from . import assets, pictures, qr
from .fonts import Fonts
from .geometry import Box, Image, Metrics, Op, Qr, Text
from .layout import clock_rect, layout_clock, layout_page
from .themes import Theme

log = logging.getLogger(__name__)


def paint(surface: pygame.Surface, ops: list[Op], fonts: Fonts) -> None:
    for op in ops:
        if isinstance(op, Box):
            r = pygame.Rect(op.rect.x, op.rect.y, op.rect.w, op.rect.h)
            if op.glow and op.border_color:
                _glow(surface, r, op.radius, op.glow, op.border_color)
            pygame.draw.rect(surface, op.color, r, border_radius=op.radius)
            if op.texture:
                _texture(surface, r, op.radius, op.texture)
            if op.border and op.border_color:
                pygame.draw.rect(surface, op.border_color, r, width=op.border, border_radius=op.radius)
        elif isinstance(op, Text):
            fonts.draw(surface, (op.x, op.baseline), op.text, op.size, op.color, op.bold, op.face)
        elif isinstance(op, Qr):
            surface.blit(qr.surface(op.data, op.px), (op.x, op.y))
        elif isinstance(op, Image):
            _paint_image(surface, op)


def _texture(surface: pygame.Surface, r: pygame.Rect, radius: int, name: str) -> None:
    """The asset ``name`` tiled over ``r``, inside its rounded corners."""
    tile = assets.texture(name)
    if tile is None or r.w <= 0 or r.h <= 0:
        return
    area = pygame.Surface(r.size, pygame.SRCALPHA)
    tw, th = tile.get_size()
    for x in range(0, r.w, tw):
        for y in range(0, r.h, th):
            area.blit(tile, (x, y))
    if radius:
        mask = pygame.Surface(r.size, pygame.SRCALPHA)
        pygame.draw.rect(mask, (255, 255, 255, 255), mask.get_rect(), border_radius=radius)
        area.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
    surface.blit(area, r.topleft)


def _glow(surface: pygame.Surface, r: pygame.Rect, radius: int, width: int, color) -> None:
    """A soft halo around ``r``: rings of ``color`` fading outwards (chalk light on a board)."""
    halo = pygame.Surface((r.w + 2 * width, r.h + 2 * width), pygame.SRCALPHA)
    steps = max(1, width // 2)
    for i in range(steps, 0, -1):
        grow = round(width * i / steps)
        alpha = round(70 * (1 - i / (steps + 1)) ** 2)
        ring = pygame.Rect(width - grow, width - grow, r.w + 2 * grow, r.h + 2 * grow)
        pygame.draw.rect(halo, (*color, alpha), ring, border_radius=radius + grow)
    surface.blit(halo, (r.x - width, r.y - width))


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
                 hotline: str = "", cards: int | None = None, lang: str = "zh-cn",
                 logo: Picture | None = None) -> pygame.Surface:
    """The slide as a page surface of ``size`` (without the clock)."""
    surface = pygame.Surface(size)
    paint(surface, layout_page(slide, size[0], size[1], theme, fonts, station, hotline, cards, lang, logo),
          fonts)
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
