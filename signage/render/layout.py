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

from signage.core.model import Listing, Problem, Severity, Slide
from signage.kinds import registry as kinds
from signage.parse.images import Picture

from . import card
from .fonts import Fonts
from .geometry import Box, Image, Metrics, Op, Rect, _Pen, footer_height, header_height
from .labels import label
from .text import break_lines, truncate
from .themes import Theme

log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"
_failed_cards: set[str] = set()
_uncoded: set[str] = set()


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
    lang: str = "zh-cn"  # the fixed words in Simplified or Traditional Chinese (labels.py)
    logo: Picture | None = None  # the station's logo, at the left of the header

    @property
    def pen(self) -> _Pen:
        return _Pen(self.fonts)


def layout_page(slide: Slide, width: int, height: int, theme: Theme, fonts: Fonts,
                station: str, hotline: str = "", cards: int | None = None, lang: str = "zh-cn",
                logo: Picture | None = None) -> list[Op]:
    """Everything on a page but the clock, which the compositor draws over it: the page,
    header and footer around the body of a kind with ``chrome``, else what the kind draws."""
    page = Page(Metrics.for_size(width, height, theme), theme, fonts, station, hotline, cards, lang, logo)
    kind = kinds.find(slide.kind) or kinds.get("jobs")
    if not kind.chrome:
        return kind.layout(slide, page)
    return chrome(slide, page) + kind.layout(slide, page)


def chrome(slide: Slide, page: Page) -> list[Op]:
    """The page's background, the header with the station's name (and logo), the footer."""
    m, pen, theme = page.m, page.pen, page.theme
    return ([Box(Rect(0, 0, m.width, m.height), theme.page_bg, role="page")]
            + _header(m, pen, theme, page.station, page.logo) + _footer(m, pen, theme, page.hotline, slide,
                                                                         page.lang))


def empty_body(page: Page) -> list[Op]:
    """No listings yet: "new listings are being sorted, please ask the staff"."""
    return _empty(page.m, page.pen, page.theme, page.lang)


def job_page(slide: Slide, page: Page) -> list[Op]:
    """The job cards of a page of listings (the empty page's words when it has none)."""
    if not slide.listings:
        return empty_body(page)
    return _cards(slide, page.m, page.theme, page.fonts, page.cards, page.lang)


