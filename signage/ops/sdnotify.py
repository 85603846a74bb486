"""systemd's sd_notify, in a few lines of stdlib: READY, WATCHDOG and STOPPING.

Under ``Type=notify`` systemd passes ``NOTIFY_SOCKET`` (a datagram socket path, or
an abstract name starting with ``@``); with ``WatchdogSec=`` it also passes
``WATCHDOG_USEC``, and restarts the service when no ``WATCHDOG=1`` arrives in time.
Outside systemd every call is a cheap no-op.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Mapping

from signage.player.hooks import Hooks

log = logging.getLogger(__name__)


class Notifier(Hooks):
    def __init__(self, env: Mapping[str, str] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        env = os.environ if env is None else env
        self.clock = clock
        self._sock: socket.socket | None = None
        self._addr = ""  # the socket's address, set with the socket
        path = env.get("NOTIFY_SOCKET", "")
        if path:
            self._addr = "\0" + path[1:] if path.startswith("@") else path
            try:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
                self._sock.setblocking(False)  # a full queue must never stall the frame loop
            except OSError as exc:
                log.warning("cannot talk to systemd (%s)", exc)
        self.interval: float | None = None  # how often to feed the watchdog (half its timeout)
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        if usec.isdigit() and int(usec) > 0 and (not pid or pid == str(os.getpid())):
            self.interval = int(usec) / 1e6 / 2
        self._last_ping: float | None = None
        self.ready_sent = False

    @property
    def enabled(self) -> bool:
        return self._sock is not None

    def send(self, message: str) -> bool:
        if self._sock is None:
            return False
        try:
            self._sock.sendto(message.encode(), self._addr)
            return True
        except OSError as exc:
            log.debug("sd_notify %r failed: %s", message, exc)
            return False

    def ready(self, status: str = "") -> None:
        """Tell systemd the service is up (after the first frame is on the screen)."""
        if not self.ready_sent:
            self.ready_sent = True
            self.send("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def watchdog(self) -> bool:
        """Feed the watchdog, at most every half timeout. Call it from the frame loop only."""
        if self.interval is None or self._sock is None:
            return False
        now = self.clock()
        if self._last_ping is not None and now - self._last_ping < self.interval:
            return False
        self._last_ping = now
        return self.send("WATCHDOG=1")

    def stopping(self) -> None:
        self.send("STOPPING=1")

    def reloading(self) -> None:
        """Say a reload (SIGHUP) began; ``reloaded`` says it ended."""
        usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        self.send(f"RELOADING=1\nMONOTONIC_USEC={usec}")

    def reloaded(self) -> None:
        self.send("READY=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    # Player hooks (see Player.observers)
    def frame_drawn(self, player, seconds: float) -> None:
        if not self.ready_sent:
            self.ready(f"showing {player.settings.station_name}")

    def loop_tick(self, player) -> None:
        """Feed the watchdog only while frame() keeps returning: a loop whose every frame
        fails is as dead as a frozen one, and a restart may cure it."""
        alive_at = player.alive_at
        if (self.ready_sent and self.interval is not None and alive_at is not None
                and player.clock.monotonic() - alive_at <= 2 * self.interval):
            self.watchdog()

    def stopped(self, player) -> None:
        self.stopping()
