import itertools
from pathlib import Path

import pygame
import pytest

from signage.core.model import Listing, Location, Pay, PayUnit, Settlement, Slide
from signage.render import themes
from signage.render.draw import render_slide
from signage.render.geometry import Box, Metrics, Qr, Text
from signage.render.layout import card_rects, layout_page
from signage.sources.folder import read as folder

STATION = Path(__file__).resolve().parent / "fixtures" / "station"  # a frozen copy of the demo
DEMO = [x for r in folder.scan(STATION / "playlists/jobs").values() for x in r.listings]

LONG = Listing(
    id="long",
    title="乐至县天池镇蜀香人家餐馆厨房帮工兼洗碗保洁员（中午晚上两班，包吃住）",
    employer="乐至县天池镇蜀香人家餐饮管理有限公司第一分店",
    pay=Pay(3000, 4500, PayUnit.MONTH),
    settlement=Settlement.MONTHLY,
    place="乐至县天池镇南街二十八号蜀香人家餐馆后厨（从驿站出门右转步行五分钟）",
    hours="10:00-14:00，17:00-21:00",
    headcount=3,
    requirements=("身体健康手脚麻利能吃苦耐劳有健康证者优先考虑年龄十八到五十五岁之间男女不限",),
    description="负责厨房打杂、洗菜切菜、清洗餐具和厨房卫生，表现好的可以转为正式员工并签订劳动合同",
    contact="王老板",
    phone="13812345678",
    origin=Location("long.yaml", 1),
)
SIZES = [(1920, 1080), (1080, 1920), (3840, 2160), (1280, 720)]


def cards_of(ops):
    cards, current = [], None
    for op in ops:
        if isinstance(op, Box) and op.role == "card":
            current = (op, [])
            cards.append(current)
        elif current is not None:
            current[1].append(op)
    return cards


def slide(*listings):
    return Slide("jobs", tuple(listings), page=0, pages=3)


@pytest.mark.parametrize(("size", "n", "theme"), list(itertools.product(SIZES, [1, 2, 3, 4], themes.THEMES)))
def test_everything_stays_inside_its_card_and_nothing_overlaps(fonts, size, n, theme):
    listings = (LONG, *DEMO)[:n]
    ops = layout_page(slide(*listings), *size, themes.get(theme), fonts, "乐至县零工爱心驿站", "028-2333 1234", n)
    cards = cards_of(ops)
    assert len(cards) == min(n, themes.get(theme).max_cards, 3 if size[1] > size[0] else 4)
    for card, inner in cards:
        rects = [op.rect for op in inner if isinstance(op, Text | Qr)]
        for r in rects:
            assert card.rect.contains(r), f"{r} leaves its card {card.rect}"
        texts = [op for op in inner if isinstance(op, Text) and op.role != "badge-text"]
        for a, b in itertools.combinations(texts + [op for op in inner if isinstance(op, Qr)], 2):
            ra, rb = a.rect, b.rect
            overlap = ra.x < rb.right and rb.x < ra.right and ra.y < rb.bottom and rb.y < ra.bottom
            assert not overlap, f"{a} overlaps {b}"


@pytest.mark.parametrize(("size", "theme"), list(itertools.product(SIZES, themes.THEMES)))
def test_text_is_readable_from_the_back_of_the_room(fonts, size, theme):
    th = themes.get(theme)
    m = Metrics.for_size(*size, th)
    short = min(size)
    for listings in ((LONG,), tuple(DEMO[:2]), tuple(DEMO[2:6])):
        ops = layout_page(slide(*listings), *size, th, fonts, "乐至县零工爱心驿站", "028-2333 1234", len(listings))
        texts = [op for op in ops if isinstance(op, Text)]
        assert texts
        for t in texts:
            assert t.size >= short / 30, f"{t.role} {t.text!r} at {t.size}px"
            if t.role in ("title", "pay"):
                assert t.size >= short / 15, f"{t.role} {t.text!r} at {t.size}px"
        biggest_other = max(t.size for t in texts if t.role not in ("title", "pay", "empty"))
        smallest_big = min(t.size for t in texts if t.role in ("title", "pay"))
        assert smallest_big >= m.min_big and smallest_big >= biggest_other * 0.9


def test_phone_number_is_shown_whole_in_groups(fonts):
    ops = layout_page(slide(LONG), 1920, 1080, themes.DAY, fonts, "驿站", "", 2)
    phones = [op for op in ops if isinstance(op, Text) and op.role == "phone"]
    assert [p.text for p in phones] == ["138 1234 5678"]
    qr = [op for op in ops if isinstance(op, Qr)]
    assert qr and qr[0].data == "tel:13812345678"


