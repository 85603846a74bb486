import datetime as dt

import pytest

from signage.core.model import Location, PayUnit, Settlement
from signage.parse.normalise import (
    canonical_field,
    format_phone,
    listing_from_mapping,
    normalise_phone,
    parse_date,
    parse_pay,
    parse_settlement,
)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit", "shown"),
    [
        ("150元/天", 150, None, PayUnit.DAY, "150元/天"),
        ("3000-4500元/月", 3000, 4500, PayUnit.MONTH, "3000-4500元/月"),
        ("2元/件", 2, None, PayUnit.PIECE, "2元/件"),
        ("日薪150", 150, None, PayUnit.DAY, "150元/天"),
        ("3千-4.5千/月", 3000, 4500, PayUnit.MONTH, "3000-4500元/月"),
        ("２０元／小时", 20, None, PayUnit.HOUR, "20元/小时"),  # full-width, as typed on a phone
        ("3000~4500元/月", 3000, 4500, PayUnit.MONTH, "3000-4500元/月"),
        ("0.8元/个", 0.8, None, PayUnit.PIECE, "0.8元/件"),
    ],
)
def test_pay_strings_become_amount_range_and_unit(text, low, high, unit, shown):
    pay = parse_pay(text)
    assert (pay.low, pay.high, pay.unit) == (low, high, unit)
    assert pay.text() == shown


def test_pay_that_is_not_an_amount_is_none():
    assert parse_pay("面议") is None
    assert parse_pay("150元/光年") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("日结", Settlement.DAILY), ("工资日结", Settlement.DAILY), ("周结", Settlement.WEEKLY),
     ("月结算", Settlement.MONTHLY), ("计件", Settlement.PIECE), ("完工结", Settlement.COMPLETION),
     ("Monthly", Settlement.MONTHLY), ("随便", None)],
)
def test_settlement_words(text, expected):
    assert parse_settlement(text) is expected


@pytest.mark.parametrize(
    ("raw", "digits", "shown"),
    [
        ("138-1234-5678", "13812345678", "138 1234 5678"),
        ("+86 138 1234 5678", "13812345678", "138 1234 5678"),
        (13812345678.0, "13812345678", "138 1234 5678"),  # Excel keeps phone numbers as numbers
        ("(028)23331234", "028-23331234", "028-23331234"),
        ("0832-5521234", "0832-5521234", "0832-5521234"),
        ("400-123-4567", "4001234567", "400 123 4567"),
    ],
)
def test_phone_numbers_normalised_and_grouped(raw, digits, shown):
    assert normalise_phone(raw) == digits
    assert format_phone(digits) == shown


def test_not_a_phone_number():
    assert normalise_phone("12") is None
    assert normalise_phone("打电话给我") is None


@pytest.mark.parametrize("text", ["2026-12-31", "2026/12/31", "2026.12.31", "2026年12月31日", "20261231"])
def test_dates_in_usual_written_forms(text):
    assert parse_date(text) == dt.date(2026, 12, 31)


def test_month_day_takes_this_year():
    assert parse_date("3月8日", today=dt.date(2027, 1, 1)) == dt.date(2027, 3, 8)


def test_field_names_in_chinese_and_english():
    for name in ("岗位", "职位", "title", "Title", "岗位："):
        assert canonical_field(name) == "title"
    assert canonical_field("薪资") == "pay"
    assert canonical_field("截止日期") == "expires"


def test_listing_problems_are_located_at_the_field():
    data = {"岗位": "厨房帮工", "电话": "12", "工资": "150元/天", "结算方式": "看心情结", "公司名": "x"}
    lines = {"岗位": 1, "电话": 2, "工资": 3, "结算方式": 4, "公司名": 5}
    listing, problems = listing_from_mapping(data, Location("a.yaml", 1), "a", lines.get)
    assert listing is None  # a wrong phone number is an error: the card would be useless
    by_line = {p.where.line: p for p in problems}
    assert "电话" in by_line[2].zh and "phone" in by_line[2].en
    assert "结算方式" in by_line[4].zh
    assert "公司名" in by_line[5].zh and "did you mean" in by_line[5].en


def test_missing_title_is_an_error_that_says_how_to_fix():
    listing, problems = listing_from_mapping({"电话": "13812345678"}, Location("a.yaml", 1), "a")
    assert listing is None
    assert any("岗位" in p.zh and "title" in p.en for p in problems)


@pytest.mark.parametrize("value", [[{}], [None, {"min": 150}], [[{}]], ({},)])
@pytest.mark.parametrize("field", ["地点", "单位", "要求"])
def test_a_list_holding_a_mapping_never_reaches_the_screen_as_python_text(field, value):
    # as a pay it is an error (tests/test_drop_fuzz.py); in a text field it was drawn as "{}"
    listing, problems = listing_from_mapping({"岗位": "保洁", field: value, "电话": "13812345678"},
                                             Location("a.yaml", 1), "a")
    assert listing is not None
    shown = (listing.place, listing.employer, *listing.requirements)
    assert not any("{" in s or "[" in s for s in shown), shown
    assert any(field in p.zh and "看不懂" in p.zh for p in problems), problems


def test_requirements_split_at_commas_but_not_inside_brackets():
    """Issue 10: a comma inside brackets is part of the requirement, not a new one."""
    from signage.parse.normalise import listing_from_mapping

    listing, _ = listing_from_mapping(
        {"岗位": "保洁", "要求": "有健康证（男女不限，18-50岁），能吃苦、肯干", "电话": "13812345678"},
        Location("t.yaml", 1), "t")
    assert listing.requirements == ("有健康证（男女不限，18-50岁）", "能吃苦", "肯干")
