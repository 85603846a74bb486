"""Both display paths in a real X11 window: bytes sent to the screen, and a crossfade frame at 1080p and 4K.

Each measurement runs in a child process of its own, on its own Xvfb of the size measured.

1. **Bytes sent to the display per second** (hardware-independent): the player itself
   (``Player`` with six listings, the clock) on each compositor, its clock stepped from
   one change it announces to the next, over a static page, a page with the ticker
   running, and a crossfade; the compositor counts the bytes it sends (``uploaded``).
2. **A crossfade frame** at 1920x1080 and 3840x2160: 60 frames of a full-page crossfade
   through the player's compositors and transition. Per frame: the CPU time of the
   player's thread (``time.thread_time``), the CPU time of the whole process
   (``getrusage``: that plus any threads a graphics driver runs in the process, such as
   llvmpipe, Mesa's software rasteriser, on a box with no GPU), and the bytes sent. The
   pages are bands of colour: blending costs the same whatever the pixels are.

The GPU path is forced (``display.renderer: gpu``) even where ``auto`` would not take it,
to show what each path costs.

Run: .venv/bin/python bench/display_paths.py [--frames 60] [--record]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import record  # noqa: E402
from display_x11 import start_xvfb, stop  # noqa: E402

SIZES = [(1920, 1080), (3840, 2160)]
PATHS = ["software", "gpu"]


def crossfade_child(path: str, size: tuple[int, int], frames: int) -> dict:
    """In a process of its own: one window, one compositor, ``frames`` crossfade frames."""
    import resource

    if path == "software":  # as the player sets it on X11 (player/outputs.py)
        os.environ["SDL_FRAMEBUFFER_ACCELERATION"] = "0"
    import pygame
    from pygame._sdl2 import video

    from signage.player.compositor import Compositor, SurfaceCompositor
    from signage.player.probe import probe
    from signage.player.textures import TextureCompositor
    from signage.player.transitions import crossfade, ease

    pygame.display.init()
    comp: Compositor
    if path == "gpu":
        window = pygame.Window("crossfade", size)
        renderer = video.Renderer(window, accelerated=1, vsync=False)
        comp = TextureCompositor(window, renderer, (1 << 16, 1 << 16))
        gl = probe().gl or ""
    else:
        pygame.display.set_mode(size)
        comp = SurfaceCompositor.for_display()
        gl = ""

    def page(seed: int) -> pygame.Surface:
        surface = pygame.Surface(size)
        for y in range(0, size[1], 40):
            surface.fill(((seed * 50 + y) % 256, (y // 3) % 256, (seed * 90) % 256), (0, y, size[0], 40))
        return surface

    old, new = page(1), page(2)
    for p in (0.0, 1.0):  # the pages are on screen (uploaded, on the GPU path) before the fade
        comp.compose(crossfade(old, new, p, None), None)
    own, process, sent = [], [], []
    for i in range(frames):
        layers = crossfade(old, new, ease((i + 0.5) / frames), None)
        u0, t0, r0 = comp.uploaded, time.thread_time(), resource.getrusage(resource.RUSAGE_SELF)
        comp.compose(layers, None)
        t1, r1 = time.thread_time(), resource.getrusage(resource.RUSAGE_SELF)
        own.append((t1 - t0) * 1000)
        process.append((r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000)
        sent.append(comp.uploaded - u0)
    return {"own": statistics.median(own), "process": statistics.median(process),
            "sent": statistics.median(sent), "frames": frames, "gl": gl,
            "driver": pygame.display.get_driver()}


def run_until(player, clock, end: float) -> None:
    """The loop as it runs, the clock stepped to each change the player announces."""
    while clock.time() < end:
        wait = player.frame()
        clock.set(min(end, clock.time() + max(wait, 1e-3)))


def player_child(path: str, size: tuple[int, int]) -> dict:
    """The player on ``path``'s compositor: bytes sent a second, static, with the ticker, in a crossfade."""
    import tempfile

    import pygame
    from benchlib import MORNING
    from display_x11 import free_port, write_station

    from signage.app import config
    from signage.player.clock import FakeClock
    from signage.player.loop import Player
    from signage.render import fonts as fonts_mod
    from signage.sources.folder import read as folder

    got = {}
    for scenario in ("static page", "ticker", "crossfade"):
        with tempfile.TemporaryDirectory() as tmp:
            settings = config.load(write_station(Path(tmp), free_port(), path)).replace(
                fullscreen=False, size=size, ticker_enabled=scenario == "ticker")
            clock = FakeClock(MORNING.timestamp() + 1)
            player = Player(settings, fonts_mod.load(settings.font, settings.lang), clock=clock)
            player.load(folder.scan(settings.content_dir).values())
            player.open_display()
            screen = player.screen
            player.frame()
            run_until(player, clock, screen.on.next_change + settings.transition_seconds + 0.5)  # past one change
            change = screen.on.next_change
            start, end = (change, change + settings.transition_seconds) if scenario == "crossfade" \
                else (clock.time(), change - 0.05)
            run_until(player, clock, start)
            sent, frames = screen.compositor.uploaded, player.stats.frames
            run_until(player, clock, end)
            got[scenario] = {"per_s": (screen.compositor.uploaded - sent) / (end - start),
                             "frames": player.stats.frames - frames, "seconds": end - start,
                             "compositor": screen.compositor.name, "fps": screen.fps}
            pygame.display.quit()
    return got


