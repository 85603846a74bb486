"""Signals and shutdown: SIGTERM/SIGINT end the loop cleanly, SIGHUP reloads config.yaml.

Signal handlers run on the main thread between bytecodes; they only flip a flag
or post a job to the frame loop, which does the real work between frames.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable

from . import config as config_mod

log = logging.getLogger(__name__)


def reload_job(path, adjust: Callable[[config_mod.Settings], config_mod.Settings],
               notifier=None, target=None) -> Callable:
    """A job for ``player.post``: re-read config.yaml; keep the old settings when it is wrong.

    The loop runs the job with its (first) player; ``target`` is what takes the new
    settings when that is something else (the driver of several outputs).
    """

    def job(player) -> None:
        who = target if target is not None else player
        if notifier is not None:
            notifier.reloading()
        try:
            try:
                new = adjust(config_mod.load(path))
            except config_mod.ConfigError as exc:
                log.error("config.yaml not reloaded: %s (the old settings stay)", exc)
                player._notify("config_reloaded", False)
                return
            if new.content_dir != who.settings.content_dir:
                log.warning("the content folder changed to %s; restart the player to watch it",
                            new.content_dir)
            old = who.settings
            if (new.status_host, new.status_port, new.status_token) != (
                    old.status_host, old.status_port, old.status_token):
                log.warning("status host, port or token changed; restart the player to apply")
            who.apply_settings(new)
            log.info("config.yaml reloaded")
            player._notify("config_reloaded", True)
        finally:
            if notifier is not None:
                notifier.reloaded()

    return job


def install_signals(player, on_hup: Callable[[], None] | None = None) -> None:
    """SIGTERM and SIGINT stop the loop; SIGHUP calls ``on_hup`` (main thread only)."""

    def stop(signum, _frame) -> None:
        log.info("%s: stopping", signal.Signals(signum).name)
        player.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if on_hup is not None:
        signal.signal(signal.SIGHUP, lambda _s, _f: on_hup())


def stop_all(stops: Iterable[Callable[[], None]], budget: float = 0.6, faults=None) -> list[str]:
    """Call each stop function, all together, waiting at most ``budget`` seconds in total.

    Returns the names of those that had not finished (their daemon threads die with us).
    """
    threads = []
    for fn in stops:
        def run(fn=fn) -> None:
            try:
                fn()
            except Exception as exc:
                if faults is not None:
                    faults.report("stopping a source", exc)
                else:
                    log.exception("stopping a source failed")

        t = threading.Thread(target=run, name=f"stop-{getattr(fn, '__name__', 'source')}",
                             daemon=True)
        t.start()
        threads.append(t)
    deadline = time.monotonic() + budget
    late = []
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
        if t.is_alive():
            late.append(t.name)
    if late:
        log.warning("did not stop in time: %s", ", ".join(late))
    return late
