"""sd_notify over a real AF_UNIX datagram socket."""

from __future__ import annotations

import socket
import time

import pytest

from signage.ops.sdnotify import Notifier


@pytest.fixture
def systemd(tmp_path):
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2)
    yield path, sock
    sock.close()


def received(sock) -> list[str]:
    out = []
    sock.setblocking(False)
    try:
        while True:
            out.append(sock.recv(4096).decode())
    except BlockingIOError:
        return out


def test_ready_watchdog_stopping(systemd):
    path, sock = systemd
    now = [0.0]
    n = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"}, clock=lambda: now[0])
    assert n.enabled and n.interval == 1.0
    n.ready("up")
    n.ready("again")  # only once
    assert n.watchdog()
    now[0] = 0.5
    assert not n.watchdog()  # at most every half timeout
    now[0] = 1.0
    assert n.watchdog()
    n.stopping()
    assert received(sock) == ["READY=1\nSTATUS=up", "WATCHDOG=1", "WATCHDOG=1", "STOPPING=1"]
    n.close()


def test_abstract_socket_name():
    name = f"signage-test-{id(object())}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    try:
        n = Notifier({"NOTIFY_SOCKET": "@" + name})
        n.ready()
        sock.settimeout(2)
        assert sock.recv(100) == b"READY=1"
    finally:
        sock.close()


def test_no_systemd_is_a_no_op():
    n = Notifier({})
    assert not n.enabled
    n.ready()
    assert not n.watchdog()
    n.stopping()


def test_watchdog_for_another_pid_is_ignored(systemd):
    path, _ = systemd
    n = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"})
    assert n.interval is None


def test_a_full_socket_never_blocks(systemd):
    path, sock = systemd
    n = Notifier({"NOTIFY_SOCKET": path})
    start = time.monotonic()
    sent = [n.send("WATCHDOG=1") for _ in range(5000)]  # far beyond the datagram queue; nobody reads
    assert time.monotonic() - start < 10.0  # a blocking send would hang here (pytest-timeout ends it)
    assert sent[0] and not sent[-1]  # the queue filled up, and the sends said so instead of waiting
    assert received(sock)[0] == "WATCHDOG=1"
    assert n.send("STOPPING=1")  # once systemd reads again, messages go through


def test_the_frame_loop_feeds_the_watchdog_only_while_frames_work(systemd, fonts, tmp_path):
    from signage.app import config as config_mod
    from signage.player.loop import Player

    path, sock = systemd
    settings = config_mod.from_dict({"display": {"size": [320, 180]},
                                     "content": str(tmp_path / "none")},
                                    base_dir=tmp_path).replace(fullscreen=False)
    player = Player(settings, fonts)
    notifier = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "20000"})
    player.observers.append(notifier)
    player.run(max_seconds=0.3)
    got = received(sock)
    assert got[0].startswith("READY=1") and "WATCHDOG=1" in got and got[-1] == "STOPPING=1"
    player.screen.programme = None  # from now on every frame fails
    player.alive_at = None
    player.run(max_seconds=0.3)
    assert received(sock) == ["STOPPING=1"]
    assert player.faults.total >= 1
