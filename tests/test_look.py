"""Previews page a file as the screens do: one place (render/look.py) turns settings into the
programme and the page style for the player's screens, ``signage render``, the ``_预览/``
folder and the staff page's preview."""

from __future__ import annotations

import pygame
from drophelpers import player_at

from signage.app import config as config_mod
from signage.app import preview as folder_preview
from signage.core.store import Update
from signage.ops.preview import render_file
from signage.sources.folder import read as folder

# A pay too long to share a page: the pager (which measures with the real fonts) gives it a
# page of its own and its second page; cutting two cards at a time would not.
TWO = """
- 岗位: 厨房帮工
  单位: 蜀香人家餐馆
  工资: 150元/天
  结算方式: 日结
  电话: 13883215566
  地点: 天池镇南街 28 号
- 岗位: 汽车线束加工
  单位: 回澜镇村级微工厂
  工资: 熟练工每小时二十五元到三十五元另加全勤奖与夜班补贴
  结算方式: 计件
  电话: 13981662231
  地点: 回澜镇幸福村村委会旁
"""


def test_both_previews_page_a_file_as_a_screen_of_that_size_does(drop, config_file, fonts, tmp_path):
    path = drop("两个.yaml", TWO)
    settings = config_mod.load(config_file(
        "playlists: null\ndisplay: {fullscreen: false, size: [960, 540]}\npages: {transition: none}\n"))
    player, _ = player_at(settings, fonts, 1_800_000_000.0)
    player.frame()
    on_screen = player.screen.on.count
    assert on_screen == 2  # the long pay wrapped, alone on its page (a second card has no room); the other

    staff_page = render_file(settings, fonts, path, tmp_path / "out", (960, 540))
    assert len(staff_page["pages"]) == on_screen

    previews = tmp_path / "previews"
    previews.mkdir()
    folder_preview.draw(player, Update((folder.load_file(path, drop.folder),)), previews)
    drawn = sorted(p.name for p in previews.glob("*.png"))
    assert drawn == ["_预览_两个.yaml-2.png", "_预览_两个.yaml.png"]
    assert pygame.image.load(previews / "_预览_两个.yaml.png").get_size() == (480, 270)  # half size
    pygame.display.quit()
