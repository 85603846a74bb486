"""Turn what staff write into a Listing: field names in Chinese or English, pay
strings, settlement words, phone numbers and dates in their usual written forms.

Every function here is pure. ``listing_from_mapping`` returns a listing (or None)
and the problems found, each located at the line of the offending field.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from signage.core.model import (  # noqa: F401 - format_phone: phones are formatted in one place
    Listing,
    Location,
    Pay,
    PayUnit,
    Problem,
    Settlement,
    Severity,
    format_phone,
)

# canonical field -> every name staff may write for it (compared case-insensitively)
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "编码"),
    "serial": ("序号", "no", "no."),  # a row number: an id only within its file and sheet
    "title": ("title", "job", "position", "岗位", "职位", "岗位名称", "职位名称", "招聘岗位", "工种"),
    "employer": ("employer", "company", "单位", "公司", "用人单位", "招聘单位", "企业", "雇主", "商家",
                 "用工单位", "企业名称", "公司名称", "单位名称"),
    "pay": ("pay", "salary", "wage", "工资", "薪资", "薪酬", "待遇", "工资待遇", "薪资待遇", "报酬",
            "薪水", "月薪", "日薪", "时薪", "工价", "收入"),
    "settlement": ("settlement", "settle", "paid", "结算方式", "结算", "发薪方式", "工资结算", "结算周期",
                   "发薪", "发放方式", "付款方式"),
    "place": ("place", "location", "address", "地点", "地址", "工作地点", "工作地址", "上班地点", "工作地",
              "工作区域"),
    "hours": ("hours", "working_hours", "time", "工作时间", "上班时间", "时间", "班次"),
    "headcount": ("headcount", "count", "openings", "人数", "招聘人数", "需求人数", "名额", "用工人数",
                  "招工人数"),
    "requirements": ("requirements", "requirement", "要求", "任职要求", "岗位要求", "条件", "招聘条件",
                     "年龄要求", "技能要求", "学历", "性别"),
    "description": ("description", "details", "描述", "说明", "岗位描述", "工作内容", "岗位职责", "备注"),
    "contact": ("contact", "contact_name", "联系人", "负责人"),
    "phone": ("phone", "tel", "telephone", "mobile", "电话", "联系电话", "手机", "手机号", "联系方式",
              "手机号码", "电话号码", "联系手机", "报名电话", "咨询电话"),
    "tags": ("tags", "tag", "标签", "分类", "类别"),
    "starts": ("starts", "start", "start_date", "valid_from", "开始日期", "发布日期", "生效日期", "开始"),
    "expires": ("expires", "expiry", "until", "end_date", "valid_through", "截止日期", "截止", "有效期至",
                "结束日期", "有效期", "报名截止", "截止时间"),
    "image": ("image", "picture", "photo", "图片", "照片"),
    "link": ("link", "url", "网址", "链接"),
}
# Requirement columns whose name says what the value is about: "性别: 男" is kept as "性别：男".
_LABELLED_REQUIREMENTS = ("年龄要求", "技能要求", "学历", "性别")
# Pay columns whose name gives the unit of a bare amount: "日薪: 150" is 150元/天.
_PAY_COLUMN_UNITS = ("日薪", "月薪", "时薪")

_ALIAS_TO_FIELD = {
    alias.lower(): canon for canon, names in FIELD_ALIASES.items() for alias in names
}

FIELD_ZH = {
    "title": "岗位", "employer": "单位", "pay": "工资", "settlement": "结算方式", "place": "地点",
    "hours": "工作时间", "headcount": "人数", "requirements": "要求", "description": "说明",
    "contact": "联系人", "phone": "电话", "tags": "标签", "starts": "开始日期",
    "expires": "截止日期", "image": "图片", "link": "网址", "id": "编号", "serial": "序号",
}


def canonical_field(name: Any) -> str | None:
    """The canonical field for a header or key as staff wrote it, or None."""
    return _canonical_field(str(name))


@functools.lru_cache(maxsize=4096)
def _canonical_field(name: str) -> str | None:
    key = unicodedata.normalize("NFKC", name).strip().lower().replace(" ", "_")
    key = key.rstrip(":：")
    return _ALIAS_TO_FIELD.get(key)


def _key(name: Any) -> str:
    return unicodedata.normalize("NFKC", str(name)).strip().lower().replace(" ", "_").rstrip(":：")


# Names staff write that are not field names but plainly mean one (or are common slips):
# suggested, never taken silently, because each could also mean something else.
SUGGESTIONS: dict[str, str] = {
    "名称": "岗位", "工作": "岗位", "招聘": "岗位", "职务": "岗位",
    "工钱": "工资", "金额": "工资", "价格": "工资", "费用": "工资", "月收入": "工资",
    "号码": "电话", "微信": "电话", "电话/微信": "电话", "座机": "电话",
    "位置": "地点", "区域": "地点", "地区": "地点",
    "日期": "截止日期", "到期": "截止日期", "结束": "截止日期",
    "姓名": "联系人", "联系": "联系人",
    "数量": "人数", "名额数": "人数",
    "titel": "title", "tittle": "title", "phnoe": "phone", "salery": "salary", "adress": "address",
}
_AFFIXES = ("名称", "名", "的", "栏", "列")


def suggest_field(name: str) -> str | None:
    """The field name staff probably meant, or None.

    Only from an explicit table of synonyms and slips, a known name with a stray
    affix (``公司名`` -> ``公司``), or a known Chinese name of the same length that
    differs only in characters sounding alike (``电活`` -> ``电话``): a suggestion never
    jumps to another field because the strings happen to look alike.
    """
    key = _key(name)
    if key in SUGGESTIONS:
        return SUGGESTIONS[key]
    for affix in _AFFIXES:
        for stem in (key.removesuffix(affix), key.removeprefix(affix)):
            if stem != key and stem in _ALIAS_TO_FIELD:
                return stem
    return _sounds_like(key)


def _sounds_like(key: str) -> str | None:
    if not key or not all("\u4e00" <= c <= "\u9fff" for c in key):
        return None
    from pypinyin import Style, pinyin  # imported here: only unknown names need it

    def sounds(text: str) -> list[tuple[str, str]]:
        return [(i[0], f[0]) for i, f in zip(pinyin(text, Style.INITIALS, strict=False),
                                            pinyin(text, Style.NORMAL), strict=True)]

    mine = sounds(key)
    for alias in _ALIAS_TO_FIELD:
        if len(alias) != len(key) or alias == key or not all("\u4e00" <= c <= "\u9fff" for c in alias):
            continue
        same = [a == b for a, b in zip(alias, key, strict=True)]
        if not any(same):
            continue
        # every other character sounds alike: same syllable, or same initial and first vowel
        if all(s or a == b or (a[0] == b[0] and a[0] and a[1][len(a[0]):][:1] == b[1][len(b[0]):][:1])
               for s, a, b in zip(same, sounds(alias), mine, strict=True)):
            return alias
    return None


# ---------------------------------------------------------------- pay

_UNIT_WORDS: dict[str, PayUnit] = {
    "小时": PayUnit.HOUR, "时": PayUnit.HOUR, "h": PayUnit.HOUR, "hr": PayUnit.HOUR, "hour": PayUnit.HOUR,
    "天": PayUnit.DAY, "日": PayUnit.DAY, "d": PayUnit.DAY, "day": PayUnit.DAY,
    "周": PayUnit.WEEK, "星期": PayUnit.WEEK, "week": PayUnit.WEEK,
    "月": PayUnit.MONTH, "month": PayUnit.MONTH, "mo": PayUnit.MONTH,
    "年": PayUnit.YEAR, "year": PayUnit.YEAR,
    "件": PayUnit.PIECE, "个": PayUnit.PIECE, "只": PayUnit.PIECE, "条": PayUnit.PIECE,
    "双": PayUnit.PIECE, "套": PayUnit.PIECE, "piece": PayUnit.PIECE, "pc": PayUnit.PIECE,
    "单": PayUnit.JOB, "次": PayUnit.JOB, "job": PayUnit.JOB,
}
_PREFIX_UNITS = {"日薪": PayUnit.DAY, "月薪": PayUnit.MONTH, "时薪": PayUnit.HOUR, "年薪": PayUnit.YEAR,
                 "周薪": PayUnit.WEEK, "计件": PayUnit.PIECE}
_NUM = r"(\d+(?:\.\d+)?)\s*([千kK万wW])?"
_PAY_RE = re.compile(
    rf"^{_NUM}\s*(?:(?:-|~|至|到|—|–)\s*{_NUM})?\s*(?:元|块|rmb|cny|¥)?\s*"
    r"(?:(?:/|每|一|per)\s*([a-z\u4e00-\u9fff]+))?$",
    re.IGNORECASE,
)


def _scale(num: str, mult: str | None) -> float:
    value = float(num)
    if mult in ("千", "k", "K"):
        value *= 1000
    elif mult in ("万", "w", "W"):
        value *= 10000
    return value


# Units of a trade, drawn as staff wrote them: 120元/晚, 80元/车, 5元/桶, 50元/趟.
_PER_WORDS: dict[str, PayUnit] = {
    **dict.fromkeys(("晚", "夜", "班", "宿"), PayUnit.DAY),
    **dict.fromkeys(("趟", "场", "次活", "车次"), PayUnit.JOB),
    **dict.fromkeys(("车", "桶", "箱", "吨", "袋", "包", "斤", "公斤", "kg", "亩", "米", "平方", "平米", "方",
                     "棵", "株", "根", "张", "台", "盒", "瓶", "串", "筐", "捆", "把", "块砖", "间", "扇",
                     "只鸡", "头", "批", "单件"), PayUnit.PIECE),
}
MAX_PAY = 1_000_000  # more than this, in any unit, is a typing slip, never a real wage
# Above these amounts per unit a wage is unusual enough to ask staff to check it.
HIGH_PAY = {PayUnit.HOUR: 500, PayUnit.DAY: 3000, PayUnit.WEEK: 20000, PayUnit.MONTH: 50000,
            PayUnit.YEAR: 600000, PayUnit.PIECE: 1000, PayUnit.JOB: 100000}


def parse_pay(value: Any) -> Pay | None:
    """``"150元/天"``, ``"3000-4500元/月"``, ``"2元/件"``, ``"日薪150"``, ``{min, max, unit}``.

    Returns None when the text is not a recognisable amount (``"面议"``). A bare
    number is taken per month here; ``read_pay`` gives it the settlement's unit.
    """
    return _parse_pay(value)[0]


def _parse_pay(value: Any) -> tuple[Pay | None, bool]:
    """(the pay, whether it was a bare number without a unit)."""
    if isinstance(value, Mapping):
        return _pay_of_mapping(value), False
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int | float):
        try:
            return Pay(float(value), None, PayUnit.MONTH), True
        except OverflowError:
            return None, False
    return _pay_of_text(value)


def _pay_of_mapping(value: Mapping) -> Pay | None:
    low = value.get("min", value.get("amount", value.get("low")))
    high = value.get("max", value.get("high"))
    unit = _UNIT_WORDS.get(str(value.get("unit", "month")).lower())
    try:
        low_f = float(low) if low is not None else float(high)
        high_f = float(high) if high is not None and low is not None else None
    except (TypeError, ValueError, OverflowError):
        return None
    if unit is None:
        return None
    return Pay(low_f, high_f if high_f != low_f else None, unit)


def _pay_of_text(value: Any) -> tuple[Pay | None, bool]:
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace("，", "")
    text = text.lstrip("¥￥").strip()
    prefix_unit = None
    for prefix, its_unit in _PREFIX_UNITS.items():
        if text.startswith(prefix):
            prefix_unit = its_unit
            text = text[len(prefix):].strip(" :：")
            break
    m = _PAY_RE.match(text)
    if not m:
        return None, False
    low = _scale(m.group(1), m.group(2))
    high = _scale(m.group(3), m.group(4) or m.group(2)) if m.group(3) else None
    unit_word = (m.group(5) or "").lower()
    per = ""
    if unit_word:
        unit = _UNIT_WORDS.get(unit_word)
        if unit is None:
            unit = _PER_WORDS.get(unit_word)
            per = unit_word
        if unit is None:
            return None, False
    else:
        unit = prefix_unit or PayUnit.MONTH
    if high is not None and high < low:
        low, high = high, low
    bare = not unit_word and prefix_unit is None and not re.search(r"[元块]|rmb|cny", text, re.I)
    return Pay(low, high if high != low else None, unit, per=per), bare


_NOT_A_NUMBER = {"nan", ".nan", "inf", ".inf", "+inf", "-inf", "-.inf", "infinity", "-infinity"}


def read_pay(value: Any, settlement: Settlement | None, column: str = ""
             ) -> tuple[Pay | None, str, list[tuple[str, str, Severity]]]:
    """The pay as it will be drawn (or the text shown as written) and what staff must hear.

    A bare number takes its unit from the column (``日薪``) or the settlement (日结 150:
    per day), and staff are told how it was read; NaN, infinity, negative and absurd
    amounts are errors (they would be drawn as ``nan元/月``); unusually high pay is a warning.
    """
    raw = _text(value)
    refused = _not_an_amount(value, raw)
    if refused:
        return None, "", refused
    pay, bare = _parse_pay(value)
    if pay is None and _nested(value):
        return None, "", [("工资的写法看不懂，这条招聘不会显示。请写成 150元/天 或 3000-4500元/月",
                           "pay written in a form that cannot be read; not shown. Write e.g. 150元/天",
                           Severity.ERROR)]
    if pay is None:
        said: list[tuple[str, str, Severity]] = []
        if re.search(r"\d", raw):
            said.append((f"看不懂工资“{raw}”，将原样显示。可以写成 150元/天、3000-4500元/月 或 2元/件",
                         f"cannot read pay '{raw}'; shown as written. Write e.g. 150元/天, 3000-4500元/月, 2元/件",
                         Severity.WARNING))
        return None, raw, said
    amounts = [x for x in (pay.low, pay.high) if x is not None]
    if not all(math.isfinite(x) for x in amounts) or max(amounts) > MAX_PAY or min(amounts) < 0:
        return None, "", [(f"工资“{raw}”不可能是真的（太大或不是数目），这条招聘不会显示。请核对后重写",
                           f"pay '{raw}' cannot be right (too large or not a number); not shown",
                           Severity.ERROR)]
    said = []
    if bare:
        pay = _bare_pay(pay, raw, settlement, column, said)
    if max(amounts) > HIGH_PAY[pay.unit]:
        said.append((f"工资“{pay.text()}”很高，请核对是不是多打了 0", f"pay '{pay.text()}' is unusually high; "
                     "check for a typing slip", Severity.WARNING))
    return pay, "", said


def _not_an_amount(value: Any, raw: str) -> list[tuple[str, str, Severity]]:
    """NaN, infinity or a negative amount: the error to report (empty when it is none of these)."""
    if raw.strip().lower() in _NOT_A_NUMBER or (isinstance(value, float) and not math.isfinite(value)):
        return [(f"工资“{raw}”不是一个数目，这条招聘不会显示。请写成 150元/天 或 3000-4500元/月",
                 f"pay '{raw}' is not an amount; not shown. Write e.g. 150元/天", Severity.ERROR)]
    if re.match(r"^\s*[-−－]\s*\d", raw):
        return [(f"工资“{raw}”是负数，这条招聘不会显示", f"pay '{raw}' is negative; not shown", Severity.ERROR)]
    return []


def _bare_pay(pay: Pay, raw: str, settlement: Settlement | None, column: str,
              said: list[tuple[str, str, Severity]]) -> Pay:
    """A number without a unit: per the column's unit (日薪), else the settlement's, else a month
    (and staff are told how it was read)."""
    unit = next((u for name, u in _PREFIX_UNITS.items() if column.startswith(name)), None)
    if unit is not None:
        return Pay(pay.low, pay.high, unit)
    by = settlement if settlement is not None and settlement.pay_unit else None  # its unit counts
    pay = Pay(pay.low, pay.high, (by.pay_unit if by else None) or PayUnit.MONTH)
    how = f"按结算方式“{by.zh}”" if by else "按每月"
    how_en = f"from the settlement {by.value}" if by else "per month"
    said.append((f"工资只写了数字“{raw}”，{how}显示为“{pay.text()}”。如果不对，请写明单位，例如 150元/天",
                 f"pay '{raw}' is a bare number; shown {how_en} as '{pay.text()}'. "
                 "If that is wrong, write the unit, e.g. 150元/天", Severity.WARNING))
    return pay


# ---------------------------------------------------------------- settlement

_SETTLEMENT_WORDS: dict[str, Settlement] = {
    "日结": Settlement.DAILY, "当日结": Settlement.DAILY, "当天结": Settlement.DAILY, "天结": Settlement.DAILY,
    "daily": Settlement.DAILY, "day": Settlement.DAILY,
    "周结": Settlement.WEEKLY, "weekly": Settlement.WEEKLY, "week": Settlement.WEEKLY,
    "月结": Settlement.MONTHLY, "monthly": Settlement.MONTHLY, "month": Settlement.MONTHLY,
    "计件": Settlement.PIECE, "按件": Settlement.PIECE, "计件结": Settlement.PIECE,
    "piece": Settlement.PIECE, "piece-rate": Settlement.PIECE, "piecework": Settlement.PIECE,
    "完工结": Settlement.COMPLETION, "完工": Settlement.COMPLETION, "完工结算": Settlement.COMPLETION,
    "做完结": Settlement.COMPLETION, "completion": Settlement.COMPLETION,
    "on completion": Settlement.COMPLETION,
    "现结": Settlement.SPOT, "当场结": Settlement.SPOT, "现场结": Settlement.SPOT, "现金结": Settlement.SPOT,
    "次日结": Settlement.NEXT_DAY, "隔天结": Settlement.NEXT_DAY, "隔日结": Settlement.NEXT_DAY,
    "第二天结": Settlement.NEXT_DAY,
    "月底结": Settlement.MONTHLY, "月末结": Settlement.MONTHLY, "按月结": Settlement.MONTHLY,
    "按天结": Settlement.DAILY, "按日结": Settlement.DAILY, "按周结": Settlement.WEEKLY,
    "完工结清": Settlement.COMPLETION, "干完结": Settlement.COMPLETION,
}


def parse_settlement(value: Any) -> Settlement | None:
    """``日结``, ``工资月结``, ``月结算``, ``monthly``... -> Settlement, else None."""
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    bare = text.removeprefix("工资").removeprefix("薪资").strip()
    for candidate in (text, bare, bare.removesuffix("算")):
        if candidate in _SETTLEMENT_WORDS:
            return _SETTLEMENT_WORDS[candidate]
    return None


# ---------------------------------------------------------------- phone

_NOTE_RE = re.compile(r"[（(]?\s*((?:微信|vx|wx|v信)?\s*同号|同微信|可加微信|微信同步)\s*[）)]?", re.I)
_PHONE_SEPARATORS = re.compile(r"\s*(?:[/／,，、;；|]|或|or)\s*", re.I)
_PHONE_NOISE = re.compile(r"[\s\-()（）.·—–]")


def _digits(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)  # Excel stores phone numbers as numbers
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"^(?:\+?86)[\s-]*(?=1[\d\s-]{10,}$)", "", text)
    text = re.sub(r"^\+86[\s-]*(?=\d)", "0", text) if text.startswith("+86") else text
    return _PHONE_NOISE.sub("", text)


def _canonical(number) -> str | None:
    """A valid Chinese number as we keep it: ``13812345678``, ``0832-5509876``, ``4001234567``."""
    import phonenumbers

    if not phonenumbers.is_valid_number(number):
        return None
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    parts = national.split()
    if national.startswith("0") and len(parts) > 1:  # a landline: area code, then the number
        return f"{parts[0]}-{''.join(parts[1:])}"
    return "".join(parts)


@functools.lru_cache(maxsize=1024)
def _mobile_prefix_valid(prefix: str) -> bool:
    """Whether mobiles starting so are valid (phonenumbers is slow: 0.1 ms a number)."""
    import phonenumbers

    try:
        return all(phonenumbers.is_valid_number(phonenumbers.parse(prefix + tail, "CN"))
                   for tail in ("000000", "555555", "999999"))
    except phonenumbers.NumberParseException:
        return False


def read_phone(value: Any) -> tuple[str | None, bool]:
    """One phone number -> (its canonical form or None, whether a dropped leading 0 was restored).

    Validity is decided by ``phonenumbers`` (mainland China). A local number of 7 or 8
    digits is kept as written; a 9-to-11-digit number that is a valid landline once a 0
    is put before it is one whose 0 Excel dropped, and is restored.
    """
    import phonenumbers

    digits = _digits(value)
    if not digits.isdigit() or not 7 <= len(digits) <= 13:
        return None, False
    if len(digits) in (7, 8) and digits[0] not in "01":
        return digits, False
    if digits[0] == "1" and len(digits) == 11:  # a mobile: its first five digits decide
        return (digits if _mobile_prefix_valid(digits[:5]) else None), False
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None, False
    if digits[0] == "0" or digits.startswith(("400", "800")):
        return _canonical(number), False
    if 9 <= len(digits) <= 11:  # a landline without its 0
        restored = _canonical(phonenumbers.parse("0" + digits, "CN"))
        if restored and restored.startswith("0"):
            return restored, True
    return None, False


def normalise_phone(value: Any) -> str | None:
    """Digits of a phone number, keeping a landline's area code with a hyphen.

    ``"138-1234-5678"`` -> ``"13812345678"``; ``"(028)23331234"`` -> ``"028-23331234"``.
    Returns None when it is not one valid phone number.
    """
    return read_phone(value)[0]


def read_phones(value: Any) -> tuple[list[str], str, list[tuple[str, str, Severity]]]:
    """A phone cell -> (its numbers, a note such as 微信同号, what staff must hear).

    A cell may hold two numbers (``138… / 0832-…``) and a note; every number must be
    valid, else the whole cell is refused with the reason.
    """
    text = unicodedata.normalize("NFKC", _text(value)).strip() if not isinstance(value, int | float) else value
    note = ""
    if isinstance(text, str):
        found = _NOTE_RE.search(text)
        if found:
            note = "微信同号"
            text = (text[:found.start()] + " " + text[found.end():]).strip()
        parts = [x for x in _PHONE_SEPARATORS.split(text) if x.strip()]
        if len(parts) == 1 and len(_digits(parts[0])) > 13:  # two numbers with only a space between
            parts = [x for x in re.split(r"\s{2,}|\s+(?=0\d{2,3}[\s-]|1\d{10}\b)", parts[0]) if x.strip()]
    else:
        parts = [text]
    numbers, said = [], []
    for part in parts:
        phone, restored = read_phone(part)
        if phone is None:
            raw = _text(part)
            if re.match(r"^\d(\.\d+)?[eE]\+?\d+$", raw.strip()):
                said.append((f"电话号码被 Excel 改成了科学计数法（{raw}），请把这一列设为“文本”格式，再重新输入号码",
                             f"Excel turned the phone number into scientific notation ({raw}); "
                             "format the column as Text and type the number again", Severity.ERROR))
            else:
                said.append((f"电话号码“{raw}”不对（不是有效的手机号或座机号），这条招聘不会显示。"
                             "请写11位手机号，或带区号的座机号，例如 0832-5509876",
                             f"phone '{raw}' is not a valid number; not shown. Write an 11-digit mobile "
                             "or a landline with its area code, e.g. 0832-5509876", Severity.ERROR))
            continue
        if restored:
            said.append((f"电话“{_text(part)}”前面少了区号的 0（多半是 Excel 把开头的 0 去掉了），"
                         f"已按 {phone} 显示。在 Excel 里请把这一列设为“文本”格式，再输入号码",
                         f"phone '{_text(part)}' lost the 0 of its area code (Excel drops it); shown "
                         f"as {phone}. In Excel, format the column as Text", Severity.WARNING))
        if phone not in numbers:
            numbers.append(phone)
    return numbers, note, said


# ---------------------------------------------------------------- dates

_DATE_RES = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTH_DAY_RE = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")


def parse_date(value: Any, today: dt.date | None = None) -> dt.date | None:
    """A date from ``2026-12-31``, ``2026/12/31``, ``2026年12月31日``, ``12月31日`` and the like."""
    return read_date(value, today)[0]


NO_EXPIRY = ("长期", "长期有效", "长期招聘", "常年", "常年招聘", "不限", "无", "永久")
EARLIEST = dt.date(2000, 1, 1)  # before this a date is a slip (0001-01-01, 1900-01-00 from Excel)
LATEST = dt.date(2100, 12, 31)


def read_date(value: Any, today: dt.date | None = None) -> tuple[dt.date | None, str | None]:
    """(the date, or None) and, when something is wrong or guessed, why in a few Chinese words.

    A number from 20000 to 80000 is taken as an Excel day number and said so; an
    impossible day, or one before 2000 or after 2100, is refused with the reason.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _in_range(value)
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{5}(\.\d+)?\s*", value):
        number = float(value)
    if number is not None and math.isfinite(number) and 20000 <= number <= 80000:
        day = EXCEL_EPOCH + dt.timedelta(days=int(number))  # an Excel date serial number
        return day, f"number:{day.isoformat()}"
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = text.split(" ")[0].split("T")[0] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", text) else text
    for regex in _DATE_RES:
        m = regex.match(text)
        if m:
            try:
                return _in_range(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
            except ValueError:
                return None, "impossible"
    m = _MONTH_DAY_RE.match(text)
    if m:
        year = (today or dt.date.today()).year
        try:
            return dt.date(year, int(m.group(1)), int(m.group(2))), None
        except ValueError:
            return None, "impossible"
    return None, "unreadable"


def _in_range(day: dt.date) -> tuple[dt.date | None, str | None]:
    if day < EARLIEST:
        return None, "early"
    if day > LATEST:
        return None, "late"
    return day, None


# ---------------------------------------------------------------- a whole listing

def _split_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        items = [str(v).strip() for v in value if v is not None]
    else:
        items = _split_outside_brackets(str(value))
    return tuple(s.strip() for s in items if s and s.strip())


def split_tags(value: Any) -> tuple[str, ...]:
    """Tags as staff type them: ``夜市 日结``, ``日结，夜市``, ``[日结、夜市]``, a YAML list."""
    items = value if isinstance(value, list | tuple) else [value]
    tags: list[str] = []
    for item in items:
        if item is None:
            continue
        text = unicodedata.normalize("NFKC", _text(item))
        for tag in re.split(r"[\s,，、;；/|]+", text.strip().strip("[]【】()（）")):
            tag = tag.strip("[]【】()（）#\"'")
            if tag and tag not in tags:
                tags.append(tag)
    return tuple(tags)


_OPEN, _CLOSE = "（([【「《", "）)]】」》"


def _split_outside_brackets(text: str) -> list[str]:
    """Items at ; ； , ， 、 and new lines, but never inside brackets: 健康证（男女不限，18-50岁）."""
    items, start, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ";；\n,，、" and not (ch == "," and text[i - 1:i].isdigit()
                                                        and text[i + 1:i + 2].isdigit()):
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return items


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, list | tuple):
        return "，".join(_text(v) for v in value if v is not None and _text(v))
    return " ".join(str(value).split())


