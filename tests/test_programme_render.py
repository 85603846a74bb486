"""The programme drawn: instants rendered by the CLI, the new slide kinds' layout rules,
QR codes read back by a real decoder (zbar), and contrast in every theme."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pygame
import pytest

from signage.app.cli import main
from signage.core import schedule
from signage.core.model import Slide
from signage.kinds import registry as kinds
from signage.parse import playlists as playlist
from signage.render import pages, themes
from signage.render.geometry import Box, Metrics, Qr, Rect, Text
from signage.render.layout import layout_page
from signage.render.slides import QR_SHARE, body_rect

STATION = Path(__file__).resolve().parent / "fixtures" / "station"  # a frozen copy of the demo
SIZES = [(1920, 1080), (1080, 1920)]
STYLE = pages.PageStyle("乐至县零工爱心驿站", "028-2333 1234", 2, "day")


def sample_slides(theme: str) -> list[Slide]:
    return [
        Slide("announcement", theme=theme, title="本周五上午 技能培训免费报名",
              text="电工、焊工、育婴师培训，结业发证书，培训期间有生活补贴。请到服务台登记，带上身份证。" * 2),
        Slide("urgent", theme=theme, title="今天下午停电，驿站14:00后暂停服务",
              text="明天上午8:30照常开门。急需找工作的朋友请打热线电话。"),
        Slide("live", theme=theme, title="直播带岗 · 本地好工作", qr="https://channels.weixin.qq.com/live/lezhi",
              details=(("时间", "每周四 19:30"), ("地点", "驿站视频号“乐至零工驿站”"))),
        Slide("join", theme=theme, title="扫码进零工群", text="每天早上推送新岗位，日结零工第一时间知道",
              qr="https://work.weixin.qq.com/gm/lezhi-lingong-qun"),
        Slide("figures", theme=theme, title="驿站成绩单",
              details=(("今日在招岗位", "12 个"), ("招聘单位", "11 家"), ("招聘人数", "131 人"),
                       ("日结岗位", "4 个"), ("本月帮助就业", "137 人"), ("本月发放工资", "52 万元"))),
    ]


def decode(png: Path) -> list[str]:
    zbar = shutil.which("zbarimg")
    if zbar is None:
        pytest.fail("zbarimg is missing: run scripts/setup.sh --test (Debian package zbar-tools)")
    out = subprocess.run([zbar, "--raw", "-q", str(png)], capture_output=True, text=True, timeout=30)
    return sorted(out.stdout.split())


def run_render(tmp_path: Path, at: str, *extra: str) -> pygame.Surface:
    out = tmp_path / f"{at.replace(' ', '_').replace(':', '')}.png"
    assert main(["--config", str(STATION / "config.yaml"), "render", "--at", at, "--out", str(out),
                 "--size", "960x540", *extra]) == 0
    return pygame.image.load(str(out))


def test_render_at_chosen_instants(tmp_path, capsys):
    day, night = themes.get("day"), themes.get("night")
    page = run_render(tmp_path, "2026-11-09 10:00")
    assert page.get_at((4, 4))[:3] == day.header_bg
    page = run_render(tmp_path, "2026-11-09 18:30", "--screen", "2/3")
    assert page.get_at((4, 4))[:3] == night.header_bg
    assert "零工夜市, screen 2/3" in capsys.readouterr().out
    page = run_render(tmp_path, "2026-11-09 23:00")
    assert pygame.transform.average_color(page)[:3] == (0, 0, 0)
    assert page.get_bounding_rect(min_alpha=1).size == page.get_size()  # opaque and all black


def test_render_a_page_number_draws_that_page_of_what_is_on(tmp_path, capsys):
    """``--page N`` is page N of what the schedule has on at ``--at``: in sleep hours that is
    the black page (not the "no listings" page of a cycle the CLI worked out for itself)."""
    page = run_render(tmp_path, "2026-11-09 23:00", "--page", "1")
    assert pygame.transform.average_color(page)[:3] == (0, 0, 0)
    assert "black" in capsys.readouterr().out
    assert main(["--config", str(STATION / "config.yaml"), "render", "--at", "2026-11-09 23:00",
                 "--out", str(tmp_path / "x.png"), "--page", "2"]) == 2
    day = run_render(tmp_path / "day", "2026-11-09 10:00", "--page", "1")
    assert day.get_at((4, 4))[:3] == themes.get("day").header_bg
    assert "jobs page 1/" in capsys.readouterr().out


def test_render_shows_what_each_screen_shows(tmp_path, capsys):
    """``--screen k/n`` draws that screen's share: the job pages differ between screens."""
    jobs_page = None
    for minute in range(0, 10):
        at = f"2026-11-09 10:{minute:02d}"
        ons = [schedule.at(dt.datetime.strptime(at, "%Y-%m-%d %H:%M").timestamp(), *_demo(), screen=(k, 2))
               for k in range(2)]
        if all(o.slide.kind == "jobs" for o in ons):
            jobs_page = at
            break
    assert jobs_page is not None
    a = run_render(tmp_path, jobs_page, "--screen", "1/2")
    (tmp_path / "b").mkdir()
    b = run_render(tmp_path / "b", jobs_page, "--screen", "2/2")
    assert pygame.image.tobytes(a, "RGB") != pygame.image.tobytes(b, "RGB")


