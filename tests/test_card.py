"""The job cards (issue 10): one type scale per page, one grid, nothing that matters cut,
floors from the screen's short side, large print that is real. Checked on stress listings
(tests/fixtures/stress) at five screen sizes, three themes, 1-4 and auto cards a page,
through the real pager, as numbers from the layout and, where it matters, in pixels."""

import datetime as dt
import itertools
import math
from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from signage.core import schedule
from signage.core.model import (
    Listing,
    Location,
    Pay,
    PayUnit,
    Settlement,
    Slide,
    Snapshot,
    format_phone,
)
from signage.render import themes
from signage.render.card import DIGITS, ROWS, SECOND_OF_TWO
from signage.render.draw import render_slide
from signage.render.geometry import Box, Image, Metrics, Qr, Text
from signage.render.layout import Pager, card_rects, layout_page
from signage.render.text import tokens
from signage.sources.folder import read as folder

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STRESS = [x for _, r in sorted(folder.scan(FIXTURES / "stress").items()) for x in r.listings]
STATION = [x for _, r in sorted(folder.scan(FIXTURES / "station/playlists/jobs").items()) for x in r.listings]
LONG = next(x for x in STRESS if len(x.title) >= 35)
SIZES = [(1280, 720), (1366, 768), (1920, 1080), (1080, 1920), (3840, 2160)]
ROW_ROLES = {role for _, role in ROWS}
TODAY = dt.date(2026, 11, 29)


def cards_of(ops):
    cards, current = [], None
    for op in ops:
        if isinstance(op, Box) and op.role == "card":
            current = (op, [])
            cards.append(current)
        elif current is not None:
            current[1].append(op)
    return cards


def texts(ops, *roles):
    return [op for op in ops if isinstance(op, Text) and (not roles or op.role in roles)]


def slide(*listings, cards=None):
    return Slide("jobs", tuple(listings), page=0, pages=3, cards=cards or len(listings))


def job_pages(listings, size, theme, cards, fonts, lang="zh-cn"):
    programme = schedule.Programme(cards, 12, theme, size[1] > size[0], Pager(*size, fonts, lang))
    return schedule.slides_for(Snapshot(listings=tuple(listings)), TODAY, programme)


def overlaps(a, b):
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


COMBOS = list(itertools.product(SIZES, [1, 2, 3, 4, 0], themes.THEMES))


@pytest.mark.parametrize(("size", "cards", "theme"), COMBOS)
def test_every_page_keeps_its_text_in_its_boxes_at_one_scale_above_the_floors(fonts, size, cards, theme):
    th = themes.get(theme)
    short = min(size)  # the hard floors; large print aims at card_scale times them where they fit
    pages = job_pages(STRESS, size, theme, cards, fonts)
    on_pages = set()
    for s in pages:
        ops = layout_page(s, *size, th, fonts, "乐至县零工爱心驿站", "028-2333 1234")
        page_cards = cards_of(ops)
        assert len(page_cards) == len(s.listings) or s.part, s
        sizes = {}
        for card, inner in page_cards:
            boxes = [op for op in inner if isinstance(op, Text | Qr | Image)]
            for op in boxes:
                assert card.rect.contains(op.rect), f"{op} leaves its card {card.rect}"
            for a, b in itertools.combinations([op for op in boxes if getattr(op, "role", "") != "badge-text"], 2):
                assert not overlaps(a.rect, b.rect), f"{a} overlaps {b}"
            for t in texts(inner):
                sizes.setdefault(t.role, set()).add(t.size)
                assert "…" not in t.text or t.role in ("title", "contact"), t
        # one scale a page: every card's title, pay, phone and rows the same size
        for role in ("title", "pay", "phone", *ROW_ROLES):
            assert len(sizes.get(role, ())) <= 1, (role, sizes[role])
        rows = set().union(*(sizes.get(r, set()) for r in ROW_ROLES))
        assert len(rows) <= 1
        # the floors, from the short side
        for t in texts(ops, "title", "pay"):
            assert t.size >= math.ceil(short / 12) - 1, t
        for t in texts(ops, "phone"):
            assert fonts.ink_height(DIGITS, t.size, True) >= short / 14, t
        for t in texts(ops, *ROW_ROLES):
            assert t.size >= short / 22 - 1, t
        on_pages.update(x.id for x in s.listings)
    assert on_pages == {x.id for x in STRESS}  # every listing is on some page