def test_long_title_and_requirement_wrap_inside_the_card_in_pixels(fonts):
    """Drawn, not just laid out: no ink outside the card, and the card has its text."""
    theme = themes.DAY
    listing = LONG
    surface = render_slide(slide(listing), (1920, 1080), theme, fonts, "驿站", "", 2)
    m = Metrics.for_size(1920, 1080, theme)
    card = card_rects(m, 2)[0]
    # The gutter between the two card columns and the band under the cards are page colour only.
    gutter = pygame.Rect(card.right + 2, card.y, card_rects(m, 2)[1].x - card.right - 4, card.h)
    below = pygame.Rect(card.x, card.bottom + 2, card.w, 8)
    for area in (gutter, below):
        sub = surface.subsurface(area)
        colours = {tuple(sub.get_at((x, y)))[:3] for x in range(0, area.w, 2) for y in range(0, area.h, 2)}
        assert colours == {theme.page_bg}
    ops = layout_page(slide(listing), 1920, 1080, theme, fonts, "驿站", "", 2)
    titles = [op for op in ops if isinstance(op, Text) and op.role == "title"]
    assert 1 <= len(titles) <= 2
    assert titles[-1].text.endswith("…") or "".join(t.text for t in titles) == listing.title
    reqs = [op for op in ops if isinstance(op, Text) and op.role == "requirements"]
    for r in reqs:
        assert r.x + r.width <= card.right - m.sp(34)
    # Ink where the title is: the glyphs were really drawn.
    t = titles[0]
    sub = surface.subsurface(pygame.Rect(t.x, t.top, t.width, t.bottom - t.top))
    assert pygame.transform.average_color(sub)[:3] != theme.card_bg


def test_a_card_that_cannot_be_drawn_is_skipped_and_the_others_stay(fonts):
    broken = Listing(id="broken", title=None, phone="13812345678", origin=Location("bad.yaml", 3))  # type: ignore[arg-type]
    ops = layout_page(slide(broken, DEMO[0]), 1920, 1080, themes.DAY, fonts, "驿站", "", 2)
    titles = [op.text for op in ops if isinstance(op, Text) and op.role == "title"]
    assert titles and DEMO[0].title.startswith(titles[0].rstrip("…"))
    assert len(cards_of(ops)) == 1


def test_settlement_badge_has_its_own_colour(fonts):
    colours = set()
    for s in Settlement:
        listing = Listing(id=s.value, title="服务员", pay=Pay(150, None, PayUnit.DAY), settlement=s,
                          phone="13812345678")
        ops = layout_page(slide(listing), 1920, 1080, themes.DAY, fonts, "驿站", "", 2)
        badges = [op for op in ops if isinstance(op, Box) and op.role == "badge"]
        texts = [op.text for op in ops if isinstance(op, Text) and op.role == "badge-text"]
        assert texts == [s.zh]
        colours.add(badges[0].color)
    assert len(colours) == len({s.kind for s in Settlement})  # 现结, 次日结 are daily


@pytest.mark.parametrize("theme", themes.THEMES)
def test_every_text_colour_has_aaa_contrast(theme):
    for what, fg, bg in themes.get(theme).text_pairs():
        assert themes.contrast_ratio(fg, bg) >= 7.0, f"{theme}:{what}"


def test_a_listing_picture_sits_top_right_clear_of_the_text(fonts, tmp_path):
    from dataclasses import replace

    from signage.render.geometry import Image

    picture = tmp_path / "kitchen.png"
    surf = pygame.Surface((400, 300))
    surf.fill((0, 160, 80))
    pygame.image.save(surf, str(picture))
    listing = replace(LONG, image=str(picture))
    for size in SIZES:
        ops = layout_page(slide(listing), *size, themes.DAY, fonts, "驿站", "", 2)
        (card, inner), = cards_of(ops)[:1]
        images = [op for op in inner if isinstance(op, Image)]
        assert len(images) == 1 and card.rect.contains(images[0].rect)
        r = images[0].rect
        for t in (op for op in inner if isinstance(op, Text | Qr)):
            tr = t.rect
            assert not (tr.x < r.right and r.x < tr.right and tr.y < r.bottom and r.y < tr.bottom), t
    ops = layout_page(slide(listing), 1920, 1080, themes.DAY, fonts, "驿站", "", 2)
    r = next(op.rect for op in ops if isinstance(op, Image))
    drawn = render_slide(slide(listing), (1920, 1080), themes.DAY, fonts, "驿站", "", 2)
    cx, cy = r.x + r.w // 2, r.y + r.h // 2
    got = tuple(drawn.get_at((cx, cy)))[:3]
    assert all(abs(a - b) <= 6 for a, b in zip(got, (0, 160, 80), strict=True))  # smoothscaled
