"""What is on screen at a given instant: a pure function of clock and content.

Pages change on wall-clock boundaries (every ``seconds`` since the Unix epoch),
so a box that restarts comes back on the page it would have shown, and boxes
whose clocks agree change page together without talking to each other.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from signage.kinds import registry as kinds
from signage.parse.playlists import Playlist, Playlists, SlideSpec, reading_seconds

from .model import Listing, Location, PayUnit, Poster, Slide, Snapshot
from .theme_names import max_cards as theme_max_cards

# A job page: its listings, the cards it is cut for, and its part (a listing alone over two pages).
Page = tuple[tuple[Listing, ...], int, int]
# Cuts listings into pages for (cards wanted, 0 = as many as fit; theme): render.layout.Pager.
Pager = Callable[[tuple[Listing, ...], int, str], list[Page]]


@dataclass(frozen=True)
class Programme:
    """How pages are cut and timed (from config.yaml)."""

    cards_per_page: int = 2  # 0: auto, as many as fit (2 without a pager)
    seconds: float = 12.0
    theme: str = "day"  # the station's theme, for every playlist that names none
    portrait: bool = False  # a portrait screen takes at most 3 cards a page
    pager: Pager | None = None  # measures cards with the real fonts; None: fixed chunks
    forced_theme: str | None = None  # ``render --theme``: beats every playlist's


def cut(listings: tuple[Listing, ...], cards: int, theme: str, pager: Pager | None = None) -> list[Page]:
    """Listings cut into pages: by the pager (which measures), else ``cards`` at a time."""
    if pager is not None:
        return pager(listings, cards, theme)
    per = max(1, cards or 2)
    return [(listings[i:i + per], per, 0) for i in range(0, len(listings), per)]


@dataclass(frozen=True)
class OnScreen:
    slide: Slide
    index: int  # which slide of the cycle
    count: int
    started_at: float  # epoch seconds
    next_change: float
    playlist: str = ""  # the name of the playlist on (empty without playlists)


def paginate(listings: tuple[Listing, ...], per_page: int, seconds: float, theme: str,
             pager: Pager | None = None) -> list[Slide]:
    pages = cut(listings, per_page, theme, pager)
    return [Slide("jobs", chunk, page=i, pages=len(pages), seconds=seconds, theme=theme,
                  cards=cards if pager else 0, part=part)
            for i, (chunk, cards, part) in enumerate(pages)]


def slides_for(snapshot: Snapshot, today: dt.date, programme: Programme) -> list[Slide]:
    """The cycle of slides for this content on this day: current listings, then posters."""
    theme = programme.forced_theme or programme.theme
    slides = paginate(snapshot.current(today), programme.cards_per_page, programme.seconds, theme,
                      programme.pager)
    for poster in snapshot.posters:
        slides.append(Slide("poster", poster=poster, seconds=programme.seconds, theme=theme))
    slides += clip_slides(snapshot, theme)
    if not slides:
        slides.append(Slide("empty", seconds=programme.seconds, theme=theme))
    return slides


def clip_slides(snapshot: Snapshot, theme: str) -> list[Slide]:
    """A slide for each clip of the drop folder, up for the clip's own length."""
    return [Slide("video", clip=c, seconds=max(1.0, c.seconds), theme=theme) for c in snapshot.clips]


def at(instant: float, snapshot: Snapshot, programme: Programme, step: int = 0,
       tz: dt.tzinfo | None = None, playlists: Playlists | None = None,
       screen: tuple[int, int] = (0, 1)) -> OnScreen:
    """The slide on screen ``screen`` = (k, n) (0-based k of n) at ``instant`` (epoch seconds),
    ``step`` pages from the natural one.

    ``step`` is what the arrow keys add; the cycle wraps around. Without playlists
    and with one screen, every current listing is shown in turn, then the posters,
    then the clips (each for its own length).
    """
    if playlists or screen[1] > 1 or snapshot.clips:  # clips last their own length
        return programmed(instant, snapshot, programme, playlists or Playlists(), screen, step, tz)
    today = dt.datetime.fromtimestamp(instant, tz).date()
    slides = slides_for(snapshot, today, programme)
    period = programme.seconds
    tick = int(instant // period)
    index = (tick + step) % len(slides)
    started = tick * period
    next_change = started + period
    # Listings expire at midnight: never hold a page past the end of its day.
    midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tz).timestamp()
    return OnScreen(slides[index], index, len(slides), started, min(next_change, midnight))


