"""What a long-running player carries besides the screen: metrics, screenshot, play log, watchdog.

``attach`` plugs them into a Player as observers and into the WebServer as
routes; ``signage run`` and the soak bench use it the same way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import socket
from dataclasses import dataclass

from signage.core import schedule
from signage.ops import clocksync, feedout
from signage.ops.metrics import Metrics
from signage.ops.playlog import PlayLog
from signage.ops.power import STATES, TvPower
from signage.ops.screenshot import Screenshots
from signage.ops.sdnotify import Notifier

log = logging.getLogger(__name__)


@dataclass
class Ops:
    metrics: Metrics
    playlog: PlayLog
    screenshots: Screenshots
    notifier: Notifier
    power: TvPower


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter


def fixed_mmap_threshold(size: int = 1 << 20) -> bool:
    """Allocate blocks of ``size`` and more (page surfaces: 8 MB at 1080p) with mmap, always.

    glibc raises its mmap threshold each time a large block is freed, after which page
    surfaces come from the heap and their memory stays with the process when they are
    dropped: resident memory then steps up by whole pages and stays there. Fixing the
    threshold turns that dynamic adjustment off, so a dropped page goes back to the system.
    Returns False where this is not glibc.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, size))
    except (OSError, AttributeError):
        return False


def attach(player, status=None, notifier: Notifier | None = None,
           playlog: PlayLog | None = None, feeds=None) -> Ops:
    """Plug metrics, play log and watchdog into ``player`` and routes into ``status``.

    ``feeds`` (a FeedBoard, also given to ``content.start_sources``) tells /metrics each
    feed's health, 304s included.

    A player driving several outputs keeps a play log (``<screen>-2`` ...) and a screenshot
    (``/screenshot-2.png`` ...) per output; metrics count them all; the watchdog follows the loop.
    """
    settings = player.settings
    metrics = Metrics(clock=player.clock.time)
    if feeds is not None:
        metrics.feed_boards.append(feeds.states)
    player.faults.listeners.append(metrics.error)
    # the loop replaces the snapshot and the playlists whole: reading the references is safe
    metrics.follow(lambda: player.store.snapshot,
                   lambda now: schedule.asleep(now, player.playlists.current), settings.content_dir)
    player.extra_state.append(lambda: {
        "clock_synchronised": clocksync.synchronised(),
        "sleeping": schedule.asleep(player.clock.time(), player.playlists.current)})
    screen = settings.screen_name or socket.gethostname()
    count = len(settings.outputs) or 1
    logs = []
    for i in range(count):
        if i == 0 and playlog is not None:
            log_i = playlog
        else:
            log_i = PlayLog(settings.playlog_dir, screen if count == 1 else f"{screen}-{i + 1}",
                            settings.playlog_keep_days)
        log_i.output = i if count > 1 else None
        logs.append(log_i)
    notifier = notifier or Notifier()
    player.observers += [metrics, *logs, notifier]
    # HDMI-CEC reaches the TV on the first output; other outputs' TVs are not switched.
    power = TvPower(settings.power)
    power.listeners.append(lambda o: metrics.tv_power_state(o.state, STATES))

    def log_power(o) -> None:  # a box without CEC did nothing to its TV: no line
        if o.state != "no_adapter":
            logs[0].event(player.clock.time(), tv=o.action, state=o.state, tries=o.tries,
                          error=o.error or None)

    power.listeners.append(log_power)
    metrics.tv_power_state(power.state, STATES)
    player.observers.append(power)
    player.extra_state.append(power.section)
    screenshots = Screenshots(player.post, metrics=metrics)
    if status is not None:
        status.routes["/metrics"] = metrics.render
        status.routes["/screenshot.png"] = screenshots.route
        for i in range(1, count):
            status.routes[f"/screenshot-{i + 1}.png"] = Screenshots(player.post, metrics=metrics,
                                                                    output=i).route
        # the store's snapshot is replaced whole by the loop: reading the reference is safe
        status.header_routes["/feed.json"] = feedout.route(lambda: player.store.snapshot, screen)
    return Ops(metrics, logs[0], screenshots, notifier, power)
