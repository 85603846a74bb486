"""The job card: one type scale per page, one grid for every card, nothing that matters cut.

Every card on a page has the same sizes and the same places, so that people who come
every day learn where to look::

    title (one or two lines, the same number on every card of the page)
    pay (whole, never cut: one line, or wrapped between phrases onto up to three)
    地点 …            | settlement badge
    时间 …            | 招N人
    要求 …            | QR code
    ───────────────────────────────────────────
    电话  contact name            138 1234 5678

The QR code (the link, else tel:) is never smaller than ``qr_min_px`` a module; when the rows'
band is too short for it, the right column runs up beside the title and pay lines that leave room
(``_run_up``), and the code counts when the page's scale is chosen. The rows keep to their column
(never narrower beside the QR code) and break between
words (``text.py``). Sizes are chosen once per page, for its hardest card, between the
floors (a 12th of the screen's short side for title and pay, a 14th for the height of
the phone's digits, a 22nd for the rows) and ``K_MAX`` times them. A pay wider than the card
(written out in words: 熟练工每小时二十五元到三十五元另加全勤奖与夜班补贴) wraps between phrases like
the rows, onto at most ``PAY_LINES`` lines on a card that shares its page (more, and the page
takes fewer cards), onto as many as the card has room for when it is alone; a number and its
unit are never split. What does not fit of the rows ends with "详情请到服务台", or continues on
the listing's own second page when the listing is alone on its page. Pure: returns ops,
measured with the real fonts.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, replace

from signage.core.model import Listing, format_phone

from . import qr
from .fonts import Fonts
from .geometry import Box, Image, Metrics, Op, Qr, Rect, Text, _Pen
from .labels import label
from .labels import pay as pay_label
from .text import break_lines, fit, fit_single, tokens, truncate
from .themes import Badge, Theme

DIGITS = "0123456789"
IDEOGRAPH = "国"
ROWS = (("地点", "place"), ("时间", "hours"), ("要求", "requirements"), ("电话", "more-phones"))
K_MAX = 2.0  # the largest step above the floors (a page of one card)
K_STEP = 0.95
PAY_LINES = 3  # the most lines of pay on a card that shares its page
# Lines of figures need less room than prose (pen.line, 1.22): digits are 0.76 of the size tall,
# sitting on the baseline; the pay's 元/月 reaches 0.12 below it (Noto Sans CJK).
PAY_LINE, PAY_BASELINE = 1.08, 0.92
PHONE_LINE, PHONE_BASELINE = 0.98, 0.86
# Slide.part of a job page: the whole cards; the first of a listing's two pages; its second.
WHOLE, FIRST_OF_TWO, SECOND_OF_TWO = 0, 1, 2


@dataclass(frozen=True)
class Scale:
    """The sizes of one page's cards, in pixels (font sizes)."""

    title: int
    pay: int
    phone: int
    body: int

    def times(self, k: float) -> Scale:
        return Scale(*(max(v, round(v * k)) for v in (self.title, self.pay, self.phone, self.body)))

    def shrunk(self, k: float) -> Scale:
        return Scale(*(max(1, round(v * k)) for v in (self.title, self.pay, self.phone, self.body)))

    def at_least(self, low: Scale) -> Scale:
        return Scale(max(self.title, low.title), max(self.pay, low.pay), max(self.phone, low.phone),
                     max(self.body, low.body))


def floors(m: Metrics, theme: Theme, fonts: Fonts) -> Scale:
    """The smallest sizes a card may use on this screen (larger in the large-print theme)."""
    short = min(m.width, m.height) * theme.card_scale
    big = math.ceil(short / 12)
    return Scale(big, big, fonts.size_for_ink(DIGITS, short / 14, True), math.ceil(short / 22))


