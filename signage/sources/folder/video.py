"""Video clips dropped in the folder: a clip slide of their own, or refused with a message.

The rule lives in :mod:`signage.parse.clips`; the probe runs in the reading
thread (the watcher's), never on the frame loop.
"""

from __future__ import annotations

from pathlib import Path

from signage.core.model import Location, Problem, SourceResult
from signage.parse.clips import VIDEO_SUFFIXES, probe
from signage.parse.images import Refused

__all__ = ["VIDEO_SUFFIXES", "load_video"]


def load_video(path: Path, key: str) -> SourceResult:
    try:
        clip = probe(path, Location(key), f"video:{key}")
    except Refused as why:
        return SourceResult(key, problems=(Problem(Location(key), why.zh, why.en),), ok=False)
    return SourceResult(key, clips=(clip,))
