"""Staff spreadsheets as they really come: merged titles and headers, several sheets,
numbered rows, numbers Excel mangled. No listing is hidden without a reason staff can
read, and no wrong fact reaches the screen (issue 9, item 1)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from signage.app.cli import main
from signage.core import schedule
from signage.core.model import Location, Severity
from signage.core.store import ContentStore
from signage.parse.normalise import canonical_field, listing_from_mapping, suggest_field
from signage.render.badge import badge_state
from signage.sources.feed import parse as feed
from signage.sources.folder import read as folder
from signage.sources.folder import report

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_in(drop, *names: str) -> list[Path]:
    out = []
    for name in names:
        out.append(Path(shutil.copy(FIXTURES / name, drop.folder / name)))
    return out


def load(path: Path):
    return folder.load_file(path, path.parent)


def errors(result):
    return [p for p in result.problems if p.severity is Severity.ERROR]


def warnings(result):
    return [p for p in result.problems if p.severity is Severity.WARNING]


def one(mapping: dict, key: str = "x.yaml"):
    return listing_from_mapping(mapping, Location(key, 1), "x")


# ------------------------------------------------------------------ the workbooks seen


def test_merged_title_excel_dates_numeric_phones_trailing_rows_all_four_show(drop):
    (path,) = copy_in(drop, "title_dates_numbers.xlsx")
    result = load(path)
    assert not errors(result), errors(result)
    by_title = {x.title: x for x in result.listings}
    assert set(by_title) == {"分拣员", "保洁", "厨房帮工", "装卸工"}
    # 160 with 日结 is per day, not per month, and staff are told how it was read
    assert by_title["装卸工"].pay_display == "160元/天"
    assert any("160元/天" in p.zh and p.where.line == 3 and p.where.column == 3 for p in warnings(result))
    assert by_title["保洁"].expires is None  # 长期: no expiry
    # the landline Excel stripped of its 0 is restored, and the fix is explained
    assert by_title["厨房帮工"].phone == "0832-5512345"
    (restored,) = [p for p in warnings(result) if p.where.line == 5 and p.where.column == 5]
    assert "0832-5512345" in restored.zh and "0" in restored.en


def test_two_row_merged_header_reads_the_lower_names(drop):
    (path,) = copy_in(drop, "two_row_header.xlsx")
    result = load(path)
    assert not result.problems, result.problems
    first, second = result.listings
    assert (first.title, first.employer, first.contact, first.phone) == (
        "夜市摊位帮工", "滨江夜市管理处", "王姐", "13712345678")
    assert first.expires == dt.date(2026, 12, 31)
    assert first.pay_display == "120元/晚"
    assert second.pay_display == "0.1元/串" and second.contact == "李师傅"
    assert first.origin.line == 3


def test_every_visible_sheet_shows_with_its_own_ids(drop):
    (path,) = copy_in(drop, "two_shifts.xlsx")
    result = load(path)
    assert [x.title for x in result.listings] == ["包装工", "夜班保安"]
    day, night = result.listings
    assert day.id != night.id
    assert "白班" in day.id and "夜班" in night.id and "two_shifts.xlsx" in day.id
    store = ContentStore()
    snap = store.apply(result)
    assert len(snap.listings) == 2 and not snap.problems


def test_numbered_rows_of_two_files_do_not_replace_each_other(drop):
    copy_in(drop, "numbered_a.csv", "numbered_b.csv")
    results = folder.scan(drop.folder)
    assert all(not r.problems for r in results.values()), [r.problems for r in results.values()]
    snap = ContentStore().apply_many(results.values())
    assert len(snap.listings) == 6 and not snap.problems


def test_the_same_job_twice_is_a_duplicate_in_report_badge_and_validate(drop, config_file, capsys):
    cfg = config_file()
    drop("a.csv", "岗位,单位,工资,电话\n保洁,锦江酒店,3000元/月,13912345678\n")
    drop("b.csv", "岗位,单位,工资,电话\n搬运,物流园,150元/天,13800000000\n保洁,锦江酒店,3000元/月,139 1234 5678\n")
    results = folder.scan(drop.folder)
    snap = ContentStore().apply_many(results.values())
    assert sorted(x.title for x in snap.listings) == ["保洁", "搬运"]
    text = report.report_text(results)
    assert text and "重复" in text and "b.csv 第 3 行" in text and "a.csv 第 2 行" in text
    assert badge_state(snap.problems, snap.stale_sources) is not None
    assert main(["--config", str(cfg), "validate", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    dup = [x for x in out["listings"] if x["why"] == "duplicate"]
    assert [(d["file"], d["row"]) for d in dup] == [("b.csv", 3)]
    assert out["shown"] == 2


# ------------------------------------------------------------------ field names


@pytest.mark.parametrize(("name", "field"), [
    (n, f) for f, names in {
        "employer": "用工单位 企业名称 公司名称 单位名称",
        "pay": "薪水 月薪 日薪 时薪 工价 收入",
        "settlement": "发薪 发放方式 付款方式",
        "phone": "手机号码 电话号码 联系手机 报名电话 咨询电话",
        "place": "上班地点 工作地 工作区域",
        "headcount": "用工人数 招工人数",
        "requirements": "年龄要求 技能要求 学历 性别",
        "expires": "有效期 报名截止 截止时间",
        "contact": "负责人",
    }.items() for n in names.split()])
def test_field_names_staff_use(name, field):
    assert canonical_field(name) == field


def test_suggestions_come_from_slips_and_pinyin_never_across_fields():
    assert suggest_field("电活") == "电话"
    assert suggest_field("公资") == "工资"
    assert suggest_field("名称") in (None, "岗位")
    assert suggest_field("单位名") in (None, "单位")  # never 职位名称
    assert suggest_field("备用") is None


def test_a_pay_column_named_for_its_unit():
    listing, _ = one({"岗位": "保安", "日薪": 150, "电话": "13812345678"})
    assert listing.pay_display == "150元/天"


def test_requirement_columns_are_all_kept():
    listing, problems = one({"岗位": "保安", "电话": "13812345678", "工资": "150元/天",
                             "年龄要求": "18-50岁", "学历": "初中", "性别": "男"})
    assert not problems
    assert listing.requirements == ("年龄要求：18-50岁", "学历：初中", "性别：男")


# ------------------------------------------------------------------ values


def test_tags_split_on_chinese_commas_and_spaces(drop):
    result = load(drop("t.yaml", "岗位: 烧烤帮工\n电话: 13812345678\n工资: 120元/晚\n标签: [日结，夜市]\n"
                              "---\n岗位: 串串\n电话: 13812345678\n工资: 100元/晚\n标签: 夜市 日结\n"))
    assert [x.tags for x in result.listings] == [("日结", "夜市"), ("夜市", "日结")]


def test_missing_pay_is_shown_as_negotiable_and_warned():
    listing, problems = one({"岗位": "保安", "电话": "13812345678"})
    assert listing.pay_display == "工资面议"
    assert any("工资面议" in p.zh and p.severity is Severity.WARNING for p in problems)


@pytest.mark.parametrize("pay", [float("nan"), float("inf"), -150, 99999999999999999999, ".nan", ".inf"])
def test_impossible_pay_is_an_error(pay, drop):
    listing, problems = one({"岗位": "保安", "电话": "13812345678", "工资": pay})
    assert listing is None and problems and problems[0].severity is Severity.ERROR
    result = load(drop("p.yaml", f"岗位: 保安\n电话: 13812345678\n工资: {pay}\n"))
    assert not result.listings and errors(result)


def test_feed_nan_and_bare_amounts_are_not_drawn_silently():
    nan = feed.parse(b'[{"title": "A", "phone": "13812345678", "pay": NaN}]', "feed:http://127.0.0.1/x", "json")
    assert not nan.ok and "NaN" in nan.problems[0].en  # the feed's answer is refused whole
    body = b'[{"title": "A", "phone": "13812345678", "pay": "nan"},' \
           b' {"title": "B", "phone": "13812345678", "pay": 100000}]'
    result = feed.parse(body, "feed:http://127.0.0.1/x", "json")
    assert [x.title for x in result.listings] == ["B"]
    assert any("nan" in p.zh and "not shown" in p.en for p in result.problems)
    assert [p for p in result.problems if p.severity is Severity.WARNING and "100000" in p.zh]
    assert result.listings[0].pay_display == "100000元/月"


@pytest.mark.parametrize(("pay", "settle", "shown"), [
    (160, "日结", "160元/天"), (2, "计件", "2元/件"), (4000, "月结", "4000元/月"), (200, "现结", "200元/天"),
])
def test_bare_pay_takes_its_unit_from_the_settlement(pay, settle, shown):
    listing, problems = one({"岗位": "保安", "电话": "13812345678", "工资": pay, "结算方式": settle})
    assert listing.pay_display == shown
    assert [p for p in problems if p.severity is Severity.WARNING and shown in p.zh]


@pytest.mark.parametrize(("text", "shown"), [
    ("120元/晚", "120元/晚"), ("80元/车", "80元/车"), ("5元/桶", "5元/桶"), ("50元/趟", "50元/趟"),
    ("3元/箱", "3元/箱"),
])
def test_pay_units_staff_use(text, shown):
    listing, problems = one({"岗位": "保安", "电话": "13812345678", "工资": text})
    assert listing.pay_display == shown and not problems


@pytest.mark.parametrize("word", ["现结", "次日结", "月底结", "完工结"])
def test_settlement_words_staff_use(word):
    listing, problems = one({"岗位": "保安", "电话": "13812345678", "工资": "150元/天", "结算方式": word})
    assert listing.settlement is not None and not problems
    assert listing.settlement.zh in (word, "月结")


@pytest.mark.parametrize("word", ["长期", "长期有效"])
def test_long_term_means_no_expiry(word):
    listing, problems = one({"岗位": "保安", "电话": "13812345678", "工资": "150元/天", "截止日期": word})
    assert listing.expires is None and not problems


@pytest.mark.parametrize(("raw", "phone", "more"), [
    ("13812345678 / 0832-5509876", "13812345678", ("0832-5509876",)),
    ("13812345678（微信同号）", "13812345678", ()),
    ("138 1234 5678，139 1234 5678", "13812345678", ("13912345678",)),
])
def test_a_phone_cell_with_two_numbers_or_a_wechat_note(raw, phone, more):
    listing, problems = one({"岗位": "保安", "电话": raw, "工资": "150元/天"})
    assert not problems, problems
    assert listing.phone == phone and listing.more_phones == more
    if "微信" in raw:
        assert "微信同号" in listing.phone_display


def test_phone_display_landline_with_hyphen_mobile_grouped():
    listing, _ = one({"岗位": "保安", "电话": "08325509876", "工资": "150元/天"})
    assert listing.phone_display == "0832-5509876"
    listing, _ = one({"岗位": "保安", "电话": 13812345678, "工资": "150元/天"})
    assert listing.phone_display == "138 1234 5678"


def test_invalid_phone_numbers_are_refused_with_a_reason():
    _, problems = one({"岗位": "保安", "电话": "12345678901", "工资": "150元/天"})
    assert problems and "12345678901" in problems[0].zh


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(("fields", "words"), [
    ({"截止日期": "0001-01-01"}, "太早"),
    ({"截止日期": "2026-02-30"}, "没有这一天"),
    ({"开始日期": "2026-12-01", "截止日期": "2026-11-01"}, "开始日期"),
])
def test_dates_that_would_hide_a_listing_forever_are_errors(fields, words):
    listing, problems = one({"岗位": "保安", "电话": "13812345678", "工资": "150元/天", **fields})
    assert listing is None
    assert any(words in p.zh for p in problems if p.severity is Severity.ERROR), problems


def test_a_number_read_as_an_excel_day_is_warned(drop):
    result = load(drop("d.csv", "岗位,电话,工资,截止日期\n保安,13812345678,150元/天,46000\n"))
    (listing,) = result.listings
    assert listing.expires == dt.date(2025, 12, 9)
    assert any("2025-12-09" in p.zh for p in warnings(result))


# ------------------------------------------------------------------ validate


def test_validate_lists_every_listing_and_why_it_does_not_show(drop, config_file, capsys):
    cfg = config_file()
    copy_in(drop, "title_dates_numbers.xlsx", "two_shifts.xlsx")
    drop("old.yaml", "岗位: 去年的\n电话: 13812345678\n工资: 150元/天\n截止日期: 2026-01-31\n")
    drop("later.yaml", "岗位: 明年的\n电话: 13812345678\n工资: 150元/天\n开始日期: 2027-03-01\n")
    drop("bad.csv", "岗位,电话\n坏号码,12\n")
    at = "2026-11-20 10:00"
    assert main(["--config", str(cfg), "validate", "--json", "--at", at]) == 1
    out = json.loads(capsys.readouterr().out)
    rows = {x["title"]: x for x in out["listings"]}
    assert rows["去年的"]["shows"] is False and rows["去年的"]["why"] == "expired"
    assert rows["明年的"]["why"] == "not yet valid"
    assert rows["坏号码"]["why"] == "error" and rows["坏号码"]["row"] == 2
    assert rows["装卸工"]["shows"] and rows["装卸工"]["pay"] == "160元/天" and rows["装卸工"]["sheet"] == "招聘"
    assert rows["夜班保安"]["sheet"] == "夜班" and rows["夜班保安"]["row"] == 2
    # the count equals what the player's store and schedule put on screen at that instant
    from signage.app import config
    from signage.app.content import initial_results

    settings = config.load(str(cfg))
    snap = ContentStore().apply_many(initial_results(settings))
    when = dt.datetime(2026, 11, 20, 10, 0)
    programme = schedule.Programme(4, 12.0, "day", False)
    on_screen = {x.id for s in schedule.slides_for(snap, when.date(), programme) for x in s.listings}
    assert out["shown"] == len(on_screen) == sum(x["shows"] for x in out["listings"]) == 6
    assert main(["--config", str(cfg), "validate", "--at", at]) == 1
    text = capsys.readouterr().out
    assert "去年的" in text and "已过截止日期" in text and "装卸工" in text and "160元/天" in text


def test_an_unknown_column_gets_a_suggestion_of_its_own_field(drop):
    result = load(drop("s.csv", "岗位,电活,薪金\n保安,13812345678,150元/天\n"))
    by_col = {p.where.column: p for p in warnings(result)}
    assert "是不是想写“电话”" in by_col[2].zh and "did you mean '电话'" in by_col[2].en
    assert "是不是" not in by_col[3].zh  # no guess across fields


def test_validate_names_a_yaml_entry_refused_for_an_error(drop, config_file, capsys):
    cfg = config_file()
    drop("y.yaml", "- 岗位: 好的\n  电话: 13812345678\n  工资: 150元/天\n- 岗位: 坏的\n  电话: 12\n")
    assert main(["--config", str(cfg), "validate", "--json"]) == 1
    rows = {x["title"]: x for x in json.loads(capsys.readouterr().out)["listings"]}
    assert rows["坏的"]["why"] == "error" and rows["坏的"]["line"] == 4 and rows["好的"]["shows"]


def test_an_old_xls_workbook_is_read(drop):
    (path,) = copy_in(drop, "old_format.xls")
    result = load(path)
    assert not errors(result), result.problems
    (listing,) = result.listings
    assert (listing.title, listing.employer, listing.phone, listing.pay_display) == (
        "搬运工", "川中物流", "13512345678", "180元/天")
    assert listing.origin == Location("old_format.xls [招聘]", 3)


def test_same_file_names_in_two_folders_are_two_listings(drop):
    drop("城北/招聘.yaml", "岗位: 保洁\n电话: 13812345678\n工资: 3000元/月\n")
    drop("城南/招聘.yaml", "岗位: 保安\n电话: 13912345678\n工资: 3500元/月\n")
    snap = ContentStore().apply_many(folder.scan(drop.folder).values())
    assert sorted(x.title for x in snap.listings) == ["保安", "保洁"] and not snap.problems


def test_an_employer_merged_down_its_rows_counts_for_each(drop):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["岗位", "单位", "工资", "电话"])
    ws.append(["切配", "老码头火锅", "150元/天", 13812345671])
    ws.append(["传菜", None, "130元/天", 13812345672])
    ws.append(["洗碗", None, "120元/天", 13812345673])
    ws.merge_cells("B2:B4")
    wb.save(drop.folder / "merged.xlsx")
    result = load(drop.folder / "merged.xlsx")
    assert [x.employer for x in result.listings] == ["老码头火锅"] * 3


def test_a_two_row_header_in_csv_reads_the_lower_names(drop):
    result = load(drop("h.csv", "岗位,工资,联系方式,\n,,联系人,手机号码\n保安,150元/天,王姐,13712345678\n"))
    assert not result.problems, result.problems
    (x,) = result.listings
    assert (x.contact, x.phone) == ("王姐", "13712345678")


def test_a_filled_sheet_without_a_header_is_named_and_blank_sheets_are_not(drop):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["岗位", "电话", "工资"])
    wb.active.append(["保安", 13812345678, "150元/天"])
    typo = wb.create_sheet("夜班")
    typo.append(["职务名", "电活"])
    typo.append(["夜班保安", 13812345679])
    wb.create_sheet("Sheet3")
    wb.save(drop.folder / "w.xlsx")
    result = load(drop.folder / "w.xlsx")
    assert [x.title for x in result.listings] == ["保安"]
    (p,) = result.problems
    assert p.where.source == "w.xlsx [夜班]" and "没有读取" in p.zh and p.severity is Severity.WARNING


def test_nested_values_never_reach_the_screen_as_python_text():
    """Found by hypothesis: ``{'岗位': [None], '日薪': {'岗位': inf}}`` was drawn as "{'岗位': inf}"."""
    listing, problems = one({"岗位": [None], "日薪": {"岗位": float("inf")}, "电话": "13812345678"})
    assert listing is None and any("工资的写法看不懂" in p.zh for p in problems)
    listing, problems = one({"岗位": "保安", "工资": "150元/天", "电话": "13812345678", "地点": {"a": 1}})
    assert listing.place == "" and any("地点" in p.zh for p in problems)