@pytest.mark.parametrize(("size", "cards", "theme"), COMBOS)
def test_pay_and_phone_are_never_cut_and_rows_never_dropped_silently(fonts, size, cards, theme):
    th = themes.get(theme)
    pages = job_pages(STRESS, size, theme, cards, fonts)
    for s in pages:
        ops = layout_page(s, *size, th, fonts, "乐至县零工爱心驿站", "028-2333 1234")
        for listing, (_, inner) in zip(s.listings, cards_of(ops), strict=False):
            if s.part != SECOND_OF_TWO:  # one line, or wrapped (a space may end a line)
                pay = [t.text for t in texts(inner, "pay")]
                assert "".join(pay).replace(" ", "") == listing.pay_display.replace(" ", "")
                assert len(pay) <= 3 or len(s.listings) == 1, pay
            assert [t.text for t in texts(inner, "phone")] == [format_phone(listing.phone)]
            assert texts(inner, "phone-label")  # 电话 is never lost
    # what a listing's pages show of its rows is its rows, in order, or ends with the desk note
    for listing in STRESS:
        own = [s for s in pages if listing in s.listings]
        shown, noted = "", False
        for s in own:
            ops = layout_page(s, *size, th, fonts, "驿站")
            (_, inner), = [c for c, x in zip(cards_of(ops), s.listings, strict=False) if x is listing] \
                if not s.part else [cards_of(ops)[0]]
            shown += "".join(t.text for t in texts(inner, *ROW_ROLES))
            noted = noted or bool(texts(inner, "more"))
        full = "".join(v for v in (listing.place, listing.hours, "；".join(listing.requirements)) if v)
        full, shown = full.replace(" ", ""), shown.replace(" ", "")  # a space may end a line
        assert full.startswith(shown)
        assert shown == full or noted, (listing.title, shown)


def test_the_long_pay_of_three_cards_keeps_its_unit_or_the_page_takes_fewer(fonts):
    """Issue 10: with 3 cards a page the pay lost its unit ("2800-3300元…")."""
    for size in SIZES:
        for s in job_pages(STRESS, size, "day", 3, fonts):
            for listing, (_, inner) in zip(s.listings, cards_of(layout_page(s, *size, themes.DAY, fonts, "驿站")),
                                           strict=True):
                pay = "".join(t.text for t in texts(inner, "pay"))
                assert pay == listing.pay_display, pay
                if "/" in pay:
                    assert any(t.text.endswith(("/月", "/天", "/件")) for t in texts(inner, "pay")), pay


def test_one_card_a_page_is_larger_and_large_print_is_real(fonts):
    """Large print: one card a page at about 1.6 times the day sizes, hours and requirements kept."""
    day2 = job_pages(STATION, (1920, 1080), "day", 2, fonts)[0]
    day1 = job_pages(STATION, (1920, 1080), "day", 1, fonts)[0]
    large = job_pages(STATION, (1920, 1080), "large", 0, fonts)

    def size_of(s, role, theme):
        return max(t.size for t in texts(layout_page(s, 1920, 1080, themes.get(theme), fonts, "驿站"), role))

    assert size_of(day1, "title", "day") > size_of(day2, "title", "day")
    assert all(len(s.listings) == 1 for s in large)
    for role in ("title", "pay", "phone"):
        assert size_of(large[0], role, "large") >= 1.5 * size_of(day2, role, "day")
    # hours and requirements kept: over its pages every station listing shows all its rows
    for listing in STATION:
        own = [s for s in large if s.listings[0] is listing]
        ops = [op for s in own for op in layout_page(s, 1920, 1080, themes.LARGE, fonts, "驿站")]
        if listing.hours:
            assert "".join(t.text for t in texts(ops, "hours")) == listing.hours
        if listing.requirements:
            assert "".join(t.text for t in texts(ops, "requirements")) == "；".join(listing.requirements)


