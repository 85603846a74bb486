"""The loop with a programme: hot-reloaded playlists, the urgent message, sleep hours,
the ticker updating only its strip, and one box driving two outputs."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pygame
import pytest
from drophelpers import player_at

from signage.app import config as config_mod
from signage.core.settings import Settings
from signage.render import themes
from signage.render.geometry import Metrics, footer_height
from signage.sources.folder import read as folder

STATION = Path(__file__).resolve().parent / "fixtures" / "station"  # a frozen copy of the demo


def t(text: str) -> float:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").timestamp()


@pytest.fixture
def station(tmp_path, drop, config_file):
    """A station folder: the demo listings, the shipped playlists, and a config.yaml."""
    for src in (STATION / "playlists" / "jobs").glob("*.yaml"):
        shutil.copy(src, drop.folder / src.name)
    pl = tmp_path / "playlists"
    pl.mkdir()
    for src in (STATION / "playlists").glob("*.yaml"):
        shutil.copy(src, pl / src.name)

    def make(extra: str = "") -> tuple[Settings, Path]:
        text = "playlists: playlists\ndisplay: {fullscreen: false, size: [960, 540]}\n" \
               "pages: {transition: none}\n" + textwrap.dedent(extra)
        return config_mod.load(config_file(text)), pl

    return make


def test_urgent_file_takes_over_and_goes_away(station, fonts):
    settings, pl = station()
    p, clock = player_at(settings, fonts, t("2026-11-09 10:00"))
    p.frame()
    before = p.state()["slide"]
    (pl / "urgent.yaml").write_text("标题: 今天下午停电\n文字: 14:00 后暂停服务\n", encoding="utf-8")
    assert p.check_playlists(force=True)
    clock.step(1)
    p.frame()
    assert p.state()["slide"] == "urgent" and p.state()["playlist"] == "urgent"
    shot = p.screen.grab()
    w, h = shot.get_size()
    assert shot.get_at((w // 2, h // 2))[:3] == themes.get("day").urgent_bg
    (pl / "urgent.yaml").unlink()
    assert p.check_playlists(force=True)
    p.frame()
    assert p.state()["slide"] == before


def test_sleep_hours_draw_black_and_sleep_long(station, fonts):
    settings, _ = station()
    p, _ = player_at(settings, fonts, t("2026-11-09 23:00") + 5)
    wait = p.frame()
    assert p.state()["slide"] == "black"
    assert pygame.transform.average_color(p.screen.grab())[:3] == (0, 0, 0)
    assert wait >= 50  # until the next minute: nothing to draw before then
    assert p.frame() >= 50 and p.stats.frames == 1  # nothing drawn again


def test_the_ticker_updates_only_its_strip(station, fonts):
    settings, _ = station("ticker: {enabled: true, speed: 120}\n")
    p, clock = player_at(settings, fonts, t("2026-11-09 10:00") + 0.2)
    p.frame()
    assert p.screen.ticker.strip is not None
    shot = p.screen.grab()
    w, h = shot.get_size()
    m = Metrics.for_size(w, h, themes.get("day"))
    top = h - footer_height(m)
    strip = p.screen.ticker.strip.rect
    above = pygame.Rect(0, 0, w, top)
    right = pygame.Rect(strip.w, top, w - strip.w, h - top)
    ticker = pygame.Rect(0, top, strip.w, h - top)
    before = [pygame.image.tobytes(shot.subsurface(r), "RGB") for r in (above, right) if r.w]
    ticker_before = pygame.image.tobytes(shot.subsurface(ticker), "RGB")
    sent = p.screen.compositor.uploaded
    clock.step(0.37)  # same page, same minute
    wait = p.frame()
    assert wait == pytest.approx(1 / 30, abs=1e-3)  # the software path moves at 30 frames a second
    shot = p.screen.grab()
    after = [pygame.image.tobytes(shot.subsurface(r), "RGB") for r in (above, right) if r.w]
    assert after == before
    assert pygame.image.tobytes(shot.subsurface(ticker), "RGB") != ticker_before
    assert p.screen.compositor.uploaded - sent == ticker.w * ticker.h * 4  # only the strip went out


@pytest.mark.parametrize("fps, frames", [("auto", 30), (60, 60), (24, 24)])
def test_motion_runs_at_the_paths_frame_rate_unless_config_says(station, fonts, fps, frames):
    """auto: 30 frames a second on the software path (each frame's pixels travel); else as set."""
    settings, _ = station(f"ticker: {{enabled: true, speed: 120}}\n"
                          f"display: {{fullscreen: false, size: [960, 540], fps: {fps}}}\n"
                          "pages: {seconds: 8, transition: crossfade, transition_seconds: 0.8}\n")
    p, clock = player_at(settings, fonts, t("2026-11-09 10:00") + 0.2)
    assert p.screen.compositor.name == "software"
    p.frame()
    clock.step(0.37)
    assert p.frame() == pytest.approx(1 / frames, abs=1e-3)  # the ticker's next frame
    clock.step(7.6)  # into the crossfade to the next page
    p.frame()
    assert p.screen.change is not None
    assert p.frame() == pytest.approx(1 / frames, abs=1e-3)


def test_a_crossfade_ends_by_sending_only_the_part_it_changed(station, fonts):
    settings, _ = station("display: {fullscreen: false, size: [960, 540]}\n"
                          "pages: {seconds: 8, transition: crossfade, transition_seconds: 0.8}\n")
    p, clock = player_at(settings, fonts, t("2026-11-09 10:00") + 0.2)
    p.frame()
    clock.set(p.screen.on.next_change)
    p.frame()
    change = p.screen.change
    assert change is not None and change.area is not None and change.area.h < 540  # the header stays
    clock.set(change.started + change.seconds + 0.01)
    sent = p.screen.compositor.uploaded
    p.frame()
    assert p.screen.change is None
    assert p.screen.compositor.uploaded - sent == change.area.w * change.area.h * 4
    shown = p.screen.grab().subsurface(change.area)
    assert pygame.image.tobytes(shown, "RGB") == \
        pygame.image.tobytes(p.screen.page.subsurface(change.area), "RGB")  # all of the new page


def test_ticker_position_is_a_function_of_time(station, fonts):
    settings, _ = station("ticker: {enabled: true}\n")
    p, _ = player_at(settings, fonts, t("2026-11-09 10:00"))
    p.frame()
    strip = p.screen.ticker.strip
    speed = 100.0
    base = 1_000_000.0 / speed * strip.period  # a whole number of turns: offset 0
    a_surf, a_area = strip.window(base + 3 / speed, speed)
    b_surf, b_area = strip.window(base + 4 / speed, speed)
    assert (a_area.x, b_area.x) == (3, 4)
    # One pixel later, the picture is the same, moved one pixel left.
    left = pygame.image.tobytes(a_surf.subsurface(pygame.Rect(4, 0, 200, a_area.h)), "RGB")
    right = pygame.image.tobytes(b_surf.subsurface(pygame.Rect(4, 0, 200, b_area.h)), "RGB")
    assert left == right
    # A quarter pixel on uses the next sub-pixel phase, not the same picture.
    c_surf, c_area = strip.window(base + 3.25 / speed, speed)
    assert c_area.x == 3 and c_surf is not a_surf


def test_two_outputs_show_disjoint_listings(station, fonts):
    settings, _ = station("display: {fullscreen: false, size: [640, 360], outputs: [0, 1]}\n")
    assert settings.screen_count == 2
    box, clock = player_at(settings, fonts, t("2026-11-09 10:00"))
    a, b = box.screens
    assert a.grab() is not b.grab()
    assert (a.slot, b.slot) == ((0, 2), (1, 2))
    seen_jobs = False
    for _ in range(40):
        box.frame()
        sa, sb = a.on.slide, b.on.slide
        assert (a.on.started_at, a.on.next_change) == (b.on.started_at, b.on.next_change)
        ids_a, ids_b = {x.id for x in sa.listings}, {x.id for x in sb.listings}
        assert not ids_a & ids_b
        seen_jobs = seen_jobs or (ids_a and ids_b)
        clock.set(a.on.next_change + 0.01)
    assert seen_jobs
    pygame.display.quit()


def test_the_ticker_in_the_night_market_names_only_its_listings(fonts):
    import datetime as dt

    from signage.app import config
    from signage.core.store import ContentStore
    from signage.parse.playlists import load_dir
    from signage.player.overlays.ticker import playlist_keeps
    from signage.render import ticker

    root = STATION
    settings = config.load(root / "config.yaml")
    playlists = load_dir(settings.playlists_dir)
    snap = ContentStore().apply_many(folder.scan(root / "playlists/jobs").values())
    today = dt.date(2026, 11, 30)
    night = playlist_keeps(playlists, "零工夜市")
    assert night is not None and playlist_keeps(playlists, "白天") is None
    everything = ticker.ticker_items(snap, today)
    market = ticker.ticker_items(snap, today, keep=night)
    tagged = [x.title for x in snap.current(today) if "夜市" in x.tags]
    untagged = [x.title for x in snap.current(today) if "夜市" not in x.tags]
    assert tagged and untagged and len(market) < len(everything)
    assert all(any(item.startswith(t) for item in market) for t in tagged)
    assert not any(item.startswith(t) for t in untagged for item in market)



def test_the_ticker_stops_well_before_the_page_number(fonts, tmp_path):
    """Issue 10: the ticker's words were cut right against the page number. Its window ends at
    least one character of the footer before the number, at every size and theme."""
    from signage.app import config
    from signage.core.model import Listing, Slide, Snapshot
    from signage.parse.playlists import Playlists
    from signage.player.overlays import Shared, View
    from signage.player.overlays.ticker import TickerOverlay
    from signage.render import themes
    from signage.render.geometry import Metrics, Text
    from signage.render.layout import layout_page

    settings = config.from_dict({"ticker": {"enabled": True}}, base_dir=tmp_path)
    snap = Snapshot(listings=tuple(Listing(id=f"L{i}", title=f"厨房帮工{i}", phone="13812345678")
                                   for i in range(5)))
    for size in ((1280, 720), (1366, 768), (1920, 1080), (1080, 1920)):
        for theme in themes.THEMES.values():
            slide = Slide("jobs", snap.listings[:2], page=11, pages=12)
            view = View(slide, None, theme, size, 0, settings, fonts, Shared(snap, Playlists()))
            sprite = TickerOverlay().sprite(view, 100.0)
            number = next(op for op in layout_page(slide, *size, theme, fonts, "站")
                          if isinstance(op, Text) and op.role == "page-number")
            em = max(Metrics.for_size(*size, theme).min_text, Metrics.for_size(*size, theme).px(44))
            assert number.x - sprite.layer.rect.right >= em, (size, theme.name)
