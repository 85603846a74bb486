"""The player's clock: the one seam through which the loop learns the time and waits.

The loop never calls ``time.time()``, ``time.monotonic()`` or ``queue.get(timeout=)``
itself; it asks a :class:`Clock`. :class:`SystemClock` is the real one;
:class:`FakeClock` stands still until a test steps it (waits step it too, so a
test runs a minute of the loop in no time); :class:`CompressedClock` runs N times
faster than real time (bench/soak.py's week in minutes), so its waits are N times
shorter in real time.
"""

from __future__ import annotations

import queue
import time
from typing import Protocol, TypeVar

T = TypeVar("T")


class Clock(Protocol):
    def time(self) -> float:
        """Wall time, epoch seconds (what is on air, the header clock)."""

    def monotonic(self) -> float:
        """Seconds that never go back (intervals, deadlines)."""

    def wait(self, inbox: queue.Queue[T], seconds: float) -> T | None:
        """The next item of ``inbox``, or None once ``seconds`` of this clock have passed."""

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` of this clock pass."""


SHORT = 0.025  # seconds: a wait this short (a frame) sleeps rather than wait on the queue


class SystemClock:
    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def wait(self, inbox: queue.Queue[T], seconds: float) -> T | None:
        if seconds <= SHORT and inbox.empty():  # between frames: the cheaper sleep; the loop
            time.sleep(max(0.0, seconds))  # looks at the inbox again after it
            return None
        try:
            return inbox.get(timeout=max(0.0, seconds))
        except queue.Empty:
            return None

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


class FakeClock:
    """Stands still until stepped; a wait with nothing in the inbox steps it by ``seconds``."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = float(start)
        self._mono = 1000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self._mono

    def step(self, seconds: float) -> None:
        self.now += seconds
        self._mono += seconds

    def set(self, when: float) -> None:
        """Jump the wall clock to ``when`` (monotonic time only moves forward)."""
        self._mono += max(0.0, when - self.now)
        self.now = float(when)

    def wait(self, inbox: queue.Queue[T], seconds: float) -> T | None:
        try:
            return inbox.get_nowait()
        except queue.Empty:
            self.step(max(0.0, seconds))
            return None

    def sleep(self, seconds: float) -> None:
        self.step(max(0.0, seconds))


class CompressedClock:
    """Epoch seconds running ``rate`` times faster than real time, from ``start``."""

    def __init__(self, start: float, rate: float):
        self.start = start
        self.rate = rate
        self._t0 = time.monotonic()

    def time(self) -> float:
        return self.start + (time.monotonic() - self._t0) * self.rate

    def monotonic(self) -> float:
        return time.monotonic() * self.rate

    def wait(self, inbox: queue.Queue[T], seconds: float) -> T | None:
        try:
            return inbox.get(timeout=max(0.0, seconds) / self.rate)
        except queue.Empty:
            return None

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds) / self.rate)
