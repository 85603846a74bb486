"""Containment: failures are caught where they happen, logged once per cause, and survived.

A player runs for months; a broken slide or a flaky feed must neither kill it
nor fill the journal with the same traceback sixty times a second. ``Faults``
logs the first occurrence of each distinct cause (where, exception type,
message) with its traceback, and afterwards only counts. ``SetAside`` keeps a
slide that keeps failing off the screen for a while, then lets it try again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import contextmanager, suppress

log = logging.getLogger(__name__)

Listener = Callable[[str, BaseException], None]


class Faults:
    """Log each distinct failure once; count every one.

    Thread-safe: the frame loop, the status server and the source threads all report here.
    """

    def __init__(self, logger: logging.Logger = log, max_causes: int = 1000):
        self._log = logger
        self._seen: OrderedDict[tuple[str, str, str], int] = OrderedDict()
        self._max = max_causes
        self._lock = threading.Lock()
        self.listeners: list[Listener] = []  # e.g. the error counter of /metrics

    @staticmethod
    def cause(where: str, exc: BaseException) -> tuple[str, str, str]:
        return (where, type(exc).__name__, str(exc)[:300])

    def report(self, where: str, exc: BaseException) -> bool:
        """Record a failure at ``where``; returns True when it was logged (first of its kind)."""
        key = self.cause(where, exc)
        with self._lock:
            count = self._seen.pop(key, 0) + 1
            self._seen[key] = count  # most recent last; the oldest cause is forgotten first
            while len(self._seen) > self._max:
                self._seen.popitem(last=False)
        for listener in list(self.listeners):
            with suppress(Exception):  # a broken listener must not hide the real fault
                listener(where, exc)
        if count == 1:
            self._log.error("%s failed: %s: %s (further failures like this are counted, "
                            "not logged)", where, type(exc).__name__, exc,
                            exc_info=(type(exc), exc, exc.__traceback__))
            return True
        return False

    def count(self, where: str, exc: BaseException) -> int:
        with self._lock:
            return self._seen.get(self.cause(where, exc), 0)

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._seen.values())

    @contextmanager
    def guard(self, where: str):
        """``with faults.guard("feed poll"):`` -- report and swallow any Exception inside."""
        try:
            yield
        except Exception as exc:
            self.report(where, exc)

    def install_thread_hook(self) -> None:
        """Route uncaught exceptions of any thread here (threading.excepthook)."""

        def hook(args: threading.ExceptHookArgs) -> None:
            if args.exc_type is SystemExit or args.exc_value is None:
                return
            name = args.thread.name if args.thread is not None else "?"
            self.report(f"thread {name}", args.exc_value)

        threading.excepthook = hook


class SetAside:
    """Things (slides) that failed ``limit`` times in a row are skipped for ``seconds``.

    After the pause the thing gets one more try; another failure sets it aside again
    (for the same time), a success forgives it completely.
    """

    def __init__(self, limit: int = 3, seconds: float = 600.0,
                 clock: Callable[[], float] = time.monotonic, max_items: int = 500):
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._max = max_items
        self._fails: OrderedDict[Hashable, int] = OrderedDict()
        self._until: dict[Hashable, float] = {}

    def usable(self, key: Hashable) -> bool:
        until = self._until.get(key)
        if until is None:
            return True
        if self.clock() >= until:
            del self._until[key]
            self._fails[key] = self.limit - 1  # one more try
            return True
        return False

    def failed(self, key: Hashable) -> bool:
        """Count a failure; returns True when ``key`` is now set aside."""
        n = self._fails.pop(key, 0) + 1
        self._fails[key] = n
        while len(self._fails) > self._max:
            old, _ = self._fails.popitem(last=False)
            self._until.pop(old, None)
        if n >= self.limit:
            self._until[key] = self.clock() + self.seconds
            return True
        return False

    def succeeded(self, key: Hashable) -> None:
        self._fails.pop(key, None)
        self._until.pop(key, None)
