"""/screenshot.png: the frame on the screen now, as a PNG.

Only the frame loop may touch pygame's display, so the HTTP thread posts a
small job to the loop (``player.post``) and waits for it with a timeout. The
loop only copies the pixels out (a few milliseconds); the PNG is compressed
here, in the HTTP thread, off the frame path.
"""

from __future__ import annotations

import struct
import threading
import zlib

import pygame

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_bytes(width: int, height: int, rgb: bytes, level: int = 6) -> bytes:
    """Encode packed 8-bit RGB rows as a PNG (no filtering; zlib does the work)."""
    stride = width * 3
    if len(rgb) != stride * height:
        raise ValueError(f"{len(rgb)} bytes is not {width}x{height} RGB")
    raw = b"".join(b"\x00" + rgb[y * stride:(y + 1) * stride] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (PNG_MAGIC + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, level))
            + chunk(b"IEND", b""))


def grab_display(player=None, output: int = 0) -> tuple[int, int, bytes]:
    """The screen's pixels as packed RGB (call on the frame loop's thread only).

    The ``output``-th screen when the player has opened its screens, else the display.
    """
    screens = getattr(player, "screens", None)
    surface = screens[output].grab() if screens else pygame.display.get_surface()
    if surface is None:
        raise RuntimeError("no display is open")
    w, h = surface.get_size()
    return w, h, pygame.image.tobytes(surface, "RGB")


class Screenshots:
    """A WebServer route serving the current frame (of the ``output``-th screen)."""

    def __init__(self, post, timeout: float = 5.0, metrics=None, output: int = 0):
        self._post = post
        self.output = output
        self.timeout = timeout
        self.metrics = metrics
        self._one_at_a_time = threading.Semaphore(1)

    def capture(self) -> tuple[int, int, bytes]:
        done = threading.Event()
        box: dict = {}

        def job(player) -> None:
            try:
                box["frame"] = grab_display(player, self.output)
            except Exception as exc:  # reported to the waiting HTTP thread
                box["error"] = exc
            finally:
                done.set()

        self._post(job)
        if not done.wait(self.timeout):
            raise TimeoutError(f"the frame loop did not answer within {self.timeout:g} s")
        if "error" in box:
            raise box["error"]
        return box["frame"]

    def route(self) -> tuple[int, str, bytes]:
        if not self._one_at_a_time.acquire(timeout=self.timeout):
            return 503, "text/plain; charset=utf-8", b"busy taking another screenshot\n"
        try:
            try:
                w, h, rgb = self.capture()
            except TimeoutError as exc:
                return 503, "text/plain; charset=utf-8", f"{exc}\n".encode()
            body = png_bytes(w, h, rgb)
        finally:
            self._one_at_a_time.release()
        if self.metrics is not None:
            self.metrics.screenshots.inc()
        return 200, "image/png", body
