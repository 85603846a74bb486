"""Where everything goes on a page: pure layout that returns drawing operations.

Nothing is drawn here. ``layout_page`` turns a Slide into a list of ops with
pixel positions, measured with the real fonts, so that tests can check sizes,
bounds and order as numbers; ``draw.py`` paints them.

Sizes are relative to the screen's short side (the TV's height as built, also
when it is mounted in portrait): at 1080 px no text is below 36 px and titles
and pay are at least 72 px, a 30th and a 15th of it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from signage.core.model import Listing, Slide
from signage.kinds import registry as kinds

from . import qr
from .fonts import Fonts
from .geometry import Box, Image, Metrics, Op, Qr, Rect, Text, _Pen, footer_height, header_height
from .text import fit, fit_single, truncate
from .themes import Theme

log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"
_failed_cards: set[str] = set()


CLOCK_FORMATS = ("{month}月{day}日 星期{weekday}  {hm}", "{month}月{day}日 {hm}", "{hm}")
_WIDEST = {"month": "12", "day": "30", "weekday": "三", "hm": "20:00"}


def clock_size(m: Metrics) -> int:
    return max(m.min_text, m.px(48))


def clock_format(m: Metrics, fonts: Fonts) -> str:
    """The longest clock format that leaves at least 55% of the header to the station name."""
    for fmt in CLOCK_FORMATS:
        if fonts.width(fmt.format(**_WIDEST), clock_size(m), True) + m.sp(80) <= m.width * 0.45:
            return fmt
    return CLOCK_FORMATS[-1]


def clock_rect(m: Metrics, fonts: Fonts) -> Rect:
    """The part of the header the clock is drawn in, over the cached page."""
    w = round(fonts.width(clock_format(m, fonts).format(**_WIDEST), clock_size(m), True)) + m.sp(80)
    return Rect(m.width - w, 0, w, header_height(m))


def cards_per_page(width: int, height: int, theme: Theme, wanted: int | None) -> int:
    n = wanted or 2
    if height > width:
        n = min(n, 3)
    return max(1, min(n, theme.max_cards))


def card_rects(m: Metrics, n: int) -> list[Rect]:
    top = header_height(m) + m.sp(26)
    bottom = m.height - footer_height(m) - m.sp(26)
    left, right = m.sp(28), m.width - m.sp(28)
    gap = m.sp(28)
    if m.height > m.width:
        cols, rows = 1, n
    else:
        cols, rows = {1: (1, 1), 2: (2, 1), 3: (3, 1), 4: (2, 2)}[n]
    cw = (right - left - gap * (cols - 1)) // cols
    ch = (bottom - top - gap * (rows - 1)) // rows
    return [Rect(left + c * (cw + gap), top + r * (ch + gap), cw, ch)
            for r in range(rows) for c in range(cols)][:n]


@dataclass(frozen=True)
class Page:
    """What a kind's layout draws with: the page's measures, theme and fonts, the station's words."""

    m: Metrics
    theme: Theme
    fonts: Fonts
    station: str
    hotline: str = ""
    cards: int | None = None  # cards per job page, as config.yaml says

    @property
    def pen(self) -> _Pen:
        return _Pen(self.fonts)


def layout_page(slide: Slide, width: int, height: int, theme: Theme, fonts: Fonts,
                station: str, hotline: str = "", cards: int | None = None) -> list[Op]:
    """Everything on a page but the clock, which the compositor draws over it: the page,
    header and footer around the body of a kind with ``chrome``, else what the kind draws."""
    page = Page(Metrics.for_size(width, height, theme), theme, fonts, station, hotline, cards)
    kind = kinds.find(slide.kind) or kinds.get("jobs")
    if not kind.chrome:
        return kind.layout(slide, page)
    return chrome(slide, page) + kind.layout(slide, page)


