"""Measuring, fitting and breaking text into lines, by Chinese line-breaking rules.

Pure functions over a ``width(text, size) -> pixels`` measure, so that layout
is tested as numbers. Rules (禁则): no line begins with closing punctuation such
as ，。、；：？！）」』 and no line ends with an opening bracket such as （「『.
Latin words and numbers (``3000-4500``, ``138``) are never split unless a single
one is wider than the whole line; nor are Chinese words (身体健康 breaks as 身体/健康,
never 身/体): BudouX's phrase model (in its wheel, offline) says where Chinese may break.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import budoux

Measure = Callable[[str, int], float]

NO_LINE_START = set("，。、；：？！）」』】》〉〕］｝”’…‥—–～·・,.;:?!)]}%％‰℃")
NO_LINE_END = set("（「『【《〈〔［｛“‘([{¥￥$＄#＃")
ELLIPSIS = "…"

# A number keeps the measure word after it ("4人", "12号", "3天", and in words 二十五元): breaking
# between them reads badly.
UNITS = "人元天件个号岁栋楼层家月日周年时分点条只双套次名位间台辆公斤米"
NUMERALS = "零〇一二两三四五六七八九十百千万"
_TOKEN = re.compile(rf"[A-Za-z0-9][A-Za-z0-9.,:/%+\-@_#&'’]*[{UNITS}]?|\s+|.", re.DOTALL)


def _pieces(text: str) -> list[str]:
    """A Latin word or number, a run of spaces, or one character."""
    return _TOKEN.findall(text)


@functools.cache
def _phrases() -> budoux.Parser:
    return budoux.load_default_simplified_chinese_parser()


@functools.lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    """Unbreakable pieces: a phrase (身体 健康，), a Latin word or number, a run of spaces.

    BudouX proposes the breaks between Chinese phrases; a Latin word or number is never
    broken, nor is anything next to a slash (元/月), nor a number in words from its unit (五元).
    """
    breaks, pos = set(), 0
    for phrase in _phrases().parse(text)[:-1]:
        pos += len(phrase)
        breaks.add(pos)
    out: list[str] = []
    pos = 0
    for piece in _pieces(text):
        joined = out and not piece.isspace() and not out[-1].isspace() and (
            pos not in breaks or piece[0] == "/" or out[-1][-1] == "/"
            or (out[-1][-1] in NUMERALS and piece in UNITS))
        if joined:
            out[-1] += piece
        else:
            out.append(piece)
        pos += len(piece)
    return tuple(out)


def break_lines(text: str, max_width: float, size: int, width: Measure) -> list[str]:
    """Greedy line breaking that honours the no-start / no-end rules.

    When the next piece is closing punctuation that would begin a line, the last
    piece of the current line moves down with it (push-out), so a line never
    starts with it; an opening bracket at a line's end moves down the same way.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_break_paragraph(paragraph, max_width, size, width))
    return lines


def _break_paragraph(text: str, max_width: float, size: int, width: Measure) -> list[str]:
    pieces: list[str] = []
    for tok in tokens(text):
        if tok.isspace() or width(tok, size) <= max_width:
            pieces.append(tok)
            continue
        for sub in _pieces(tok):  # a phrase wider than the line: its words, then characters
            if width(sub, size) > max_width:
                pieces.extend(sub)
            else:
                pieces.append(sub)

    def w(items: list[str]) -> float:
        return sum(width(p, size) for p in items)

    lines: list[list[str]] = []
    line: list[str] = []
    line_w = 0.0  # the width of ``line``, kept as it grows (measuring it again each time is quadratic)
    for piece in pieces:
        piece_w = width(piece, size)
        if line and not piece.isspace() and line_w + piece_w > max_width:
            done, line = _break_before(line, piece, piece_w, max_width, w)
            lines.append(done)
            line_w = w(line)
        if not line and piece.isspace():
            continue
        line.append(piece)
        line_w += piece_w
    _strip_end(line)
    if line or not lines:
        lines.append(line)
    _no_orphan(lines, max_width, w)
    return ["".join(x) for x in lines]


