"""The loop's state as /status shows it."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time

from signage.core.model import Severity

log = logging.getLogger(__name__)


def state(player, now: float) -> dict:
    snap = player.store.snapshot
    screen = player.screens[0] if player.screens else None
    on = screen.on if screen is not None else None
    problems = player.problems
    settings = player.settings
    slot = (settings.screen_index, settings.screen_count)
    out = {
        "station": settings.station_name,
        "version": snap.version,
        "listings": len(snap.current(dt.date.fromtimestamp(now))),
        "listings_loaded": len(snap.listings),
        "page": None if on is None else on.index + 1,
        "pages": None if on is None else on.count,
        "slide": None if on is None else on.slide.kind,
        "playlist": None if on is None else on.playlist,
        "screen": f"{slot[0] + 1}/{slot[1]}",
        "shown_ids": [] if on is None else [x.id for x in on.slide.listings],
        "loaded_at": snap.loaded_at.isoformat(timespec="seconds") if snap.loaded_at else None,
        "now": dt.datetime.fromtimestamp(now).isoformat(timespec="seconds"),
        "errors": [p.as_dict() for p in problems if p.severity is Severity.ERROR],
        "warnings": [p.as_dict() for p in problems if p.severity is Severity.WARNING],
        "stale_sources": list(snap.stale_sources),
        "frames": player.stats.frames,
        "first_frame_seconds": player.first_frame_seconds,
        "size": list(screen.compositor.size) if screen is not None else list(settings.size),
    }
    video = screen.clips.state() if screen is not None else None
    if video is not None:
        out["video"] = video
    for section in player.extra_state:
        try:
            out.update(section())
        except Exception:
            log.exception("a /status section failed")
    return out


def process_started() -> float:
    """When this process started (wall clock), from /proc; now if unknown."""
    try:
        with open("/proc/self/stat") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.time()