def _nested(value: Any) -> bool:
    """A mapping, or a list holding one or another list: no way to write a pay, nor any text."""
    return isinstance(value, Mapping) or (
        isinstance(value, list | tuple) and any(isinstance(v, Mapping | list | tuple) for v in value))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Report:
    """The problems of one listing, each at the line (and column) of its field."""

    def __init__(self, origin: Location, line_of: Any):
        self.origin, self.line_of = origin, line_of
        self.problems: list[Problem] = []

    def at(self, key: Any) -> Location:
        where = self.line_of(key) if self.line_of else None
        line, col = where if isinstance(where, tuple) else (where, None)  # tables give (row, column)
        return Location(self.origin.source, line or self.origin.line, col if line else self.origin.column)

    def __call__(self, key: Any, zh: str, en: str, severity=Severity.ERROR, code: str = "") -> None:
        self.problems.append(Problem(self.at(key), zh, en, severity, code))


def _read_fields(data: Mapping, problem: _Report) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The fields by name, the keys as written, and the requirements of every requirement column."""
    fields: dict[str, Any] = {}
    keys: dict[str, Any] = {}
    requirements: list[str] = []
    for key, value in data.items():
        canon = canonical_field(key)
        if canon is None:
            hint = suggest_field(str(key))
            hint_zh = f"，是不是想写“{hint}”？" if hint else "。"
            hint_en = f"; did you mean '{hint}'?" if hint else "."
            problem(key, f"不认识的字段“{key}”，已忽略{hint_zh}", f"unknown field '{key}' ignored{hint_en}",
                    Severity.WARNING)
            continue
        if canon != "pay" and _nested(value):  # a pay may be a mapping: read_pay says more
            problem(key, f"字段“{key}”的内容看不懂（应是一段文字），已忽略",
                    f"field '{key}' holds a mapping or nested list, not text; ignored", Severity.WARNING)
            continue
        if canon == "requirements":  # several requirement columns (年龄要求, 学历, 性别) add up
            label = _key(key) if _key(key) in _LABELLED_REQUIREMENTS else ""
            items = _split_list(value) if not _blank(value) else ()
            requirements += [f"{label}：{x}" if label and label not in x else x for x in items]
            fields[canon] = True
            continue
        if canon in fields:
            problem(key, f"字段“{key}”重复写了，只用第一个", f"field '{key}' given twice; the first is used",
                    Severity.WARNING)
            continue
        fields[canon] = value
        keys[canon] = key
    return fields, keys, requirements


def _settlement_of(fields: dict, keys: dict, problem: _Report) -> Settlement | None:
    if _blank(fields.get("settlement")):
        return None
    settlement = parse_settlement(fields["settlement"])
    if settlement is None:
        problem(keys["settlement"], f"看不懂结算方式“{fields['settlement']}”，"
                "请写 日结、周结、月结、计件、完工结、现结 或 次日结",
                f"unknown settlement '{fields['settlement']}'; write daily, weekly, monthly, piece "
                "or completion", Severity.WARNING)
    return settlement


def _pay_of(fields: dict, keys: dict, problem: _Report, settlement: Settlement | None,
            title: str) -> tuple[Pay | None, str]:
    if _blank(fields.get("pay")):
        if title:
            problem(keys.get("pay", "pay"), "没有写工资，屏幕上会显示“工资面议”。如果工资已定，请加一列“工资”，例如 150元/天",
                    "no pay given; the card says 工资面议 (pay to be agreed). Add e.g. 'pay: 150元/天'",
                    Severity.WARNING)
        return None, ""
    pay, pay_text, said = read_pay(fields["pay"], settlement, _key(keys["pay"]))
    for zh, en, severity in said:
        problem(keys["pay"], zh, en, severity, "pay")
    return pay, pay_text


def _phones_of(fields: dict, keys: dict, problem: _Report, title: str) -> tuple[list[str], str]:
    if _blank(fields.get("phone")):
        if title:
            problem("phone", "没有写联系电话，求职者无法联系。请加一行，例如：电话: 138 1234 5678",
                    "no phone number; job seekers cannot call. Add e.g. 'phone: 138 1234 5678'", Severity.WARNING)
        return [], ""
    phones, phone_note, said = read_phones(fields["phone"])
    for zh, en, severity in said:
        problem(keys["phone"], zh, en, severity)
    return phones, phone_note


def _headcount_of(fields: dict, keys: dict, problem: _Report) -> int | None:
    if _blank(fields.get("headcount")):
        return None
    m = re.search(r"\d+", unicodedata.normalize("NFKC", _text(fields["headcount"])))
    if m and len(m.group()) <= 6:
        return int(m.group())
    problem(keys["headcount"], f"人数“{fields['headcount']}”应是数字，例如 3",
            f"headcount '{fields['headcount']}' should be a number such as 3", Severity.WARNING)
    return None


def _dates_of(fields: dict, keys: dict, problem: _Report) -> dict[str, dt.date | None]:
    dates: dict[str, dt.date | None] = {}
    for name in ("starts", "expires"):
        dates[name] = None
        raw = fields.get(name)
        if _blank(raw) or (name == "expires" and _text(raw) in NO_EXPIRY):
            continue
        dates[name], why = read_date(raw)
        if why:
            _date_problem(name, _text(raw), why, keys[name], problem)
    if dates["starts"] and dates["expires"] and dates["starts"] > dates["expires"]:
        problem(keys["starts"], f"开始日期 {dates['starts']} 在截止日期 {dates['expires']} 之后，"
                "这条招聘永远不会显示。请核对两个日期",
                f"starts {dates['starts']} after it expires {dates['expires']}; it would never show. "
                "Check both dates")
    return dates


def _date_problem(name: str, shown: str, why: str, key: Any, problem: _Report) -> None:
    """What ``read_date`` said about a date, in staff's words."""
    label = FIELD_ZH[name]
    if why.startswith("number:"):
        problem(key, f"{label}“{shown}”是一个数字，按 Excel 的日期编号读作 {why[7:]}。"
                "如果不对，请写成 2026-12-31",
                f"{name} '{shown}' is a number, read as the Excel day {why[7:]}; "
                "if that is wrong, write e.g. 2026-12-31", Severity.WARNING)
    elif why == "impossible":
        problem(key, f"{label}“{shown}”没有这一天，这条招聘不会显示。请核对日期",
                f"{name} '{shown}' is not a real day; not shown. Check the date")
    elif why in ("early", "late"):
        when = "太早" if why == "early" else "太晚"
        problem(key, f"{label}“{shown}”{when}，不可能是真的，这条招聘不会显示。请核对年份",
                f"{name} '{shown}' is too {why} to be real; not shown. Check the year")
    else:
        problem(key, f"{label}“{shown}”看不懂，请写成 2026-12-31 或 2026年12月31日；"
                "一直有效请写“长期”",
                f"cannot read date '{shown}'; write e.g. 2026-12-31, or 长期 for no expiry")


