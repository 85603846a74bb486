"""Playing a clip: a thread decodes with PyAV into a small queue; the loop takes the frame due.

FFmpeg does all the work on pixels: decoding (in hardware where it offers it:
VAAPI on Intel, v4l2m2m on a Raspberry Pi, else software), scaling to the screen
and converting to the screen's pixel layout (``reformat``), so the loop only
wraps the frame's buffer in a Surface (no copy) and blits it once.

``Playback.first()`` waits for the first frame, which the loop asks for before
the transition to the clip starts (and the next clip is started in idle time,
so that wait is usually over before it begins). ``frame_at(t)`` gives the
newest frame due at ``t`` seconds into the clip and counts the ones it skipped.
The clip loops until the loop closes the playback.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pygame

from .transitions import Layer

log = logging.getLogger(__name__)

PgFormat = Literal["RGB", "BGRA"]  # pygame's names of FFmpeg's rgb24 and bgra
QUEUE_FRAMES = 4  # decoded ahead while playing: 4 x 8 MB at 1080p (1 while it waits its turn)
FIRST_FRAME_WAIT = 5.0  # seconds the loop waits at most for a clip's first frame


@dataclass
class Frame:
    at: float  # seconds into the playback (loops add the clip's length)
    frame: Any  # the av.VideoFrame whose first plane holds the pixels (kept alive with them)
    size: tuple[int, int]
    pitch: int


def fit(src: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The largest even size with ``src``'s aspect ratio inside ``box``."""
    sw, sh = src
    bw, bh = box
    scale = min(bw / max(1, sw), bh / max(1, sh))
    return max(2, int(sw * scale) // 2 * 2), max(2, int(sh * scale) // 2 * 2)


def _hw_choices(codec: str) -> list[tuple[str, dict]]:
    """Hardware decoders to try, in order: (label, av.open / codec arguments)."""
    import av
    from av.codec.hwaccel import hwdevices_available

    choices: list[tuple[str, dict]] = []
    devices = set(hwdevices_available())
    if "vaapi" in devices and os.path.exists("/dev/dri/renderD128"):
        choices.append(("vaapi", {"hwaccel": "vaapi"}))
    m2m = f"{codec}_v4l2m2m"
    if m2m in av.codecs_available and os.path.exists("/dev/video10"):  # the Pi's decoder node
        choices.append(("v4l2m2m", {"decoder": m2m}))
    return choices


class Playback:
    """One clip decoding in its own thread; ``close()`` ends it."""

    def __init__(self, path: str | Path, box: tuple[int, int],
                 formats: tuple[str, PgFormat] = ("bgra", "BGRA"),
                 loop: bool = True, hardware: bool = True, ahead: int = QUEUE_FRAMES):
        self.path = str(path)
        self.box = box
        self.av_format, self.pg_format = formats
        self.loop = loop
        self.hardware = hardware
        self.ahead = ahead  # frames decoded ahead; a clip waiting its turn holds only its first
        self.decoder = ""  # "vaapi", "v4l2m2m" or "software", once open
        self.error: str | None = None
        self.done = False  # the decoder ended (error, or the end of a clip that does not loop)
        self.dropped = 0  # frames decoded but never shown (late)
        self.shown = 0
        self.size = (0, 0)  # the frame's size on screen
        self._frames: collections.deque[Frame] = collections.deque()
        self._cond = threading.Condition()
        self._stop = False
        self._current: Frame | None = None
        self._thread = threading.Thread(target=self._run, name=f"video:{Path(path).name}", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ the loop's side
    def first(self, timeout: float = FIRST_FRAME_WAIT) -> Frame | None:
        """The first frame, waiting up to ``timeout`` for it; None when the clip fails."""
        with self._cond:
            self._cond.wait_for(lambda: self._frames or self.done, timeout)
            return self._frames[0] if self._frames else None

    def start(self) -> None:
        """Its turn has come: decode the full queue ahead."""
        with self._cond:
            self.ahead = QUEUE_FRAMES
            self._cond.notify_all()

    def frame_at(self, t: float) -> Frame | None:
        """The newest frame due at ``t`` seconds in, if it is not the one shown; else None."""
        with self._cond:
            due = None
            while self._frames and self._frames[0].at <= t:
                if due is not None:
                    self.dropped += 1
                due = self._frames.popleft()
            if due is not None:
                self._cond.notify_all()
        if due is None:
            return None
        self.shown += 1
        self._current = due
        return due

    def next_at(self) -> float | None:
        """When the next decoded frame is due (seconds into the playback); None: none ready."""
        with self._cond:
            return self._frames[0].at if self._frames else None

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._frames.clear()
            self._cond.notify_all()

    def join(self, timeout: float = 2.0) -> None:
        self._thread.join(timeout)

    # ------------------------------------------------------------ the decoder thread
    def _run(self) -> None:
        try:
            self._decode()
        except Exception as exc:  # a bad clip ends its playback, never the player
            self.error = f"{type(exc).__name__}: {exc}"
            log.warning("video %s: %s", self.path, self.error)
        finally:
            with self._cond:
                self.done = True
                self._cond.notify_all()

    def _open(self):
        import av
        from av.codec.hwaccel import HWAccel

        probe = av.open(self.path)
        codec = probe.streams.video[0].codec_context.name
        probe.close()
        for label, how in (_hw_choices(codec) if self.hardware else []):
            try:
                if "hwaccel" in how:
                    container = av.open(self.path, hwaccel=HWAccel(how["hwaccel"],
                                                                   allow_software_fallback=False))
                    stream = container.streams.video[0]
                    next(container.decode(stream))
                    container.seek(0)
                    return container, stream, None, label
                container = av.open(self.path)
                stream = container.streams.video[0]
                ctx = av.CodecContext.create(how["decoder"], "r")
                ctx.extradata = stream.codec_context.extradata
                next(self._frames_of(container, stream, ctx))  # it decodes, or the next way
                container.seek(0)
                ctx.flush_buffers()
                return container, stream, ctx, label
            except Exception as exc:  # noqa: BLE001 - any failure: the next way, then software
                log.debug("video %s: %s decoding not available: %s", self.path, label, exc)
        container = av.open(self.path)
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"  # FFmpeg's own threads: frames and slices in parallel
        return container, stream, None, "software"

    def _frames_of(self, container, stream, ctx):
        if ctx is None:
            yield from container.decode(stream)
            return
        for packet in container.demux(stream):
            yield from ctx.decode(packet)

    def _decode(self) -> None:
        container, stream, ctx, self.decoder = self._open()
        log.info("video %s: %s decoding (%s %dx%d)", Path(self.path).name, self.decoder,
                 stream.codec_context.name, stream.codec_context.width, stream.codec_context.height)
        try:
            self.size = fit((stream.codec_context.width, stream.codec_context.height), self.box)
            offset = 0.0
            start = -1.0  # the first frame's time, once known
            while not self._stop:
                last = 0.0
                any_frame = False
                for frame in self._frames_of(container, stream, ctx):
                    if self._stop:
                        return
                    t = float(frame.time) if frame.time is not None else last
                    if start < 0:
                        start = t
                    last = t
                    any_frame = True
                    out = frame.reformat(width=self.size[0], height=self.size[1],
                                         format=self.av_format, interpolation="BILINEAR")
                    item = Frame(offset + t - start, out, self.size, out.planes[0].line_size)
                    with self._cond:
                        self._cond.wait_for(lambda: len(self._frames) < self.ahead or self._stop)
                        if self._stop:
                            return
                        self._frames.append(item)
                        self._cond.notify_all()
                if not self.loop or not any_frame:
                    return
                rate = stream.average_rate or stream.guessed_rate
                offset += last - start + (float(1 / rate) if rate else 1 / 30)
                container.seek(0)
                if ctx is not None:
                    ctx.flush_buffers()
        finally:
            container.close()


def surface_of(frame: Frame, pg_format: PgFormat) -> pygame.Surface:
    """The frame's pixels as a Surface, sharing its buffer (no copy)."""
    return pygame.image.frombuffer(frame.frame.planes[0], frame.size, pg_format, frame.pitch)


def put_frame(screen: pygame.Surface, frame: Frame, pg_format: PgFormat, rotation: int = 0
              ) -> pygame.Rect:
    """Put ``frame`` on ``screen``, centred; returns the rectangle it covers.

    The one place a clip's pixels reach the display: a texture upload instead of
    this blit is where a GPU compositor plugs in.
    """
    surf = surface_of(frame, pg_format)
    if rotation:
        surf = pygame.transform.rotate(surf, -rotation)
    rect = surf.get_rect(center=screen.get_rect().center)
    screen.blit(surf, rect)
    return rect


class Clips:
    """The clip on one screen and the next one: everything the screen asks of video.

    The next clip is opened in idle time (:meth:`prepare`) holding only its first
    frame, which :meth:`draw_ahead` puts on a page, so the change to it costs no
    decoding. While a clip plays, :meth:`advance` takes the frame due and
    :meth:`layers` gives what to draw: the frame over its page (the letterbox).
    """

    def __init__(self):
        # FFmpeg converts to 32-bit BGRA: the layout of the usual XRGB8888 window surface (a
        # plain copy) and of SDL's textures; another surface layout converts in SDL's blit.
        self.formats: tuple[str, PgFormat] = ("bgra", "BGRA")
        self.box = (0, 0)  # logical screen size: frames are scaled to fit it
        self.size = (0, 0)  # physical screen size: the pages
        self.rotation = 0
        self.slide = None  # the clip slide playing
        self.playback: Playback | None = None
        self.page: pygame.Surface | None = None  # its first frame on a black page
        self.started = 0.0  # when its frame 0 is (or was) due
        self._frame: tuple[Frame, pygame.Surface, pygame.Rect] | None = None  # the one shown
        self._next: tuple[object, Playback] | None = None
        self._next_page: pygame.Surface | None = None

    def configure(self, box: tuple[int, int], size: tuple[int, int], rotation: int) -> tuple | None:
        """A new screen (or size, or rotation): clips start again for it. Returns the one
        that was playing (see :meth:`stop`)."""
        ended = self.stop()
        self.forget_next()
        self.box, self.size, self.rotation = box, size, rotation
        return ended

    def _playback(self, slide, ahead: int = QUEUE_FRAMES) -> Playback:
        return Playback(slide.clip.path, self.box, self.formats, ahead=ahead)

    def prepare(self, slide) -> None:
        """Start decoding ``slide``'s clip (the next one), its first frame only."""
        if self._next is not None and self._next[0] == slide:
            return
        self.forget_next()
        self._next = (slide, self._playback(slide, ahead=1))

    def forget_next(self) -> None:
        if self._next is not None:
            self._next[1].close()
        self._next = self._next_page = None

    def draw_ahead(self) -> bool:
        """Put the next clip's first frame on a page once it is decoded; False while waiting."""
        if self._next is not None and self._next_page is None:
            self._next_page = self._first_page(self._next[1], wait=False)
        return self._next is None or self._next_page is not None

    def _first_page(self, playback: Playback, wait: bool) -> pygame.Surface | None:
        first = playback.first(FIRST_FRAME_WAIT if wait else 0.0)
        if first is None:
            return None
        page = pygame.Surface(self.size)
        page.fill((0, 0, 0))
        put_frame(page, first, self.formats[1], self.rotation)
        return page

    def begin(self, slide) -> pygame.Surface:
        """``slide``'s first frame on a black page; its clip becomes the one playing.
        RuntimeError when it does not decode."""
        if self.playback is not None and self.page is not None and slide == self.slide:
            return self.page  # the same clip, drawn again
        page = None
        if self._next is not None and self._next[0] == slide:
            playback, page = self._next[1], self._next_page
            self._next = self._next_page = None
        else:
            playback = self._playback(slide)
        page = page or self._first_page(playback, wait=True)
        if page is None:
            playback.close()
            raise RuntimeError(f"the clip {slide.clip.path} does not decode: {playback.error}")
        playback.frame_at(0.0)  # frame 0 is on the page
        playback.start()
        self.slide, self.playback, self.page, self._frame = slide, playback, page, None
        return page

    def advance(self, now: float) -> pygame.Rect | None:
        """Take the frame due at ``now``; the panel rectangle it covers when it is a new one."""
        frame = None if self.playback is None else self.playback.frame_at(now - self.started)
        if frame is None:
            return None
        surf = surface_of(frame, self.formats[1])
        if self.rotation:
            surf = pygame.transform.rotate(surf, -self.rotation)
        rect = surf.get_rect(center=(self.size[0] // 2, self.size[1] // 2))
        self._frame = (frame, surf, rect)
        return rect

    def layers(self) -> list[Layer]:
        """What the panel shows of the clip now: the frame shown last over its page (the
        page only where the frame leaves bars)."""
        if self.page is None:
            return []
        if self._frame is None:
            return [Layer(self.page)]
        _, surf, rect = self._frame
        covers = rect.contains(pygame.Rect((0, 0), self.size))
        return ([] if covers else [Layer(self.page)]) + [Layer(surf, rect.topleft, live=True)]

    def last_frame(self) -> pygame.Surface | None:
        """The panel as the clip left it (the old page of the transition away from it)."""
        if self.page is None:
            return None
        out = self.page.copy()
        if self._frame is not None:
            out.blit(self._frame[1], self._frame[2])
        return out

    def next_due(self, now: float) -> float:
        """When the next frame is due (wall clock), or a frame from now if unknown."""
        at = None if self.playback is None else self.playback.next_at()
        return now + 1 / 60 if at is None else max(now, self.started + at)

    def stop(self) -> tuple | None:
        """End the clip playing; (clip, frames shown, frames dropped, decoder) for the record."""
        v, slide = self.playback, self.slide
        if v is None or slide is None:
            return None
        v.close()
        ended = (slide.clip, v.shown, v.dropped, v.decoder)
        log.info("video %s: %d frames shown, %d dropped (%s decoding)", slide.clip.id,
                 v.shown, v.dropped, v.decoder)
        self.slide = self.playback = self.page = self._frame = None
        return ended

    def stop_all(self) -> tuple | None:
        self.forget_next()
        return self.stop()

    def state(self) -> dict | None:
        v, slide = self.playback, self.slide
        if v is None or slide is None:
            return None
        return {"clip": slide.clip.origin.source, "decoder": v.decoder, "frames": v.shown,
                "dropped": v.dropped}
