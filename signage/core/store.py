"""ContentStore: per-source results merged into immutable snapshots.

Owned by one thread (the player's main loop applies what the watcher and the
feed poller send it); everything it hands out is frozen. Rules:

- keep last good: a source whose new read has errors keeps showing the
  listings of its last good read, and a warning says so;
- a removed source's listings leave at once;
- local files come before feeds, feeds from the county before feeds from other
  boxes of the station, and the first listing with an id wins, so a local file
  overrides a feed listing of the same id;
- a listing that is the same job as one before it (same title, employer, pay,
  phone and place) under another id is shown once, and staff are told;
- the version goes up only when what can be shown changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .model import (
    FEED_PREFIX,
    Clip,
    Listing,
    Location,
    Poster,
    Problem,
    Severity,
    Snapshot,
    SourceResult,
)


@dataclass(frozen=True)
class Update:
    """What a source thread hands the player: new reads of some sources, and sources gone."""

    results: tuple[SourceResult, ...] = ()
    removed: tuple[str, ...] = ()


def _has_errors(result: SourceResult) -> bool:
    return not result.ok or any(p.severity is Severity.ERROR for p in result.problems)


def _where(listing: Listing) -> str:
    where = listing.origin
    row = f" 第 {where.line} 行" if where.line else ""
    return f"{where.source}{row}"


def without_duplicates(listings: Iterable[Listing]) -> tuple[list[Listing], list[Problem]]:
    """The listings in order, each id and each job once, and a problem for every one left out.

    Feed listings that repeat one shown already are dropped quietly: staff cannot fix a feed.
    """
    kept: list[Listing] = []
    problems: list[Problem] = []
    by_id: dict[str, Listing] = {}
    by_job: dict[str, Listing] = {}
    for listing in listings:
        first = by_id.get(listing.id) or by_job.get(listing.job)
        if first is not None:
            if not listing.origin.source.startswith(FEED_PREFIX):
                if first.id == listing.id and first.job != listing.job:
                    zh = (f"编号“{listing.id}”和 {_where(first)} 的招聘重复了，这一条没有显示。"
                          "请给两条招聘不同的编号")
                    en = f"id '{listing.id}' is also used by {first.origin}; this one is not shown"
                else:
                    zh = f"这条招聘和 {_where(first)} 的“{first.title}”完全相同（重复），只显示一次。请删掉其中一条"
                    en = f"the same job as '{first.title}' at {first.origin} (a duplicate); shown once"
                problems.append(Problem(listing.origin, zh, en, Severity.WARNING, "duplicate"))
            continue
        by_id[listing.id] = listing
        by_job.setdefault(listing.job, listing)
        kept.append(listing)
    return kept, problems


class ContentStore:
    def __init__(self, clock=dt.datetime.now):
        self._clock = clock
        self._latest: dict[str, SourceResult] = {}
        self._good: dict[str, tuple[SourceResult, dt.datetime]] = {}
        self.snapshot = Snapshot(loaded_at=None)

    def apply(self, result: SourceResult) -> Snapshot:
        """Take in one source's new read."""
        return self.apply_many([result])

    def apply_many(self, results: Iterable[SourceResult], removed: Iterable[str] = ()) -> Snapshot:
        """Take in several new reads and removals, then rebuild the snapshot once."""
        for key in removed:
            self._latest.pop(key, None)
            self._good.pop(key, None)
        for result in results:
            self._latest[result.key] = result
            # A clean read is the new good copy; a partly bad file that never was good still
            # shows what in it is valid.
            if not _has_errors(result) or (result.key not in self._good and result.ok):
                self._good[result.key] = (result, self._clock())
        return self._rebuild()

    def remove(self, key: str) -> Snapshot:
        return self.apply_many((), removed=[key])

    def keys(self) -> set[str]:
        return set(self._latest)

    def _rebuild(self) -> Snapshot:
        found: list[Listing] = []
        posters: list[Poster] = []
        problems: list[Problem] = []
        stale: list[str] = []
        clips: list[Clip] = []
        relayed: list[str] = []
        hidden: set[str] = set()
        order = sorted(self._latest, key=lambda k: (k.startswith(FEED_PREFIX), self._relayed(k), k))
        for key in order:
            latest = self._latest[key]
            if self._relayed(key):
                relayed.append(key)
            problems.extend(latest.problems)
            shown = latest
            if _has_errors(latest) and key in self._good and self._good[key][0] is not latest:
                shown, when = self._good[key]
                if shown.listings or shown.posters or shown.clips:
                    stale.append(key)
                    problems.append(Problem(
                        Location(key),
                        f"这个文件有错误，屏幕上继续显示 {when:%m-%d %H:%M} 时正确的内容，改好后会自动更新",
                        f"this source has errors; the screens keep showing its last good content "
                        f"from {when:%Y-%m-%d %H:%M} until it is fixed",
                        Severity.WARNING,
                    ))
            hidden.update(getattr(shown, "hidden_ids", ()))
            found.extend(shown.listings)
            posters.extend(shown.posters)
            clips.extend(shown.clips)
        listings, duplicates = without_duplicates(found)
        problems.extend(duplicates)
        if hidden:
            listings = [x for x in listings if x.id not in hidden or not x.origin.source.startswith(FEED_PREFIX)]
        new = Snapshot(tuple(listings), tuple(posters), tuple(problems), self.snapshot.version,
                       self._clock(), tuple(stale), tuple(clips), tuple(relayed))
        what = ("listings", "posters", "problems", "stale_sources", "clips", "relayed_sources")
        if any(getattr(new, k) != getattr(self.snapshot, k) for k in what) or self.snapshot.loaded_at is None:
            self.snapshot = dataclasses.replace(new, version=self.snapshot.version + 1)
        return self.snapshot

    def _relayed(self, key: str) -> bool:
        """A feed another box serves (its good copy says so; a failed read does not)."""
        good = self._good.get(key)
        return (good[0] if good else self._latest[key]).relayed
