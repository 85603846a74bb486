"""Turn what staff write into a Listing: field names in Chinese or English, pay
strings, settlement words, phone numbers and dates in their usual written forms.

Every function here is pure. ``listing_from_mapping`` returns a listing (or None)
and the problems found, each located at the line of the offending field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from signage.core.model import Listing, Location, Pay, PayUnit, Problem, Settlement, Severity

# canonical field -> every name staff may write for it (compared case-insensitively)
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "编码", "序号"),
    "title": ("title", "job", "position", "岗位", "职位", "岗位名称", "职位名称", "招聘岗位", "工种"),
    "employer": ("employer", "company", "单位", "公司", "用人单位", "招聘单位", "企业", "雇主", "商家"),
    "pay": ("pay", "salary", "wage", "工资", "薪资", "薪酬", "待遇", "工资待遇", "薪资待遇", "报酬"),
    "settlement": ("settlement", "settle", "paid", "结算方式", "结算", "发薪方式", "工资结算", "结算周期"),
    "place": ("place", "location", "address", "地点", "地址", "工作地点", "工作地址"),
    "hours": ("hours", "working_hours", "time", "工作时间", "上班时间", "时间", "班次"),
    "headcount": ("headcount", "count", "openings", "人数", "招聘人数", "需求人数", "名额"),
    "requirements": ("requirements", "requirement", "要求", "任职要求", "岗位要求", "条件", "招聘条件"),
    "description": ("description", "details", "描述", "说明", "岗位描述", "工作内容", "岗位职责", "备注"),
    "contact": ("contact", "contact_name", "联系人"),
    "phone": ("phone", "tel", "telephone", "mobile", "电话", "联系电话", "手机", "手机号", "联系方式"),
    "tags": ("tags", "tag", "标签", "分类", "类别"),
    "starts": ("starts", "start", "start_date", "valid_from", "开始日期", "发布日期", "生效日期", "开始"),
    "expires": ("expires", "expiry", "until", "end_date", "valid_through", "截止日期", "截止", "有效期至", "结束日期"),
    "image": ("image", "picture", "photo", "图片", "照片"),
    "link": ("link", "url", "网址", "链接"),
}

_ALIAS_TO_FIELD = {
    alias.lower(): canon for canon, names in FIELD_ALIASES.items() for alias in names
}

FIELD_ZH = {
    "title": "岗位", "employer": "单位", "pay": "工资", "settlement": "结算方式", "place": "地点",
    "hours": "工作时间", "headcount": "人数", "requirements": "要求", "description": "说明",
    "contact": "联系人", "phone": "电话", "tags": "标签", "starts": "开始日期",
    "expires": "截止日期", "image": "图片", "link": "网址", "id": "编号",
}


def canonical_field(name: Any) -> str | None:
    """The canonical field for a header or key as staff wrote it, or None."""
    key = unicodedata.normalize("NFKC", str(name)).strip().lower().replace(" ", "_")
    key = key.rstrip(":：")
    return _ALIAS_TO_FIELD.get(key)


def suggest_field(name: str) -> str | None:
    close = difflib.get_close_matches(str(name).lower(), list(_ALIAS_TO_FIELD), n=1, cutoff=0.6)
    return close[0] if close else None


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


def parse_pay(value: Any) -> Pay | None:
    """``"150元/天"``, ``"3000-4500元/月"``, ``"2元/件"``, ``"日薪150"``, ``{min, max, unit}``.

    Returns None when the text is not a recognisable amount (``"面议"``).
    """
    if isinstance(value, Mapping):
        low = value.get("min", value.get("amount", value.get("low")))
        high = value.get("max", value.get("high"))
        unit = _UNIT_WORDS.get(str(value.get("unit", "month")).lower())
        try:
            low_f = float(low) if low is not None else float(high)
            high_f = float(high) if high is not None and low is not None else None
        except (TypeError, ValueError):
            return None
        if unit is None:
            return None
        return Pay(low_f, high_f if high_f != low_f else None, unit)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Pay(float(value), None, PayUnit.MONTH)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace("，", "")
    text = text.lstrip("¥￥").strip()
    prefix_unit = None
    for prefix, unit in _PREFIX_UNITS.items():
        if text.startswith(prefix):
            prefix_unit = unit
            text = text[len(prefix):].strip(" :：")
            break
    m = _PAY_RE.match(text)
    if not m:
        return None
    low = _scale(m.group(1), m.group(2))
    high = _scale(m.group(3), m.group(4) or m.group(2)) if m.group(3) else None
    unit_word = (m.group(5) or "").lower()
    if unit_word:
        unit = _UNIT_WORDS.get(unit_word)
        if unit is None:
            return None
    else:
        unit = prefix_unit or PayUnit.MONTH
    if high is not None and high < low:
        low, high = high, low
    return Pay(low, high if high != low else None, unit)


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

def normalise_phone(value: Any) -> str | None:
    """Digits of a phone number, keeping a landline's area code with a hyphen.

    ``"138-1234-5678"`` -> ``"13812345678"``; ``"(028)23331234"`` -> ``"028-23331234"``.
    Returns None when it does not look like a phone number.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores phone numbers as numbers
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"^(\+?86)[\s-]*(?=1\d{10}$|1[\d\s-]{10,})", "", text)
    digits = re.sub(r"[\s\-()（）.]", "", text)
    if not digits.isdigit():
        return None
    if len(digits) == 11 and digits.startswith("1"):
        return digits
    if digits.startswith(("400", "800")) and len(digits) == 10:
        return digits
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        area = 3 if digits[1] in "12" else 4
        return f"{digits[:area]}-{digits[area:]}"
    if 7 <= len(digits) <= 8:
        return digits
    return None


