import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pygame

from signage.app import config
from signage.core.model import Slide
from signage.player.clock import FakeClock
from signage.player.hooks import Hooks
from signage.player.loop import Player, Update
from signage.render import pages
from signage.sources.folder import read as folder

ROOT = Path(__file__).resolve().parent.parent

GOOD = "岗位: {title}\n工资: 150元/天\n结算方式: 日结\n电话: 13812345678\n"


def held_clock() -> FakeClock:
    """A clock in the middle of a 600 s page and of a minute: nothing is due for a while."""
    return FakeClock((1_800_000_000 // 600) * 600 + 330)


def make_player(tmp_path, drop, clock=None, **over) -> Player:
    for i in range(5):
        drop(f"job{i}.yaml", GOOD.format(title=f"岗位{i}"))
    over = {"fullscreen": False, "size": (960, 540), **over}
    settings = config.from_dict({"content": str(drop.folder)}, tmp_path).replace(**over)
    from signage.render.fonts import load

    player = Player(settings, load(settings.font, settings.lang), clock=clock or FakeClock())
    player.load(folder.scan(drop.folder).values())
    player.open_display()
    return player


def test_pages_cycle_with_crossfade_and_are_rendered_once(tmp_path, drop):
    player = make_player(tmp_path, drop, page_seconds=1.0, transition_seconds=0.3)
    starts: list[float] = []

    class Watch(Hooks):
        def slide_shown(self, player, on, now, screen=0):
            starts.append(on.started_at)

    player.observers.append(Watch())
    player.run(max_seconds=3.5)  # of the fake clock, stepped by the loop's own waits
    # 5 listings, 2 per page: 3 pages; in 3.5 s at least 3 page changes, each a crossfade of frames.
    assert len(starts) >= 3
    assert {round(b - a, 3) for a, b in zip(starts, starts[1:], strict=False)} == {1.0}  # the period
    assert player.stats.frames > 10
    assert player.screen.cache.renders <= 3 + 1  # each page drawn once (plus at most one prepared ahead)
    pygame.display.quit()


def test_an_idle_page_costs_no_frames(tmp_path, drop):
    player = make_player(tmp_path, drop, held_clock(), page_seconds=600.0)
    player.run(max_seconds=0.3)
    frames = player.stats.frames
    player.run(max_seconds=35)  # the fake clock goes from hh:m5:30 past the next minute
    assert player.stats.frames == frames + 1  # the clock's minute tick, nothing else
    pygame.display.quit()


def test_keys_step_pages_and_quit(tmp_path, drop):
    player = make_player(tmp_path, drop, held_clock(), page_seconds=600.0)
    player.run(max_seconds=0.2)
    first = player.state()["page"]
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT))
    player.run(max_seconds=0.3)
    assert player.state()["page"] == first % 3 + 1
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q))
    player.run(max_seconds=5)
    assert not player.running
    pygame.display.quit()


def test_new_content_reaches_the_screen_and_bad_content_does_not_blank_it(tmp_path, drop):
    player = make_player(tmp_path, drop, held_clock(), page_seconds=600.0)
    player.run(max_seconds=0.2)
    v = player.state()["version"]
    path = drop("job9.yaml", GOOD.format(title="新岗位"))
    player.post(Update((folder.load_file(path, drop.folder),)))
    player.run(max_seconds=0.2)
    state = player.state()
    assert state["version"] == v + 1 and state["listings"] == 6
    drop("job9.yaml", "岗位: [坏了\n")
    player.post(Update((folder.load_file(path, drop.folder),)))
    player.run(max_seconds=0.2)
    state = player.state()
    assert state["listings"] == 6  # kept the last good copy
    assert state["errors"][0]["file"] == "job9.yaml" and state["errors"][0]["line"]
    pygame.display.quit()


def test_characters_the_font_lacks_are_reported_by_file_and_listing(tmp_path, drop):
    player = make_player(tmp_path, drop)
    path = drop("knit.yaml", GOOD.format(title="手工编织🧶"))
    player.post(Update((folder.load_file(path, drop.folder),)))
    player.drain_inbox()
    found = [p for p in player.problems if p.where.source == "knit.yaml"]
    assert found and "🧶" in found[0].zh and "手工编织" in found[0].zh
    pygame.display.quit()


