"""The error report staff find in the drop folder: ``_错误报告.txt``.

``report_text`` is pure: the current reads of the folder's files -> the report
(or None when all is well). ``write_report`` puts it in the folder atomically
(a temporary file renamed over the old one) or removes it. The file is UTF-8
with a BOM and Windows line ends, so that Notepad on any Windows opens it right.
``ReportKeeper`` keeps it in step with the drop-folder watcher's reads.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from pathlib import Path

from signage.core.model import Location, Problem, Severity, SourceResult
from signage.core.store import without_duplicates

from .decode import printable
from .table import column_name

log = logging.getLogger(__name__)

REPORT_NAME = "_错误报告.txt"
TABLE_SUFFIXES = (".csv", ".xlsx", ".xls")


def where_text(where: Location) -> tuple[str, str]:
    """A problem's place in words: ``("工作表.xlsx 第 5 行 C 列", "工作表.xlsx row 5, column C")``."""
    table = where.source.lower().split(" [")[0].endswith(TABLE_SUFFIXES)
    zh = en = printable(where.source)
    if where.line is not None:
        zh += f" 第 {where.line} 行"
        en += f" {'row' if table else 'line'} {where.line}"
        if where.column is not None:
            col = column_name(where.column) if table else str(where.column)
            zh += f" {col} 列" if table else f" 第 {col} 个字"
            en += f", column {col}"
    return zh, en


def problem_lines(problem: Problem) -> list[str]:
    zh_where, en_where = where_text(problem.where)
    tag_zh, tag_en = ("错误", "Error") if problem.severity is Severity.ERROR else ("提醒", "Warning")
    return [f"【{tag_zh}】{zh_where}：{problem.zh}", f"    {tag_en}: {en_where}: {problem.en}"]


def files_with_errors(problems: Collection[Problem]) -> set[str]:
    return {p.where.source.split(" [")[0] for p in problems if p.severity is Severity.ERROR}


def report_text(results: Mapping[str, SourceResult], stale: Collection[str] = (),
                now: dt.datetime | None = None,
                missing_glyphs: Callable[[str], set[str]] | None = None,
                elsewhere: Collection[str] = ()) -> str | None:
    """The report for the folder's current reads, or None when nothing is wrong.

    Args:
        results: each file's latest read, by key (path relative to the folder).
        stale: files that now have errors while the screens keep their last good content.
        now: the time written at the top (omitted when None, e.g. to compare reports).
        missing_glyphs: ``text -> characters no screen font can draw``, to warn about them.
        elsewhere: keys of files that hold no listings (playlists, the urgent notice):
            their problems are listed without a word on what the screens show of them.
    """
    results = with_duplicates(results, missing_glyphs)
    bad = {k: r for k, r in results.items() if r.problems}
    if not bad:
        return None
    errors = sorted({k for k, r in bad.items() if not r.ok or any(
        p.severity is Severity.ERROR for p in r.problems)})
    lines = ["招聘文件问题报告 / Problems in the listing files", ""]
    if now is not None:
        lines += [f"更新时间 / Updated: {now:%Y-%m-%d %H:%M:%S}", ""]
    lines += _summary(len(errors), len(bad) - len(errors))
    for key in sorted(bad):
        lines += _file_section(key, bad[key], key in stale, key in errors, key in elsewhere)
    return "\r\n".join(lines) + "\r\n"


def _summary(errors: int, warned: int) -> list[str]:
    """How many files have errors and warnings, and what happens when they are fixed."""
    counts_zh = "，".join(x for x in (f"{errors} 个文件有错误" if errors else "",
                                      f"{warned} 个文件有提醒" if warned else "") if x)
    counts_en = ", ".join(x for x in (f"{errors} file(s) with errors" if errors else "",
                                      f"{warned} file(s) with warnings" if warned else "") if x)
    return [
        f"有 {counts_zh}。改好并保存后，屏幕和这份报告会自动更新；全部改好后，这份报告会自动删除。",
        f"{counts_en}. Fix and save: the screens and this report update by themselves; "
        "the report is deleted when all is well.",
        "",
    ]


