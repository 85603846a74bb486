"""The staff badge: pure layout as numbers, and the player drawing and erasing it in pixels."""

from __future__ import annotations

import pygame
import pytest

from signage.app import config
from signage.core.model import Listing, Location, Problem, Severity, SourceResult
from signage.player.clock import FakeClock
from signage.player.loop import Player, Update
from signage.render.badge import AMBER, badge_state, layout_badge
from signage.render.geometry import Metrics, Text, footer_height, header_height
from signage.render.themes import get


def test_badge_state_counts_files_with_errors():
    p = [Problem(Location("a.yaml", 1), "x", "x"), Problem(Location("a.yaml", 2), "y", "y"),
         Problem(Location("b.xlsx [二月]", 2), "y", "y"),
         Problem(Location("c.yaml"), "w", "w", Severity.WARNING)]
    assert badge_state(p, ()) == (2, False)
    assert badge_state(p[3:], ("a.yaml",)) is None
    assert badge_state(p[:1], ("a.yaml",)) == (1, True)


@pytest.mark.parametrize("corner", ["bottom-right", "bottom-left", "top-left", "top-right"])
def test_layout_stays_small_on_screen_and_readable(fonts, corner):
    theme = get("day")
    m = Metrics.for_size(1920, 1080, theme)
    ops = layout_badge(2, True, m, theme, fonts, corner)
    box = ops[0].rect
    assert box.x >= 0 and box.right <= 1920 and box.y >= 0 and box.bottom <= 1080
    assert box.w < 1920 // 3 and box.h < 1080 // 12
    texts = [op for op in ops if isinstance(op, Text)]
    assert all(t.size >= 1080 // 30 for t in texts)
    assert any(t.text == "2 个文件有问题，显示旧内容" for t in texts)
    assert all(box.contains(op.rect) for op in ops)
    if corner.startswith("bottom"):
        assert box.y >= 1080 - footer_height(m)
    else:
        assert box.y >= header_height(m)
    assert layout_badge(0, False, m, theme, fonts, corner) == []


def _listing(title: str, key: str) -> Listing:
    return Listing(id=title, title=title, phone="13812345678", origin=Location(key, 1))


def test_player_draws_and_erases_the_badge(fonts, tmp_path):
    settings = config.from_dict({"playlists": None}, tmp_path).replace(
        fullscreen=False, size=(960, 540), transition="none", page_seconds=600)
    player = Player(settings, fonts)
    player.load([SourceResult("good.yaml", (_listing("好岗位", "good.yaml"),))])
    player.open_display()
    player.frame()
    screen = player.screen
    assert screen.drawn(screen.badge) is None
    player.post(Update((SourceResult("bad.yaml", problems=(Problem(Location("bad.yaml", 3), "错", "bad"),),
                                     ok=False),)))
    player.drain_inbox()
    player.frame()
    rect = screen.drawn(screen.badge)
    centre_left = (rect.x + rect.h // 2 + 2, rect.centery)
    assert screen.grab().get_at((rect.x + rect.w - rect.h // 2, rect.y + 3))[:3] == AMBER
    assert screen.grab().get_at(centre_left)[:3] != screen.page.get_at(centre_left)[:3]
    player.post(Update(removed=("bad.yaml",)))
    player.drain_inbox()
    player.frame()
    assert screen.drawn(screen.badge) is None
    page = screen.page
    for x in range(rect.x, rect.right, 7):
        assert screen.grab().get_at((x, rect.centery)) == page.get_at((x, rect.centery))
    pygame.display.quit()
    pygame.display.init()


def test_badge_can_be_switched_off(fonts, tmp_path):
    settings = config.from_dict({"playlists": None}, tmp_path).replace(
        fullscreen=False, size=(640, 360), transition="none", staff_badge=False)
    player = Player(settings, fonts)
    player.load([SourceResult("bad.yaml", problems=(Problem(Location("bad.yaml"), "错", "bad"),), ok=False)])
    player.open_display()
    player.frame()
    assert player.screen.drawn(player.screen.badge) is None
    pygame.display.quit()
    pygame.display.init()


def test_the_badge_shows_on_every_output(fonts, tmp_path):
    """Two HDMI outputs, a file with errors: the badge is on both windows, not only the first."""
    settings = config.from_dict({"playlists": None, "display": {"outputs": [0, 1]}}, tmp_path).replace(
        fullscreen=False, size=(640, 360), transition="none", page_seconds=600)
    assert settings.screen_count == 2
    player = Player(settings, fonts, clock=FakeClock())
    player.load([SourceResult("good.yaml", tuple(_listing(f"岗位{i}", "good.yaml") for i in range(4)))])
    player.open_display()
    player.frame()
    assert len(player.screens) == 2
    assert all(s.drawn(s.badge) is None for s in player.screens)
    player.post(Update((SourceResult("bad.yaml", problems=(Problem(Location("bad.yaml", 3), "错", "bad"),),
                                     ok=False),)))
    player.drain_inbox()
    player.frame()
    for screen in player.screens:
        rect = screen.drawn(screen.badge)
        assert rect is not None, f"no badge on output {screen.index + 1}"
        assert screen.grab().get_at((rect.right - 4, rect.centery))[:3] == AMBER
    pygame.display.quit()
    pygame.display.init()


def test_the_badge_leaves_the_page_number_alone_at_1280x720(fonts):
    """Issue 10: the staff badge covered the page counter at 1280x720 (three-digit page counts)."""
    from signage.core.model import Slide
    from signage.render import themes
    from signage.render.badge import layout_badge
    from signage.render.geometry import Metrics, Text
    from signage.render.layout import layout_page

    for theme in themes.THEMES.values():
        for pages in (12, 120, 999):
            m = Metrics.for_size(1280, 720, theme)
            badge = layout_badge(12, True, m, theme, fonts)[0].rect
            ops = layout_page(Slide("jobs", (), page=pages - 1, pages=pages), 1280, 720, theme, fonts, "站", "")
            number = next(op for op in ops if isinstance(op, Text) and op.role == "page-number").rect
            assert badge.right <= number.x, (theme.name, pages)