def test_portrait_rotation_puts_the_same_page_on_the_panel_turned(tmp_path, drop, fonts):
    player = make_player(tmp_path, drop, held_clock(), page_seconds=600.0, rotation=90,
                         size=(540, 960))
    player.run(max_seconds=0.3)
    screen = pygame.display.get_surface()
    assert screen.get_size() == (960, 540)  # the panel is landscape; the page is portrait
    slide: Slide = player.screen.shown
    expected = pages.rotate(pages.compose(slide, (540, 960), fonts, player.screen.cache.style,
                                          __import__("datetime").datetime.fromtimestamp(player.clock.time())), 90)
    got = pygame.image.tobytes(screen, "RGB")
    want = pygame.image.tobytes(expected, "RGB")
    same = sum(a == b for a, b in zip(got[::97], want[::97], strict=True)) / len(got[::97])
    assert same > 0.999
    pygame.display.quit()


def test_physical_rect_matches_rotating_the_whole_page():
    logical = (300, 500)
    surf = pygame.Surface(logical)
    surf.fill((0, 0, 0))
    x, y, w, h = 40, 60, 100, 30
    surf.fill((255, 0, 0), pygame.Rect(x, y, w, h))
    for rot in (0, 90, 180, 270):
        turned = pages.rotate(surf, rot)
        px, py, pw, ph = pages.physical_rect(x, y, w, h, logical, rot)
        assert turned.get_bounding_rect(min_alpha=1) is not None
        red = [(i, j) for i in range(turned.get_width()) for j in range(turned.get_height())
               if turned.get_at((i, j))[:3] == (255, 0, 0)]
        xs, ys = [p[0] for p in red], [p[1] for p in red]
        assert (min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1) == (px, py, pw, ph)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str, deadline: float = 15.0) -> dict:
    end = time.monotonic() + deadline
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return json.loads(resp.read())
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.1)


def test_signage_run_serves_status_on_localhost(tmp_path, drop, config_file):
    drop("good.yaml", GOOD.format(title="厨房帮工"))
    drop("bad.yaml", "岗位: 服务员\n电话: 12\n")
    port = free_port()
    cfg = config_file(port=port)
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    proc = subprocess.Popen([sys.executable, "-m", "signage", "--config", str(cfg), "run", "--windowed",
                             "--size", "640x360", "--seconds", "20"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        state = get_json(f"http://127.0.0.1:{port}/status")
        while state.get("frames", 0) < 1:
            time.sleep(0.1)
            state = get_json(f"http://127.0.0.1:{port}/status")
        assert state["listings"] == 1
        assert state["version"] >= 1 and state["page"] == 1 and state["loaded_at"]
        assert state["shown_ids"] == ["good"]
        assert state["errors"][0]["file"] == "bad.yaml" and state["errors"][0]["line"] == 2
        assert "电话" in state["errors"][0]["zh"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_crossfade_blends_the_pages_and_ends_exactly_on_the_new_one(tmp_path, drop, fonts):
    clock = FakeClock()
    player = make_player(tmp_path, drop, clock, page_seconds=600.0, transition_seconds=1.0)
    player.frame()
    old = pygame.display.get_surface().copy()
    player.step += 1
    player.frame()  # the crossfade begins
    new = player.screen.page
    for _ in range(9):
        clock.step(0.05)
        player.frame()
    mid = pygame.display.get_surface()
    changed = [(x, y) for x in range(0, 960, 7) for y in range(80, 500, 7)
               if old.get_at((x, y)) != new.get_at((x, y))]
    assert changed
    between = 0
    for x, y in changed:
        a, b, m = old.get_at((x, y)), new.get_at((x, y)), mid.get_at((x, y))
        if all(min(a[i], b[i]) - 2 <= m[i] <= max(a[i], b[i]) + 2 for i in range(3)) and m != b:
            between += 1
    assert between / len(changed) > 0.9  # half way: neither page, a blend of both
    clock.step(2.0)
    player.frame()
    assert player.screen.change is None
    shot = pygame.display.get_surface()
    assert all(shot.get_at((x, y)) == new.get_at((x, y)) for x, y in changed)
    pygame.display.quit()
