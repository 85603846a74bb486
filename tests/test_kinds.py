"""The registry of slide kinds: a new kind is one module (tests/kind_countdown.py), shown on a
page rendered to pixels; what the registry says about the built-in kinds."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import kind_countdown
import pygame
import pytest

from signage.core import schedule
from signage.core.model import Snapshot
from signage.kinds import registry as kinds
from signage.parse import playlists as playlist
from signage.render import pages, themes
from signage.render.geometry import Metrics
from signage.render.slides import body_rect

ROOT = Path(__file__).resolve().parent.parent
STYLE = pages.PageStyle("测试驿站", "028-2333 1234", 2, "day")
PLAYLIST = """\
name: 开市倒计时
slides:
  - kind: 倒计时
    标题: 零工夜市开市
    天数: 5
  - kind: countdown
    title: 春风行动
    颜色: green
"""


@pytest.fixture
def countdown():
    kinds.register(kind_countdown.KIND)
    yield kind_countdown.KIND
    kinds.unregister("countdown")


def _load(tmp_path: Path) -> playlist.Playlists:
    (tmp_path / "countdown.yaml").write_text(PLAYLIST, encoding="utf-8")
    return playlist.load_dir(tmp_path)


def test_a_new_kind_is_one_module_shown_on_a_page(tmp_path, fonts, countdown):
    found = _load(tmp_path)
    assert found.problems == ()
    (p,) = found.playlists
    assert [s.extra for s in p.slides] == [(("days", "5"), ("colour", "amber")),
                                           (("days", "3"), ("colour", "green"))]  # defaults filled
    slides = schedule.cycle(p, Snapshot(), dt.date(2026, 11, 9), schedule.Programme())
    assert [(s.kind, s.value_of("days")) for s in slides] == [("countdown", "5"), ("countdown", "3")]
    assert slides[0].seconds >= 8  # the time to read it, as for any slide without seconds
    for size in ((1920, 1080), (1080, 1920)):
        page = pages.compose(slides[0], size, fonts, STYLE, dt.datetime(2026, 11, 9, 10, 0))
        theme = themes.get("day")
        body = body_rect(Metrics.for_size(*size, theme))
        assert page.get_at((4, 4))[:3] == theme.header_bg  # chrome: the header is drawn around it
        assert page.get_at((body.x + 4, body.bottom - 4))[:3] == kind_countdown.COLOURS["amber"]
        counted = page.subsurface((body.x, body.y + body.h // 2, body.w, body.h // 4))
        dark = pygame.mask.from_threshold(counted, (0, 0, 0), (60, 60, 60, 255)).count()
        assert dark > 2000, size  # "还有 5 天" in black on the panel


def test_a_kind_not_registered_is_reported_located_in_both_languages(tmp_path):
    found = _load(tmp_path)
    assert found.playlists == ()
    unknown = [p for p in found.problems if "不认识的类型" in p.zh]
    assert [p.where.line for p in unknown] == [3, 6]
    assert "倒计时" in unknown[0].zh and "unknown slide kind 'countdown'" in unknown[1].en
    assert "jobs, poster, video, announcement, live, join, figures" in unknown[0].en


def test_the_registered_kind_is_offered_and_its_fields_known(tmp_path, countdown):
    (tmp_path / "x.yaml").write_text("slides:\n  - kind: 倒计\n  - kind: 倒计时\n    天 数: 3\n",
                                     encoding="utf-8")
    problems = playlist.load_dir(tmp_path).problems
    assert "Kinds: jobs, poster, video, announcement, live, join, figures, countdown" in problems[0].en
    assert "days" in problems[1].en and "colour" in problems[1].en  # the known fields, listed


def test_the_builtin_kinds_and_their_flags():
    assert [k.name for k in kinds.writable()] == ["jobs", "poster", "video", "announcement", "live",
                                                  "join", "figures"]
    flat = {k: (kinds.get(k).chrome, kinds.get(k).ticker, kinds.get(k).badge) for k in kinds.BUILTIN}
    assert flat["black"] == (False, False, False)
    assert flat["poster"] == flat["video"] == (False, False, True)
    assert kinds.get("video").animated and not kinds.get("poster").animated
    assert all(v == (True, True, True) for k, v in flat.items() if k not in ("black", "poster", "video"))
    assert kinds.by_alias("招聘").name == "jobs" and kinds.by_alias(" Image ").name == "poster"
    with pytest.raises(ValueError):
        kinds.register(kinds.Kind("other", lambda slide, page: [], aliases=("通知",)))


def test_every_kind_module_is_builtin_and_kept_from_core_parse_and_render():
    modules = {p.stem for p in (ROOT / "signage" / "kinds").glob("*.py")} - {"__init__", "registry"}
    assert modules == set(kinds.BUILTIN)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"]
                    if c["name"].startswith("core, parse and render read the registry"))
    assert set(contract["forbidden_modules"]) == {f"signage.kinds.{m}" for m in modules}
