"""Benchmark of the player loop in SDL's dummy video driver.

Prints, for each screen size: frame time (median, p99) of a frame on a static
page and of a frame during a crossfade; CPU share of one core over a steady
state; time from process start to the first frame; resident memory after a
minute of cycling pages. Run:  .venv/bin/python bench/player.py [--quick] [--record]

The player in this process runs on a clock pinned to a weekday morning (bench/benchlib.py),
so the day programme is on whatever the hour; the `signage run` processes read the wall
clock, so they are given the day playlist alone. ``--record`` rewrites this bench's section
of docs/benchmarks.md from the run.

Numbers are medians over repeated runs where it matters; the machine is shared
and noisy, so compare ratios between runs on the same machine rather than
absolute values across machines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402
from benchlib import PinnedClock, machine_line, record  # noqa: E402

from signage.app import config, content  # noqa: E402
from signage.player.loop import Player  # noqa: E402
from signage.render.fonts import load as load_fonts  # noqa: E402

SIZES = [(1920, 1080), (3840, 2160)]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(x: float) -> str:
    return f"{x * 1000:.2f} ms"


def make_player(size, **over) -> Player:
    settings = config.load(ROOT / "config.yaml").replace(fullscreen=False, size=size, **over)
    player = Player(settings, load_fonts(settings.font, settings.lang), clock=PinnedClock())
    player.load(content.initial_results(settings))
    player.open_display()
    return player


def frame_times(size, static_frames: int = 2000, crossfades: int = 6) -> dict:
    player = make_player(size, page_seconds=3600.0, transition_seconds=0.8)
    player.frame()  # first page
    shown = {player.screen.shown.kind: player.screen.shown}
    static = []
    for _ in range(static_frames):
        t0 = time.perf_counter()
        player.frame()
        static.append(time.perf_counter() - t0)
    # Transitions: step to the next page and time every frame of the crossfade.
    transition = []
    for _ in range(crossfades):
        player.step += 1
        player.frame()  # begins the transition (the next page was prepared in idle time)
        shown.setdefault(player.screen.shown.kind, player.screen.shown)
        while player.screen.change is not None:
            t0 = time.perf_counter()
            player.frame()
            transition.append(time.perf_counter() - t0)
            time.sleep(max(0.0, 1 / 60 - (time.perf_counter() - t0)))
    drawn = {}  # drawing a page of each kind shown again (layout with the real fonts, painting): the page
    # cache is cleared, the line-break and text-width caches stay warm (the page was drawn in the run above)
    for kind, slide in shown.items():
        times = []
        for _ in range(5):
            player.screen.cache.clear()
            t0 = time.perf_counter()
            player.screen.cache.get(slide)
            times.append(time.perf_counter() - t0)
        drawn[kind if kind != "jobs" else f"jobs ({len(slide.listings)} cards)"] = statistics.median(times)
    pygame.display.quit()
    return {
        "drawn": drawn, "kinds": sorted(shown),
        "static_median": statistics.median(static), "static_p99": pct(static, 99),
        "transition_median": statistics.median(transition), "transition_p99": pct(transition, 99),
        "transition_frames": len(transition), "static_frames": len(static),
        "crossfades": crossfades,
    }


def cpu_share(size, seconds: float) -> tuple[float, str]:
    player = make_player(size, page_seconds=3600.0)
    player.run(max_seconds=0.5)
    c0, w0 = time.process_time(), time.monotonic()
    player.run(max_seconds=seconds)
    share = (time.process_time() - c0) / (time.monotonic() - w0)
    kind = player.screen.shown.kind
    pygame.display.quit()
    return share, kind


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_process(size, seconds: float, page_seconds: float) -> dict:
    """Start `signage run` as a user would; read first-frame time and memory from /status."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        day_only = Path(tmp) / "playlists"  # the wall clock's hour must not matter
        day_only.mkdir()
        (day_only / "day.yaml").write_text((ROOT / "playlists" / "day.yaml").read_text(encoding="utf-8"),
                                           encoding="utf-8")
        cfg = Path(tmp) / "config.yaml"
        cfg.write_text(
            (ROOT / "config.yaml").read_text(encoding="utf-8")
            .replace("content: playlists/jobs", f"content: {ROOT / 'playlists/jobs'}")
            .replace("playlists: playlists", f"playlists: {day_only}")
            .replace("port: 8787", f"port: {port}")
            .replace("seconds: 12", f"seconds: {page_seconds}"),
            encoding="utf-8",
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "signage", "--config", str(cfg), "run", "--windowed",
             "--size", f"{size[0]}x{size[1]}", "--seconds", str(seconds + 5)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            first = None
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=1) as r:
                        state = json.loads(r.read())
                    first = first or state.get("first_frame_seconds")
                except OSError:
                    pass
                time.sleep(0.5)
            rss = _rss(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return {"first_frame": first, "rss_mb": rss / 1024 / 1024}


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="shorter runs (memory after 15 s)")
    parser.add_argument("--record", action="store_true",
                        help="rewrite the player section of docs/benchmarks.md from this run")
    args = parser.parse_args()
    steady = 4.0 if args.quick else 10.0
    soak = 15.0 if args.quick else 60.0
    print(f"machine: {machine_line()}; SDL dummy video driver")
    print(f"clock: pinned to {dt.datetime.fromtimestamp(PinnedClock().start):%a %Y-%m-%d %H:%M} "
          "local (the day programme)")
    rows: dict[str, list[str]] = {}
    for size in SIZES:
        name = f"{size[0]}x{size[1]}"
        ft = frame_times(size)
        cpu, cpu_kind = cpu_share(size, steady)
        firsts = [f for f in (run_process(size, 4.0, 12)["first_frame"] for _ in range(3)) if f]
        mem = run_process(size, soak, 2)["rss_mb"]
        first = statistics.median(firsts) if firsts else float("nan")
        print(f"\n{name}")
        print(f"  static frame     median {ms(ft['static_median'])}  p99 {ms(ft['static_p99'])}"
              f"  ({ft['static_frames']} frames)")
        print(f"  transition frame median {ms(ft['transition_median'])}  p99 {ms(ft['transition_p99'])}"
              f"  ({ft['transition_frames']} frames of {ft['crossfades']} crossfades)")
        print(f"  slide kinds      {', '.join(ft['kinds'])}")
        drawn = ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in sorted(ft["drawn"].items()))
        print(f"  drawing a page   median of 5, by kind: {drawn}")
        print(f"  CPU, steady      {cpu * 100:.2f}% of one core over {steady:.0f} s (a {cpu_kind} page)")
        print(f"  first frame      median {first:.2f} s (runs: {', '.join(f'{f:.2f}' for f in firsts)})")
        print(f"  memory           {mem:.0f} MB resident after {soak:.0f} s of pages every 2 s")
        rows.setdefault("frame on a static page: median / p99", []).append(
            f"{ft['static_median'] * 1000:.2f} / {ft['static_p99'] * 1000:.2f} ms ({ft['static_frames']} frames)")
        rows.setdefault("frame during a crossfade: median / p99", []).append(
            f"{ft['transition_median'] * 1000:.2f} / {ft['transition_p99'] * 1000:.2f} ms "
            f"({ft['transition_frames']} frames, {ft['crossfades']} crossfades)")
        rows.setdefault("slide kinds shown in the frame runs", []).append(", ".join(ft["kinds"]))
        rows.setdefault("drawing a page again (layout and paint; the page cache cleared, the caches of line "
                        "breaks and text widths warm, as when an evicted page comes round again) of each kind "
                        "shown: median of 5",
                        []).append(drawn)
        rows.setdefault(f"CPU share of one core, {steady:.0f} s of steady state", []).append(
            f"{cpu * 100:.2f} % ({cpu_kind} page)")
        rows.setdefault("process start to first frame: median of 3", []).append(f"{first:.2f} s")
        rows.setdefault(f"resident memory after {soak:.0f} s of a page every 2 s", []).append(f"{mem:.0f} MB")
    if args.record:
        head = "| what | " + " | ".join(f"{w}x{h}" for w, h in SIZES) + " |\n|---|" + "---|" * len(SIZES)
        table = "\n".join(f"| {k} | " + " | ".join(v) + " |" for k, v in rows.items())
        record("player", f"`.venv/bin/python bench/player.py{' --quick' if args.quick else ''} --record`; "
               f"the player's clock pinned to {dt.datetime.fromtimestamp(PinnedClock().start):%A %H:%M} "
               "(the day programme of the shipped playlists and listings); the `signage run` processes "
               "with the day playlist alone. SDL's dummy video driver.\n\n" + head + "\n" + table)


if __name__ == "__main__":
    main()
