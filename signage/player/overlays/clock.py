"""The header clock: drawn once a minute, as a small sprite over the page's header."""

from __future__ import annotations

import datetime as dt

from signage.kinds import registry as kinds
from signage.render import draw

from . import NEVER, Sprite, View


class ClockOverlay:
    newsworthy = True

    def __init__(self) -> None:
        self._made: Sprite | None = None

    def sprite(self, view: View, now: float) -> Sprite | None:
        if not kinds.chrome(view.slide.kind):  # no header, no clock
            return None
        local = dt.datetime.fromtimestamp(now)
        key = ((local.year, local.month, local.day, local.hour, local.minute), view.theme.name,
               view.logical, view.rotation)
        if self._made is None or self._made.key != key:
            surf, (x, y) = draw.render_clock(local, view.logical, view.theme, view.fonts)
            self._made = Sprite(key, view.place(surf, x, y))
        return self._made

    def next_change(self, view: View, now: float) -> float:
        if not kinds.chrome(view.slide.kind):  # no header, no clock
            return NEVER
        return (int(now // 60) + 1) * 60
