"""Video benchmark: a 1080p30 H.264 clip between job pages, in SDL's dummy driver.

Measures, with the real clock and the real loop (``Player.run``):
- the CPU share (all threads of the process: loop and decoder) while the clip plays;
- the frames shown and dropped (decoded but late) over the clip;
- the gap from the moment the clip is due to its first frame on the screen, and from
  the page's last frame to the clip's first (goal: one frame at 60 Hz, 16.7 ms).

Run: ``.venv/bin/python bench/video.py`` (about a minute, much of it encoding the clip).
It plays the clip in SDL's dummy driver and, where ``xvfb-run`` exists, in its x11 driver on
Xvfb, each in a process of its own. Writes its figures into docs/benchmarks.md between
``<!-- bench:video -->`` and ``<!-- /bench:video -->``; ``--no-write`` only prints.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # --child runs get theirs from the parent
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import av  # noqa: E402
import pygame  # noqa: E402
import pygame.freetype  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from signage.app import config as config_mod  # noqa: E402
from signage.player.hooks import Hooks  # noqa: E402
from signage.player.loop import Player  # noqa: E402
from signage.render import fonts as fonts_mod  # noqa: E402
from signage.sources.folder import read as folder  # noqa: E402
from tests.clips import make_clip  # noqa: E402  (the tests' clip maker: what a phone exports)

DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:video -->", "<!-- /bench:video -->"
JOBS = """- id: a1
  title: 服务员
  employer: 川味餐馆
  pay: 150元/天
  phone: "13812345678"
"""


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


class Watch(Hooks):
    """A player observer: each frame drawn (wall time, slide kind), and the CPU time and the
    playback's counts at two moments of the clip."""

    def __init__(self, start: float, end: float):
        self.frames: list[tuple[float, str, float]] = []  # (wall time, kind, seconds drawing)
        self.start, self.end = start, end
        self.marks: list[tuple[float, float]] = []  # (wall, cpu) at start and end
        self.counts: tuple | None = None

    def frame_drawn(self, player, seconds: float) -> None:
        self.frames.append((time.time(), player.screen.shown.kind if player.screen.shown else "", seconds))

    def loop_tick(self, player) -> None:
        now = time.time()
        if len(self.marks) == 0 and now >= self.start or len(self.marks) == 1 and now >= self.end:
            self.marks.append((now, time.process_time()))
            if len(self.marks) == 2 and player.screen.clips.playback is not None:
                v = player.screen.clips.playback
                self.counts = (v.shown, v.dropped, v.decoder)


