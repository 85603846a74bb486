"""The geometry pages are built of: rectangles, drawing operations, screen metrics, the pen.

Shared by the page layout (``layout.py``), the other slide kinds (``slides.py``), the badge and
the ticker; nothing here draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .fonts import Fonts
from .themes import RGB, Theme


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def contains(self, other: Rect) -> bool:
        return (self.x <= other.x and self.y <= other.y
                and other.right <= self.right and other.bottom <= self.bottom)

    def inset(self, d: int) -> Rect:
        return Rect(self.x + d, self.y + d, self.w - 2 * d, self.h - 2 * d)


@dataclass(frozen=True)
class Text:
    text: str
    x: int
    baseline: int
    size: int
    color: RGB
    bold: bool
    role: str
    width: int
    top: int
    bottom: int
    face: str = ""  # "hand": the theme's handwriting face (fonts.Fonts.hand), else regular or bold

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.top, self.width, self.bottom - self.top)


@dataclass(frozen=True)
class Box:
    rect: Rect
    color: RGB
    radius: int = 0
    border: int = 0
    border_color: RGB | None = None
    role: str = ""
    texture: str = ""  # an asset drawn over the colour, inside the rounded corners (the blackboard)
    glow: int = 0  # a soft halo this many pixels wide around the box, in the border colour


@dataclass(frozen=True)
class Qr:
    data: str
    x: int
    y: int
    px: int  # pixels per module
    side: int
    role: str = "qr"

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.y, self.side, self.side)


@dataclass(frozen=True)
class Image:
    path: str
    rect: Rect
    role: str = "image"
    version: str = ""  # the file's identity (see parse.images.Picture)


Op = Text | Box | Qr | Image


@dataclass(frozen=True)
class Metrics:
    """Sizes for one screen: ``u`` is one pixel at 1080 lines (times the theme's scale)."""

    width: int
    height: int
    u: float
    s: float

    @classmethod
    def for_size(cls, width: int, height: int, theme: Theme) -> Metrics:
        s = min(width, height) / 1080
        return cls(width, height, s * theme.scale, s)

    def px(self, n: float) -> int:
        """A text size: ``n`` at 1080 lines, scaled."""
        return max(1, round(n * self.u))

    def sp(self, n: float) -> int:
        """A spacing: ``n`` at 1080 lines (not scaled by the theme)."""
        return max(1, round(n * self.s))

    @property
    def min_text(self) -> int:
        """The smallest text: a 30th of the short side (more in the large-print theme)."""
        return math.ceil(min(self.width, self.height) / 30 * self.u / self.s)

    @property
    def min_big(self) -> int:
        """The smallest title or pay: a 15th of the short side."""
        return math.ceil(min(self.width, self.height) / 15 * self.u / self.s)


class _Pen:
    """Places lines of text one under another, measuring with the real fonts."""

    def __init__(self, fonts: Fonts):
        self.fonts = fonts

    def text(self, text: str, x: int, top: int, size: int, color: RGB, bold: bool, role: str,
             face: str = "") -> Text:
        asc = round(size * 0.92)
        return Text(text, x, top + asc, size, color, bold, role,
                    round(self.fonts.width(text, size, bold, face)), top, top + self.line(size), face)

    @staticmethod
    def line(size: int) -> int:
        return round(size * 1.22)


def header_height(m: Metrics) -> int:
    return round(max(m.min_text, m.px(52)) * 1.22) + m.sp(55)


def footer_height(m: Metrics) -> int:
    return round(m.px(44) * 1.22) + m.sp(26)
