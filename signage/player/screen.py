"""One output of the box: its compositor (window), rotation, page cache and place in the programme.

A :class:`Screen` turns "what is on air now" into a frame: it fetches the page (drawn
once, cached), runs the transition (a pure function of progress), asks the overlays
for their sprites, works out which rectangles changed since the last frame and
hands layers and damage to its compositor. A frame in which nothing changed
presents nothing. Several screens share one store and one loop (see loop.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pygame

from signage.core import schedule
from signage.core.model import Slide
from signage.core.settings import Settings
from signage.kinds import registry as kinds
from signage.render import pages as pages_mod
from signage.render import pictures
from signage.render.fonts import Fonts
from signage.render.geometry import Metrics, header_height
from signage.render.look import look
from signage.render.themes import get as get_theme

from . import video as video_mod
from .compositor import Compositor, frames_per_second
from .contain import Faults, SetAside
from .overlays import NEVER, Overlay, Shared, Sprite, View
from .overlays.badge import BadgeOverlay
from .overlays.clock import ClockOverlay
from .overlays.ticker import TickerOverlay
from .transitions import Change, Layer

log = logging.getLogger(__name__)



@dataclass
class Frame:
    """What one screen did in a frame."""

    until: float  # when it will next look different (wall clock)
    presented: bool = False
    news: bool = False  # something /status shows changed (the page, the clock's minute, the badge)
    began: schedule.OnScreen | None = None  # a showing began (for the play log and metrics)
    clip_ended: tuple | None = None  # (clip, frames shown, dropped, decoder) of a clip that ended


def _animated(slide: Slide) -> bool:
    """A slide of moving pictures (a clip): played, not drawn once and cached."""
    kind = kinds.find(slide.kind)
    return kind is not None and kind.animated and slide.clip is not None


class Screen:
    def __init__(self, index: int, settings: Settings, fonts: Fonts, compositor: Compositor,
                 faults: Faults, set_aside: SetAside):
        self.index = index  # 0-based output of this box
        self.fonts = fonts
        self.compositor = compositor
        self.faults = faults
        self.set_aside = set_aside
        self.clock_overlay, self.ticker, self.badge = ClockOverlay(), TickerOverlay(), BadgeOverlay()
        self.overlays: list[Overlay] = [self.clock_overlay, self.ticker, self.badge]
        self.clips = video_mod.Clips()  # the clip playing and the next one
        self._clip_ended: tuple | None = None
        self.configure(settings)

    # ----------------------------------------------------------- setup

    def configure(self, settings: Settings) -> None:
        """Take (new) settings: a new page cache and programme for this screen's size."""
        self.settings = settings
        self.fps = frames_per_second(settings.fps, self.compositor)
        self.slot = (settings.screen_index, settings.screen_count)  # (k, n), k 0-based
        lw, lh = self.logical_size
        shape = look(settings, self.fonts, (lw, lh))
        self.programme = shape.programme
        pictures.cache.box = (lw, lh)  # pictures are decoded no larger than they are drawn
        self.cache = pages_mod.PageCache(self.fonts, shape.style, (lw, lh), settings.rotation)
        self._clip_ended = self.clips.configure((lw, lh), self.compositor.size,
                                                settings.rotation) or self._clip_ended
        self.on: schedule.OnScreen | None = None
        self._on_key: tuple | None = None
        self.shown: Slide | None = None
        self.page: pygame.Surface | None = None
        self.change: Change | None = None
        self.page_ok = True
        self._showing: tuple | None = None
        self._prerendered_for: float | None = None
        self._sprites: list[tuple | None] = []
        self.repaint()

    def repaint(self) -> None:
        """Draw the whole frame next time (a window exposed, resized, or new content)."""
        self._whole = True
        self._prerendered_for = None

    @property
    def logical_size(self) -> tuple[int, int]:
        w, h = self.compositor.size
        return (h, w) if self.settings.rotation in (90, 270) else (w, h)

    # ----------------------------------------------------------- programme

    def on_screen(self, now: float, shared: Shared) -> schedule.OnScreen:
        """What this screen shows at ``now``; reused until its next change or new content."""
        key = (shared.snapshot.version, id(shared.playlists), shared.step, self.programme)
        on = self.on
        if on is not None and key == self._on_key and on.started_at <= now < on.next_change:
            return on
        on = self.schedule_at(now, shared)
        self._on_key = key
        return on

    def schedule_at(self, now: float, shared: Shared) -> schedule.OnScreen:
        return schedule.at(now, shared.snapshot, self.programme, shared.step,
                           playlists=shared.playlists, screen=self.slot)

    # ----------------------------------------------------------- the frame

    def frame(self, now: float, shared: Shared) -> Frame:
        """Draw what is due at ``now``; present only what changed."""
        on = self.on = self.on_screen(now, shared)
        out = Frame(until=on.next_change, news=self._whole)  # new content, new settings: news
        if on.slide != self.shown:
            self._begin(on.slide, now)
            out.news = True
        if self._showing != (on.started_at, on.slide):
            self._showing = (on.started_at, on.slide)
            out.began = on if self.page_ok else None
        ended: list[pygame.Rect] = []  # the last frame of a change: what it changed, or all
        if self.change is not None and self.change.done(now):
            if self.change.area is None:
                self._whole = True
            else:
                ended.append(self.change.area)
            self.change = None
        view = self.view(now, shared)
        sprites = [ov.sprite(view, now) for ov in self.overlays]
        damage, out.news = self._damage(sprites, out.news, ended)
        assert self.page is not None  # a slide was begun above
        playing = self.change is None and self._playing()
        layers = self.change.layers(now) if self.change else \
            (self._clip_layers(now, damage) if playing else [Layer(self.page)])
        layers += [s.layer for s in sprites if s is not None]
        self.compositor.compose(layers, damage)
        out.presented = damage is None or bool(damage)
        self._whole = False
        if self.change is not None:
            out.until = now + 1 / self.fps
        elif playing:
            out.until = min(out.until, self.clips.next_due(now))
        for overlay in self.overlays:
            out.until = min(out.until, overlay.next_change(view, now))
        if self.change is None:  # drawing a page takes tens of ms: not in the middle of a transition
            self._prerender_next(on, shared)
        if not self.clips.draw_ahead():  # the next clip's first frame is not decoded yet
            out.until = min(out.until, now + 0.1)
        out.clip_ended, self._clip_ended = self._clip_ended, None
        return out

    def view(self, now: float, shared: Shared) -> View:
        shown = self.shown
        assert shown is not None  # frame() begins a slide before it asks for the view
        theme = get_theme(shown.theme or self.settings.theme)
        return View(shown, self.on, theme, self.logical_size, self.settings.rotation,
                    self.settings, self.fonts, shared, self.fps)

    def _damage(self, sprites: list[Sprite | None], news: bool, changed: list[pygame.Rect]
                ) -> tuple[list[pygame.Rect] | None, bool]:
        """The panel rectangles that changed since the last frame (None: all of it)."""
        now_drawn = [None if s is None else (s.key, s.layer.rect) for s in sprites]
        before = self._sprites if len(self._sprites) == len(sprites) else [None] * len(sprites)
        self._sprites = now_drawn
        # (a change of the whole panel, area None, presents all of it below)
        damage = changed + ([self.change.area] if self.change is not None and self.change.area is not None
                            else [])
        for overlay, old, new in zip(self.overlays, before, now_drawn, strict=True):
            if old == new:
                continue
            for drawn in (old, new):
                if drawn is not None and drawn[1] not in damage:
                    damage.append(drawn[1])
            news = news or overlay.newsworthy
        if self._whole or (self.change is not None and self.change.area is None):
            return None, news
        return damage, news

    def _begin(self, slide: Slide, now: float) -> None:
        if self.clips.slide is not None and slide != self.clips.slide:
            self.page = self.clips.last_frame()  # the panel as the clip left it
            self._clip_ended = self.clips.stop()
        playing = self.clips.slide is not None  # the same clip drawn again
        new = self._page(slide)
        s = self.settings
        if self.page is None or s.transition == "none" or s.transition_seconds <= 0:
            self.change = None
            self._whole = True
        else:
            area = self._changing_area(self.shown, slide) if s.transition == "crossfade" else None
            self.change = Change(self.page, new, now, s.transition_seconds, s.transition, area)
        if _animated(slide) and self.clips.slide is not None and not playing:
            # frame 0 is due when the transition to it ends
            self.clips.started = now + (s.transition_seconds if self.change else 0.0)
        self.shown, self.page = slide, new

    def _clip_layers(self, now: float, damage: list[pygame.Rect] | None) -> list[Layer]:
        """The clip's frame due now over its page; a new frame's rectangle joins ``damage``."""
        frame_rect = self.clips.advance(now)
        if frame_rect is not None and damage is not None:
            damage.append(frame_rect)
        return self.clips.layers()

    def _playing(self) -> bool:
        return self.clips.slide is not None and self.shown == self.clips.slide

    def _changing_area(self, old: Slide | None, new: Slide) -> pygame.Rect | None:
        """Below the header, when both pages have the same header; else None (everything)."""
        if old is None or not (kinds.chrome(old.kind) and kinds.chrome(new.kind)) or old.theme != new.theme:
            return None
        lw, lh = self.logical_size
        top = header_height(Metrics.for_size(lw, lh, get_theme(new.theme or self.settings.theme)))
        return pygame.Rect(pages_mod.physical_rect(0, top, lw, lh - top, (lw, lh), self.settings.rotation))

    # ----------------------------------------------------------- pages

    def _page(self, slide: Slide) -> pygame.Surface:
        """The page for ``slide``; a slide that cannot be drawn leaves the previous page up."""
        page = self._try_page(slide)
        self.page_ok = page is not None
        if page is not None:
            return page
        if self.page is not None:
            return self.page
        return self._fallback_page()

    def _try_page(self, slide: Slide) -> pygame.Surface | None:
        """Draw (or fetch) a page; None when it fails or is set aside.

        A slide failing three times in a row is set aside (not even tried) for a while.
        """
        if not self.set_aside.usable(slide):
            return None
        try:
            page = self.clips.begin(slide) if _animated(slide) else self.cache.get(slide)
        except Exception as exc:
            self.faults.report(f"drawing a {slide.kind} slide", exc)
            if self.set_aside.failed(slide):
                log.warning("a %s slide keeps failing; it is set aside for %d s",
                            slide.kind, self.set_aside.seconds)
            return None
        self.set_aside.succeeded(slide)
        return page

    def _fallback_page(self) -> pygame.Surface:
        """Something to show when the very first slide fails: the empty page, or plain colour."""
        try:
            return self.cache.get(Slide("empty", theme=self.settings.theme))
        except Exception as exc:
            self.faults.report("drawing the empty page", exc)
            page = pygame.Surface(self.compositor.size)
            page.fill(get_theme(self.settings.theme).page_bg)
            return page

    def _prerender_next(self, on: schedule.OnScreen, shared: Shared) -> None:
        """Draw the next page now, in idle time, so the change costs no rendering."""
        if self._prerendered_for == on.next_change:
            return
        self._prerendered_for = on.next_change
        try:
            upcoming = self.schedule_at(on.next_change + 0.001, shared)
        except Exception as exc:
            self.faults.report("scheduling the next page", exc)
            return
        if upcoming.slide == on.slide:
            return
        if _animated(upcoming.slide):
            if self.set_aside.usable(upcoming.slide):
                self.clips.prepare(upcoming.slide)
        else:
            self.clips.forget_next()  # content changed: a clip prepared is not next any more
            page = self._try_page(upcoming.slide)
            if page is not None:
                self.compositor.prepare(page)

    def drawn(self, overlay: Overlay) -> pygame.Rect | None:
        """Where ``overlay``'s sprite went in the last frame (None: not drawn)."""
        got = self._sprites[self.overlays.index(overlay)] if self._sprites else None
        return None if got is None else got[1]

    def grab(self) -> pygame.Surface:
        """What the panel shows now (for /screenshot.png and tests)."""
        return self.compositor.grab()


__all__ = ["NEVER", "Frame", "Screen"]
