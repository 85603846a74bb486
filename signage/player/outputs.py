"""Opening the outputs: one window per HDMI output, each a Screen of the one loop.

Without ``display.outputs`` the player opens the display module's window on
``display.index``. With ``display: {outputs: [0, 1]}`` it opens one ``pygame.Window``
per listed display; the window on the i-th output is screen ``screen.index + i`` of
``screen.count``, so the windows share the listings exactly as separate boxes would
(see ``schedule.share_pages``). One loop drives them all: one store, one inbox, one clock.
"""

from __future__ import annotations

import logging
import os

import pygame
import pygame.freetype

from signage.core.settings import Settings

from .compositor import Compositor, SurfaceCompositor, frames_per_second
from .probe import Found, probe_apart

log = logging.getLogger(__name__)

EVENTS = [pygame.QUIT, pygame.KEYDOWN, pygame.WINDOWRESIZED, pygame.WINDOWEXPOSED, pygame.WINDOWCLOSE]


def centred_on(display: int) -> int:
    """SDL's WINDOWPOS_CENTERED_DISPLAY(display): a window position that picks the monitor."""
    return 0x2FFF0000 | display


def window_size(settings: Settings) -> tuple[int, int]:
    """The panel's size for a windowed player (the page turned by the rotation)."""
    w, h = settings.size
    return (h, w) if settings.rotation in (90, 270) else (w, h)


def settings_for(settings: Settings, i: int) -> Settings:
    """The settings of the i-th output: its own screen index."""
    return settings.replace(screen_index=settings.screen_index + i) if i else settings


def displays(settings: Settings) -> tuple[int, ...]:
    return settings.outputs or (settings.display_index,)


def open_display_window(settings: Settings, fullscreen: bool) -> SurfaceCompositor:
    """The display module's window (one output): partial updates reach the screen as they are."""
    flags = pygame.FULLSCREEN if fullscreen else 0
    size = (0, 0) if fullscreen else window_size(settings)
    count = pygame.display.get_num_displays() or 1
    index = min(max(0, settings.display_index), count - 1)
    pygame.display.set_mode(size, flags, display=index)
    pygame.display.set_caption(settings.station_name)
    return SurfaceCompositor.for_display()


def open_window(settings: Settings, display: int, fullscreen: bool) -> pygame.Window:
    sizes = pygame.display.get_desktop_sizes() or [settings.size]
    if settings.outputs and display >= len(sizes):
        log.warning("display %d not found (%d connected); its window opens on the first",
                    display, len(sizes))
    display = min(display, len(sizes) - 1)
    pos = centred_on(display)
    if fullscreen:
        return pygame.Window(settings.station_name, sizes[display], (pos, pos), fullscreen_desktop=True)
    return pygame.Window(settings.station_name, window_size(settings), (pos, pos))


def start_display() -> None:
    pygame.display.init()
    pygame.freetype.init()


def choose_path(wanted: str, found: Found) -> str:
    """"gpu" or "software": ``display.renderer`` (auto, gpu, software) against what was found."""
    if wanted == "software" or (wanted == "auto" and not found.hardware):
        return "software"
    if found.renderer is None:
        log.warning("display.renderer is gpu but no renderer could be made; the software path it is")
        return "software"
    return "gpu"


def open_compositors(settings: Settings, fullscreen: bool) -> list[Compositor]:
    """One compositor per output, on the path chosen (logged once, with what was found)."""
    found = probe_apart() if settings.renderer != "software" else Found(pygame.display.get_driver())
    path = choose_path(settings.renderer, found)
    if path == "software" and found.video == "x11":
        # The window's pixels straight to X (XShm), only the changed rectangles; SDL's default
        # on X11 emulates the window surface with a GL texture and uploads the whole frame.
        os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
    if found.video == "kmsdrm" and path == "software":
        log.info("kmsdrm without a hardware renderer: SDL emulates the window surface")
    if path == "gpu":
        made = [_texture_output(settings, d, fullscreen, found) for d in displays(settings)]
    elif not settings.outputs:
        made = [open_display_window(settings, fullscreen)]
    else:
        made = [SurfaceCompositor.for_window(open_window(settings, d, fullscreen)) for d in displays(settings)]
    log.info("display: %s; display.renderer %s: the %s path%s, %d frames a second in motion",
             found, settings.renderer, path,
             " (window surface, changed rectangles only)" if path == "software" else " (textures)",
             frames_per_second(settings.fps, made[0]))
    return made


def _texture_output(settings: Settings, display: int, fullscreen: bool, found: Found) -> Compositor:
    from .probe import renderer_for
    from .textures import TextureCompositor

    window = open_window(settings, display, fullscreen)
    renderer = renderer_for(window, found)
    w, h = found.max_texture
    biggest = (w or 1 << 16, h or 1 << 16)  # 0: the driver sets no limit
    return TextureCompositor(window, renderer, biggest)


def finish_opening() -> None:
    pygame.mouse.set_visible(False)
    pygame.event.set_allowed(EVENTS)