def chrome(slide: Slide, page: Page) -> list[Op]:
    """The page's background, the header with the station's name, the footer."""
    m, pen, theme = page.m, page.pen, page.theme
    return ([Box(Rect(0, 0, m.width, m.height), theme.page_bg, role="page")]
            + _header(m, pen, theme, page.station) + _footer(m, pen, theme, page.hotline, slide))


def empty_body(page: Page) -> list[Op]:
    """No listings yet: "new listings are being sorted, please ask the staff"."""
    return _empty(page.m, page.pen, page.theme, page.hotline)


def job_page(slide: Slide, page: Page) -> list[Op]:
    """The job cards of a page of listings (the empty page's words when it has none)."""
    if not slide.listings:
        return empty_body(page)
    m, theme, fonts = page.m, page.theme, page.fonts
    # Never fewer cards than the slide has listings (a playlist may ask for more than config).
    n = cards_per_page(m.width, m.height, theme, max(slide.cards or page.cards or 0, len(slide.listings)))
    ops: list[Op] = []
    for listing, rect in zip(slide.listings, card_rects(m, n), strict=False):
        try:
            ops += layout_card(listing, rect, m, theme, fonts)
        except Exception:  # one bad card must not take the page down
            if listing.id not in _failed_cards:
                _failed_cards.add(listing.id)
                log.exception("card %s (%s) could not be laid out; skipped", listing.id, listing.origin)
    return ops


def _header(m: Metrics, pen: _Pen, theme: Theme, station: str) -> list[Op]:
    h = header_height(m)
    size = max(m.min_text, m.px(52))
    avail = m.width - clock_rect(m, pen.fonts).w - m.sp(40)
    line = truncate(station, avail, size, lambda t, s: pen.fonts.width(t, s, True))
    top = (h - pen.line(size)) // 2
    return [Box(Rect(0, 0, m.width, h), theme.header_bg, role="header"),
            pen.text(line, m.sp(40), top, size, theme.header_fg, True, "station")]


def layout_clock(now: dt.datetime, m: Metrics, theme: Theme, fonts: Fonts) -> list[Op]:
    """Date, weekday and time, right-aligned in the header."""
    pen = _Pen(fonts)
    rect = clock_rect(m, fonts)
    size = clock_size(m)
    text = clock_format(m, fonts).format(month=now.month, day=now.day, weekday=WEEKDAYS[now.weekday()],
                                         hm=f"{now:%H:%M}")
    w = round(fonts.width(text, size, True))
    if w > rect.w - 2 * m.sp(40):  # a narrow (portrait) header: weekday and time only
        text = f"星期{WEEKDAYS[now.weekday()]}  {now:%H:%M}"
        w = round(fonts.width(text, size, True))
    top = (rect.h - pen.line(size)) // 2
    return [Box(rect, theme.header_bg, role="clock-bg"),
            pen.text(text, rect.right - m.sp(40) - w, top, size, theme.header_fg, True, "clock")]


def _footer(m: Metrics, pen: _Pen, theme: Theme, hotline: str, slide: Slide) -> list[Op]:
    h = footer_height(m)
    y = m.height - h
    size = max(m.min_text, m.px(44))
    top = y + (h - pen.line(size)) // 2
    ops: list[Op] = [Box(Rect(0, y, m.width, h), theme.footer_bg, role="footer")]
    right_text = f"第 {slide.page + 1}/{slide.pages} 页" if slide.pages > 1 else ""
    right_w = round(pen.fonts.width(right_text, size)) if right_text else 0
    if hotline:
        text = f"求职咨询热线 {hotline}"
        text = truncate(text, m.width - right_w - m.sp(120), size, pen.fonts.width)
        ops.append(pen.text(text, m.sp(40), top, size, theme.footer_fg, True, "hotline"))
    if right_text:
        ops.append(pen.text(right_text, m.width - m.sp(40) - right_w, top, size,
                            theme.footer_fg, False, "page-number"))
    return ops


