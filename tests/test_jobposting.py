"""schema.org JobPosting in every shape real sites publish it -> correct listings and a correct card."""

from __future__ import annotations

import datetime as dt
import json

import pygame
import pytest

from signage.core.model import Pay, PayUnit, Slide
from signage.render import layout, pages, themes
from signage.render import qr as qr_mod
from signage.render.geometry import Qr, Text
from signage.sources.feed import jobposting
from signage.sources.feed import parse as feed

KEY = "feed:https://jobs.example.cn/feed"

FULL = {
    "@context": "https://schema.org",
    "@type": "JobPosting",
    "title": "物业保洁员",
    "identifier": {"@type": "PropertyValue", "name": "乐至县就业服务中心", "value": "LZ-2026-001"},
    "hiringOrganization": {"@type": "Organization", "name": "乐至县天池物业有限公司",
                           "sameAs": "https://example.cn"},
    "baseSalary": {"@type": "MonetaryAmount", "currency": "CNY",
                   "value": {"@type": "QuantitativeValue", "minValue": 2800, "maxValue": 3500,
                             "unitText": "MONTH"}},
    "jobLocation": {"@type": "Place", "address": {
        "@type": "PostalAddress", "addressRegion": "四川省", "addressLocality": "乐至县",
        "streetAddress": "天池街道帅乡大道88号", "addressCountry": "CN"}},
    "employmentType": "FULL_TIME",
    "datePosted": "2026-11-01T08:00:00+08:00",
    "validThrough": "2026-12-31T23:59:59+08:00",
    "applicationContact": {"@type": "ContactPoint", "telephone": "+86 138-1234-5678", "name": "王女士"},
    "url": "https://jobs.example.cn/posting/LZ-2026-001",
    "description": "<p>负责小区公共区域<b>日常保洁</b>。</p><ul><li>包午餐</li></ul>",
    "workHours": "早7点-晚5点",
    "totalJobOpenings": 3,
}


def posting(**over) -> dict:
    doc = {k: v for k, v in FULL.items() if k != "@context"}
    doc.update(over)
    return {k: v for k, v in doc.items() if v is not None}


def parse(doc, **kw):
    data = doc if isinstance(doc, bytes) else json.dumps(doc, ensure_ascii=False).encode()
    return feed.parse(data, KEY, **kw)


def one(doc):
    result = parse({"@context": "https://schema.org", **doc} if isinstance(doc, dict) else doc)
    assert result.ok, result.problems
    assert len(result.listings) == 1, result
    return result.listings[0]


def test_full_single_object():
    x = one(FULL)
    assert x.id == "LZ-2026-001"
    assert x.title == "物业保洁员"
    assert x.employer == "乐至县天池物业有限公司"
    assert x.pay == Pay(2800, 3500, PayUnit.MONTH)
    assert x.pay_display == "2800-3500元/月"
    assert x.place == "乐至县天池街道帅乡大道88号"
    assert x.tags == ("全职",)
    assert x.starts == dt.date(2026, 11, 1) and x.expires == dt.date(2026, 12, 31)
    assert x.phone == "13812345678" and x.contact == "王女士"
    assert x.link == "https://jobs.example.cn/posting/LZ-2026-001"
    assert x.description == "负责小区公共区域日常保洁。包午餐"
    assert x.hours == "早7点-晚5点" and x.headcount == 3
    assert x.origin.source == KEY
    assert x.is_current(dt.date(2026, 12, 31)) and not x.is_current(dt.date(2027, 1, 1))


def test_array_graph_and_itemlist():
    a = posting(title="装卸工", identifier="A")
    b = posting(title="采摘工", identifier="B")
    c = posting(title="快递分拣", identifier="C")
    shapes = [
        [a, b, c],
        {"@context": "https://schema.org", "@graph": [
            {"@type": "WebPage", "name": "招聘"}, {"@type": "Organization", "name": "x"}, a, b, c]},
        {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "item": a},
            {"@type": "ListItem", "position": 2, "item": b},
            c]},
        [{"@context": "https://schema.org", **a}, {"@context": "https://schema.org", **b},
         {"@context": "https://schema.org", **c}],
    ]
    for doc in shapes:
        result = parse(doc)
        assert result.ok, (doc, result.problems)
        assert [x.title for x in result.listings] == ["装卸工", "采摘工", "快递分拣"]
        assert [x.id for x in result.listings] == ["A", "B", "C"]