def _demo():
    from signage.core.store import ContentStore
    from signage.sources.folder import read as folder

    snap = ContentStore().apply_many(folder.scan(STATION / "playlists" / "jobs").values())
    prog = schedule.Programme(2, 12.0, "day")
    return snap, prog, 0, None, playlist.load_dir(STATION / "playlists")


def _background(ops, text: Text) -> tuple:
    """The colour of the last box drawn under ``text``."""
    under = [op for op in ops if isinstance(op, Box) and op.rect.contains(text.rect)
             and ops.index(op) < ops.index(text)]
    return under[-1].color


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("theme_name", ["day", "night", "large"])
def test_new_slide_kinds_are_readable_and_fit(fonts, size, theme_name):
    theme = themes.get(theme_name)
    w, h = size
    m = Metrics.for_size(w, h, theme)
    page = Rect(0, 0, w, h)
    for slide in sample_slides(theme_name):
        assert kinds.get(slide.kind).chrome  # the header and footer around the body
        ops = layout_page(slide, w, h, theme, fonts, STYLE.station, STYLE.hotline)
        texts = [op for op in ops if isinstance(op, Text)]
        assert texts, slide.kind
        for op in texts:
            assert op.size >= m.min_text, (slide.kind, op.role, op.size)
            assert page.contains(op.rect), (slide.kind, op.role, op.rect)
            if op.role == "title":
                assert op.size >= m.min_big, (slide.kind, op.size)
            if op.role not in ("station",):
                assert body_rect(m).contains(op.rect) or op.role == "hotline", (slide.kind, op.role)
            ratio = themes.contrast_ratio(op.color, _background(ops, op))
            assert ratio >= 7, (slide.kind, op.role, ratio)
        for code in (op for op in ops if isinstance(op, Qr)):
            assert page.contains(code.rect)
            assert code.px >= 3 and code.side % code.px == 0
            if slide.kind in ("live", "join"):
                assert code.side >= QR_SHARE * min(w, h), (slide.kind, code.side)
            for op in texts:  # nothing written over the code
                r = op.rect
                assert r.right <= code.x or r.x >= code.rect.right or r.bottom <= code.y \
                    or r.y >= code.rect.bottom, (slide.kind, op.role)


@pytest.mark.parametrize("theme_name", ["day", "night", "large"])
def test_every_theme_pair_has_aaa_contrast(theme_name):
    theme = themes.get(theme_name)
    pairs = theme.text_pairs()
    assert any(what == "urgent" for what, _, _ in pairs)
    for what, fg, bg in pairs:
        assert themes.contrast_ratio(fg, bg) >= 7, (theme_name, what)


@pytest.mark.parametrize("size", SIZES)
def test_qr_codes_decode_from_the_page_png(tmp_path, fonts, size):
    for theme_name, slide in (("night", sample_slides("night")[3]), ("day", sample_slides("day")[2])):
        surface = pages.compose(slide, size, fonts, STYLE, dt.datetime(2026, 11, 9, 18, 30))
        png = tmp_path / f"{slide.kind}-{theme_name}-{size[0]}.png"
        pygame.image.save(surface, str(png))
        assert decode(png) == [slide.qr]


