"""Containment: failures are logged once per cause, counted always, and a bad slide is set aside."""

from __future__ import annotations

import logging
import threading

import pygame

from signage.app import config as config_mod
from signage.player.clock import FakeClock
from signage.player.contain import Faults, SetAside
from signage.player.hooks import Hooks
from signage.player.loop import Player
from signage.sources.folder import read as folder


def test_faults_log_each_cause_once_and_count_all(caplog):
    faults = Faults(logging.getLogger("t"))
    seen = []
    faults.listeners.append(lambda where, exc: seen.append(where))
    with caplog.at_level(logging.ERROR, logger="t"):
        for _ in range(100):
            with faults.guard("drawing"):
                raise ValueError("bad width")
        with faults.guard("drawing"):
            raise ValueError("other message")
        with faults.guard("feed"):
            raise ValueError("bad width")
    assert len([r for r in caplog.records if r.name == "t"]) == 3
    assert faults.count("drawing", ValueError("bad width")) == 100
    assert faults.total == 102
    assert len(seen) == 102


def test_faults_remember_a_bounded_number_of_causes():
    faults = Faults(logging.getLogger("t"), max_causes=10)
    for i in range(50):
        faults.report("x", RuntimeError(str(i)))
    assert faults.total == 10


def test_thread_exceptions_reach_faults():
    faults = Faults(logging.getLogger("t"))
    old = threading.excepthook
    try:
        faults.install_thread_hook()
        t = threading.Thread(target=lambda: 1 / 0, name="poller")
        t.start()
        t.join()
    finally:
        threading.excepthook = old
    assert faults.count("thread poller", ZeroDivisionError("division by zero")) == 1


def test_set_aside_after_repeated_failures_then_retry():
    now = [0.0]
    aside = SetAside(limit=3, seconds=60, clock=lambda: now[0])
    assert aside.usable("s")
    assert not aside.failed("s") and not aside.failed("s")
    assert aside.failed("s")
    assert not aside.usable("s")
    now[0] = 59
    assert not aside.usable("s")
    now[0] = 61
    assert aside.usable("s")  # one more try
    assert aside.failed("s")  # fails again: straight back
    assert not aside.usable("s")
    now[0] = 200
    assert aside.usable("s")
    aside.succeeded("s")
    assert not aside.failed("s")


class BrokenPages:
    """A page cache whose second page cannot be drawn (stands in for a faulty slide kind)."""

    def __init__(self, cache):
        self.cache = cache
        self.attempts = 0

    def get(self, slide):
        if slide.page == 1:
            self.attempts += 1
            raise RuntimeError("this slide kind is broken")
        return self.cache.get(slide)

    def __getattr__(self, name):
        return getattr(self.cache, name)


def test_player_survives_a_failing_slide_and_sets_it_aside(fonts, drop, tmp_path, caplog):
    for i in range(4):
        drop(f"job{i}.yaml", f"""
            title: 岗位{i}
            employer: 单位{i}
            pay: 150元/天
            """)
    settings = config_mod.from_dict({"content": str(drop.folder), "display": {"size": [320, 180]},
                                     "pages": {"cards_per_page": 2, "seconds": 10,
                                               "transition": "none"}},
                                    base_dir=tmp_path).replace(fullscreen=False)
    clock = FakeClock(1_800_000_000.0)
    player = Player(settings, fonts, clock=clock)
    player.load(folder.scan(drop.folder).values())
    player.open_display()
    shown = []

    class Watch(Hooks):
        def slide_shown(self, _player, on, _now, screen=0):
            shown.append(on.slide.page)

    player.observers.append(Watch())
    broken = BrokenPages(player.screen.cache)
    player.screen.cache = broken
    with caplog.at_level(logging.ERROR):
        for _ in range(40):  # 400 s: twenty cycles of the two pages
            player.frame()
            clock.step(10)
    assert pygame.display.get_surface() is not None
    assert shown.count(0) == 20 and 1 not in shown  # the good page keeps coming round
    assert broken.attempts == 3  # then the bad one is not even tried for ten minutes
    assert len([r for r in caplog.records if "this slide kind is broken" in r.getMessage()]) == 1
    clock.step(600)
    for _ in range(4):
        player.frame()
        clock.step(10)
    assert broken.attempts == 4  # retried after the pause