def _empty(m: Metrics, pen: _Pen, theme: Theme, hotline: str) -> list[Op]:
    size = m.px(84)
    lines = ["新的招聘信息正在整理中", "请向工作人员咨询"]
    ops: list[Op] = []
    top = m.height // 2 - pen.line(size)
    for i, line in enumerate(lines):
        w = pen.fonts.width(line, size, True)
        ops.append(pen.text(line, round((m.width - w) / 2), top + i * pen.line(size), size,
                            theme.title, True, "empty"))
    return ops


# ------------------------------------------------------------------ the job card


def qr_target(listing: Listing) -> str | None:
    """What a phone should get from the card's QR code: the link, else a tel: URI."""
    if listing.link:
        return listing.link
    if listing.phone:
        return "tel:" + listing.phone.replace("-", "")
    return None


def layout_card(listing: Listing, rect: Rect, m: Metrics, theme: Theme, fonts: Fonts) -> list[Op]:
    """One job card inside ``rect``; every op stays inside it and none overlap.

    Title and pay are the largest text; the settlement is a coloured badge beside
    the pay; the phone number is drawn whole at the bottom, next to a QR code.
    Room is given in order of importance: phone, pay, title (two lines, else
    one), badge, then the optional lines (employer, place, hours, requirements,
    description), each shrinking to the size floor before wrapping, and left
    out when there is no room for it.
    """
    card = _Card(listing, rect, m, theme, fonts)
    ops: list[Op] = [Box(rect, theme.card_bg, radius=m.sp(theme.radius * 1080), border=max(2, m.sp(3)),
                         border_color=theme.card_edge, role="card")]
    flow, bottom, y, floor_y = card.main_blocks()
    # The contact line above the phone, when there is room.
    if bottom:
        contact = card.contact_line(bottom[0].top)
        if contact.top >= y:
            bottom.insert(0, contact)
            floor_y = contact.top - card.gap
    flow += card.optional_lines(flow, y, floor_y)
    ops += [*flow, *bottom]
    if card.qr_op:
        ops.append(card.qr_op)
    if card.image_op:
        ops.append(card.image_op)
    return ops


