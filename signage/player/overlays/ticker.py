"""The footer ticker: the strip of words drawn once, shown through a window that moves with the clock.

The window's position is a pure function of the time (``render.ticker.offset``), never
a step per frame. The next change is when the strip has moved on by a quarter pixel
(the finest step drawn), but no sooner than the frame rate allows.
"""

from __future__ import annotations

import datetime as dt
import math

import pygame

from signage.kinds import registry as kinds
from signage.parse import playlists as playlist_mod
from signage.render import ticker as ticker_mod
from signage.render.geometry import Metrics

from ..transitions import Layer
from . import NEVER, Sprite, View


def playlist_keeps(playlists, name: str):
    """Which listings the playlist on air shows (the night market: only its own), or None."""
    for playlist in playlists.playlists:
        if playlist.name == name:
            filters = [spec.filter for spec in playlist.slides if spec.kind == "jobs"]
            if filters and all(f != playlist_mod.JobFilter() for f in filters):
                return lambda listing: any(f.matches(listing) for f in filters)
    return None


class TickerOverlay:
    newsworthy = False

    def __init__(self) -> None:
        self.strip: ticker_mod.Strip | None = None
        self._strip_key: tuple | None = None
        self._words: tuple | None = None

    def on(self, view: View) -> bool:
        return view.settings.ticker_enabled and kinds.ticker(view.slide.kind)

    def speed(self, view: View) -> float:
        return view.settings.ticker_speed * min(view.logical) / 1080

    def _items(self, view: View, now: float) -> tuple[str, ...]:
        shared = view.shared
        today = dt.date.fromtimestamp(now)
        on_air = view.on.playlist if view.on is not None else ""
        key = (shared.snapshot.version, id(shared.playlists), today, on_air)
        if self._words is None or self._words[0] != key:
            s = view.settings
            self._words = (key, ticker_mod.ticker_items(
                shared.snapshot, today, s.ticker_source, shared.playlists.announcements, s.hotline,
                keep=playlist_keeps(shared.playlists, on_air)))
        return self._words[1]

    def _strip(self, view: View, now: float) -> ticker_mod.Strip | None:
        """Drawn again only when the words or the look change."""
        items = self._items(view, now)
        key = (items, view.theme.name, view.logical, view.slide.pages)
        if key != self._strip_key:
            self._strip_key = key
            lw, lh = view.logical
            m = Metrics.for_size(lw, lh, view.theme)
            reserve = 0
            if view.slide.pages > 1:  # keep the page number ("第 2/5 页") visible
                n = view.slide.pages
                size = max(m.min_text, m.px(44))  # the footer's; a character and a half of it clear
                reserve = round(view.fonts.width(f"第 {n}/{n} 页", size)) + m.sp(40) + round(size * 1.5)
            self.strip = ticker_mod.build(items, m, view.theme, view.fonts, reserve)
        return self.strip

    def sprite(self, view: View, now: float) -> Sprite | None:
        if not self.on(view):
            return None
        strip = self._strip(view, now)
        if strip is None:
            return None
        source, area = strip.window(now, self.speed(view))
        r = strip.rect
        key = (id(source), area.x, self._strip_key)
        if not view.rotation:
            return Sprite(key, Layer(source, (r.x, r.y), area))
        part = pygame.Surface((r.w, r.h))
        part.blit(source, (0, 0), area)
        return Sprite(key, view.place(part, r.x, r.y))

    def next_change(self, view: View, now: float) -> float:
        if not self.on(view) or self.strip is None:
            return NEVER
        x = now * self.speed(view)
        quarter = (math.floor(x * ticker_mod.PHASES) + 1) / ticker_mod.PHASES
        return now + max((quarter - x) / self.speed(view), 1 / view.fps)
