"""A crossfade frame on both display paths, at 1080p and at 4K, in a real X11 window.

For each size, its own Xvfb at that size; for each path, a child process that opens a
window filling it and runs 60 frames of a full-page crossfade through the player's own
compositor (player/compositor.py, player/textures.py) and transition
(player/transitions.py). Per frame it measures:

- the CPU time of the player's thread (``time.thread_time``): the work the player does to
  make the frame;
- the CPU time of the whole process (``getrusage``): that, plus any threads a graphics
  driver runs in the process (llvmpipe, Mesa's software rasteriser, on a box with no GPU);
- the bytes the compositor sent to the display (its ``uploaded`` count).

The pages are two full-size surfaces of bands of colour: blending costs the same whatever
the pixels are. The GPU path is forced here (``accelerated=1``) even where the player's
``display.renderer: auto`` would not take it, to show what it costs on each kind of box.

Run: .venv/bin/python bench/crossfade_paths.py [--frames 60] [--record]
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


def child(path: str, size: tuple[int, int], frames: int) -> dict:
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


def run(path: str, size: tuple[int, int], frames: int) -> dict:
    xvfb, display = start_xvfb(f"{size[0]}x{size[1]}x24")
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SDL_")}
        env["DISPLAY"] = display
        out = subprocess.run([sys.executable, __file__, "--child", path, f"{size[0]}x{size[1]}",
                              "--frames", str(frames)], env=env, capture_output=True, text=True,
                             timeout=600, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        stop(xvfb)


def report(got: dict, frames: int) -> str:
    rows = []
    for path in PATHS:
        a, b = got[(path, SIZES[0])], got[(path, SIZES[1])]
        name = "software (window surface, XShm)" if path == "software" else \
            f"gpu (textures; here {a['gl'] or 'a GL driver'})"
        rows.append(f"| {name} | player's thread | {a['own']:.2f} ms | {b['own']:.2f} ms | "
                    f"{b['own'] / a['own']:.1f} |")
        rows.append(f"| | whole process (with the driver's threads) | {a['process']:.2f} ms | "
                    f"{b['process']:.2f} ms | {b['process'] / max(a['process'], 1e-9):.1f} |")
        rows.append(f"| | bytes sent to the display | {a['sent'] / 2**20:.1f} MiB | "
                    f"{b['sent'] / 2**20:.1f} MiB | |")
    return f"""`.venv/bin/python bench/crossfade_paths.py --record`: a full-page crossfade, median of {frames}
frames, each size on its own Xvfb, each path in its own process (video driver
{got[('software', SIZES[0])]['driver']}).

| path | CPU time per crossfade frame | 1920x1080 | 3840x2160 | 4K / 1080p |
|---|---|---|---|---|
{chr(10).join(rows)}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--record", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--child", nargs=2, metavar=("PATH", "WxH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        w, h = (int(x) for x in args.child[1].split("x"))
        print(json.dumps(child(args.child[0], (w, h), args.frames)))
        return 0
    got = {}
    for size in SIZES:
        for path in PATHS:
            got[(path, size)] = run(path, size, args.frames)
            r = got[(path, size)]
            print(f"{path:8} {size[0]}x{size[1]}: player's thread {r['own']:.2f} ms, process "
                  f"{r['process']:.2f} ms, sent {r['sent'] / 2**20:.1f} MiB a frame", flush=True)
    text = report(got, args.frames)
    print(text)
    if args.record:
        record("crossfade_paths", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