def group_phone(phone: str) -> str:
    """Digits grouped for reading aloud: ``138 1234 5678``, ``028 2333 1234``, ``400 123 4567``."""
    if "-" in phone:
        area, rest = phone.split("-", 1)
        return f"{area} {_group4(rest)}"
    if len(phone) == 11 and phone.startswith("1"):
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if len(phone) == 10 and phone.startswith(("400", "800")):
        return f"{phone[:3]} {phone[3:6]} {phone[6:]}"
    return _group4(phone)


def _group4(digits: str) -> str:
    if len(digits) <= 4:
        return digits
    head = len(digits) % 4 or 4
    groups = [digits[:head]] + [digits[i:i + 4] for i in range(head, len(digits), 4)]
    return " ".join(groups)


# ---------------------------------------------------------------- dates

_DATE_RES = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTH_DAY_RE = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")


def parse_date(value: Any, today: dt.date | None = None) -> dt.date | None:
    """A date from ``2026-12-31``, ``2026/12/31``, ``2026年12月31日``, ``12月31日`` and the like."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 <= value <= 80000:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))  # an Excel date serial number
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = text.split(" ")[0].split("T")[0] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", text) else text
    for regex in _DATE_RES:
        m = regex.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    m = _MONTH_DAY_RE.match(text)
    if m:
        year = (today or dt.date.today()).year
        try:
            return dt.date(year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- a whole listing

def _split_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        items = [str(v).strip() for v in value if v is not None]
    else:
        items = re.split(r"[;；\n]|(?:\s*[,，、]\s*)(?=\S)", str(value))
    return tuple(s.strip() for s in items if s and s.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if not isinstance(value, list) else "，".join(map(str, value))


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
        default_id: the id to use when the listing names none.
        line_of: ``key -> line`` (or ``(line, column)``) for locating a field's problems;
            defaults to the origin line.
        base_dir: folder against which a relative image path is resolved.
    """
    problems: list[Problem] = []

    def at(key: Any) -> Location:
        where = line_of(key) if line_of else None
        line, col = where if isinstance(where, tuple) else (where, None)  # tables give (row, column)
        return Location(origin.source, line or origin.line, col if line else origin.column)

    def problem(key: Any, zh: str, en: str, severity=Severity.ERROR) -> None:
        problems.append(Problem(at(key), zh, en, severity))

    fields: dict[str, Any] = {}
    keys: dict[str, Any] = {}
    for key, value in data.items():
        canon = canonical_field(key)
        if canon is None:
            hint = suggest_field(str(key))
            hint_zh = f"，是不是想写“{hint}”？" if hint else "。"
            hint_en = f"; did you mean '{hint}'?" if hint else "."
            problem(key, f"不认识的字段“{key}”，已忽略{hint_zh}", f"unknown field '{key}' ignored{hint_en}",
                    Severity.WARNING)
            continue
        if canon in fields:
            problem(key, f"字段“{key}”重复写了，只用第一个", f"field '{key}' given twice; the first is used",
                    Severity.WARNING)
            continue
        fields[canon] = value
        keys[canon] = key

    title = _text(fields.get("title"))
    if not title:
        problems.append(Problem(origin, "缺少“岗位”（岗位名称），这条招聘不会显示。请加一行，例如：岗位: 厨房帮工",
                                "missing 'title'; this listing is not shown. Add e.g. 'title: 厨房帮工'"))

    pay = None
    pay_text = ""
    if fields.get("pay") not in (None, ""):
        pay = parse_pay(fields["pay"])
        if pay is None:
            pay_text = _text(fields["pay"])
            if re.search(r"\d", pay_text):
                problem(keys["pay"], f"看不懂工资“{pay_text}”，将原样显示。可以写成 150元/天、3000-4500元/月 或 2元/件",
                        f"cannot read pay '{pay_text}'; shown as written. Write e.g. 150元/天, 3000-4500元/月, 2元/件",
                        Severity.WARNING)

    settlement = None
    if fields.get("settlement") not in (None, ""):
        settlement = parse_settlement(fields["settlement"])
        if settlement is None:
            problem(keys["settlement"], f"看不懂结算方式“{fields['settlement']}”，请写 日结、周结、月结、计件 或 完工结",
                    f"unknown settlement '{fields['settlement']}'; write daily, weekly, monthly, piece or completion",
                    Severity.WARNING)

    phone = ""
    if fields.get("phone") not in (None, ""):
        phone = normalise_phone(fields["phone"]) or ""
        if not phone and re.match(r"^\d(\.\d+)?[eE]\+?\d+$", str(fields["phone"]).strip()):
            problem(keys["phone"], f"电话号码被 Excel 改成了科学计数法（{fields['phone']}），"
                    "请把这一列设为“文本”格式，再重新输入号码",
                    f"Excel turned the phone number into scientific notation ({fields['phone']}); "
                    "format the column as Text and type the number again")
        elif not phone:
            problem(keys["phone"], f"电话号码“{fields['phone']}”不对，请写11位手机号或带区号的座机号",
                    f"phone '{fields['phone']}' is not a phone number; write an 11-digit mobile or a landline with area code")
    elif title:
        problem("phone", "没有写联系电话，求职者无法联系。请加一行，例如：电话: 138 1234 5678",
                "no phone number; job seekers cannot call. Add e.g. 'phone: 138 1234 5678'", Severity.WARNING)

    headcount = None
    if fields.get("headcount") not in (None, ""):
        m = re.search(r"\d+", unicodedata.normalize("NFKC", str(fields["headcount"])))
        if m:
            headcount = int(m.group())
        else:
            problem(keys["headcount"], f"人数“{fields['headcount']}”应是数字，例如 3",
                    f"headcount '{fields['headcount']}' should be a number such as 3", Severity.WARNING)

    dates: dict[str, dt.date | None] = {}
    for name in ("starts", "expires"):
        dates[name] = None
        if fields.get(name) not in (None, ""):
            dates[name] = parse_date(fields[name])
            if dates[name] is None:
                problem(keys[name], f"{FIELD_ZH[name]}“{fields[name]}”看不懂，请写成 2026-12-31 或 2026年12月31日",
                        f"cannot read date '{fields[name]}'; write e.g. 2026-12-31")

    image = None
    if fields.get("image"):
        image = str(fields["image"])
        if base_dir and not image.startswith(("/", "http://", "https://")):
            image = f"{base_dir}/{image}"

    link = _text(fields.get("link")) or None
    if link and not re.match(r"^(https?://|weixin://|tel:)", link):
        problem(keys["link"], f"网址“{link}”应以 http:// 或 https:// 开头",
                f"link '{link}' should start with http:// or https://", Severity.WARNING)
        link = None

    if any(p.severity is Severity.ERROR for p in problems) or not title:
        return None, problems
    listing = Listing(
        id=_text(fields.get("id")) or default_id,
        title=title,
        employer=_text(fields.get("employer")),
        pay=pay,
        pay_text=pay_text,
        settlement=settlement,
        place=_text(fields.get("place")),
        hours=_text(fields.get("hours")),
        headcount=headcount,
        requirements=_split_list(fields.get("requirements")),
        description=_text(fields.get("description")),
        contact=_text(fields.get("contact")),
        phone=phone,
        tags=_split_list(fields.get("tags")),
        starts=dates["starts"],
        expires=dates["expires"],
        image=image,
        link=link,
        origin=origin,
    )
    return listing, problems
