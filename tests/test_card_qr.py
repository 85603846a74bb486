"""The QR code of a job card (the product promise: "… the phone number and a QR code"). It used to
sit below the badge in the rows' band only, and was dropped without a word when the band was short
(a card alone on its page at a large scale, a wrapped pay, large print). Every card with a phone or
link now shows its code at least ``card.qr_min_px`` a module on every page the pager makes, at five
screen sizes and three themes, and the code drawn is read back from the pixels by zbar."""

import logging
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pygame
import pytest
from test_card import STATION, STRESS, cards_of, job_pages, overlaps

from signage.render import card, themes
from signage.render.draw import render_slide
from signage.render.fonts import Fonts
from signage.render.geometry import Metrics, Qr, Text
from signage.render.layout import card_rects, layout_page

SIZES = [(1920, 1080), (1280, 720), (960, 540), (1080, 1920), (3840, 2160)]
THEMES = ("day", "night", "large")
KITCHEN = next(x for x in STATION if "厨房帮工" in x.title)


def codes_of(ops):
    return [op for op in ops if isinstance(op, Qr)]


def check_page(s, size, theme, fonts):
    """Every card of the page has its own code, scannable, inside the card and clear of its text;
    the text stays at or above the floors of issue 10."""
    th = themes.get(theme)
    m = Metrics.for_size(*size, th)
    ops = layout_page(s, *size, th, fonts, "驿站")
    listings = s.listings[:1] if s.part else s.listings
    for listing, (box, inner) in zip(listings, cards_of(ops), strict=True):
        target = card.qr_target(listing)
        codes = codes_of(inner)
        assert [q.data for q in codes] == ([target] if target else []), (size, theme, listing.title)
        for q in codes:
            assert q.px >= card.qr_min_px(m), (size, theme, listing.title, q.px)
            assert box.rect.contains(q.rect)
            for t in (op for op in inner if isinstance(op, Text) and op.role != "badge-text"):
                assert not overlaps(q.rect, t.rect), (t, q)
    short = min(size)
    for t in (op for op in ops if isinstance(op, Text)):
        if t.role in ("title", "pay"):
            assert t.size >= short / 12 - 1, t
        elif t.role == "phone":
            assert fonts.ink_height(card.DIGITS, t.size, True) >= short / 14 - 1, t
        elif t.role in ("place", "hours", "requirements"):
            assert t.size >= short / 22 - 1, t
    return ops


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", THEMES)
def test_every_card_with_a_phone_shows_its_code_on_every_page(fonts, size, theme):
    for cards in (0, 1, 2, 4):
        for s in job_pages(STRESS + STATION, size, theme, cards, fonts):
            check_page(s, size, theme, fonts)


def test_a_lone_card_at_full_scale_has_its_code_beside_the_rows(fonts):
    """厨房帮工 alone at 1920x1080 (the empty right side of the old page): the code is there at a
    larger module than the minimum, and the scale stays above the floors."""
    (s, *_) = job_pages([KITCHEN], (1920, 1080), "day", 1, fonts)
    ops = check_page(s, (1920, 1080), "day", fonts)
    (q,) = codes_of(ops)
    assert q.px >= 5 and q.data == "tel:" + KITCHEN.phone.replace("-", "")


def zbar(surface: pygame.Surface, folder: Path) -> list[str]:
    exe = shutil.which("zbarimg")
    if exe is None:
        pytest.fail("zbarimg is missing: run scripts/setup.sh --test (Debian package zbar-tools)")
    png = folder / "page.png"
    pygame.image.save(surface, str(png))
    out = subprocess.run([exe, "--raw", "-q", str(png)], capture_output=True, text=True, timeout=60)
    return sorted(out.stdout.split())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", THEMES)
def test_the_codes_drawn_read_back_as_the_listings_numbers(fonts, size, theme, tmp_path):
    """zbar reads every code of the stress pages and of a lone-card page from the pixels, and gets
    the listing's tel: URI (a link when it has one)."""
    slides = job_pages(STRESS, size, theme, 0, fonts) + job_pages([KITCHEN], size, theme, 1, fonts)[:1]
    for s in slides:
        listings = s.listings[:1] if s.part else s.listings
        page = render_slide(s, size, themes.get(theme), fonts, "驿站")
        assert zbar(page, tmp_path) == sorted(card.qr_target(x) for x in listings), (size, theme, s)


def test_a_code_that_truly_has_no_room_is_left_out_and_said_so(fonts: Fonts, caplog):
    """A link so long its code needs more modules than any card has room for: the card is drawn
    without it (never below the floors, never over the text), the plan says so, and the log says
    which listing, once."""
    huge = replace(STRESS[0], id="huge-link", link="https://jobs.example.cn/" + "x" * 1500)
    th = themes.DAY
    m = Metrics.for_size(960, 540, th)
    plans, scale = card.layout_cards((huge,), card_rects(m, 1), m, th, fonts)
    assert not plans[0].coded and not codes_of(plans[0].ops)
    assert scale.title >= 540 / 12 - 1
    (s, *_) = job_pages([huge], (960, 540), "day", 1, fonts)
    with caplog.at_level(logging.WARNING, logger="signage.render.layout"):
        layout_page(s, 960, 540, th, fonts, "驿站")
        layout_page(s, 960, 540, th, fonts, "驿站")
    said = [r for r in caplog.records if "huge-link" in r.getMessage()]
    assert len(said) == 1 and "QR" in said[0].getMessage()


def test_validate_says_when_a_code_will_not_be_shown(tmp_path, capsys):
    """``signage validate`` warns (with file and line, in Chinese and English) about a listing whose
    code the station's pages leave out, and says nothing about codes that are drawn."""
    from signage.app.cli import main

    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "cook.yaml").write_text("岗位: 厨房帮工\n电话: 13800000000\n", encoding="utf-8")
    (tmp_path / "jobs" / "huge.yaml").write_text(
        "岗位: 仓库分拣\n电话: 13900000000\n网址: https://jobs.example.cn/" + "x" * 1500 + "\n",
        encoding="utf-8")
    cfg = tmp_path / "station.yaml"
    cfg.write_text("content: jobs\nplaylog:\n  folder: plays\ndisplay:\n  size: [960, 540]\n",
                   encoding="utf-8")
    assert main(["--config", str(cfg), "validate", "--json"]) == 0  # a warning, not an error
    import json

    problems = json.loads(capsys.readouterr().out)["problems"]
    said = [p for p in problems if "二维码" in json.dumps(p, ensure_ascii=False)]
    assert len(said) == 1, problems
    text = json.dumps(said[0], ensure_ascii=False)
    assert "huge.yaml" in text and "仓库分拣" in text and "960x540" in text and "QR" in text
