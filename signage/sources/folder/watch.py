"""Hot reload of the drop folder: changes noted, debounced, read and handed to the player.

:class:`FolderWatcher` is the shell that wires these parts together (each testable without
threads, sleeps or, for the first two, a disk):

- :mod:`.debounce` says when a burst of noted paths is taken in (``quiet`` seconds without
  events, or ``max_delay`` after the first) and when a file may be read (closed by its
  writer, or settled) or a vanished name taken as removed (gone for as long);
- :mod:`.fileindex` keeps the signature (size, mtime, inode) of every file read, so only
  changed files are read again, and compares a folder with the disk;
- :mod:`.handover` keeps the reads, the last good one of each file and what the player was
  handed; ``report.ReportKeeper`` keeps ``_错误报告.txt`` in step with them;
- :mod:`.supervisor` runs the watchdog observer (native, or polling), restarts it when its
  thread dies, switches to polling when the safety rescan finds changes it never reported,
  and waits out a vanished drop folder; the observer's thread only calls :meth:`FolderWatcher.note`
  (cheap, no disk access).

The worker thread (:meth:`FolderWatcher._run`) takes each ready burst, re-reads just the files
that changed, hands the player one ``Update(results, removed)`` through ``post``, and rewrites
``_错误报告.txt``; when a picture changes, the files whose listings name pictures are read again.

Editors save in many ways: in place (modified), atomically (temp file renamed over:
moved/created, no modified), vim's dance (rename to ``file~``, write new, delete backup). The
worker therefore does not trust event kinds: for every noted path it looks at what is on disk
now. Paths are filtered here (``folder.ignored_under``, on the parts below the drop folder)
rather than with watchdog's ``patterns``, which watchdog 7 matches against the full path.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from watchdog.observers import Observer

from signage.core.model import Severity, SourceResult
from signage.core.store import Update
from signage.parse.images import IMAGE_SUFFIXES

from . import read as folder
from . import report
from .debounce import MAX_DELAY, QUIET, SETTLE, Debouncer
from .fileindex import FileIndex, keys_under
from .handover import Handover
from .supervisor import (
    CHECK_SECONDS,
    MISSED_GRACE,
    POLL_SECONDS,
    RESCAN_SECONDS,
    BackendSupervisor,
    unreported,
)

log = logging.getLogger(__name__)

LOGGED_PROBLEMS = 10  # per file read; the report has them all

Changes = tuple[dict[str, SourceResult], set[str]]  # key -> new read, keys removed


def _log_read(r: SourceResult) -> None:
    errors = sum(p.severity is Severity.ERROR for p in r.problems) + (not r.ok)
    log.info("drop folder: %s read: %d listings%s%s", r.key, len(r.listings),
             f", {len(r.posters)} poster" if r.posters else "", f", {errors} errors" if errors else "")
    for problem in r.problems[:LOGGED_PROBLEMS]:
        log.log(logging.WARNING if problem.severity is Severity.ERROR else logging.INFO,
                "drop folder: %s", " | ".join(line.strip() for line in report.problem_lines(problem)))


class FolderWatcher:
    """Watches ``root`` and posts ``Update``s for what changed in it.

    Args:
        root: the drop folder.
        post: called (from the worker thread) with each ``Update``.
        mode: ``auto``, ``native`` or ``poll``.
        initial: the reads the player already has, as ``folder.read_all`` returns them
            (before ``drop_referenced_posters``); without it, the watcher reads the whole
            folder itself and posts it.
        since: when ``initial`` was read (``time.time()``); files changed after it are read again.
        write_report: keep ``_错误报告.txt`` in the folder.
        missing_glyphs: ``text -> characters no screen font can draw``; the report names them.
        native_observer: the native observer class (injectable for tests).
    """

    def __init__(self, root: Path, post: Callable[[object], None], mode: str = "auto",
                 initial: Mapping[str, SourceResult] | None = None, since: float | None = None,
                 write_report: bool = True, quiet: float = QUIET, max_delay: float = MAX_DELAY,
                 settle: float = SETTLE, poll_seconds: float = POLL_SECONDS,
                 rescan_seconds: float = RESCAN_SECONDS, native_observer=Observer,
                 missed_grace: float = MISSED_GRACE,
                 missing_glyphs: Callable[[str], set[str]] | None = None):
        self.root = Path(root).absolute()
        self.post = post
        self.backend = BackendSupervisor(self.root, self.note, mode, poll_seconds, native_observer,
                                         missed_grace)
        self.debounce = Debouncer(quiet, max_delay, settle)
        self.index = FileIndex(self.root)
        self.report = report.ReportKeeper(self.root, write_report, missing_glyphs, log)
        self.rescan_seconds = rescan_seconds
        self._initial = dict(initial) if initial is not None else None
        self._since = since
        self.handover = Handover()  # worker-thread state, as the rest below
        # the debouncer and the flags below are shared with the observer thread, under the lock
        self._cond = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="drop-folder-watch", daemon=True)
        # counters, for tests and /status
        self.batches = 0
        self.files_read = 0
        self.ready = threading.Event()  # set after the first full read

    # ------------------------------------------------------------ public

    def start(self) -> FolderWatcher:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout)
        self.backend.stop()

    def note(self, paths: Iterable[str], closed: bool = False) -> None:
        """Called by the observer thread: these paths changed (cheap; no disk access).

        ``closed``: the event was a close after writing (inotify's IN_CLOSE_WRITE), so the
        writer is done with the file and it can be read at once.
        """
        now = time.monotonic()
        with self._cond:
            keys = []
            for p in paths:
                path = Path(p)
                if path != self.root and folder.ignored_under(path, self.root):
                    continue
                self.debounce.note(p, now, closed)
                keys.append(self.index.key(path))
            if keys:
                self.backend.heard(keys, now)
                self._cond.notify_all()

    def set_other_problems(self, results: Mapping[str, SourceResult]) -> None:
        """Problems of files read elsewhere (playlists, the urgent notice), for the report.

        Any thread may call it; the worker writes the report within a second.
        """
        self.report.set_others(results)

    # the supervisor's state, for tests
    using = property(lambda self: self.backend.using, doc="The observer that runs now: native or poll.")
    observer_alive = property(lambda self: self.backend.alive)
    restarts = property(lambda self: self.backend.restarts)
    late_events = property(lambda self: self.backend.late_events,
                           doc="Changes the rescan saw before their event came (not missed).")

    # ------------------------------------------------------------ the worker

    def _run(self) -> None:
        next_check = 0.0
        next_rescan = time.monotonic() + self.rescan_seconds
        while True:
            try:
                if next_check <= time.monotonic():
                    next_check = time.monotonic() + CHECK_SECONDS
                    next_rescan = self._check(next_rescan)
                batch = self._wait(next_check)
                if batch is None:
                    return
                if batch:
                    self._take(self._read_paths(batch))
                if self.report.others_changed() and self.ready.is_set():
                    self._refresh_report()
            except Exception:  # the worker must survive anything; the next event retries
                log.exception("watch: taking in changes failed")
                time.sleep(0.2)

    def _check(self, next_rescan: float) -> float:
        """The observer's health, the safety rescan when due; returns when the next one is."""
        if self.backend.check():  # (re)started: the folder is there, read what changed
            self._rescan(first=not self.ready.is_set())
        if time.monotonic() >= next_rescan and self.root.is_dir():
            next_rescan = time.monotonic() + self.rescan_seconds
            self._safety_rescan()
        self.backend.judge(time.monotonic())
        return next_rescan

    def _rescan(self, first: bool) -> None:
        if first and self._initial is not None:  # the player's reads: only files changed since are read
            self.handover.adopt(self._initial)
            self.index.adopt(self._initial, self._since)
            self._initial = None
        changes = self._reconcile(self.root)
        self._take(changes)
        if first:
            for key in sorted(set(self.handover.results) - set(changes[0])):
                if self.handover.results[key].problems:  # read at start, not logged yet
                    _log_read(self.handover.results[key])
            self._refresh_report()  # also replaces a report left by an earlier run
            self.ready.set()

    def _wait(self, deadline: float) -> list[str] | None:
        """The next burst of changed paths, [] at ``deadline``, None when stopping."""
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                batch, wake = self.debounce.take(now)
                if batch:
                    return batch
                if now >= deadline:
                    return []
                self._cond.wait(max(0.002, min(wake, deadline) - now))
            return None

    def _safety_rescan(self) -> None:
        """Compare signatures with the disk; changes nobody reported may mean the observer misses them.

        Such changes are suspects: the supervisor judges them once their events had time to come.
        """
        began = time.monotonic()
        with self._cond:  # reported, and waiting to settle or to be taken in: not missed
            pending = {self.index.key(Path(p)) for p in self.debounce.pending()}
        changed, removed = self._reconcile(self.root)
        if not changed and not removed:
            return
        mtimes = {key: self.index.mtime(key) for key in changed}
        self.backend.suspect(unreported(mtimes, removed, pending, time.time()), began)
        self._take((changed, removed))

    # ------------------------------------------------------------ reading

    def _reconcile(self, start: Path) -> Changes:
        """Read files under ``start`` that are new or changed; note the ones that are gone."""
        found = self.index.reconcile(start, self.handover.results.keys())
        return {key: self._load(path, key, sig) for path, key, sig in found.changed}, found.removed

    def _read_paths(self, paths: list[str]) -> Changes:
        changed: dict[str, SourceResult] = {}
        removed: set[str] = set()
        for p in paths:
            path = Path(p)
            if path == self.root or not path.is_relative_to(self.root):
                continue
            key = self.index.key(path)
            if not os.path.lexists(path):
                if self._settled(p, None):  # gone for a moment, not a save with a gap
                    removed |= keys_under(self.handover.results, key)
            elif path.is_dir() and not path.is_symlink():
                more, gone = self._reconcile(path)
                changed.update(more)
                removed |= gone
            elif folder.wanted(path) or path.is_symlink():
                result = self._read_file(p, path, key)
                if result is not None:
                    changed[key] = result
            elif key in self.handover.results:
                removed.add(key)
        return changed, removed - set(changed)

    def _read_file(self, p: str, path: Path, key: str) -> SourceResult | None:
        """The file ``path`` read now; None when it is read already as it is, or must settle first."""
        sig = self.index.signature(path)
        with self._cond:
            closed = self.debounce.was_closed(p)
        if key in self.handover.results and self.index.unchanged(key, sig):
            with self._cond:
                self.debounce.forget(p)
            return None
        if not (closed and self.using == "native") and not self._settled(p, sig):
            return None
        return self._load(path, key, sig)

    def _settled(self, p: str, sig: folder.Signature | None) -> bool:
        """Whether ``p`` looked the same (``sig``; None: absent) ``settle`` seconds ago; if not,
        it is looked at again then."""
        with self._cond:
            return self.debounce.settled(p, sig, time.monotonic())

    def _load(self, path: Path, key: str, sig: folder.Signature | None) -> SourceResult:
        result = folder.load_file(path, self.root)
        self.files_read += 1
        self.index.record(key, sig)
        return result

    def _refresh_report(self) -> None:
        self.report.refresh(self.handover.results, self.handover.stale())

    def _take(self, batch: Changes) -> None:
        """Remember the new reads, post what changed to the player, refresh the report."""
        changed, removed = batch
        if not changed and not removed:
            return
        if any(Path(k).suffix.lower() in IMAGE_SUFFIXES for k in (*changed, *removed)):
            for key in self.handover.picture_users(changed, removed):  # a picture changed
                changed[key] = self._load(self.root / key, key, self.index.signature(self.root / key))
        for key in removed:
            self.index.forget(key)
        out = self.handover.take(changed, removed)
        self.batches += 1
        for key in sorted(changed):
            _log_read(changed[key])
        for key in sorted(removed):
            log.info("drop folder: %s removed; its listings leave the screens", key)
        try:
            self.post(Update(tuple(out), tuple(sorted(removed))))
        except Exception:
            log.exception("watch: handing the update to the player failed")
        self._refresh_report()
