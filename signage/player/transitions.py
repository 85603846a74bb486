"""Page transitions as pure functions of progress: ``(old, new, progress, area, size) -> layers``.

A transition keeps no state from frame to frame: what the panel shows at progress
``p`` (0..1, eased) depends on ``p`` alone, so a late frame shows the right picture,
not a step behind. Each function returns the page layers to draw, bottom first;
both compositors (window surface and textures) draw the same layers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pygame


@dataclass(frozen=True)
class Layer:
    """Draw ``area`` of ``surface`` (all of it when None) at ``dest``, at ``alpha`` (None: opaque)."""

    surface: pygame.Surface
    dest: tuple[int, int] = (0, 0)
    area: pygame.Rect | None = None
    alpha: int | None = None
    live: bool = False  # new pixels every frame (a clip): a texture compositor streams it

    @property
    def rect(self) -> pygame.Rect:
        w, h = self.area.size if self.area is not None else self.surface.get_size()
        return pygame.Rect(self.dest, (w, h))


Transition = Callable[[pygame.Surface, pygame.Surface, float, "pygame.Rect | None"], list[Layer]]


def ease(t: float) -> float:
    """Smoothstep: starts and ends gently."""
    t = min(1.0, max(0.0, t))
    return t * t * (3 - 2 * t)


def none(old: pygame.Surface, new: pygame.Surface, progress: float, area: pygame.Rect | None) -> list[Layer]:
    return [Layer(new)]


def crossfade(old: pygame.Surface, new: pygame.Surface, progress: float, area: pygame.Rect | None
              ) -> list[Layer]:
    """The new page over the old one at opacity ``progress``, only where they differ (``area``)."""
    alpha = round(255 * progress)
    if alpha >= 255:
        return [Layer(new)]
    if area is None:
        return [Layer(old), Layer(new, alpha=alpha)] if alpha > 0 else [Layer(old)]
    layers = [Layer(new)]  # outside ``area`` both pages are the same
    layers.append(Layer(old, area.topleft, area))
    if alpha > 0:
        layers.append(Layer(new, area.topleft, area, alpha))
    return layers


def slide(old: pygame.Surface, new: pygame.Surface, progress: float, area: pygame.Rect | None
          ) -> list[Layer]:
    """The old page leaves to the left while the new one comes in from the right."""
    if progress >= 1.0:
        return [Layer(new)]
    w = new.get_width()
    dx = round(w * progress)
    return [Layer(old, (-dx, 0)), Layer(new, (w - dx, 0))]


TRANSITIONS: dict[str, Transition] = {"crossfade": crossfade, "slide": slide, "none": none}


@dataclass(frozen=True)
class Change:
    """A page change under way on one screen."""

    old: pygame.Surface
    new: pygame.Surface
    started: float
    seconds: float
    kind: str
    area: pygame.Rect | None = None  # the part of the panel that changes (None: all of it)

    def progress(self, now: float) -> float:
        if self.seconds <= 0:
            return 1.0
        return ease((now - self.started) / self.seconds)

    def layers(self, now: float) -> list[Layer]:
        return TRANSITIONS.get(self.kind, none)(self.old, self.new, self.progress(now), self.area)

    def done(self, now: float) -> bool:
        return self.progress(now) >= 1.0
