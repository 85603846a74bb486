"""/metrics in the Prometheus text format: is the screen alive, what did it show, is it healthy.

Everything lives in this module's own ``CollectorRegistry`` (never the global
one), so several players in one process (tests, the soak bench) do not collide.
The player feeds it through its observer hooks (``frame_drawn``, ``slide_shown``,
``content_applied``); a feed poller that learns its feed is unchanged without
posting anything calls :meth:`Metrics.feed_fresh`.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Callable

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

from signage.core.model import FEED_PREFIX, Severity, SourceResult
from signage.player.hooks import Hooks

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


class _FeedAge:
    """Seconds since each feed last delivered good content (collected at scrape time)."""

    def __init__(self, metrics: Metrics):
        self._m = metrics

    def collect(self):
        family = GaugeMetricFamily("signage_feed_age_seconds",
                                   "Seconds since each feed last delivered good content",
                                   labels=["source"])
        now = self._m.clock()
        for source, when in self._m.feed_times().items():
            family.add_metric([source], max(0.0, now - when))
        yield family


class Metrics(Hooks):
    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.registry = r = CollectorRegistry()
        self._lock = threading.Lock()
        self._feed_ok: dict[str, float] = {}
        # Callables returning {feed source: epoch of its last good answer}, e.g. from the feed
        # pollers' own bookkeeping (a 304 Not Modified is good news that posts nothing).
        self.feed_providers: list[Callable[[], dict[str, float]]] = []
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
        r.register(_FeedAge(self))

    # ------------------------------------------------------------ feed age
    def feed_fresh(self, source: str, when: float | None = None) -> None:
        """A feed delivered good content (or confirmed it is unchanged); any thread may call."""
        with self._lock:
            self._feed_ok[source_label(source)] = self.clock() if when is None else when

    def feed_times(self) -> dict[str, float]:
        with self._lock:
            times = dict(self._feed_ok)
        for provider in list(self.feed_providers):
            try:
                for source, when in provider().items():
                    if when is not None:
                        key = source_label(source if source.startswith(FEED_PREFIX)
                                           else FEED_PREFIX + source)
                        times[key] = max(when, times.get(key, when))
            except Exception:  # a scrape must not fail for one provider
                continue
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

