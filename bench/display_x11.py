"""The display path on a real X11 screen: the player against a browser showing the same kind of page.

One run: starts its own Xvfb (1920x1080x24), runs ``signage run`` fullscreen on it with
demo-like listings written to a tmp folder (the ticker on, the clock, a crossfade every
8 s), waits 5 s, measures 30 s; the same with ``display.fps: 60`` (the software path's
default is 30 frames a second in motion); then Debian's Chromium in kiosk mode on the same Xvfb
showing bench/browser_page/index.html (cards, a CSS crossfade every 8 s, a scrolling
ticker, a clock), the same way. For each: the share of one core used by its process
tree (utime + stime from /proc/<pid>/stat), its PSS summed over the tree
(/proc/<pid>/smaps_rollup, the largest of the samples) and, for the player, the bytes
it sent to the display per second (signage_display_upload_bytes_total on /metrics).
No environment variable is set for the player: it picks its display path itself.
Writes the figures into docs/benchmarks.md between its markers.

Run: .venv/bin/python bench/display_x11.py [--seconds 30] [--warmup 5] [--renderer auto]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import record  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "bench" / "browser_page" / "index.html"
TICK = os.sysconf("SC_CLK_TCK")
CHROMIUM = "/usr/bin/chromium"

LISTINGS = [
    ("厨房帮工", "蜀香人家餐馆", "150元/天", "日结", "13883215566", "乐至县天池镇南街 28 号"),
    ("商场保洁员", "乐至县天池商业广场", "2200元/月", "月结", "08325509876", "乐至县天池商业广场"),
    ("小区物业管理员", "乐至县安居物业服务有限公司", "2800-3300元/月", "月结", "08325521234",
     "乐至县城南新区锦绣花园小区"),
    ("手工编织（毛衣、围巾）", "乐至县巧手妈妈合作社", "30-80元/件", "计件", "18728327789", "在家编织"),
    ("汽车线束加工（计件）", "回澜镇村级微工厂", "0.8元/件", "计件", "13981662231", "回澜镇幸福村村委会旁"),
    ("蜀绣绣工", "乐至县锦绣坊蜀绣工作室", "5000元/月", "月结", "08325510088", "乐至县文化街 12 号"),
]


# ------------------------------------------------------------------ processes

def tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def cpu_ticks(pids: list[int]) -> dict[int, int]:
    got = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            got[pid] = int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    return got


def pss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


def measure(pid: int, warmup: float, seconds: float, sample=None) -> dict:
    """CPU share of one core and the largest PSS of ``pid``'s tree over ``seconds`` after ``warmup``."""
    time.sleep(warmup)
    load = load_average()
    before, t0 = cpu_ticks(tree(pid)), time.monotonic()
    first = sample() if sample else None
    pss = []
    while time.monotonic() - t0 < seconds:
        time.sleep(min(5.0, max(0.0, seconds - (time.monotonic() - t0))))
        pss.append(pss_bytes(tree(pid)))
    after, t1 = cpu_ticks(tree(pid)), time.monotonic()
    last = sample() if sample else None
    used = sum(t - before.get(p, 0) for p, t in after.items())
    wall = t1 - t0
    out = {"cpu": used / TICK / wall, "pss": max(pss), "processes": len(after), "wall": wall, "load": load}
    if sample:
        out["upload_per_s"] = (last - first) / wall
    return out


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


# ------------------------------------------------------------------ X server

def free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


def start_xvfb(screen: str = "1920x1080x24") -> tuple[subprocess.Popen, str]:
    n = free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", screen, "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if Path(f"/tmp/.X11-unix/X{n}").exists():
            return xvfb, f":{n}"
        time.sleep(0.05)
    stop(xvfb)
    raise RuntimeError("Xvfb did not start")


# ------------------------------------------------------------------ the player

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_station(folder: Path, port: int, renderer: str, fps: str = "auto") -> Path:
    jobs = folder / "jobs"
    jobs.mkdir(parents=True)
    for i, (title, employer, pay, settle, phone, place) in enumerate(LISTINGS):
        (jobs / f"job{i}.yaml").write_text(
            f"岗位: {title}\n单位: {employer}\n工资: {pay}\n结算方式: {settle}\n电话: {phone}\n"
            f"地点: {place}\n", encoding="utf-8")
    config = folder / "config.yaml"
    config.write_text(
        "station: {name: 乐至县零工爱心驿站, hotline: 028-2333 1234}\n"
        "content: jobs\nplaylists: null\n"
        "ticker: {enabled: true}\n"
        f"display: {{fullscreen: true, renderer: {renderer}, fps: {fps}}}\n"
        "pages: {seconds: 8, transition: crossfade}\n"
        f"status: {{port: {port}}}\n"
        "playlog: {folder: playlog}\ncache_dir: cache\n", encoding="utf-8")
    return config


