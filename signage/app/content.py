"""Where content comes from: the sources a player reads at start and keeps watching.

``initial_results`` reads everything once, synchronously, so the first frame
already shows content; ``start_sources`` starts the background threads (folder
watcher, feed pollers) that send updates to the player through ``post``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from signage.core.model import SourceResult
from signage.core.settings import Settings
from signage.player.hooks import Hooks
from signage.sources.folder import read as folder

log = logging.getLogger(__name__)

Stop = Callable[[], None]

# The drop folder's initial read, handed from initial_results to the watcher so that
# the folder is not read twice at start: {folder: (when the read began, results)}.
_first_reads: dict[Path, tuple[float, dict[str, SourceResult]]] = {}


def initial_results(settings: Settings) -> list[SourceResult]:
    return _folder_results(settings) + feed_cached_results(settings)


def _folder_results(settings: Settings) -> list[SourceResult]:
    if not settings.content_dir.is_dir():
        log.warning("content folder %s does not exist yet; it will be watched when it does",
                    settings.content_dir)
        return []
    began = time.time()
    results = folder.read_all(settings.content_dir)
    _first_reads.clear()  # one drop folder per process; keep only the latest read
    _first_reads[settings.content_dir] = (began, results)
    return list(folder.drop_referenced_posters(results).values())


def feed_cached_results(settings: Settings) -> list[SourceResult]:
    """The last good copy of each feed from the disk cache, shown before the network answers."""
    from signage.sources.feed.poller import FeedPoller

    out = []
    for feed in settings.feeds:
        try:
            result = FeedPoller(feed, settings.cache_dir, post=lambda _: None).load_cached()
        except Exception:
            log.exception("cached copy of a feed could not be read; ignored")
            continue
        if result is not None:
            out.append(result)
    return out


def _refresh_status(player) -> None:
    """Run by the player's loop: /status shows a feed's news even when no page is redrawn."""
    refresh = getattr(player, "publish_status", None)
    if refresh is not None:
        refresh()


def start_sources(settings: Settings, post: Callable[[object], None], fonts=None,
                  board=None) -> list[Stop]:
    """Start the background sources; returns a stop function for each.

    ``fonts``: the player's fonts, so that the staff report names characters they cannot draw.
    ``board`` (a FeedBoard) collects the feeds' health; pass the one /metrics reads.
    """
    from signage.sources.folder.watch import FolderWatcher

    missing = None
    if fonts is not None:  # the watcher's own font objects: it checks from its thread
        from signage.render.fonts import Glyphs

        missing = Glyphs(fonts.regular_face, fonts.fallback_faces).missing
    since, initial = _first_reads.pop(settings.content_dir, (None, None))
    from . import preview

    previews = settings.content_dir.is_dir()
    if previews:  # before the drop folder's watcher starts: no race on it
        preview.make_folder(settings)
    watcher = FolderWatcher(settings.content_dir, post, settings.watch, initial=initial,
                            since=since, missing_glyphs=missing).start()
    # Problems in the playlists and the urgent notice go into the staff's report too.
    post(lambda player: PlaylistReport(watcher, settings).attach(player))
    stops: list[Stop] = [watcher.stop]
    if previews:
        stops.append(preview.start(settings, post))
    if settings.feeds:
        from signage.sources.feed.poller import FeedBoard, start_all

        board = board or FeedBoard()
        board.on_change = lambda: post(_refresh_status)
        # /status gets a "feeds" section: the loop runs this on the player (see Player.extra_state)
        post(lambda player: player.extra_state.append(board.section))
        stops += [p.stop for p in start_all(settings.feeds, settings.cache_dir, post, board)]
    return stops


class PlaylistReport(Hooks):
    """A player observer: the playlists' problems, by file, into the drop folder's report.

    It looks once per turn of the loop whether the player has read its playlists again
    (a new ``Playlists`` value): a cheap identity test.
    """

    def __init__(self, watcher, settings: Settings):
        self.watcher = watcher
        self.drop = settings.content_dir
        self._seen: object = None

    def attach(self, player) -> None:
        player.observers.append(self)
        self.loop_tick(player)

    def loop_tick(self, player) -> None:
        playlists = player.playlists.current
        if playlists is self._seen:
            return
        self._seen = playlists
        by_file: dict[str, list] = {}
        for problem in playlists.problems:
            by_file.setdefault(self.key(problem.where.source), []).append(problem)
        self.watcher.set_other_problems({
            key: SourceResult(key, problems=tuple(found), ok=True) for key, found in by_file.items()})

    def key(self, source: str) -> str:
        """The urgent notice in the drop folder by its name; a playlist file marked as one."""
        if folder.is_urgent(self.drop / source, self.drop) and (self.drop / source).exists():
            return source
        return f"播放列表 playlist {source}"
