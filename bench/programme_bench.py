"""Programme benchmarks: the ticker's frame times at 1080p, and the CPU share in sleep hours.

Run headless:  SDL_VIDEODRIVER=dummy .venv/bin/python bench/programme_bench.py
(the dummy driver has no real display, so a flip costs less than on a TV;
the numbers are the player's own work: schedule, blits, ticker window).
"""

from __future__ import annotations

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
    """Frame times of the ticker at 60 fps on a 1920x1080 page (clock stepped by 1/60 s)."""
    settings = config.load(ROOT / "config.yaml").replace(
        fullscreen=False, size=(1920, 1080), ticker_enabled=True, transition="none")
    start = dt.datetime(2026, 11, 9, 10, 0, 1).timestamp()
    clock = FakeClock(start)
    p = make_player(settings, clock)
    p.frame()  # the first page and the strip are drawn here, not measured
    times = []
    for i in range(frames):
        clock.set(start + (i + 1) / 60)
        t0 = time.perf_counter()
        p.frame()
        times.append(time.perf_counter() - t0)
    pygame.display.quit()
    times.sort()
    return {"frames": frames, "median_ms": statistics.median(times) * 1000,
            "p99_ms": times[int(len(times) * 0.99) - 1] * 1000, "max_ms": times[-1] * 1000}


def idle_cpu(at: dt.datetime, seconds: float, ticker: bool = False) -> dict:
    """The share of one core the running loop uses for ``seconds`` of real time from ``at``."""
    settings = config.load(ROOT / "config.yaml").replace(
        fullscreen=False, size=(1920, 1080), ticker_enabled=ticker)
    p = make_player(settings, CompressedClock(at.timestamp(), 1.0))  # real time, from ``at``
    p.frame()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    p.run(max_seconds=seconds)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    state = p.state()
    pygame.display.quit()
    return {"slide": state["slide"], "playlist": state["playlist"], "wall_s": wall, "cpu_s": cpu,
            "cpu_share_pct": 100 * cpu / wall}


def main() -> None:
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    tick = ticker_frames()
    print(f"ticker at 1920x1080, {tick['frames']} frames: median {tick['median_ms']:.2f} ms, "
          f"p99 {tick['p99_ms']:.2f} ms, max {tick['max_ms']:.2f} ms")
    for label, when, ticker in (
            ("sleep hours (23:00)", dt.datetime(2026, 11, 9, 23, 0, 5), False),
            ("day, idle page (10:00)", dt.datetime(2026, 11, 9, 10, 0, 1), False),
            ("day with ticker (10:00)", dt.datetime(2026, 11, 9, 10, 0, 1), True)):
        r = idle_cpu(when, seconds, ticker)
        print(f"{label}: {r['slide']} ({r['playlist']}), CPU {r['cpu_s']:.3f} s in {r['wall_s']:.1f} s "
              f"= {r['cpu_share_pct']:.2f}% of one core")


if __name__ == "__main__":
    main()
