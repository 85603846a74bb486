"""/status follows new content at the next frame, not at the next page change: a box that follows
another's feed (or staff looking at /status) must not wait for the page on screen to change."""

from __future__ import annotations

from signage.app import config
from signage.player.clock import FakeClock
from signage.player.loop import Player, Update
from signage.render.fonts import load
from signage.sources.folder import read as folder

GOOD = "岗位: {title}\n工资: 150元/天\n电话: 13812345678\n"


class Status:
    state: dict = {}


def test_new_listings_reach_status_at_the_next_frame(tmp_path, drop):
    for i in range(5):
        drop(f"job{i}.yaml", GOOD.format(title=f"岗位{i}"))
    settings = config.from_dict({"content": str(drop.folder)}, tmp_path).replace(
        fullscreen=False, size=(640, 360))
    status = Status()
    clock = FakeClock((1_800_000_000 // 3600) * 3600 + 330)  # mid-page, mid-minute
    player = Player(settings, load(settings.font, settings.lang), clock=clock, status=status)
    player.load(folder.scan(drop.folder).values())
    player.open_display()
    player.frame()
    assert status.state["listings_loaded"] == 5
    path = drop("zz-new.yaml", GOOD.format(title="新岗位"))
    player.post(Update((folder.load_file(path, drop.folder),)))
    player.drain_inbox()
    player.frame()  # the same instant: no page is due
    assert status.state["listings_loaded"] == 6
