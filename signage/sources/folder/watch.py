"""Hot reload of the drop folder: a watchdog observer, debounced, feeding the player.

Threads and what they do:

- the watchdog observer thread calls :class:`_Handler`, which only notes the
  paths that changed (cheap, never raises: an exception there would kill the
  observer silently);
- the worker thread (:meth:`FolderWatcher._run`) waits until the folder has been
  quiet for ``quiet`` seconds (or ``max_delay`` passed since the first change of
  a burst), re-reads just the files that changed, hands the player one
  ``Update(results, removed)`` through ``post``, and rewrites ``_错误报告.txt``.

Editors save in many ways: in place (modified), atomically (temp file renamed
over: moved/created, no modified), vim's dance (rename to ``file~``, write new,
delete backup). The worker therefore does not trust event kinds: for every
noted path it looks at what is on disk now. Directory events are reconciled by
comparing file signatures (size, mtime, inode), so only changed files are read.
Paths are filtered here (``folder.ignored_under``, on the parts below the drop
folder) rather than with watchdog's ``patterns``, which watchdog 7 matches
against the full path.

Robustness: ``watch: auto`` starts the native (inotify) observer and falls back
to polling when it cannot start (inotify limits raise OSError) or when the
periodic safety rescan finds changes it never reported (network shares; a change
counts as missed only when its event has not come a second after the rescan saw it,
since events can trail the disk on a busy box); a dead
observer thread is restarted and the folder rescanned. A file is read once its
writer closed it (inotify's close-after-write) or, failing that, once its size and
mtime have settled; a name that vanished is taken as removed only once it stayed
gone as long, so a save with a gap never takes a listing off the screens. A
vanished drop folder (an unmounted share) keeps the screens as they are until it
returns.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from signage.core.model import Severity, SourceResult
from signage.core.store import Update
from signage.parse.images import IMAGE_SUFFIXES

from . import images, report
from . import read as folder

log = logging.getLogger(__name__)

QUIET = 0.12  # seconds without events before a burst is taken in
MAX_DELAY = 1.0  # ...but never later than this after its first event
SETTLE = 0.4  # a file not seen closed must keep its size and mtime this long (also a vanished name)
POLL_SECONDS = 1.0  # polling observer interval
RESCAN_SECONDS = 20.0  # safety-net rescan of signatures (catches what the observer missed)
CHECK_SECONDS = 1.0  # how often the observer's health and the folder's presence are checked
LOGGED_PROBLEMS = 10  # per file read; the report has them all
MISSED_AGE = 2.0  # a change older than this that no event reported was missed by the observer
MISSED_GRACE = 1.0  # ...unless its event arrives within this long after the rescan saw it


_UNKNOWN = object()


def _has_errors(result: SourceResult) -> bool:
    return not result.ok or any(p.severity is Severity.ERROR for p in result.problems)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: FolderWatcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            if event.event_type in ("opened", "closed_no_write"):
                return
            if event.is_directory and event.event_type == "modified":
                return  # a folder's own mtime: the files in it send their own events
            paths = [event.src_path, getattr(event, "dest_path", "")]
            self.watcher.note((os.fsdecode(p) for p in paths if p),
                              closed=event.event_type == "closed")
        except Exception:  # never let an exception kill the observer thread
            log.exception("watch: could not note %r", event)


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
        if mode not in ("auto", "native", "poll"):
            raise ValueError(f"watch mode must be auto, native or poll, not {mode!r}")
        self.root = Path(root).absolute()
        self.post = post
        self.mode = mode
        self.using = "poll" if mode == "poll" else "native"  # what runs now
        self.write_report = write_report
        self.missing_glyphs = missing_glyphs
        self.quiet, self.max_delay, self.settle = quiet, max_delay, settle
        self.poll_seconds, self.rescan_seconds = poll_seconds, rescan_seconds
        self.missed_grace = missed_grace
        self._native_observer = native_observer
        self._initial = dict(initial) if initial is not None else None
        self._since = since
        # worker-thread state
        self._results: dict[str, SourceResult] = {}
        self._posted: dict[str, SourceResult] = {}
        self._sigs: dict[str, folder.Signature] = {}
        self._good: dict[str, SourceResult] = {}
        self._settling: dict[str, folder.Signature | None] = {}
        self._deferred: dict[str, float] = {}
        self._report: str | None | object = _UNKNOWN  # what the report file says now
        self._others: dict[str, SourceResult] = {}  # playlists, the urgent notice: for the report
        self._others_dirty = False
        self._observer: BaseObserver | None = None
        self._root_missing_logged = False
        # shared with the observer thread, under the lock
        self._cond = threading.Condition()
        self._dirty: set[str] = set()
        self._closed: set[str] = set()  # paths whose last event was a close after writing
        self._first_event = 0.0
        self._last_event = 0.0
        self._stopping = False
        # Changes the safety rescan found that no event had reported yet: key -> when the rescan
        # began. An event may still be on its way (the observer thread is a few ms behind the
        # disk, more on a busy box): only those still unreported after missed_grace count.
        self._suspects: dict[str, float] = {}
        self._noted: dict[str, float] = {}  # key -> when an event last named it (pruned)
        self._thread = threading.Thread(target=self._run, name="drop-folder-watch", daemon=True)
        # counters, for tests and /status
        self.batches = 0
        self.files_read = 0
        self.restarts = 0
        self.late_events = 0  # changes the rescan saw before their event came (not missed)
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
        self._stop_observer()

    def note(self, paths: Iterable[str], closed: bool = False) -> None:
        """Called by the observer thread: these paths changed (cheap; no disk access).

        ``closed``: the event was a close after writing (inotify's IN_CLOSE_WRITE), so the
        writer is done with the file and it can be read at once.
        """
        now = time.monotonic()
        with self._cond:
            added = False
            for p in paths:
                path = Path(p)
                if path != self.root and folder.ignored_under(path, self.root):
                    continue
                if closed:
                    self._closed.add(p)
                else:
                    self._closed.discard(p)
                self._dirty.add(p)
                self._noted[folder.key_of(path, self.root)] = now
                added = True
            if added:
                if not self._first_event:
                    self._first_event = now
                self._last_event = now
                self._cond.notify_all()

    def set_other_problems(self, results: Mapping[str, SourceResult]) -> None:
        """Problems of files read elsewhere (playlists, the urgent notice), for the report.

        Any thread may call it; the worker writes the report within a second.
        """
        with self._cond:
            self._others = dict(results)
            self._others_dirty = True

    @property
    def observer_alive(self) -> bool:
        obs = self._observer
        return obs is not None and obs.is_alive() and all(e.is_alive() for e in obs.emitters)

    # ------------------------------------------------------------ the worker

    def _run(self) -> None:
        next_check = 0.0
        next_rescan = time.monotonic() + self.rescan_seconds
        first = True
        while True:
            try:
                if next_check <= time.monotonic():
                    next_check = time.monotonic() + CHECK_SECONDS
                    if self._check_observer():  # (re)started: the folder is there, read what changed
                        changes = self._reconcile(self.root, initial=first)
                        self._take(changes)
                        if first:
                            for key in sorted(set(self._results) - set(changes[0])):
                                if self._results[key].problems:  # read at start, not logged yet
                                    self._log_read(self._results[key])
                            self._refresh_report()  # also replaces a report left by an earlier run
                            first = False
                            self.ready.set()
                    if time.monotonic() >= next_rescan and self.root.is_dir():
                        next_rescan = time.monotonic() + self.rescan_seconds
                        self._safety_rescan()
                    self._judge_suspects()
                batch = self._wait(next_check)
                if batch is None:
                    return
                if batch:
                    self._take(self._read_paths(batch))
                with self._cond:
                    others, self._others_dirty = self._others_dirty, False
                if others and not first:
                    self._refresh_report()
            except Exception:  # the worker must survive anything; the next event retries
                log.exception("watch: taking in changes failed")
                time.sleep(0.2)

    def _wait(self, deadline: float) -> list[str] | None:
        """The next burst of changed paths, [] at ``deadline``, None when stopping."""
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                due = [p for p, t in self._deferred.items() if t <= now]
                if self._dirty:
                    ready_at = min(self._last_event + self.quiet, self._first_event + self.max_delay)
                    if now >= ready_at:
                        batch = sorted(self._dirty | set(due))
                        self._dirty.clear()
                        self._first_event = 0.0
                        for p in due:
                            del self._deferred[p]
                        return batch
                    wake = ready_at
                elif due:
                    for p in due:
                        del self._deferred[p]
                    return sorted(due)
                else:
                    wake = min(self._deferred.values(), default=deadline)
                if now >= deadline:
                    return []
                self._cond.wait(max(0.002, min(wake, deadline) - now))
            return None

    # ------------------------------------------------------------ observers

    def _check_observer(self) -> bool:
        """Start or restart the observer when needed; True when the folder must be rescanned."""
        if not self.root.is_dir():
            if not self._root_missing_logged:
                log.warning("watch: drop folder %s is missing; screens keep their content until it is back",
                            self.root)
                self._root_missing_logged = True
            self._stop_observer()
            return False
        if self._root_missing_logged:
            log.info("watch: drop folder %s is back", self.root)
            self._root_missing_logged = False
        if self.observer_alive:
            return False
        if self._observer is not None:
            self.restarts += 1
            log.error("watch: the %s observer stopped; restarting it and rescanning the folder", self.using)
        self._stop_observer()
        self._start_observer()
        return True

    def _start_observer(self) -> None:
        handler = _Handler(self)
        if self.using == "native":
            try:
                obs = self._native_observer()
                obs.schedule(handler, str(self.root), recursive=True)
                obs.start()
                self._observer = obs
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
        self._observer = obs
        log.info("watch: watching %s (polling every %.1f s)", self.root, self.poll_seconds)

    def _stop_observer(self) -> None:
        obs, self._observer = self._observer, None
        if obs is None:
            return
        try:
            obs.stop()
            if obs.is_alive() and obs is not threading.current_thread():
                obs.join(2.0)
        except Exception:
            log.exception("watch: stopping the observer failed")

    def _safety_rescan(self) -> None:
        """Compare signatures with the disk; changes nobody reported may mean the observer misses them.

        Such changes are suspects: :meth:`_judge_suspects` decides once their events had time to come.
        """
        began = time.monotonic()
        with self._cond:  # reported, and waiting to settle or to be taken in: not missed
            pending = {folder.key_of(Path(p), self.root)
                       for p in (*self._dirty, *self._deferred, *self._settling)}
        changed, removed = self._reconcile(self.root)
        if not changed and not removed:
            return
        now = time.time()
        missed = [k for k in changed if k not in pending
                  and (self._sigs.get(k) or (0, 0, 0))[1] / 1e9 < now - MISSED_AGE]
        missed += [k for k in removed if k not in pending]
        if missed and self.mode == "auto" and self.using == "native":
            with self._cond:
                for key in missed:
                    self._suspects.setdefault(key, began)
        self._take((changed, removed))

    def _judge_suspects(self) -> None:
        """Switch to polling when a change the rescan saw is still unreported after the grace."""
        now = time.monotonic()
        with self._cond:
            missed = []
            for key, seen in list(self._suspects.items()):
                if self._noted.get(key, -1.0) >= seen:  # its event came, late: not missed
                    del self._suspects[key]
                    self.late_events += 1
                elif now - seen >= self.missed_grace:
                    del self._suspects[key]
                    missed.append(key)
            oldest = min(self._suspects.values(), default=now) - self.missed_grace
            for key in [k for k, t in self._noted.items() if t < oldest]:
                del self._noted[key]  # nothing waits for events this old
        if missed and self.mode == "auto" and self.using == "native":
            log.warning("watch: the native observer missed changes in %s (%s; a network share?); "
                        "switching to polling", self.root, ", ".join(sorted(missed)[:3]))
            self.using = "poll"
            self._stop_observer()
            self._start_observer()

    # ------------------------------------------------------------ reading

    def _reconcile(self, start: Path, initial: bool = False
                   ) -> tuple[dict[str, SourceResult], set[str]]:
        """Read files under ``start`` that are new or changed; note the ones that are gone."""
        if initial and self._initial is not None:
            since_ns = int(((self._since or 0) - 1.0) * 1e9)  # a second of margin for coarse clocks
            for key, result in self._initial.items():
                sig = folder.signature(self.root / key)
                self._results[key] = result
                if sig is not None and sig[1] < since_ns:
                    self._sigs[key] = sig
                if not _has_errors(result) or result.ok:
                    self._good[key] = result
            self._posted = folder.drop_referenced_posters(self._results)  # what the player has
            self._initial = None
        changed: dict[str, SourceResult] = {}
        seen: set[str] = set()
        for path in folder.files_under(self.root, start):
            key = folder.key_of(path, self.root)
            seen.add(key)
            sig = folder.signature(path)
            if key in self._results and sig is not None and sig == self._sigs.get(key):
                continue
            changed[key] = self._load(path, key, sig)
        if not start.is_dir():  # vanished while we looked (an unmounted share): change nothing
            return {}, set()
        prefix = "" if start == self.root else folder.key_of(start, self.root) + "/"
        removed = {k for k in self._results if k.startswith(prefix) and k not in seen}
        return changed, removed

    def _read_paths(self, paths: list[str]) -> tuple[dict[str, SourceResult], set[str]]:
        changed: dict[str, SourceResult] = {}
        removed: set[str] = set()
        for p in paths:
            path = Path(p)
            if path == self.root or not path.is_relative_to(self.root):
                continue
            key = folder.key_of(path, self.root)
            if not os.path.lexists(path):
                if self._settled(p, None):  # gone for a moment, not a save with a gap
                    removed |= {k for k in self._results if k == key or k.startswith(key + "/")}
            elif path.is_dir() and not path.is_symlink():
                more, gone = self._reconcile(path)
                changed.update(more)
                removed |= gone
            elif folder.wanted(path) or path.is_symlink():
                sig = folder.signature(path)
                with self._cond:
                    closed = p in self._closed
                    self._closed.discard(p)
                if key in self._results and sig is not None and sig == self._sigs.get(key):
                    self._settling.pop(p, None)  # read already as it is now
                    continue
                if not (closed and self.using == "native") and not self._settled(p, sig):
                    continue
                changed[key] = self._load(path, key, sig)
            elif key in self._results:
                removed.add(key)
        return changed, removed - set(changed)

    def _settled(self, p: str, sig: folder.Signature | None) -> bool:
        """True when ``p`` looked the same (``sig``; None: absent) ``settle`` seconds ago.

        A file is read only once its writer closed it (native events) or it stopped
        changing, so a slow copy is never read half written; a name is taken as removed
        only once it stayed gone, so a save that moves the old file away a moment before
        the new one is written never takes the listing off the screens.
        """
        if p in self._settling and self._settling[p] == sig:
            del self._settling[p]
            return True
        self._settling[p] = sig
        self._deferred[p] = time.monotonic() + self.settle
        return False

    def _load(self, path: Path, key: str, sig: folder.Signature | None) -> SourceResult:
        result = folder.load_file(path, self.root)
        self.files_read += 1
        if sig is not None:
            self._sigs[key] = sig
        return result

    def _take(self, batch: tuple[dict[str, SourceResult], set[str]]) -> None:
        """Remember the new reads, post what changed to the player, refresh the report."""
        changed, removed = batch
        if not changed and not removed:
            return
        if any(Path(k).suffix.lower() in IMAGE_SUFFIXES for k in (*changed, *removed)):
            self._reread_picture_users(changed, removed)
        self._remember(changed, removed)
        out = self._to_post(changed)
        self.batches += 1
        for key in sorted(changed):
            self._log_read(changed[key])
        for key in sorted(removed):
            log.info("drop folder: %s removed; its listings leave the screens", key)
        try:
            self.post(Update(tuple(out), tuple(sorted(removed))))
        except Exception:
            log.exception("watch: handing the update to the player failed")
        self._refresh_report()

    def _reread_picture_users(self, changed: dict[str, SourceResult], removed: set[str]) -> None:
        """A picture changed: the files whose listings name pictures are read again too."""
        for key, result in list(self._results.items()):
            if key not in changed and key not in removed and images.names_pictures(result):
                changed[key] = self._load(self.root / key, key, folder.signature(self.root / key))

    def _remember(self, changed: dict[str, SourceResult], removed: set[str]) -> None:
        for key in removed:
            self._results.pop(key, None)
            self._posted.pop(key, None)
            self._sigs.pop(key, None)
            self._good.pop(key, None)
        for key, result in changed.items():
            self._results[key] = result
            if not _has_errors(result) or (key not in self._good and result.ok):
                self._good[key] = result

    def _to_post(self, changed: dict[str, SourceResult]) -> list[SourceResult]:
        """The changed reads, and the reads whose posters changed with them (a picture that a
        listing names is no poster of its own), each as the player will show it."""
        shown = folder.drop_referenced_posters(self._results)
        out = [shown[k] for k in changed]
        out += [r for k, r in shown.items()
                if k not in changed and self._results[k].posters and r != self._posted.get(k)]
        for r in out:
            self._posted[r.key] = r
        return out

    @staticmethod
    def _log_read(r: SourceResult) -> None:
        errors = sum(p.severity is Severity.ERROR for p in r.problems) + (not r.ok)
        log.info("drop folder: %s read: %d listings%s%s", r.key, len(r.listings),
                 f", {len(r.posters)} poster" if r.posters else "", f", {errors} errors" if errors else "")
        for problem in r.problems[:LOGGED_PROBLEMS]:
            log.log(logging.WARNING if problem.severity is Severity.ERROR else logging.INFO,
                    "drop folder: %s", " | ".join(line.strip() for line in report.problem_lines(problem)))

    def stale(self) -> set[str]:
        return {k for k, r in self._results.items()
                if _has_errors(r) and k in self._good and self._good[k] is not r
                and (self._good[k].listings or self._good[k].posters)}

    def _refresh_report(self) -> None:
        stale = self.stale()
        with self._cond:
            others = dict(self._others)
        results = {**others, **self._results}
        text = report.report_text(results, stale, missing_glyphs=self.missing_glyphs,
                                  elsewhere=others)
        if text == self._report:
            return
        self._report = text
        bad = report.files_with_errors([p for r in results.values() for p in r.problems])
        bad |= {k for k, r in results.items() if not r.ok}
        if bad:
            log.warning("drop folder: %d file(s) with problems: %s (see %s)", len(bad),
                        ", ".join(sorted(bad)[:10]), folder.REPORT_NAME)
        elif text is None:
            log.info("drop folder: all files are fine")
        if self.write_report:
            stamped = report.report_text(results, stale, now=_now(),
                                         missing_glyphs=self.missing_glyphs,
                                         elsewhere=others) if text else None
            report.write_report(self.root, stamped)


def _now():
    import datetime as dt

    return dt.datetime.now()