def _image_of(fields: dict, base_dir: str | None) -> str | None:
    if not fields.get("image"):
        return None
    image = str(fields["image"])
    if base_dir and not image.startswith(("/", "http://", "https://")):
        image = f"{base_dir}/{image}"
    return image


def _link_of(fields: dict, keys: dict, problem: _Report) -> str | None:
    link = _text(fields.get("link")) or None
    if link and not re.match(r"^(https?://|weixin://|tel:)", link):
        problem(keys["link"], f"网址“{link}”应以 http:// 或 https:// 开头",
                f"link '{link}' should start with http:// or https://", Severity.WARNING)
        return None
    return link


def _ident(fields: dict, default_id: str) -> str:
    ident = _text(fields.get("id"))
    if not ident and not _blank(fields.get("serial")):
        ident = f"{default_id.split('#')[0]}#序号{_text(fields['serial'])}"
    return ident or default_id


def listing_from_mapping(
    data: Mapping,
    origin: Location,
    default_id: str,
    line_of: Any = None,
    base_dir: str | None = None,
) -> tuple[Listing | None, list[Problem]]:
    """Validate and normalise one listing written as a mapping of field -> value.

    Args:
        data: the fields as staff wrote them (Chinese or English names).
        origin: where the mapping starts (file and line).
        default_id: the id to use when the listing names none; a ``序号`` (serial)
            is an id only within its file and sheet, so it is appended to this id's scope
            (the part before ``#``).
        line_of: ``key -> line`` (or ``(line, column)``) for locating a field's problems;
            defaults to the origin line.
        base_dir: folder against which a relative image path is resolved.
    """
    problem = _Report(origin, line_of)
    fields, keys, requirements = _read_fields(data, problem)
    title = _text(fields.get("title"))
    if not title:
        problem.problems.append(Problem(origin, "缺少“岗位”（岗位名称），这条招聘不会显示。请加一行，例如：岗位: 厨房帮工",
                                        "missing 'title'; this listing is not shown. Add e.g. 'title: 厨房帮工'"))
    settlement = _settlement_of(fields, keys, problem)
    pay, pay_text = _pay_of(fields, keys, problem, settlement, title)
    phones, phone_note = _phones_of(fields, keys, problem, title)
    headcount = _headcount_of(fields, keys, problem)
    dates = _dates_of(fields, keys, problem)
    image = _image_of(fields, base_dir)
    link = _link_of(fields, keys, problem)
    problems = problem.problems
    if any(p.severity is Severity.ERROR for p in problems) or not title:
        return None, problems
    listing = Listing(
        id=_ident(fields, default_id),
        title=title,
        employer=_text(fields.get("employer")),
        pay=pay,
        pay_text=pay_text,
        settlement=settlement,
        place=_text(fields.get("place")),
        hours=_text(fields.get("hours")),
        headcount=headcount,
        requirements=tuple(requirements),
        description=_text(fields.get("description")),
        contact=_text(fields.get("contact")),
        phone=phones[0] if phones else "",
        more_phones=tuple(phones[1:]),
        phone_note=phone_note if phones else "",
        tags=split_tags(fields.get("tags")),
        starts=dates["starts"],
        expires=dates["expires"],
        image=image,
        link=link,
        origin=origin,
    )
    return listing, problems