class _Card:
    """One card's layout: the room it has and the steps that fill it."""

    def __init__(self, listing: Listing, rect: Rect, m: Metrics, theme: Theme, fonts: Fonts):
        self.listing, self.m, self.theme, self.fonts = listing, m, theme, fonts
        self.pen = _Pen(fonts)
        self.inner = inner = rect.inset(m.sp(34))
        self.gap = m.sp(10)
        self.qr_op = self._qr()
        qr_top = self.qr_op.y if self.qr_op else inner.bottom
        self.left_w = inner.w - (self.qr_op.side + m.sp(24) if self.qr_op else 0)
        # Zones on the right that text must keep clear of: (top, bottom, width left beside it).
        self.zones = [(qr_top - self.gap, inner.bottom, self.left_w)]
        self.image_op = self._picture(qr_top)
        # The settlement badge beside the pay (or under it).
        self.bsize = max(m.min_text, m.px(50))
        self.bpad = m.sp(16)
        self.bh = self.pen.line(self.bsize) + m.sp(4)
        settle = listing.settlement
        self.badge = theme.badges.get(settle.kind) if settle else None
        self.badge_w = round(self.wb(settle.zh, self.bsize)) + 2 * self.bpad if settle else 0

    def wb(self, text: str, size: int) -> float:
        return self.fonts.width(text, size, True)

    def wr(self, text: str, size: int) -> float:
        return self.fonts.width(text, size, False)

    def _qr(self) -> Qr | None:
        """The QR code, bottom right, as large as the card allows, whole pixels per module."""
        target = qr_target(self.listing)
        if not target:
            return None
        m, inner = self.m, self.inner
        room = min(round(min(m.width, m.height) * 0.22), inner.h * 3 // 5, inner.w * 2 // 5)
        px = qr.module_px(target, room)
        side = px * qr.side_modules(target)
        if px >= max(3, m.sp(4)):
            return Qr(target, inner.right - side, inner.bottom - side, px, side)
        return None

    def _picture(self, qr_top: int) -> Image | None:
        """The listing's picture, top right, when the card is wide and tall enough for it."""
        m, inner, listing = self.m, self.inner, self.listing
        if not listing.image or inner.w < m.sp(640):
            return None
        iw = inner.w * 3 // 10
        ih = min(iw * 3 // 4, qr_top - 2 * self.gap - inner.y)
        if ih < m.sp(160):
            return None
        self.zones.append((inner.y, inner.y + ih + self.gap, inner.w - iw - m.sp(24)))
        return Image(listing.image, Rect(inner.right - iw, inner.y, iw, ih), role="picture",
                     version=listing.image_version)

    def width_at(self, top: int, height: int) -> int:
        """The usable width for a block at ``top``: narrower beside the QR code or picture."""
        return min([self.inner.w] + [w for y0, y1, w in self.zones if top < y1 and top + height > y0])

    def main_blocks(self) -> tuple[list[Op], list[Text], int, int]:
        """(title and pay, the phone, where the title and pay end, where the phone begins):
        the largest first; then one title line; then the size floors."""
        m, inner, gap = self.m, self.inner, self.gap
        for title_lines, compact, phone_size in ((2, False, m.px(76)), (1, False, m.px(76)),
                                                 (1, True, m.px(60)), (1, True, m.min_text)):
            bottom = self.phone_block(phone_size)
            floor_y = bottom[0].top - gap if bottom else inner.bottom
            flow, y = self.top_block(title_lines, compact)
            if y <= floor_y:
                return flow, bottom, y, floor_y
        # a card too small for its content: title and phone only, never overlapping
        title = [op for op in flow if isinstance(op, Text) and op.role == "title"][:1]
        y = title[0].bottom + gap if title else inner.y
        return [*title], bottom, y, floor_y

    def phone_block(self, largest: int) -> list[Text]:
        """The phone number: bottom left, whole, never cut."""
        if not self.listing.phone:
            return []
        min_text = self.m.min_text
        phone = self.listing.phone_display
        size = fit_single(phone, self.left_w, max(min_text, largest), min_text, self.wb) or min_text
        return [self.pen.text(phone, self.inner.x, self.inner.bottom - self.pen.line(size), size,
                              self.theme.phone, True, "phone")]

    def top_block(self, title_lines: int, compact: bool) -> tuple[list[Op], int]:
        """Title and pay (and the badge), and where they end."""
        m, inner, pen, theme, min_big = self.m, self.inner, self.pen, self.theme, self.m.min_big
        y = inner.y
        out: list[Op] = []
        tsize = min_big if compact else max(min_big, m.px(92))
        f = fit(self.listing.title, inner.w, title_lines, tsize, min_big, self.wb)
        narrow = self.width_at(inner.y, len(f.lines) * pen.line(f.size))
        if narrow < inner.w:
            f = fit(self.listing.title, narrow, title_lines, tsize, min_big, self.wb)
        for line in f.lines:
            out.append(pen.text(line, inner.x, y, f.size, theme.title, True, "title"))
            y += pen.line(f.size)
        y += self.gap
        pay_text = self.listing.pay_display
        pay_max = min_big if compact else max(min_big, m.px(84))
        avail = self.width_at(y, pen.line(pay_max))
        beside = avail - self.badge_w - m.sp(24) if self.badge else avail
        psize = fit_single(pay_text, beside, pay_max, min_big, self.wb)
        below = psize is None
        if psize is None:
            psize = fit_single(pay_text, avail, pay_max, min_big, self.wb) or min_big
        text = truncate(pay_text, avail, psize, self.wb)
        pay_op = pen.text(text, inner.x, y, psize, theme.pay, True, "pay")
        out.append(pay_op)
        y += pen.line(psize)
        y = self._badge(out, pay_op, below, y)
        return out, y + self.gap

    def _badge(self, out: list[Op], pay_op: Text, below: bool, y: int) -> int:
        """The settlement badge beside the pay (or under it, then the block ends lower),
        and "招4人" after it when the row has room."""
        settle, badge = self.listing.settlement, self.badge
        if badge is None or settle is None:
            return y
        m, pen, bh = self.m, self.pen, self.bh
        if below:
            bx, by = self.inner.x, y + self.gap
            y = by + bh
        else:
            bx = self.inner.x + pay_op.width + m.sp(24)
            by = pay_op.top + (pay_op.bottom - pay_op.top - bh) // 2
        out.append(Box(Rect(bx, by, self.badge_w, bh), badge.bg, radius=bh // 4, role="badge"))
        out.append(pen.text(settle.zh, bx + self.bpad, by + m.sp(2), self.bsize, badge.fg, True,
                            "badge-text"))
        if self.listing.headcount:
            wanted = f"招{self.listing.headcount}人"
            hx = bx + self.badge_w + m.sp(20)
            if hx + self.wb(wanted, self.bsize) <= self.inner.x + self.width_at(by, bh):
                out.append(pen.text(wanted, hx, by + m.sp(2), self.bsize, self.theme.label, True,
                                    "headcount"))
        return y

    def contact_line(self, phone_top: int) -> Text:
        """电话 and the contact's name, just above the phone number."""
        lsize = max(self.m.min_text, self.m.px(40))
        contact = self.listing.contact
        label = truncate("电话" + (f"  {contact}" if contact else ""), self.left_w, lsize, self.wr)
        top = phone_top - self.pen.line(lsize)
        return self.pen.text(label, self.inner.x, top, lsize, self.theme.label, False, "contact")

    def optional_lines(self, flow: list[Op], y: int, floor_y: int) -> list[Op]:
        """Optional lines, in order of importance, all at one size: the largest at which every
        one fits whole (large print for older readers; shrinking within limits before anything
        is dropped), else the smallest, leaving out the least important lines that do not fit."""
        listing, m = self.listing, self.m
        counted = any(isinstance(op, Text) and op.role == "headcount" for op in flow)
        headcount = f"{listing.headcount}人" if listing.headcount and not counted else ""
        lines = [("", listing.employer, "employer", 2), ("地点", listing.place, "place", 2),
                 ("时间", listing.hours, "hours", 2), ("招聘", headcount, "headcount", 1),
                 ("要求", "；".join(listing.requirements), "requirements", 2),
                 ("说明", listing.description, "description", 2)]
        lines = [x for x in lines if x[1]]
        sizes = sorted({max(m.min_text, m.px(44 * k)) for k in (1.25, 1.12, 1.0, 0.94, 0.88)},
                       reverse=True)
        placed: list[Op] = []
        for size in sizes:
            placed, whole = self._place_lines(lines, size, y, floor_y)
            if whole:
                break
        return placed

    def _place_lines(self, lines: list[tuple[str, str, str, int]], size: int, top: int,
                     floor_y: int) -> tuple[list[Op], bool]:
        """The optional lines at ``size`` from ``top``; and whether every one of them fitted whole."""
        placed: list[Op] = []
        whole = True
        for label, value, role, max_lines in lines:
            text = f"{label}：{value}" if label else value
            for allowed in range(max_lines, 0, -1):
                w = self.width_at(top, self.pen.line(size) * allowed)
                f = fit(text, w, allowed, size, size, self.wr)
                height = len(f.lines) * self.pen.line(f.size)
                if top + height <= floor_y and self.width_at(top, height) >= w:
                    for line in f.lines:
                        placed.append(self.pen.text(line, self.inner.x, top, f.size,
                                                    self.theme.text if label else self.theme.label,
                                                    False, role))
                        top += self.pen.line(f.size)
                    top += self.gap // 2
                    whole = whole and not f.truncated
                    break
            else:
                whole = False
        return placed, whole