@pytest.mark.parametrize("salary, pay, pay_text", [
    (4500, Pay(4500, None, PayUnit.MONTH), ""),
    ("150元/天", Pay(150, None, PayUnit.DAY), ""),
    ("面议", None, "面议"),
    ({"@type": "MonetaryAmount", "currency": "CNY", "value": 180, "unitText": "DAY"},
     Pay(180, None, PayUnit.DAY), ""),
    ({"@type": "MonetaryAmount", "currency": "CNY",
      "value": {"@type": "QuantitativeValue", "value": 22, "unitText": "HOUR"}},
     Pay(22, None, PayUnit.HOUR), ""),
    ({"@type": "MonetaryAmount", "currency": "CNY",
      "value": {"@type": "QuantitativeValue", "minValue": 1000, "maxValue": 1200, "unitText": "WEEK"}},
     Pay(1000, 1200, PayUnit.WEEK), ""),
    ({"@type": "MonetaryAmount", "currency": "CNY",
      "value": {"@type": "QuantitativeValue", "minValue": "60000", "unitText": "YEAR"}},
     Pay(60000, None, PayUnit.YEAR), ""),
    ({"@type": "MonetaryAmount", "currency": "CNY",
      "value": {"@type": "QuantitativeValue", "minValue": 3000, "maxValue": 4500, "unitText": "MONTH"}},
     Pay(3000, 4500, PayUnit.MONTH), ""),
    ({"@type": "MonetaryAmount", "currency": "USD",
      "value": {"@type": "QuantitativeValue", "value": 15, "unitText": "HOUR"}},
     Pay(15, None, PayUnit.HOUR, "USD"), ""),
    ({"@type": "MonetaryAmount", "currency": "CNY", "value": "200-260", "unitText": "DAY"},
     Pay(200, 260, PayUnit.DAY), ""),
    ({"@type": "MonetaryAmount", "currency": "CNY",
      "value": {"@type": "QuantitativeValue", "value": 2, "unitText": "件"}},
     Pay(2, None, PayUnit.PIECE), ""),
])
def test_base_salary_shapes(salary, pay, pay_text):
    x = one(posting(baseSalary=salary))
    assert x.pay == pay
    assert x.pay_text == pay_text


def test_organisation_as_text_and_locations():
    x = one(posting(hiringOrganization="乐至县蜀绣合作社"))
    assert x.employer == "乐至县蜀绣合作社"
    x = one(posting(jobLocation=[
        {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "乐至县",
                                       "streetAddress": "乐至县童家镇工业园"}},
        {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "安岳县",
                                       "streetAddress": "岳阳镇"}},
        {"@type": "Place", "address": "资阳市雁江区"},
    ]))
    assert x.place == "乐至县童家镇工业园、安岳县岳阳镇、资阳市雁江区"
    x = one(posting(jobLocation={"@type": "Place", "name": "驿站门口集合"}))
    assert x.place == "驿站门口集合"
    x = one(posting(jobLocation=None, jobLocationType="TELECOMMUTE"))
    assert x.place == "居家/远程"


@pytest.mark.parametrize("value, tags", [
    ("PART_TIME", ("兼职",)),
    (["FULL_TIME", "TEMPORARY"], ("全职", "临时工")),
    ("FULL_TIME, PART_TIME", ("全职", "兼职")),
    ("季节工", ("季节工",)),
])
def test_employment_type_becomes_tags(value, tags):
    assert one(posting(employmentType=value)).tags == tags