def uploaded(port: int) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    m = re.search(r"^signage_display_upload_bytes_total (\S+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def run_player(display: str, warmup: float, seconds: float, renderer: str, fps: str = "auto") -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        config = write_station(Path(tmp), port, renderer, fps)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SDL_")}  # nothing by hand
        env["DISPLAY"] = display
        with open(Path(tmp) / "player.log", "w") as log:
            proc = subprocess.Popen([sys.executable, "-m", "signage", "--config", str(config), "run",
                                     "--seconds", str(warmup + seconds + 30)],
                                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                for _ in range(200):
                    try:
                        uploaded(port)
                        break
                    except OSError:
                        time.sleep(0.05)
                figures = measure(proc.pid, warmup, seconds, lambda: uploaded(port))
            finally:
                stop(proc)
        text = (Path(tmp) / "player.log").read_text(encoding="utf-8", errors="replace")
        found = re.search(r"display: (.*)", text)
        figures["path"] = found.group(1) if found else "?"
        return figures


# ------------------------------------------------------------------ the browser

def run_browser(display: str, warmup: float, seconds: float) -> dict:
    with tempfile.TemporaryDirectory() as profile:
        env = dict(os.environ, DISPLAY=display)
        proc = subprocess.Popen(
            [CHROMIUM, "--kiosk", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             "--no-default-browser-check", "--disable-breakpad", "--disable-domain-reliability",
             "--disable-features=Translate,MediaRouter,OptimizationHints",
             "--window-position=0,0", "--window-size=1920,1080",
             f"--user-data-dir={profile}", PAGE.as_uri()],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            return measure(proc.pid, warmup, seconds)
        finally:
            stop(proc)


# ------------------------------------------------------------------ the report

def machine() -> str:
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) // 1024
    os_name = "?"
    if Path("/etc/os-release").exists():
        found = re.search(r'^PRETTY_NAME="?([^"\n]*)', Path("/etc/os-release").read_text(), re.M)
        os_name = found.group(1) if found else os_name
    import pygame

    browser = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{os.cpu_count()} cores of {cpu}, {mem} MB, {os_name}, Linux {platform.release()}; "
            f"Python {platform.python_version()}, pygame-ce {pygame.version.ver} "
            f"(SDL {'.'.join(map(str, pygame.get_sdl_version()))}); {browser}")


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def section(player: dict, at60: dict, browser: dict, seconds: float, warmup: float, about: str) -> str:
    mb = 1024 * 1024

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if b else "?"

    return f"""`.venv/bin/python bench/display_x11.py` (about {round(3 * (seconds + warmup) + 20)} s). One run
on its own Xvfb at 1920x1080x24: `signage run` fullscreen with six demo-like listings, the
ticker on, the clock, a crossfade every 8 s, in its default configuration; the same with
`display.fps: 60` (for comparison: by default the software path moves at 30 frames a second);
then Chromium in kiosk mode (`--disable-gpu`) showing `bench/browser_page/index.html` (the
same kind of cards, a CSS crossfade every 8 s, a scrolling ticker, a clock). Each measured
for {seconds:.0f} s after {warmup:.0f} s of warm-up: CPU from /proc/<pid>/stat of the process tree, PSS
from /proc/<pid>/smaps_rollup summed over it (the largest sample). No environment variable
set for the player ({about}). Load average (1 min) when each run began: player
{player['load']}, player at 60 fps {at60['load']}, Chromium {browser['load']} (on a busy machine
both drop frames, and the browser, which has more to draw, drops more).

The player chose: {player['path']}.

| what | player | player, `display.fps: 60` | Chromium | player / Chromium | goal |
|---|---|---|---|---|---|
| CPU, share of one core | {player['cpu']:.3f} | {at60['cpu']:.3f} | {browser['cpu']:.3f} | \
{ratio(player['cpu'], browser['cpu'])} (at 60 fps: {ratio(at60['cpu'], browser['cpu'])}) | <= 0.20 |
| PSS of the process tree | {player['pss'] / mb:.0f} MB | {at60['pss'] / mb:.0f} MB | {browser['pss'] / mb:.0f} MB | \
{ratio(player['pss'], browser['pss'])} | <= 0.35 |
| processes | {player['processes']} | {at60['processes']} | {browser['processes']} | | |
| bytes sent to the display per second | {player['upload_per_s'] / 1024:.0f} KiB/s | \
{at60['upload_per_s'] / 1024:.0f} KiB/s | | | only what changed |

The X server's own work (it copies what the clients send onto its screen) is in neither
column."""


def say(name: str, got: dict) -> None:
    print(f"{name + ':':10} CPU {got['cpu']:.3f} of a core, PSS {got['pss'] / 2**20:.0f} MB, "
          f"{got['upload_per_s'] / 1024:.0f} KiB/s to the display ({got['path']})", flush=True)


def write_doc(text: str) -> None:
    record("display_x11", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--renderer", default="auto", choices=["auto", "gpu", "software"])
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md")
    args = parser.parse_args()
    for tool in ("Xvfb", CHROMIUM):
        if shutil.which(tool) is None:
            print(f"display_x11: {tool} is not installed (bash scripts/setup.sh --bench)", file=sys.stderr)
            return 2
    xvfb, display = start_xvfb()
    try:
        player = run_player(display, args.warmup, args.seconds, args.renderer)
        say("player", player)
        at60 = run_player(display, args.warmup, args.seconds, args.renderer, fps="60")
        say("at 60 fps", at60)
        browser = run_browser(display, args.warmup, args.seconds)
        print(f"chromium:  CPU {browser['cpu']:.3f} of a core, PSS {browser['pss'] / 2**20:.0f} MB, "
              f"{browser['processes']} processes", flush=True)
    finally:
        stop(xvfb)
    print(f"ratio:     CPU {player['cpu'] / browser['cpu']:.2f} (goal <= 0.20; at 60 fps "
          f"{at60['cpu'] / browser['cpu']:.2f}), PSS {player['pss'] / browser['pss']:.2f} (goal <= 0.35)")
    if not args.no_doc:
        write_doc(section(player, at60, browser, args.seconds, args.warmup, machine()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
