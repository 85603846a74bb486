"""What the county's alert rules read from /metrics: sleep hours, current listings, the newest
content, files with errors since when, the clock's synchronisation (the real kernel's answer)."""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from signage.core import schedule
from signage.core.model import Listing, Location, Problem, Snapshot, SourceResult
from signage.ops import clocksync
from signage.ops.metrics import Metrics, newest_file_time
from signage.parse import playlists as playlist
from signage.sources.folder.read import REPORT_NAME


def samples(metrics: Metrics) -> dict:
    _, _, body = metrics.render()
    return {s.name: s.value for fam in text_string_to_metric_families(body.decode())
            for s in fam.samples if not s.labels}


def at(text: str) -> float:
    return dt.datetime.fromisoformat(text).timestamp()


def test_asleep_follows_the_sleep_playlist_and_the_urgent_message(tmp_path):
    (tmp_path / "sleep.yaml").write_text('name: 休息\nsleep: true\nschedule: {time: "22:00-07:00"}\n',
                                         encoding="utf-8")
    lists = playlist.load_dir(tmp_path)
    assert not lists.problems
    assert schedule.asleep(at("2026-11-09 23:30"), lists)
    assert schedule.asleep(at("2026-11-10 06:59"), lists)
    assert not schedule.asleep(at("2026-11-10 07:00"), lists)
    assert not schedule.asleep(at("2026-11-10 12:00"), playlist.load_dir(None))
    (tmp_path / "urgent.yaml").write_text("title: 停电\ntext: 明天照常开门\n", encoding="utf-8")
    assert not schedule.asleep(at("2026-11-09 23:30"), playlist.load_dir(tmp_path))  # it shows


def test_sleeping_current_listings_and_newest_content(tmp_path):
    now = [at("2026-11-09 23:00")]
    m = Metrics(clock=lambda: now[0])
    assert math.isnan(samples(m)["signage_sleeping"])  # until the player is followed
    snap = Snapshot((Listing("a", "岗位"), Listing("b", "旧", expires=dt.date(2026, 11, 1))))
    (tmp_path / "a.yaml").write_text("- {title: x}\n", encoding="utf-8")
    os.utime(tmp_path / "a.yaml", (now[0] - 3600, now[0] - 3600))
    m.follow(lambda: snap, lambda t: dt.datetime.fromtimestamp(t).hour >= 22, tmp_path)
    s = samples(m)
    assert s["signage_sleeping"] == 1 and s["signage_listings_current"] == 1
    assert s["signage_content_newest_timestamp_seconds"] >= now[0] - 3600
    now[0] = at("2026-11-10 09:00")
    assert samples(m)["signage_sleeping"] == 0


def test_newest_file_time_counts_arrival_not_the_error_report(tmp_path):
    assert newest_file_time(tmp_path) is None
    old = tmp_path / "sub" / "a.csv"
    old.parent.mkdir()
    old.write_text("x", encoding="utf-8")
    os.utime(old, (1e9, 1e9))  # a copy that kept a modification time from 2001
    arrived = os.stat(old).st_ctime
    assert newest_file_time(tmp_path) == pytest.approx(arrived)
    time.sleep(0.02)
    for later in (tmp_path / REPORT_NAME, tmp_path / ".hidden.part"):
        later.write_text("x", encoding="utf-8")
        assert os.stat(later).st_ctime > arrived
    assert newest_file_time(tmp_path) == pytest.approx(arrived)


def test_files_with_errors_since_when():
    now = [1000.0]
    m = Metrics(clock=lambda: now[0])
    bad = Problem(Location("jobs/a.yaml", 3), "错", "bad")
    good = SourceResult("jobs/b.yaml", (Listing("b", "岗位"),))
    m.content_applied(None, (good,), Snapshot())
    assert samples(m)["signage_files_with_errors_since_timestamp_seconds"] == 0
    m.content_applied(None, (good,), Snapshot(problems=(bad,)))
    now[0] = 2000.0
    m.content_applied(None, (good,), Snapshot(problems=(bad, Problem(Location("jobs/c.csv"), "错", "b"))))
    s = samples(m)
    assert s["signage_files_with_errors"] == 2
    assert s["signage_files_with_errors_since_timestamp_seconds"] == 1000  # without a break since
    m.content_applied(None, (good,), Snapshot())
    s = samples(m)
    assert s["signage_files_with_errors"] == 0 and s["signage_files_with_errors_since_timestamp_seconds"] == 0


def test_clock_in_step_from_the_kernel_bits():
    assert clocksync.in_step(0, 0x2001)  # TIME_OK, STA_PLL | STA_NANO
    assert not clocksync.in_step(0, clocksync.STA_UNSYNC)
    assert not clocksync.in_step(clocksync.TIME_ERROR, 0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="adjtimex is Linux's")
def test_clock_synchronised_is_the_kernels_answer():
    state = clocksync.synchronised()
    assert isinstance(state, bool)
    m = Metrics()
    assert samples(m)["signage_clock_synchronised"] == float(state)
