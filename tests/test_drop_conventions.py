"""What staff can do with the drop folder alone: the urgent notice, the night market's
subfolder, the preview folder; problems of playlists and notices in the report."""

from __future__ import annotations

import io
import time

import pygame
import pytest
from drophelpers import Shown, eventually, listing_yaml, report_of
from test_kiosk_run import KIOSK_CONFIG, Run, wait_for

from signage.render.badge import AMBER
from signage.sources.folder import read as folder
from signage.sources.folder.watch import FolderWatcher

URGENT = "标题: 今天下午停电\n文字: 下午 2 点到 5 点停电，服务台照常登记。\n"


@pytest.fixture
def player(tmp_path):
    (tmp_path / "playlists").mkdir()
    r = Run(tmp_path, KIOSK_CONFIG + "playlists: playlists\n")
    wait_for(lambda: r.get("/status").json().get("frames"), "the first frame")
    yield r
    if r.proc.poll() is None:
        r.finish()


def amber_pixels(r: Run) -> int:
    shot = pygame.image.load(io.BytesIO(r.get("/screenshot.png").content), "shot.png")
    w, h = shot.get_size()
    return sum(shot.get_at((x, y))[:3] == AMBER for x in range(0, w, 2) for y in range(0, h, 2))


@pytest.mark.parametrize("name", ["紧急.yaml", "urgent.yaml"])
def test_urgent_notice_dropped_in_the_drop_folder_takes_over(player, name):
    jobs = player.tmp / "jobs"
    (jobs / name).write_text(URGENT, encoding="utf-8")
    wait_for(lambda: player.get("/status").json()["slide"] == "urgent", "the urgent notice")
    state = player.get("/status").json()
    assert state["listings_loaded"] == 12  # not a job card titled 今天下午停电
    assert state["errors"] == []
    (jobs / name).unlink()
    wait_for(lambda: player.get("/status").json()["slide"] == "jobs", "the jobs again")


def test_a_broken_urgent_notice_and_playlist_reach_the_report_and_the_badge(player):
    jobs = player.tmp / "jobs"
    wait_for(lambda: player.get("/status").json()["slide"] == "jobs", "the jobs")
    assert amber_pixels(player) == 0
    (jobs / "紧急.yaml").write_text("标题: 今天下午停电\n  文字: [缩进错了\n", encoding="utf-8")
    (player.tmp / "playlists" / "day.yaml").write_text(
        "name: 白天\nschedule:\n  - time: 25:00-26:00\nslides:\n  - kind: jobs\n", encoding="utf-8")
    report = eventually(lambda: (t := report_of(jobs)) and "day.yaml" in t and "紧急.yaml" in t and t)
    assert "播放列表 playlist day.yaml" in report
    assert "这个文件的内容现在没有显示在屏幕上" not in report
    assert player.get("/status").json()["errors"]
    wait_for(lambda: amber_pixels(player) > 50, "the staff badge")
    (jobs / "紧急.yaml").unlink()
    (player.tmp / "playlists" / "day.yaml").unlink()
    eventually(lambda: report_of(jobs) is None)


def test_listings_in_the_night_market_folder_are_tagged(drop):
    (drop.folder / "夜市").mkdir()
    (drop.folder / "夜市" / "鸡排.yaml").write_text(listing_yaml("炸鸡排摊位帮工"), encoding="utf-8")
    (drop.folder / "白天.yaml").write_text(listing_yaml("保洁员"), encoding="utf-8")
    tags = {x.title: x.tags for r in folder.scan(drop.folder).values() for x in r.listings}
    assert "夜市" in tags["炸鸡排摊位帮工"] and "夜市" not in tags["保洁员"]

    shown = Shown()
    w = FolderWatcher(drop.folder, shown.post, "native", quiet=0.05).start()
    try:
        assert w.ready.wait(10)
        (drop.folder / "夜市" / "烧烤.yaml").write_text(listing_yaml("烧烤摊帮工"), encoding="utf-8")
        eventually(lambda: any(x.title == "烧烤摊帮工" and "夜市" in x.tags
                               for x in shown.snapshot.listings))
        (drop.folder / "紧急.yaml").write_text(URGENT, encoding="utf-8")
        time.sleep(1.0)
        assert "紧急.yaml" not in shown.sources()  # the notice is no listing
    finally:
        w.stop()


def test_files_in_the_preview_folder_become_pictures_not_listings(player):
    preview = player.tmp / "jobs" / "_预览"
    wait_for(preview.is_dir, "the preview folder")
    (preview / "厨房帮工.yaml").write_text(listing_yaml("厨房帮工预览"), encoding="utf-8")
    png = preview / "_预览_厨房帮工.yaml.png"
    wait_for(png.exists, "the preview picture")
    picture = pygame.image.load(str(png))
    assert picture.get_size() == (320, 180)  # half the 640x360 screen
    assert len({picture.get_at((x, 90))[:3] for x in range(0, 320, 4)}) > 3  # drawn, not blank
    (preview / "坏的.yaml").write_text("岗位 厨房帮工\n电话: 1\n", encoding="utf-8")
    text = wait_for(lambda: (preview / "_预览_坏的.yaml.txt").exists()
                    and (preview / "_预览_坏的.yaml.txt").read_text(encoding="utf-8-sig"), "the notes")
    assert "【错误】坏的.yaml" in text
    state = player.get("/status").json()
    assert state["listings_loaded"] == 12 and state["errors"] == []  # nothing went on air
    (preview / "厨房帮工.yaml").unlink()
    wait_for(lambda: not png.exists(), "the preview removed with its file")
    assert not list(preview.glob("_预览__预览_*"))  # previews are never previewed
