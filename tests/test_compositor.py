"""The two compositors: the texture one (SDL's software renderer stands in for a GPU) draws what the
window-surface one draws, pixel for pixel; both count the bytes they send to the display."""

from __future__ import annotations

import pygame
import pytest

from signage.app import config
from signage.core.model import Listing, Location, SourceResult
from signage.player import outputs
from signage.player.clock import FakeClock
from signage.player.loop import Player
from signage.player.probe import Found
from signage.player.textures import TextureCompositor

SIZE = (640, 360)


def _listings(n: int) -> SourceResult:
    return SourceResult("jobs.yaml", tuple(
        Listing(id=f"j{i}", title=f"岗位{i}", phone="13812345678",
                origin=Location("jobs.yaml", i + 1)) for i in range(n)))


def make(tmp_path, fonts, renderer: str, **over) -> tuple[Player, FakeClock]:
    settings = config.from_dict({"playlists": None, "display": {"renderer": renderer}}, tmp_path).replace(
        **{"fullscreen": False, "size": SIZE, "page_seconds": 10.0, "transition_seconds": 1.0, **over})
    clock = FakeClock(1_800_000_003.0)
    player = Player(settings, fonts, clock=clock)
    player.load([_listings(6)])
    player.open_display()
    return player, clock


def frames(player: Player, clock: FakeClock, times: list[float]) -> list[bytes]:
    shots = []
    start = clock.now
    for t in times:
        clock.set(start + t)
        player.frame()
        shots.append(pygame.image.tobytes(player.screen.grab(), "RGB"))
    return shots


def close() -> None:
    pygame.display.quit()
    pygame.display.init()


def test_auto_takes_the_software_path_without_a_hardware_renderer(tmp_path, fonts):
    assert outputs.choose_path("auto", Found("x11", "opengl", "llvmpipe (LLVM 15.0.6, 256 bits)")) == "software"
    assert outputs.choose_path("auto", Found("x11", "opengl", "Mesa Intel(R) UHD Graphics 620")) == "gpu"
    assert outputs.choose_path("auto", Found("kmsdrm", "opengles2", "Mali-G52 (Panfrost)")) == "gpu"
    assert outputs.choose_path("auto", Found("dummy", "software")) == "software"
    assert outputs.choose_path("gpu", Found("dummy", "software")) == "gpu"  # asked for: textures anyway
    assert outputs.choose_path("gpu", Found("dummy")) == "software"  # no renderer at all
    assert outputs.choose_path("software", Found("x11", "opengl", "Mali-G52")) == "software"
    from signage.player.probe import probe

    pygame.display.init()  # as the player's start does (an earlier test may have quit it)
    found = probe()  # the real probe: a hidden window, a renderer, SDL asked through ctypes
    assert found.video == "dummy" and found.renderer == "software" and not found.hardware
    assert found.max_texture == (0, 0)  # SDL's software renderer: no limit
    player, _ = make(tmp_path, fonts, "auto")
    assert player.screen.compositor.name == "software"  # the dummy driver has no hardware
    close()


@pytest.mark.parametrize("transition", ["crossfade", "slide"])
def test_the_texture_compositor_draws_what_the_surface_one_draws(tmp_path, fonts, transition):
    times = [0.0, 0.5, 6.9, 7.0, 7.25, 7.5, 7.75, 8.2, 9.0]  # the page changes at 7.0 (:10)
    soft, clock = make(tmp_path, fonts, "software", transition=transition, ticker_enabled=True)
    want = frames(soft, clock, times)
    close()
    gpu, clock = make(tmp_path, fonts, "gpu", transition=transition, ticker_enabled=True)
    assert isinstance(gpu.screen.compositor, TextureCompositor)
    got = frames(gpu, clock, times)
    assert want[2] != want[6]  # the page did change
    for t, a, b in zip(times, want, got, strict=True):
        if 7.0 < t < 8.0 and transition == "crossfade":  # blending may round differently
            worst = max(abs(x - y) for x, y in zip(a, b, strict=True))
            assert worst <= 3, f"at {t}: off by {worst}"
        else:
            assert a == b, f"at {t} s the frames differ"
    close()


def test_the_texture_path_uploads_each_page_once_and_only_small_textures_after(tmp_path, fonts):
    player, clock = make(tmp_path, fonts, "gpu", ticker_enabled=True)
    compositor = player.screen.compositor
    page = SIZE[0] * SIZE[1] * 4
    for _ in range(30):  # the page, the next one (in idle time), the clock, the ticker's strips go up once
        player.frame()
        clock.step(1 / 60)
    first = compositor.uploaded
    assert 2 * page <= first < 3 * page
    for _ in range(60):  # a second of ticker
        player.frame()
        clock.step(1 / 60)
    assert compositor.uploaded == first  # the strip moved; nothing was uploaded
    clock.set(1_800_000_010.0)  # the next page: a crossfade of 60 frames
    in_change = 0
    for _ in range(70):
        before = compositor.uploaded
        player.frame()
        if player.screen.change is not None:  # a frame in the middle of the crossfade
            in_change += 1
            assert compositor.uploaded == before  # it draws two pages already up
        clock.step(1 / 60)
    assert in_change >= 50
    assert first + page <= compositor.uploaded < first + page + page // 4  # after it: the page after next
    close()


def test_a_static_page_presents_nothing(tmp_path, fonts):
    for path in ("software", "gpu"):
        player, clock = make(tmp_path, fonts, path, page_seconds=600.0)
        player.frame()
        sent, frames_before = player.screen.compositor.uploaded, player.stats.frames
        for _ in range(20):
            clock.step(1.0)
            wait = player.frame()
        assert player.screen.compositor.uploaded == sent and player.stats.frames == frames_before
        assert wait > 1.0  # asleep until the clock's next minute
        close()


def test_two_outputs_on_the_texture_path_each_have_a_renderer(tmp_path, fonts):
    from signage.core.model import Problem
    from signage.render.badge import AMBER

    settings = config.from_dict({"playlists": None, "display": {"renderer": "gpu", "outputs": [0, 1]}},
                                tmp_path).replace(fullscreen=False, size=SIZE, transition="none")
    player = Player(settings, fonts, clock=FakeClock())
    player.load([_listings(6), SourceResult("bad.yaml", problems=(Problem(Location("bad.yaml", 2), "错", "bad"),),
                                            ok=False)])
    player.open_display()
    player.frame()
    a, b = player.screens
    assert isinstance(a.compositor, TextureCompositor) and isinstance(b.compositor, TextureCompositor)
    assert a.compositor.renderer is not b.compositor.renderer
    assert {x.id for x in a.shown.listings}.isdisjoint({x.id for x in b.shown.listings})
    for screen in (a, b):
        rect = screen.drawn(screen.badge)
        assert screen.grab().get_at((rect.right - 4, rect.centery))[:3] == AMBER
    close()
