"""Listings whose characters no font can draw, reported to staff as problems."""

from __future__ import annotations

from signage.core.model import Problem, Snapshot
from signage.render.fonts import Fonts, glyph_problem


class GlyphCheck:
    """Checks each listing once: listings are immutable and kept by the store across snapshots
    (at 10,000 listings, checking all took 0.4 s of the loop on every change)."""

    def __init__(self, fonts: Fonts):
        self.fonts = fonts
        self._checked: dict[int, tuple] = {}  # id(listing) -> (listing, missing characters)

    def problems(self, snap: Snapshot) -> tuple[Problem, ...]:
        seen, self._checked = self._checked, {}
        found = []
        for listing in snap.listings:
            hit = seen.get(id(listing))
            missing = hit[1] if hit is not None and hit[0] is listing \
                else self.fonts.missing(listing.all_text())
            self._checked[id(listing)] = (listing, missing)
            if missing:
                found.append(glyph_problem(listing, missing))
        return tuple(found)
