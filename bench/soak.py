"""A week on the wall in a few minutes: the real Player loop under a compressed clock.

    python bench/soak.py [--days 7] [--minutes 8] [--size 1920x1080] [--record docs/benchmarks.md]

The loop runs headless (SDL dummy driver) with everything a station's box runs:
the status server with /metrics and /screenshot.png scraped every simulated hour,
the play log (pruned to 3 days), the containment helpers. Around it, in simulated
time:

- day 06:00-17:00 in the day theme, night market 17:00-23:00 in the night theme
  (config.yaml rewritten and reloaded through the SIGHUP path), sleep hours
  23:00-06:00 with the content taken away (empty page);
- a drop-folder file re-read every 5 minutes, and one file really rewritten every
  hour (new pages drawn);
- a feed polled every 10 minutes from a local HTTP server on 127.0.0.1 that fails
  (HTTP 500) from 10:00 to 12:00 every day and returns.

Every simulated hour it records resident memory, open file descriptors and
threads; frame times go into a fixed histogram. It exits 1 when, after the first
simulated day (warm-up), memory grows more than 5 MB or fds or threads grow.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402
import pygame  # noqa: E402
import requests  # noqa: E402

from signage import config as config_mod  # noqa: E402
from signage import lifecycle, runtime  # noqa: E402
from signage.contain import Faults  # noqa: E402
from signage.model import Location, SourceResult  # noqa: E402
from signage.player import Player, Update  # noqa: E402
from signage.render import fonts as fonts_mod  # noqa: E402
from signage.sources import folder  # noqa: E402
from signage.sources.normalise import listing_from_mapping  # noqa: E402
from signage.status import StatusServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HOUR = 3600.0
DAY = 24 * HOUR
MEMORY_LIMIT = 5 * 1024 * 1024


class CompressedClock:
    """Epoch seconds running ``rate`` times faster than real time, from ``start``."""

    def __init__(self, start: float, rate: float):
        self.start = start
        self.rate = rate
        self._t0 = time.monotonic()

    def __call__(self) -> float:
        return self.start + (time.monotonic() - self._t0) * self.rate


class FrameHistogram:
    """Frame times in 0.25 ms buckets up to 1 s: constant memory for a week of frames."""

    STEP = 0.00025

    def __init__(self):
        self.counts = [0] * 4001
        self.n = 0
        self.worst = 0.0

    def frame_drawn(self, _player, seconds: float) -> None:
        self.counts[min(4000, int(seconds / self.STEP))] += 1
        self.n += 1
        self.worst = max(self.worst, seconds)

    def quantile(self, q: float) -> float:
        want, seen = q * self.n, 0
        for i, c in enumerate(self.counts):
            seen += c
            if seen >= want and c:
                return (i + 0.5) * self.STEP
        return 0.0


class Feed:
    """A local HTTP feed that is down from 10:00 to 12:00 (simulated) every day."""

    def __init__(self, clock: CompressedClock):
        self.clock = clock
        self.version = 0
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hour = dt.datetime.fromtimestamp(feed.clock()).hour
                if 10 <= hour < 12:
                    body, code = b'{"error": "maintenance"}', 500
                else:
                    items = [{"id": f"feed-{i}", "岗位": f"网络招聘{i}（第{feed.version}版）",
                              "单位": f"远程单位{i % 3}", "工资": f"{120 + i * 10}元/天",
                              "截止日期": "2099-12-31"} for i in range(4)]
                    body, code = json.dumps(items, ensure_ascii=False).encode(), 200
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jobs.json"
        threading.Thread(target=self.httpd.serve_forever, args=(0.1,), name="soak-feed",
                         daemon=True).start()

    def read(self) -> SourceResult:
        """What a feed poller would post: the listings, or ok=False when the feed is down."""
        key = "feed:soak"
        try:
            resp = requests.get(self.url, timeout=5)
            resp.raise_for_status()
            listings = []
            for i, item in enumerate(resp.json()):
                listing, _ = listing_from_mapping(item, Location(key, i + 1), f"feed-{i}")
                if listing is not None:
                    listings.append(listing)
            return SourceResult(key, tuple(listings))
        except (requests.RequestException, ValueError):
            return SourceResult(key, ok=False)


def write_config(path: Path, content: Path, size: tuple[int, int], theme: str) -> None:
    path.write_text(
        f"station: {{name: 乐至县零工爱心驿站, hotline: 028-2333 1234}}\n"
        f"content: {content}\n"
        f"display: {{fullscreen: false, size: [{size[0]}, {size[1]}]}}\n"
        f"pages: {{seconds: 12, transition: crossfade, transition_seconds: 0.8}}\n"
        f"theme: {theme}\n"
        f"status: {{port: 0}}\n"
        f"playlog: {{folder: plays, keep_days: 3, screen: soak}}\n", encoding="utf-8")


def rewrite(path: Path, n: int) -> None:
    """Change one listing file as staff would: a new pay and headcount."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [f"人数: {1 + n % 9}" if x.startswith("人数:") else x for x in lines]
    if not any(x.startswith("人数:") for x in lines):
        out.append(f"人数: {1 + n % 9}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


class Driver(threading.Thread):
    """Plays the week's events into the player, in simulated time."""

    def __init__(self, player: Player, clock: CompressedClock, work: Path, size, end: float,
                 feed: Feed, status: StatusServer, token: str | None):
        super().__init__(name="soak-driver", daemon=True)
        self.player, self.clock, self.work, self.size, self.end = player, clock, work, size, end
        self.feed, self.status = feed, status
        self.content = work / "jobs"
        self.config = work / "config.yaml"
        self.samples: list[dict] = []
        self.counts = {"reloads": 0, "rewrites": 0, "feed_ok": 0, "feed_failed": 0, "scrapes": 0,
                       "screenshots": 0, "config_reloads": 0, "sleeps": 0}
        self.proc = psutil.Process()
        self.failure: str | None = None

    def post_config(self, theme: str) -> None:
        write_config(self.config, self.content, self.size, theme)
        self.player.post(lifecycle.reload_job(self.config, lambda s: s))
        self.counts["config_reloads"] += 1

    def sample(self, now: float) -> None:
        base = f"http://127.0.0.1:{self.status.port}"
        m = requests.get(base + "/metrics", timeout=10)
        requests.get(base + "/status", timeout=10)
        self.counts["scrapes"] += 1
        if int(now // HOUR) % 6 == 0:
            shot = requests.get(base + "/screenshot.png", timeout=10)
            assert shot.status_code == 200 and shot.content[:4] == b"\x89PNG"
            self.counts["screenshots"] += 1
        assert m.status_code == 200
        time.sleep(0.05)  # let the request threads finish before counting threads
        self.samples.append({
            "sim_hours": round((now - self.clock.start) / HOUR, 2),
            "rss": self.proc.memory_info().rss,
            "fds": self.proc.num_fds(),
            "threads": self.proc.num_threads(),
            "frames": self.player.stats.frames,
            "objects": len(gc.get_objects()),  # Python objects alive: a leak shows here first
        })

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # report, and stop the loop: the run has failed
            self.failure = f"{type(exc).__name__}: {exc}"
            self.player.stop()

    def _run(self) -> None:
        files = sorted(p for p in self.content.iterdir() if p.suffix == ".yaml")
        due = {"reload": 0.0, "feed": 0.0, "hour": 0.0}
        asleep = None
        n = 0
        deadline = time.monotonic() + 60
        while not self.player.running and time.monotonic() < deadline:
            time.sleep(0.01)
        while self.player.running:
            now = self.clock()
            if now >= self.end:
                self.player.stop()
                return
            local = dt.datetime.fromtimestamp(now)
            sleeping = local.hour >= 23 or local.hour < 6
            if sleeping != asleep:
                asleep = sleeping
                if sleeping:
                    keys = tuple(self.player.store.keys())
                    self.player.post(Update(removed=keys))
                    self.counts["sleeps"] += 1
                else:
                    self.player.post(Update(tuple(folder.scan(self.content).values())))
            if now >= due["hour"]:
                due["hour"] = (now // HOUR + 1) * HOUR
                if local.hour in (6, 17):
                    self.post_config("night" if local.hour == 17 else "day")
                if not sleeping:
                    n += 1
                    rewrite(files[n % len(files)], n)
                    self.counts["rewrites"] += 1
                self.sample(now)
            if now >= due["reload"]:
                due["reload"] = now + 300
                if not sleeping:
                    path = files[(int(now // 300)) % len(files)]
                    self.player.post(Update((folder.load_file(path, self.content),)))
                    self.counts["reloads"] += 1
            if now >= due["feed"]:
                due["feed"] = now + 600
                if not sleeping:
                    result = self.feed.read()
                    self.counts["feed_ok" if result.ok else "feed_failed"] += 1
                    self.player.post(result)
            time.sleep(0.005)


def verdict(samples: list[dict], warm_hours: float) -> tuple[bool, dict]:
    """Compare the first whole day after warm-up with the last whole day.

    Whole days, because what is alive legitimately depends on the hour: the page cache
    holds day pages, night-market pages, or only the empty page in the sleep hours.
    """
    end = samples[-1]["sim_hours"]
    first = [s for s in samples if warm_hours <= s["sim_hours"] < warm_hours + 24]
    last = [s for s in samples if s["sim_hours"] > end - 24]

    def med(rows, key):
        return statistics.median(r[key] for r in rows)

    figures = {
        "rss_after_warmup_mb": med(first, "rss") / 2**20,
        "rss_end_mb": med(last, "rss") / 2**20,
        "rss_max_mb": max(s["rss"] for s in samples) / 2**20,
        "fds_after_warmup": max(r["fds"] for r in first), "fds_end": max(r["fds"] for r in last),
        "threads_after_warmup": max(r["threads"] for r in first),
        "threads_end": max(r["threads"] for r in last),
        "objects_after_warmup": med(first, "objects"), "objects_end": med(last, "objects"),
    }
    growth = med(last, "rss") - med(first, "rss")
    figures["rss_growth_mb"] = growth / 2**20
    ok = (growth <= MEMORY_LIMIT and figures["fds_end"] <= figures["fds_after_warmup"]
          and figures["threads_end"] <= figures["threads_after_warmup"])
    return ok, figures


def record(path: Path, text: str) -> None:
    """Write ``text`` as the "## Soak" section of ``path`` (other sections are kept)."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = old.splitlines()
    out, skipping = [], False
    for line in lines:
        if line.strip() == "## Soak":
            skipping = True
            continue
        if skipping and line.startswith("## "):
            skipping = False
        if not skipping:
            out.append(line)
    body = "\n".join(out).rstrip() + "\n\n" + text.rstrip() + "\n"
    path.write_text(body, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=7.0, help="simulated days (default 7)")
    ap.add_argument("--minutes", type=float, default=8.0, help="real minutes to take (default 8)")
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--warmup-hours", type=float, default=24.0)
    ap.add_argument("--record", type=Path, help="write the figures into this markdown file")
    ap.add_argument("--dynamic-malloc", action="store_true",
                    help="leave glibc's mmap threshold dynamic (what signage run turns off)")
    ap.add_argument("--samples", type=Path, help="write the hourly samples as JSON here")
    args = ap.parse_args(argv)
    size = tuple(int(v) for v in args.size.split("x"))
    work = Path(tempfile.mkdtemp(prefix="signage-soak-"))
    try:
        return soak(args, size, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def soak(args, size, work: Path) -> int:
    shutil.copytree(ROOT / "playlists" / "jobs", work / "jobs")
    config_path = work / "config.yaml"
    write_config(config_path, work / "jobs", size, "day")
    settings = config_mod.load(config_path)
    start = dt.datetime(2026, 11, 2, 5, 0).timestamp()  # a Monday, before opening
    rate = args.days * DAY / (args.minutes * 60)
    if not args.dynamic_malloc:
        runtime.fixed_mmap_threshold()  # as `signage run` does
    pygame.display.init()
    fonts = fonts_mod.load(settings.font, settings.lang)
    faults = Faults()
    faults.install_thread_hook()
    status = StatusServer(0).start()
    clock = CompressedClock(start, rate)
    player = Player(settings, fonts, clock=clock, status=status, faults=faults)
    runtime.attach(player, status)
    frames = FrameHistogram()
    player.observers.append(frames)
    player.load(folder.scan(work / "jobs").values())
    player.open_display()
    feed = Feed(clock)
    driver = Driver(player, clock, work, size, start + args.days * DAY, feed, status, None)
    t0 = time.monotonic()
    driver.start()
    player.run()
    real = time.monotonic() - t0
    driver.join(timeout=10)
    status.stop()
    feed.httpd.shutdown()
    pygame.quit()
    if driver.failure:
        print(f"soak: FAILED: the driver stopped: {driver.failure}")
        return 1
    ok, figures = verdict(driver.samples, args.warmup_hours)
    playlog_files = sorted(p.name for p in (work / "plays").glob("*.jsonl"))
    summary = {
        "simulated_days": args.days, "real_seconds": round(real, 1), "rate": round(rate),
        "size": f"{size[0]}x{size[1]}", "frames": frames.n,
        "frame_ms_median": round(frames.quantile(0.5) * 1000, 2),
        "frame_ms_p95": round(frames.quantile(0.95) * 1000, 2),
        "frame_ms_p99": round(frames.quantile(0.99) * 1000, 2),
        "frame_ms_worst": round(frames.worst * 1000, 1),
        "errors_caught": faults.total, "playlog_files_kept": playlog_files,
        **driver.counts, **{k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()},
        "passed": ok,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.record:
        record(args.record, soak_section(summary, driver.samples))
    if args.samples:
        args.samples.write_text(json.dumps(driver.samples, indent=1), encoding="utf-8")
    return 0 if ok else 1


def soak_section(s: dict, samples: list[dict]) -> str:
    daily = [x for x in samples if x["sim_hours"] % 24 == 0 or x is samples[-1]]
    rows = "\n".join(f"| {x['sim_hours'] / 24:.1f} | {x['rss'] / 2**20:.1f} | {x['objects']} | "
                     f"{x['fds']} | {x['threads']} | {x['frames']} |" for x in daily)
    return f"""## Soak

`python bench/soak.py --days {s['simulated_days']:g} --record docs/benchmarks.md`: the real
Player loop (SDL dummy driver, {s['size']}) under a clock running {s['rate']}x real time, with the
status server scraped every simulated hour (/metrics, /status; /screenshot.png every 6 h),
the play log written and pruned, day / night-market theme switches through the config reload
(SIGHUP) path, sleep hours 23:00-06:00 with no content, a drop-folder file re-read every
5 min and rewritten every hour, and a local HTTP feed polled every 10 min that is down
10:00-12:00 each day. Measured on {dt.date.today()} on this project's 2-core machine.

| figure | value |
| --- | --- |
| simulated / real time | {s['simulated_days']:g} days in {s['real_seconds']:.0f} s |
| frames drawn | {s['frames']} |
| frame time median / p95 / p99 / worst | {s['frame_ms_median']} / {s['frame_ms_p95']} / {s['frame_ms_p99']} / {s['frame_ms_worst']} ms |
| resident memory, day 2 (first after warm-up) / day {s['simulated_days']:g}, hourly medians | {s['rss_after_warmup_mb']:.1f} / {s['rss_end_mb']:.1f} MB |
| growth after warm-up (limit 5 MB) | {s['rss_growth_mb']:+.2f} MB |
| resident memory, highest sample | {s['rss_max_mb']:.1f} MB |
| Python objects alive, day 2 / day {s['simulated_days']:g} (medians) | {s['objects_after_warmup']:g} / {s['objects_end']:g} |
| open fds, day 2 / day {s['simulated_days']:g} (most) | {s['fds_after_warmup']} / {s['fds_end']} |
| threads, day 2 / day {s['simulated_days']:g} (most) | {s['threads_after_warmup']} / {s['threads_end']} |
| content reloads / file rewrites / config reloads | {s['reloads']} / {s['rewrites']} / {s['config_reloads']} |
| feed polls ok / failed | {s['feed_ok']} / {s['feed_failed']} |
| scrapes / screenshots | {s['scrapes']} / {s['screenshots']} |
| errors caught | {s['errors_caught']} |
| play log days kept (keep_days 3) | {', '.join(s['playlog_files_kept'])} |
| result | {'passed' if s['passed'] else 'FAILED'} |

Reading it:

- A 12 s page lasts {12 / s['rate'] * 1000:.1f} ms of real time here, about what one 1080p frame
  costs in the dummy driver, so the loop draws only some of the {int(s['simulated_days'] * DAY / 12)}
  page slots of the week (the schedule is wall-clock: a page that is due is drawn, the
  ones missed are skipped). Frame times include compositing, the clock, the crossfade
  (shorter than a frame at this speed) and competing with the scraper and the PNG encoding.
- Resident memory is mostly the page cache (48 MB budget: five 1080p pages of 8.3 MB) and
  the display surface; whole simulated days are compared, since what is alive depends on
  the hour (day pages, night-market pages, only the empty page in the sleep hours).
  Python objects, fds and threads are the early signs of a leak; they must stay flat.
- `signage run` (and this bench, unless `--dynamic-malloc`) fixes glibc's mmap threshold
  at 1 MB: by default glibc raises the threshold after a large block is freed, page
  surfaces then come from the heap, and resident memory steps up by whole pages and stays
  there. Two earlier runs of this bench without it (2026-11-29): one saw a single step of
  +12.6 MB on day 4 (142 MB to 154 MB, flat before and after, Python objects flat), the
  other sat at 154-155 MB from its first day (+0.5 MB over the week). With the fixed
  threshold the same week holds 108 MB, going up to 124 MB while extra pages are alive
  and back, for a few more page faults when a new page is drawn (frame p95 23 ms against
  20 ms; median 5.6 ms against 8.1 ms).
- Sleep hours and the night market are simulated here with content removal and a theme
  switch through the config reload, the feed with a local HTTP server and a small
  fetcher, because the programme's sleep slides and the feed poller were on other branches
  when this bench was written; after the merge it should drive those instead.

Per simulated day:

| day | RSS MB | Python objects | fds | threads | frames |
| --- | --- | --- | --- | --- | --- |
{rows}
"""


if __name__ == "__main__":
    sys.exit(main())