@dataclass(frozen=True)
class CardPlan:
    ops: tuple[Op, ...]
    fits: bool  # title, pay and phone bar in place, the pay and the number whole on one line
    whole: bool  # every row shown to its end
    shown: int  # row lines shown (the second page starts after them)
    coded: bool = True  # the QR code is drawn, at least ``qr_min_px`` a module (or the card has none)


def qr_min_px(m: Metrics) -> int:
    """The smallest module drawn: a phone held before the screen still reads it (4 px at 1080 lines)."""
    return max(3, m.sp(4))


def qr_target(listing: Listing) -> str | None:
    """What a phone should get from the card's QR code: the link, else a tel: URI."""
    if listing.link:
        return listing.link
    if listing.phone:
        return "tel:" + listing.phone.replace("-", "")
    return None


def _row_values(listing: Listing) -> list[tuple[str, str]]:
    more = "  ".join(format_phone(p) for p in listing.more_phones if p)
    if listing.phone_note:
        more += f"（{listing.phone_note}）"
    values = {"place": listing.place, "hours": listing.hours,
              "requirements": "；".join(r.strip() for r in listing.requirements if r.strip()),
              "more-phones": more.strip()}
    return [(key, values[attr]) for key, attr in ROWS if values[attr]]


@dataclass(frozen=True)
class _Geometry:
    pad: int
    gap: int
    inner: Rect
    right_w: int  # the right column: badge, headcount, QR code
    col_w: int  # the text column of the rows


def _geometry(rect: Rect, m: Metrics, scale: Scale) -> _Geometry:
    pad = max(m.sp(20), round(scale.body * 0.45))
    gap = max(m.sp(8), round(scale.body * 0.22))
    inner = rect.inset(pad)
    right_w = min(round(inner.w * 0.27), round(min(m.width, m.height) * 0.32))
    return _Geometry(pad, gap, inner, right_w, inner.w - right_w - 2 * gap)


@functools.lru_cache(maxsize=65536)
def lines_of(fonts: Fonts, text: str, width: int, size: int, bold: bool = False, face: str = "") -> tuple[str, ...]:
    """``text`` broken into lines (``text.break_lines``), remembered: a page tries several scales."""
    return tuple(break_lines(text, width, size, lambda t, s: fonts.width(t, s, bold, face)))


def title_lines(listing: Listing, rect: Rect, m: Metrics, scale: Scale, fonts: Fonts, face: str = "") -> int:
    """How many lines the title takes at this scale (two at most are drawn)."""
    inner = _geometry(rect, m, scale).inner
    return len(lines_of(fonts, listing.title, inner.w, scale.title, True, face))


@dataclass(frozen=True)
class _Card:
    """What every part of one card is drawn with."""

    listing: Listing
    m: Metrics
    theme: Theme
    pen: _Pen
    scale: Scale
    g: _Geometry
    lang: str
    part: int

    def wb(self, text: str, size: int) -> float:
        return self.pen.fonts.width(text, size, True)


