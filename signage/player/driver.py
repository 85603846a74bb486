"""SDL's video driver: which one we got, and words for when there is no screen.

Left alone, SDL tries its drivers in turn (x11, wayland, kmsdrm, ...) and, when
none finds a screen, quietly picks ``offscreen``: the player then draws into
memory and nobody sees anything. ``open_video`` refuses that (and ``dummy``)
unless SDL_VIDEODRIVER asked for it, as the tests do; ``explain`` turns a failure
into the hint of the Trouble table in docs/deploy.md.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping

BLIND = ("offscreen", "dummy")  # drivers that draw where no one sees
GUIDE = "docs/deploy.md, Trouble"


class NoScreen(Exception):
    """No screen to draw on; the message says what was tried and what to check."""


def requested(env: Mapping[str, str]) -> str:
    return env.get("SDL_VIDEODRIVER", "").strip().lower()


def tried(env: Mapping[str, str]) -> str:
    """What SDL had to go on, in words: the driver asked for, the desktop, the DRM devices."""
    cards = sorted(glob.glob("/dev/dri/card*"))
    asked = requested(env)
    return "; ".join([
        f"SDL_VIDEODRIVER={asked}" if asked else "SDL_VIDEODRIVER not set (SDL tried x11, wayland, kmsdrm)",
        f"DISPLAY={env['DISPLAY']}" if env.get("DISPLAY") else "DISPLAY not set",
        f"WAYLAND_DISPLAY={env['WAYLAND_DISPLAY']}" if env.get("WAYLAND_DISPLAY")
        else "WAYLAND_DISPLAY not set",
        f"DRM devices: {', '.join(cards)}" if cards else "no /dev/dri/card* (no KMS/DRM graphics)",
    ])


def check(got: str, env: Mapping[str, str]) -> str | None:
    """None when driver ``got`` shows a picture or was asked for; else why we refuse to run."""
    if got.lower() not in BLIND or requested(env) == got.lower():
        return None
    return (f"no screen found: SDL fell back to its '{got}' driver, which shows nothing. "
            f"Tried: {tried(env)}. Check: on a box without a desktop, SDL_VIDEODRIVER=kmsdrm "
            "(the service sets it), the packages libgbm1 libegl1 libgles2 libgl1-mesa-dri "
            "(scripts/setup.sh installs them), and that the user is in the video and render "
            "groups; with a desktop, run inside its session (DISPLAY or WAYLAND_DISPLAY set). "
            f"To run without a screen on purpose, set SDL_VIDEODRIVER=dummy. See {GUIDE}.")


def explain(error: str, env: Mapping[str, str]) -> str:
    """A display failure (pygame's message) with the hint of the Trouble table."""
    asked = requested(env)
    text = error.lower()
    if asked == "kmsdrm" or "kmsdrm" in text or "drm" in text:
        hint = ("for kmsdrm: are libgbm1 libegl1 libgles2 libgl1-mesa-dri installed "
                "(sudo scripts/setup.sh)? Is the user in the video and render groups "
                "(id signage)? Is a desktop holding the screen (systemctl get-default should "
                "be multi-user.target)? Is the TV connected and on?")
    elif asked in ("x11", "wayland") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        hint = "is the desktop session running, and may this user open windows on it?"
    else:
        hint = "set SDL_VIDEODRIVER=kmsdrm on a box without a desktop"
    return f"cannot open the screen: {error}. Tried: {tried(env)}. Check: {hint} See {GUIDE}."


def open_video(env: Mapping[str, str] | None = None) -> str:
    """Initialise SDL's video; the driver's name, or NoScreen saying why there is no screen."""
    import pygame

    env = os.environ if env is None else env
    try:
        pygame.display.init()
    except pygame.error as exc:
        raise NoScreen(explain(str(exc), env)) from None
    got = pygame.display.get_driver()
    refused = check(got, env)
    if refused is not None:
        pygame.display.quit()
        raise NoScreen(refused)
    return got
