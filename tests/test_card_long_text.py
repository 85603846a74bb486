"""Long phrases as staff really type them: a pay written out in words, a long 地点, a long 单位.

Found with 工资: 熟练工每小时二十五元到三十五元另加全勤奖与夜班补贴. The card drew everything far below
the floors so that the pay would fit on one line, and the pager then gave it a second page
("（续）") with nothing on it. The rule now: the pay wraps between phrases (BudouX and the 禁则,
like the rows), on at most three lines on a card that shares its page, on as many as the card has
room for on a page of its own; a page takes fewer cards rather than go below the floors; a
continuation page only when something did not fit on the first, and it shows that.

Checked through the real pager at three screens and two themes, as the layout's numbers and as
the ink of the drawn page.
"""

import datetime as dt
import math
import textwrap

import pygame
import pytest

from signage.core import schedule
from signage.core.model import Snapshot, format_phone
from signage.render import themes
from signage.render.card import DIGITS, ROWS, SECOND_OF_TWO, WHOLE
from signage.render.draw import render_slide
from signage.render.geometry import Box, Text
from signage.render.layout import Pager, layout_page
from signage.render.text import NO_LINE_START, tokens
from signage.sources.folder import read as folder

PAY_LINES = 3  # the most lines a pay takes on a card that shares its page
TODAY = dt.date(2026, 11, 29)
SIZES = [(1920, 1080), (960, 540), (1080, 1920)]
ROW_ROLES = {role for _, role in ROWS}
LONG_PAY = "熟练工每小时二十五元到三十五元另加全勤奖与夜班补贴"
LONG_PLACE = "回澜镇幸福村三组村委会旁边的老粮站院子里，从镇上坐去幸福村的中巴车到终点站下车往回走两百米，看到蓝色铁皮棚就是"
LONG_EMPLOYER = "回澜镇幸福村村级微工厂（乐至县巧手妈妈合作社与县就业局共建扶贫车间）"

OTHER = """\
岗位: 商场保洁员
单位: 乐至县天池商业广场
工资: 2200元/月
结算方式: 月结
地点: 乐至县天池商业广场
工作时间: 7:00-15:00 或 14:00-22:00
人数: 4
要求: 65 岁以下，身体健康
联系人: 吴主管
电话: 0832-5509876
"""


def harness(pay="25-35元/小时", place="回澜镇幸福村村委会旁", employer="回澜镇村级微工厂"):
    return f"""\
    岗位: 汽车线束加工
    单位: {employer}
    工资: {pay}
    结算方式: 计件
    电话: 13981662231
    地点: {place}
    """


CASES = {"pay": harness(pay=LONG_PAY), "place": harness(place=LONG_PLACE), "employer": harness(employer=LONG_EMPLOYER)}


