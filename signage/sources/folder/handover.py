"""What the drop-folder watcher has read, the last good read of each file, and what it handed the player.

Plain data and the rules over it, no disk and no threads (the watcher's worker owns it):

- a read with errors keeps the file's last good read as the one staff are told is still shown
  (``stale``, for the report; the store keeps the listings on screen by the same rule);
- a picture that a listing names is no poster of its own, so when reads change, the files
  whose posters changed with them are handed over again, each as the player will show it.
"""

from __future__ import annotations

from collections.abc import Mapping

from signage.core.model import Severity, SourceResult

from . import images
from . import read as folder


def has_errors(result: SourceResult) -> bool:
    return not result.ok or any(p.severity is Severity.ERROR for p in result.problems)


class Handover:
    """Key -> the latest read, the last good read, and the read as last handed to the player."""

    def __init__(self) -> None:
        self.results: dict[str, SourceResult] = {}
        self.good: dict[str, SourceResult] = {}
        self.posted: dict[str, SourceResult] = {}

    def adopt(self, initial: Mapping[str, SourceResult]) -> None:
        """The reads the player was given at start (before ``drop_referenced_posters``)."""
        for key, result in initial.items():
            self.results[key] = result
            if not has_errors(result) or result.ok:
                self.good[key] = result
        self.posted = folder.drop_referenced_posters(self.results)  # what the player has

    def picture_users(self, changed: Mapping[str, SourceResult], removed: set[str]) -> list[str]:
        """The other files whose listings name pictures: a picture changed, so they are read again."""
        return [key for key, result in self.results.items()
                if key not in changed and key not in removed and images.names_pictures(result)]

    def take(self, changed: Mapping[str, SourceResult], removed: set[str]) -> list[SourceResult]:
        """Remember new reads and removed files; the reads to hand the player, as it will show them:
        the changed ones and those whose posters changed with them."""
        self._remember(changed, removed)
        shown = folder.drop_referenced_posters(self.results)
        out = [shown[k] for k in changed]
        out += [r for k, r in shown.items()
                if k not in changed and self.results[k].posters and r != self.posted.get(k)]
        for r in out:
            self.posted[r.key] = r
        return out

    def _remember(self, changed: Mapping[str, SourceResult], removed: set[str]) -> None:
        for key in removed:
            self.results.pop(key, None)
            self.posted.pop(key, None)
            self.good.pop(key, None)
        for key, result in changed.items():
            self.results[key] = result
            if not has_errors(result) or (key not in self.good and result.ok):
                self.good[key] = result

    def stale(self) -> set[str]:
        """Files whose latest read has errors while an earlier good read is still shown."""
        return {k for k, r in self.results.items()
                if has_errors(r) and k in self.good and self.good[k] is not r
                and (self.good[k].listings or self.good[k].posters)}
