"""The staff badge: a small amber note in a corner saying that some files have problems.

It is meant for staff walking past, not for job seekers, so it is small (the
smallest text size allowed, a 30th of the screen's short side) and sits in the
footer band, beside the page number. The warning sign is drawn as a shape (a
round amber dot with "!"), since the CJK font may not have the ⚠ glyph.
``layout_badge`` is pure (ops); ``render_badge`` paints it for the compositor.
"""

from __future__ import annotations

from collections.abc import Collection

import pygame

from signage.core.model import Problem, Severity

from .draw import _shift, paint
from .fonts import Fonts
from .geometry import Box, Metrics, Op, Rect, Text, footer_height, header_height
from .themes import RGB, Theme

AMBER: RGB = (255, 196, 0)
INK: RGB = (20, 20, 20)


def badge_state(problems: Collection[Problem], stale_sources: Collection[str]) -> tuple[int, bool] | None:
    """(files with errors or duplicates, whether some show their last good copy), or None when all is well."""
    files = {p.where.source.split(" [")[0] for p in problems
             if p.severity is Severity.ERROR or p.code == "duplicate"}
    return (len(files), bool(stale_sources)) if files else None


def badge_text(problem_count: int, stale: bool) -> str:
    text = f"{problem_count} 个文件有问题"
    return text + "，显示旧内容" if stale else text


def layout_badge(problem_count: int, stale: bool, metrics: Metrics, theme: Theme, fonts: Fonts,
                 corner: str = "bottom-right") -> list[Op]:
    """The badge's ops in page coordinates, or [] when there is nothing to say."""
    if problem_count <= 0:
        return []
    m = metrics
    size = m.min_text
    text = badge_text(problem_count, stale)
    line = round(size * 1.22)
    pad = m.sp(14)
    dot = line
    h = line + 2 * m.sp(6)
    w = pad + dot + m.sp(12) + round(fonts.width(text, size, True)) + pad
    margin = m.sp(40)
    if corner.startswith("bottom"):
        band_top, band_h = m.height - footer_height(m), footer_height(m)
    else:
        band_top, band_h = header_height(m), h + 2 * m.sp(12)  # just under the header
    y = band_top + (band_h - h) // 2
    if corner.endswith("left"):
        x = margin
    else:
        # leave room for the page number at the right of the footer, up to "第 888/888 页"
        reserve = round(fonts.width("第 888/888 页", max(m.min_text, m.px(44)))) + m.sp(40) \
            if corner == "bottom-right" else 0
        x = m.width - margin - reserve - w
    x = max(0, x)
    dy = y + (h - dot) // 2
    bang_w = round(fonts.width("!", size, True))
    return [
        Box(Rect(x, y, w, h), AMBER, radius=h // 2, role="staff-badge"),
        Box(Rect(x + pad, dy, dot, dot), INK, radius=dot // 2, role="staff-badge-dot"),
        Text("!", x + pad + (dot - bang_w) // 2, dy + round(size * 0.92) + (dot - line) // 2, size,
             AMBER, True, "staff-badge-mark", bang_w, dy, dy + dot),
        Text(text, x + pad + dot + m.sp(12), y + m.sp(6) + round(size * 0.92), size, INK, True,
             "staff-badge-text", round(fonts.width(text, size, True)), y + m.sp(6), y + m.sp(6) + line),
    ]


def render_badge(problem_count: int, stale: bool, size: tuple[int, int], theme: Theme, fonts: Fonts,
                 corner: str = "bottom-right") -> tuple[pygame.Surface, Rect] | None:
    """The badge as a small surface (with transparent corners) and its logical rect."""
    ops = layout_badge(problem_count, stale, Metrics.for_size(size[0], size[1], theme), theme, fonts,
                       corner)
    if not ops:
        return None
    rect = ops[0].rect
    surface = pygame.Surface((rect.w, rect.h), pygame.SRCALPHA)
    paint(surface, [_shift(op, -rect.x, -rect.y) for op in ops], fonts)
    return surface, rect