def read(tmp_path, *texts):
    for i, text in enumerate(texts):
        (tmp_path / f"{i}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    listings = [x for _, r in sorted(folder.scan(tmp_path).items()) for x in r.listings]
    assert len(listings) == len(texts)
    return listings


def job_pages(listings, size, theme, cards, fonts):
    programme = schedule.Programme(cards, 12, theme, size[1] > size[0], Pager(*size, fonts))
    return schedule.slides_for(Snapshot(listings=tuple(listings)), TODAY, programme)


def texts(ops, *roles):
    return [op for op in ops if isinstance(op, Text) and (not roles or op.role in roles)]


def cards_of(ops):
    cards = []
    for op in ops:
        if isinstance(op, Box) and op.role == "card":
            cards.append((op, []))
        elif cards:
            cards[-1][1].append(op)
    return cards


def ink_rows(surface, rect, bg):
    """The height in pixels of what is drawn inside ``rect`` (anything far from ``bg``)."""
    area = pygame.Rect(rect.x, rect.y, rect.w, rect.h).clip(surface.get_rect())
    sub = surface.subsurface(area)
    rows = [y for y in range(area.h)
            if any(sum(abs(a - b) for a, b in zip(tuple(sub.get_at((x, y)))[:3], bg, strict=True)) > 150
                   for x in range(0, area.w, 2))]
    return rows[-1] - rows[0] + 1 if rows else 0


@pytest.mark.parametrize("theme", ["day", "large"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(CASES))
def test_long_text_keeps_the_floors_in_pixels_and_pay_and_phone_whole(fonts, tmp_path, case, size, theme):
    th = themes.get(theme)
    short = min(size)
    listings = read(tmp_path, OTHER, CASES[case])
    long = next(x for x in listings if x.title == "汽车线束加工")
    pages = job_pages(listings, size, theme, 0, fonts)
    for s in pages:
        ops = layout_page(s, *size, th, fonts, "测试驿站", "028-2333 1234")
        surface = render_slide(s, size, th, fonts, "测试驿站", "028-2333 1234")
        where = f"{case} {size} {theme} page {s.page + 1}/{s.pages} part {s.part}"
        # the floors, from the layout's numbers
        for t in texts(ops, "title", "pay"):
            assert t.size >= math.ceil(short / 12) - 1, (where, t)
        for t in texts(ops, "phone"):
            assert fonts.ink_height(DIGITS, t.size, True) >= short / 14, (where, t)
        for t in texts(ops, *ROW_ROLES):
            assert t.size >= short / 22 - 1, (where, t)
        # and in ink: each line of pay, the title and the phone as tall as at the floors, or taller
        for t in texts(ops, "title", "pay"):
            want = fonts.ink_height(t.text, math.ceil(short / 12) - 1, True)
            assert ink_rows(surface, t.rect, th.card_bg) >= want - 2, (where, t.text)
        for t in texts(ops, "phone"):
            assert ink_rows(surface, t.rect, th.card_bg) >= short / 14 - 2, (where, t.text)
        for listing, (_, inner) in zip(s.listings, cards_of(ops), strict=True):
            pay = [t.text for t in texts(inner, "pay")]
            if s.part != SECOND_OF_TWO:  # the pay whole, broken between phrases
                assert "".join(pay).replace(" ", "") == listing.pay_display.replace(" ", ""), (where, pay)
                starts, pos = set(), 0
                for tok in tokens(listing.pay_display):
                    starts.add(pos)
                    pos += len(tok)
                ends, pos = set(), 0
                for line in pay[:-1]:
                    pos += len(line)
                    ends.add(pos)
                assert ends <= starts, (where, pay)
                assert not any(line[0] in NO_LINE_START for line in pay), (where, pay)
                if len(s.listings) > 1:
                    assert len(pay) <= PAY_LINES, (where, pay)
            assert [t.text for t in texts(inner, "phone")] == [format_phone(listing.phone)], where
        if s.part == SECOND_OF_TWO:  # a continuation page carries what did not fit on the first
            assert texts(ops, *ROW_ROLES), where
    # every row of the long listing shown over its pages, or ended with the desk note
    shown, noted = "", False
    for s in pages:
        if long in s.listings:
            ops = layout_page(s, *size, th, fonts, "测试驿站")
            inner = cards_of(ops)[s.listings.index(long)][1]
            shown += "".join(t.text for t in texts(inner, *ROW_ROLES))
            noted = noted or bool(texts(inner, "more"))
    assert shown.replace(" ", "") == long.place.replace(" ", "") or noted, (case, size, theme, shown)


@pytest.mark.parametrize("size", SIZES)
def test_the_long_pay_shares_a_page_or_has_one_of_its_own_never_an_empty_second(fonts, tmp_path, size):
    """At the day sizes the worded pay wraps onto two or three lines at the page's normal scale;
    the listing, whose one row fits, has no continuation page."""
    listings = read(tmp_path, OTHER, CASES["pay"])
    for cards in (0, 1, 2):
        pages = job_pages(listings, size, "day", cards, fonts)
        assert all(s.part == WHOLE for s in pages), (size, cards, [(s.page, s.part) for s in pages])
        for s in pages:
            for listing, (_, inner) in zip(s.listings, cards_of(layout_page(s, *size, themes.DAY, fonts, "驿站")),
                                           strict=True):
                if listing.pay_display == LONG_PAY:
                    assert 2 <= len(texts(inner, "pay")) <= PAY_LINES, (size, cards)
                    assert texts(inner, "place"), (size, cards)

