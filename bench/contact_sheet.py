"""The job pages at every screen size, theme and cards-a-page, on one sheet: docs/contact-sheet.png.

Renders the test fixtures' listings (tests/fixtures/stress and the frozen demo copy in
tests/fixtures/station) through the real pager and renderer, the first pages of each
combination, and tiles them with a caption. Also prints the sizes each page reached
(title, pay, phone digits, rows, in pixels) for docs/benchmarks.md. Run:

    .venv/bin/python bench/contact_sheet.py [--out docs/contact-sheet.png] [--pages DIR] [--record]

``--pages DIR`` also writes every page full size, to look at one by one. ``--record`` writes
the sizes, the time the pager takes and the read-back figures of tests/test_distance.py (when
tesseract is installed) into this bench's section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from signage.core import schedule  # noqa: E402
from signage.core.model import Snapshot  # noqa: E402
from signage.core.settings import FontSettings  # noqa: E402
from signage.render import fonts as fonts_mod  # noqa: E402
from signage.render import pages, themes  # noqa: E402
from signage.render.card import DIGITS  # noqa: E402
from signage.render.geometry import Text  # noqa: E402
from signage.render.layout import Pager, layout_page  # noqa: E402
from signage.sources.folder import read as folder  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
SIZES = [(1280, 720), (1366, 768), (1920, 1080), (1080, 1920), (3840, 2160)]
TILE_W = 480


def fixture_listings() -> tuple:
    out = []
    for where in (ROOT / "tests/fixtures/stress", ROOT / "tests/fixtures/station/playlists/jobs"):
        out += [x for r in sorted(folder.scan(where).items()) for x in r[1].listings]
    return tuple(out)


def job_pages(listings, size, theme: str, cards: int, fonts, lang="zh-cn"):
    programme = schedule.Programme(cards, 12, theme, size[1] > size[0], Pager(*size, fonts, lang))
    return schedule.slides_for(Snapshot(listings=listings), __import__("datetime").date(2026, 11, 29),
                               programme)


def sizes_reached(slide, size, theme, fonts) -> dict[str, int]:
    ops = layout_page(slide, *size, themes.get(theme), fonts, "驿站")
    texts = [op for op in ops if isinstance(op, Text)]

    def size_of(role):
        return max((t.size for t in texts if t.role == role), default=0)

    return {"title": size_of("title"), "pay": size_of("pay"),
            "phone digits": fonts.ink_height(DIGITS, size_of("phone"), True) if size_of("phone") else 0,
            "rows": max((t.size for t in texts if t.role in ("place", "hours", "requirements")), default=0)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs/contact-sheet.png"))
    ap.add_argument("--pages", help="also write every page full size into this folder")
    ap.add_argument("--record", action="store_true", help="write the figures into docs/benchmarks.md")
    args = ap.parse_args()
    pygame.display.init()
    fonts = fonts_mod.load(FontSettings(), "zh-cn")
    listings = fixture_listings()
    style = pages.PageStyle("乐至县零工爱心驿站", "028-2333 1234")
    combos = [(size, theme, 0) for size in SIZES for theme in ("day", "night", "large")]
    combos += [((1920, 1080), "day", n) for n in (1, 2, 3, 4)] + [((1280, 720), "day", 4)]
    tiles: list[tuple[str, list[pygame.Surface]]] = []
    table = ["| screen, theme, cards asked | pages for the fixtures | cards on the first | title | pay "
             "| phone digits | rows |", "|---|---|---|---|---|---|---|"]
    for size, theme, cards in combos:
        slides = job_pages(listings, size, theme, cards, fonts)
        shown = slides[:3]
        caption = f"{size[0]}x{size[1]} {theme} cards={cards or 'auto'}: {len(slides)} pages"
        got = sizes_reached(slides[0], size, theme, fonts)
        print(caption, "|", got)
        table.append(f"| {size[0]}x{size[1]} {theme} {cards or 'auto'} | {len(slides)} | "
                     f"{len(slides[0].listings)}{' (over two pages)' if slides[0].part else ''} | "
                     f"{got['title']} | {got['pay']} | {got['phone digits']} | {got['rows']} |")
        row = []
        for i, s in enumerate(shown):
            page = pages.compose(s, size, fonts, style)
            if args.pages:
                Path(args.pages).mkdir(parents=True, exist_ok=True)
                pygame.image.save(page, str(Path(args.pages) / f"{size[0]}x{size[1]}-{theme}-"
                                            f"{cards or 'auto'}-{i + 1}.png"))
            scale = TILE_W / max(size)
            row.append(pygame.transform.smoothscale(page, (round(size[0] * scale), round(size[1] * scale))))
        tiles.append((caption, row))
    label_font = fonts.font(True)
    gap, cap_h = 12, 30
    heights = [max(t.get_height() for t in row) + cap_h + gap for _, row in tiles]
    sheet = pygame.Surface((3 * (TILE_W + gap) + gap, sum(heights) + gap))
    sheet.fill((60, 60, 60))
    y = gap
    for (caption, row), h in zip(tiles, heights, strict=True):
        label_font.render_to(sheet, (gap, y + 22), caption, fgcolor=(255, 255, 255), size=20)
        for c, tile in enumerate(row):
            sheet.blit(tile, (gap + c * (TILE_W + gap), y + cap_h))
        y += h
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    from PIL import Image  # 256 colours, optimised: a sheet small enough to keep in the repository

    image = Image.frombytes("RGB", sheet.get_size(), pygame.image.tobytes(sheet, "RGB"))
    image.quantize(256, method=Image.Quantize.MEDIANCUT).save(args.out, optimize=True)
    print("wrote", args.out)
    if args.record:
        record(fonts, listings, table)


def record(fonts, listings, table: list[str]) -> None:
    from benchlib import record as write

    many = tuple(dataclasses.replace(listings[i % len(listings)], id=f"u{i}",
                                     title=listings[i % len(listings)].title + f"{i}号") for i in range(1000))
    t0 = time.perf_counter()
    Pager(1920, 1080, fonts)(many, 0, "day")
    pager_s = time.perf_counter() - t0
    body = ["`.venv/bin/python bench/contact_sheet.py --record`: the first page of each combination of "
            "the fixture listings (font sizes in pixels; the phone as the height of its digits).", "",
            *table, "",
            f"Cutting 1,000 new listings into pages at 1920x1080 (auto): {pager_s:.2f} s, once."]
    if shutil.which("tesseract"):
        sys.path.insert(0, str(ROOT / "tests"))
        from test_distance import figures

        body += ["", "Read back from 8 m (tests/test_distance.py's figures: lines read / lines):", "",
                 "| theme, cards | titles | pay | phones | rows |", "|---|---|---|---|---|"]
        for theme, cards in (("day", 2), ("large", 0), ("night", 2)):
            got = figures(theme, cards, fonts)
            body.append(f"| {theme}, {cards or 'auto'} | " + " | ".join(
                f"{got[k][0]}/{got[k][1]}" for k in ("title", "pay", "phone", "rows")) + " |")
    write("contact_sheet", "\n".join(body))


if __name__ == "__main__":
    main()
