"""Which way to the screen: is there a hardware renderer, and which one?

SDL reports an OpenGL renderer as "accelerated" even when the GL driver is Mesa's
llvmpipe (the CPU drawing triangles), which is slower than plain blits. So the
probe opens a small hidden window with an accelerated renderer, asks SDL which
renderer it got (``SDL_GetRendererInfo``) and, for OpenGL ones, asks GL who draws
(``GL_RENDERER``): llvmpipe, softpipe, swrast or a "software rasterizer" are not
hardware. Both through ctypes on the SDL library pygame itself loaded.

On X11 and Wayland the probe runs in a child process (``probe_apart``): making a GL
context loads the GL driver, and llvmpipe (with LLVM) would stay in the player's
memory for nothing, some 40 MB of PSS.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import re
import subprocess
import sys
from dataclasses import asdict, dataclass

import pygame
from pygame._sdl2 import video
from pygame._sdl2.sdl2 import error as SDLError

log = logging.getLogger(__name__)

ACCELERATED = 0x2  # SDL_RENDERER_ACCELERATED
GL_RENDERER = 0x1F01
NOT_HARDWARE = re.compile(r"llvmpipe|softpipe|swrast|software|swiftshader", re.I)


@dataclass(frozen=True)
class Found:
    video: str  # SDL's video driver: x11, wayland, kmsdrm, dummy ...
    renderer: str | None = None  # SDL's renderer driver when one could be made: opengl, opengles2, software
    gl: str | None = None  # who draws, for OpenGL renderers ("llvmpipe (LLVM 15.0.6, 256 bits)", "Mali-G52")
    max_texture: tuple[int, int] = (0, 0)  # the largest texture the renderer takes (0: no limit)

    @property
    def hardware(self) -> bool:
        if self.renderer in (None, "software", "unknown"):
            return False
        return not (self.gl and NOT_HARDWARE.search(self.gl))

    def __str__(self) -> str:
        what = self.renderer or "no renderer"
        return f"video {self.video}, renderer {what}" + (f" ({self.gl})" if self.gl else "")


class _RendererInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("flags", ctypes.c_uint32),
                ("num_texture_formats", ctypes.c_uint32), ("texture_formats", ctypes.c_uint32 * 16),
                ("max_texture_width", ctypes.c_int), ("max_texture_height", ctypes.c_int)]


def _sdl() -> ctypes.CDLL | None:
    """The SDL2 library this process loaded (pygame's own copy, or the system's)."""
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.rsplit(None, 1)[-1]
                if re.search(r"/libSDL2-2[^/]*\.so", path):
                    return ctypes.CDLL(path)
    except OSError:
        pass
    return None


def _describe(sdl: ctypes.CDLL, window: pygame.Window) -> tuple[str | None, str | None, tuple[int, int]]:
    sdl.SDL_GetWindowFromID.restype = ctypes.c_void_p
    sdl.SDL_GetRenderer.restype = ctypes.c_void_p
    sdl.SDL_GetRenderer.argtypes = [ctypes.c_void_p]
    sdl.SDL_GetRendererInfo.argtypes = [ctypes.c_void_p, ctypes.POINTER(_RendererInfo)]
    handle = sdl.SDL_GetRenderer(sdl.SDL_GetWindowFromID(window.id))
    info = _RendererInfo()
    if not handle or sdl.SDL_GetRendererInfo(handle, ctypes.byref(info)) != 0:
        return None, None, (0, 0)
    name = info.name.decode() if info.name else None
    gl = None
    sdl.SDL_GL_GetCurrentContext.restype = ctypes.c_void_p
    if name and name.startswith("opengl") and sdl.SDL_GL_GetCurrentContext():
        sdl.SDL_GL_GetProcAddress.restype = ctypes.c_void_p
        address = sdl.SDL_GL_GetProcAddress(b"glGetString")
        if address:
            got = ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.c_uint)(address)(GL_RENDERER)
            gl = got.decode(errors="replace") if got else None
    if name and not info.flags & ACCELERATED:
        name = "software"
    return name, gl, (info.max_texture_width, info.max_texture_height)


def _renderer(window: pygame.Window, accelerated: int, vsync: bool = False) -> video.Renderer:
    return video.Renderer(window, accelerated=accelerated, vsync=vsync)


def renderer_for(window: pygame.Window, found: Found) -> video.Renderer:
    """A renderer for an output's window: accelerated where there is hardware; vsync where it goes."""
    accelerated = 1 if found.hardware else -1
    try:
        return _renderer(window, accelerated, vsync=True)
    except SDLError:
        return _renderer(window, accelerated)


def probe() -> Found:
    """What this display can do (the display module must be initialised)."""
    driver = pygame.display.get_driver()
    try:
        window = pygame.Window("probe", (16, 16), hidden=True)
    except pygame.error as exc:
        log.info("no window for the renderer probe: %s", exc)
        return Found(driver)
    try:
        renderer = _renderer(window, accelerated=1)
    except SDLError:
        try:
            renderer = _renderer(window, accelerated=-1)  # a software renderer, then
        except SDLError:
            window.destroy()
            return Found(driver)
    sdl = _sdl()
    name, gl, biggest = _describe(sdl, window) if sdl is not None else ("unknown", None, (0, 0))
    del renderer
    window.destroy()
    return Found(driver, name, gl, biggest)


def probe_apart(timeout: float = 20.0) -> Found:
    """:func:`probe` in a child process where the GL driver may be a big one (X11, Wayland)."""
    driver = pygame.display.get_driver()
    if driver not in ("x11", "wayland"):
        return probe()  # kmsdrm: one process at a time may own the card; dummy: nothing to load
    env = dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1", SDL_VIDEODRIVER=driver)
    try:
        done = subprocess.run([sys.executable, "-m", "signage.player.probe"], capture_output=True,
                              text=True, timeout=timeout, env=env, check=True)
        got = json.loads(done.stdout.strip().splitlines()[-1])
        return Found(got["video"], got["renderer"], got["gl"], tuple(got["max_texture"]))
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, IndexError) as exc:
        log.warning("the renderer probe failed (%s); taking the software path", exc)
        return Found(driver)


if __name__ == "__main__":
    pygame.display.init()
    print(json.dumps(asdict(probe())))
