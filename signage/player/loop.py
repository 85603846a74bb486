"""The imperative shell: the pygame loop that puts slides on the TV.

Only this module's main thread touches the display. Other threads (folder
watcher, feed poller) send :class:`Update` values through ``inbox``; the loop
applies them to the ContentStore between frames. Idle frames cost nothing: the
loop sleeps until the next page change, the next minute (clock), new content or
a key press; only transitions run at the frame rate.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pygame

from signage.app.config import Settings
from signage.core import schedule
from signage.core.model import Problem, Severity, Slide, Snapshot, SourceResult
from signage.core.store import ContentStore, Update  # noqa: F401 - Update is posted to the player
from signage.kinds import registry as kinds
from signage.parse import playlists as playlist_mod
from signage.render import badge as badge_mod
from signage.render import pages as pages_mod
from signage.render import pictures
from signage.render import ticker as ticker_mod
from signage.render.fonts import Fonts, glyph_problem
from signage.render.geometry import Metrics, header_height
from signage.render.layout import cards_per_page
from signage.render.themes import get as get_theme

from .contain import Faults, SetAside

log = logging.getLogger(__name__)

IDLE_POLL = 0.1  # seconds between event checks while idle (10 cheap wake-ups a second)
PLAYLIST_CHECK = 1.0  # seconds between looks (a cheap stat) at the playlist files


@dataclass
class Transition:
    old: pygame.Surface
    new: pygame.Surface
    started: float
    seconds: float
    kind: str
    area: pygame.Rect | None = None  # the part of the panel that changes (None: all of it)
    shown: float = 0.0  # how much of ``new`` the panel shows now, 0..1

    def progress(self, now: float) -> float:
        if self.seconds <= 0:
            return 1.0
        return min(1.0, max(0.0, (now - self.started) / self.seconds))


def ease(t: float) -> float:
    """Smoothstep: starts and ends gently."""
    return t * t * (3 - 2 * t)


@dataclass
class Stats:
    frames: int = 0
    frame_times: list[float] = field(default_factory=list)


class Player:
    def __init__(self, settings: Settings, fonts: Fonts, inbox: queue.Queue | None = None,
                 clock: Callable[[], float] = time.time, status=None, faults: Faults | None = None):
        self.settings = settings
        # Plug-ins (metrics, play log, systemd watchdog): objects with any of the methods
        # frame_drawn(player, seconds), slide_shown(player, on, now), loop_tick(player),
        # content_applied(player, results, snapshot), config_reloaded(player, ok), stopped(player).
        self.observers: list = []
        self.faults = faults or Faults(log)
        self.set_aside = SetAside(clock=clock)  # slides that keep failing to draw
        self._showing: tuple | None = None  # (started_at, slide) of the showing last announced
        self._page_ok = True
        self.alive_at: float | None = None  # monotonic time of the last frame() that returned
        self.fonts = fonts
        self.inbox: queue.Queue = inbox or queue.Queue()
        self.clock = clock
        self.status = status
        self.store = ContentStore()
        self.step = 0
        self.running = False
        self.stop_requested = False  # a stop before run() (SIGTERM during start-up) holds
        self.stats = Stats()
        self.screen: pygame.Surface | None = None
        self.cache: pages_mod.PageCache | None = None
        self._shown: Slide | None = None
        self._shown_surface: pygame.Surface | None = None
        self._transition: Transition | None = None
        self._clock_minute: tuple | None = None
        self._clock_cache: tuple | None = None
        self._font_problems: tuple[Problem, ...] = ()
        self._on: schedule.OnScreen | None = None
        self._prerendered_for: float | None = None
        self.fullscreen = settings.fullscreen
        self.first_frame_at: float | None = None
        # more sections for /status (e.g. the feeds' health), each a function returning a dict
        self.extra_state: list[Callable[[], dict]] = []
        # Playlists: re-read when a file's size or mtime changes (checked once a second).
        self.playlists = playlist_mod.load_dir(settings.playlists_dir)
        self._playlists_print = playlist_mod.fingerprint(settings.playlists_dir, self.playlists.pictures)
        self._playlists_checked = time.monotonic()
        self.screen_slot = (settings.screen_index, settings.screen_count)  # (k, n), k 0-based
        self.window: pygame.Window | None = None  # set in multi-output mode (see outputs.py)
        self._on_key: tuple | None = None
        self._strip: ticker_mod.Strip | None = None
        self._strip_key: tuple | None = None
        self._ticker_words: tuple | None = None
        self._badge_want: tuple[int, bool] | None = None  # (files with errors, stale) to show
        self._badge_drawn: tuple | None = None  # (state, physical rect) on screen now

    # ----------------------------------------------------------- setup

    @property
    def logical_size(self) -> tuple[int, int]:
        w, h = self.screen.get_size() if self.screen else self.settings.size
        return (h, w) if self.settings.rotation in (90, 270) else (w, h)

    def open_display(self) -> None:
        pygame.display.init()
        pygame.freetype.init()
        flags = pygame.FULLSCREEN if self.fullscreen else 0
        size = (0, 0) if self.fullscreen else self._window_size()
        displays = pygame.display.get_num_displays() or 1
        index = min(max(0, self.settings.display_index), displays - 1)
        self.screen = pygame.display.set_mode(size, flags, display=index)
        pygame.display.set_caption(self.settings.station_name)
        pygame.mouse.set_visible(False)
        pygame.event.set_allowed([pygame.QUIT, pygame.KEYDOWN, pygame.WINDOWRESIZED,
                                  pygame.WINDOWEXPOSED])
        self._new_cache()

    def _window_size(self) -> tuple[int, int]:
        w, h = self.settings.size
        return (h, w) if self.settings.rotation in (90, 270) else (w, h)

    def _new_cache(self) -> None:
        lw, lh = self.logical_size
        theme = get_theme(self.settings.theme)
        cards = cards_per_page(lw, lh, theme, self.settings.cards_per_page)
        style = pages_mod.PageStyle(self.settings.station_name, self.settings.hotline, cards,
                                    self.settings.theme)
        self.programme = schedule.Programme(cards, self.settings.page_seconds, self.settings.theme,
                                            lh > lw)
        pictures.cache.box = (lw, lh)  # pictures are decoded no larger than they are drawn
        pictures.warm_later(self.playlists.named_pictures)  # not on the frame loop's thread
        self._strip_key = None
        self._strip = None  # a ticker turned off by a reload frees its strip
        self.cache = pages_mod.PageCache(self.fonts, style, (lw, lh), self.settings.rotation)
        self._shown = None
        self._transition = None

    # ----------------------------------------------------------- content

    def load(self, results: Iterable[SourceResult]) -> None:
        """Take in an initial set of reads (before or while running)."""
        self._apply(Update(tuple(results)))

    def _apply(self, update: Update) -> None:
        before = self.store.snapshot.version
        snap = self.store.apply_many(update.results, update.removed)
        self._notify("content_applied", update.results, snap)
        if snap.version != before:
            self._font_problems = tuple(self._check_glyphs(snap))
            self._badge_want = badge_mod.badge_state(self.problems, snap.stale_sources) \
                if self.settings.staff_badge else None
            log.info("content v%d: %d listings, %d problems", snap.version, len(snap.listings),
                     len(snap.problems))
            self._prerendered_for = None

    def _check_glyphs(self, snap: Snapshot) -> Iterable[Problem]:
        # Listings are immutable and kept by the store across snapshots: check only new ones
        # (at 10,000 listings, checking all took 0.4 s of the loop on every change).
        seen, self._glyphs_checked = getattr(self, "_glyphs_checked", {}), {}
        for listing in snap.listings:
            hit = seen.get(id(listing))
            missing = hit[1] if hit is not None and hit[0] is listing \
                else self.fonts.missing(listing.all_text())
            self._glyphs_checked[id(listing)] = (listing, missing)
            if missing:
                yield glyph_problem(listing, missing)

    def drain_inbox(self, first=None) -> bool:
        """Apply everything waiting in the inbox (and ``first``, already taken from it)."""
        changed = False
        item = first
        while True:
            if item is None:
                try:
                    item = self.inbox.get_nowait()
                except queue.Empty:
                    return changed
            try:
                if isinstance(item, Update):
                    self._apply(item)
                elif isinstance(item, SourceResult):
                    self._apply(Update((item,)))
                elif callable(item):
                    item(self)
                changed = True
            except Exception as exc:
                # the screen keeps what it had
                self.faults.report(f"applying {type(item).__name__}", exc)
            item = None

    def _notify(self, hook: str, *args) -> None:
        for observer in self.observers:
            fn = getattr(observer, hook, None)
            if fn is not None:
                try:
                    fn(self, *args)
                except Exception as exc:
                    self.faults.report(f"{type(observer).__name__}.{hook}", exc)

    def stop(self) -> None:
        """End the loop soon (safe from a signal handler); it ends within one idle wake-up."""
        self.stop_requested = True
        self.running = False

    def post(self, item) -> None:
        """Hand something to the loop from any thread, and wake it.

        Pictures of new content are decoded here, in the poster's thread (the watcher's, a
        feed poller's), so the frame loop finds them decoded (see render.pictures).
        """
        if isinstance(item, (Update, SourceResult)):
            pictures.warm(item.results if isinstance(item, Update) else (item,))
        self.inbox.put(item)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.store.snapshot.problems + self.playlists.problems + self._font_problems

    # ----------------------------------------------------------- programme

    def check_playlists(self, force: bool = False) -> bool:
        """Re-read the playlist files if any changed (a stat of each, at most once a second)."""
        mono = time.monotonic()
        if not force and mono - self._playlists_checked < PLAYLIST_CHECK:
            return False
        self._playlists_checked = mono
        fp = playlist_mod.fingerprint(self.settings.playlists_dir, self.playlists.pictures)
        if fp == self._playlists_print and not force:
            return False
        self.playlists = playlist_mod.load_dir(self.settings.playlists_dir)
        self._playlists_print = playlist_mod.fingerprint(self.settings.playlists_dir, self.playlists.pictures)
        pictures.warm_later(self.playlists.named_pictures)  # not on the frame loop's thread
        self._on_key = None
        self._prerendered_for = None
        log.info("playlists re-read: %d playlists%s, %d problems", len(self.playlists.playlists),
                 ", urgent message" if self.playlists.urgent else "", len(self.playlists.problems))
        return True

    def on_screen(self, now: float) -> schedule.OnScreen:
        """What this screen shows at ``now``; reused until its next change or new content."""
        key = (self.store.snapshot.version, id(self.playlists), self.step, self.programme)
        on = self._on
        if on is not None and key == self._on_key and on.started_at <= now < on.next_change:
            return on
        on = self._schedule_at(now)
        self._on_key = key
        return on

    def _schedule_at(self, now: float) -> schedule.OnScreen:
        return schedule.at(now, self.store.snapshot, self.programme, self.step,
                           playlists=self.playlists, screen=self.screen_slot)

    def _flip(self) -> None:
        if self.window is not None:
            self.window.flip()
        else:
            pygame.display.flip()

    def _update(self, rect: pygame.Rect) -> None:
        if self.window is not None:
            self.window.flip()  # a Window has no partial update; its flip copies the surface
        else:
            pygame.display.update(rect)

    # ----------------------------------------------------------- the loop

    def run(self, max_seconds: float | None = None) -> None:
        if self.screen is None and not self.stop_requested:
            self.open_display()
        self.running = not self.stop_requested
        started = time.monotonic()
        try:
            while self.running:
                self.drain_inbox()
                self._handle_events()
                if not self.running:
                    break
                try:
                    wait = self.frame()
                    self.alive_at = time.monotonic()  # the systemd watchdog is fed from this
                except Exception as exc:  # the loop itself must survive anything a frame does
                    self.faults.report("frame", exc)
                    wait = IDLE_POLL
                self._notify("loop_tick")
                if max_seconds is not None and time.monotonic() - started >= max_seconds:
                    break
                if wait > 0 and self.running:
                    self._sleep(wait)
        finally:
            self.running = False
            self._notify("stopped")

    def _sleep(self, seconds: float) -> None:
        """Sleep until ``seconds`` pass, content arrives, or it is time to look at events."""
        seconds /= getattr(self.clock, "rate", 1.0)  # a compressed clock (bench/soak.py)
        try:
            item = self.inbox.get(timeout=min(seconds, IDLE_POLL))
        except queue.Empty:
            return
        self.drain_inbox(first=item)

    def _handle_events(self) -> None:
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self.running = False
            elif event.type == pygame.KEYDOWN:
                if event.key in (pygame.K_q, pygame.K_ESCAPE):
                    self.running = False
                elif event.key in (pygame.K_RIGHT, pygame.K_DOWN, pygame.K_PAGEDOWN, pygame.K_SPACE):
                    self.step += 1
                elif event.key in (pygame.K_LEFT, pygame.K_UP, pygame.K_PAGEUP):
                    self.step -= 1
                elif event.key == pygame.K_f:
                    self.toggle_fullscreen()
            elif event.type in (pygame.WINDOWRESIZED, pygame.WINDOWEXPOSED):
                self._shown = None  # repaint whole

    def apply_settings(self, settings: Settings) -> None:
        """Take new settings (SIGHUP): reopen the window if its geometry changed, redraw pages."""
        geometry = ("fullscreen", "size", "display_index", "rotation")
        old = self.settings
        self.settings = settings
        if self.screen is not None and any(getattr(old, k) != getattr(settings, k) for k in geometry):
            self.fullscreen = not settings.fullscreen
            self.toggle_fullscreen()  # sets the mode anew and rebuilds the page cache
        else:
            self._new_cache()
        self._prerendered_for = None
        self._clock_minute = None

    def toggle_fullscreen(self) -> None:
        if self.window is not None:  # multi-output windows stay as they are
            return
        self.fullscreen = not self.fullscreen
        flags = pygame.FULLSCREEN if self.fullscreen else 0
        size = (0, 0) if self.fullscreen else self._window_size()
        self.screen = pygame.display.set_mode(size, flags, display=self.settings.display_index)
        self._new_cache()

    def frame(self) -> float:
        """Draw what is due now; return how long the loop may sleep."""
        t0 = time.perf_counter()
        now = self.clock()
        self.check_playlists()
        on = self.on_screen(now)
        self._on = on
        drew = ticked = False
        if on.slide != self._shown:
            self._begin(on.slide, now)
            drew = True
        if self._showing != (on.started_at, on.slide):
            self._showing = (on.started_at, on.slide)
            if self._page_ok:
                self._notify("slide_shown", on, now)
        if self._transition is not None:
            self._draw_transition(now)
            drew = True
        elif drew:
            self.screen.blit(self._shown_surface, (0, 0))
            self._draw_clock(now, force=True, update=False)
            self._draw_ticker(now, update=False)
            self._draw_badge(repaint=True)
            self._flip()
        else:
            drew = self._draw_clock(now)
            ticked = self._draw_ticker(now)
            drew = self._draw_badge() or drew
        if drew or ticked:
            self.stats.frames += 1
            self.stats.frame_times.append(time.perf_counter() - t0)
            self._notify("frame_drawn", self.stats.frame_times[-1])
            if len(self.stats.frame_times) > 10_000:
                del self.stats.frame_times[:5_000]
            if self.first_frame_at is None:
                self.first_frame_at = time.time()
                log.info("first frame %.2f s after the process started", self.first_frame_seconds)
        if drew:  # not for a ticker step alone: /status need not change 60 times a second
            self._publish(now)
        if self._transition is not None or self._ticker_on():
            self._prerender_next(on)
            return 0.0 if self.settings.fps <= 0 else self._frame_wait(t0)
        self._prerender_next(on)
        next_minute = (int(now // 60) + 1) * 60
        return max(0.0, min(on.next_change, next_minute) - self.clock())

    def _frame_wait(self, t0: float) -> float:
        return max(0.0, 1 / self.settings.fps - (time.perf_counter() - t0))

    def _begin(self, slide: Slide, now: float) -> None:
        new = self._page(slide)
        if self._shown_surface is None or self.settings.transition == "none" \
                or self.settings.transition_seconds <= 0:
            self._transition = None
        else:
            self._transition = Transition(self._shown_surface, new, now,
                                          self.settings.transition_seconds, self.settings.transition,
                                          self._changing_area(self._shown, slide))
        self._shown, self._shown_surface = slide, new

    def _changing_area(self, old: Slide | None, new: Slide) -> pygame.Rect | None:
        """Below the header, when both pages have the same header; else None (everything)."""
        if old is None or not (kinds.chrome(old.kind) and kinds.chrome(new.kind)) or old.theme != new.theme:
            return None
        lw, lh = self.logical_size
        top = header_height(Metrics.for_size(lw, lh, get_theme(new.theme or self.settings.theme)))
        return pygame.Rect(pages_mod.physical_rect(0, top, lw, lh - top, (lw, lh), self.settings.rotation))

    def _page(self, slide: Slide) -> pygame.Surface:
        """The page for ``slide``; a slide that cannot be drawn leaves the previous page up."""
        page = self._try_page(slide)
        self._page_ok = page is not None
        if page is not None:
            return page
        if self._shown_surface is not None:
            return self._shown_surface
        return self._fallback_page()

    def _try_page(self, slide: Slide) -> pygame.Surface | None:
        """Draw (or fetch) a page; None when it fails or is set aside.

        A slide failing three times in a row is set aside (not even tried) for a while.
        """
        if not self.set_aside.usable(slide):
            return None
        try:
            page = self.cache.get(slide)
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
            page = pygame.Surface(self.screen.get_size())
            page.fill(get_theme(self.settings.theme).page_bg)
            return page

    def _draw_transition(self, now: float) -> None:
        tr = self._transition
        t = ease(tr.progress(now))
        if t >= 1.0:
            self._transition = None
            self.screen.blit(tr.new, (0, 0))
            self._draw_clock(now, force=True, update=False)
            self._draw_ticker(now, update=False)
            self._draw_badge(repaint=True)
            self._flip()
            return
        area = tr.area or self.screen.get_rect()
        if tr.kind == "slide":
            w = self.screen.get_width()
            dx = round(w * t)
            self.screen.blit(tr.old, (-dx, 0))
            self.screen.blit(tr.new, (w - dx, 0))
            area = self.screen.get_rect()
        else:
            # Crossfade by blending the new page over what the panel shows, a little more each
            # frame: one blend of the changing area per frame, no copy of the old page.
            alpha = round(255 * (1 - (1 - t) / (1 - tr.shown))) if tr.shown < 1 else 255
            if alpha > 0:
                tr.new.set_alpha(alpha)
                self.screen.blit(tr.new, area.topleft, area)
                tr.new.set_alpha(None)
                tr.shown = 1 - (1 - tr.shown) * (1 - alpha / 255)
        if tr.area is None:
            self._draw_clock(now, force=True, update=False)
        self._draw_ticker(now, update=False)
        self._draw_badge(repaint=True)
        if area == self.screen.get_rect():
            self._flip()
        else:
            self._update(area)

    def _draw_clock(self, now: float, force: bool = False, update: bool = True) -> bool:
        """Draw the header clock over the page; only its small rectangle goes to the screen."""
        if self._shown is None or not kinds.chrome(self._shown.kind):  # the clock is in the header
            return False
        local = dt.datetime.fromtimestamp(now)
        minute = (local.year, local.month, local.day, local.hour, local.minute)
        if minute == self._clock_minute and not force:
            return False
        self._clock_minute = minute
        theme = self._shown.theme or self.settings.theme
        key = (minute, theme, self.logical_size)
        if self._clock_cache is None or self._clock_cache[0] != key:
            lw, lh = self.logical_size
            surf, (x, y) = pages_mod.draw.render_clock(local, (lw, lh), get_theme(theme), self.fonts)
            rect = pygame.Rect(pages_mod.physical_rect(x, y, *surf.get_size(), (lw, lh),
                                                       self.settings.rotation))
            surf = pages_mod.rotate(surf, self.settings.rotation)
            if pygame.display.get_surface() is not None:
                surf = surf.convert()
            self._clock_cache = (key, surf, rect)
        _, surf, rect = self._clock_cache
        self.screen.blit(surf, rect)
        if update:
            self._update(rect)
        return True

    def _ticker_on(self) -> bool:
        return (self.settings.ticker_enabled and self._shown is not None
                and kinds.ticker(self._shown.kind))

    def _playlist_keeps(self, name: str):
        """Which listings the playlist on air shows (the night market: only its own), or None."""
        for playlist in self.playlists.playlists:
            if playlist.name == name:
                filters = [spec.filter for spec in playlist.slides if spec.kind == "jobs"]
                if filters and all(f != playlist_mod.JobFilter() for f in filters):
                    return lambda listing: any(f.matches(listing) for f in filters)
        return None

    def _ticker_strip(self, now: float) -> ticker_mod.Strip | None:
        """The ticker's strip for the page shown, drawn again only when its words or look change."""
        theme = get_theme(self._shown.theme or self.settings.theme)
        today = dt.date.fromtimestamp(now)
        on_air = self._on.playlist if self._on is not None else ""
        words_key = (self.store.snapshot.version, id(self.playlists), today, on_air)
        if self._ticker_words is None or self._ticker_words[0] != words_key:
            self._ticker_words = (words_key, ticker_mod.ticker_items(
                self.store.snapshot, today, self.settings.ticker_source,
                self.playlists.announcements, self.settings.hotline,
                keep=self._playlist_keeps(on_air)))
        items = self._ticker_words[1]
        lw, lh = self.logical_size
        m = Metrics.for_size(lw, lh, theme)
        reserve = 0
        if self._shown.pages > 1:  # keep the page number ("第 2/5 页") visible
            n = self._shown.pages
            reserve = round(self.fonts.width(f"第 {n}/{n} 页", max(m.min_text, m.px(44)))) + m.sp(80)
        key = (items, theme.name, lw, lh, reserve)
        if key != self._strip_key:
            self._strip_key = key
            self._strip = ticker_mod.build(items, m, theme, self.fonts, reserve)
        return self._strip

    def _draw_ticker(self, now: float, update: bool = True) -> bool:
        """Blit this instant's window of the ticker strip over the footer; update only its rect."""
        if not self._ticker_on():
            return False
        strip = self._ticker_strip(now)
        if strip is None:
            return False
        lw, lh = self.logical_size
        speed = self.settings.ticker_speed * min(lw, lh) / 1080
        source, area = strip.window(now, speed)
        r = strip.rect
        rotation = self.settings.rotation
        px, py, pw, ph = pages_mod.physical_rect(r.x, r.y, r.w, r.h, (lw, lh), rotation)
        if rotation:
            part = pygame.Surface((r.w, r.h))
            part.blit(source, (0, 0), area)
            self.screen.blit(pages_mod.rotate(part, rotation), (px, py))
        else:
            self.screen.blit(source, (px, py), area)
        rect = pygame.Rect(px, py, pw, ph)
        if self._badge_drawn is not None and rect.colliderect(self._badge_drawn[1]):
            self.screen.blit(self._badge_drawn[2], self._badge_drawn[1])  # the badge stays on top
        if update:
            self._update(rect)
        return True

    def _draw_badge(self, repaint: bool = False) -> bool:
        """The staff badge over the page; ``repaint``: the page under it was just drawn whole."""
        want = self._badge_want if self._shown is not None and kinds.badge(self._shown.kind) else None
        if repaint:
            self._badge_drawn = None
        elif (want and self._badge_drawn and want == self._badge_drawn[0]) or (not want and not self._badge_drawn):
            return False
        dirty = []
        if self._badge_drawn is not None:  # erase the old badge with the page under it
            rect = self._badge_drawn[1]
            self.screen.blit(self._shown_surface, rect.topleft, rect)
            dirty.append(rect)
            self._badge_drawn = None
        if want:
            lw, lh = self.logical_size
            theme = get_theme(self._shown.theme or self.settings.theme)
            made = badge_mod.render_badge(*want, (lw, lh), theme, self.fonts, self.settings.staff_badge_corner)
            if made is not None:
                surf, r = made
                px, py, pw, ph = pages_mod.physical_rect(r.x, r.y, r.w, r.h, (lw, lh), self.settings.rotation)
                surf = pages_mod.rotate(surf, self.settings.rotation)
                self.screen.blit(surf, (px, py))
                self._badge_drawn = (want, pygame.Rect(px, py, pw, ph), surf)
                dirty.append(self._badge_drawn[1])
        if not repaint:
            for rect in dirty:
                self._update(rect)
        return bool(dirty)

    def _prerender_next(self, on: schedule.OnScreen) -> None:
        """Draw the next page now, in idle time, so the change costs no rendering."""
        if self._prerendered_for == on.next_change:
            return
        self._prerendered_for = on.next_change
        try:
            upcoming = self._schedule_at(on.next_change + 0.001)
        except Exception as exc:
            self.faults.report("scheduling the next page", exc)
            return
        if upcoming.slide != on.slide:
            self._try_page(upcoming.slide)

    # ----------------------------------------------------------- status

    @property
    def first_frame_seconds(self) -> float | None:
        if self.first_frame_at is None:
            return None
        return round(self.first_frame_at - _process_started(), 3)

    def publish_status(self) -> None:
        """Refresh /status now (posted by sources whose news changes nothing on screen)."""
        self._publish(self.clock())

    def _publish(self, now: float) -> None:
        if self.status is None:
            return
        self.status.state = self.state(now)

    def state(self, now: float | None = None) -> dict:
        now = self.clock() if now is None else now
        snap = self.store.snapshot
        on = self._on
        problems = self.problems
        state = {
            "station": self.settings.station_name,
            "version": snap.version,
            "listings": len(snap.current(dt.date.fromtimestamp(now))),
            "listings_loaded": len(snap.listings),
            "page": None if on is None else on.index + 1,
            "pages": None if on is None else on.count,
            "slide": None if on is None else on.slide.kind,
            "playlist": None if on is None else on.playlist,
            "screen": f"{self.screen_slot[0] + 1}/{self.screen_slot[1]}",
            "shown_ids": [] if on is None else [x.id for x in on.slide.listings],
            "loaded_at": snap.loaded_at.isoformat(timespec="seconds") if snap.loaded_at else None,
            "now": dt.datetime.fromtimestamp(now).isoformat(timespec="seconds"),
            "errors": [p.as_dict() for p in problems if p.severity is Severity.ERROR],
            "warnings": [p.as_dict() for p in problems if p.severity is Severity.WARNING],
            "stale_sources": list(snap.stale_sources),
            "frames": self.stats.frames,
            "first_frame_seconds": self.first_frame_seconds,
            "size": list(self.screen.get_size()) if self.screen else list(self.settings.size),
        }
        for section in self.extra_state:
            try:
                state.update(section())
            except Exception:
                log.exception("a /status section failed")
        return state


def _process_started() -> float:
    """When this process started (wall clock), from /proc; now if unknown."""
    try:
        with open("/proc/self/stat") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.time()
