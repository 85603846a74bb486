"""The play log: what each screen showed, one JSON line per listing impression.

Files are ``<folder>/YYYY-MM-DD.jsonl``, one per local day, pruned after
``keep_days``. Each slide put on the screen appends one line per listing on it
(or one line with ``listing: null`` for posters and empty pages)::

    {"t": "2026-11-09T18:30:00.000+08:00", "screen": "tv1", "slide": "jobs", "page": 1,
     "listing": "kitchen-01", "employer": "川味餐馆", "title": "厨房帮工", "seconds": 12.0}

What the TV was asked over HDMI-CEC (sleep hours) is a line of its own, with
``listing: null`` like every line that is no listing's impression (none where the
box has no CEC adapter)::

    {"t": "...", "screen": "tv1", "slide": "tv", "listing": null, "tv": "standby",
     "state": "standby", "tries": 1}

``seconds`` is the time the schedule gave the slide. When the slide really
stayed a different time (the content changed, the player stopped), one
correction line ``{"t": <same t>, "screen": ..., "fix": true, "seconds": 7.3}``
follows later; readers apply it to the lines with the same ``t`` and ``screen``.

Lines are written at the moment the slide appears and flushed by time (at most
``flush_every`` seconds later), so a crash loses at most the last second; a
line torn by a crash is skipped by the reader, and the writer starts a fresh
line after it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from signage.player.hooks import Hooks
from signage.sources.folder.decode import printable

log = logging.getLogger(__name__)

FILE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.jsonl$")


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t).astimezone().isoformat(timespec="milliseconds")


@dataclass
class _Showing:
    t: str
    started: float
    planned: float


class PlayLog(Hooks):
    """Appends impressions; owned by the frame loop, which calls ``tick`` on every wake-up."""

    def __init__(self, folder: Path, screen: str, keep_days: int = 90, flush_every: float = 0.5,
                 monotonic: Callable[[], float] = time.monotonic, output: int | None = None):
        self.folder = Path(folder)
        self.output = output  # log only this output's showings (0-based), or all of them
        self.screen = screen
        self.keep_days = max(1, int(keep_days))
        self.flush_every = flush_every
        self.monotonic = monotonic
        self._pending: list[tuple[dt.date, str]] = []
        self._file: TextIO | None = None
        self._day: dt.date | None = None
        self._last_flush = monotonic()
        self._current: _Showing | None = None
        self.lines = 0

    # ------------------------------------------------------------ recording
    def shown(self, now: float, kind: str, listings: Iterable, seconds: float, page: int = 0) -> None:
        """A slide appeared at ``now`` (epoch seconds) for a planned ``seconds``."""
        self._close_current(now)
        t = _iso(now)
        day = dt.date.fromtimestamp(now)
        base = {"t": t, "screen": self.screen, "slide": kind, "page": page + 1}
        rows = [{**base, "listing": x.id, "employer": x.employer, "title": x.title,
                 "seconds": round(seconds, 3)} for x in listings]
        if not rows:
            rows = [{**base, "listing": None, "employer": None, "title": None,
                     "seconds": round(seconds, 3)}]
        for row in rows:  # ids come from file names, which may be any bytes
            self._pending.append((day, printable(json.dumps(row, ensure_ascii=False))))
        self._current = _Showing(t, now, seconds)

    def event(self, now: float, **fields) -> None:
        """A line that is no impression (the TV's power): ``listing`` is null, readers skip it."""
        row = {"t": _iso(now), "screen": self.screen, "slide": "tv", "listing": None, **fields}
        self._pending.append((dt.date.fromtimestamp(now), json.dumps(row, ensure_ascii=False)))

    def _close_current(self, now: float) -> None:
        cur, self._current = self._current, None
        if cur is None:
            return
        actual = max(0.0, now - cur.started)
        if abs(actual - cur.planned) > 0.5:
            fix = {"t": cur.t, "screen": self.screen, "fix": True, "seconds": round(actual, 3)}
            self._pending.append((dt.date.fromtimestamp(now), json.dumps(fix, ensure_ascii=False)))

    def tick(self) -> None:
        """Flush when the last flush is ``flush_every`` old (cheap otherwise)."""
        if self._pending and self.monotonic() - self._last_flush >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        self._last_flush = self.monotonic()
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        try:
            # One write per day file: whole lines in one append, so several writers (one per
            # output of a box) sharing the day's file never split each other's lines.
            by_day: dict[dt.date, list[str]] = {}
            for day, line in pending:
                by_day.setdefault(day, []).append(line + "\n")
            for day, lines in by_day.items():
                f = self._file_for(day)
                f.write("".join(lines))
                f.flush()
                self.lines += len(lines)
        except OSError as exc:
            log.error("play log %s cannot be written: %s", self.folder, exc)
            self._close_file()

    def close(self, now: float | None = None) -> None:
        if now is not None:
            self._close_current(now)
        self.flush()
        self._close_file()

    def _file_for(self, day: dt.date) -> TextIO:
        if self._file is not None and day == self._day:
            return self._file
        self._close_file()
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{day.isoformat()}.jsonl"
        torn = path.exists() and path.stat().st_size > 0 and not _ends_with_newline(path)
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open across flushes
        if torn:
            self._file.write("\n")  # the last run died mid-line: start clean
        self._day = day
        self.prune(day)
        return self._file

    def _close_file(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
        self._file = None
        self._day = None

    def prune(self, today: dt.date) -> list[Path]:
        """Delete day files older than ``keep_days`` before ``today``."""
        gone = []
        oldest = today - dt.timedelta(days=self.keep_days - 1)
        for path in self.folder.glob("*.jsonl"):
            m = FILE_RE.match(path.name)
            if m and dt.date.fromisoformat(m.group(1)) < oldest:
                try:
                    path.unlink()
                    gone.append(path)
                except OSError as exc:
                    log.warning("cannot prune %s: %s", path, exc)
        return gone

    # ------------------------------------------------------------ player hooks
    def slide_shown(self, player, on, now: float, screen: int = 0) -> None:
        if self.output is not None and screen != self.output:
            return  # another output's log
        self.shown(now, on.slide.kind, on.slide.listings, max(0.0, on.next_change - now),
                   on.slide.page)

    def loop_tick(self, player) -> None:
        self.tick()

    def stopped(self, player) -> None:
        self.close(player.clock.time())


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as f:
        f.seek(-1, 2)
        return f.read(1) == b"\n"


# ---------------------------------------------------------------- reading


def read_records(folder: Path, start: dt.date, end: dt.date) -> Iterator[dict]:
    """Impression records of the days ``start``..``end`` (inclusive), corrections applied.

    Lines that are not valid JSON (a line torn by a crash) are skipped.
    """
    for path in sorted(Path(folder).glob("*.jsonl")):
        m = FILE_RE.match(path.name)
        if not m or not start <= dt.date.fromisoformat(m.group(1)) <= end:
            continue
        rows: list[dict] = []
        fixes: dict[tuple, float] = {}
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(row, dict) or "t" not in row:
                    continue
                if row.get("fix"):
                    fixes[(row["t"], row.get("screen"))] = float(row.get("seconds") or 0)
                else:
                    rows.append(row)
        for row in rows:
            fixed = fixes.get((row["t"], row.get("screen")))
            if fixed is not None:
                row["seconds"] = fixed
            yield row


@dataclass
class Tally:
    impressions: int = 0
    seconds: float = 0.0
    titles: set[str] = field(default_factory=set)
    employers: set[str] = field(default_factory=set)
    listings: set[str] = field(default_factory=set)


def tally(records: Iterable[dict]) -> tuple[dict[str, Tally], dict[str, Tally]]:
    """Impressions and seconds per listing id and per employer."""
    by_listing: dict[str, Tally] = {}
    by_employer: dict[str, Tally] = {}
    for row in records:
        lid = row.get("listing")
        if not lid:
            continue
        seconds = float(row.get("seconds") or 0)
        employer = row.get("employer") or ""
        t = by_listing.setdefault(lid, Tally())
        t.impressions += 1
        t.seconds += seconds
        if row.get("title"):
            t.titles.add(row["title"])
        t.employers.add(employer)
        e = by_employer.setdefault(employer, Tally())
        e.impressions += 1
        e.seconds += seconds
        e.listings.add(lid)
    return by_listing, by_employer


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _table(header: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, widths[i], i in numeric) for i, h in enumerate(header)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, widths[i], i in numeric) for i, c in enumerate(r)) for r in rows]
    return "\n".join(lines)