def _header(m: Metrics, pen: _Pen, theme: Theme, station: str, logo: Picture | None = None) -> list[Op]:
    h = header_height(m)
    size = max(m.min_text, m.px(52))
    ops: list[Op] = [Box(Rect(0, 0, m.width, h), theme.header_bg, role="header")]
    x = m.sp(40)
    if logo is not None and logo.width and logo.height:  # the station's logo, as tall as the header allows
        lh = h - 2 * m.sp(12)
        lw = min(round(lh * logo.width / logo.height), m.width // 5)
        ops.append(Image(logo.path, Rect(x, (h - lh) // 2, lw, lh), role="logo", version=logo.version))
        x += lw + m.sp(24)
    avail = m.width - clock_rect(m, pen.fonts).w - x
    line = truncate(station, avail, size, lambda t, s: pen.fonts.width(t, s, True))
    top = (h - pen.line(size)) // 2
    return ops + [pen.text(line, x, top, size, theme.header_fg, True, "station")]


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


def _footer(m: Metrics, pen: _Pen, theme: Theme, hotline: str, slide: Slide, lang: str) -> list[Op]:
    h = footer_height(m)
    y = m.height - h
    size = max(m.min_text, m.px(44))
    top = y + (h - pen.line(size)) // 2
    ops: list[Op] = [Box(Rect(0, y, m.width, h), theme.footer_bg, role="footer")]
    right_text = label("第 {page}/{pages} 页", lang, page=slide.page + 1, pages=slide.pages) \
        if slide.pages > 1 else ""
    right_w = round(pen.fonts.width(right_text, size)) if right_text else 0
    if hotline:
        text = f"{label('求职咨询热线', lang)} {hotline}"
        text = truncate(text, m.width - right_w - m.sp(120), size, pen.fonts.width)
        ops.append(pen.text(text, m.sp(40), top, size, theme.footer_fg, True, "hotline"))
    if right_text:
        ops.append(pen.text(right_text, m.width - m.sp(40) - right_w, top, size,
                            theme.footer_fg, False, "page-number"))
    return ops


def _empty(m: Metrics, pen: _Pen, theme: Theme, lang: str) -> list[Op]:
    size = m.px(84)
    lines = [label("新的招聘信息正在整理中", lang), label("请向工作人员咨询", lang)]
    ops: list[Op] = []
    top = m.height // 2 - pen.line(size)
    for i, line in enumerate(lines):
        w = pen.fonts.width(line, size, True)
        ops.append(pen.text(line, round((m.width - w) / 2), top + i * pen.line(size), size,
                            theme.title, True, "empty"))
    return ops


# ------------------------------------------------------------------ the job cards


def layout_card(listing: Listing, rect: Rect, m: Metrics, theme: Theme, fonts: Fonts,
                lang: str = "zh-cn") -> list[Op]:
    """One job card alone inside ``rect`` (see ``card.py`` for the grid and the sizes)."""
    plans, _ = card.layout_cards((listing,), [rect], m, theme, fonts, lang)
    return list(plans[0].ops)


def _cards(slide: Slide, m: Metrics, theme: Theme, fonts: Fonts, cards: int | None, lang: str) -> list[Op]:
    """The job cards of a page, all at one scale; a lone last card in the middle of its page."""
    listings = slide.listings
    if slide.part:  # one listing over two pages: the whole body is its card
        listings, n = listings[:1], 1
    else:
        n = cards_per_page(m.width, m.height, theme, max(slide.cards or cards or 0, len(listings)))
        listings = listings[:n]
    rects = card_rects(m, n)[:len(listings)]
    try:
        plans, _ = card.layout_cards(listings, rects, m, theme, fonts, lang, slide.part)
    except Exception:  # a bad listing must not take the page down: the others, one by one
        plans = []
        for listing, rect in zip(listings, rects, strict=False):
            try:
                plans += card.layout_cards((listing,), [rect], m, theme, fonts, lang)[0]
            except Exception:
                if listing.id not in _failed_cards:
                    _failed_cards.add(listing.id)
                    log.exception("card %s (%s) could not be laid out; skipped", listing.id, listing.origin)
    for listing, plan in zip(listings, plans, strict=False):
        if not plan.coded and listing.id not in _uncoded:  # said once: the card is drawn, its code is not
            _uncoded.add(listing.id)
            log.warning("card %s (%s): no room for its QR code at %dx%d, drawn without it",
                        listing.id, listing.origin, m.width, m.height)
    if len(listings) < n and rects:  # the page's spare room either side, shared evenly
        used = rects[-1].right - rects[0].x
        area = card_rects(m, 1)[0]
        return card.centred(plans, max(0, (area.w - used) // 2 - (rects[0].x - area.x)))
    return [op for p in plans for op in p.ops]


def text_lines(text: str, width: int, size: int, fonts: Fonts) -> list[str]:
    return break_lines(text, width, size, fonts.width)


# ------------------------------------------------------------------ cutting listings into pages

AUTO_MOST = 4  # cards_per_page: auto tries this many, then fewer


def page_fits(listings: tuple[Listing, ...], m: Metrics, theme: Theme, fonts: Fonts, lang: str,
              whole: bool, cards: int = 0, memo: dict | None = None) -> bool:
    """Whether these listings go on one page (cut for ``cards``) at the floors: title, pay and
    phone bar of every card in place (and, when ``whole``, every row to its end). ``memo``
    keeps each card's answer by (listing, size of its card, title lines)."""
    n = max(cards, len(listings))
    rects = card_rects(m, n)[:len(listings)]
    base = card.floors(m, theme, fonts)
    slots = card._slots(listings, rects, m, base, fonts, theme.title_face)
    memo = {} if memo is None else memo
    for listing, rect in zip(listings, rects, strict=True):
        key = (id(listing), rect.w, rect.h, slots, theme.name, whole)
        hit = memo.get(key)
        if hit is None or hit[0] is not listing:  # the rows are broken only when they matter
            plan = card.layout_card(listing, rect, m, theme, fonts, base, slots, lang, with_rows=whole)
            hit = memo[key] = (listing, plan.fits and plan.coded, plan.whole)
        if not hit[1] or (whole and not hit[2]):
            return False
    return True


def overflows_alone(listing: Listing, m: Metrics, theme: Theme, fonts: Fonts, lang: str) -> bool:
    """Whether a listing alone on its page, laid out as it will be drawn, leaves something out
    (a row, its picture): only then does it get a second page, which shows what was left out."""
    plans, _ = card.layout_cards((listing,), card_rects(m, 1), m, theme, fonts, lang, card.FIRST_OF_TWO)
    return not plans[0].whole


def code_problems(listings, width: int, height: int, theme_name: str, fonts: Fonts,
                  lang: str = "zh-cn") -> list[Problem]:
    """A warning for each listing whose QR code pages of this size leave out: laid out as the
    pager gives it, alone on its page (and its second), it still has no room for it."""
    from .themes import get

    theme = get(theme_name)
    m = Metrics.for_size(width, height, theme)
    rect = card_rects(m, 1)
    out = []
    for listing in listings:
        if card.qr_target(listing) is None:
            continue
        parts = (card.FIRST_OF_TWO, card.SECOND_OF_TWO) if overflows_alone(listing, m, theme, fonts, lang) \
            else (card.WHOLE,)
        if all(card.layout_cards((listing,), rect, m, theme, fonts, lang, part)[0][0].coded for part in parts):
            continue
        what = ("链接", "link") if listing.link else ("电话", "phone")
        out.append(Problem(listing.origin,
                           f"“{listing.title}”的二维码（{what[0]}）在 {width}x{height} 的屏幕上放不下，不会显示。"
                           "请换一个短一些的链接",
                           f"'{listing.title}': its QR code ({what[1]}) does not fit a {width}x{height} page "
                           "and is left out; use a shorter link", Severity.WARNING, "qr"))
    return out


class Pager:
    """Cuts listings into job pages for one screen (``schedule.Programme.pager``).

    A page takes the cards asked for (``auto``: up to four), or fewer when the title,
    pay or phone of one of them would not fit whole at the floors. Rows that do not fit
    end with "详情请到服务台"; a listing alone on its page whose rows do not fit, laid out
    as it is drawn, gets a second page instead. A short last page keeps the size of the
    pages before it (its cards centred).
    """

    def __init__(self, width: int, height: int, fonts: Fonts, lang: str = "zh-cn"):
        self.width, self.height, self.fonts, self.lang = width, height, fonts, lang
        self._fits: dict[tuple, tuple[tuple[Listing, ...], bool]] = {}
        self._cards: dict[tuple, tuple[Listing, bool, bool]] = {}
        self._alone: dict[tuple, tuple[Listing, bool]] = {}

    def _fits_page(self, listings: tuple[Listing, ...], theme: Theme, whole: bool, cards: int = 0) -> bool:
        key = (tuple(id(x) for x in listings), theme.name, whole, cards)
        hit = self._fits.get(key)
        if hit is None or any(a is not b for a, b in zip(hit[0], listings, strict=True)):
            if len(self._fits) > 50_000:  # months of new listings: stay bounded
                self._fits.clear()
                self._cards.clear()
                self._alone.clear()
            m = Metrics.for_size(self.width, self.height, theme)
            hit = self._fits[key] = (listings, page_fits(listings, m, theme, self.fonts, self.lang, whole,
                                                         cards, self._cards))
        return hit[1]

    def _overflows(self, listing: Listing, theme: Theme) -> bool:
        key = (id(listing), theme.name)
        hit = self._alone.get(key)
        if hit is None or hit[0] is not listing:
            m = Metrics.for_size(self.width, self.height, theme)
            hit = self._alone[key] = (listing, overflows_alone(listing, m, theme, self.fonts, self.lang))
        return hit[1]

    def __call__(self, listings: tuple[Listing, ...], wanted: int, theme_name: str
                 ) -> list[tuple[tuple[Listing, ...], int, int]]:
        """(listings, the cards the page is cut for, part) for each page."""
        from .themes import get

        theme = get(theme_name)
        most = cards_per_page(self.width, self.height, theme, wanted or AUTO_MOST)
        pages: list[tuple[tuple[Listing, ...], int, int]] = []
        i = 0
        while i < len(listings):
            n = min(most, len(listings) - i)
            while n > 1 and not self._fits_page(listings[i:i + n], theme, whole=False):
                n -= 1
            chunk = listings[i:i + n]
            if n == 1 and not self._fits_page(chunk, theme, whole=True) and self._overflows(chunk[0], theme):
                pages += [(chunk, 1, card.FIRST_OF_TWO), (chunk, 1, card.SECOND_OF_TWO)]
            else:
                pages.append((chunk, n, card.WHOLE))
            i += n
        # a short last page keeps the size of the page before it, when its cards fit that size
        if len(pages) > 1 and pages[-1][2] == card.WHOLE and pages[-2][2] == card.WHOLE:
            last, before = pages[-1], pages[-2]
            if len(last[0]) < before[1] and self._fits_page(last[0], theme, False, before[1]):
                pages[-1] = (last[0], before[1], card.WHOLE)
        return pages
