"""When the drop folder's changes are taken in: bursts of noted paths, and files that must settle.

Pure bookkeeping, driven by the ``now`` its caller passes (``time.monotonic()`` in the
watcher, a number in tests); no threads, no clock, no disk. Not thread-safe: the watcher
calls it under its lock.

- A burst is ready once the folder was quiet for ``quiet`` seconds, or ``max_delay``
  after its first change, whichever comes first (a copy of 100 files is one update, and
  a folder that never goes quiet is still taken in).
- A file is read once its writer closed it (inotify's close-after-write), or, failing
  that, once its signature stayed the same for ``settle`` seconds, so a slow copy is never
  read half written. A name that vanished is taken as removed only once it stayed gone as
  long, so a save that moves the old file away a moment before the new one is written never
  takes the listing off the screens.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

QUIET = 0.12  # seconds without events before a burst is taken in
MAX_DELAY = 1.0  # ...but never later than this after its first event
SETTLE = 0.4  # a file not seen closed must keep its size and mtime this long (also a vanished name)


class Debouncer:
    """Noted paths and when to take them in (see the module's docstring)."""

    def __init__(self, quiet: float = QUIET, max_delay: float = MAX_DELAY, settle: float = SETTLE):
        self.quiet, self.max_delay, self.settle = quiet, max_delay, settle
        self.dirty: set[str] = set()  # noted since the last burst was taken
        self.closed: set[str] = set()  # paths whose last event was a close after writing
        self.first = 0.0  # when the burst's first path was noted (0: no burst)
        self.last = 0.0  # ...and its last
        self.settling: dict[str, Hashable | None] = {}  # path -> how it looked (None: absent)
        self.deferred: dict[str, float] = {}  # path -> when to look at it again

    def note(self, path: str, now: float, closed: bool = False) -> None:
        """``path`` changed at ``now``; ``closed``: the change was its writer closing it."""
        if closed:
            self.closed.add(path)
        else:
            self.closed.discard(path)
        self.dirty.add(path)
        if not self.first:
            self.first = now
        self.last = now

    def take(self, now: float) -> tuple[list[str], float]:
        """The paths to look at now (sorted; may be empty) and, when none, when to ask again.

        A ready burst comes with the deferred paths already due; deferred paths alone are
        taken as they fall due. ``inf``: nothing is waiting.
        """
        due = [p for p, t in self.deferred.items() if t <= now]
        if self.dirty:
            ready_at = min(self.last + self.quiet, self.first + self.max_delay)
            if now < ready_at:
                return [], ready_at
            batch = sorted(self.dirty | set(due))
            self.dirty.clear()
            self.first = 0.0
        elif due:
            batch = sorted(due)
        else:
            return [], min(self.deferred.values(), default=math.inf)
        for p in due:
            del self.deferred[p]
        return batch, 0.0

    def was_closed(self, path: str) -> bool:
        """Whether ``path``'s last event was its writer closing it (asked once per look)."""
        closed = path in self.closed
        self.closed.discard(path)
        return closed

    def settled(self, path: str, look: Hashable | None, now: float) -> bool:
        """True when ``path`` looked like ``look`` (a signature; None: absent) ``settle`` seconds ago.

        Otherwise remembers how it looks now and defers it, so :meth:`take` hands it back
        once ``settle`` has passed.
        """
        if path in self.settling and self.settling[path] == look:
            del self.settling[path]
            return True
        self.settling[path] = look
        self.deferred[path] = now + self.settle
        return False

    def forget(self, path: str) -> None:
        """``path`` needs no more settling (read already as it is now)."""
        self.settling.pop(path, None)

    def pending(self) -> set[str]:
        """Paths noted, or waiting to settle: reported and not yet taken in."""
        return self.dirty | set(self.deferred) | set(self.settling)
