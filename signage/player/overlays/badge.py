"""The staff badge ("2 个文件有问题") in a corner of every screen while files have errors."""

from __future__ import annotations

from signage.kinds import registry as kinds
from signage.render import badge as badge_mod

from . import NEVER, Sprite, View


class BadgeOverlay:
    newsworthy = True

    def __init__(self) -> None:
        self._made: tuple | None = None  # (key, Sprite or None)

    def sprite(self, view: View, now: float) -> Sprite | None:
        want = view.shared.badge
        if not want or not view.settings.staff_badge or not kinds.badge(view.slide.kind):
            return None
        corner = view.settings.staff_badge_corner
        key = (want, view.theme.name, view.logical, view.rotation, corner)
        if self._made is None or self._made[0] != key:
            made = badge_mod.render_badge(*want, view.logical, view.theme, view.fonts, corner)
            sprite = None if made is None else Sprite(key, view.place(made[0], made[1].x, made[1].y))
            self._made = (key, sprite)
        return self._made[1]

    def next_change(self, view: View, now: float) -> float:
        return NEVER