def layout_card(listing: Listing, rect: Rect, m: Metrics, theme: Theme, fonts: Fonts, scale: Scale,
                title_slots: int = 2, lang: str = "zh-cn", part: int = WHOLE, skip: int = 0,
                with_rows: bool = True, pay_lines: int = PAY_LINES) -> CardPlan:
    """One card inside ``rect`` at the page's ``scale``; ``skip`` row lines were on its first page.
    ``with_rows=False``: whether it fits, without breaking the rows into lines (the pager's question).
    ``pay_lines``: the most lines the pay may take (a card alone on its page: as many as there is room for)."""
    c = _Card(listing, m, theme, _Pen(fonts), scale, _geometry(rect, m, scale), lang, part)
    inner, gap = c.g.inner, c.g.gap
    title, y = _title(c, title_slots)
    pay, y, pay_fits = _pay(c, y, pay_lines)
    # The phone bar along the bottom: 电话, the contact's name, the number whole at the right.
    bar_top = inner.bottom - round(scale.phone * PHONE_LINE)
    bar, bar_fits = _phone_bar(listing, inner, bar_top, scale, theme, c.pen, lang)
    rule = max(2, m.sp(3))
    ruler = Box(Rect(inner.x, bar_top - gap // 2 - rule // 2, inner.w, rule), theme.card_edge, role="rule")
    band_top, band_bottom = y, bar_top - gap
    right, ry, right_fits = _badge_and_count(c, pay, band_top, band_bottom)
    code, pictured, coded = _code_and_picture(c, ry, band_bottom, with_rows)
    if not coded:  # the rows' band is too short: the right column runs up beside the title and pay
        in_line = [op for op in right if _in_line(op, pay)]
        stacked = _run_up(c, [*title, *pay, *in_line], not in_line, band_bottom)
        if stacked is not None:
            right, code, coded, pictured = in_line, stacked, True, True
    # The rows, in their column; what does not fit ends with a note.
    rows, shown, whole = _rows(listing, inner.x, c.g.col_w, band_top, band_bottom, scale, theme, c.pen, lang,
                               part, skip) if with_rows else ([], 0, True)
    ops = [card_box(rect, m, theme), *title, *pay, ruler, *rows, *right, *code, *bar]
    fits = pay_fits and band_top <= band_bottom and bar_fits and right_fits
    return CardPlan(tuple(ops), fits, whole and pictured, shown, coded)  # a larger scale had no room for it


def _title(c: _Card, slots: int) -> tuple[list[Op], int]:
    """The title: the same number of lines on every card of the page, so the pay is where it is
    on all; on a listing's second page one line, marked as continued."""
    inner, size, face = c.g.inner, c.scale.title, c.theme.title_face
    wt = lambda t, s: c.pen.fonts.width(t, s, True, face)  # noqa: E731
    f = fit(c.listing.title, inner.w, slots, size, size, wt)
    if c.part == SECOND_OF_TWO:
        more = label("（续）", c.lang)
        f = replace(f, lines=(truncate(f.lines[0], inner.w - wt(more, size), size, wt) + more,))
    y, ops = inner.y, list[Op]()
    for line in f.lines:
        ops.append(c.pen.text(line, inner.x, y, size, c.theme.title, True, "title", face))
        y += c.pen.line(size)
    return ops, y + (slots - len(f.lines)) * c.pen.line(size) + c.g.gap


def _pay(c: _Card, y: int, most: int) -> tuple[list[Text], int, bool]:
    """The pay, whole: on one line, or broken between phrases like the rows (``text.py``). It fits
    on at most ``most`` lines, each of its pieces no wider than the card (a number and its unit,
    3000-4500元/月, is one piece and never split). A listing's second page has the room for its
    rows instead (the pay was on the first)."""
    if c.part == SECOND_OF_TWO:
        return [], y + c.g.gap, True
    inner, size = c.g.inner, c.scale.pay
    pay = pay_label(c.listing.pay_display, c.lang) or label("工资面议", c.lang)
    lines = lines_of(c.pen.fonts, pay, inner.w, size, True)
    fits = len(lines) <= most and all(c.wb(piece, size) <= inner.w for piece in tokens(pay))
    ops = []
    for i, line in enumerate(lines):  # figures: a line tighter than prose; lines of words a prose pitch
        ops.append(_tight(c.pen, line, inner.x, y, size, PAY_LINE, c.theme.pay, "pay"))
        y += round(size * PAY_LINE) if i == len(lines) - 1 else c.pen.line(size)
    return ops, y + c.g.gap, fits


@dataclass(frozen=True)
class _Tags:
    """The settlement badge and 招N人 of a card, measured."""

    word: str  # 日结 …, or "" without a badge
    badge: Badge | None
    wanted: str  # 招N人, or ""
    bw: int
    bh: int
    hw: int
    pad: int
    edge: int


def _tags(c: _Card) -> _Tags:
    body = c.scale.body
    settle = c.listing.settlement
    badge = c.theme.badges.get(settle.kind) if settle else None  # 现结, 次日结 look daily
    word = label(settle.zh, c.lang) if settle is not None and badge is not None else ""
    wanted = label("招{n}人", c.lang, n=c.listing.headcount) if c.listing.headcount else ""
    pad, edge = max(4, round(body * 0.3)), max(2, c.m.sp(4))
    bw = min(c.g.right_w, round(c.wb(word, body)) + 2 * pad) if word else 0
    return _Tags(word, badge, wanted, bw, c.pen.line(body) + 2 * edge, round(c.wb(wanted, body)) if wanted else 0,
                 pad, edge)


def _badge_op(c: _Card, t: _Tags, x: int, y: int) -> list[Op]:
    if t.badge is None:
        return []
    return [Box(Rect(x, y, t.bw, t.bh), t.badge.bg, radius=t.bh // 4, role="badge"),
            c.pen.text(t.word, x + t.pad, y + t.edge, c.scale.body, t.badge.fg, True, "badge-text")]


def _badge_and_count(c: _Card, pay: list[Text], top: int, bottom: int) -> tuple[list[Op], int, bool]:
    """The settlement badge and 招N人 at the top of the right column; on a card with a picture at
    the end of the pay's line when they fit there. Returns (ops, where the column goes on, fits)."""
    g, t = c.g, _tags(c)
    beside = t.bw + t.hw + (g.gap if t.word and t.wanted else 0)
    if c.listing.image and pay and (t.word or t.wanted) and pay[0].width + 2 * g.gap + beside <= g.inner.w:
        return _in_pay_line(c, t, pay[0], g.inner.right - beside), top, True
    x, y, ops = g.inner.right - g.right_w, top, []
    fits = not t.word or y + t.bh <= bottom
    if t.word and fits:
        ops += _badge_op(c, t, x, y)
        y += t.bh + g.gap
    if t.wanted and t.hw <= g.right_w and y + c.pen.line(c.scale.body) <= bottom:
        ops.append(c.pen.text(t.wanted, x, y, c.scale.body, c.theme.label, True, "headcount"))
        y += c.pen.line(c.scale.body) + g.gap
    return ops, y, fits


def _in_pay_line(c: _Card, t: _Tags, pay: Text, x: int) -> list[Op]:
    mid = (pay.top + pay.bottom) // 2
    ops: list[Op] = []
    if t.word:
        ops += _badge_op(c, t, x, mid - t.bh // 2)
        x += t.bw + c.g.gap
    if t.wanted:
        line = c.pen.line(c.scale.body)
        ops.append(c.pen.text(t.wanted, x, mid - line // 2, c.scale.body, c.theme.label, True, "headcount"))
    return ops


def _code_and_picture(c: _Card, ry: int, bottom: int, with_rows: bool) -> tuple[list[Op], bool, bool]:
    """The QR code at the bottom of the right column, the listing's picture above it, below the
    badge and 招N人 (from ``ry``). Returns (ops, whether the picture found room, whether the code did)."""
    g, listing = c.g, c.listing
    ops: list[Op] = []
    target = qr_target(listing)
    qr_top, coded = bottom, not target
    if target:
        room = min(g.right_w, bottom - ry)
        if listing.image:  # the picture above the code: the code keeps at least half the room
            room = min(room, max((bottom - ry) // 2, bottom - ry - g.right_w * 3 // 4 - g.gap))
        px = qr.module_px(target, room)
        side = px * qr.side_modules(target)
        if px >= qr_min_px(c.m) and side <= bottom - ry:
            ops.append(Qr(target, g.inner.right - side, bottom - side, px, side))
            qr_top, coded = bottom - side - g.gap, True
    pictured = not listing.image or not with_rows or qr_top - ry >= c.m.sp(90)
    if listing.image and pictured:
        ops.append(_picture(c, ry, min(g.right_w * 3 // 4, qr_top - ry)))
    return ops, pictured, coded


def _picture(c: _Card, y: int, h: int) -> Image:
    g = c.g
    return Image(c.listing.image or "", Rect(g.inner.right - g.right_w, y, g.right_w, h), role="picture",
                 version=c.listing.image_version)


def _in_line(op: Op, pay: list[Text]) -> bool:
    """Whether a badge or 招N人 sits in the pay's line (a card with a picture) rather than in the column."""
    return bool(pay) and isinstance(op, Text | Box) and op.rect.y < pay[0].bottom


def _run_up(c: _Card, beside: list[Op], tags: bool, bottom: int) -> list[Op] | None:
    """The right column stacked up from the bottom of the band when the band is too short for it:
    the code (as large as the room allows, down to ``qr_min_px``), above it the picture, 招N人 and the
    badge, each beside the lines of title and pay, which end short of it (at the column's left, else
    at the card's right edge); without 招N人 when that is
    what leaves no room. None when they do not fit even so (the code is then left out, and the plan
    says so)."""
    g, t, target = c.g, _tags(c), qr_target(c.listing)
    assert target is not None
    obstacles = [op.rect for op in beside]
    x, lh, n = g.inner.right - g.right_w, c.pen.line(c.scale.body), qr.side_modules(target)

    def clear(r: Rect) -> bool:
        return r.y >= g.inner.y and not any(
            r.x < o.right + g.gap and o.x < r.right and r.y < o.bottom and o.y < r.bottom for o in obstacles)

    pictures = (g.right_w * 3 // 4, c.m.sp(90)) if c.listing.image else (0,)
    for counted, px in itertools.product((True, False) if tags and t.wanted else (True,),
                                         range(g.right_w // n, qr_min_px(c.m) - 1, -1)):
        side = px * n
        for ph in pictures:
            code = Qr(target, g.inner.right - side, bottom - side, px, side)
            ops: list[Op] = [code]
            y = code.y - g.gap
            if ph:
                ops.append(_picture(c, y - ph, ph))
                y -= ph + g.gap
            if tags and t.wanted and counted:  # 招N人 yields to the code when both do not fit
                at = x if clear(Rect(x, y - lh, t.hw, lh)) else g.inner.right - t.hw  # or right-aligned
                ops.append(c.pen.text(t.wanted, at, y - lh, c.scale.body, c.theme.label, True, "headcount"))
                y -= lh + g.gap
            if tags and t.word:
                at = x if clear(Rect(x, y - t.bh, t.bw, t.bh)) else g.inner.right - t.bw
                ops = _badge_op(c, t, at, y - t.bh) + ops
            if all(clear(op.rect) for op in ops):
                return ops
    return None


def card_box(rect: Rect, m: Metrics, theme: Theme, role: str = "card") -> Box:
    """A card: the theme's colour (and board texture, and glow) inside rounded corners."""
    return Box(rect, theme.card_bg, radius=m.sp(theme.radius * 1080), border=max(2, m.sp(3)),
               border_color=theme.card_edge, role=role, texture=theme.texture,
               glow=m.sp(12) if theme.glow else 0)


def _tight(pen: _Pen, text: str, x: int, top: int, size: int, line: float, color, role: str,
           baseline: float = PAY_BASELINE) -> Text:
    """A line of ``text`` in a box of ``line`` times its size (figures need less than prose)."""
    return Text(text, x, top + round(size * baseline), size, color, True, role,
                round(pen.fonts.width(text, size, True)), top, top + round(size * line))


def _phone_bar(listing: Listing, inner: Rect, top: int, scale: Scale, theme: Theme, pen: _Pen,
               lang: str) -> tuple[list[Op], bool]:
    fonts = pen.fonts
    baseline = top + round(scale.phone * PHONE_BASELINE)
    body_top = baseline - round(scale.body * 0.92)
    word = label("电话", lang)
    if not listing.phone:
        note = label("详情请到服务台", lang)
        return [pen.text(note, inner.x, body_top, scale.body, theme.label, True, "phone-note")], True
    said = pen.text(word, inner.x, body_top, scale.body, theme.label, True, "phone-label")
    ops: list[Op] = [said]
    number = format_phone(listing.phone)  # the first number; more, and a note, are a row
    nw = round(fonts.width(number, scale.phone, True))
    space = round(scale.body * 0.6)
    x_label_end = inner.x + said.width + space
    fits = x_label_end + nw <= inner.right
    nx = max(x_label_end, inner.right - nw)
    room = nx - space - x_label_end
    if listing.contact and fonts.width(listing.contact, scale.body) <= room:  # whole, or not at all
        ops.append(pen.text(listing.contact, x_label_end, body_top, scale.body, theme.text, False, "contact"))
    ops.append(_tight(pen, number, nx, top, scale.phone, PHONE_LINE, theme.phone, "phone", PHONE_BASELINE))
    return ops, fits


def _rows(listing: Listing, x: int, col_w: int, top: int, bottom: int, scale: Scale, theme: Theme,
          pen: _Pen, lang: str, part: int, skip: int) -> tuple[list[Op], int, bool]:
    """The labelled rows from line ``skip`` on: (ops, lines shown, whether all were shown)."""
    fonts = pen.fonts
    size = scale.body
    values = _row_values(listing)
    labels = [label(key, lang) for key, _ in values]
    indent = max((round(fonts.width(w, size, True)) for w in labels), default=0) + round(size * 0.5)
    lines: list[tuple[str, str, str]] = []  # (the row's label, the line, role)
    for (key, value), word in zip(values, labels, strict=True):
        role = dict(ROWS)[key]
        for line in lines_of(fonts, value, col_w - indent, size):
            lines.append((word, line, role))
    todo = lines[skip:]
    lh = pen.line(size)
    row_gap = max(2, round(size * 0.15))
    room, y, prev = [], top, None
    for word, _, _ in todo:  # where each line goes, a little space between rows
        if prev is not None and word != prev:
            y += row_gap
        room.append(y)
        y += lh
        prev = word
    fit_n = sum(1 for ty in room if ty + lh <= bottom)
    whole = fit_n == len(todo)
    # the last line that fits says where the rest is; a first page needs no note (its second follows)
    n = fit_n if whole or part == FIRST_OF_TWO else max(0, fit_n - 1)
    ops: list[Op] = []
    prev = None
    for i, (word, line, role) in enumerate(todo[:n]):
        if word != prev:  # a row's label on its first line here (again on a second page)
            ops.append(pen.text(word, x, room[i], size, theme.label, True, f"{role}-label"))
        ops.append(pen.text(line, x + indent, room[i], size, theme.text, False, role))
        prev = word
    if not whole and fit_n > 0 and part != FIRST_OF_TWO:
        note = label("详情请到服务台", lang)
        ny = room[n] if n < len(room) else top
        ops.append(pen.text(truncate(note, col_w, size, lambda t, s: fonts.width(t, s, True)), x, ny, size,
                            theme.label, True, "more"))
    return ops, skip + n, whole


def layout_cards(listings: tuple[Listing, ...], rects: list[Rect], m: Metrics, theme: Theme,
                 fonts: Fonts, lang: str = "zh-cn", part: int = WHOLE
                 ) -> tuple[list[CardPlan], Scale]:
    """The cards of one page at one scale: the largest at which every card fits whole, else the
    floors (the most of every row shown); the title takes as many lines as the longest needs."""
    base = floors(m, theme, fonts)
    if part == SECOND_OF_TWO:  # the same sizes as the first page, starting after what it showed
        first, scale = layout_cards(listings, rects, m, theme, fonts, lang, FIRST_OF_TWO)
        return [layout_card(listings[0], rects[0], m, theme, fonts, scale, 1, lang, part,
                            first[0].shown)], scale
    ks, k = [], K_MAX
    while k > 1.0:
        ks.append(k)
        k *= K_STEP
    ks.append(1.0)
    def at(k: float) -> tuple[list[CardPlan], Scale, int]:
        scale = base.times(k)
        slots = _slots(listings, rects, m, scale, fonts, theme.title_face)
        return [layout_card(x, r, m, theme, fonts, scale, slots, lang, part)
                for x, r in zip(listings, rects, strict=False)], scale, slots

    # the largest step at which every card fits whole with its code, by halving (larger steps fit less)
    plans, scale, slots = at(1.0)
    lo, hi = -1, len(ks) - 1  # ks[hi] = 1.0
    if all(p.fits and p.whole and p.coded for p in plans):
        while hi - lo > 1:
            mid = (lo + hi) // 2
            tried = at(ks[mid])
            if all(p.fits and p.whole and p.coded for p in tried[0]):
                hi, (plans, scale, slots) = mid, tried
            else:
                lo = mid
    return _squeezed(listings, rects, m, theme, fonts, lang, part, plans, scale, slots)


def _squeezed(listings: tuple[Listing, ...], rects: list[Rect], m: Metrics, theme: Theme, fonts: Fonts,
              lang: str, part: int, plans: list[CardPlan], base: Scale, slots: int) -> tuple[list[CardPlan], Scale]:
    """Cards that do not fit at the floors (the pager gives such a card a page of its own): first
    a lone card's pay takes as many lines as it needs, then the titles one line, then smaller
    rather than cut or outside the card. A card without room for its QR code takes the same
    steps, but never below the floors of the day theme (large print comes down towards them)."""
    plain = floors(m, replace(theme, card_scale=1.0), fonts)
    scale, k, pay_lines = base, 1.0, PAY_LINES

    def another_step() -> bool:
        if not all(p.fits for p in plans):
            return k > 0.5
        if all(p.coded for p in plans):
            return False
        return (len(listings) == 1 and pay_lines == PAY_LINES) or slots > 1 or k * K_STEP * theme.card_scale >= 1

    while another_step():
        if len(listings) == 1 and pay_lines == PAY_LINES:  # alone: the room decides
            pay_lines = 1_000
        elif slots > 1:  # one line of title, as large as every title then fits whole (to the floor)
            slots = 1
            floor = math.ceil(min(m.width, m.height) / 12)
            wt = lambda t, size: fonts.width(t, size, True, theme.title_face)  # noqa: E731
            whole = [fit_single(x.title, _geometry(r, m, scale).inner.w, scale.title, floor, wt)
                     for x, r in zip(listings, rects, strict=False)]
            scale = replace(scale, title=min((w or floor) for w in whole) if whole else scale.title)
        else:
            k *= K_STEP
            scale = base.shrunk(k) if not all(p.fits for p in plans) else base.shrunk(k).at_least(plain)
        plans = [layout_card(x, r, m, theme, fonts, scale, slots, lang, part, pay_lines=pay_lines)
                 for x, r in zip(listings, rects, strict=False)]
    return plans, scale


def _slots(listings, rects, m, scale, fonts, face: str = "") -> int:
    return min(2, max((title_lines(x, r, m, scale, fonts, face) for x, r in zip(listings, rects, strict=False)),
                      default=1))


def centred(plans: list[CardPlan], dx: int) -> list[Op]:
    """The cards' ops moved ``dx`` to the right (a lone last card in the middle of its page)."""
    out: list[Op] = []
    for p in plans:
        for op in p.ops:
            if isinstance(op, Text):
                out.append(replace(op, x=op.x + dx))
            elif isinstance(op, Box):
                out.append(replace(op, rect=Rect(op.rect.x + dx, op.rect.y, op.rect.w, op.rect.h)))
            elif isinstance(op, Qr):
                out.append(replace(op, x=op.x + dx))
            else:
                out.append(replace(op, rect=Rect(op.rect.x + dx, op.rect.y, op.rect.w, op.rect.h)))
    return out
