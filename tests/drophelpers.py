"""Helpers for the drop-folder and player tests: a screen stand-in fed by the real watcher, polling,
the player in this process on a fake clock."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from signage.core.store import ContentStore
from signage.player.loop import Update
from signage.sources.folder.read import REPORT_NAME


class Shown:
    """What the player would show: a ContentStore fed with the watcher's Updates."""

    def __init__(self):
        self.store = ContentStore()
        self.lock = threading.Lock()
        self.updates: list[Update] = []

    def post(self, item) -> None:
        with self.lock:
            assert isinstance(item, Update)
            self.store.apply_many(item.results, item.removed)
            self.updates.append(item)

    @property
    def snapshot(self):
        with self.lock:
            return self.store.snapshot

    def titles(self) -> list[str]:
        return sorted(x.title for x in self.snapshot.listings)

    def sources(self) -> set[str]:
        with self.lock:
            return self.store.keys()


def eventually(check, timeout: float = 15.0, interval: float = 0.02, what: str = "condition"):
    """Poll ``check`` until it returns something truthy; fail with its last value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"{what} not met in {timeout} s; last value: {last!r}")


def player_at(settings, fonts, when: float):
    """The player in this process on a fake clock at ``when``, its drop folder read, its display open."""
    from signage.player.clock import FakeClock
    from signage.player.loop import Player
    from signage.sources.folder import read as folder

    clock = FakeClock(when)
    p = Player(settings, fonts, clock=clock)
    p.load(folder.scan(settings.content_dir).values())
    p.open_display()
    return p, clock


def report_of(folder: Path) -> str | None:
    path = folder / REPORT_NAME
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None


def listing_yaml(title: str, phone: str = "13812345678", **more: str) -> str:
    more = {"工资": "150元/天", **more}
    lines = [f"岗位: {title}", f"电话: {phone}"] + [f"{k}: {v}" for k, v in more.items()]
    return "\n".join(lines) + "\n"
