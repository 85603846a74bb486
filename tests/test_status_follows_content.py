"""/status follows new content at once, even when the page on screen stays the same: a box that
follows another's feed (or staff looking at /status) must not wait for the next frame."""

from __future__ import annotations

import time

from signage.app import config
from signage.player.loop import Player, Update
from signage.render.fonts import load
from signage.sources.folder import read as folder

GOOD = "岗位: {title}\n工资: 150元/天\n电话: 13812345678\n"


class Status:
    state: dict = {}


def test_new_listings_reach_status_without_a_frame(tmp_path, drop):
    for i in range(5):
        drop(f"job{i}.yaml", GOOD.format(title=f"岗位{i}"))
    settings = config.from_dict({"content": str(drop.folder)}, tmp_path).replace(
        fullscreen=False, size=(640, 360), cards_per_page=2, page_seconds=12.0)
    # mid-minute, in the middle of the first of the three 12 s pages: nothing is due by time
    t = (time.time() // 3600) * 3600 + 330
    status = Status()
    player = Player(settings, load(settings.font, settings.lang), clock=lambda: t, status=status)
    player.load(folder.scan(drop.folder).values())
    player.open_display()
    player.frame()
    assert status.state["listings_loaded"] == 5
    shown, frames = status.state["shown_ids"], player.stats.frames
    assert status.state["page"] == 1, status.state
    path = drop("zz-new.yaml", GOOD.format(title="新岗位"))  # sorts last: not on the page shown
    player.post(Update((folder.load_file(path, drop.folder),)))
    player.drain_inbox()
    player.frame()
    assert player.stats.frames == frames and status.state["shown_ids"] == shown  # nothing redrawn
    assert status.state["listings_loaded"] == 6
