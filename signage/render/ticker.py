"""The footer ticker: a line of the newest listings (or the announcements) scrolling left.

The strip is drawn once (when its words, the size or the theme change) in four
copies shifted by quarter pixels; each frame only blits a window of it, at a
position computed from the clock (``speed * t``), never by adding a step per
frame, so an uneven frame time does not make it judder, and screens whose
clocks agree scroll in step. Only the ticker's rectangle is updated on the
display.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pygame

from signage.core.model import Snapshot

from .fonts import Fonts
from .geometry import Metrics, Rect, footer_height
from .themes import Theme

SEPARATOR = "　·　"
PHASES = 4  # sub-pixel positions drawn in advance: 0, 1/4, 1/2, 3/4 of a pixel
MAX_ITEMS = 12
MAX_STRIP_PX = 14000  # SDL surfaces stay well inside their limits


def ticker_items(snapshot: Snapshot, today: dt.date, source: str = "listings",
                 announcements: tuple = (), hotline: str = "", keep=None) -> tuple[str, ...]:
    """What the ticker says: the newest current listings (title, pay, settlement) or the
    announcements' titles and texts; the hotline leads, since the ticker covers the footer.
    ``keep``: only listings it accepts (those of the playlist on air), when given."""
    items: list[str] = []
    if hotline:
        items.append(f"求职咨询热线 {hotline}")
    if source == "announcements":
        for spec in announcements:
            items.append("：".join(x for x in (spec.title, spec.text) if x))
    else:
        current = snapshot.current(today)
        if keep is not None:
            current = tuple(x for x in current if keep(x))
        newest = sorted(range(len(current)), key=lambda i: (current[i].starts or dt.date.min, i),
                        reverse=True)
        for i in newest:
            x = current[i]
            words = [f"【新】{x.title}" if x.starts == today else x.title, x.pay_display]
            if x.settlement:
                words.append(x.settlement.zh)
            if x.employer:
                words.append(x.employer)
            items.append(" ".join(w for w in words if w))
    return tuple(items[:MAX_ITEMS])


def ticker_rect(m: Metrics, reserve: int) -> Rect:
    """The footer, less ``reserve`` pixels on the right (for the page number)."""
    h = footer_height(m)
    return Rect(0, m.height - h, m.width - reserve, h)


def offset(now: float, speed: float, period: int) -> float:
    """How far (pixels) the strip has moved at ``now``: a pure function of the clock."""
    return (now * speed) % period if period > 0 else 0.0


@dataclass
class Strip:
    """The ticker's words drawn once, ready to be shown through a window."""

    phases: list[pygame.Surface]
    period: int  # width of one turn of the words, in pixels
    rect: Rect  # where the window goes (logical page coordinates)

    def window(self, now: float, speed: float) -> tuple[pygame.Surface, pygame.Rect]:
        """The surface and the area of it to blit at ``rect`` for time ``now``."""
        x = offset(now, speed, self.period)
        whole = math.floor(x)
        phase = min(PHASES - 1, int((x - whole) * PHASES))
        return self.phases[phase], pygame.Rect(whole, 0, self.rect.w, self.rect.h)


def build(items: tuple[str, ...], m: Metrics, theme: Theme, fonts: Fonts, reserve: int) -> Strip | None:
    """Draw the strip for ``items`` (None when there is nothing to say)."""
    if not items:
        return None
    rect = ticker_rect(m, reserve)
    size = max(m.min_text, m.px(44))
    text = SEPARATOR.join(items) + SEPARATOR
    while len(text) > 2 and fonts.width(text, size) > MAX_STRIP_PX - rect.w - 1:
        items = items[:-1]
        text = SEPARATOR.join(items) + SEPARATOR if items else text[: len(text) // 2]
    period = max(1, round(fonts.width(text, size, True)))
    copies = math.ceil((rect.w + 1) / period) + 1
    base = pygame.Surface((period * copies + 1, rect.h))
    base.fill(theme.footer_bg)
    baseline = (rect.h - round(size * 1.22)) // 2 + round(size * 0.92)
    for c in range(copies):
        fonts.draw(base, (c * period, baseline), text, size, theme.footer_fg, True)
    phases = [base]
    for p in range(1, PHASES):
        # Showing the strip p/PHASES of a pixel further on: blend it with itself one pixel on.
        shifted = base.copy()
        ahead = base.copy()
        ahead.set_alpha(round(255 * p / PHASES))
        shifted.blit(ahead, (-1, 0))
        phases.append(shifted)
    if pygame.display.get_init() and pygame.display.get_surface() is not None:
        phases = [s.convert() for s in phases]
    return Strip(phases, period, rect)
