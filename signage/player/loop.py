"""The imperative shell: the loop that puts slides on the TVs.

Only the loop's thread touches the display. Other threads (folder watcher, feed
poller, HTTP, signals) ``post`` messages (messages.py) into the inbox; the loop
applies them to the ContentStore between frames. The loop drives one
:class:`~signage.player.screen.Screen` per output, all sharing one store, one
inbox and one :class:`~signage.player.clock.Clock`. Idle frames cost nothing: the
loop sleeps until the next change any screen announces (a page, the clock's minute,
the ticker's next quarter pixel, a transition's next frame), new content or a key.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pygame

from signage.core import schedule
from signage.core.model import Problem, SourceResult
from signage.core.settings import Settings
from signage.core.store import ContentStore, Update
from signage.render import badge as badge_mod
from signage.render import pictures
from signage.render.fonts import Fonts

from . import outputs, status
from .clock import Clock, SystemClock
from .compositor import SurfaceCompositor
from .contain import Faults, SetAside
from .glyphs import GlyphCheck
from .hooks import Observers
from .messages import Message, Run, message
from .overlays import Shared
from .playlists import PlaylistWatch
from .screen import Screen

log = logging.getLogger(__name__)

IDLE_POLL = 0.1  # seconds between event checks while idle (10 cheap wake-ups a second)
__all__ = ["Player", "Update", "Run"]


@dataclass
class Stats:
    frames: int = 0
    frame_times: list[float] = field(default_factory=list)


class Player:
    def __init__(self, settings: Settings, fonts: Fonts, inbox: queue.Queue | None = None,
                 clock: Clock | None = None, status=None, faults: Faults | None = None):
        self.settings = settings
        self.fonts = fonts
        self.clock: Clock = clock or SystemClock()
        self.faults = faults or Faults(log)
        self.observers = Observers(self.faults)  # plug-ins: metrics, play log, watchdog (hooks.py)
        self.set_aside = SetAside(clock=self.clock.monotonic)  # slides that keep failing to draw
        self.inbox: queue.Queue[Message] = inbox or queue.Queue()
        self.status = status
        self.store = ContentStore()
        self.playlists = PlaylistWatch(settings.playlists_dir, self.clock, settings.content_dir)
        self.glyphs = GlyphCheck(fonts)
        self._font_problems: tuple[Problem, ...] = ()
        self.badge: tuple[int, bool] | None = None
        self.screens: list[Screen] = []
        self.step = 0
        self.running = False
        self.stop_requested = False  # a stop before run() (SIGTERM during start-up) holds
        self.stats = Stats()
        self.fullscreen = settings.fullscreen
        self.alive_at: float | None = None  # clock.monotonic() when a screen last framed fine
        self.first_frame_at: float | None = None  # wall time (real: it measures the start-up)
        self.extra_state: list[Callable[[], dict]] = []  # more /status sections (the feeds' health)

    # ----------------------------------------------------------- display

    def open_display(self) -> None:
        outputs.start_display()
        compositors = outputs.open_compositors(self.settings, self.fullscreen)
        self.screens = [Screen(i, outputs.settings_for(self.settings, i), self.fonts, c, self.faults,
                               self.set_aside) for i, c in enumerate(compositors)]
        outputs.finish_opening()

    @property
    def screen(self) -> Screen:
        """The first output's screen."""
        return self.screens[0]

    def toggle_fullscreen(self) -> None:
        if self.settings.outputs or not isinstance(self.screen.compositor, SurfaceCompositor):
            return  # windows of several outputs, and windows with a renderer, stay as they are
        self.fullscreen = not self.fullscreen
        outputs.open_display_window(self.settings, self.fullscreen)
        self.screen.configure(self.settings)

    def apply_settings(self, settings: Settings) -> None:
        """Take new settings (SIGHUP): reopen the window if its geometry changed, redraw pages."""
        geometry = ("fullscreen", "size", "display_index", "rotation")
        old, self.settings = self.settings, settings
        if old.renderer != settings.renderer or old.outputs != settings.outputs:
            log.warning("display.renderer and display.outputs take effect when the player restarts")
        if self.screens and any(getattr(old, k) != getattr(settings, k) for k in geometry) \
                and not settings.outputs:
            self.fullscreen = not settings.fullscreen
            self.toggle_fullscreen()
        for i, screen in enumerate(self.screens):
            screen.configure(outputs.settings_for(settings, i))
        self._apply_badge()

    # ----------------------------------------------------------- content

    def load(self, results: Iterable[SourceResult]) -> None:
        """Take in an initial set of reads (before or while running)."""
        self._apply(Update(tuple(results)))

    def _apply(self, update: Update) -> None:
        before = self.store.snapshot.version
        snap = self.store.apply_many(update.results, update.removed)
        self.observers.content_applied(self, update.results, snap)
        if snap.version != before:
            self._font_problems = self.glyphs.problems(snap)
            self._apply_badge()
            log.info("content v%d: %d listings, %d problems", snap.version, len(snap.listings),
                     len(snap.problems))
            for screen in self.screens:
                screen.repaint()

    def _apply_badge(self) -> None:
        self.badge = badge_mod.badge_state(self.problems, self.store.snapshot.stale_sources) \
            if self.settings.staff_badge else None

    def post(self, item) -> None:
        """Hand a message (or a SourceResult, or a job ``fn(player)``) to the loop from any thread.

        Pictures of new content are decoded here, in the poster's thread (the watcher's, a
        feed poller's), so the frame loop finds them decoded (see render.pictures).
        """
        msg = message(item)
        if isinstance(msg, Update):
            pictures.warm(msg.results)
        self.inbox.put(msg)

    def drain_inbox(self, first: Message | None = None) -> bool:
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
                msg = message(item)
                if isinstance(msg, Update):
                    self._apply(msg)
                else:
                    msg.job(self)
                changed = True
            except Exception as exc:  # the screen keeps what it had
                self.faults.report(f"applying {type(item).__name__}", exc)
            item = None

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.store.snapshot.problems + self.playlists.current.problems + self._font_problems

    def check_playlists(self, force: bool = False) -> bool:
        """Re-read the playlist files if any changed (a stat of each, at most once a second)."""
        if not self.playlists.check(force):
            return False
        self._apply_badge()
        for screen in self.screens:
            screen.repaint()
        return True

    def stop(self) -> None:
        """End the loop soon (safe from a signal handler); it ends within one idle wake-up."""
        self.stop_requested = True
        self.running = False

    # ----------------------------------------------------------- the loop

    def run(self, max_seconds: float | None = None) -> None:
        if not self.screens and not self.stop_requested:
            self.open_display()
        self.running = not self.stop_requested
        started = self.clock.monotonic()
        try:
            while self.running:
                self.drain_inbox()
                self.handle_events(pygame.event.get())
                if not self.running:
                    break
                try:
                    wait = self.frame()
                except Exception as exc:  # the loop itself must survive anything a frame does
                    self.faults.report("frame", exc)
                    wait = IDLE_POLL
                self.observers.loop_tick(self)
                if max_seconds is not None and self.clock.monotonic() - started >= max_seconds:
                    break
                if wait > 0 and self.running:
                    self._sleep(wait)
        finally:
            self.running = False
            for screen in self.screens:
                ended = screen.clips.stop_all()
                if ended is not None:
                    self.observers.clip_played(self, *ended)
            self.observers.stopped(self)

    def _sleep(self, seconds: float) -> None:
        """Sleep until ``seconds`` pass, content arrives, or it is time to look at events."""
        item = self.clock.wait(self.inbox, min(seconds, IDLE_POLL))
        if item is not None:
            self.drain_inbox(first=item)

    def handle_events(self, events: Iterable[pygame.event.Event]) -> None:
        for event in events:
            key = event.key if event.type == pygame.KEYDOWN else None
            if event.type in (pygame.QUIT, pygame.WINDOWCLOSE) or key in (pygame.K_q, pygame.K_ESCAPE):
                self.running = False
            elif key in (pygame.K_RIGHT, pygame.K_DOWN, pygame.K_PAGEDOWN, pygame.K_SPACE):
                self.step += 1  # all screens step together, so they stay disjoint
            elif key in (pygame.K_LEFT, pygame.K_UP, pygame.K_PAGEUP):
                self.step -= 1
            elif key == pygame.K_f:
                self.toggle_fullscreen()
            elif event.type == pygame.WINDOWRESIZED:
                for i, screen in enumerate(self.screens):  # a window's surface may be new
                    screen.configure(outputs.settings_for(self.settings, i))
            elif event.type == pygame.WINDOWEXPOSED:
                for screen in self.screens:
                    screen.repaint()

    def shared(self) -> Shared:
        """What every screen shares now: content, playlists, the step of the keys, the badge."""
        return Shared(self.store.snapshot, self.playlists.current, self.step, self.badge)

    def upcoming(self) -> tuple[schedule.OnScreen, schedule.OnScreen] | None:
        """(what the first screen shows, what follows it); None before its first frame."""
        if not self.screens or self.screen.on is None:
            return None
        on = self.screen.on
        return on, self.screen.schedule_at(on.next_change + 0.001, self.shared())

    def frame(self) -> float:
        """Draw what is due now on every screen; return how long the loop may sleep."""
        t0 = time.perf_counter()
        now = self.clock.time()
        self.check_playlists()
        shared = self.shared()
        until, presented, news = float("inf"), False, False
        for screen in self.screens:
            try:
                done = screen.frame(now, shared)
            except Exception as exc:  # one output failing must not take the others down
                self.faults.report(f"output {screen.index + 1}", exc)
                until = min(until, now + 1.0)
                continue
            self.alive_at = self.clock.monotonic()  # a screen drew: the systemd watchdog is fed
            if done.began is not None:
                self.observers.slide_shown(self, done.began, now, screen.index)
            if done.clip_ended is not None:
                self.observers.clip_played(self, *done.clip_ended)
            until, presented, news = min(until, done.until), presented or done.presented, news or done.news
        if presented:
            self._count_frame(time.perf_counter() - t0)
        if news:  # not for a ticker step alone: /status need not change 60 times a second
            self.publish_status(now)
        return max(0.0, until - self.clock.time())

    def _count_frame(self, seconds: float) -> None:
        self.stats.frames += 1
        self.stats.frame_times.append(seconds)
        if len(self.stats.frame_times) > 10_000:
            del self.stats.frame_times[:5_000]
        self.observers.frame_drawn(self, seconds)
        if self.first_frame_at is None:
            self.first_frame_at = time.time()
            log.info("first frame %.2f s after the process started", self.first_frame_seconds)

    # ----------------------------------------------------------- status

    @property
    def first_frame_seconds(self) -> float | None:
        if self.first_frame_at is None:
            return None
        return round(self.first_frame_at - status.process_started(), 3)

    def publish_status(self, now: float | None = None) -> None:
        """Refresh /status now (also posted by sources whose news changes nothing on screen)."""
        if self.status is not None:
            self.status.state = self.state(now)

    def state(self, now: float | None = None) -> dict:
        return status.state(self, self.clock.time() if now is None else now)