def _break_before(line: list[str], piece: str, piece_w: float, max_width: float,
                  w: Callable[[list[str]], float]) -> tuple[list[str], list[str]]:
    """``line`` ended before ``piece``: (the line, what moves down with the piece). Push-out: a
    closing mark takes the last word down with it; an opening bracket never ends a line."""
    _strip_end(line)
    carry: list[str] = []
    if piece[0] in NO_LINE_START:
        keep, moved = _push_out(line)
        if moved and w(moved) + piece_w <= max_width:
            line, carry = keep, moved
    while len(line) > 1 and line[-1][-1] in NO_LINE_END and w([line[-1], *carry]) + piece_w <= max_width:
        carry.insert(0, line.pop())
        _strip_end(line)
    return line, carry


def _no_orphan(lines: list[list[str]], max_width: float, w: Callable[[list[str]], float]) -> None:
    """A last line of one character (``康`` of 健康) takes one more from the line above."""
    if len(lines) < 2:
        return
    last, above = lines[-1], lines[-2]
    if len([p for p in last if p[0] not in NO_LINE_START]) != 1 or len(last[0]) != 1 or len(above) < 3:
        return
    moved = above[-1]
    rest = above[:-1]
    _strip_end(rest)  # what would end the line above: a bracket may hide behind a space
    if moved.isspace() or moved[0] in NO_LINE_START or moved[-1] in NO_LINE_END \
            or not rest or rest[-1][-1] in NO_LINE_END:
        return
    if w([moved, *last]) <= max_width:
        lines[-1] = [above.pop(), *last]
        _strip_end(above)


def _strip_end(line: list[str]) -> None:
    while line and line[-1].isspace():
        line.pop()


def _push_out(line: list[str]) -> tuple[list[str], list[str]]:
    """Split ``line`` so that the moved part begins with a word that may start a line."""
    keep = list(line)
    moved: list[str] = []
    while len(keep) > 1:
        piece = keep.pop()
        moved.insert(0, piece)
        if piece[0] not in NO_LINE_START and not piece.isspace():
            _strip_end(keep)
            return keep, moved
    return line, []


@dataclass(frozen=True)
class Fit:
    size: int
    lines: tuple[str, ...]
    truncated: bool = False


def fit(text: str, max_width: float, max_lines: int, max_size: int, min_size: int,
        width: Measure, step: float = 0.94) -> Fit:
    """Shrink first, then wrap: the fewest lines (up to ``max_lines``) at which
    ``text`` fits at some size in [min_size, max_size], at the largest such size.
    When even ``max_lines`` at ``min_size`` is not enough, the last line is cut
    with an ellipsis."""
    sizes = [max_size]
    while sizes[-1] > min_size:
        sizes.append(max(min_size, int(sizes[-1] * step)))
    for allowed in range(1, max_lines + 1):
        for size in sizes:
            lines = break_lines(text, max_width, size, width)
            if len(lines) <= allowed:
                return Fit(size, tuple(lines))
    size = sizes[-1]
    lines = break_lines(text, max_width, size, width)
    kept = lines[:max_lines]
    kept[-1] = truncate(kept[-1] + "".join(lines[max_lines:max_lines + 1]), max_width, size, width)
    return Fit(size, tuple(kept), truncated=True)


def truncate(line: str, max_width: float, size: int, width: Measure) -> str:
    """``line`` cut so that it and a trailing ellipsis fit ``max_width``."""
    if width(line, size) <= max_width:
        return line
    while line and width(line + ELLIPSIS, size) > max_width:
        line = line[:-1]
    line = line.rstrip()
    while line and line[-1] in NO_LINE_END:
        line = line[:-1]
    return line + ELLIPSIS


def fit_single(text: str, max_width: float, max_size: int, min_size: int, width: Measure) -> int | None:
    """The largest size at which ``text`` fits on one line whole, or None (never cut)."""
    size = max_size
    while size >= min_size:
        if width(text, size) <= max_width:
            return size
        size -= max(1, size // 24)
    return None
