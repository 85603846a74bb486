"""The feed poller: one thread per feed, the policy around its requests (the imperative shell).

Each poll asks the feed's :class:`~signage.sources.feed.fetch.Fetcher` for the feed,
conditionally once something good came (If-None-Match / If-Modified-Since; a 304 costs
nothing and confirms the listings are current). Only a body that parses as a whole
replaces what the screens show; it is then written to the disk cache. While the server
fails the poller backs off exponentially with jitter; once it answers, the normal
interval returns. The room keeps seeing the last good listings throughout; after
``max_stale`` seconds of failure a warning says so. Secrets in the feed's settings never
reach a message. How a request is made, timed and capped is fetch.py's business.

Results go to the player through ``post`` as plain :class:`SourceResult` values.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from signage.core.model import Location, Problem, Severity, SourceResult
from signage.core.settings import FeedSettings
from signage.parse import images

from . import parse as feed_parse
from .cache import Cached, FeedCache, ImageCache
from .fetch import Fetcher, FetchError, HttpFetcher

log = logging.getLogger(__name__)

MAX_IMAGES_PER_POLL = 50
IMAGE_RETRY_SECONDS = 3600.0
IMAGE_KEEP_SECONDS = 30 * 86400.0  # an image no feed listing has named for this long is deleted
IMAGE_TIDY_SECONDS = 86400.0  # how often a poller marks its images in use and tidies the cache


def backoff(failures: int, interval: float, retry_max: float, rand: float) -> float:
    """Seconds to wait before the next poll: the interval while all is well, else growing.

    The first retry comes after ``min(interval, 10 s)``, doubling with each further failure up
    to ``retry_max``; "equal jitter" (half fixed, half random) keeps many players from
    knocking on a recovering server in step.
    """
    if failures <= 0:
        return interval
    base = min(interval, 10.0)
    delay = min(retry_max, base * 2 ** min(failures - 1, 30))
    return delay / 2 + rand * delay / 2


def secrets_of(feed: FeedSettings) -> list[str]:
    """Strings that must never reach a log line or /status."""
    out = [feed.token] if feed.token else []
    parts = urlsplit(feed.url)
    if parts.password:
        out.append(parts.password)
    out += [v for k, v in parse_qsl(parts.query) if feed_parse.SECRET_QUERY_KEYS.search(k) and v]
    out += [v for k, v in feed.headers if k.lower() in ("authorization", "cookie", "x-api-key") and v]
    return [s for s in out if len(s) >= 3]


# ------------------------------------------------------------------ state for /status


@dataclass(frozen=True)
class FeedState:
    url: str  # redacted
    last_success: float | None = None  # Unix time of the last 200 or 304
    last_error: str | None = None
    last_error_at: float | None = None
    data_time: float | None = None  # when the shown data was last confirmed by the server
    listings: int = 0
    failures: int = 0  # in a row
    stale: bool = False
    source: str = "none"  # none, cache or network
    polling_since: float | None = None  # Unix time the request under way began
    deadline: float = 0.0  # seconds a request may take; longer than that (and a margin) is stuck
    max_stale: float = 0.0  # the feed's setting, for the alert on a feed failing longer than that

STUCK_MARGIN = 5.0  # seconds past its deadline before a request under way counts as stuck


class FeedBoard:
    """Every feed's latest state, for the ``feeds`` section of /status (thread-safe)."""

    def __init__(self, clock: Callable[[], float] = time.time,
                 on_change: Callable[[], None] | None = None):
        self._clock = clock
        self._lock = threading.Lock()
        self._states: dict[str, FeedState] = {}
        self.on_change = on_change  # e.g. ask the player to refresh /status

    def put(self, state: FeedState) -> None:
        with self._lock:
            changed = self._states.get(state.url) != state
            self._states[state.url] = state
        if changed and self.on_change is not None:
            self.on_change()

    def get(self, url: str) -> FeedState | None:
        with self._lock:
            return self._states.get(url)

    def states(self) -> list[FeedState]:
        with self._lock:
            return list(self._states.values())

    def section(self) -> dict:
        """``{"feeds": {url: {...}}}``, ages as of now."""
        now = self._clock()
        with self._lock:
            states = list(self._states.values())

        def iso(t: float | None) -> str | None:
            return None if t is None else dt.datetime.fromtimestamp(t).isoformat(timespec="seconds")

        return {"feeds": {s.url: {
            "last_success": iso(s.last_success),
            "last_error": s.last_error,
            "last_error_at": iso(s.last_error_at),
            "data_age_seconds": None if s.data_time is None else round(max(0.0, now - s.data_time), 1),
            "listings": s.listings,
            "failures_in_a_row": s.failures,
            "stale": s.stale,
            "data_from": s.source,
            "polling_since": iso(s.polling_since),
            "stuck": s.polling_since is not None
                     and now - s.polling_since > s.deadline + STUCK_MARGIN,
        } for s in states}}


