"""Screen power: standby over HDMI-CEC at the start of sleep hours, wake before the first
frame after them. A stand-in ``cec-ctl`` first on PATH records its calls to a file."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import time

import pygame
import pytest

from signage.app import config as config_mod
from signage.app import wiring
from signage.ops import power
from signage.player.clock import FakeClock
from signage.player.loop import Player
from signage.sources.folder import read as folder


def t(text: str) -> float:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").timestamp()


def test_decide_standby_at_sleep_and_wake_after():
    assert power.decide(None, True) == power.STANDBY
    assert power.decide(False, True) == power.STANDBY
    assert power.decide(None, False) == power.WAKE
    assert power.decide(True, False) == power.WAKE
    assert power.decide(True, True) is None
    assert power.decide(False, False) is None


def test_power_state_read_back():
    assert power.power_state("Power Status: pwr-state: standby (0x01)") == "standby"
    assert power.power_state("\tpwr-state: on (0x00)\n") == "on"
    assert power.power_state("\tpwr-state: in-transition-standby-to-on (0x02)") == "on"
    assert power.power_state("Transmit from Playback Device 1 to TV (4 to 0): Timeout") is None
    assert power.physical_address("Physical Address           : 3.0.0.0\n") == "3.0.0.0"


STAND_IN = """#!/bin/sh
echo "$*" >> "{log}"
state_file="{state}"
fail_file="{fail}"
if [ -f "$fail_file" ]; then echo "CEC_TRANSMIT: Device or resource busy" >&2; exit 1; fi
case "$*" in
  *--playback*) echo "Physical Address           : 3.0.0.0" ;;
  *--standby*) echo standby > "$state_file" ;;
  *--image-view-on*) echo on > "$state_file" ;;
  *--give-device-power-status*) echo "	pwr-state: $(cat "$state_file" 2>/dev/null || echo on) (0x00)" ;;
esac
exit 0
"""


@pytest.fixture
def cec(tmp_path, monkeypatch):
    """A stand-in cec-ctl first on PATH; returns (calls so far, make it fail)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    calls = tmp_path / "cec-calls.txt"
    fail = tmp_path / "cec-fail"
    script = bindir / "cec-ctl"
    script.write_text(STAND_IN.format(log=calls, state=tmp_path / "tv-state", fail=fail))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")

    def read() -> list[str]:
        return calls.read_text().splitlines() if calls.exists() else []

    read.fail = fail
    return read


@pytest.fixture
def sleepy(tmp_path, drop, config_file, fonts):
    """A player whose programme sleeps 22:00-07:00, with ops attached and a clock we move."""
    drop("jobs.yaml", """
        - id: a1
          title: 服务员
          employer: 川味餐馆
          pay: 150元/天
    """)
    pl = tmp_path / "playlists"
    pl.mkdir()
    (pl / "day.yaml").write_text("name: 白天\ndefault: true\nslides:\n  - jobs\n", encoding="utf-8")
    (pl / "sleep.yaml").write_text('name: 休息\nsleep: true\nschedule: {time: "22:00-07:00"}\n',
                                   encoding="utf-8")

    made = []

    def make(when: str = "2026-11-09 21:59", mode: str = "cec"):
        settings = config_mod.load(config_file(
            f"playlists: playlists\ndisplay: {{fullscreen: false, size: [480, 270], power: {mode}}}\n"
            "pages: {transition: none}\nplaylog: {folder: playlog}\n"))
        now = FakeClock(t(when))
        p = Player(settings, fonts, clock=now)
        p.load(folder.scan(settings.content_dir).values())
        ops = wiring.attach(p)
        ops.power.cec = power.Cec(tries=3, retry_wait=0.01)
        p.open_display()
        made.append((p, ops))
        return p, ops, now

    yield make
    # A CEC worker still retrying must not run the next test's stand-in cec-ctl (found on PATH
    # when it runs): stop each worker and wait for it.
    for p, ops in made:
        ops.power.stopped(p)
        if ops.power._thread is not None:
            ops.power._thread.join(5)


def settle(p: Player, ops, until, timeout: float = 5.0) -> None:
    """Run frames until ``until()`` (the CEC worker answers through the player's inbox)."""
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "the TV power worker did not answer"
        p.drain_inbox()
        time.sleep(0.01)