def _order(d: dict[str, Tally]) -> list[tuple[str, Tally]]:
    return sorted(d.items(), key=lambda kv: (-kv[1].impressions, kv[0]))


def report_table(by_listing: dict[str, Tally], by_employer: dict[str, Tally]) -> str:
    listing_rows = [[lid, "/".join(sorted(t.titles)), "/".join(sorted(t.employers)),
                     str(t.impressions), f"{t.seconds / 60:.1f}"] for lid, t in _order(by_listing)]
    employer_rows = [[emp or "-", str(len(t.listings)), str(t.impressions), f"{t.seconds / 60:.1f}"]
                     for emp, t in _order(by_employer)]
    return ("按招聘 / per listing\n"
            + _table(["编号 id", "岗位 title", "单位 employer", "次数 shown", "分钟 minutes"],
                     listing_rows, {3, 4})
            + "\n\n按单位 / per employer\n"
            + _table(["单位 employer", "招聘 listings", "次数 shown", "分钟 minutes"],
                     employer_rows, {1, 2, 3})
            + "\n")


# Chinese first for the staff's Excel, English after it for the tools; one cell each.
CSV_HEADERS = ["类别 by", "编号 listing", "岗位 title", "单位 employer", "招聘数 listings",
               "次数 impressions", "秒 seconds"]