def test_a_lone_last_card_sits_in_the_middle_as_wide_as_the_cards_before(fonts):
    pages = job_pages(STATION[:3], (1920, 1080), "day", 2, fonts)
    assert [len(s.listings) for s in pages] == [2, 1]
    first = layout_page(pages[0], 1920, 1080, themes.DAY, fonts, "驿站")
    last = layout_page(pages[1], 1920, 1080, themes.DAY, fonts, "驿站")
    (card, _), = cards_of(last)
    assert abs(card.rect.x + card.rect.w / 2 - 960) <= 2
    assert card.rect.w == cards_of(first)[0][0].rect.w


def test_words_are_not_split_where_the_rows_wrap(fonts):
    """Issue 10: 身体/健康, 手/机扫码, 零基/础 were split beside the QR code."""
    listing = replace(STATION[0], requirements=("身体健康，会用手机扫码，零基础可以学，有人带，男女不限",))
    for size in SIZES:
        for cards in (1, 2, 3):
            for s in job_pages([listing, *STATION[1:3]], size, "day", cards, fonts):
                lines = [t.text for t in texts(layout_page(s, *size, themes.DAY, fonts, "驿站"), "requirements")]
                joined = "".join(lines)
                for word in ("健康", "手机", "零基础"):
                    if word in joined:
                        assert any(word in line for line in lines), (word, lines)
                cut, pos = set(), 0
                for line in lines[:-1]:
                    pos += len(line)
                    cut.add(pos)
                starts, pos = set(), 0
                for tok in tokens(joined):
                    starts.add(pos)
                    pos += len(tok)
                assert cut <= starts, lines


def test_the_phone_bar_is_whole_with_its_label_at_1280x720_four_cards(fonts):
    """Issue 10: a card whose badge wrapped lost 电话 and dropped its phone to the floor."""
    for s in job_pages(STATION, (1280, 720), "day", 4, fonts):
        ops = layout_page(s, 1280, 720, themes.DAY, fonts, "驿站")
        phones = texts(ops, "phone")
        assert len(texts(ops, "phone-label")) == len(phones) == len(s.listings)
        assert len({t.size for t in phones}) == 1
        assert fonts.ink_height(DIGITS, phones[0].size, True) >= 720 / 14


def test_traditional_chinese_labels(fonts):
    listing = STATION[1]
    ops = layout_page(slide(listing, cards=2), 1920, 1080, themes.DAY, fonts, "驿站", "028-2333 1234",
                      lang="zh-tw")
    words = {t.text for t in texts(ops)}
    assert {"地點", "時間", "電話"} <= words and "地点" not in words
    assert any(t.text.startswith("求職諮詢熱線") for t in texts(ops, "hotline"))
    assert [t.text for t in texts(ops, "badge-text")] == ["日結"]


def test_phone_number_is_shown_whole_in_groups(fonts):
    ops = layout_page(slide(LONG), 1920, 1080, themes.DAY, fonts, "驿站", "", 2)
    assert [p.text for p in texts(ops, "phone")] == ["138 1234 5678"]
    qr = [op for op in ops if isinstance(op, Qr)]
    assert qr and qr[0].data == "tel:13812345678"


def test_drawn_cards_keep_their_ink_inside(fonts):
    """Drawn, not just laid out: no ink between or below the cards, and the title was drawn."""
    theme = themes.DAY
    s = slide(LONG, STRESS[1])
    surface = render_slide(s, (1920, 1080), theme, fonts, "驿站", "", 2)
    m = Metrics.for_size(1920, 1080, theme)
    card = card_rects(m, 2)[0]
    gutter = pygame.Rect(card.right + 2, card.y, card_rects(m, 2)[1].x - card.right - 4, card.h)
    below = pygame.Rect(card.x, card.bottom + 2, card.w, 8)
    for area in (gutter, below):
        sub = surface.subsurface(area)
        colours = {tuple(sub.get_at((x, y)))[:3] for x in range(0, area.w, 2) for y in range(0, area.h, 2)}
        assert colours == {theme.page_bg}
    t = texts(layout_page(s, 1920, 1080, theme, fonts, "驿站"), "title")[0]
    sub = surface.subsurface(pygame.Rect(t.x, t.top, t.width, t.bottom - t.top))
    assert pygame.transform.average_color(sub)[:3] != theme.card_bg


