"""The watchdog observer behind the drop-folder watcher: started, checked, restarted, replaced.

``watch: auto`` starts the native (inotify) observer and falls back to polling when it
cannot start (inotify limits raise OSError) or when the periodic safety rescan finds changes
it never reported (network shares). A change counts as missed only when it is older than
``MISSED_AGE`` and its event has not come ``MISSED_GRACE`` after the rescan saw it, since
events can trail the disk on a busy box (:class:`MissedEvents`, pure, driven by ``now``). A
dead observer thread is restarted and the folder rescanned; a vanished drop folder (an
unmounted share) stops the observer and keeps the screens as they are until it returns.

The observer's thread calls :class:`_Handler`, which only hands the changed paths on (cheap,
never raises: an exception there would kill the observer silently).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("signage.sources.folder.watch")  # one logger for the watcher's parts

POLL_SECONDS = 1.0  # polling observer interval
RESCAN_SECONDS = 20.0  # safety-net rescan of signatures (catches what the observer missed)
CHECK_SECONDS = 1.0  # how often the observer's health and the folder's presence are checked
MISSED_AGE = 2.0  # a change older than this that no event reported was missed by the observer
MISSED_GRACE = 1.0  # ...unless its event arrives within this long after the rescan saw it

Note = Callable[..., None]  # note(paths, closed=False): these paths changed


class _Handler(FileSystemEventHandler):
    def __init__(self, note: Note):
        self.note = note

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            if event.event_type in ("opened", "closed_no_write"):
                return
            if event.is_directory and event.event_type == "modified":
                return  # a folder's own mtime: the files in it send their own events
            paths = [event.src_path, getattr(event, "dest_path", "")]
            self.note((os.fsdecode(p) for p in paths if p), closed=event.event_type == "closed")
        except Exception:  # never let an exception kill the observer thread
            log.exception("watch: could not note %r", event)


def unreported(changed: Mapping[str, float], removed: Iterable[str], pending: set[str],
               now: float) -> list[str]:
    """What a safety rescan found that no event reported: changed files (key -> mtime, seconds
    since the epoch) older than ``MISSED_AGE`` at ``now`` and removed ones, unless ``pending``
    (reported, and waiting to settle or to be taken in)."""
    missed = [k for k, mtime in changed.items() if k not in pending and mtime < now - MISSED_AGE]
    return missed + [k for k in removed if k not in pending]


class MissedEvents:
    """Changes the safety rescan found unreported (suspects), judged once their events had time.

    The observer thread is a few ms behind the disk, more on a busy box: a suspect whose
    event comes within ``grace`` after the rescan saw it was late, not missed.
    """

    def __init__(self, grace: float = MISSED_GRACE):
        self.grace = grace
        self.noted: dict[str, float] = {}  # key -> when an event last named it (pruned)
        self.suspects: dict[str, float] = {}  # key -> when the rescan that found it began
        self.late = 0  # suspects whose event came after all

    def heard(self, key: str, now: float) -> None:
        self.noted[key] = now

    def suspect(self, keys: Iterable[str], began: float) -> None:
        for key in keys:
            self.suspects.setdefault(key, began)

    def judge(self, now: float) -> list[str]:
        """The suspects still unreported ``grace`` after they were seen: missed."""
        missed = []
        for key, seen in list(self.suspects.items()):
            if self.noted.get(key, -1.0) >= seen:  # its event came, late: not missed
                del self.suspects[key]
                self.late += 1
            elif now - seen >= self.grace:
                del self.suspects[key]
                missed.append(key)
        oldest = min(self.suspects.values(), default=now) - self.grace
        for key in [k for k, t in self.noted.items() if t < oldest]:
            del self.noted[key]  # nothing waits for events this old
        return missed


class BackendSupervisor:
    """Runs the observer that reports changes under ``root`` to ``note``.

    Args:
        mode: ``auto`` (native, polling when native cannot start or misses changes),
            ``native`` or ``poll``.
        native_observer: the native observer class (injectable for tests).
    """

    def __init__(self, root: Path, note: Note, mode: str = "auto", poll_seconds: float = POLL_SECONDS,
                 native_observer: Callable[[], BaseObserver] = Observer, missed_grace: float = MISSED_GRACE):
        if mode not in ("auto", "native", "poll"):
            raise ValueError(f"watch mode must be auto, native or poll, not {mode!r}")
        self.root, self.note, self.mode = root, note, mode
        self.using = "poll" if mode == "poll" else "native"  # what runs now
        self.poll_seconds = poll_seconds
        self._native_observer = native_observer
        self.observer: BaseObserver | None = None
        self.restarts = 0
        self.missed = MissedEvents(missed_grace)
        self._lock = threading.Lock()  # the missed events: heard from the observer's thread
        self._root_missing_logged = False

    @property
    def alive(self) -> bool:
        obs = self.observer
        return obs is not None and obs.is_alive() and all(e.is_alive() for e in obs.emitters)

    @property
    def late_events(self) -> int:
        return self.missed.late

    def check(self) -> bool:
        """Start or restart the observer when needed; True when the folder must be rescanned."""
        if not self.root.is_dir():
            if not self._root_missing_logged:
                log.warning("watch: drop folder %s is missing; screens keep their content until it is back",
                            self.root)
                self._root_missing_logged = True
            self.stop()
            return False
        if self._root_missing_logged:
            log.info("watch: drop folder %s is back", self.root)
            self._root_missing_logged = False
        if self.alive:
            return False
        if self.observer is not None:
            self.restarts += 1
            log.error("watch: the %s observer stopped; restarting it and rescanning the folder", self.using)
        self.stop()
        self._start()
        return True

    def _start(self) -> None:
        handler = _Handler(self.note)
        if self.using == "native":
            try:
                obs = self._native_observer()
                obs.schedule(handler, str(self.root), recursive=True)
                obs.start()
                self.observer = obs
                log.info("watch: watching %s (native)", self.root)
                return
            except OSError as exc:
                level = logging.WARNING if self.mode == "auto" else logging.ERROR
                log.log(level, "watch: native watching of %s failed (%s); polling every %.1f s instead",
                        self.root, exc, self.poll_seconds)
                self.using = "poll"
        obs = PollingObserver(timeout=self.poll_seconds)
        obs.schedule(handler, str(self.root), recursive=True)
        obs.start()
        self.observer = obs
        log.info("watch: watching %s (polling every %.1f s)", self.root, self.poll_seconds)

    def stop(self) -> None:
        obs, self.observer = self.observer, None
        if obs is None:
            return
        try:
            obs.stop()
            if obs.is_alive() and obs is not threading.current_thread():
                obs.join(2.0)
        except Exception:
            log.exception("watch: stopping the observer failed")

    def heard(self, keys: Iterable[str], now: float) -> None:
        """An event named these keys at ``now`` (called from the observer's thread)."""
        with self._lock:
            for key in keys:
                self.missed.heard(key, now)

    def _may_switch(self) -> bool:
        return self.mode == "auto" and self.using == "native"

    def suspect(self, keys: Iterable[str], began: float) -> None:
        """A safety rescan that began at ``began`` found these changes unreported."""
        keys = list(keys)
        if keys and self._may_switch():
            with self._lock:
                self.missed.suspect(keys, began)

    def judge(self, now: float) -> None:
        """Switch to polling when a change the rescan saw is still unreported after the grace."""
        with self._lock:
            missed = self.missed.judge(now)
        if missed and self._may_switch():
            log.warning("watch: the native observer missed changes in %s (%s; a network share?); "
                        "switching to polling", self.root, ", ".join(sorted(missed)[:3]))
            self.using = "poll"
            self.stop()
            self._start()
