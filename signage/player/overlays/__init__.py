"""What is drawn over the page: the header clock, the footer ticker, the staff badge.

Each overlay is a small object with two methods: ``sprite(view, now)`` (the small
surface to draw at this instant, with a key that changes exactly when its pixels
do, or None) and ``next_change(view, now)`` (when it will look different). The
screen compares keys between frames to know which rectangles changed; the
compositor draws sprites over the page layers. Overlays cache what they drew.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import pygame

from signage.render import pages as pages_mod

from ..transitions import Layer

if TYPE_CHECKING:
    from signage.core.model import Slide, Snapshot
    from signage.core.schedule import OnScreen
    from signage.core.settings import Settings
    from signage.parse.playlists import Playlists
    from signage.render.fonts import Fonts
    from signage.render.themes import Theme

NEVER = float("inf")


@dataclass(frozen=True)
class Shared:
    """What every screen of the box shares at an instant."""

    snapshot: Snapshot
    playlists: Playlists
    step: int = 0
    badge: tuple[int, bool] | None = None  # (files with errors, stale) when staff should look


@dataclass(frozen=True)
class View:
    """What one screen shows now, as the overlays need it."""

    slide: Slide
    on: OnScreen | None
    theme: Theme
    logical: tuple[int, int]
    rotation: int
    settings: Settings
    fonts: Fonts
    shared: Shared
    fps: int = 60  # frames a second while something moves on this screen

    def place(self, surface: pygame.Surface, x: int, y: int) -> Layer:
        """A logical ``surface`` at logical (x, y), turned onto the panel."""
        w, h = surface.get_size()
        px, py, _, _ = pages_mod.physical_rect(x, y, w, h, self.logical, self.rotation)
        return Layer(pages_mod.rotate(surface, self.rotation), (px, py))


@dataclass(frozen=True)
class Sprite:
    key: Hashable  # equal keys: equal pixels
    layer: Layer


class Overlay(Protocol):
    newsworthy: bool  # a change is news for /status (the clock's minute: yes; the ticker: no)

    def sprite(self, view: View, now: float) -> Sprite | None: ...

    def next_change(self, view: View, now: float) -> float: ...