# ------------------------------------------------------------------ the poller


class FeedPoller:
    """Polls one feed in its own thread and posts its SourceResult when what it shows changes."""

    def __init__(self, feed: FeedSettings, cache_dir: Path, post: Callable[[object], None],
                 board: FeedBoard | None = None, clock: Callable[[], float] = time.time,
                 rand: Callable[[], float] = random.random, fetcher: Fetcher | None = None):
        self.feed = feed
        self.key = feed_parse.source_key(feed.url)
        self.post = post
        self.board = board or FeedBoard(clock)
        self.clock = clock
        self.rand = rand
        self.cache = FeedCache(cache_dir, feed.url)
        self.images = ImageCache(cache_dir)
        self.fetcher = fetcher if fetcher is not None else HttpFetcher(feed)
        self._secrets = secrets_of(feed)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._good: SourceResult | None = None  # last good parse (image URLs, not yet local)
        self._validators: tuple[str | None, str | None] = (None, None)
        self._image_failed: dict[str, float] = {}
        self._images_tidied = -1e18  # when this poller last marked its images and tidied
        self._posted: SourceResult | None = None
        self._started = clock()
        self.state = FeedState(self.key.removeprefix("feed:"), deadline=feed.deadline,
                               max_stale=feed.max_stale)

    # ----------------------------------------------------------- pure-ish pieces

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text[:300]

    def _set(self, **changes) -> None:
        self.state = dataclasses.replace(self.state, **changes)
        self.board.put(self.state)

    def _parse(self, body: bytes, content_type: str) -> SourceResult:
        return feed_parse.parse(body, self.key, self.feed.format, content_type, base_url=self.feed.url)

    def shown(self) -> SourceResult:
        """What the screens should show for this feed now: the last good listings (images that are
        on disk), plus a warning once the feed has failed for longer than ``max_stale``."""
        base = self._good or SourceResult(self.key)
        base = feed_parse.with_local_images(base, self.images.local)
        stale = self._is_stale()
        if stale != self.state.stale:
            self._set(stale=stale)
        if not stale:
            return base
        since = self.state.data_time or self._started
        when = dt.datetime.fromtimestamp(since)
        warn = Problem(
            Location(self.key),
            f"招聘信息源自 {when:%m-%d %H:%M} 起一直没有更新成功，屏幕上继续显示之前保存的招聘；"
            f"请检查网络或联系信息发布单位",
            f"the feed has not been updated since {when:%Y-%m-%d %H:%M}; the screens keep showing "
            f"the saved listings. Check the network or ask the publisher",
            Severity.WARNING,
        )
        return dataclasses.replace(base, problems=base.problems + (warn,))

    def _is_stale(self) -> bool:
        if self.state.failures <= 0:
            return False
        since = self.state.data_time or self._started
        return self.clock() - since > self.feed.max_stale

    def _publish(self) -> None:
        result = self.shown()
        if result != self._posted:
            self._posted = result
            self.post(result)

    # ----------------------------------------------------------- cache

    def load_cached(self) -> SourceResult | None:
        """Take the disk copy as the last good one (at start-up, before the network answers)."""
        cached = self.cache.load()
        if cached is None:
            return None
        result = self._parse(cached.body, cached.content_type)
        if not result.ok:
            log.warning("cached copy of feed %s no longer parses; ignored", self.state.url)
            return None
        self._good = result
        self._validators = (cached.etag, cached.last_modified)
        confirmed = cached.saved_at
        with contextlib.suppress(OSError):
            confirmed = max(confirmed, os.stat(self.cache.path).st_mtime)
        self._set(data_time=confirmed, listings=len(result.listings), source="cache")
        log.info("feed %s: %d listings from the cached copy", self.state.url, len(result.listings))
        return self.shown()

    # ----------------------------------------------------------- one poll

    def poll_once(self) -> str:
        """One request; returns ``"new"``, ``"same"``, ``"not-modified"`` or ``"error"``."""
        etag, modified = self._validators if self._good is not None else (None, None)
        self._set(polling_since=self.clock())
        try:
            got = self.fetcher.fetch(self.feed.url, etag=etag, last_modified=modified,
                                     max_bytes=self.feed.max_bytes)
        except FetchError as exc:
            return self._failed(str(exc))
        except Exception as exc:  # never let a surprise kill the poller thread
            log.exception("feed %s: unexpected failure", self.state.url)
            return self._failed(f"unexpected error ({type(exc).__name__})")
        finally:
            self._set(polling_since=None)
        now = self.clock()
        if got.status == 304:
            if self._good is None:  # a 304 to a request that was not conditional
                return self._failed("the server answered 304 but nothing is cached")
            self._touch_cache()
            self._set(last_success=now, data_time=now, failures=0)
            self._publish()
            return "not-modified"
        result = self._parse(got.body, got.content_type)
        if not result.ok:
            reason = result.problems[0].en if result.problems else "unreadable"
            return self._failed(reason)
        same = self._good is not None and result == self._good
        self._good = result
        self._validators = (got.etag, got.last_modified)
        try:
            self.cache.save(Cached(got.body, got.etag, got.last_modified, got.content_type, now))
        except OSError as exc:
            log.warning("feed %s: could not save the cached copy (%s)", self.state.url, exc)
        self._set(last_success=now, data_time=now, failures=0, listings=len(result.listings),
                  source="network")
        self._publish()
        if self.feed.images:
            self.fetch_images()
        if not same:
            log.info("feed %s: %d listings", self.state.url, len(result.listings))
        return "same" if same else "new"

    def _failed(self, message: str) -> str:
        message = self._redact(message)
        self._set(last_error=message, last_error_at=self.clock(), failures=self.state.failures + 1)
        log.warning("feed %s: %s (the screens keep the last good listings)", self.state.url, message)
        self._publish()
        return "error"

    def _touch_cache(self) -> None:
        with contextlib.suppress(OSError):
            os.utime(self.cache.path)

    # ----------------------------------------------------------- images

    def fetch_images(self) -> int:
        """Download the images the good listings name and do not have yet; re-post if any came."""
        if self._good is None:
            return 0
        wanted = [x.image for x in self._good.listings if x.image and "://" in x.image]
        now = self.clock()
        if now - self._images_tidied >= IMAGE_TIDY_SECONDS:  # months of feeds: stay bounded
            self._images_tidied = now
            self.images.keep(wanted)
            self.images.prune(IMAGE_KEEP_SECONDS)
            self._image_failed = {u: t for u, t in self._image_failed.items()
                                  if now - t <= IMAGE_RETRY_SECONDS}
        todo = [u for u in dict.fromkeys(wanted) if self.images.local(u) is None
                and now - self._image_failed.get(u, -1e18) > IMAGE_RETRY_SECONDS]
        got = 0
        budget_ends = time.monotonic() + self.feed.deadline  # the rest waits for the next poll
        for url in todo[:MAX_IMAGES_PER_POLL]:
            if self._stop.is_set() or time.monotonic() > budget_ends:
                break
            try:
                fetched = self.fetcher.fetch(url, max_bytes=self.feed.image_max_bytes)
                refused = images.header_problem(fetched.body)
                if refused is not None:
                    raise FetchError(refused.en)
                self.images.save(url, fetched.body)
                got += 1
            except (FetchError, OSError, ValueError) as exc:
                self._image_failed[url] = now
                log.warning("feed %s: image %s not used: %s", self.state.url,
                            self._redact(feed_parse.redact_url(url)), self._redact(str(exc)))
        if got:
            self._publish()
        return got

    # ----------------------------------------------------------- the thread

    def next_delay(self) -> float:
        return backoff(self.state.failures, self.feed.interval, self.feed.retry_max, self.rand())

    def run(self) -> None:
        while not self._stop.is_set():
            self.poll_once()
            wake = time.monotonic() + self.next_delay()
            while not self._stop.is_set():
                left = wake - time.monotonic()
                if left <= 0:
                    break
                self._stop.wait(min(left, 30.0))
                self._publish()  # staleness may have begun while waiting

    def start(self) -> FeedPoller:
        self._publish()
        self._thread = threading.Thread(target=self._run_safely, name=f"feed {self.state.url}",
                                        daemon=True)
        self._thread.start()
        return self

    def _run_safely(self) -> None:
        try:
            self.run()
        except Exception:
            log.exception("feed poller %s stopped", self.state.url)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.fetcher.close()


def start_all(feeds, cache_dir: Path, post: Callable[[object], None],
              board: FeedBoard) -> list[FeedPoller]:
    pollers = []
    for feed in feeds:
        poller = FeedPoller(feed, cache_dir, post, board)
        poller.load_cached()
        pollers.append(poller.start())
    return pollers