def test_a_card_that_cannot_be_drawn_is_skipped_and_the_others_stay(fonts):
    broken = Listing(id="broken", title=None, phone="13812345678", origin=Location("bad.yaml", 3))  # type: ignore[arg-type]
    ops = layout_page(slide(broken, STATION[0]), 1920, 1080, themes.DAY, fonts, "驿站", "", 2)
    titles = [op.text for op in texts(ops, "title")]
    assert titles and STATION[0].title.startswith(titles[0].rstrip("…"))
    assert len(cards_of(ops)) == 1


def test_settlement_badge_has_its_own_colour(fonts):
    colours = set()
    for s in Settlement:
        listing = Listing(id=s.value, title="服务员", pay=Pay(150, None, PayUnit.DAY), settlement=s,
                          phone="13812345678")
        ops = layout_page(slide(listing), 1920, 1080, themes.DAY, fonts, "驿站", "", 2)
        badges = [op for op in ops if isinstance(op, Box) and op.role == "badge"]
        assert [op.text for op in texts(ops, "badge-text")] == [s.zh]
        colours.add(badges[0].color)
    assert len(colours) == len({s.kind for s in Settlement})  # 现结, 次日结 are daily


@pytest.mark.parametrize("theme", themes.THEMES)
def test_every_text_colour_has_aaa_contrast(theme):
    for what, fg, bg in themes.get(theme).text_pairs():
        assert themes.contrast_ratio(fg, bg) >= 7.0, f"{theme}:{what}"


def test_a_listing_picture_sits_in_the_right_column_clear_of_the_text(fonts):
    """Above the QR code; the badge and headcount then go at the end of the pay's line."""
    listing = next(x for x in STRESS if x.image)
    for size in SIZES:
        ops = layout_page(slide(listing, cards=1), *size, themes.DAY, fonts, "驿站", "", 1)
        (card, inner), = cards_of(ops)
        images = [op for op in inner if isinstance(op, Image)]
        assert len(images) == 1
        for image in images:
            assert card.rect.contains(image.rect)
        for t in (op for op in inner if isinstance(op, Text | Qr) and images):
            assert not overlaps(t.rect, images[0].rect), t


def test_the_station_logo_sits_at_the_left_of_the_header(fonts, tmp_path):
    from signage.app import config
    from signage.render import assets, pages

    logo = tmp_path / "logo.png"
    square = pygame.Surface((200, 100))
    square.fill((200, 30, 30))
    pygame.image.save(square, str(logo))
    settings = config.from_dict({"station": {"name": "驿站", "logo": "logo.png"}}, base_dir=tmp_path)
    assert settings.station_logo == logo
    style = pages.PageStyle("驿站", logo=assets.logo(settings.station_logo))
    s = slide(STATION[0], cards=2)
    ops = layout_page(s, 1920, 1080, themes.DAY, fonts, "驿站", logo=style.logo)
    image = next(op for op in ops if isinstance(op, Image) and op.role == "logo")
    station = texts(ops, "station")[0]
    assert image.rect.right < station.x and image.rect.w == 2 * image.rect.h
    drawn = pages.compose(s, (1920, 1080), fonts, style)
    got = drawn.get_at((image.rect.x + image.rect.w // 2, image.rect.y + image.rect.h // 2))
    assert all(abs(a - b) <= 8 for a, b in zip(tuple(got)[:3], (200, 30, 30), strict=True))  # smoothscaled
    assert assets.logo(tmp_path / "missing.png") is None  # logged, not shown, no crash


def test_a_second_number_and_its_note_are_a_row_and_the_first_number_the_bar(fonts):
    listing = replace(STATION[1], more_phones=("13900001111",), phone_note="微信同号")
    ops = layout_page(slide(listing, cards=1), 1920, 1080, themes.DAY, fonts, "驿站")
    assert [t.text for t in texts(ops, "phone")] == [format_phone(listing.phone)]
    assert "".join(t.text for t in texts(ops, "more-phones")).replace(" ", "") == "13900001111（微信同号）"
