"""Observer hooks: what plug-ins (metrics, play log, systemd watchdog, benches) hear from the loop.

An observer implements :class:`Observer` (subclass :class:`Hooks` and override the
hooks it needs). ``Player.observers`` is an :class:`Observers`: a list of them that
is itself an Observer, calling each in turn; a failing observer is reported to
``faults`` and never stops the loop or the other observers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from signage.core.model import Snapshot, SourceResult
    from signage.core.schedule import OnScreen

    from .contain import Faults


class Observer(Protocol):
    def frame_drawn(self, player: Any, seconds: float) -> None:
        """A frame was presented; ``seconds``: what it cost."""

    def slide_shown(self, player: Any, on: OnScreen, now: float, screen: int = 0) -> None:
        """Screen ``screen`` (0-based output of this box) began showing ``on``."""

    def loop_tick(self, player: Any) -> None:
        """One turn of the loop ended (every wake-up, drawn or not)."""

    def clip_played(self, player: Any, clip: Any, shown: int, dropped: int, decoder: str) -> None:
        """A clip left the screen: its frames shown and dropped (late), how it was decoded."""

    def content_applied(self, player: Any, results: tuple[SourceResult, ...], snapshot: Snapshot) -> None:
        """Reads from the sources were taken into the store."""

    def config_reloaded(self, player: Any, ok: bool) -> None:
        """config.yaml was re-read (SIGHUP); ``ok``: taken, else the old settings stay."""

    def stopped(self, player: Any) -> None:
        """The loop ended."""


class Hooks:
    """An Observer that does nothing: subclass it and override what you need."""

    def frame_drawn(self, player: Any, seconds: float) -> None:
        pass

    def slide_shown(self, player: Any, on: OnScreen, now: float, screen: int = 0) -> None:
        pass

    def loop_tick(self, player: Any) -> None:
        pass

    def clip_played(self, player: Any, clip: Any, shown: int, dropped: int, decoder: str) -> None:
        pass

    def content_applied(self, player: Any, results: tuple[SourceResult, ...], snapshot: Snapshot) -> None:
        pass

    def config_reloaded(self, player: Any, ok: bool) -> None:
        pass

    def stopped(self, player: Any) -> None:
        pass


class Observers(list):
    """Observers, called in turn by one Observer; each failure is contained."""

    def __init__(self, faults: Faults):
        super().__init__()
        self.faults = faults

    def _each(self, hook: str, call: Callable[[Observer], None]) -> None:
        for observer in list(self):
            try:
                call(observer)
            except Exception as exc:
                self.faults.report(f"{type(observer).__name__}.{hook}", exc)

    def frame_drawn(self, player: Any, seconds: float) -> None:
        self._each("frame_drawn", lambda o: o.frame_drawn(player, seconds))

    def slide_shown(self, player: Any, on: OnScreen, now: float, screen: int = 0) -> None:
        self._each("slide_shown", lambda o: o.slide_shown(player, on, now, screen))

    def loop_tick(self, player: Any) -> None:
        self._each("loop_tick", lambda o: o.loop_tick(player))

    def clip_played(self, player: Any, clip: Any, shown: int, dropped: int, decoder: str) -> None:
        self._each("clip_played", lambda o: o.clip_played(player, clip, shown, dropped, decoder))

    def content_applied(self, player: Any, results: tuple[SourceResult, ...], snapshot: Snapshot) -> None:
        self._each("content_applied", lambda o: o.content_applied(player, results, snapshot))

    def config_reloaded(self, player: Any, ok: bool) -> None:
        self._each("config_reloaded", lambda o: o.config_reloaded(player, ok))

    def stopped(self, player: Any) -> None:
        self._each("stopped", lambda o: o.stopped(player))