def asleep(instant: float, playlists: Playlists, tz: dt.tzinfo | None = None) -> bool:
    """Whether the programme is in its sleep hours at ``instant`` (the screens black on purpose)."""
    return programmed(instant, Snapshot(), Programme(), playlists, tz=tz).slide.kind == "black"


# ------------------------------------------------------------------ playlists and screens


def _local(instant: float, tz: dt.tzinfo | None) -> dt.datetime:
    """Naive local wall-clock time (the playlists' schedules are written in it)."""
    return dt.datetime.fromtimestamp(instant, tz).replace(tzinfo=None)


def _epoch(moment: dt.datetime, tz: dt.tzinfo | None) -> float:
    return moment.timestamp() if tz is None else moment.replace(tzinfo=tz).timestamp()


@dataclass(frozen=True)
class Choice:
    """The playlist on at a moment, when its run began and when the choice may next change."""

    playlist: Playlist | None
    anchor: dt.datetime | None  # the last schedule edge (a window opening or closing)
    boundary: dt.datetime | None  # the next schedule edge


def choose(playlists: tuple[Playlist, ...], moment: dt.datetime) -> Choice:
    """The most specific playlist whose schedule covers ``moment`` (naive local), else the default.

    Specific means: a window with dates beats one with weekdays, which beats a
    daily time span, which beats no schedule; then the shorter span; then an
    explicit ``priority``; ties go to the file that sorts first.
    """
    best: Playlist | None = None
    best_key: tuple | None = None
    edges: list[dt.datetime] = []
    today = moment.date()
    for p in playlists:
        for w in p.windows:
            for offset in (-2, -1, 0, 1):
                span = w.edges(today + dt.timedelta(days=offset))
                if span:
                    edges.extend(span)
            if w.covers(moment):
                key = (p.priority, *w.specificity(), -p.order)
                if best_key is None or key > best_key:
                    best, best_key = p, key
    if best is None:
        best = next((p for p in playlists if p.is_default), None)
    return Choice(best, max((e for e in edges if e <= moment), default=None),
                  min((e for e in edges if e > moment), default=None))


def _pay_per_day(listing: Listing) -> float:
    if listing.pay is None:
        return -1.0
    per_day = {PayUnit.HOUR: 8, PayUnit.DAY: 1, PayUnit.WEEK: 1 / 5.5, PayUnit.MONTH: 1 / 26,
               PayUnit.YEAR: 1 / 300}.get(listing.pay.unit)
    if per_day is None:
        return -1.0  # per piece or per job: not comparable
    return (listing.pay.high or listing.pay.low) * per_day


def sort_listings(listings: tuple[Listing, ...], how: str) -> tuple[Listing, ...]:
    if how == "newest":
        return tuple(sorted(listings, key=lambda x: x.starts or dt.date.min, reverse=True))
    if how == "pay":
        return tuple(sorted(listings, key=_pay_per_day, reverse=True))
    if how == "expires":
        return tuple(sorted(listings, key=lambda x: x.expires or dt.date.max))
    if how == "title":
        return tuple(sorted(listings, key=lambda x: x.title))
    return listings