def report_csv(by_listing: dict[str, Tally], by_employer: dict[str, Tally]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_HEADERS)
    for lid, t in _order(by_listing):
        w.writerow(["listing", lid, "/".join(sorted(t.titles)), "/".join(sorted(t.employers)), 1,
                    t.impressions, f"{t.seconds:.1f}"])
    for emp, t in _order(by_employer):
        w.writerow(["employer", "", "", emp, len(t.listings), t.impressions, f"{t.seconds:.1f}"])
    return out.getvalue()


# ---------------------------------------------------------------- for Excel, in Chinese

PERIODS = {"yesterday": "昨天", "week": "本周", "month": "本月"}


def period(name: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days of ``yesterday``, ``week`` (Monday to today) or ``month`` (the 1st to today)."""
    if name == "yesterday":
        day = today - dt.timedelta(days=1)
        return day, day
    if name == "week":
        return today - dt.timedelta(days=today.weekday()), today
    if name == "month":
        return today.replace(day=1), today
    raise ValueError(f"unknown period {name!r}")


def report_sheets(by_listing: dict[str, Tally], by_employer: dict[str, Tally]) -> list[tuple]:
    """``(sheet name, header, rows)`` per listing and per employer, headers in Chinese."""
    listings = [[lid, "/".join(sorted(t.titles)), "/".join(sorted(t.employers)), t.impressions,
                 round(t.seconds / 60, 1)] for lid, t in _order(by_listing)]
    employers = [[emp or "-", len(t.listings), t.impressions, round(t.seconds / 60, 1)]
                 for emp, t in _order(by_employer)]
    return [("按招聘", ["编号", "岗位", "单位", "播放次数", "播放分钟"], listings),
            ("按单位", ["单位", "招聘条数", "播放次数", "播放分钟"], employers)]


def report_excel_csv(sheets: list[tuple], title: str) -> bytes:
    """One CSV that Excel on Chinese Windows opens right: UTF-8 with a BOM, CRLF lines."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([title])
    for name, header, rows in sheets:
        w.writerow([])
        w.writerow([name])
        w.writerow(header)
        w.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def report_xlsx(sheets: list[tuple], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    for i, (name, header, rows) in enumerate(sheets):
        sheet = book.worksheets[0] if i == 0 else book.create_sheet()
        sheet.title = name
        sheet.append([title])
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for col, width in zip("ABCDE", (18, 24, 24, 12, 12), strict=False):
            sheet.column_dimensions[col].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
