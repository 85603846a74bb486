"""schema.org ``JobPosting`` as real sites publish it -> Listings (pure functions).

Accepted shapes: a single JobPosting, an array of them, an ``@graph``, an
``ItemList`` whose ``itemListElement`` holds postings directly or as
``ListItem.item``, and an HTML page whose ``<script type="application/ld+json">``
blocks hold any of these. Each posting is mapped onto our own field names and
validated by :func:`normalise.listing_from_mapping`, so pay, phone and dates
normalise exactly as they do in the staff's files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html as html_mod
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from signage.core.model import Listing, Location, Problem, Severity
from signage.parse.normalise import listing_from_mapping, normalise_phone, parse_date

MAX_DEPTH = 12
MAX_DESCRIPTION = 300  # characters; a card shows two lines of it at most

EMPLOYMENT_TYPES = {
    "FULL_TIME": "全职",
    "PART_TIME": "兼职",
    "TEMPORARY": "临时工",
    "CONTRACTOR": "合同工",
    "INTERN": "实习",
    "PER_DIEM": "按日计薪",
    "VOLUNTEER": "志愿者",
    "SEASONAL": "季节工",
}
UNITS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}
CURRENCIES_YUAN = {"", "CNY", "RMB", "元", "¥", "￥"}


# ------------------------------------------------------------------ HTML


class _LdJsonScripts(HTMLParser):
    """Collects the text of every ``<script type="application/ld+json">`` element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._buf: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
            self._buf = [] if kind == "application/ld+json" else None

    def handle_data(self, data: str) -> None:
        if self._buf is not None:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._buf is not None:
            self.blocks.append("".join(self._buf))
            self._buf = None