def run(what: str, path: str, size: tuple[int, int], frames: int) -> dict:
    """``what`` ("player" or "crossfade") on ``path``, in a child process on an Xvfb of ``size``."""
    xvfb, display = start_xvfb(f"{size[0]}x{size[1]}x24")
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SDL_")}
        env["DISPLAY"] = display
        out = subprocess.run([sys.executable, __file__, "--child", what, path, f"{size[0]}x{size[1]}",
                              "--frames", str(frames)], env=env, capture_output=True, text=True,
                             timeout=600)
        if out.returncode:
            raise RuntimeError(f"{what} on {path} at {size}: {out.stderr[-2000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        stop(xvfb)


def kib(n: float) -> str:
    return f"{n / 1024:,.0f} KiB/s"


def report(sent: dict, fades: dict, frames: int) -> str:
    byte_rows = []
    for scenario in ("static page", "ticker", "crossfade"):
        s, g = sent["software"][scenario], sent["gpu"][scenario]
        what = {"static page": "a static page", "ticker": "the ticker running over a page",
                "crossfade": f"during a crossfade ({s['seconds']:.1f} s)"}[scenario]
        byte_rows.append(f"| {what} | {kib(s['per_s'])} ({s['frames']} frames) | "
                         f"{kib(g['per_s'])} ({g['frames']} frames) |")
    rows = []
    for path in PATHS:
        a, b = fades[(path, SIZES[0])], fades[(path, SIZES[1])]
        name = "software (window surface, XShm)" if path == "software" else \
            f"gpu (textures; here {a['gl'] or 'a GL driver'})"
        rows.append(f"| {name} | the player's thread | {a['own']:.2f} ms | {b['own']:.2f} ms | "
                    f"{b['own'] / a['own']:.1f} |")
        rows.append(f"| | the whole process (with the driver's threads) | {a['process']:.2f} ms | "
                    f"{b['process']:.2f} ms | {b['process'] / max(a['process'], 1e-9):.1f} |")
        rows.append(f"| | bytes sent to the display | {a['sent'] / 2**20:.1f} MiB | "
                    f"{b['sent'] / 2**20:.1f} MiB | |")
    soft, gpu = sent["software"]["ticker"], sent["gpu"]["ticker"]
    return f"""`.venv/bin/python bench/display_paths.py --record`. Video driver
{fades[('software', SIZES[0])]['driver']}; each measurement in its own process on its own Xvfb.

Bytes the compositor sent to the display per second, the player at 1920x1080 with six
listings and the clock, its clock stepped from one change it announces to the next (the
software path moves at {soft['fps']} frames a second, the GPU path at {gpu['fps']}):

| what is on screen | software path | GPU path |
|---|---|---|
{chr(10).join(byte_rows)}

A full-page crossfade, median of {frames} frames, CPU time per frame:

| path | what | 1920x1080 | 3840x2160 | 4K / 1080p |
|---|---|---|---|---|
{chr(10).join(rows)}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--record", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--child", nargs=3, metavar=("WHAT", "PATH", "WxH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, path, wxh = args.child
        w, h = (int(x) for x in wxh.split("x"))
        got = player_child(path, (w, h)) if what == "player" else crossfade_child(path, (w, h), args.frames)
        print(json.dumps(got))
        return 0
    sent = {}
    for path in PATHS:
        sent[path] = run("player", path, SIZES[0], args.frames)
        for scenario, r in sent[path].items():
            print(f"{path:8} {scenario:12} {kib(r['per_s'])} to the display ({r['frames']} frames "
                  f"in {r['seconds']:.1f} s)", flush=True)
    fades = {}
    for size in SIZES:
        for path in PATHS:
            fades[(path, size)] = r = run("crossfade", path, size, args.frames)
            print(f"{path:8} {size[0]}x{size[1]} crossfade frame: player's thread {r['own']:.2f} ms, "
                  f"process {r['process']:.2f} ms, sent {r['sent'] / 2**20:.1f} MiB", flush=True)
    text = report(sent, fades, args.frames)
    print(text)
    if args.record:
        record("display_paths", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
