"""Fuzzing the loader: arbitrary bytes and arbitrary YAML give a SourceResult, never an exception."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signage.core.model import Problem, SourceResult
from signage.sources.folder import read as folder
from signage.sources.folder import table

FIELDS = ["岗位", "title", "单位", "工资", "pay", "结算方式", "电话", "phone", "人数", "截止日期",
          "开始日期", "要求", "标签", "图片", "网址", "编号", "地点", "序号", "日薪", "学历", "联系方式",
          "手机号码", "联系人", "有效期"]
ODD = ["nan", ".inf", "-150", "99999999999999999999", "160", "长期", "0001-01-01", "46000", "2026-02-30",
       "8325512345", "13812345678 / 0832-5509876", "微信同号", "[日结，夜市]", "120元/晚", "现结", "🙂"]
INTERNAL = ("程序出错", "internal error")

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                    st.sampled_from(ODD), st.integers(),
                    st.text(max_size=30), st.dates(), st.sampled_from(["150元/天", "3000-4500元/月", "日结",
                                                                       "138 1234 5678", "2026-12-31"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)),
                                                 inner, max_size=4)), max_leaves=12)
listing_like = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)), values, max_size=8)
documents = st.one_of(listing_like, st.lists(listing_like, max_size=4), values)

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_DIR = Path(tempfile.mkdtemp(prefix="signage-fuzz-"))


def _check(result: SourceResult) -> None:
    assert isinstance(result, SourceResult)
    for p in result.problems:
        assert isinstance(p, Problem) and p.zh and p.en
        # the loader's catch-all turns a bug into a Problem so the player survives it; a bug is
        # still a bug, and fuzzing must see it (signage/sources/folder/read.py: load_file)
        assert not any(word in p.zh or word in p.en for word in INTERNAL), p
    for x in result.listings:  # nothing impossible reaches the screen
        if x.pay is not None:
            assert all(math.isfinite(v) and 0 <= v <= 1_000_000 for v in (x.pay.low, x.pay.high or 0)), x
        # no number that is not one, and no Python value drawn as its repr ({...}, [{...}, ['...'])
        # - staff text in brackets, such as "[日结，夜市]", is text shown as written
        assert not re.match(r"nan|inf|\{|\[['\"{\[\]]", x.pay_display.lower()), x
        x.phone_display  # noqa: B018 - formatting never raises


@SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".yaml", ".csv", ".xlsx", ".xls", ".png", ".jpg"]))
def test_arbitrary_bytes_never_raise(data, suffix):
    path = _DIR / f"fuzz{suffix}"
    path.write_bytes(data)
    _check(folder.load_file(path, _DIR))


@SETTINGS
@given(doc=documents)
def test_arbitrary_yaml_never_raises(doc):
    try:
        text = yaml.safe_dump(doc, allow_unicode=True)
    except yaml.YAMLError:
        return
    _check(folder.load_yaml_text(text, "fuzz.yaml", base_dir=str(_DIR)))


@SETTINGS
@given(text=st.text(max_size=400))
def test_arbitrary_text_never_raises(text):
    _check(folder.load_yaml_text(text, "fuzz.yaml"))
    _check(table.load_csv_text(text, "fuzz.csv"))


@SETTINGS
@given(rows=st.lists(st.lists(st.one_of(scalars, st.datetimes(min_value=dt.datetime(1900, 3, 1)),
                                        st.sampled_from(FIELDS)), max_size=6), max_size=8))
def test_arbitrary_table_rows_never_raise(rows):
    _check(table.rows_to_result("fuzz.xlsx", enumerate(rows, start=1)))


cells = st.one_of(scalars, st.sampled_from(FIELDS), st.datetimes(min_value=dt.datetime(1900, 3, 1)))


@SETTINGS
@given(rows=st.lists(st.lists(cells, max_size=6), max_size=6),
       merges=st.lists(st.tuples(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2), st.integers(0, 2)),
                       max_size=3),
       hidden=st.booleans())
def test_arbitrary_workbooks_never_raise(rows, merges, hidden):
    """Real .xlsx files from openpyxl: any cells, merged ranges, a hidden second sheet."""
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = openpyxl.Workbook()
    ws = wb.active
    try:
        for row in rows:
            ws.append([None if isinstance(v, float) and not math.isfinite(v) else
                       str(v) if isinstance(v, int) and abs(v) > 2**53 else v for v in row])
    except IllegalCharacterError:
        return  # openpyxl refuses control characters; not a workbook staff can make
    for r, c, down, right in merges:
        with contextlib.suppress(ValueError):
            ws.merge_cells(f"{get_column_letter(c)}{r}:{get_column_letter(c + right)}{r + down}")
    other = wb.create_sheet("二")
    for row in rows[::-1]:
        other.append([v if isinstance(v, str) else None for v in row])  # already accepted above
    other.sheet_state = "hidden" if hidden else "visible"
    path = _DIR / "fuzz-book.xlsx"
    try:
        wb.save(path)
    except (ValueError, TypeError):
        return  # openpyxl refuses some values (control characters); not our input
    _check(folder.load_file(path, _DIR))


@pytest.mark.parametrize("pay", ["[{}]", "[[1, 2]]", "[{a: 1}, 150]"])
def test_pay_nested_in_a_list_is_an_error_not_drawn(pay):
    """Found by the fuzz: a pay of ``[{}]`` was drawn as "{}"."""
    result = folder.load_yaml_text(f"岗位: 保洁\n电话: 13812345678\n工资: {pay}\n", "x.yaml")
    assert not result.listings
    assert any("pay" in p.en for p in result.problems)
