"""The playlist files, re-read when one changes (a cheap stat of each, at most once a second).

The urgent notice may also be dropped at the top of the staff's drop folder (``drop``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from signage.parse import playlists as playlist_mod
from signage.render import pictures

from .clock import Clock

log = logging.getLogger(__name__)

PLAYLIST_CHECK = 1.0  # seconds between looks at the playlist files


class PlaylistWatch:
    def __init__(self, folder: Path | None, clock: Clock, drop: Path | None = None):
        self.folder = folder
        self.drop = drop
        self.clock = clock
        self.current = playlist_mod.load_dir(folder, drop)
        self._print = self._fingerprint()
        self._checked = clock.monotonic()
        pictures.warm_later(self.current.named_pictures)  # not on the frame loop's thread

    def check(self, force: bool = False) -> bool:
        """Re-read the playlist files if any changed; True when they were."""
        mono = self.clock.monotonic()
        if not force and mono - self._checked < PLAYLIST_CHECK:
            return False
        self._checked = mono
        fp = self._fingerprint()
        if fp == self._print and not force:
            return False
        self.current = playlist_mod.load_dir(self.folder, self.drop)
        self._print = self._fingerprint()
        pictures.warm_later(self.current.named_pictures)
        log.info("playlists re-read: %d playlists%s, %d problems", len(self.current.playlists),
                 ", urgent message" if self.current.urgent else "", len(self.current.problems))
        return True

    def _fingerprint(self) -> tuple:
        return playlist_mod.fingerprint(self.folder, self.current.pictures, self.drop)