def test_phone_qr_on_a_job_page_decodes(tmp_path, fonts):
    snap, prog, *_ = _demo()
    page = schedule.slides_for(snap, dt.date(2026, 11, 9), prog)[0]
    surface = pages.compose(page, (1920, 1080), fonts, STYLE)
    png = tmp_path / "jobs.png"
    pygame.image.save(surface, str(png))
    wanted = sorted("tel:" + x.phone.replace("-", "") for x in page.listings)
    assert decode(png) == wanted


def test_poster_and_qr_picture_from_a_playlist(tmp_path, fonts):
    img = pygame.Surface((300, 300))
    img.fill((200, 30, 30))
    pygame.image.save(img, str(tmp_path / "poster.png"))
    (tmp_path / "day.yaml").write_text(
        "slides:\n  - {kind: poster, image: poster.png}\n"
        "  - {kind: join, title: 扫码进群, image: poster.png}\n", encoding="utf-8")
    pls = playlist.load_dir(tmp_path)
    assert pls.problems == ()
    slides = schedule.cycle(pls.playlists[0], schedule.Snapshot(), dt.date(2026, 11, 9),
                            schedule.Programme())
    assert [s.kind for s in slides] == ["poster", "join"]
    poster = pages.compose(slides[0], (960, 540), fonts, STYLE)
    assert poster.get_at((480, 270))[:3] == (200, 30, 30)
    join = pages.compose(slides[1], (960, 540), fonts, STYLE)
    ops = layout_page(slides[1], 960, 540, themes.get("day"), fonts, STYLE.station)
    picture = next(op for op in ops if getattr(op, "role", "") == "qr-image")
    centre = (picture.rect.x + picture.rect.w // 2, picture.rect.y + picture.rect.h // 2)
    assert all(abs(a - b) <= 4 for a, b in zip(join.get_at(centre)[:3], (200, 30, 30), strict=True))


def test_a_playlist_page_draws_as_many_cards_as_it_was_cut_for(fonts):
    snap, *_ = _demo()
    spec = playlist.SlideSpec("jobs", playlist.Location("x"), cards=1)
    slides = schedule.cycle(playlist.Playlist("x", "x.yaml", (spec,)), snap, dt.date(2026, 11, 9),
                            schedule.Programme(cards_per_page=4))
    assert slides[0].cards == 1 and len(slides[0].listings) == 1
    ops = layout_page(slides[0], 1920, 1080, themes.get("day"), fonts, STYLE.station, cards=4)
    cards = [op for op in ops if isinstance(op, Box) and op.role == "card"]
    assert len(cards) == 1 and cards[0].rect.w > 1920 * 0.9


def test_a_portrait_live_or_join_slide_keeps_words_and_code_together_in_the_middle(fonts):
    """Issue 10: on a portrait screen the words sat at the top, the code at the bottom, a hole between."""
    from signage.render.geometry import Metrics, Qr, Text
    from signage.render.slides import body_rect

    for kind in ("live", "join"):
        s = Slide(kind, title="扫码进零工群", text="每天早上推送新岗位", qr="https://example.cn/q",
                  details=(("时间", "每周四 19:30"),) if kind == "live" else ())
        ops = layout_page(s, 1080, 1920, themes.get("day"), fonts, STYLE.station)
        m = Metrics.for_size(1080, 1920, themes.get("day"))
        words = [op for op in ops if isinstance(op, Text) and op.role in ("title", "text", "detail")]
        code = next(op for op in ops if isinstance(op, Qr))
        assert 0 < code.y - max(t.bottom for t in words) <= m.sp(60)
        body = body_rect(m)
        above, below = min(t.top for t in words) - body.y, body.bottom - (code.y + code.side)
        assert abs(above - below) <= m.sp(120), (above, below)


def test_the_live_slide_says_zhibo_daigang_once(fonts):
    """Issue 10: the tag and the title both said 直播带岗."""
    from signage.render.geometry import Text

    for title, tags in (("直播带岗 · 本地好工作", 0), ("本周四晚 本地好工作", 1)):
        s = Slide("live", title=title, qr="https://example.cn/live")
        ops = layout_page(s, 1920, 1080, themes.get("day"), fonts, STYLE.station)
        assert len([op for op in ops if isinstance(op, Text) and op.role == "tag-text"]) == tags
        words = "".join(op.text for op in ops if isinstance(op, Text))
        assert words.count("直播带岗") == 1