def test_ids_identifier_url_or_stable_hash():
    assert one(posting(identifier="X-9")).id == "X-9"
    assert one(posting(identifier=None, url="https://a.cn/j/7")).id == "https://a.cn/j/7"
    nameless = posting(identifier=None, url=None)
    first, again = one(nameless).id, one(dict(nameless)).id
    assert first == again and first.startswith("feed-")
    assert one(posting(identifier=None, url=None, title="别的岗位")).id != first


def test_contact_and_unreadable_fields_are_dropped_not_fatal():
    x = one(posting(applicationContact=[{"@type": "ContactPoint", "email": "a@b.cn"},
                                        {"@type": "ContactPoint", "telephone": "(028)2333-1234"}]))
    assert x.phone == "028-23331234"
    x = one(posting(applicationContact={"telephone": "call us"}, validThrough="soon"))
    assert x.phone == "" and x.expires is None


def test_posting_without_title_is_skipped_with_a_warning():
    result = parse([posting(identifier="ok"), posting(title=None, identifier="bad")])
    assert result.ok and [x.id for x in result.listings] == ["ok"]
    assert "第2条" in result.problems[0].zh


HTML = """<!doctype html>
<html><head><title>招聘</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "BreadcrumbList",
 "itemListElement": [{"@type": "ListItem", "position": 1, "name": "首页"}]}</script>
<script type="application/ld+json">{ this block is broken </script>
<script>var x = "<script type='application/ld+json'>";</script>
<script type="application/ld+json">
%s
</script>
</head><body><h1>招聘</h1></body></html>
"""


def test_html_page_with_json_ld_blocks():
    page = HTML % json.dumps({"@context": "https://schema.org", "@graph": [
        posting(identifier="H1"), posting(identifier="H2", title="厨房帮工 &amp; 洗碗")]},
        ensure_ascii=False)
    result = feed.parse(page.encode(), KEY, content_type="text/html; charset=utf-8")
    assert result.ok, result.problems
    assert [x.id for x in result.listings] == ["H1", "H2"]
    assert result.listings[1].title == "厨房帮工 & 洗碗"
    assert jobposting.ld_json_blocks(page)[0].lstrip().startswith('{"@context"')


def test_html_without_postings_is_unreadable():
    result = feed.parse(b"<html><body>Bad gateway</body></html>", KEY, content_type="text/html")
    assert not result.ok


def test_jobposting_card_renders_title_pay_phone_and_qr(fonts, tmp_path):
    x = one(FULL)
    theme = themes.get("day")
    slide = Slide("jobs", (x,), pages=1)
    ops = layout.layout_page(slide, 1920, 1080, theme, fonts, "测试驿站", cards=2)
    texts = {op.role: op.text for op in ops if isinstance(op, Text)}
    assert texts["title"] == "物业保洁员"
    assert texts["pay"] == "2800-3500元/月"  # the card's grid has no employer line (issue 10)
    assert texts["phone"] == "138 1234 5678"
    assert texts["phone-label"] == "电话"  # the contact's name only where the phone bar has room
    (qr,) = [op for op in ops if isinstance(op, Qr)]
    assert qr.data == "https://jobs.example.cn/posting/LZ-2026-001"

    surface = pages.compose(slide, (1920, 1080), fonts, pages.PageStyle("测试驿站", cards=2))
    pygame.image.save(surface, str(tmp_path / "card.png"))
    # the QR code of the posting's url is there, module for module
    expected = qr_mod.surface(qr.data, qr.px)
    modules = qr.side // qr.px
    for my in range(modules):
        for mx in range(modules):
            cx, cy = mx * qr.px + qr.px // 2, my * qr.px + qr.px // 2
            assert surface.get_at((qr.x + cx, qr.y + cy))[:3] == expected.get_at((cx, cy))[:3]
    # and the title's text is drawn: its box holds title-coloured pixels
    title = next(op for op in ops if isinstance(op, Text) and op.role == "title")
    colours = {tuple(surface.get_at((px, py)))[:3]
               for px in range(title.x, title.x + title.width, 3)
               for py in range(title.top, title.bottom, 3)}
    assert tuple(theme.title) in colours
