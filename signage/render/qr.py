"""QR codes drawn locally with segno: whole pixels per module, quiet zone kept."""

from __future__ import annotations

import functools

import pygame
import segno

QUIET = 4  # modules of quiet zone on each side, as the standard asks


@functools.lru_cache(maxsize=256)
def matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules for ``data`` (without quiet zone), error correction M or better."""
    code = segno.make_qr(data, error="m", boost_error=True)
    return tuple(tuple(bool(v) for v in row) for row in code.matrix)


def side_modules(data: str) -> int:
    """Width of the code in modules, quiet zone included."""
    return len(matrix(data)) + 2 * QUIET


def module_px(data: str, max_side: int) -> int:
    """The largest whole number of pixels per module that fits ``max_side``."""
    return max(1, max_side // side_modules(data))


def surface(data: str, px: int, dark=(0, 0, 0), light=(255, 255, 255)) -> pygame.Surface:
    """The code as a surface ``side_modules * px`` wide, quiet zone in ``light``."""
    rows = matrix(data)
    n = len(rows) + 2 * QUIET
    small = pygame.Surface((n, n))
    small.fill(light)
    for y, row in enumerate(rows):
        for x, on in enumerate(row):
            if on:
                small.set_at((x + QUIET, y + QUIET), dark)
    return pygame.transform.scale(small, (n * px, n * px))  # nearest neighbour: crisp edges
