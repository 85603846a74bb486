"""The GPU path: each page a texture uploaded once, every frame drawn from textures.

SDL's renderer (``pygame._sdl2.video``) on a window with a real graphics driver: a
page is uploaded once, in idle time before it is due, and then only drawn (a textured quad); the
crossfade is the two pages' quads, the new one at an alpha; a slide, two quads at
offsets; the ticker, a window of its strip texture (four sub-pixel copies, each
uploaded once); clock and badge, small textures uploaded when they change. Per
frame during a transition or the ticker no page pixels travel; ``uploaded`` counts
the bytes that do. The whole frame is drawn and presented (with vsync) only when
something changed; the screen passes ``damage=[]`` otherwise.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import pygame
from pygame._sdl2 import video

from .transitions import Layer

KEEP = 8  # textures kept beyond those of the frame (the pages about to come round again)
BLEND = 1  # SDL_BLENDMODE_BLEND


class TextureCompositor:
    name = "gpu"
    motion_fps = 60  # a frame in motion is quads drawn from textures already on the chip

    def __init__(self, window: pygame.Window, renderer: video.Renderer, max_size: tuple[int, int]):
        self.window = window
        self.renderer = renderer
        self.max_size = max_size  # the largest texture the driver takes
        self.uploaded = 0
        self._textures: OrderedDict[int, tuple[pygame.Surface, video.Texture]] = OrderedDict()
        self._stream: video.Texture | None = None  # a clip's frames, updated in place
        self._streamed: pygame.Surface | None = None  # the frame it holds
        self._last: list[Layer] = []

    @property
    def size(self) -> tuple[int, int]:
        w, h = self.window.size
        return w, h

    def compose(self, layers: Sequence[Layer], damage: Sequence[pygame.Rect] | None) -> None:
        if damage is not None and not damage:
            return
        self._draw(layers)
        self.renderer.present()
        self._last = list(layers)

    def _draw(self, layers: Sequence[Layer]) -> None:
        r = self.renderer
        r.draw_color = (0, 0, 0, 255)
        r.clear()
        used = set()
        for layer in layers:
            area = layer.area or layer.surface.get_rect()
            if layer.live:
                texture, src = self._live(layer.surface), area
            else:
                texture, src = self._texture(layer.surface, area)
                used.add(id(layer.surface))
            texture.alpha = 255 if layer.alpha is None else layer.alpha
            texture.draw(srcrect=src, dstrect=pygame.Rect(layer.dest, area.size))
        self._forget(used)

    def _texture(self, surface: pygame.Surface, area: pygame.Rect) -> tuple[video.Texture, pygame.Rect]:
        """The texture of ``surface`` (uploaded the first time) and the part of it to draw."""
        hit = self._textures.get(id(surface))
        if hit is not None and hit[0] is surface:
            self._textures.move_to_end(id(surface))
            return hit[1], area
        w, h = surface.get_size()
        if w > self.max_size[0] or h > self.max_size[1]:  # too wide for the driver: this part only
            part = surface.subsurface(area.clip(surface.get_rect()))
            self.uploaded += part.get_width() * part.get_height() * 4
            return self._upload(part), part.get_rect()
        texture = self._upload(surface)
        self.uploaded += w * h * 4
        self._textures[id(surface)] = (surface, texture)
        return texture, area

    def prepare(self, surface: pygame.Surface) -> None:
        """Upload the next page in idle time, so the first frame of its transition uploads nothing."""
        w, h = surface.get_size()
        if w <= self.max_size[0] and h <= self.max_size[1]:  # else only its part on screen, when drawn
            self._texture(surface, surface.get_rect())

    def _live(self, surface: pygame.Surface) -> video.Texture:
        """One streaming texture for a clip's frames: each new frame updates it in place."""
        size = surface.get_size()
        if self._stream is None or (self._stream.width, self._stream.height) != size:
            self._stream = video.Texture(self.renderer, size, streaming=True)
            self._stream.blend_mode = BLEND
            self._streamed = None
        if self._streamed is not surface:  # a new frame (a redraw of the same one costs nothing)
            self._stream.update(surface)
            self._streamed = surface
            self.uploaded += size[0] * size[1] * 4
        return self._stream

    def _upload(self, surface: pygame.Surface) -> video.Texture:
        texture = video.Texture.from_surface(self.renderer, surface)
        texture.blend_mode = BLEND
        return texture

    def _forget(self, used: set[int]) -> None:
        """Drop the least recently drawn textures beyond ``KEEP`` (never those of this frame)."""
        spare = len(self._textures) - len(used) - KEEP
        for key in list(self._textures):
            if spare <= 0:
                break
            if key not in used:
                del self._textures[key]
                spare -= 1

    def grab(self) -> pygame.Surface:
        """The last frame, read back from the renderer (for /screenshot.png and tests)."""
        self._draw(self._last)
        return self.renderer.to_surface()
