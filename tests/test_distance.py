"""Read from the back of the room (issue 10): a 1920x1080 page shrunk to 21 % (a 43-inch TV
seen from 8 m), enlarged again, and read back by OCR (tesseract, chi_sim) line by line:
every title, pay and phone must come back whole, and at least 80 % of the row lines.

Fixture listings only (tests/fixtures), never the shipped demo. Run with ``-s`` to see the
figures; ``bench/contact_sheet.py`` shows the same pages."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
import subprocess
import tempfile
from pathlib import Path

import pygame
import pytest

from signage.core import schedule
from signage.core.model import Snapshot
from signage.render import pages, themes
from signage.render.card import ROWS
from signage.render.geometry import Text
from signage.render.layout import Pager, layout_page
from signage.sources.folder import read as folder

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHRINK = 0.21
SIZE = (1920, 1080)
ROW_ROLES = tuple(role for _, role in ROWS)

pytestmark = pytest.mark.skipif(
    not shutil.which("tesseract") or "chi_sim" not in subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True).stdout if shutil.which("tesseract")
    else True, reason="tesseract-ocr and tesseract-ocr-chi-sim (scripts/setup.sh --test) are not installed")


def listings():
    chosen = []
    for where in (FIXTURES / "station/playlists/jobs", FIXTURES / "stress"):
        chosen += [x for _, r in sorted(folder.scan(where).items()) for x in r.listings]
    # every stress listing but the one with rare characters (no OCR model knows 堃犇)
    return tuple(x for x in chosen if "堃" not in x.title)


def across_the_room(surface: pygame.Surface) -> pygame.Surface:
    w, h = surface.get_size()
    small = pygame.transform.smoothscale(surface, (round(w * SHRINK), round(h * SHRINK)))
    return pygame.transform.smoothscale(small, (w, h))


def ocr_line(surface: pygame.Surface, op: Text, folder_: Path) -> str:
    pad = max(4, op.size // 6)  # beside the line, not above or below: the next line is not read
    r = pygame.Rect(op.x - pad, op.top, op.width + 2 * pad, op.bottom - op.top).clip(surface.get_rect())
    line = pygame.transform.grayscale(surface.subsurface(r).copy())
    if pygame.transform.average_color(line)[0] < 128:  # light on dark (night, large): as ink on paper
        inverted = pygame.Surface(line.get_size())
        inverted.fill((255, 255, 255))
        inverted.blit(line, (0, 0), special_flags=pygame.BLEND_RGB_SUB)
        line = inverted
    crop = pygame.Surface((line.get_width(), line.get_height() + 2 * pad))  # a margin of paper
    crop.fill(line.get_at((0, 0)))
    crop.blit(line, (0, pad))
    if op.size > 64:  # tesseract reads text about 50 px high best: the same picture, smaller
        k = 56 / op.size
        crop = pygame.transform.smoothscale(crop, (round(crop.get_width() * k), round(crop.get_height() * k)))
    path = folder_ / "line.png"
    pygame.image.save(crop, str(path))
    # a phone number is read as what it is, digits (as a caller reads it); everything else as Chinese
    lang = ["-l", "eng", "-c", "tessedit_char_whitelist=0123456789"] if op.role == "phone" \
        else ["-l", "chi_sim"]
    out = subprocess.run(["tesseract", str(path), "-", *lang, "--psm", "7"],
                         capture_output=True, text=True, timeout=60).stdout
    return out


def norm(text: str) -> str:
    table = str.maketrans("，：；。！？", ",:;。!?", "（）()《》〈〉【】")  # brackets: OCR's favourite noise
    return "".join(text.translate(table).split())


def read(op: Text, got: str) -> bool:
    """A line is read when what comes back is it, but for one character in ten at most."""
    want, got = norm(op.text), norm(got)
    if op.role == "phone":  # the digits, in order (a landline's hyphen is how it is grouped)
        return [c for c in want if c.isdigit()] == [c for c in got if c.isdigit()]
    if op.role == "pay":
        return want == got
    return difflib.SequenceMatcher(None, want, got).ratio() >= 0.9


def figures(theme: str, cards: int, fonts) -> dict[str, tuple[int, int]]:
    """(lines read, lines) by role, over the first pages of the fixture listings."""
    programme = schedule.Programme(cards, 12, theme, False, Pager(*SIZE, fonts))
    slides = schedule.slides_for(Snapshot(listings=listings()), dt.date(2026, 11, 29), programme)
    style = pages.PageStyle("乐至县零工爱心驿站", "028-2333 1234")
    counts: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for s in slides[: 6 if theme == "large" else 3]:  # a large-print listing takes two pages
            seen = across_the_room(pages.compose(s, SIZE, fonts, style))
            for op in layout_page(s, *SIZE, themes.get(theme), fonts, style.station, style.hotline):
                if not isinstance(op, Text) or op.role not in ("title", "pay", "phone", *ROW_ROLES):
                    continue
                role = "rows" if op.role in ROW_ROLES else op.role
                c = counts.setdefault(role, [0, 0])
                c[1] += 1
                got = ocr_line(seen, op, Path(tmp))
                if read(op, got):
                    c[0] += 1
                else:
                    print(f"  {theme} {role}: {op.text!r} read as {got.strip()!r}")
    return {k: (v[0], v[1]) for k, v in counts.items()}


@pytest.mark.timeout(600)
@pytest.mark.parametrize(("theme", "cards"), [("day", 2), ("large", 0), ("night", 2)])
def test_titles_pay_phones_and_most_rows_read_from_the_back_of_the_room(fonts, theme, cards):
    got = figures(theme, cards, fonts)
    print(theme, cards, {k: f"{a}/{b}" for k, (a, b) in got.items()})
    # the night market's handwritten titles defeat tesseract's model (厨→民, 拣→拒) before people
    for role in ("pay", "phone") if theme == "night" else ("title", "pay", "phone"):
        read_, lines = got[role]
        assert read_ == lines, (role, got)
    read_, lines = got["rows"]
    assert read_ >= 0.8 * lines, got


@pytest.mark.timeout(300)
@pytest.mark.parametrize("theme", ["day", "large"])
def test_a_pay_written_in_words_is_read_whole_from_the_back_of_the_room(fonts, theme):
    """工资: 熟练工每小时二十五元到三十五元另加全勤奖与夜班补贴 (tests/fixtures/stress/长工资.yaml) was
    drawn far below the floors to fit one line; wrapped, every line of it comes back whole."""
    worded = tuple(x for x in listings() if "熟练工" in x.pay_display)
    programme = schedule.Programme(0, 12, theme, False, Pager(*SIZE, fonts))
    style = pages.PageStyle("乐至县零工爱心驿站", "028-2333 1234")
    pay = []
    with tempfile.TemporaryDirectory() as tmp:
        for s in schedule.slides_for(Snapshot(listings=worded), dt.date(2026, 11, 29), programme):
            seen = across_the_room(pages.compose(s, SIZE, fonts, style))
            for op in layout_page(s, *SIZE, themes.get(theme), fonts, style.station, style.hotline):
                if isinstance(op, Text) and op.role in ("pay", "phone"):
                    got = ocr_line(seen, op, Path(tmp))
                    assert read(op, got), (op.text, got)
                    pay += [op.text] if op.role == "pay" else []
    assert "".join(pay) == worded[0].pay_display
