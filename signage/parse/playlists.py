"""Playlists: what the station shows, in which order, and when (files in ``playlists/``).

Each ``playlists/*.yaml`` file is one playlist: an ordered list of slides (job
pages, posters, announcements, live-stream and join slides with QR codes,
figures) and a schedule (time windows, weekdays, dates) saying when it is on.
``playlists/urgent.yaml`` (or ``紧急.yaml``) is a priority message that takes
over every screen until it is removed or expires. See docs/programme.md.

Parsing is pure and never raises: whatever is wrong becomes a located
:class:`~signage.core.model.Problem` (file and line, Chinese and English) and the
rest of the file is still used. Nothing here knows the clock; ``schedule.py``
decides what is on at an instant.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from signage.core.model import Clip, Listing, Location, Problem, Settlement, Severity
from signage.core.theme_names import THEME_NAMES
from signage.kinds import registry as kinds

from . import images, yamlsafe
from .normalise import parse_date

URGENT_NAMES = ("urgent", "紧急")  # file stems of the priority message
SORTS = ("", "newest", "pay", "expires", "title")
THEMES = THEME_NAMES
MAX_FILE_BYTES = 512 * 1024

# Field names staff may write, per place in the file.
PLAYLIST_FIELDS = {
    "name": "name", "名称": "name",
    "theme": "theme", "主题": "theme",
    "schedule": "schedule", "时间表": "schedule", "播放时间": "schedule",
    "slides": "slides", "内容": "slides",
    "default": "default", "默认": "default",
    "sleep": "sleep", "休息": "sleep", "黑屏": "sleep",
    "priority": "priority", "优先级": "priority",
    "cards": "cards", "每页": "cards",
    "seconds": "seconds", "秒": "seconds", "秒数": "seconds",
}
WINDOW_FIELDS = {
    "time": "time", "时段": "time", "时间": "time",
    "start": "start", "开始": "start", "end": "end", "结束": "end",
    "days": "days", "星期": "days", "weekdays": "days",
    "from": "from", "从": "from", "开始日期": "from",
    "until": "until", "到": "until", "结束日期": "until",
}
# The fields every slide has; each kind adds its own (signage/kinds/: ``Kind.fields``).
COMMON_FIELDS = {
    "kind": "kind", "类型": "kind",
    "seconds": "seconds", "秒": "seconds", "秒数": "seconds",
    "title": "title", "标题": "title",
    "text": "text", "文字": "text", "内容": "text",
    "qr": "qr", "二维码": "qr", "link": "qr", "链接": "qr", "网址": "qr",
    "image": "image", "图片": "image",
    "from": "from", "until": "until", "到": "until", "截止": "until",
}
SORT_ALIASES = {"newest": "newest", "最新": "newest", "pay": "pay", "工资": "pay",
                "expires": "expires", "截止": "expires", "title": "title", "岗位": "title"}
THEME_ALIASES = {"day": "day", "白天": "day", "night": "night", "夜市": "night", "夜间": "night",
                 "blackboard": "night", "黑板": "night", "large": "large", "大字": "large"}
DAYS = {
    "mon": 0, "monday": 0, "周一": 0, "星期一": 0, "1": 0,
    "tue": 1, "tuesday": 1, "周二": 1, "星期二": 1, "2": 1,
    "wed": 2, "wednesday": 2, "周三": 2, "星期三": 2, "3": 2,
    "thu": 3, "thursday": 3, "周四": 3, "星期四": 3, "4": 3,
    "fri": 4, "friday": 4, "周五": 4, "星期五": 4, "5": 4,
    "sat": 5, "saturday": 5, "周六": 5, "星期六": 5, "6": 5,
    "sun": 6, "sunday": 6, "周日": 6, "周天": 6, "星期日": 6, "星期天": 6, "7": 6, "0": 6,
}
DAY_GROUPS = {"weekdays": range(5), "工作日": range(5), "weekend": (5, 6), "周末": (5, 6),
              "每天": range(7), "daily": range(7)}


# ------------------------------------------------------------------ values


@dataclass(frozen=True)
class JobFilter:
    """Which listings a job slide shows: every given criterion must hold (any of its values)."""

    tags: tuple[str, ...] = ()
    settlements: tuple[Settlement, ...] = ()
    places: tuple[str, ...] = ()  # a part of the listing's place, e.g. 童家镇
    employers: tuple[str, ...] = ()  # a part of the employer's name

    def matches(self, listing: Listing) -> bool:
        if self.tags and not set(self.tags) & set(listing.tags):
            return False
        if self.settlements and listing.settlement not in self.settlements:
            return False
        if self.places and not any(p in listing.place for p in self.places):
            return False
        return not (self.employers and not any(e in listing.employer for e in self.employers))


@dataclass(frozen=True)
class SlideSpec:
    """One entry of a playlist, before it meets the content (a job entry becomes several pages)."""

    kind: str
    origin: Location
    seconds: float | None = None  # None: the page time for jobs, else derived from the reading
    title: str = ""
    text: str = ""
    qr: str = ""
    image: str = ""  # absolute path
    details: tuple[tuple[str, str], ...] = ()  # live: when/where; figures: what staff entered
    auto_figures: bool = True  # figures: add the counts of today's listings
    filter: JobFilter = field(default_factory=JobFilter)
    sort: str = ""
    cards: int | None = None
    first: dt.date | None = None  # shown from this date (inclusive)
    last: dt.date | None = None  # through this date (inclusive)
    image_version: str = ""  # the image file's identity (see sources.images.Picture)
    extra: tuple[tuple[str, Any], ...] = ()  # the kind's own fields (Kind.fields), by name
    clip: Clip | None = None  # a video slide's clip, probed (kinds/video.py)

    def shown_on(self, day: dt.date) -> bool:
        return not ((self.first and day < self.first) or (self.last and day > self.last))


@dataclass(frozen=True)
class Window:
    """When a playlist is on: a daily time span on some weekdays between two dates.

    ``start``/``end`` are minutes after midnight; ``end <= start`` means the span
    runs past midnight (22:00-07:00), and it belongs to the day it starts on.
    """

    start: int = 0
    end: int = 24 * 60
    days: frozenset[int] = frozenset()  # 0 = Monday; empty = every day
    first: dt.date | None = None
    last: dt.date | None = None
    has_time: bool = False

    def day_ok(self, day: dt.date) -> bool:
        if self.days and day.weekday() not in self.days:
            return False
        if self.first is not None and day < self.first:
            return False
        return not (self.last is not None and day > self.last)

    @property
    def minutes(self) -> int:
        return (self.end - self.start) % (24 * 60) or 24 * 60

    def covers(self, moment: dt.datetime) -> bool:
        day = moment.date()
        mins = moment.hour * 60 + moment.minute + moment.second / 60
        if not self.has_time:
            return self.day_ok(day)
        if self.start < self.end:
            return self.day_ok(day) and self.start <= mins < self.end
        return ((self.day_ok(day) and mins >= self.start)
                or (self.day_ok(day - dt.timedelta(days=1)) and mins < self.end))

    def specificity(self) -> tuple:
        """Higher wins: dates before weekdays before times, then the shorter span."""
        return (self.first is not None or self.last is not None, bool(self.days), self.has_time,
                -self.minutes)

    def edges(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """Where this window opens and closes when it starts on ``day`` (naive local times)."""
        if not self.day_ok(day):
            return None
        midnight = dt.datetime.combine(day, dt.time())
        if not self.has_time:
            return midnight, midnight + dt.timedelta(days=1)
        end_day = 0 if self.start < self.end else 1
        return (midnight + dt.timedelta(minutes=self.start),
                midnight + dt.timedelta(days=end_day, minutes=self.end))


@dataclass(frozen=True)
class Playlist:
    name: str
    key: str  # the file, relative to the playlists folder
    slides: tuple[SlideSpec, ...] = ()
    windows: tuple[Window, ...] = ()  # empty: not scheduled (a default)
    theme: str | None = None  # None: the theme of config.yaml
    sleep: bool = False  # sleep hours: the screens show black
    default: bool = False
    priority: int = 0
    cards: int | None = None
    seconds: float | None = None
    order: int = 0  # position among the files, for ties

    @property
    def is_default(self) -> bool:
        return self.default or not self.windows


@dataclass(frozen=True)
class Urgent:
    """The priority message: shown on every screen from ``starts`` until ``until``."""

    slide: SlideSpec
    starts: dt.datetime | None = None
    until: dt.datetime | None = None
    theme: str | None = None

    def active(self, moment: dt.datetime) -> bool:
        if self.starts is not None and moment < self.starts:
            return False
        return not (self.until is not None and moment >= self.until)


@dataclass(frozen=True)
class Playlists:
    """Every playlist file read, the urgent message if any, and what was wrong."""

    playlists: tuple[Playlist, ...] = ()
    urgent: Urgent | None = None
    problems: tuple[Problem, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.playlists) or self.urgent is not None

    @property
    def pictures(self) -> tuple[str, ...]:
        """The picture and clip files the slides show (one replaced under its name: read again)."""
        clips = tuple(s.clip.path for p in self.playlists for s in p.slides if s.clip)
        return tuple(path for path, _ in self.named_pictures) + clips

    @property
    def named_pictures(self) -> list[tuple[str, str]]:
        """(path, version) of the pictures the slides show."""
        specs = [s for p in self.playlists for s in p.slides] + ([self.urgent.slide] if self.urgent else [])
        return [(s.image, s.image_version) for s in specs if s.image]

    @property
    def announcements(self) -> tuple[SlideSpec, ...]:
        return tuple(s for p in self.playlists for s in p.slides if s.kind == "announcement")


# ------------------------------------------------------------------ parsing helpers


class _Reader:
    """Collects problems located in one file."""

    def __init__(self, key: str):
        self.key = key
        self.problems: list[Problem] = []

    def where(self, node: Any = None, name: Any = None) -> Location:
        line = None
        if isinstance(node, yamlsafe.LocatedDict):
            line = node.line_of(name) if name is not None else node.line
        elif isinstance(node, yamlsafe.LocatedList):
            line = node.line
        return Location(self.key, line)

    def problem(self, node: Any, name: Any, zh: str, en: str, severity=Severity.ERROR) -> None:
        self.problems.append(Problem(self.where(node, name), zh, en, severity))

    def fields(self, node: dict, names: dict[str, str], what_zh: str) -> dict[str, tuple[Any, Any]]:
        """``canonical -> (value, key as written)``; unknown keys are reported."""
        out: dict[str, tuple[Any, Any]] = {}
        for key, value in node.items():
            canon = names.get(str(key).strip().lower()) or names.get(str(key).strip())
            if canon is None:
                known = "、".join(sorted({k for k in names if k.isascii()}))
                self.problem(node, key, f"{what_zh}里不认识“{key}”，已忽略（可以写：{known}）",
                             f"unknown field '{key}' ignored (known: {known})", Severity.WARNING)
                continue
            if canon in out:
                self.problem(node, key, f"“{key}”写了两次，只用第一个",
                             f"'{key}' given twice; the first is used", Severity.WARNING)
                continue
            out[canon] = (value, key)
        return out


def as_text(value: Any) -> str:
    """What staff wrote, as stripped text (a list: one line each)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(as_text(v) for v in value)
    return str(value).strip()