def share_pages(listings: tuple[Listing, ...], cards: int, seconds: float, theme: str,
                screen: tuple[int, int], pager: Pager | None = None) -> list[Slide]:
    """This screen's share of the job pages, one slide per round of the cycle.

    Page p of the cycle goes to screen p mod n in round p div n; in the last
    round the pages wrap around. At any instant the n screens show n
    consecutive pages (mod P), so they are disjoint, and over the rounds every
    page is shown. When there are fewer pages than screens, pages are cut
    smaller (down to one card) so that each screen has some.
    """
    k, n = screen
    if not listings:
        return []
    pages = cut(listings, cards, theme, pager)
    if n > 1 and len(pages) < n:
        pages = cut(listings, max(1, len(listings) // n), theme, pager)
    count = len(pages)
    slides = []
    for r in range(math.ceil(count / n)):
        p = r * n + k
        if count >= n:
            p %= count
        if p < count:
            chunk, cut_for, part = pages[p]
            slides.append(Slide("jobs", chunk, page=p, pages=count, seconds=seconds, theme=theme,
                                cards=cut_for, part=part))
        else:  # fewer listings than screens: this screen has none of its own
            slides.append(Slide("empty", seconds=seconds, theme=theme))
    return slides


@dataclass(frozen=True)
class Expansion:
    """What a kind's ``expand`` knows when it turns a spec into the slides of one screen."""

    playlist: Playlist | None
    programme: Programme
    theme: str
    page_seconds: float  # job pages and posters
    current: tuple[Listing, ...]  # today's listings
    screen: tuple[int, int]
    max_cards: int  # the theme's most cards a page


def spec_slide(spec: SlideSpec, ctx: Expansion, seconds: float | None = None,
               details: tuple[tuple[str, str], ...] | None = None) -> Slide:
    """The one slide a spec shows: its own seconds, else ``seconds``, else the time to read it."""
    details = spec.details if details is None else details
    seconds = spec.seconds or seconds or reading_seconds(spec.title, spec.text, *(v for _, v in details))
    poster = Poster(spec.image, spec.image, spec.origin, spec.image_version) if spec.image else None
    return Slide(spec.kind, poster=poster, seconds=seconds, theme=ctx.theme, title=spec.title,
                 text=spec.text, qr=spec.qr, details=details, extra=spec.extra,
                 clip=spec.clip)


def cycle(playlist: Playlist | None, snapshot: Snapshot, today: dt.date, programme: Programme,
          screen: tuple[int, int] = (0, 1)) -> list[Slide]:
    """The slides one screen shows in one turn of ``playlist`` (None: every listing, then posters).

    Each spec becomes slides by its kind's ``expand``. The durations are the same on every
    screen; only the job pages differ.
    """
    theme = programme.forced_theme or (playlist.theme if playlist else None) or programme.theme
    page_seconds = (playlist.seconds if playlist else None) or programme.seconds
    specs = playlist.slides if playlist else (SlideSpec("jobs", Location("config.yaml")),)
    ctx = Expansion(playlist, programme, theme, page_seconds, snapshot.current(today), screen,
                    theme_max_cards(theme))
    slides: list[Slide] = []
    for spec in specs:
        if spec.shown_on(today):
            expand = kinds.get(spec.kind).expand
            slides += expand(spec, ctx) if expand else [spec_slide(spec, ctx)]
    if playlist is None:
        for poster in snapshot.posters:
            slides.append(Slide("poster", poster=poster, seconds=page_seconds, theme=theme))
        slides += clip_slides(snapshot, theme)
    if not slides:
        slides.append(Slide("empty", seconds=page_seconds, theme=theme))
    return slides


def programmed(instant: float, snapshot: Snapshot, programme: Programme, playlists: Playlists,
               screen: tuple[int, int] = (0, 1), step: int = 0, tz: dt.tzinfo | None = None
               ) -> OnScreen:
    """What screen (k, n) shows at ``instant`` under ``playlists``: urgent, sleep, or the cycle.

    A cycle starts at the last schedule edge (so the night market opens on its
    first slide), or at the Unix epoch when nothing is scheduled; slides follow
    each other by their durations, so every screen and every restart agrees.
    """
    moment = _local(instant, tz)
    today = moment.date()
    midnight = _epoch(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()), tz)
    urgent = playlists.urgent
    if urgent is not None and urgent.active(moment):
        spec = urgent.slide
        slide = Slide("urgent", seconds=spec.seconds or 60.0,
                      theme=programme.forced_theme or urgent.theme or programme.theme,
                      title=spec.title, text=spec.text, qr=spec.qr, details=spec.details)
        started = _epoch(urgent.starts, tz) if urgent.starts else math.floor(instant / 60) * 60
        ends = _epoch(urgent.until, tz) if urgent.until else math.inf
        return OnScreen(slide, 0, 1, started, min(ends, midnight), "urgent")
    choice = choose(playlists.playlists, moment)
    boundary = _epoch(choice.boundary, tz) if choice.boundary else math.inf
    if urgent is not None and urgent.starts and urgent.starts > moment:
        boundary = min(boundary, _epoch(urgent.starts, tz))
    anchor = _epoch(choice.anchor, tz) if choice.anchor else 0.0
    playlist = choice.playlist
    name = playlist.name if playlist else ""
    if playlist is not None and playlist.sleep:
        slide = Slide("black", seconds=60.0)
        return OnScreen(slide, 0, 1, anchor, min(boundary, midnight), name)
    slides = cycle(playlist, snapshot, today, programme, screen)
    total = sum(s.seconds for s in slides)
    pos = (instant - anchor) % total
    i, passed = 0, 0.0
    for i, s in enumerate(slides):  # noqa: B007 - i is used after the loop
        if pos < passed + s.seconds:
            break
        passed += s.seconds
    started = instant - (pos - passed)
    index = (i + step) % len(slides)
    next_change = min(started + slides[i].seconds, boundary, midnight)
    return OnScreen(slides[index], index, len(slides), started, next_change, name)
