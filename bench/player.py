"""Benchmark of the player loop in SDL's dummy video driver.

Prints, for each screen size: frame time (median, p99) of a frame on a static
page and of a frame during a crossfade; CPU share of one core over a steady
state; time from process start to the first frame; resident memory after a
minute of cycling pages. Run:  .venv/bin/python bench/player.py [--quick]

Numbers are medians over repeated runs where it matters; the machine is shared
and noisy, so compare ratios between runs on the same machine rather than
absolute values across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
    player = Player(settings, load_fonts(settings.font, settings.lang))
    player.load(content.initial_results(settings))
    player.open_display()
    return player


def frame_times(size) -> dict:
    player = make_player(size, page_seconds=3600.0, transition_seconds=0.8)
    player.frame()  # first page
    static = []
    for _ in range(2000):
        t0 = time.perf_counter()
        player.frame()
        static.append(time.perf_counter() - t0)
    # Transitions: step to the next page and time every frame of the crossfade.
    transition = []
    for _ in range(6):
        player.step += 1
        player.frame()  # begins the transition (the next page was prepared in idle time)
        while player.screen.change is not None:
            t0 = time.perf_counter()
            player.frame()
            transition.append(time.perf_counter() - t0)
            time.sleep(max(0.0, 1 / 60 - (time.perf_counter() - t0)))
    pygame.display.quit()
    return {
        "static_median": statistics.median(static), "static_p99": pct(static, 99),
        "transition_median": statistics.median(transition), "transition_p99": pct(transition, 99),
        "transition_frames": len(transition),
    }


def cpu_share(size, seconds: float) -> float:
    player = make_player(size, page_seconds=3600.0)
    player.run(max_seconds=0.5)
    c0, w0 = time.process_time(), time.monotonic()
    player.run(max_seconds=seconds)
    share = (time.process_time() - c0) / (time.monotonic() - w0)
    pygame.display.quit()
    return share


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_process(size, seconds: float, page_seconds: float) -> dict:
    """Start `signage run` as a user would; read first-frame time and memory from /status."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "config.yaml"
        cfg.write_text(
            (ROOT / "config.yaml").read_text(encoding="utf-8")
            .replace("content: playlists/jobs", f"content: {ROOT / 'playlists/jobs'}")
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
    args = parser.parse_args()
    steady = 4.0 if args.quick else 10.0
    soak = 15.0 if args.quick else 60.0
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, pygame-ce {pygame.version.ver}, SDL dummy driver")
    for size in SIZES:
        ft = frame_times(size)
        cpu = cpu_share(size, steady)
        firsts = [run_process(size, 4.0, 12)["first_frame"] for _ in range(3)]
        mem = run_process(size, soak, 2)["rss_mb"]
        print(f"\n{size[0]}x{size[1]}")
        print(f"  static frame     median {ms(ft['static_median'])}  p99 {ms(ft['static_p99'])}")
        print(f"  transition frame median {ms(ft['transition_median'])}  p99 {ms(ft['transition_p99'])}"
              f"  ({ft['transition_frames']} frames)")
        print(f"  CPU, steady      {cpu * 100:.2f}% of one core over {steady:.0f} s")
        print(f"  first frame      median {statistics.median(f for f in firsts if f):.2f} s "
              f"(runs: {', '.join(f'{f:.2f}' for f in firsts if f)})")
        print(f"  memory           {mem:.0f} MB resident after {soak:.0f} s of pages every 2 s")


if __name__ == "__main__":
    main()