def run(clip: Path, clip_seconds: int) -> dict:
    """Play ``clip`` after a job page in this process (SDL_VIDEODRIVER says which driver)."""
    work = Path(tempfile.mkdtemp(prefix="bench-video-"))
    jobs = work / "jobs"
    jobs.mkdir()
    (jobs / "jobs.yaml").write_text(JOBS, encoding="utf-8")
    shutil.copy(clip, jobs / "clip.mp4")  # a link out of the drop folder would be refused
    (work / "config.yaml").write_text(
        "content: jobs\ndisplay: {fullscreen: false, size: [1920, 1080], power: none}\n"
        "pages: {seconds: 4, transition: none}\n", encoding="utf-8")
    settings = config_mod.load(work / "config.yaml")
    pygame.display.init()
    pygame.freetype.init()
    player = Player(settings, fonts_mod.load(settings.font, settings.lang))
    player.load(folder.scan(settings.content_dir).values())
    player.open_display()
    # Start on the job page before the clip, at least 1.5 s before the clip is due.
    while True:
        now = time.time()
        on = player.screen.schedule_at(now, player.shared())
        if on.slide.kind == "jobs" and on.next_change - now >= 1.5:
            break
        time.sleep(max(0.05, on.next_change - now + 0.01))
    due = on.next_change
    watch = Watch(due + 0.5, due + clip_seconds - 0.3)
    player.observers.append(watch)
    player.run(max_seconds=due + clip_seconds + 1.0 - time.time())
    (wall0, cpu0), (wall1, cpu1) = watch.marks
    shown, dropped, decoder = watch.counts
    clip = [(w, dt) for w, k, dt in watch.frames if k == "video" and due - 0.005 <= w < wall1]
    clip_frames = [w for w, _ in clip]
    clip_first, first_work = clip[0]
    gaps = sorted(b - a for a, b in zip(clip_frames, clip_frames[1:], strict=False))
    return {
        "driver": pygame.display.get_driver(),
        "cpu": (cpu1 - cpu0) / (wall1 - wall0),
        "cpu_seconds": wall1 - wall0,
        "shown": shown,
        "dropped": dropped,
        "expected": round((clip_seconds - 0.3) * 30),
        "decoder": decoder,
        "due_to_first": clip_first - due,
        "first_frame_work": first_work,
        "load": os.getloadavg()[0],
        "frame_gap_p50": gaps[len(gaps) // 2],
        "frame_gap_max": gaps[-1],
    }


def table(results: dict[str, dict], clip_seconds: int) -> str:
    today = dt.date.today().isoformat()
    names = list(results)
    rs = [results[n] for n in names]

    def row(what: str, goal: str, cell) -> str:
        return f"| {what} | " + " | ".join(cell(r) for r in rs) + f" | {goal} |"

    load = max(r["load"] for r in rs)
    return "\n".join([
        f"`.venv/bin/python bench/video.py`: a {clip_seconds} s 1080p30 H.264 clip (testsrc2, "
        "libx264 veryfast, made by the bench) after a job page, played by the real loop with",
        "the real clock at 1920x1080, transition none, in SDL's dummy driver and in its x11 driver "
        "on Xvfb (each in a process of its own).",
        f"Measured {today} on {os.cpu_count()} cores of {cpu_model()} ({platform.machine()}), "
        f"Python {platform.python_version()}, pygame-ce {pygame.version.ver},",
        f"PyAV {av.__version__} (FFmpeg {getattr(av, 'ffmpeg_version_info', '?')}); load average "
        f"up to {load:.1f} during the runs (other work on the machine).",
        "",
        "| what | " + " | ".join(names) + " | goal |",
        "|---|" + "---|" * len(names) + "---|",
        row("CPU share while the clip plays (loop and decoder threads; 100% = one core)", "",
            lambda r: f"{r['cpu'] * 100:.0f} %"),
        row(f"frames shown / dropped (decoded late) of ~{rs[0]['expected']}", "0 dropped",
            lambda r: f"{r['shown']} / {r['dropped']}"),
        row("SDL video driver, decoder", "hardware decoding where offered",
            lambda r: f"{r['driver']}, {r['decoder']}"),
        row("clip due -> its first frame on screen", "<= 16.7 ms",
            lambda r: f"{r['due_to_first'] * 1000:.1f} ms"),
        row("of which drawing that frame (page change, first frame, flip)", "",
            lambda r: f"{r['first_frame_work'] * 1000:.1f} ms"),
        row("time between clip frames: median / max", "33.3 ms",
            lambda r: f"{r['frame_gap_p50'] * 1000:.1f} / {r['frame_gap_max'] * 1000:.1f} ms"),
    ])


def write(section: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{section}\n{END}"
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n## Video\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10, help="length of the clip")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--child", metavar="CLIP", help=argparse.SUPPRESS)  # one run, JSON out
    args = ap.parse_args()
    if args.child:
        print("RESULT " + json.dumps(run(Path(args.child), args.seconds)))
        return
    clip = Path(tempfile.mkdtemp(prefix="bench-video-clip-")) / "clip.mp4"
    t0 = time.perf_counter()
    make_clip(clip, args.seconds, size=(1920, 1080))
    print(f"(encoding the clip took {time.perf_counter() - t0:.1f} s)")
    me = [sys.executable, __file__, "--seconds", str(args.seconds), "--child", str(clip)]
    runs = {"dummy": (me, {"SDL_VIDEODRIVER": "dummy"})}
    if shutil.which("xvfb-run"):
        runs["x11 (Xvfb)"] = (["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", *me],
                              {"SDL_VIDEODRIVER": "x11"})
    results = {}
    for name, (cmd, env) in runs.items():
        done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True,
                              timeout=300)
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(f"{name}: no result\n{done.stdout}\n{done.stderr}", file=sys.stderr)
            continue
        results[name] = json.loads(line[len("RESULT "):])
    section = table(results, args.seconds)
    print(section)
    if not args.no_write:
        write(section)


if __name__ == "__main__":
    main()
