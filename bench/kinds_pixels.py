"""Every slide kind drawn to PNGs, and two such sets compared pixel for pixel.

    python bench/kinds_pixels.py render OUT_DIR     # draw every kind, both orientations, every theme
    python bench/kinds_pixels.py compare A_DIR B_DIR  # exit 1 when any pixel differs

A programme is built in a temporary folder (the frozen demo listings of tests/fixtures, a
playlist with every kind of slide, an urgent message, sleep hours, a poster picture) and
taken through the real parser, schedule and renderer, with the clock drawn at a fixed
instant. Run ``render`` before a change to the slide kinds and after it, then ``compare``:
no pixel visible to staff or viewers may move.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from signage.core import schedule  # noqa: E402
from signage.core.settings import FontSettings  # noqa: E402
from signage.core.store import ContentStore  # noqa: E402
from signage.parse import playlists as playlist_mod  # noqa: E402
from signage.render import fonts as fonts_mod  # noqa: E402
from signage.render import pages  # noqa: E402
from signage.sources.folder import read as folder  # noqa: E402

LISTINGS = ROOT / "tests" / "fixtures" / "station" / "playlists" / "jobs"
SIZES = ((1920, 1080), (1080, 1920))
THEMES = ("day", "night", "large")
DAY = dt.datetime(2026, 11, 9, 10, 0)  # a Monday morning
NIGHT = dt.datetime(2026, 11, 9, 23, 0)  # sleep hours
STYLE = pages.PageStyle("乐至县零工爱心驿站", "028-2333 1234", None, "day")

EVERY_KIND = """\
name: 每一种
default: true
slides:
  - kind: jobs
    sort: pay
    cards: 3
  - 招聘
  - kind: 岗位
    tags: [夜市]
    settlement: 日结
  - kind: poster
    image: poster.png
  - kind: announcement
    title: 本周五上午 技能培训免费报名
    text: 电工、焊工、育婴师培训，结业发证书，培训期间有生活补贴。请到服务台登记，带上身份证。
  - kind: 通知
    标题: 停车场改到后门
    qr: 028-23331234
  - kind: 通知
    文字: 电工、焊工、育婴师培训，结业发证书，培训期间有生活补贴。请到服务台登记，带上身份证。电工、焊工、育婴师培训，结业发证书，培训期间有生活补贴。
  - kind: live
    title: 直播带岗 · 本地好工作
    when: 每周四 19:30
    where: 驿站视频号“乐至零工驿站”
    qr: https://channels.weixin.qq.com/live/lezhi-lingong
  - kind: 直播
  - kind: join
    title: 扫码进零工群
    text: 每天早上推送新岗位，日结零工第一时间知道
    qr: https://work.weixin.qq.com/gm/lezhi-lingong-qun
  - kind: 进群
    image: groupqr.png
  - kind: figures
    title: 驿站成绩单
    figures:
      本月帮助就业: 137 人
      本月发放工资: 52 万元
  - kind: 数据
    auto: 否
    figures: {本月帮助就业: 137 人}
