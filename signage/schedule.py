"""What is on screen at a given instant: a pure function of clock and content.

Pages change on wall-clock boundaries (every ``seconds`` since the Unix epoch),
so a box that restarts comes back on the page it would have shown, and boxes
whose clocks agree change page together without talking to each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Listing, Slide, Snapshot


@dataclass(frozen=True)
class Programme:
    """How pages are cut and timed (from config.yaml)."""

    cards_per_page: int = 2
    seconds: float = 12.0
    theme: str = "day"


@dataclass(frozen=True)
class OnScreen:
    slide: Slide
    index: int  # which slide of the cycle
    count: int
    started_at: float  # epoch seconds
    next_change: float


def paginate(listings: tuple[Listing, ...], per_page: int, seconds: float, theme: str) -> list[Slide]:
    per_page = max(1, per_page)
    chunks = [listings[i:i + per_page] for i in range(0, len(listings), per_page)]
    return [Slide("jobs", chunk, page=i, pages=len(chunks), seconds=seconds, theme=theme)
            for i, chunk in enumerate(chunks)]


def slides_for(snapshot: Snapshot, today: dt.date, programme: Programme) -> list[Slide]:
    """The cycle of slides for this content on this day: current listings, then posters."""
    slides = paginate(snapshot.current(today), programme.cards_per_page, programme.seconds,
                      programme.theme)
    for poster in snapshot.posters:
        slides.append(Slide("poster", poster=poster, seconds=programme.seconds, theme=programme.theme))
    if not slides:
        slides.append(Slide("empty", seconds=programme.seconds, theme=programme.theme))
    return slides


def at(instant: float, snapshot: Snapshot, programme: Programme, step: int = 0,
       tz: dt.tzinfo | None = None) -> OnScreen:
    """The slide on screen at ``instant`` (epoch seconds), ``step`` pages from the natural one.

    ``step`` is what the arrow keys add; the cycle wraps around.
    """
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