def _strings(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    items = value if isinstance(value, list) else re.split(r"[,，、;；\s]+", str(value))
    return tuple(s for s in (str(v).strip() for v in items) if s)


def parse_clock(value: Any) -> int | None:
    """Minutes after midnight from ``18:00``, ``18：00``, ``18点30``, ``1830`` (or YAML's 1080)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        # YAML 1.1 reads an unquoted 18:00 as the sexagesimal number 1080 (= 18*60 + 0).
        return value if 0 <= value <= 24 * 60 else None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    m = re.fullmatch(r"(\d{1,2})(?:[:.点时](\d{1,2})?分?|(\d{2}))?", text)
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or m.group(3) or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return hour * 60 + minute


def parse_span(value: Any) -> tuple[int, int] | None:
    """``18:00-21:30`` (also ``~``, ``到``, ``至``) -> (start, end) minutes."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    parts = re.split(r"\s*(?:-|~|–|—|到|至)\s*", text)
    if len(parts) != 2:
        return None
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if start is None or end is None:
        return None
    return start, end


def parse_moment(value: Any, end_of_day: bool = False) -> dt.datetime | None:
    """``2026-11-09 18:30`` or a date (its start, or with ``end_of_day`` the next midnight)."""
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("T", " ")
    m = re.fullmatch(r"(.+?)\s+(\d{1,2}[:：]\d{2})(?::\d{2})?", text)
    if m:
        day = parse_date(m.group(1))
        minutes = parse_clock(m.group(2))
        if day is None or minutes is None:
            return None
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    day = parse_date(text)
    if day is None:
        return None
    start = dt.datetime.combine(day, dt.time())
    return start + dt.timedelta(days=1) if end_of_day else start


def parse_days(value: Any) -> frozenset[int] | None:
    days: set[int] = set()
    items = value if isinstance(value, list) else re.split(r"[,，、;；\s]+", str(value))
    for item in items:
        word = unicodedata.normalize("NFKC", str(item)).strip().lower()
        if not word:
            continue
        if word in DAY_GROUPS:
            days.update(DAY_GROUPS[word])
            continue
        span = re.fullmatch(r"(.+?)\s*(?:-|~|到|至)\s*(.+)", word)
        if span and span.group(1) in DAYS and span.group(2) in DAYS:
            a, b = DAYS[span.group(1)], DAYS[span.group(2)]
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
            continue
        if word not in DAYS:
            return None
        days.add(DAYS[word])
    return frozenset(days)


def reading_seconds(*texts: str, base: float = 6.0) -> float:
    """Time to read a slide aloud-slowly: ~4 Chinese characters a second, 8 to 30 s."""
    chars = sum(len(re.sub(r"\s", "", t)) for t in texts)
    return float(min(30.0, max(8.0, base + chars / 4)))


# ------------------------------------------------------------------ a playlist file


def _window(r: _Reader, node: Any) -> Window | None:
    if isinstance(node, str | int):
        node = {"time": node}
    if not isinstance(node, dict):
        r.problem(node, None, "时间表的每一项应写成“时段: 18:00-21:30”这样的形式",
                  "each schedule entry should look like 'time: 18:00-21:30'")
        return None
    f = r.fields(node, WINDOW_FIELDS, "时间表")
    start, end, has_time = 0, 24 * 60, False
    if "time" in f:
        span = parse_span(f["time"][0])
        if span is None:
            r.problem(node, f["time"][1], f"看不懂时段“{f['time'][0]}”，请写成 18:00-21:30",
                      f"cannot read the time span '{f['time'][0]}'; write e.g. 18:00-21:30")
            return None
        (start, end), has_time = span, True
    if "start" in f or "end" in f:
        s = parse_clock(f["start"][0]) if "start" in f else 0
        e = parse_clock(f["end"][0]) if "end" in f else 24 * 60
        if s is None or e is None:
            bad = f["start"] if s is None else f["end"]
            r.problem(node, bad[1], f"看不懂时间“{bad[0]}”，请写成 18:00（加引号更稳妥：\"18:00\"）",
                      f"cannot read the time '{bad[0]}'; write e.g. \"18:00\"")
            return None
        start, end, has_time = s, e, True
    if has_time and start == end:
        has_time, start, end = False, 0, 24 * 60
    days: frozenset[int] = frozenset()
    if "days" in f:
        parsed = parse_days(f["days"][0])
        if parsed is None:
            r.problem(node, f["days"][1], f"看不懂星期“{f['days'][0]}”，请写成 [周一, 周三] 或 工作日、周末",
                      f"cannot read the weekdays '{f['days'][0]}'; write e.g. [mon, wed], weekdays or weekend")
            return None
        days = parsed if len(parsed) < 7 else frozenset()
    dates: dict[str, dt.date | None] = {"from": None, "until": None}
    for name in dates:
        if name in f:
            dates[name] = parse_date(f[name][0])
            if dates[name] is None:
                r.problem(node, f[name][1], f"看不懂日期“{f[name][0]}”，请写成 2026-12-31",
                          f"cannot read the date '{f[name][0]}'; write e.g. 2026-12-31")
                return None
    return Window(start, end, days, dates["from"], dates["until"], has_time)


def slide_fields() -> dict[str, str]:
    """What staff may write in a slide -> the field: the common fields and every kind's."""
    return {**COMMON_FIELDS, **kinds.field_names()}


@dataclass
class SlideInput:
    """A written slide as its kind's ``parse`` sees it: the fields as written (by name, with
    the key as written), the common ones already read, and a way to report a problem."""

    kind: kinds.Kind
    reader: _Reader
    node: Any
    written: dict[str, tuple[Any, Any]]
    title: str = ""
    text: str = ""
    qr: str = ""
    image: str = ""
    base_dir: Path | None = None  # the playlist's folder: files a slide names are relative to it

    def value(self, name: str, default: Any = None) -> Any:
        """The value as written, else ``default``, else the kind's default for the field."""
        if name in self.written:
            return self.written[name][0]
        if default is not None:
            return default
        return next((f.default for f in self.kind.fields if f.name == name), None)

    def text_of(self, name: str) -> str:
        return as_text(self.value(name))

    def strings(self, name: str) -> tuple[str, ...]:
        return _strings(self.value(name))

    def problem(self, name: str | None, zh: str, en: str, severity: Severity = Severity.ERROR) -> None:
        """A problem at the line of field ``name`` (None: of the slide)."""
        self.reader.problem(self.node, self.written[name][1] if name else None, zh, en, severity)

    def cards(self) -> int | None:
        return _cards(self.reader, self.node, self.written["cards"]) if "cards" in self.written else None

    def extra(self) -> tuple[tuple[str, Any], ...]:
        """The kind's own fields as written (as text), else their defaults."""
        return tuple((f.name, self.text_of(f.name) if f.name in self.written else f.default)
                     for f in self.kind.fields)


def _kind(r: _Reader, node: Any, f: dict[str, tuple[Any, Any]]) -> kinds.Kind | None:
    names = "、".join(k.name for k in kinds.writable())
    names_en = ", ".join(k.name for k in kinds.writable())
    if "kind" not in f:
        r.problem(node, None, f"幻灯片缺少“类型”，已跳过。可以写：{names}",
                  f"slide without 'kind'; skipped. Kinds: {names_en}")
        return None
    kind = kinds.by_alias(f["kind"][0])
    if kind is None:
        r.problem(node, f["kind"][1], f"不认识的类型“{f['kind'][0]}”，已跳过。可以写：{names}",
                  f"unknown slide kind '{f['kind'][0]}'; skipped. Kinds: {names_en}")
    return kind


def _seconds(inp: SlideInput) -> float | None:
    if "seconds" not in inp.written:
        return None
    value = inp.value("seconds")
    try:
        seconds = float(value)
        if not 1 <= seconds <= 3600:
            raise ValueError
        return seconds
    except (TypeError, ValueError):
        inp.problem("seconds", f"秒数“{value}”应是 1 到 3600 的数字，已按默认时长",
                    f"seconds '{value}' should be a number from 1 to 3600; default used", Severity.WARNING)
        return None


def _picture(inp: SlideInput, base_dir: Path) -> dict[str, Any] | None:
    """Vet the slide's picture: its SlideSpec values, or None when the slide is skipped for it."""
    written = inp.value("image")
    if not written:
        return {}
    p = Path(str(written))
    path = str(p if p.is_absolute() else base_dir / p)
    if not Path(path).is_file():
        refused = images.Refused(f"找不到图片“{written}”", f"image '{written}' not found")
    else:
        try:
            picture = images.vet(path, inside=base_dir)
            return {"image": picture.path, "image_version": picture.version}
        except images.Refused as why:
            refused = images.Refused(f"图片“{written}”没有显示：{why.zh}",
                                     f"image '{written}' not shown: {why.en}")
    how = inp.kind.picture_refused
    inp.problem("image", refused.zh, refused.en, Severity.WARNING if how == "warn" else Severity.ERROR)
    return None if how == "skip" else {}


def _qr(inp: SlideInput) -> str:
    """A URL as written, a phone number as ``tel:``; anything else is reported."""
    qr = inp.qr
    if not qr or re.match(r"^(https?://|weixin://|tel:|mailto:|wxp://)", qr, re.I):
        return qr
    digits = re.sub(r"[\s\-]", "", qr)
    if re.fullmatch(r"\+?\d{7,15}", digits):
        return "tel:" + digits
    inp.problem("qr", f"二维码内容“{qr}”应是网址（http:// 或 https:// 开头）或电话号码",
                f"QR target '{qr}' should be a URL (http:// or https://) or a phone number",
                Severity.WARNING)
    return qr


def _dates(inp: SlideInput) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, attr in (("from", "first"), ("until", "last")):
        if name in inp.written:
            value = inp.value(name)
            out[attr] = parse_date(value)
            if out[attr] is None:
                inp.problem(name, f"看不懂日期“{value}”，请写成 2026-12-31；这张幻灯片每天都放",
                            f"cannot read the date '{value}'; write e.g. 2026-12-31 (the slide is shown every day)",
                            Severity.WARNING)
    return out


def _slide(r: _Reader, node: Any, base_dir: Path) -> SlideSpec | None:
    """One written slide -> its spec: the common fields here, the rest by its kind's ``parse``."""
    if isinstance(node, str) and kinds.by_alias(node.strip()) is not None:
        node = {"kind": node.strip()}
    if not isinstance(node, dict):
        r.problem(node, None, "这一项应是一张幻灯片（“类型: 通知”这样的形式），已跳过",
                  "expected a slide (e.g. 'kind: announcement'); skipped")
        return None
    f = r.fields(node, slide_fields(), "幻灯片")
    kind = _kind(r, node, f)
    if kind is None:
        return None
    inp = SlideInput(kind, r, node, f, as_text(f.get("title", ("",))[0]), as_text(f.get("text", ("",))[0]),
                     as_text(f.get("qr", ("",))[0]), base_dir=base_dir)
    seconds = _seconds(inp)
    args = _picture(inp, base_dir)
    if args is None:
        return None
    inp.image = args.get("image", "")
    inp.qr = _qr(inp)
    args.update(_dates(inp))
    own = kind.parse(inp) if kind.parse else {"extra": inp.extra()}
    if own is None:
        return None
    values = {"seconds": seconds, "title": inp.title, "text": inp.text, "qr": inp.qr, **args, **own}
    return SlideSpec(kind.name, r.where(node), **values)


def _cards(r: _Reader, node: Any, entry: tuple[Any, Any]) -> int | None:
    try:
        n = int(entry[0])
        if not 1 <= n <= 4:
            raise ValueError
        return n
    except (TypeError, ValueError):
        r.problem(node, entry[1], f"每页张数“{entry[0]}”应是 1 到 4", f"cards '{entry[0]}' should be 1 to 4",
                  Severity.WARNING)
        return None


def _document(text: str, r: _Reader) -> Any:
    try:
        return yamlsafe.load_one(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        r.problems.append(Problem(Location(r.key, mark.line + 1 if mark else None),
                                  "格式有误（常见原因：冒号后少了空格、缩进不齐），整个文件没有读取",
                                  f"not valid YAML ({getattr(exc, 'problem', exc)}); the file was not read"))
    except yamlsafe.YamlRefused as exc:
        r.problems.append(Problem(Location(r.key, exc.line), exc.zh, exc.en))
    return None


def _theme(r: _Reader, doc: Any, f: dict[str, tuple[Any, Any]]) -> str | None:
    written = f.get("theme", (None,))[0]
    if not written:
        return None
    theme = THEME_ALIASES.get(as_text(written).lower())
    if theme is None:
        r.problem(doc, f["theme"][1], f"不认识的主题“{written}”，可以写 day、night 或 large",
                  f"unknown theme '{written}'; use day, night or large", Severity.WARNING)
    return theme


def _windows(r: _Reader, schedule: Any) -> tuple[list[Window], bool]:
    """The schedule's windows, and whether all of them could be read."""
    if schedule in (None, ""):
        return [], True
    windows: list[Window] = []
    ok = True
    for entry in schedule if isinstance(schedule, list) else [schedule]:
        w = _window(r, entry)
        ok = ok and w is not None
        if w is not None:
            windows.append(w)
    return windows, ok


def _slides(r: _Reader, doc: Any, f: dict[str, tuple[Any, Any]], base_dir: Path) -> list[SlideSpec]:
    raw = f.get("slides", (None,))[0]
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        r.problem(doc, f["slides"][1], "“内容”应是一个列表（每项前面加“- ”）",
                  "'slides' should be a list (each item starting with '- ')")
        return []
    return [spec for spec in (_slide(r, item, base_dir) for item in raw) if spec is not None]


def _page_seconds(r: _Reader, doc: Any, f: dict[str, tuple[Any, Any]]) -> float | None:
    written = f.get("seconds", (None,))[0]
    if written in (None, ""):
        return None
    try:
        return max(1.0, float(written))
    except (TypeError, ValueError):
        r.problem(doc, f["seconds"][1], "秒数应是数字", "seconds should be a number", Severity.WARNING)
        return None


def _priority(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def load_playlist_text(text: str, key: str, base_dir: Path, order: int = 0
                       ) -> tuple[Playlist | None, list[Problem]]:
    """One playlist file's text -> the playlist (None when unusable) and its problems."""
    r = _Reader(key)
    doc = _document(text, r)
    if doc is None:
        if not r.problems:
            r.problems.append(Problem(Location(key), "文件是空的", "the file is empty", Severity.WARNING))
        return None, r.problems
    if not isinstance(doc, dict):
        r.problem(doc, None, "播放列表应写成“名称: …”“内容: …”这样的字段", "a playlist must be a mapping of fields")
        return None, r.problems
    f = r.fields(doc, PLAYLIST_FIELDS, "播放列表")
    g = {k: v for k, (v, _) in f.items()}
    name = as_text(g.get("name")) or Path(key).stem
    theme = _theme(r, doc, f)
    sleep = _truthy(g.get("sleep"))
    windows, ok = _windows(r, g.get("schedule"))
    if not ok:
        r.problem(doc, f["schedule"][1], f"时间表有错，“{name}”暂不播放，改好后自动生效",
                  f"the schedule has errors, so '{name}' is not shown until it is fixed")
        return None, r.problems
    slides = _slides(r, doc, f, base_dir)
    if not slides and not sleep:
        r.problem(doc, None, f"“{name}”没有可以播放的内容，暂不播放", f"'{name}' has nothing to show; not used")
        return None, r.problems
    cards = _cards(r, doc, f["cards"]) if "cards" in f else None
    return Playlist(name, key, tuple(slides), tuple(windows), theme, sleep, _truthy(g.get("default")),
                    _priority(g.get("priority")), cards, _page_seconds(r, doc, f), order), r.problems


def load_urgent_text(text: str, key: str, base_dir: Path) -> tuple[Urgent | None, list[Problem]]:
    """The priority message: a slide's fields (title, text, qr) plus ``from``/``until``."""
    r = _Reader(key)
    doc = _document(text, r)
    if doc is None:
        return None, r.problems
    if not isinstance(doc, yamlsafe.LocatedDict):
        r.problem(doc, None, "紧急通知应写成“标题: …”“文字: …”", "the urgent message must be a mapping (title, text)")
        return None, r.problems
    theme = THEME_ALIASES.get(as_text(doc.pop("theme", doc.pop("主题", ""))).lower()) or None
    moments: dict[str, dt.datetime | None] = {"from": None, "until": None}
    plain = yamlsafe.LocatedDict()
    plain.line, plain.column, plain.key_lines = doc.line, doc.column, doc.key_lines
    fields = slide_fields()
    for key_, value in doc.items():
        canon = fields.get(str(key_).strip().lower()) or fields.get(str(key_).strip())
        if canon in moments:
            moments[canon] = parse_moment(value, end_of_day=canon == "until")
            if moments[canon] is None:
                r.problem(doc, key_, f"看不懂时间“{value}”，请写成 2026-11-09 18:30",
                          f"cannot read the time '{value}'; write e.g. 2026-11-09 18:30")
                return None, r.problems
        else:
            plain[key_] = value
    plain.setdefault("kind", "announcement")
    spec = _slide(r, plain, base_dir)
    if spec is None:
        return None, r.problems
    return Urgent(spec, moments["from"], moments["until"], theme), r.problems


def _truthy(value: Any) -> bool:
    return value not in (None, False, "", 0, "否", "no", "false", "False")


# ------------------------------------------------------------------ the folder


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir()
                  if p.is_file() and p.suffix.lower() in (".yaml", ".yml")
                  and not p.name.startswith((".", "~$", "_")))


def urgent_files(drop: Path | None) -> list[Path]:
    """``紧急.yaml`` / ``urgent.yaml`` dropped at the top of the staff's drop folder."""
    if drop is None or not drop.is_dir():
        return []
    return [p for p in sorted(drop.iterdir()) if p.suffix.lower() in (".yaml", ".yml")
            and p.stem.lower() in URGENT_NAMES and p.is_file()]


def fingerprint(root: Path | None, pictures: tuple[str, ...] = (), drop: Path | None = None) -> tuple:
    """A cheap summary (names, sizes, mtimes) that changes when any playlist file does,
    the urgent notice in the drop folder ``drop``, or any of the ``pictures`` the playlists show."""
    if root is None and drop is None:
        return ()
    out = []
    for p in [*(_files(root) if root is not None else []), *urgent_files(drop), *map(Path, pictures)]:
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


def load_dir(root: Path | None, drop: Path | None = None) -> Playlists:
    """Every playlist in ``root`` (not its subfolders: ``playlists/jobs`` holds listings), and
    the urgent notice there or at the top of the staff's drop folder ``drop``."""
    if root is None and drop is None:
        return Playlists()
    playlists: list[Playlist] = []
    problems: list[Problem] = []
    urgent: Urgent | None = None
    files = [(p, p.name, root) for p in _files(root)] if root is not None else []
    if drop is not None and drop != root:
        files += [(p, p.name, drop) for p in urgent_files(drop)]
    for order, (path, key, folder) in enumerate(files):
        try:
            data = path.read_bytes()
            if len(data) > MAX_FILE_BYTES:
                raise ValueError("too large")
            text = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problems.append(Problem(Location(key), "文件读不了（要用 UTF-8 保存，且不要太大）",
                                    f"cannot read the file: {exc}"))
            continue
        if path.stem.lower() in URGENT_NAMES:
            message, found_problems = load_urgent_text(text, key, folder)
            urgent = message or urgent
        else:
            found, found_problems = load_playlist_text(text, key, folder, order)
            if found is not None:
                playlists.append(found)
        problems += found_problems
    return Playlists(tuple(playlists), urgent, tuple(problems))
