"""Plain, frozen data that flows from the sources to the screen.

Nothing here knows about pygame, files or the network: every other layer
builds or reads these values, and tests can make them by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any


class PayUnit(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    PIECE = "piece"
    JOB = "job"  # a lump sum for the whole job

    @property
    def zh(self) -> str:
        return _UNIT_ZH[self]


_UNIT_ZH = {
    PayUnit.HOUR: "小时",
    PayUnit.DAY: "天",
    PayUnit.WEEK: "周",
    PayUnit.MONTH: "月",
    PayUnit.YEAR: "年",
    PayUnit.PIECE: "件",
    PayUnit.JOB: "单",
}


class Settlement(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    PIECE = "piece"
    COMPLETION = "completion"
    SPOT = "spot"  # 现结: paid on the spot
    NEXT_DAY = "next-day"  # 次日结

    @property
    def zh(self) -> str:
        return _SETTLEMENT_ZH[self]

    @property
    def kind(self) -> Settlement:
        """The settlement this one is drawn like (its badge colour): 现结 and 次日结 are daily."""
        return Settlement.DAILY if self in (Settlement.SPOT, Settlement.NEXT_DAY) else self

    @property
    def pay_unit(self) -> PayUnit | None:
        """The unit a bare amount of pay settled this way is counted in (日结 150: per day)."""
        return _SETTLEMENT_UNIT.get(self.kind)


_SETTLEMENT_ZH = {
    Settlement.DAILY: "日结",
    Settlement.WEEKLY: "周结",
    Settlement.MONTHLY: "月结",
    Settlement.PIECE: "计件",
    Settlement.COMPLETION: "完工结",
    Settlement.SPOT: "现结",
    Settlement.NEXT_DAY: "次日结",
}
_SETTLEMENT_UNIT = {
    Settlement.DAILY: PayUnit.DAY,
    Settlement.WEEKLY: PayUnit.WEEK,
    Settlement.MONTHLY: PayUnit.MONTH,
    Settlement.PIECE: PayUnit.PIECE,
    Settlement.COMPLETION: PayUnit.JOB,
}


@dataclass(frozen=True)
class Pay:
    """An amount or a range of money per unit; ``high`` is None for a single amount."""

    low: float
    high: float | None = None
    unit: PayUnit = PayUnit.MONTH
    currency: str = "元"
    per: str = ""  # the word staff wrote for a unit of their trade (晚, 车, 桶, 趟), drawn as written

    def text(self) -> str:
        """Display form: ``150元/天``, ``3000-4500元/月``, ``120元/晚``."""
        amount = _num(self.low) if self.high is None else f"{_num(self.low)}-{_num(self.high)}"
        return f"{amount}{self.currency}/{self.per or self.unit.zh}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# a source key that starts with this names the county feed (the rest is its redacted URL)
FEED_PREFIX = "feed:"


def format_phone(phone: str) -> str:
    """A kept number as drawn: ``138 1234 5678``, ``0832-5509876``, ``400 123 4567``."""
    if "-" in phone or not phone.isdigit():
        return phone
    if len(phone) == 11 and phone.startswith("1"):
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if len(phone) == 10 and phone.startswith(("400", "800")):
        return f"{phone[:3]} {phone[3:6]} {phone[6:]}"
    return phone


@dataclass(frozen=True)
class Location:
    """Where something came from: a file (or URL) and, where known, a 1-based line and column."""

    source: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


@dataclass(frozen=True)
class Listing:
    """One job posting, validated and normalised."""

    id: str
    title: str
    employer: str = ""
    pay: Pay | None = None
    pay_text: str = ""  # free-form pay when it could not be parsed into Pay ("面议")
    settlement: Settlement | None = None
    place: str = ""
    hours: str = ""
    headcount: int | None = None
    requirements: tuple[str, ...] = ()
    description: str = ""
    contact: str = ""
    phone: str = ""  # digits only (a landline's area code hyphenated), formatted when drawn
    more_phones: tuple[str, ...] = ()  # further numbers given in the same cell
    phone_note: str = ""  # what staff wrote beside the number, e.g. 微信同号
    tags: tuple[str, ...] = ()
    starts: dt.date | None = None
    expires: dt.date | None = None
    image: str | None = None  # absolute path of a local image
    image_version: str = ""  # the image file's identity (size, mtime, inode): a new file, a new page
    link: str | None = None
    origin: Location = field(default_factory=lambda: Location("?"))

    def is_current(self, today: dt.date) -> bool:
        """Shown only from its start date through its expiry date, both inclusive."""
        if self.starts is not None and today < self.starts:
            return False
        return not (self.expires is not None and today > self.expires)

    @property
    def pay_display(self) -> str:
        """The pay as drawn; a listing without one says 工资面议 (pay to be agreed)."""
        return self.pay.text() if self.pay else self.pay_text or "工资面议"

    @property
    def phone_display(self) -> str:
        """The numbers as drawn: ``138 1234 5678``, ``0832-5509876``, then a note (微信同号)."""
        shown = "  ".join(format_phone(p) for p in (self.phone, *self.more_phones) if p)
        return f"{shown}（{self.phone_note}）" if shown and self.phone_note else shown

    @cached_property
    def job(self) -> str:
        """What makes two listings the same job on screen, whatever their ids: computed once,
        as one string, whose hash Python keeps (the store compares 10,000 on every change)."""
        return "\x1f".join(str(x) for x in (self.title, self.employer, self.pay_display, self.settlement,
                                             self.phone, self.place, self.hours, self.starts, self.expires))

    def all_text(self) -> str:
        """Every string that may be drawn, for checking the font covers it."""
        parts = [self.title, self.employer, self.pay_display, self.place, self.hours,
                 self.description, self.contact, self.phone_note, *self.requirements, *self.tags]
        if self.settlement:
            parts.append(self.settlement.zh)
        return "".join(parts)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """A located, human-readable problem with some content, in Chinese and English."""

    where: Location
    zh: str
    en: str
    severity: Severity = Severity.ERROR
    code: str = ""  # what kind of problem, for machines: "duplicate", "glyphs", ""

    def __str__(self) -> str:
        return f"{self.where}: {self.zh} / {self.en}"

    def as_dict(self) -> dict:
        return {
            "file": self.where.source,
            "line": self.where.line,
            "column": self.where.column,
            "severity": self.severity.value,
            "code": self.code,
            "zh": self.zh,
            "en": self.en,
        }


@dataclass(frozen=True)
class Poster:
    """A full-screen image slide (an image file dropped in the folder)."""

    id: str
    image: str
    origin: Location
    version: str = ""  # the image file's identity (size, mtime, inode): a new file, a new page


@dataclass(frozen=True)
class Clip:
    """A video clip (a file dropped in the folder), probed: it opens and its first frame decodes."""

    id: str
    path: str
    origin: Location
    version: str = ""  # the file's identity (size, mtime, inode): a new file, a new slide
    seconds: float = 0.0  # its length
    size: tuple[int, int] = (0, 0)  # width, height in pixels
    codec: str = ""


@dataclass(frozen=True)
class SourceResult:
    """What one source (a file, a feed) yielded on its latest read."""

    key: str
    listings: tuple[Listing, ...] = ()
    posters: tuple[Poster, ...] = ()
    problems: tuple[Problem, ...] = ()
    clips: tuple[Clip, ...] = ()
    ok: bool = True  # False when the source as a whole could not be read (keep the last good)
    hidden_ids: tuple[str, ...] = ()  # feed listings a local file hides (``{id: X, hide: true}``)
    rejected: tuple[tuple[Location, str], ...] = ()  # (where, title) of entries not shown for errors
    relayed: bool = False  # a feed another box of the station serves: shown, never served on


@dataclass(frozen=True)
class Snapshot:
    """Everything the screen may show, as of one moment; replaced whole, never mutated."""

    listings: tuple[Listing, ...] = ()
    posters: tuple[Poster, ...] = ()
    problems: tuple[Problem, ...] = ()
    version: int = 0
    loaded_at: dt.datetime | None = None
    stale_sources: tuple[str, ...] = ()  # sources showing their last good copy
    clips: tuple[Clip, ...] = ()
    relayed_sources: tuple[str, ...] = ()  # feeds from other boxes (not served on by /feed.json)

    def current(self, today: dt.date) -> tuple[Listing, ...]:
        return tuple(x for x in self.listings if x.is_current(today))


@dataclass(frozen=True)
class Slide:
    """One full screen of content, as the schedule decides it; drawn by ``render``.

    Equal slides draw equal pixels, so a slide is its own cache key.
    """

    kind: str  # a kind of signage/kinds: "jobs", "poster", "video", "empty" (no listings yet),
    # "black" (sleep hours), "urgent", and from playlists "announcement", "live", "join", "figures"
    listings: tuple[Listing, ...] = ()
    poster: Poster | None = None  # the image of a poster (or of a join slide's group QR picture)
    page: int = 0  # 0-based page number among the slides of this cycle
    pages: int = 1
    seconds: float = 12.0
    theme: str = "day"
    title: str = ""
    text: str = ""
    qr: str = ""  # what the slide's QR code encodes (a URL, tel:...)
    details: tuple[tuple[str, str], ...] = ()  # (label, value): a live stream's when/where, figures
    cards: int = 0  # the cards a job page was cut for (0: as config.yaml says)
    part: int = 0  # a listing alone over two pages: 1 on its first, 2 on its second (render/card.py)
    extra: tuple[tuple[str, Any], ...] = ()  # a kind's own fields (signage/kinds: Kind.fields)
    clip: Clip | None = None  # the clip of a "video" slide

    def value_of(self, name: str, default: Any = None) -> Any:
        """The value of the kind's own field ``name``."""
        return next((v for k, v in self.extra if k == name), default)