"""
URGENT = """\
title: 今天下午停电，驿站14:00后暂停服务
text: 明天上午8:30照常开门。急需找工作的朋友请打热线电话。
qr: 028-23331234
"""
SLEEP = 'name: 休息\nsleep: true\nschedule: {time: "22:00-07:00"}\n'


def _picture(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> None:
    surface = pygame.Surface(size)
    surface.fill(colour)
    pygame.draw.circle(surface, (250, 250, 250), (size[0] // 2, size[1] // 2), min(size) // 3)
    pygame.image.save(surface, str(path))


def build(root: Path) -> tuple[Path, Path]:
    """A station in ``root``: the listings folder and the playlists folder."""
    lists = root / "playlists"
    jobs = lists / "jobs"
    shutil.copytree(LISTINGS, jobs)
    _picture(jobs / "海报.png", (800, 600), (30, 90, 160))  # a poster of the drop folder
    _picture(lists / "poster.png", (1200, 800), (160, 40, 40))
    _picture(lists / "groupqr.png", (400, 400), (20, 120, 60))
    (lists / "every.yaml").write_text(EVERY_KIND, encoding="utf-8")
    (lists / "sleep.yaml").write_text(SLEEP, encoding="utf-8")
    return jobs, lists


def slides(jobs: Path, lists: Path, theme: str, size: tuple[int, int]) -> list[tuple[str, object]]:
    """(name, slide) of every kind this programme shows at ``size`` in ``theme``."""
    snap = ContentStore().apply_many(list(folder.scan(jobs).values()))
    portrait = size[1] > size[0]
    programme = schedule.Programme(2, 12.0, theme, portrait)
    found = playlist_mod.load_dir(lists)
    errors = [p for p in found.problems if p.severity == "error"]
    if errors:
        raise SystemExit("\n".join(map(str, errors)))
    every = next(p for p in found.playlists if p.name == "每一种")
    out = [(f"cycle{i:02d}-{s.kind}", s)
           for i, s in enumerate(schedule.cycle(every, snap, DAY.date(), programme, (0, 1)))]
    out += [(f"cycle{i:02d}-{s.kind}-screen3of3", s)
            for i, s in enumerate(schedule.cycle(every, snap, DAY.date(), programme, (2, 3)))]
    out += [(f"plain{i:02d}-{s.kind}", s)
            for i, s in enumerate(schedule.cycle(None, snap, DAY.date(), programme))]
    out += [("nothing-empty", schedule.cycle(None, ContentStore().snapshot, DAY.date(), programme)[0])]
    at_night = schedule.programmed(NIGHT.timestamp(), snap, programme, found)
    out.append((f"night-{at_night.slide.kind}", at_night.slide))
    (lists / "urgent.yaml").write_text(URGENT, encoding="utf-8")
    try:
        urgent = playlist_mod.load_dir(lists)
    finally:
        (lists / "urgent.yaml").unlink()
    on = schedule.programmed(DAY.timestamp(), snap, programme, urgent)
    out.append((f"urgent-{on.slide.kind}", on.slide))
    return out


def _values(slide) -> str:
    """The slide's fields that differ from their defaults (a new field with a default: no change)."""
    return repr({f.name: getattr(slide, f.name) for f in dataclasses.fields(slide)
                 if getattr(slide, f.name) != f.default})


def render(out_dir: Path) -> int:
    pygame.display.init()
    pygame.freetype.init()
    fonts = fonts_mod.load(FontSettings(), "zh-cn")
    out_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    values = []  # the slides as values too: kinds, durations, fields
    with tempfile.TemporaryDirectory() as tmp:
        jobs, lists = build(Path(tmp))
        for theme in THEMES:
            for size in SIZES:
                for name, slide in slides(jobs, lists, theme, size):
                    page = pages.compose(slide, size, fonts, STYLE, DAY)
                    stem = f"{theme}-{size[0]}x{size[1]}-{name}"
                    pygame.image.save(page, str(out_dir / f"{stem}.png"))
                    text = re.sub(r"version='[^']*'", "version=…", _values(slide))
                    values.append(f"{stem}: {text}".replace(tmp, "TMP"))
                    count += 1
    (out_dir / "slides.txt").write_text("\n".join(values) + "\n", encoding="utf-8")
    kinds = sorted({p.stem.split("-")[3] for p in out_dir.glob("*.png")})
    print(f"wrote {count} pages to {out_dir}; kinds: {', '.join(kinds)}")
    return 0


def compare(a: Path, b: Path) -> int:
    names_a = {p.name for p in a.glob("*.png")}
    names_b = {p.name for p in b.glob("*.png")}
    bad = sorted(names_a ^ names_b)
    for name in bad:
        print(f"only in one set: {name}")
    for name in sorted(names_a & names_b):
        sa, sb = pygame.image.load(str(a / name)), pygame.image.load(str(b / name))
        if sa.get_size() != sb.get_size() or pygame.image.tobytes(sa, "RGB") != pygame.image.tobytes(sb, "RGB"):
            print(f"differs: {name}")
            bad.append(name)
    if (a / "slides.txt").read_text(encoding="utf-8") != (b / "slides.txt").read_text(encoding="utf-8"):
        print("differs: slides.txt (the slides as values: kinds, durations, fields)")
        bad.append("slides.txt")
    print(f"{len(names_a & names_b)} pages compared, {len(bad)} differ")
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    usage = textwrap.dedent(__doc__).strip().splitlines()[2:4]
    if len(argv) == 2 and argv[0] == "render":
        return render(Path(argv[1]))
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print("\n".join(usage), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
