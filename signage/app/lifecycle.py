"""Signals and shutdown: SIGTERM/SIGINT end start-up or the loop cleanly, SIGHUP reloads config.yaml.

Signal handlers run on the main thread between bytecodes; they only flip a flag
or post a job to the frame loop, which does the real work between frames.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # config (pydantic) loads after the stop signals are caught
    from signage.core.settings import Settings

log = logging.getLogger(__name__)


def reload_job(path, adjust: Callable[[Settings], Settings], notifier=None) -> Callable:
    """A job for ``player.post``: re-read config.yaml; keep the old settings when it is wrong.

    The loop runs the job with the player, which gives the new settings to every output.
    """

    from . import config as config_mod

    def job(player) -> None:
        if notifier is not None:
            notifier.reloading()
        try:
            try:
                new = adjust(config_mod.load(path))
            except config_mod.ConfigError as exc:
                log.error("config.yaml not reloaded: %s (the old settings stay)", exc)
                player.observers.config_reloaded(player, False)
                return
            if new.content_dir != player.settings.content_dir:
                log.warning("the content folder changed to %s; restart the player to watch it",
                            new.content_dir)
            old = player.settings
            if (new.status_host, new.status_port, new.status_token) != (
                    old.status_host, old.status_port, old.status_token):
                log.warning("status host, port or token changed; restart the player to apply")
            player.apply_settings(new)
            log.info("config.yaml reloaded")
            player.observers.config_reloaded(player, True)
        finally:
            if notifier is not None:
                notifier.reloaded()

    return job


class StopSignals:
    """SIGTERM and SIGINT from the first moment of ``run``, so that a stop asked for
    during start-up is never lost.

    Until :meth:`hold`, nothing has been started that needs stopping (imports, settings,
    fonts), and a stop ends the process at once (exit code 0). From :meth:`hold` on, a
    stop is remembered, checked between the remaining steps, and passed on to the
    player once it exists (:meth:`attach`). A context manager: the handlers that were
    there before come back on exit.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._holding = False
        self._player = None
        self._before: dict = {}

    def __enter__(self) -> StopSignals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._before[sig] = signal.signal(sig, self._on_signal)
        return self

    def __exit__(self, *_exc) -> None:
        for sig, handler in self._before.items():
            signal.signal(sig, handler)

    def _on_signal(self, signum, _frame) -> None:
        self.signum = signum
        log.info("%s: stopping", signal.Signals(signum).name)
        if not self._holding:
            log.info("stopped while starting up")
            raise SystemExit(0)
        if self._player is not None:
            self._player.stop()

    @property
    def requested(self) -> bool:
        return self.signum is not None

    def hold(self) -> None:
        """From now on a stop is remembered rather than ending the process at once."""
        self._holding = True

    def attach(self, player) -> None:
        """From now on a stop goes to ``player``; one asked for already is passed on now."""
        self._player = player
        if self.requested:
            player.stop()


def install_reload(on_hup: Callable[[], None]) -> None:
    """SIGHUP calls ``on_hup`` (main thread only)."""
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
