"""Decoded pictures, bounded in pixels and in bytes, decoded away from the frame loop.

Every decode comes through :func:`decode`: the file is vetted first (a regular
file, its header within :data:`images.MAX_PIXELS`), a JPEG is decoded at a
reduced scale when it is much larger than needed (Pillow's ``draft``), turned
upright by its EXIF orientation (phone photos) and shrunk to fit ``box``.

:class:`PictureCache` keeps decoded pictures by the file's identity (real path
and version: size, mtime, inode), least recently used first out when over its
byte budget. The player warms it from the threads that load content
(:func:`warm`), so the page renderer on the frame loop finds pictures ready.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict

import pygame
from PIL import Image, ImageOps

from signage.core.model import Poster, SourceResult
from signage.parse import images

log = logging.getLogger(__name__)

Image.MAX_IMAGE_PIXELS = images.MAX_PIXELS  # Pillow's own bomb check, in case ours is bypassed
BUDGET_BYTES = 64 * 1024 * 1024
DEFAULT_BOX = (1920, 1080)

Key = tuple[str, str, tuple[int, int]]  # real path, version, box


def decode(path: str, box: tuple[int, int]) -> pygame.Surface:
    """The picture at ``path``, upright, no larger than ``box``; :class:`images.Refused` if not."""
    picture = images.vet(path)
    fd, _st = images.open_regular(picture.path)
    with os.fdopen(fd, "rb") as fh:
        try:
            with Image.open(fh) as im:
                if im.width * im.height > images.MAX_PIXELS:
                    raise images.Refused("图片太大，没有显示", "the image is too large; not shown")
                im.draft("RGB", _fit(im.size, box))  # JPEG: decode at 1/2, 1/4, 1/8 scale
                upright = ImageOps.exif_transpose(im)
                upright.thumbnail(box, Image.Resampling.LANCZOS)
                rgba = upright.convert("RGBA")
                return pygame.image.frombytes(rgba.tobytes(), rgba.size, "RGBA").copy()
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            raise images.Refused("图片已损坏，没有显示", f"the picture cannot be decoded: {exc}") from exc


def _fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    scale = min(box[0] / size[0], box[1] / size[1], 1.0)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


class PictureCache:
    """Decoded pictures by identity, bounded in bytes (thread-safe)."""

    def __init__(self, budget_bytes: int = BUDGET_BYTES, box: tuple[int, int] = DEFAULT_BOX):
        self.budget = budget_bytes
        self.box = box  # the largest a picture is drawn: the logical screen
        self._lock = threading.Lock()
        self._pictures: OrderedDict[Key, pygame.Surface | None] = OrderedDict()
        self.decodes = 0

    @property
    def bytes(self) -> int:
        with self._lock:
            return sum(_size(s) for s in self._pictures.values())

    def get(self, path: str, version: str) -> pygame.Surface | None:
        """The decoded picture (None, logged once, when it may not be shown)."""
        key = (os.path.realpath(path), version, self.box)
        with self._lock:
            if key in self._pictures:
                self._pictures.move_to_end(key)
                return self._pictures[key]
        try:
            surface = decode(path, self.box)
        except images.Refused as refused:
            log.warning("picture %s not shown: %s", path, refused.en)
            surface = None
        with self._lock:
            self.decodes += 1
            self._pictures[key] = surface
            while len(self._pictures) > 1 and sum(_size(s) for s in self._pictures.values()) > self.budget:
                self._pictures.popitem(last=False)
        return surface

    def clear(self) -> None:
        with self._lock:
            self._pictures.clear()
            self.decodes = 0


def _size(surface: pygame.Surface | None) -> int:
    return 0 if surface is None else surface.get_width() * surface.get_height() * surface.get_bytesize()


cache = PictureCache()


def named_by(results: tuple[SourceResult, ...] | list[SourceResult]) -> list[tuple[str, str]]:
    """(path, version) of every picture the results would draw."""
    out: list[tuple[str, str]] = []
    for result in results:
        out += [(x.image, x.image_version) for x in result.listings
                if x.image and _local(x.image)]
        out += [(p.image, p.version) for p in result.posters if isinstance(p, Poster)]
    return out


def _local(image: str) -> bool:
    return "://" not in image


def warm(results) -> None:
    """Decode the pictures of ``results`` now, in the calling thread (a loader, not the frame loop)."""
    warm_pictures(named_by(list(results)))


def warm_pictures(named: list[tuple[str, str]]) -> None:
    for path, version in named:
        try:
            cache.get(path, version)
        except Exception:  # a bug here must not stop content loading
            log.exception("decoding picture %s failed", path)


def warm_later(named: list[tuple[str, str]]) -> threading.Thread | None:
    """Decode ``(path, version)`` pictures in a thread of their own (for the frame loop's thread)."""
    if not named:
        return None
    thread = threading.Thread(target=warm_pictures, args=(named,), name="pictures", daemon=True)
    thread.start()
    return thread
