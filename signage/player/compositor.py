"""Compositors: put layers (pages, then overlay sprites) on one output and present them.

Two paths, one interface (``compose(layers, damage)``, ``grab()``, ``uploaded``):

- :class:`SurfaceCompositor` draws into the window's surface and presents only the
  damaged rectangles (``pygame.display.update(rects)``; with XShm on X11 that sends
  only those pixels). The software path.
- :class:`~signage.player.textures.TextureCompositor` (textures.py) keeps each page as
  a texture uploaded once and redraws the frame from textures on the GPU.

``damage``: None to draw the whole frame, [] when nothing changed (nothing is
presented), else the panel rectangles that changed. ``uploaded`` counts the bytes
sent to the display (surface rows presented, or texture uploads).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import pygame

from .transitions import Layer


class Compositor(Protocol):
    name: str
    uploaded: int
    motion_fps: int  # frames a second while something moves, unless display.fps says otherwise

    @property
    def size(self) -> tuple[int, int]: ...

    def compose(self, layers: Sequence[Layer], damage: Sequence[pygame.Rect] | None) -> None: ...

    def grab(self) -> pygame.Surface: ...

    def prepare(self, surface: pygame.Surface) -> None:
        """``surface`` will be drawn soon: get it ready now, in idle time (a GPU: upload it)."""


def frames_per_second(wanted: int | None, compositor: Compositor) -> int:
    """The frame rate while something moves: ``display.fps``, else the path's own."""
    return wanted or compositor.motion_fps


def draw_layers(target: pygame.Surface, layers: Sequence[Layer], clip: pygame.Rect | None = None) -> None:
    """Blit ``layers`` into ``target`` (within ``clip``), skipping those an opaque one covers."""
    area = clip or target.get_rect()
    first = 0
    for i, layer in enumerate(layers):
        if layer.alpha is None and not layer.surface.get_flags() & pygame.SRCALPHA \
                and layer.rect.contains(area):
            first = i
    target.set_clip(clip)
    try:
        for layer in layers[first:]:
            if not layer.rect.colliderect(area):
                continue
            if layer.alpha is not None:
                layer.surface.set_alpha(layer.alpha)
            target.blit(layer.surface, layer.dest, layer.area)
            if layer.alpha is not None:
                layer.surface.set_alpha(None)
    finally:
        target.set_clip(None)


class SurfaceCompositor:
    """The window surface path: blits, then presents the changed rectangles only."""

    name = "software"
    # Every frame in motion sends its changed pixels (a whole page in a crossfade, the ticker's
    # strip) through the CPU to the screen: 30 a second costs half of 60 and still moves smoothly
    # from across a room (docs/benchmarks.md, "Display path on X11").
    motion_fps = 30

    def __init__(self, surface: Callable[[], pygame.Surface],
                 present: Callable[[Sequence[pygame.Rect] | None], None]):
        self._surface = surface  # looked up each time: a resize gives the window a new one
        self._present = present
        self.uploaded = 0

    @classmethod
    def for_display(cls) -> SurfaceCompositor:
        """The display module's one window: partial updates go out as they are."""

        def present(rects):
            if rects is None:
                pygame.display.flip()
            else:
                pygame.display.update(rects)

        def surface() -> pygame.Surface:
            got = pygame.display.get_surface()
            if got is None:
                raise pygame.error("the display has no window (set_mode was not called)")
            return got

        return cls(surface, present)

    @classmethod
    def for_window(cls, window: pygame.Window) -> SurfaceCompositor:
        """A ``pygame.Window`` of several outputs: it has no partial update, so a flip each time."""
        made = cls(window.get_surface, lambda rects: window.flip())
        made.partial = False
        return made

    partial = True  # presents only the damaged rectangles

    @property
    def size(self) -> tuple[int, int]:
        return self._surface().get_size()

    def compose(self, layers: Sequence[Layer], damage: Sequence[pygame.Rect] | None) -> None:
        if damage is not None and not damage:
            return
        target = self._surface()
        full = target.get_rect()
        rects = None if damage is None else [r.clip(full) for r in damage if r.colliderect(full)]
        if rects is None or not self.partial:
            draw_layers(target, layers, None if rects is None else _union(rects))
            self._present(None)
            self.uploaded += full.w * full.h * target.get_bytesize()
            return
        for rect in rects:
            draw_layers(target, layers, rect)
        self._present(rects)
        self.uploaded += sum(r.w * r.h for r in rects) * target.get_bytesize()

    def grab(self) -> pygame.Surface:
        return self._surface()

    def prepare(self, surface: pygame.Surface) -> None:
        pass  # blitted from the surface itself when drawn


def _union(rects: Sequence[pygame.Rect]) -> pygame.Rect:
    return rects[0].unionall(rects[1:]) if rects else pygame.Rect(0, 0, 0, 0)
