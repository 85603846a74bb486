"""Programme benchmarks: the ticker's frame times at 1080p, and the CPU share in sleep hours.

Run headless:  .venv/bin/python bench/programme_bench.py [--seconds 20] [--record]
(the dummy driver has no real display, so a flip costs less than on a TV;
the numbers are the player's own work: schedule, blits, ticker window). The player's clock
is pinned to given instants of a Monday (bench/benchlib.py); ``--record`` rewrites this
bench's section of docs/benchmarks.md from the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402
from benchlib import machine_line, record  # noqa: E402

from signage.app import config  # noqa: E402
from signage.player.clock import CompressedClock, FakeClock  # noqa: E402
from signage.player.loop import Player  # noqa: E402
from signage.render import fonts as fonts_mod  # noqa: E402
from signage.sources.folder import read as folder  # noqa: E402


def make_player(settings, clock) -> Player:
    fonts = fonts_mod.load(settings.font, settings.lang)
    p = Player(settings, fonts, clock=clock)
    p.load(folder.scan(settings.content_dir).values())
    p.open_display()
    return p


def ticker_frames(frames: int = 1200) -> dict:
    """Frame times of the ticker on a 1920x1080 page, the clock stepped by a frame of the path's rate."""
    settings = config.load(ROOT / "config.yaml").replace(
        fullscreen=False, size=(1920, 1080), ticker_enabled=True, transition="none")
    start = dt.datetime(2026, 11, 9, 10, 0, 1).timestamp()
    clock = FakeClock(start)
    p = make_player(settings, clock)
    p.frame()  # the first page and the strip are drawn here, not measured
    times, kinds, ticker_drawn = [], set(), 0
    for i in range(frames):
        clock.set(start + (i + 1) / p.screen.fps)
        t0 = time.perf_counter()
        p.frame()
        times.append(time.perf_counter() - t0)
        kinds.add(p.screen.shown.kind)
        ticker_drawn += p.screen.drawn(p.screen.ticker) is not None
    pygame.display.quit()
    times.sort()
    return {"frames": frames, "fps": p.screen.fps, "median_ms": statistics.median(times) * 1000,
            "p99_ms": times[int(len(times) * 0.99) - 1] * 1000, "max_ms": times[-1] * 1000,
            "kinds": sorted(kinds), "ticker_frames": ticker_drawn}


def idle_cpu(at: dt.datetime, seconds: float, ticker: bool = False) -> dict:
    """The share of one core the running loop uses for ``seconds`` of real time from ``at``."""
    settings = config.load(ROOT / "config.yaml").replace(
        fullscreen=False, size=(1920, 1080), ticker_enabled=ticker)
    p = make_player(settings, CompressedClock(at.timestamp(), 1.0))  # real time, from ``at``
    p.frame()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    p.run(max_seconds=seconds)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    state, fps = p.state(), p.screen.fps
    pygame.display.quit()
    return {"slide": state["slide"], "playlist": state["playlist"], "wall_s": wall, "cpu_s": cpu, "fps": fps,
            "cpu_share_pct": 100 * cpu / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each CPU run")
    parser.add_argument("--record", action="store_true",
                        help="rewrite the programme section of docs/benchmarks.md from this run")
    args = parser.parse_args()
    print(f"machine: {machine_line()}; SDL dummy video driver")
    tick = ticker_frames()
    print(f"ticker at 1920x1080, {tick['frames']} frames ({tick['ticker_frames']} with the ticker drawn; "
          f"kinds {', '.join(tick['kinds'])}): median {tick['median_ms']:.2f} ms, "
          f"p99 {tick['p99_ms']:.2f} ms, max {tick['max_ms']:.2f} ms")
    rows = [
        (f"ticker frame at 1920x1080, {tick['fps']} fps, {tick['frames']} frames ({tick['ticker_frames']} drew the "
         f"ticker; slide kinds {', '.join(tick['kinds'])}): median / p99 / max",
         f"{tick['median_ms']:.2f} / {tick['p99_ms']:.2f} / {tick['max_ms']:.1f} ms"),
    ]
    for label, when, ticker in (
            ("sleep hours (23:00)", dt.datetime(2026, 11, 9, 23, 0, 5), False),
            ("day, idle page (10:00)", dt.datetime(2026, 11, 9, 10, 0, 1), False),
            ("day with the ticker (10:00)", dt.datetime(2026, 11, 9, 10, 0, 1), True)):
        r = idle_cpu(when, args.seconds, ticker)
        if ticker:
            label = f"day with the ticker at {r['fps']} fps, the software path's own (10:00)"
        print(f"{label}: {r['slide']} ({r['playlist']}), CPU {r['cpu_s']:.3f} s in {r['wall_s']:.1f} s "
              f"= {r['cpu_share_pct']:.2f}% of one core")
        rows.append((f"CPU share, {label}, {r['wall_s']:.0f} s of running loop, ended on a "
                     f"{r['slide']} slide ({r['playlist']})", f"{r['cpu_share_pct']:.2f} % of one core"))
    if args.record:
        record("programme_bench", "`.venv/bin/python bench/programme_bench.py --record` "
               f"(`--seconds {args.seconds:g}`): the shipped config, listings and playlists, 1920x1080, "
               "SDL's dummy video driver, the player's clock pinned to Monday 2026-11-09.\n\n"
               "| what | result |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows))


if __name__ == "__main__":
    main()
