"""Pictures the screen itself draws with, from the top-level ``assets/`` folder.

``assets/chalkboard.png`` is the night market's blackboard: made once by
:func:`make_chalkboard` (``scripts/make_assets.py``) and kept in the repository; when the
file is missing (an install without the repository's folders) the same board is made in
memory. ``station.logo`` in config.yaml names the station's logo, shown in the header.
"""

from __future__ import annotations

import functools
import logging
import random
from pathlib import Path

import pygame
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from signage.parse import images

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parents[2] / "assets"
CHALKBOARD = "chalkboard.png"
LOGO = "logo.png"  # the demo station's logo (config.yaml: station.logo)
BOARD = (22, 38, 30)  # the board's green-black; the chalk dust only ever lightens it a little
TILE = 512


def make_chalkboard(size: int = TILE, seed: int = 10) -> Image.Image:
    """A tileable blackboard: fine grain, faint wiped-off chalk strokes, a little dust."""
    rng = random.Random(seed)
    grain = Image.effect_noise((size, size), 40).filter(ImageFilter.GaussianBlur(0.6))
    board = Image.new("RGB", (size, size), BOARD)
    light = Image.new("RGB", (size, size), (46, 64, 54))
    board = Image.composite(light, board, grain.point(lambda v: max(0, v - 128) // 3))
    big = size * 3  # drawn three tiles wide and blurred there, so the middle tile has no seams
    wipes = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(wipes)
    for _ in range(16):  # long faint arcs where chalk was wiped off, repeated on every tile
        x, y = rng.randrange(size), rng.randrange(size)
        w, h = rng.randrange(size // 3, size), rng.randrange(size // 10, size // 3)
        start, span = rng.randrange(360), rng.randrange(60, 200)
        fill, width = rng.randrange(40, 90), rng.randrange(12, 36)
        for dx in range(0, big + size, size):
            for dy in range(0, big + size, size):
                draw.arc((x + dx - w, y + dy - h, x + dx + w, y + dy + h), start, start + span,
                         fill=fill, width=width)
    wipes = wipes.filter(ImageFilter.GaussianBlur(10)).crop((size, size, 2 * size, 2 * size))
    dust = Image.new("RGB", (size, size), (58, 80, 68))
    return Image.composite(dust, board, wipes)


@functools.cache
def texture(name: str) -> pygame.Surface | None:
    """An asset as a surface (the blackboard made in memory when its file is missing)."""
    path = ASSETS / name
    try:
        if path.is_file():
            return pygame.image.load(str(path))
    except (OSError, pygame.error):
        log.warning("could not read %s; drawing without it", path)
    if name == CHALKBOARD:
        img = make_chalkboard()
        return pygame.image.frombytes(img.tobytes(), img.size, "RGB")
    return None


def lightest(name: str) -> tuple[int, int, int]:
    """The lightest colour of a texture: what text on it must stand out from (contrast)."""
    surface = texture(name)
    if surface is None:
        return BOARD
    w, h = surface.get_size()
    best = max((surface.get_at((x, y))[:3] for x in range(0, w, 2) for y in range(0, h, 2)),
               key=lambda c: 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2])
    return tuple(best)  # type: ignore[return-value]


def logo(path: Path | None) -> images.Picture | None:
    """The station's logo (``station.logo``) vetted for the header, or None (logged) if it may
    not be shown: missing, not a picture, too large."""
    if path is None:
        return None
    try:
        return images.vet(path)
    except (images.Refused, OSError) as exc:
        log.warning("station.logo %s not shown: %s", path, getattr(exc, "en", exc))
        return None


def make_logo(font_path: str, font_index: int = 0, size: int = 256) -> Image.Image:
    """The demo station's logo: 驿 in white on a round blue seal with a gold ring."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((4, 4, size - 4, size - 4), fill=(232, 176, 48, 255))
    draw.ellipse((18, 18, size - 18, size - 18), fill=(11, 47, 94, 255))
    font = ImageFont.truetype(font_path, round(size * 0.58), index=font_index)
    draw.text((size / 2, size / 2), "驿", font=font, fill=(255, 255, 255, 255), anchor="mm")
    return img
