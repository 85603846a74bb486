"""One box, several HDMI outputs: a fullscreen window on each display, each its own screen.

``display: {outputs: [0, 1]}`` in config.yaml makes ``signage run`` open one
``pygame.Window`` per listed display; the window on the i-th output is screen
``screen.index + i`` of ``screen.count``, so the windows share the listings
exactly as separate boxes would (see ``schedule.share_pages``). One loop drives
them all: one content store, one inbox, one clock.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable, Iterable

import pygame

from signage.app.config import Settings
from signage.core.model import SourceResult
from signage.render.fonts import Fonts

from .loop import Player

log = logging.getLogger(__name__)


def centred_on(display: int) -> int:
    """SDL's WINDOWPOS_CENTERED_DISPLAY(display): a window position that picks the monitor."""
    return 0x2FFF0000 | display


class Outputs:
    """A Player per output, sharing one ContentStore; offers the Player's load/post/run."""

    def __init__(self, settings: Settings, fonts: Fonts, inbox: queue.Queue | None = None,
                 clock: Callable[[], float] = time.time, status=None, faults=None):
        outputs = settings.outputs or (settings.display_index,)
        self.settings = settings
        self.players: list[Player] = []
        for i, _display in enumerate(outputs):
            own = settings.replace(screen_index=settings.screen_index + i)
            p = Player(own, fonts, inbox, clock, status if i == 0 else None, faults=faults)
            if self.players:
                p.store = self.players[0].store
                p.inbox = self.players[0].inbox
            self.players.append(p)
        self.outputs = tuple(outputs)
        self.running = False
        self.stop_requested = False  # a stop before run() (SIGTERM during start-up) holds
        self.faults = self.primary.faults

    def stop(self) -> None:
        """End the loop soon (SIGTERM, SIGINT)."""
        self.stop_requested = True
        self.running = False

    def apply_settings(self, settings: Settings) -> None:
        """SIGHUP: every output takes the new settings, keeping its own screen index."""
        self.settings = settings
        for i, p in enumerate(self.players):
            p.apply_settings(settings.replace(screen_index=settings.screen_index + i))

    def _notify(self, hook: str, *args) -> None:
        for p in self.players:
            p._notify(hook, *args)

    @property
    def primary(self) -> Player:
        return self.players[0]

    @property
    def inbox(self) -> queue.Queue:
        return self.primary.inbox

    def load(self, results: Iterable[SourceResult]) -> None:
        self.primary.load(results)

    def post(self, item) -> None:
        self.primary.post(item)

    def state(self, now: float | None = None) -> dict:
        return self.primary.state(now)

    def open_display(self) -> None:
        pygame.display.init()
        pygame.freetype.init()
        sizes = pygame.display.get_desktop_sizes() or [tuple(self.settings.size)]
        for p, display in zip(self.players, self.outputs, strict=True):
            if display >= len(sizes):
                log.warning("display %d not found (%d connected); its window opens on the first",
                            display, len(sizes))
            pos = centred_on(min(display, len(sizes) - 1))
            if p.fullscreen:
                size = sizes[min(display, len(sizes) - 1)]
                window = pygame.Window(self.settings.station_name, size, (pos, pos),
                                       fullscreen_desktop=True)
            else:
                window = pygame.Window(self.settings.station_name, p._window_size(), (pos, pos))
            p.window = window
            p.screen = window.get_surface()
            p._new_cache()
        pygame.mouse.set_visible(False)
        pygame.event.set_allowed([pygame.QUIT, pygame.KEYDOWN, pygame.WINDOWRESIZED,
                                  pygame.WINDOWEXPOSED, pygame.WINDOWCLOSE])

    def frame(self) -> float:
        """Draw every output; the loop may sleep for the shortest of their waits."""
        waits = []
        for p in self.players:
            try:
                waits.append(p.frame())
                p.alive_at = time.monotonic()  # the systemd watchdog is fed from this
            except Exception as exc:  # one output failing must not take the others down
                p.faults.report(f"output {p.screen_slot}", exc)
                waits.append(1.0)
        return min(waits)

    def run(self, max_seconds: float | None = None) -> None:
        if self.primary.window is None and not self.stop_requested:
            self.open_display()
        self.running = not self.stop_requested
        started = time.monotonic()
        try:
            while self.running:
                self.primary.drain_inbox()
                self._handle_events()
                if not self.running:
                    break
                wait = self.frame()
                self._notify("loop_tick")
                if max_seconds is not None and time.monotonic() - started >= max_seconds:
                    break
                if wait > 0 and self.running:
                    self.primary._sleep(wait)
        finally:
            self.running = False
            self._notify("stopped")

    def _handle_events(self) -> None:
        primary = self.primary
        for event in pygame.event.get():
            if event.type in (pygame.QUIT, pygame.WINDOWCLOSE) or event.type == pygame.KEYDOWN and event.key in (pygame.K_q, pygame.K_ESCAPE):
                self.running = False
            elif event.type == pygame.KEYDOWN and event.key in (
                    pygame.K_RIGHT, pygame.K_DOWN, pygame.K_PAGEDOWN, pygame.K_SPACE):
                primary.step += 1
            elif event.type == pygame.KEYDOWN and event.key in (pygame.K_LEFT, pygame.K_UP, pygame.K_PAGEUP):
                primary.step -= 1
            elif event.type in (pygame.WINDOWRESIZED, pygame.WINDOWEXPOSED):
                for p in self.players:  # a window's surface may be new after a resize
                    p.screen = p.window.get_surface()
                    if event.type == pygame.WINDOWRESIZED:
                        p._new_cache()
                    p._shown = None
        for p in self.players[1:]:
            p.step = primary.step  # all screens step together, so they stay disjoint