def ld_json_blocks(html: str) -> list[str]:
    """The raw text of each JSON-LD block in an HTML page."""
    parser = _LdJsonScripts()
    parser.feed(html)
    parser.close()
    return parser.blocks


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("br", "p", "li", "div", "tr"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(value: Any) -> str:
    """Text of a field that may hold HTML (descriptions usually do), whitespace collapsed."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text and ">" in text:
        parser = _TextOnly()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    elif "&" in text:
        text = html_mod.unescape(text)  # sites often escape JSON-LD strings as HTML (&amp;)
    return _CJK_GAP.sub("", " ".join(text.split()))


# a space between two Chinese characters or punctuation marks (left where tags were) is not wanted
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


# ------------------------------------------------------------------ finding postings


def _types(node: dict) -> set[str]:
    raw = node.get("@type", ())
    raw = raw if isinstance(raw, list) else [raw]
    return {str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for t in raw}


def is_jobposting_doc(doc: Any) -> bool:
    """Whether a parsed JSON document holds schema.org data (JSON-LD) rather than our schema."""
    return any(True for _ in _walk(doc, 0, typed_only=True))


def _walk(node: Any, depth: int, typed_only: bool = False) -> Iterator[dict]:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, depth + 1, typed_only)
        return
    if not isinstance(node, dict):
        return
    types = _types(node)
    if typed_only and ("@context" in node or "@graph" in node or types & {"ItemList", "JobPosting"}):
        yield node
        return
    if "JobPosting" in types:
        yield node
        return
    for key in ("@graph", "itemListElement", "item", "mainEntity", "mainEntityOfPage"):
        if key in node:
            yield from _walk(node[key], depth + 1, typed_only)


def postings(doc: Any) -> list[dict]:
    """Every JobPosting object in a JSON-LD document, in document order."""
    return list(_walk(doc, 0))


# ------------------------------------------------------------------ one posting


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _name(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        return plain_text(value.get("name") or value.get("legalName") or "")
    return plain_text(value)


def _num_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except (TypeError, ValueError):
        return None


def salary(value: Any) -> tuple[Any, str]:
    """``baseSalary`` -> (what our ``pay`` field takes, currency).

    A number, a string (``"150元/天"``), or a MonetaryAmount whose value is a
    number or a QuantitativeValue with value or minValue/maxValue and unitText.
    """
    value = _first(value)
    if value is None or isinstance(value, bool):
        return None, ""
    if isinstance(value, int | float | str):
        return value, ""
    if not isinstance(value, dict):
        return None, ""
    currency = str(value.get("currency") or "").strip().upper()
    inner = value.get("value", value)
    unit = value.get("unitText")
    if isinstance(inner, dict):
        low, high, unit = _quantity(inner, unit)
    else:
        single = _number(inner)
        if single is None and isinstance(inner, str):  # "3000-4500" or "3000-4500元/月"
            known = UNITS.get(str(unit or "").strip().upper())
            return (f"{inner}/{known}" if known and "/" not in inner else inner), currency
        low, high = single, None
    if low is None and high is None:
        return None, currency
    return _pay_value(low, high, unit), currency


def _quantity(value: dict, unit: Any) -> tuple[float | None, float | None, Any]:
    """A QuantitativeValue -> (low, high, unit): ``value`` stands for a missing minValue."""
    low = _number(value.get("minValue"))
    high = _number(value.get("maxValue"))
    single = _number(value.get("value"))
    if single is not None and low is None:
        low = single
    return low, high, value.get("unitText", unit)


def _pay_value(low: float | None, high: float | None, unit: Any) -> Any:
    """What our ``pay`` field takes: ``{min, max, unit}``, or text when the unit is none of ours."""
    unit_word = UNITS.get(str(unit or "MONTH").strip().upper())
    if unit_word is None:  # 件, 天...: parse_pay reads it from text, else it is shown as written
        amount = "-".join(_num_text(v) for v in (low, high) if v is not None)
        return f"{amount}元/{unit}"
    pay: dict[str, Any] = {"min": low if low is not None else high, "unit": unit_word}
    if high is not None and low is not None:
        pay["max"] = high
    return pay


def _address(value: Any) -> str:
    if isinstance(value, str):
        return plain_text(value)
    if not isinstance(value, dict):
        return ""
    locality = plain_text(value.get("addressLocality")) or plain_text(value.get("addressRegion"))
    street = plain_text(value.get("streetAddress"))
    if not street or street.startswith(locality):  # 乐至县 + 乐至县天池镇… -> no repetition
        return street or locality
    if not locality:
        return street
    return f"{locality}{street}" if _mostly_cjk(street) else f"{street}, {locality}"


def _mostly_cjk(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def place(job_location: Any, location_type: Any = None) -> str:
    """One Place or several, each with a PostalAddress (or text); joined with 、."""
    places = job_location if isinstance(job_location, list) else [job_location]
    names = []
    for p in places:
        if isinstance(p, dict):
            text = _address(_first(p.get("address"))) or plain_text(p.get("name"))
        else:
            text = plain_text(p) if p else ""
        if text and text not in names:
            names.append(text)
    if not names and "TELECOMMUTE" in str(location_type or "").upper():
        names.append("居家/远程")
    return "、".join(names)


def employment_tags(value: Any) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"[,，、\s]+", str(value or ""))
    tags = []
    for item in items:
        key = str(item).strip().upper().replace("-", "_").replace(" ", "_")
        if not key or key == "OTHER":
            continue
        tag = EMPLOYMENT_TYPES.get(key, str(item).strip())
        if tag not in tags:
            tags.append(tag)
    return tags


def identifier(node: dict) -> str | None:
    ident = _first(node.get("identifier"))
    if isinstance(ident, dict):
        ident = ident.get("value") or ident.get("@id")
    if ident not in (None, ""):
        return str(ident).strip()
    url = node.get("url") or node.get("@id")
    return str(url).strip() if url else None


def stable_id(node: Any) -> str:
    """An id for a posting that names none: the same content always gives the same id."""
    canon = json.dumps(node, sort_keys=True, ensure_ascii=False, default=str)
    return "feed-" + hashlib.sha256(canon.encode()).hexdigest()[:12]


def _telephone(node: dict) -> tuple[str, str]:
    contacts = node.get("applicationContact")
    contacts = contacts if isinstance(contacts, list) else [contacts]
    for c in contacts:
        if isinstance(c, dict) and c.get("telephone"):
            return str(c["telephone"]), _name(c.get("name") or c.get("contactType") or "")
    org = _first(node.get("hiringOrganization"))
    if isinstance(org, dict) and org.get("telephone"):
        return str(org["telephone"]), ""
    return "", ""


def _image(node: dict) -> str | None:
    img = _first(node.get("image"))
    if isinstance(img, dict):
        img = img.get("contentUrl") or img.get("url")
    return str(img) if img else None


def fields(node: dict) -> tuple[dict[str, Any], str]:
    """A JobPosting mapped onto our field names (before validation), and the pay currency."""
    pay, currency = salary(node.get("baseSalary") or node.get("estimatedSalary"))
    phone, contact = _telephone(node)
    out: dict[str, Any] = {
        "id": identifier(node) or stable_id(node),
        "title": plain_text(node.get("title") or node.get("name")),
        "employer": _name(node.get("hiringOrganization")),
        "pay": pay,
        "place": place(node.get("jobLocation"), node.get("jobLocationType")),
        "hours": plain_text(node.get("workHours")),
        "headcount": node.get("totalJobOpenings"),
        "description": plain_text(node.get("description"))[:MAX_DESCRIPTION],
        "tags": employment_tags(node.get("employmentType")),
        "contact": contact,
        "phone": phone if normalise_phone(phone) else None,
        "starts": node.get("datePosted") if parse_date(node.get("datePosted") or "") else None,
        "expires": node.get("validThrough") if parse_date(node.get("validThrough") or "") else None,
        "link": node.get("url") if isinstance(node.get("url"), str) else None,
        "image": _image(node),
    }
    reqs = [plain_text(node.get(k)) for k in ("qualifications", "experienceRequirements")
            if isinstance(node.get(k), str)]
    if reqs:
        out["requirements"] = [r for r in reqs if r]
    return {k: v for k, v in out.items() if v not in (None, "", [])}, currency


def listing(node: dict, origin: Location) -> tuple[Listing | None, list[Problem]]:
    """One JobPosting -> a validated Listing (or None) and its problems."""
    mapped, currency = fields(node)
    result, problems = listing_from_mapping(mapped, origin, mapped["id"])
    if result is not None and result.pay is not None and currency not in CURRENCIES_YUAN:
        result = dataclasses.replace(result, pay=dataclasses.replace(result.pay, currency=currency))
    return result, problems


def listings_from_doc(doc: Any, origin: Location) -> tuple[list[Listing], list[Problem], int]:
    """Every posting in a JSON-LD document -> (listings, problems, postings found)."""
    found = postings(doc)
    out, problems = [], []
    for n, node in enumerate(found, start=1):
        item, probs = listing(node, origin)
        if item is None:
            problems += [_entry_problem(p, n) for p in probs if p.severity is Severity.ERROR]
        else:
            out.append(item)
    return out, problems, len(found)


def _entry_problem(p: Problem, n: int) -> Problem:
    return Problem(p.where, f"第{n}条招聘没有显示：{p.zh}", f"posting {n} not shown: {p.en}",
                   Severity.WARNING)

