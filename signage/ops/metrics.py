"""/metrics in the Prometheus text format: is the screen alive, what did it show, is it healthy.

Everything lives in this module's own ``CollectorRegistry`` (never the global
one), so several players in one process (tests, the soak bench) do not collide.
The player feeds it through its observer hooks (``frame_drawn``, ``slide_shown``,
``content_applied``); a feed poller that learns its feed is unchanged (304) posts
nothing, so the feeds' own board (``feed_boards``, see ``app.wiring.attach``) is read
at scrape time.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import resource
import threading
import time
from collections.abc import Callable
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from signage.core.model import FEED_PREFIX, Severity, Snapshot, SourceResult
from signage.ops import clocksync
from signage.player.hooks import Hooks
from signage.render.badge import badge_state
from signage.sources.folder.read import REPORT_NAME

FRAME_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


def source_label(key: str) -> str:
    """A bounded label for a source: each feed by name, all drop-folder files as ``folder``."""
    return key if key.startswith(FEED_PREFIX) else "folder"


def resident_bytes() -> float:
    """Resident memory of this process now (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0


def _number(flag: bool | None) -> float:
    return math.nan if flag is None else float(flag)


def newest_file_time(folder: Path) -> float | None:
    """When the newest file arrived in ``folder`` (its change or, for a copy that kept an old
    modification time, its arrival: st_ctime); the error report and hidden files do not count."""
    newest = None
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith((".", "~$")) or name == REPORT_NAME:
                continue
            try:
                st = os.stat(os.path.join(root, name))
            except OSError:
                continue
            t = max(st.st_mtime, st.st_ctime)
            newest = t if newest is None else max(newest, t)
    return newest


class _Feeds:
    """Each feed's health, collected at scrape time: the age of its data (seconds since it last
    delivered good content or confirmed it unchanged), failures in a row, its ``max_stale``."""

    def __init__(self, metrics: Metrics):
        self._m = metrics

    def collect(self):
        age = GaugeMetricFamily("signage_feed_age_seconds",
                                "Seconds since each feed last delivered good content "
                                "(or answered 304 Not Modified)", labels=["source"])
        failures = GaugeMetricFamily("signage_feed_failures",
                                     "Polls of each feed that failed in a row", labels=["source"])
        max_stale = GaugeMetricFamily("signage_feed_max_stale_seconds",
                                      "Each feed's max_stale setting: failing longer than this "
                                      "is worth an alert", labels=["source"])
        now = self._m.clock()
        times = self._m.feed_times()
        for state in self._m.feed_states():
            key = source_label(FEED_PREFIX + state.url)
            failures.add_metric([key], state.failures)
            max_stale.add_metric([key], state.max_stale)
        for source, when in times.items():
            age.add_metric([source], max(0.0, now - when))
        yield from (age, failures, max_stale)


class Metrics(Hooks):
    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.registry = r = CollectorRegistry()
        self._lock = threading.Lock()
        self._feed_ok: dict[str, float] = {}
        self._files_with_errors = 0
        # Callables returning the feeds' states (FeedBoard.states): the pollers' own bookkeeping,
        # where a 304 Not Modified is good news that posts nothing to the player.
        self.feed_boards: list[Callable[[], list]] = []
        self.frames = Counter("signage_frames", "Frames drawn", registry=r)
        self.frame_seconds = Histogram("signage_frame_seconds", "Time to draw one frame",
                                       buckets=FRAME_BUCKETS, registry=r)
        self.slides = Counter("signage_slides_shown", "Slides put on the screen, by kind",
                              ["kind"], registry=r)
        self.listings = Counter("signage_listings_shown",
                                "Listing impressions (each listing on each slide shown)", registry=r)
        self.reloads = Counter("signage_content_reloads", "Source reads taken in, by source",
                               ["source"], registry=r)
        self.failures = Counter("signage_content_failures",
                                "Source reads that failed or had errors, by source", ["source"],
                                registry=r)
        self.errors = Counter("signage_errors", "Exceptions caught at a boundary, by where",
                              ["where"], registry=r)
        self.config_reloads = Counter("signage_config_reloads", "config.yaml reloads (SIGHUP)",
                                      ["result"], registry=r)
        self.video_frames = Counter("signage_video_frames", "Frames of clips: shown, or dropped "
                                    "(decoded too late)", ["result"], registry=r)
        for result in ("shown", "dropped"):
            self.video_frames.labels(result)
        self.screenshots = Counter("signage_screenshots", "Screenshots taken", registry=r)
        self.display_upload = Counter("signage_display_upload_bytes",
                                      "Bytes sent to the display: changed rectangles presented "
                                      "(software path) or textures uploaded (GPU path)", registry=r)
        self._uploaded = 0  # the compositors' count when last looked at
        self.content_version = Gauge("signage_content_version", "Version of the content on screen",
                                     registry=r)
        self.listings_loaded = Gauge("signage_listings_loaded", "Listings loaded", registry=r)
        self.problems = Gauge("signage_content_problems", "Problems with the content, by severity",
                              ["severity"], registry=r)
        self.stale = Gauge("signage_stale_sources", "Sources showing their last good copy",
                           registry=r)
        self.last_frame = Gauge("signage_last_frame_timestamp_seconds",
                                "When the last frame was drawn (player clock)", registry=r)
        # What the county's alert rules need (deploy/prometheus/): read at scrape time from the
        # functions ``follow`` is given; NaN until then.
        self.sleeping = Gauge("signage_sleeping", "1 while the programme is in its sleep hours "
                              "(the screen black on purpose), else 0", registry=r)
        self.listings_current = Gauge("signage_listings_current",
                                      "Listings that may be shown today (started, not expired)",
                                      registry=r)
        self.content_newest = Gauge("signage_content_newest_timestamp_seconds",
                                    "When the newest content came: the latest file put in the drop "
                                    "folder, or a feed's latest good answer (304 included)", registry=r)
        self.clock_synchronised = Gauge("signage_clock_synchronised",
                                        "1 when the system clock is synchronised (NTP), else 0",
                                        registry=r)
        self.clock_synchronised.set_function(lambda: _number(clocksync.synchronised()))
        self.files_with_errors = Gauge("signage_files_with_errors",
                                       "Files (and feeds) whose content has errors", registry=r)
        self.errors_since = Gauge("signage_files_with_errors_since_timestamp_seconds",
                                  "Since when some file has had errors without a break (0: none)",
                                  registry=r)
        for gauge in (self.sleeping, self.listings_current, self.content_newest):
            gauge.set_function(lambda: math.nan)
        Gauge("signage_resident_memory_bytes", "Resident memory of the player",
              registry=r).set_function(resident_bytes)
        self.tv_power = Gauge("signage_tv_power", "The TV's power state as last asked over "
                              "HDMI-CEC and read back (1 for the current state)", ["state"],
                              registry=r)
        for sev in Severity:
            self.problems.labels(sev.value)
        for result in ("ok", "failed"):
            self.config_reloads.labels(result)
        ProcessCollector(registry=r)
        r.register(_Feeds(self))

    def follow(self, snapshot_of: Callable[[], Snapshot], asleep: Callable[[float], bool],
               content_dir: Path | None) -> None:
        """Read the live snapshot, the sleep hours and the drop folder at scrape time."""
        self.sleeping.set_function(lambda: float(asleep(self.clock())))
        self.listings_current.set_function(
            lambda: len(snapshot_of().current(dt.date.fromtimestamp(self.clock()))))

        def newest() -> float:
            times = [newest_file_time(content_dir) if content_dir else None, *self.feed_times().values()]
            return max((t for t in times if t is not None), default=math.nan)

        self.content_newest.set_function(newest)

    # ------------------------------------------------------------ feed age
    def feed_fresh(self, source: str, when: float | None = None) -> None:
        """A feed delivered good content (or confirmed it is unchanged); any thread may call."""
        with self._lock:
            self._feed_ok[source_label(source)] = self.clock() if when is None else when

    def feed_states(self) -> list:
        states = []
        for board in list(self.feed_boards):
            try:
                states += board()
            except Exception:  # a scrape must not fail for one board
                continue
        return states

    def feed_times(self) -> dict[str, float]:
        """{feed source: epoch of its last good answer}, from the player's and the pollers' news."""
        with self._lock:
            times = dict(self._feed_ok)
        for state in self.feed_states():
            if state.data_time is not None:
                key = source_label(FEED_PREFIX + state.url)
                times[key] = max(state.data_time, times.get(key, state.data_time))
        return times

    # ------------------------------------------------------------ output
    def render(self) -> tuple[int, str, bytes]:
        """A WebServer route."""
        return 200, CONTENT_TYPE_LATEST, generate_latest(self.registry)

    def error(self, where: str, exc: BaseException) -> None:
        """A Faults listener."""
        self.errors.labels(where.split(":")[0][:60]).inc()

    # ------------------------------------------------------------ player hooks
    def frame_drawn(self, player, seconds: float) -> None:
        self.frames.inc()
        self.frame_seconds.observe(seconds)
        self.last_frame.set(player.clock.time())
        uploaded = sum(screen.compositor.uploaded for screen in player.screens)
        if uploaded > self._uploaded:
            self.display_upload.inc(uploaded - self._uploaded)
        self._uploaded = uploaded

    def slide_shown(self, player, on, now: float, screen: int = 0) -> None:
        self.slides.labels(on.slide.kind).inc()
        if on.slide.listings:
            self.listings.inc(len(on.slide.listings))

    def content_applied(self, player, results: tuple[SourceResult, ...], snapshot) -> None:
        for result in results:
            source = source_label(result.key)
            self.reloads.labels(source).inc()
            bad = not result.ok or any(p.severity is Severity.ERROR for p in result.problems)
            if bad:
                self.failures.labels(source).inc()
            elif source.startswith(FEED_PREFIX):
                self.feed_fresh(source)
        files = (badge_state(snapshot.problems, ()) or (0,))[0]
        if bool(files) != bool(self._files_with_errors):
            self.errors_since.set(self.clock() if files else 0)
        self._files_with_errors = files
        self.files_with_errors.set(files)
        self.content_version.set(snapshot.version)
        self.listings_loaded.set(len(snapshot.listings))
        self.stale.set(len(snapshot.stale_sources))
        for sev in Severity:
            self.problems.labels(sev.value).set(
                sum(1 for p in snapshot.problems if p.severity is sev))

    def tv_power_state(self, state: str, states: tuple[str, ...]) -> None:
        for s in states:
            self.tv_power.labels(s).set(1 if s == state else 0)

    def clip_played(self, player, clip, shown: int, dropped: int, decoder: str) -> None:
        self.video_frames.labels("shown").inc(shown)
        self.video_frames.labels("dropped").inc(dropped)

    def config_reloaded(self, player, ok: bool) -> None:
        self.config_reloads.labels("ok" if ok else "failed").inc()