def test_standby_at_sleep_and_wake_before_the_first_frame_of_the_day(sleepy, cec):
    p, ops, now = sleepy()
    p.frame()  # 21:59: day; the start wakes the TV (it may have been left in standby)
    settle(p, ops, lambda: ops.power.last is not None)
    assert ops.power.state == "on"
    assert "--to 0 --image-view-on" in cec()
    assert "--to 15 --active-source phys-addr=3.0.0.0" in cec()
    before = len(cec())

    now.set(t("2026-11-09 22:00") + 1)
    p.frame()
    assert p.state()["slide"] == "black"
    settle(p, ops, lambda: ops.power.state == "standby")
    new = cec()[before:]
    assert new[0] == "--to 0 --standby" and "--to 0 --give-device-power-status" in new
    assert p.state()["tv_power"] == {"mode": "cec", "state": "standby",
                                     "last_action": "standby", "error": None}
    metrics = ops.metrics.render()[2].decode()
    assert 'signage_tv_power{state="standby"} 1.0' in metrics
    assert 'signage_tv_power{state="on"} 0.0' in metrics

    now.set(t("2026-11-09 23:30"))  # still asleep: nothing more is sent
    p.frame()
    p.drain_inbox()
    n = len(cec())

    # The morning: the loop ticks through the last seconds of the night; the wake is asked
    # 20 s before 07:00, so the TV is on for the first frame of the day.
    now.set(t("2026-11-10 06:59") + 30)
    asked_at_first_day_frame = None
    while p.state()["slide"] == "black":
        p.frame()
        if p.state()["slide"] != "black":
            asked_at_first_day_frame = list(ops.power.asked)
        p.observers.loop_tick(p)
        now.step(1.0)
    assert asked_at_first_day_frame == ["wake", "standby", "wake"]
    settle(p, ops, lambda: ops.power.state == "on")
    woke = cec()[n:]
    assert woke[0] == "--to 0 --image-view-on"
    assert woke[1] == "--to 15 --active-source phys-addr=3.0.0.0"
    p.stop()
    p.observers.stopped(p)
    lines = [json.loads(x) for f in (p.settings.playlog_dir).glob("*.jsonl")
             for x in f.read_text().splitlines()]
    tv = [x["tv"] for x in lines if "tv" in x]
    assert tv == ["wake", "standby", "wake"]


def test_a_failing_tv_is_retried_then_reported_once(sleepy, cec, caplog):
    p, ops, now = sleepy()
    cec.fail.write_text("")
    p.frame()
    settle(p, ops, lambda: ops.power.last is not None)
    assert ops.power.state == "failed"
    assert cec().count("--to 0 --image-view-on") == 3  # three tries
    now.set(t("2026-11-09 22:00") + 1)
    p.frame()
    settle(p, ops, lambda: ops.power.last.action == "standby")
    assert cec().count("--to 0 --standby") == 3
    reports = [r for r in caplog.records if "did not take" in r.getMessage()]
    assert len(reports) == 1  # reported once, not for every failure
    assert p.state()["tv_power"]["state"] == "failed"
    assert "Device or resource busy" in p.state()["tv_power"]["error"]
    assert pygame.transform.average_color(p.screen.grab())[:3] == (0, 0, 0)  # still black


def test_no_adapter_is_said_once_and_the_screen_stays_black(sleepy, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no cec-ctl at all
    p, ops, now = sleepy(when="2026-11-09 22:30")
    p.frame()
    settle(p, ops, lambda: ops.power.last is not None)
    assert ops.power.state == "no_adapter"
    now.set(t("2026-11-10 07:00") + 1)
    p.frame()
    settle(p, ops, lambda: ops.power.last.action == "wake")
    now.set(t("2026-11-10 22:00") + 1)
    p.frame()
    settle(p, ops, lambda: ops.power.last.action == "standby")
    said = [r for r in caplog.records if "no CEC adapter" in r.getMessage()]
    assert len(said) == 1
    assert p.state()["slide"] == "black"
    assert pygame.transform.average_color(p.screen.grab())[:3] == (0, 0, 0)


def test_no_device_node_counts_as_no_adapter():
    def runner(args):
        return 1, "Failed to open /dev/cec0: No such file or directory\n"

    outcome = power.Cec(runner, retry_wait=0).apply(power.STANDBY)
    assert outcome.state == "no_adapter" and "/dev/cec0" in outcome.error


def test_power_none_sends_nothing(sleepy, cec):
    p, ops, now = sleepy(mode="none")
    p.frame()
    now.set(t("2026-11-09 22:00") + 1)
    p.frame()
    time.sleep(0.1)
    p.drain_inbox()
    assert cec() == [] and p.state()["tv_power"]["state"] == "off"


def test_the_tv_is_woken_a_little_before_sleep_hours_end(sleepy, cec):
    p, ops, now = sleepy(when="2026-11-09 23:00")
    p.frame()
    settle(p, ops, lambda: ops.power.state == "standby")
    now.set(t("2026-11-10 06:59") + 30)  # 30 s before 07:00: not yet
    p.frame()
    p.observers.loop_tick(p)
    assert ops.power.asked == ["standby"]
    now.set(t("2026-11-10 06:59") + 45)  # 15 s before: a TV takes that long to come on
    p.frame()
    p.observers.loop_tick(p)
    assert ops.power.asked == ["standby", "wake"] and p.state()["slide"] == "black"
    settle(p, ops, lambda: ops.power.state == "on")
    now.set(t("2026-11-10 07:00") + 1)
    p.frame()  # the first frame of the day: the TV is on already, nothing more is sent
    p.observers.loop_tick(p)
    assert p.state()["slide"] == "jobs" and ops.power.asked == ["standby", "wake"]


def test_no_early_wake_at_midnight_inside_sleep_hours(sleepy, cec):
    p, ops, now = sleepy(when="2026-11-09 23:59")
    now.step(50)  # 10 s before midnight, where the schedule looks again: still asleep after
    p.frame()
    p.observers.loop_tick(p)
    assert ops.power.asked == ["standby"]


def test_display_power_is_cec_or_none(tmp_path):
    assert config_mod.from_dict({}, tmp_path).power == "cec"
    assert config_mod.from_dict({"display": {"power": "none"}}, tmp_path).power == "none"
    with pytest.raises(config_mod.ConfigError) as err:
        config_mod.from_dict({"display": {"power": "hdmi"}}, tmp_path)
    assert "display.power" in str(err.value) and "cec" in str(err.value)