def _file_section(key: str, result: SourceResult, stale: bool, has_errors: bool,
                  elsewhere: bool = False) -> list[str]:
    """One file's part of the report: what the screens show of it, then its problems.

    ``elsewhere``: a file with no listings (a playlist, the urgent notice): nothing is said
    about what the screens show of it.
    """
    lines = ["=" * 60, f"文件 / File: {key}"]
    if stale:
        lines.append("  屏幕上继续显示这个文件上次正确的内容，改好后才会换成新内容。")
        lines.append("  The screens keep showing this file's last good content until it is fixed.")
    elif not elsewhere and (not result.ok or has_errors and not result.listings
                            and not result.posters):
        lines.append("  这个文件的内容现在没有显示在屏幕上。")
        lines.append("  Nothing from this file is on the screens now.")
    for problem in sorted(result.problems, key=_order):
        lines += ["  " + line for line in problem_lines(problem)]
    lines.append("")
    return lines


def with_duplicates(results: Mapping[str, SourceResult],
                    missing_glyphs: Callable[[str], set[str]] | None = None) -> dict[str, SourceResult]:
    """Each file's read with a problem added for every listing in it that repeats another's
    (and, given ``missing_glyphs``, for every one with characters no font can draw)."""
    _kept, more = without_duplicates(x for k in sorted(results) for x in results[k].listings)
    if missing_glyphs is not None:
        from signage.render.fonts import glyph_problems

        more += glyph_problems((x for r in results.values() for x in r.listings), missing_glyphs)
    out = dict(results)
    for problem in more:
        key = problem.where.source.split(" [")[0]
        if key in out:
            out[key] = replace(out[key], problems=(*out[key].problems, problem))
    return out


def _order(p: Problem) -> tuple:
    return (p.where.source, p.where.line or 0, p.where.column or 0, p.severity is not Severity.ERROR)


def current_umask() -> int:
    """The process's umask, read without changing it (Linux); 0o022 when unknown."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def write_report(root: Path, text: str | None) -> bool:
    """Write (or, for None, remove) the report in ``root``; False when the folder is not writable."""
    path = root / REPORT_NAME
    try:
        if text is None:
            path.unlink(missing_ok=True)
            return True
        fd, tmp = tempfile.mkstemp(prefix="_", suffix=".tmp", dir=root)
        try:
            # mkstemp makes it 0600; the staff's group must read it (0664 under the
            # service's umask 0002; the group is the folder's, which is setgid).
            os.fchmod(fd, 0o666 & ~current_umask())
            with os.fdopen(fd, "wb") as f:
                f.write(printable(text).encode("utf-8-sig"))  # file names in any bytes
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True
    except OSError as exc:
        log.warning("cannot write the error report in %s: %s", root, exc)
        return False


class ReportKeeper:
    """Keeps the report in ``root`` in step with the reads, rewriting it only when its words change.

    Args:
        write: keep the file (False: only log what changed).
        missing_glyphs: ``text -> characters no screen font can draw``; the report names them.
        log: where to say which files have problems (the watcher's logger).
    """

    def __init__(self, root: Path, write: bool = True,
                 missing_glyphs: Callable[[str], set[str]] | None = None, log: logging.Logger = log):
        self.root, self.write, self.missing_glyphs, self.log = root, write, missing_glyphs, log
        self._text: str | None | object = _UNKNOWN  # what the file says now
        self._lock = threading.Lock()
        self._others: dict[str, SourceResult] = {}  # playlists, the urgent notice
        self._others_new = False

    def set_others(self, results: Mapping[str, SourceResult]) -> None:
        """The reads of files read elsewhere (playlists, the urgent notice); any thread may call it."""
        with self._lock:
            self._others = dict(results)
            self._others_new = True

    def others_changed(self) -> bool:
        """Whether :meth:`set_others` was called since this was last asked."""
        with self._lock:
            new, self._others_new = self._others_new, False
        return new

    def refresh(self, reads: Mapping[str, SourceResult], stale: Collection[str]) -> None:
        """The report for ``reads`` (and the others'); ``stale``: files whose last good read is shown."""
        with self._lock:
            others = dict(self._others)
        results = {**others, **reads}
        text = report_text(results, stale, missing_glyphs=self.missing_glyphs, elsewhere=others)
        if text == self._text:
            return
        self._text = text
        bad = files_with_errors([p for r in results.values() for p in r.problems])
        bad |= {k for k, r in results.items() if not r.ok}
        if bad:
            self.log.warning("drop folder: %d file(s) with problems: %s (see %s)", len(bad),
                             ", ".join(sorted(bad)[:10]), REPORT_NAME)
        elif text is None:
            self.log.info("drop folder: all files are fine")
        if self.write:
            stamped = report_text(results, stale, now=dt.datetime.now(), missing_glyphs=self.missing_glyphs,
                                  elsewhere=others) if text else None
            write_report(self.root, stamped)


_UNKNOWN = object()
