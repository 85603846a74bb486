"""A week on the wall in a few minutes: the real player, sources and programme under a compressed clock.

    python bench/soak.py [--days 7] [--minutes 8] [--size 1920x1080] [--record]
    python bench/soak.py --quick --record    # 3 days in about 3.5 minutes

``--record`` rewrites this bench's section of docs/benchmarks.md from the run.

Everything `signage run` starts is started here the same way (SDL dummy driver):
the Player with the shipped playlists (day, night market 18:00-21:30 in the night
theme, sleep 22:00-07:00 black) chosen by the real schedule; the sources through
``content.initial_results`` and ``content.start_sources`` with a ``feeds:`` entry,
so the real FolderWatcher (inotify) and the real FeedPoller run in their threads;
the status server with /metrics and /screenshot.png; the play log; containment.
The Player's clock runs ``rate`` times faster than real time (7 days in 8 minutes:
1260x). Around it, in simulated time, every day:

- staff change the drop folder every 5 minutes from 07:30 to 21:30, taking turns:
  an edit in place, an editor's atomic save (temp file renamed over), a new file
  added or the last one removed, a file renamed; at 09:00 they break a file (a YAML
  syntax error: the screens keep its last good listings, the staff badge and
  _错误报告.txt say so) and fix it at 10:00; at 16:00 a new broken file, removed at 17:00;
- the county feed, a local HTTP server on 127.0.0.1 whose listings change every hour
  (ETag: unchanged polls get 304), answers HTTP 500 from 10:00 to 12:00, refuses
  connections (nothing listening) from 15:00 to 16:30 and sends a truncated body
  from 19:00 to 19:30;
- config.yaml is reloaded through the SIGHUP job at 12:00 (ticker on) and 13:00 (off).

The FeedPoller times its polls and back-off with the real monotonic clock and its
ages (max_stale, /status) with the real wall clock, not the Player's: the bench
gives it real-time settings scaled by the rate (interval = 10 simulated minutes,
retry_max = 30, max_stale = 60, all divided by the rate). The watcher's debounce
(0.12 s real = 2.5 simulated minutes at 1260x) is left as shipped.

It records, per simulated day, the minutes each playlist was on screen (with its
theme), the slide kinds shown, the feed's listings shown, feed failures and the
hours with the staff badge; and every simulated hour, resident memory, open file
descriptors, threads and Python objects; frame times go into a fixed histogram.
It exits 1 when, after the first simulated day (warm-up), memory grows more than
5 MB or fds or threads grow, when a whole day did not pass through sleep, night
market and day, when the product logged an error or contained a failure, or when
the watcher gave up native watching of this local folder (switched to polling).
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import ctypes.util
import datetime as dt
import gc
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402
import pygame  # noqa: E402
import requests  # noqa: E402
from benchlib import PinnedClock, record  # noqa: E402

from signage.app import config as config_mod  # noqa: E402
from signage.app import (  # noqa: E402
    content,
    lifecycle,
    wiring,  # noqa: E402
)
from signage.ops.web import WebServer  # noqa: E402
from signage.player.contain import Faults  # noqa: E402
from signage.player.hooks import Hooks  # noqa: E402
from signage.player.loop import Player  # noqa: E402
from signage.render import fonts as fonts_mod  # noqa: E402
from signage.sources.folder.read import REPORT_NAME  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MINUTE = 60.0
HOUR = 3600.0
DAY = 24 * HOUR
MEMORY_LIMIT = 5 * 1024 * 1024
SLEEP, NIGHT, DAYTIME = "休息", "零工夜市", "白天"  # the shipped playlists' names
BROKEN_TARGET = "蜀绣.yaml"  # the file staff break at 09:00 and fix at 10:00
STAFF_HOURS = (7.5, 21.5)


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def malloc_figures() -> dict:
    """glibc's own account: bytes in use and free in its heaps, and in mmap'd blocks ({} elsewhere).

    Tells a leak (in use grows) from fragmentation (free grows) when resident memory creeps.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        m = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    return {"heap_used": m.uordblks, "heap_free": m.fordblks, "mmapped": m.hblkhd}


def rss_parts() -> dict:
    """Resident memory split as the kernel counts it: anonymous (the heap, surfaces) and
    file-backed (mapped files: libraries, and the font file freetype maps and reads
    glyphs from; these pages are shared with the page cache and can be dropped)."""
    out = {}
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(("RssAnon:", "RssFile:")):
                    name, kb = line.split()[:2]
                    out["rss_anon" if name == "RssAnon:" else "rss_file"] = int(kb) * 1024
    except (OSError, ValueError):
        pass
    return out


def hour_of(t: float) -> float:
    local = dt.datetime.fromtimestamp(t)
    return local.hour + local.minute / 60 + local.second / 3600


class Histogram:
    """Frame times in 0.25 ms buckets up to 1 s: constant memory for a week of frames."""

    STEP = 0.00025

    def __init__(self):
        self.counts = [0] * 4001
        self.n = 0
        self.worst = 0.0

    def add(self, seconds: float) -> None:
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

    def ms(self, q: float) -> float:
        return round(self.quantile(q) * 1000, 2)


class FrameHistogram(Hooks):
    """A Player observer: every frame's time, and apart those that had to draw a page first.

    A page drawn on demand (content changed under the page on screen, or the next page was
    not prepared in time) costs a full render inside the frame; the others only composite.
    """

    def __init__(self, sampling: threading.Event):
        self.all, self.drew_page, self.composited = Histogram(), Histogram(), Histogram()
        self.during_sampling = Histogram()  # frames while the bench itself scrapes and counts
        self.sampling = sampling
        self._renders: tuple[int, int] | None = None  # (cache, its renders) after the last frame

    def loop_tick(self, player) -> None:
        self._renders = (id(player.screen.cache), player.screen.cache.renders)

    def frame_drawn(self, player, seconds: float) -> None:
        now = (id(player.screen.cache), player.screen.cache.renders)
        drew = self._renders is None or now[0] != self._renders[0] or now[1] > self._renders[1]
        self.all.add(seconds)
        if self.sampling.is_set():
            self.during_sampling.add(seconds)
        else:
            (self.drew_page if drew else self.composited).add(seconds)


class ProgrammeLog(Hooks):
    """What the loop had on screen, per simulated day (a Player observer, run on the loop thread).

    ``minutes[day][(playlist, theme)]`` (theme "black" for the sleep page) is weighted by simulated time between loop
    wake-ups; ``kinds`` and ``feed_listings`` count the slides as they appear;
    ``changes[day]`` lists (HH:MM, playlist) each time the playlist changed.
    """

    def __init__(self):
        self.minutes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.kinds: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.feed_listings: collections.Counter = collections.Counter()
        self.changes: dict[str, list] = collections.defaultdict(list)
        self._last: tuple[float, tuple[str, str]] | None = None
        self._playlist: str | None = None

    def loop_tick(self, player) -> None:
        now = player.clock.time()
        on = player.screen.on
        if self._last is not None:
            then, key = self._last
            day = dt.date.fromtimestamp(then).isoformat()
            self.minutes[day][key] += (now - then) / MINUTE
        if on is not None:
            look = "black" if on.slide.kind == "black" else on.slide.theme
            self._last = (now, (on.playlist, look))

    def slide_shown(self, _player, on, now: float, screen: int = 0) -> None:
        day = dt.date.fromtimestamp(now).isoformat()
        self.kinds[day][f"{on.playlist}:{on.slide.kind}"] += 1
        self.feed_listings[day] += sum(x.origin.source.startswith("feed:") for x in on.slide.listings)
        if on.playlist != self._playlist:
            self._playlist = on.playlist
            self.changes[day].append((f"{dt.datetime.fromtimestamp(now):%H:%M}", on.playlist))


class LogTally(logging.Handler):
    """Counts the product's warnings per simulated day; keeps every distinct error."""

    def __init__(self, clock: PinnedClock):
        super().__init__(logging.WARNING)
        self.clock = clock
        self.counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.errors: collections.Counter = collections.Counter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = record.getMessage()
        except Exception:
            msg = str(record.msg)
        day = dt.date.fromtimestamp(self.clock.time()).isoformat()
        if record.name.endswith("feed.poller"):
            kind = ("feed_http_500" if "HTTP 500" in msg else
                    "feed_refused" if "could not connect" in msg else "feed_other")
        elif record.name.endswith("watch"):
            kind = "watch_switched_to_polling" if "switching to polling" in msg else "watch_warning"
        else:
            kind = f"{record.name}:{record.levelname}"
        self.counts[day][kind] += 1
        if record.levelno >= logging.ERROR or record.exc_info:
            self.errors[f"{record.name}: {msg}"[:300]] += 1
            print(f"soak: ERROR logged at simulated {dt.datetime.fromtimestamp(self.clock.time()):%a %H:%M}: "
                  f"{record.name}: {msg}", file=sys.stderr)
            if record.exc_info:
                print(logging.Formatter().formatException(record.exc_info), file=sys.stderr)


class Feed:
    """The county feed on 127.0.0.1: listings change hourly; it fails at set hours (simulated)."""

    def __init__(self, clock: PinnedClock):
        self.clock = clock
        self.counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.port = 0
        self.httpd: HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.listen()
        self.url = f"http://127.0.0.1:{self.port}/lezhi/listings.json"

    def mode(self, t: float) -> str:
        h = hour_of(t)
        if 10 <= h < 12:
            return "http_500"
        if REFUSED_HOURS[0] <= h < REFUSED_HOURS[1]:
            return "refused"
        if 19 <= h < 19.5:
            return "truncated"
        return "ok"

    def body(self, t: float) -> tuple[str, bytes]:
        local = dt.datetime.fromtimestamp(t)
        version = f"{local:%m%d%H}"  # new listings every hour
        items = [{"id": f"county-{i}", "岗位": f"县人社局推荐岗位{i}（{local:%d日%H时}版）",
                  "单位": f"远程单位{i % 3}", "工资": f"{120 + i * 10}元/天", "结算方式": "日结",
                  "人数": 1 + (local.hour + i) % 5, "电话": "028-2333 1234",
                  "标签": ["夜市"] if i < 3 else ["县城"], "截止日期": "2099-12-31"} for i in range(6)]
        return f'"v{version}"', json.dumps(items, ensure_ascii=False).encode()

    def listen(self) -> None:
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                now = feed.clock.time()
                day = dt.date.fromtimestamp(now).isoformat()
                mode = feed.mode(now)
                etag, body = feed.body(now)
                if mode == "http_500":
                    code, body = 500, b'{"error": "maintenance"}'
                elif mode == "truncated":
                    code, body = 200, body[: len(body) // 2]
                elif self.headers.get("If-None-Match") == etag:
                    code, body = 304, b""
                else:
                    code = 200
                feed.counts[day][f"{code}" if mode != "truncated" else "200_truncated"] += 1
                self.send_response(code)
                if code != 304:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                if code == 200 and mode == "ok":
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        # One thread, no thread per request: the thread count the bench checks stays exact.
        self.httpd = HTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                        name="soak-feed", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop listening: connections are refused until ``listen``."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self._thread.join(5)
            self.httpd = None

    @property
    def listening(self) -> bool:
        return self.httpd is not None


def write_config(path: Path, work: Path, size: tuple[int, int], rate: float, ticker: bool,
                 feed_url: str) -> None:
    """The shipped config.yaml's settings, with this bench's folders, window and feed."""
    path.write_text(
        f"station: {{name: 乐至县零工爱心驿站, hotline: 028-2333 1234}}\n"
        f"content: {work / 'jobs'}\n"
        f"watch: auto\n"
        f"staff_badge: true\n"
        f"playlists: {work / 'playlists'}\n"
        f"ticker: {{enabled: {str(ticker).lower()}, speed: 120, source: listings}}\n"
        f"display: {{fullscreen: false, size: [{size[0]}, {size[1]}]}}\n"
        f"pages: {{cards_per_page: auto, seconds: 12, transition: crossfade, transition_seconds: 0.8}}\n"
        f"theme: day\n"
        f"status: {{port: 0}}\n"
        f"playlog: {{folder: {work / 'plays'}, keep_days: 3, screen: soak}}\n"
        f"cache_dir: {work / 'cache'}\n"
        f"feeds:\n"
        f"  - url: {feed_url}\n"
        f"    interval: {10 * MINUTE / rate:.4f}      # 10 simulated minutes, in real seconds\n"
        f"    retry_max: {30 * MINUTE / rate:.4f}     # 30 simulated minutes\n"
        f"    max_stale: {HOUR / rate:.4f}     # 1 simulated hour\n"
        f"    images: false\n", encoding="utf-8")


def set_field(text: str, names: tuple[str, ...], value) -> str:
    """``text`` (a listing file) with the field called any of ``names`` set to ``value``.

    The field's old line and its indented continuation (a list) go; the new line is
    written under the name the file used (Chinese or English).
    """
    out, skipping, used = [], False, names[0]
    for line in text.splitlines():
        key = line.split(":", 1)[0].strip()
        if not line.startswith((" ", "-")) and key in names:
            skipping, used = True, key
            continue
        if skipping and line.startswith((" ", "-")):
            continue
        skipping = False
        out.append(line)
    out.append(f"{used}: {value}")
    return "\n".join(out) + "\n"


class Staff:
    """Changes to the drop folder as staff make them, one every few simulated minutes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.bases = sorted(p.stem for p in folder.glob("*.yaml") if p.name != BROKEN_TARGET)
        self.renamed: set[str] = set()
        self.n = 0
        self.counts = collections.Counter()
        self._good = (folder / BROKEN_TARGET).read_text(encoding="utf-8")

    def path(self, base: str) -> Path:
        return self.folder / (f"{base}（新）.yaml" if base in self.renamed else f"{base}.yaml")

    def change(self) -> None:
        self.n += 1
        base = self.bases[self.n % len(self.bases)]
        path = self.path(base)
        kind = self.n % 4
        if kind == 0:  # edit in place: a new headcount
            text = set_field(path.read_text(encoding="utf-8"), ("人数", "headcount"), 1 + self.n % 9)
            path.write_text(text, encoding="utf-8")
            self.counts["edits"] += 1
        elif kind == 1:  # an editor's atomic save: write a hidden temp file, rename it over
            text = set_field(path.read_text(encoding="utf-8"), ("要求", "requirements"),
                             f"第{self.n}次修改，身体健康")
            tmp = self.folder / f".{path.name}.{self.n}.tmp"
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
            self.counts["atomic_saves"] += 1
        elif kind == 2:  # a new listing, or the last new one taken away
            extra = self.folder / f"临时工{self.n // 4 % 3}.yaml"
            if extra.exists():
                extra.unlink()
                self.counts["deletes"] += 1
            else:
                extra.write_text(f"岗位: 临时搬运工{self.n}\n单位: 乐至物流园\n工资: 160元/天\n"
                                 f"结算方式: 日结\n电话: 13912345678\n标签: [夜市]\n", encoding="utf-8")
                self.counts["new_files"] += 1
        else:  # rename (and back, next time round)
            self.renamed ^= {base}
            os.rename(path, self.path(base))
            self.counts["renames"] += 1

    def break_file(self) -> None:
        (self.folder / BROKEN_TARGET).write_text(self._good + "标签: [手工, 蜀绣\n", encoding="utf-8")
        self.counts["broken"] += 1

    def fix_file(self) -> None:
        (self.folder / BROKEN_TARGET).write_text(self._good, encoding="utf-8")

    def add_bad_file(self) -> None:
        (self.folder / "新岗位草稿.yaml").write_text(
            "岗位: 仓库理货员\n  单位: 乐至商贸\n工资: [\n", encoding="utf-8")
        self.counts["broken"] += 1

    def remove_bad_file(self) -> None:
        (self.folder / "新岗位草稿.yaml").unlink(missing_ok=True)


class Driver(threading.Thread):
    """Plays the week's events around the player, in simulated time; samples every hour."""

    def __init__(self, player: Player, clock: PinnedClock, work: Path, size, end: float,
                 feed: Feed, status: WebServer, rate: float):
        super().__init__(name="soak-driver", daemon=True)
        self.player, self.clock, self.work, self.size, self.end = player, clock, work, size, end
        self.feed, self.status, self.rate = feed, status, rate
        self.staff = Staff(work / "jobs")
        self.config = work / "config.yaml"
        self.samples: list[dict] = []
        self.counts = collections.Counter()
        # simulated minutes per day with the staff badge drawn, _错误报告.txt present, and the
        # feed's stale warning among the problems (looked at on every pass of the driver's loop)
        self.minutes_with: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.feed_stale_on_status = 0  # hourly /status answers with a feed marked stale
        self.proc = psutil.Process()
        self.failure: str | None = None
        self.sampling = threading.Event()  # set while sample() runs (its frames are counted apart)
        self.warm_hours: float | None = None  # with --tracemalloc: take a snapshot then, and at the end
        self.traces: list = []

    def post_config(self, ticker: bool) -> None:
        write_config(self.config, self.work, self.size, self.rate, ticker, self.feed.url)
        self.player.post(lifecycle.reload_job(self.config, lambda s: s))
        self.counts["config_reloads"] += 1

    def sample(self, now: float) -> None:
        self.sampling.set()
        try:
            self._sample(now)
        finally:
            self.sampling.clear()

    def _sample(self, now: float) -> None:
        base = f"http://127.0.0.1:{self.status.port}"
        m = requests.get(base + "/metrics", timeout=10)
        state = requests.get(base + "/status", timeout=10).json()
        self.counts["scrapes"] += 1
        if int(now // HOUR) % 6 == 0:
            shot = requests.get(base + "/screenshot.png", timeout=10)
            assert shot.status_code == 200 and shot.content[:4] == b"\x89PNG"
            self.counts["screenshots"] += 1
        assert m.status_code == 200
        if any(f.get("stale") for f in state.get("feeds", {}).values()):
            self.feed_stale_on_status += 1
        time.sleep(0.05)  # let the status server's request threads finish before counting threads
        self.samples.append({
            "sim_hours": round((now - self.clock.start) / HOUR, 2),
            "rss": self.proc.memory_info().rss,
            "fds": self.proc.num_fds(),
            "threads": self.proc.num_threads(),
            "frames": self.player.stats.frames,
            "objects": len(gc.get_objects()),  # Python objects alive: a leak shows here first
            "py_blocks": sys.getallocatedblocks(),  # also str, bytes, numbers (not in gc's list)
            **malloc_figures(),
            **rss_parts(),
        })
        if self.warm_hours is not None and (not self.traces and self.samples[-1]["sim_hours"] >= self.warm_hours
                                            or now >= self.end):
            gc.collect()
            self.traces.append(tracemalloc.take_snapshot())

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # report, and stop the loop: the run has failed
            self.failure = f"{type(exc).__name__}: {exc}"
            self.player.stop()

    def _run(self) -> None:
        deadline = time.monotonic() + 60
        while not self.player.running and time.monotonic() < deadline:
            time.sleep(0.01)
        last_hour = last_slot = None
        report = self.work / "jobs" / REPORT_NAME
        then = self.clock.time()
        while self.player.running:
            now = self.clock.time()
            seen = self.minutes_with[dt.date.fromtimestamp(then).isoformat()]
            elapsed, then = (now - then) / MINUTE, now
            if self.player.screen.drawn(self.player.screen.badge) is not None:  # what the room sees
                seen["badge"] += elapsed
            if report.exists():
                seen["report"] += elapsed
            if any(p.where.source.startswith("feed:") and "not been updated" in p.en
                   for p in self.player.store.snapshot.problems):
                seen["feed_stale"] += elapsed
            if now >= self.end:
                self.sample(now)
                self.player.stop()
                return
            h = hour_of(now)
            listen = self.feed.mode(now) != "refused"
            if listen != self.feed.listening:
                if listen:
                    self.feed.listen()
                else:
                    self.feed.close()
                self.counts["feed_outages_refused" if not listen else "feed_back"] += 1
            hour = int(now // HOUR)
            if hour != last_hour:
                last_hour = hour
                local = int(h)
                if local == 9:
                    self.staff.break_file()
                elif local == 10:
                    self.staff.fix_file()
                elif local == 16:
                    self.staff.add_bad_file()
                elif local == 17:
                    self.staff.remove_bad_file()
                if local in (12, 13):
                    self.post_config(ticker=local == 12)
                self.sample(now)
            slot = int(now // (5 * MINUTE))
            if slot != last_slot:
                last_slot = slot
                if STAFF_HOURS[0] <= h < STAFF_HOURS[1]:
                    self.staff.change()
            time.sleep(0.005)


REFUSED_HOURS = (15.0, 16.5)  # each day nothing listens on the feed's port: the poller holds no socket


def verdict(samples: list[dict], warm_hours: float) -> tuple[bool, dict]:
    """Compare the first whole day after warm-up with the last whole day.

    Memory is compared in the sleep hours (the samples from 00:00 to 06:00): then only
    the black page is on screen and nothing changes, so what is resident is what the
    process keeps. In the day resident memory legitimately moves by whole pages (8.3 MB
    at 1080p) with what the page cache and the transitions hold at the instant of the
    sample; whole-day medians are reported too, but two runs of the same week differed
    by a page in them. Fds and threads: the fewest seen in each whole day, since a leaked
    one stays open for good, while a poll or a scrape in flight adds one for a moment
    (the most per day moved between 16 and 19 in one run without any trend). The hours of the
    feed's refused outage are left out of the fds: its keep-alive socket is closed then, so
    a day whose hourly samples fell in the outage showed one fd fewer than a day whose did not
    (one run of three failed on that: 28 on day 2, 29 on day 7, the 28s only at 15:00 and 16:00).
    """
    end = samples[-1]["sim_hours"]
    first = [s for s in samples if warm_hours <= s["sim_hours"] < warm_hours + 24]
    last = [s for s in samples if s["sim_hours"] > end - 24]

    def asleep(rows):  # the run starts at midnight, so sim_hours % 24 is the local hour
        return [r for r in rows if r["sim_hours"] % 24 <= 6]

    def feed_up(rows):
        return [r for r in rows if not REFUSED_HOURS[0] <= r["sim_hours"] % 24 < REFUSED_HOURS[1]]

    def med(rows, key):
        return statistics.median(r[key] for r in rows)

    figures = {
        "rss_asleep_after_warmup_mb": med(asleep(first), "rss") / 2**20,
        "rss_asleep_end_mb": med(asleep(last), "rss") / 2**20,
        "rss_after_warmup_mb": med(first, "rss") / 2**20,
        "rss_end_mb": med(last, "rss") / 2**20,
        "rss_max_mb": max(s["rss"] for s in samples) / 2**20,
        "fds_after_warmup": min(r["fds"] for r in feed_up(first)), "fds_end": min(r["fds"] for r in feed_up(last)),
        "fds_most": max(r["fds"] for r in samples),
        "threads_after_warmup": min(r["threads"] for r in first),
        "threads_end": min(r["threads"] for r in last),
        "threads_most": max(r["threads"] for r in samples),
        "objects_after_warmup": med(first, "objects"), "objects_end": med(last, "objects"),
        "py_blocks_after_warmup": med(first, "py_blocks"), "py_blocks_end": med(last, "py_blocks"),
    }
    for key in ("heap_used", "heap_free", "mmapped", "rss_anon", "rss_file"):
        if key in samples[-1]:
            figures[f"{key}_after_warmup_mb"] = med(asleep(first), key) / 2**20
            figures[f"{key}_end_mb"] = med(asleep(last), key) / 2**20
    growth = med(asleep(last), "rss") - med(asleep(first), "rss")
    figures["rss_growth_mb"] = growth / 2**20
    ok = (growth <= MEMORY_LIMIT and figures["fds_end"] <= figures["fds_after_warmup"]
          and figures["threads_end"] <= figures["threads_after_warmup"])
    return ok, figures


def coverage(days: list[str], prog: ProgrammeLog) -> list[str]:
    """The whole days that did not pass through sleep (black), night market (night) and day (day)."""
    missing = []
    for day in days:
        mins = prog.minutes[day]
        kinds = prog.kinds[day]
        wants = {
            "sleep": mins[(SLEEP, "black")] > 0 and kinds[f"{SLEEP}:black"] > 0,
            "night market": mins[(NIGHT, "night")] > 0 and kinds[f"{NIGHT}:jobs"] > 0,
            "day": mins[(DAYTIME, "day")] > 0 and kinds[f"{DAYTIME}:jobs"] > 0,
        }
        missing += [f"{day}: {name}" for name, ok in wants.items() if not ok]
    return missing


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=7.0, help="simulated days (default 7)")
    ap.add_argument("--minutes", type=float, default=8.0, help="real minutes to take (default 8)")
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--warmup-hours", type=float, default=24.0)
    ap.add_argument("--quick", action="store_true",
                    help="3 simulated days at the week's rate (1260x): about 3.5 real minutes")
    ap.add_argument("--record", action="store_true",
                    help="rewrite the soak section of docs/benchmarks.md from this run")
    ap.add_argument("--dynamic-malloc", action="store_true",
                    help="leave glibc's mmap threshold dynamic (what signage run turns off)")
    ap.add_argument("--tracemalloc", type=int, default=0, metavar="N",
                    help="trace Python allocations (slower) and print the N source lines whose "
                         "memory grew most from the end of warm-up to the end")
    ap.add_argument("--log", type=Path, help="write the product's warnings and errors to this file")
    ap.add_argument("--samples", type=Path, help="write the hourly samples and daily tallies as JSON here")
    args = ap.parse_args(argv)
    if args.quick:
        args.days, args.minutes = 3.0, 3 * 8.0 / 7  # the default week's rate, fewer days
    size = tuple(int(v) for v in args.size.split("x"))
    work = Path(tempfile.mkdtemp(prefix="signage-soak-"))
    try:
        return soak(args, size, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def soak(args, size, work: Path) -> int:
    shutil.copytree(ROOT / "playlists" / "jobs", work / "jobs")
    (work / "playlists").mkdir()
    for name in ("day.yaml", "night-market.yaml", "sleep.yaml"):
        shutil.copy(ROOT / "playlists" / name, work / "playlists" / name)
    start = dt.datetime(2026, 11, 2, 0, 0).timestamp()  # a Monday, midnight: asleep
    rate = args.days * DAY / (args.minutes * 60)
    clock = PinnedClock(start, rate)
    tally = LogTally(clock)
    logging.getLogger().addHandler(tally)
    logging.getLogger().setLevel(logging.WARNING)
    if args.log:
        to_file = logging.FileHandler(args.log, encoding="utf-8")
        to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger().addHandler(to_file)
    feed = Feed(clock)
    config_path = work / "config.yaml"
    write_config(config_path, work, size, rate, False, feed.url)
    settings = config_mod.load(config_path)
    if not args.dynamic_malloc:
        wiring.fixed_mmap_threshold()  # as `signage run` does
    # From here on, as cli.cmd_run does it.
    pygame.display.init()
    fonts = fonts_mod.load(settings.font, settings.lang)
    faults = Faults()
    faults.install_thread_hook()
    status = WebServer(0).start()
    player = Player(settings, fonts, clock=clock, status=status, faults=faults)
    wiring.attach(player, status)
    prog = ProgrammeLog()
    player.observers.append(prog)
    player.load(content.initial_results(settings))
    stops = content.start_sources(settings, player.post)
    player.open_display()
    driver = Driver(player, clock, work, size, start + args.days * DAY, feed, status, rate)
    frames = FrameHistogram(driver.sampling)
    if args.tracemalloc:
        tracemalloc.start(3)
        driver.warm_hours = args.warmup_hours
    player.observers.append(frames)
    t0 = time.monotonic()
    driver.start()
    try:
        player.run()
    finally:
        real = time.monotonic() - t0
        late = lifecycle.stop_all(stops, faults=faults)
        driver.join(timeout=10)
        status.stop()
        feed.close()
        pygame.quit()
    if driver.failure:
        print(f"soak: FAILED: the driver stopped: {driver.failure}")
        return 1
    ok, figures = verdict(driver.samples, args.warmup_hours)
    days = [(dt.date.fromtimestamp(start) + dt.timedelta(days=i)).isoformat()
            for i in range(int(args.days))]
    missing = coverage(days, prog)
    playlog_files = sorted(p.name for p in (work / "plays").glob("*.jsonl"))
    feed_counts = sum(feed.counts.values(), collections.Counter())
    warnings = sum(tally.counts.values(), collections.Counter())
    summary = {
        "simulated_days": args.days, "real_seconds": round(real, 1), "rate": round(rate),
        "size": f"{size[0]}x{size[1]}", "frames": frames.all.n,
        "frame_ms_median": frames.all.ms(0.5), "frame_ms_p95": frames.all.ms(0.95),
        "frame_ms_p99": frames.all.ms(0.99), "frame_ms_worst": round(frames.all.worst * 1000, 1),
        "frames_drawing_a_page": frames.drew_page.n,
        "page_frame_ms_median_p99": [frames.drew_page.ms(0.5), frames.drew_page.ms(0.99)],
        "composite_frame_ms_median_p99": [frames.composited.ms(0.5), frames.composited.ms(0.99)],
        "frames_during_sampling": frames.during_sampling.n,
        "sampling_frame_ms_median_p99": [frames.during_sampling.ms(0.5), frames.during_sampling.ms(0.99)],
        "feed_stale_on_status": driver.feed_stale_on_status,
        "errors_caught": faults.total, "errors_logged": sum(tally.errors.values()),
        "stopped_late": late, "playlog_files_kept": playlog_files,
        **driver.counts, **dict(driver.staff.counts),
        "feed_answers": dict(feed_counts), "warnings": dict(warnings),
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()},
        "days_missing_a_playlist": missing,
    }
    ok = (ok and not missing and not faults.total and not tally.errors
          and not warnings["watch_switched_to_polling"])  # a local folder: inotify sees everything
    summary["passed"] = ok
    daily = {day: {
        "minutes": {f"{p}/{t}": round(m) for (p, t), m in sorted(prog.minutes[day].items())},
        "changes": prog.changes[day],
        "kinds": dict(sorted(prog.kinds[day].items())),
        "feed_listings_shown": prog.feed_listings[day],
        "feed": dict(feed.counts[day]),
        "warnings": dict(tally.counts[day]),
        **{f"{k}_minutes": round(driver.minutes_with[day][k]) for k in ("badge", "report", "feed_stale")},
    } for day in days}
    print(json.dumps({**summary, "daily": daily}, ensure_ascii=False, indent=1))
    for error, n in tally.errors.items():
        print(f"soak: logged {n}x: {error}")
    if len(driver.traces) == 2:
        print(f"soak: Python memory that grew most after warm-up (tracemalloc, {len(driver.traces)} snapshots):")
        for stat in driver.traces[1].compare_to(driver.traces[0], "traceback")[: args.tracemalloc]:
            print(f"  {stat.size_diff / 1024:+.1f} KiB {stat.count_diff:+d} blocks")
            for line in stat.traceback.format()[-6:]:
                print(f"    {line}")
    if args.record:
        record("soak", soak_section(summary, driver.samples, daily, args.quick))
    if args.samples:
        args.samples.write_text(json.dumps({"summary": summary, "samples": driver.samples, "daily": daily},
                                           ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if ok else 1


def soak_section(s: dict, samples: list[dict], daily: dict, quick: bool) -> str:
    """The soak's section of docs/benchmarks.md: every figure from this run."""
    per_day = [x for x in samples if x["sim_hours"] % 24 == 0 and x["sim_hours"] > 0]
    rows = "\n".join(f"| {x['sim_hours'] / 24:.0f} | {x['rss'] / 2**20:.1f} | "
                     f"{x.get('heap_used', 0) / 2**20:.1f} / {x.get('heap_free', 0) / 2**20:.1f} | "
                     f"{x['objects']} | {x['py_blocks']} | {x['fds']} | {x['threads']} | {x['frames']} |"
                     for x in per_day)
    prog_rows = []
    for day, d in daily.items():
        m = d["minutes"]
        kinds = sorted({k.split(":")[1] for k in d["kinds"]})
        changes = ", ".join(f"{t} {p}" for t, p in d["changes"])
        f = d["feed"]
        w = d["warnings"]
        prog_rows.append(
            f"| {day} | {m.get(f'{SLEEP}/black', 0)} / {m.get(f'{DAYTIME}/day', 0)} / "
            f"{m.get(f'{NIGHT}/night', 0)} | {changes} | {', '.join(kinds)} | {d['feed_listings_shown']} | "
            f"{f.get('200', 0)} / {f.get('304', 0)} / {f.get('500', 0)} / {w.get('feed_refused', 0)} / "
            f"{f.get('200_truncated', 0)} | {d['feed_stale_minutes']} | {d['badge_minutes']} / {d['report_minutes']} |")
    fa = s["feed_answers"]
    n = s["simulated_days"]
    w, h = (int(v) for v in s["size"].split("x"))
    badge = [d["badge_minutes"] / 60 for d in daily.values()]
    stale = [d["feed_stale_minutes"] / 60 for d in daily.values()]
    per_day = s["rss_growth_mb"] / max(1.0, n - 2)  # day 2 to the last day
    objects = (s["objects_end"] / s["objects_after_warmup"] - 1) * 100
    anon = s.get("rss_anon_end_mb", 0) - s.get("rss_anon_after_warmup_mb", 0)
    filed = s.get("rss_file_end_mb", 0) - s.get("rss_file_after_warmup_mb", 0)
    heap = s.get("heap_used_end_mb", 0) - s.get("heap_used_after_warmup_mb", 0)
    mapped = s.get("mmapped_end_mb", 0) - s.get("mmapped_after_warmup_mb", 0)
    command = "--quick" if quick else f"--days {n:g} --minutes {s['real_seconds'] / 60:.0f}"
    return f"""`python bench/soak.py {command} --record`: the real
Player loop (SDL dummy driver, {s['size']}) under a clock running {s['rate']}x real time, started
as `signage run` starts it: the shipped playlists (`day.yaml`, `night-market.yaml`,
`sleep.yaml`) through the real schedule, `content.initial_results` and
`content.start_sources` with a `feeds:` entry (so the real FolderWatcher, inotify, and the
real FeedPoller run in their own threads), the status server with /metrics and
/screenshot.png, the play log, containment. No GPU, SDL dummy video driver.

How the simulation maps onto the real features (simulated local time, every day):

| feature | what the bench does | real code exercised |
| --- | --- | --- |
| programme | the Player's clock is compressed; nothing is posted to fake it | `playlist.load_dir`, `schedule.programmed` (sleep 22:00-07:00 black, night market 18:00-21:30 night theme, day otherwise), `Player.on_screen` caching to `next_change` |
| drop folder | every 5 min 07:30-21:30: edit in place, atomic save (hidden temp file renamed over), a file added / removed, a file renamed; 09:00 a file broken (YAML error), fixed 10:00; 16:00 a new broken file, removed 17:00 | `FolderWatcher` (native observer, debounce, `_错误报告.txt`), keep-last-good in the store, staff badge |
| feed | a local HTTP server on 127.0.0.1, listings new every hour (ETag, so repeat polls get 304); HTTP 500 10:00-12:00, connection refused (nothing listening) 15:00-16:30, a truncated body 19:00-19:30 | `FeedPoller` (conditional GET, back-off, last good copy, disk cache, stale warning), `FeedBoard` on /status |
| config | reloaded through the SIGHUP job at 12:00 (ticker on) and 13:00 (ticker off) | `lifecycle.reload_job`, `Player.apply_settings` |
| operations | /metrics and /status every hour, /screenshot.png every 6 h; play log kept 3 days | `wiring.attach`, `PlayLog`, `Screenshots` |

The FeedPoller paces itself with the real clocks (monotonic for its interval and back-off,
wall clock for `max_stale` and the ages on /status), not the Player's: the bench gives it
real-time settings scaled by the rate: interval {10 * MINUTE / s['rate']:.3f} s (10 simulated
minutes), retry_max {30 * MINUTE / s['rate']:.3f} s (30 min), max_stale {HOUR / s['rate']:.2f} s
(1 h). The watcher's debounce (0.12 s real) is {0.12 * s['rate'] / 60:.1f} simulated minutes,
shorter than the 5 minutes between changes.

| figure | value |
| --- | --- |
| simulated / real time | {s['simulated_days']:g} days in {s['real_seconds']:.0f} s |
| frames drawn | {s['frames']} |
| frame time median / p95 / p99 / worst | {s['frame_ms_median']} / {s['frame_ms_p95']} / {s['frame_ms_p99']} / {s['frame_ms_worst']} ms |
| frames that drew a page first: count, median / p99 | {s['frames_drawing_a_page']}, {s['page_frame_ms_median_p99'][0]} / {s['page_frame_ms_median_p99'][1]} ms |
| frames that only composited: median / p99 | {s['composite_frame_ms_median_p99'][0]} / {s['composite_frame_ms_median_p99'][1]} ms |
| frames while the bench sampled (scrapes, gc.get_objects): count, median / p99 | {s['frames_during_sampling']}, {s['sampling_frame_ms_median_p99'][0]} / {s['sampling_frame_ms_median_p99'][1]} ms |
| resident memory asleep (00:00-06:00), day 2 (first after warm-up) / day {s['simulated_days']:g}, medians | {s['rss_asleep_after_warmup_mb']:.1f} / {s['rss_asleep_end_mb']:.1f} MB |
| growth after warm-up, asleep (limit 5 MB) | {s['rss_growth_mb']:+.2f} MB |
| resident memory, whole day 2 / day {s['simulated_days']:g}, hourly medians | {s['rss_after_warmup_mb']:.1f} / {s['rss_end_mb']:.1f} MB |
| resident memory, highest sample | {s['rss_max_mb']:.1f} MB |
| Python objects alive, day 2 / day {s['simulated_days']:g} (medians) | {s['objects_after_warmup']:g} / {s['objects_end']:g} |
| Python memory blocks (`sys.getallocatedblocks`), day 2 / day {s['simulated_days']:g} (medians) | {s['py_blocks_after_warmup']:g} / {s['py_blocks_end']:g} |
| asleep, day 2 / day {s['simulated_days']:g}: resident anonymous / file-backed | {s.get('rss_anon_after_warmup_mb', 0):.1f} / {s.get('rss_file_after_warmup_mb', 0):.1f} MB, {s.get('rss_anon_end_mb', 0):.1f} / {s.get('rss_file_end_mb', 0):.1f} MB |
| asleep, day 2 / day {s['simulated_days']:g}: glibc heap in use / free / mmap'd | {s.get('heap_used_after_warmup_mb', 0):.1f} / {s.get('heap_free_after_warmup_mb', 0):.1f} / {s.get('mmapped_after_warmup_mb', 0):.1f} MB, {s.get('heap_used_end_mb', 0):.1f} / {s.get('heap_free_end_mb', 0):.1f} / {s.get('mmapped_end_mb', 0):.1f} MB |
| open fds, day 2 / day {s['simulated_days']:g} (fewest, outside the feed's refused outage); most in any sample | {s['fds_after_warmup']} / {s['fds_end']}; {s['fds_most']} |
| threads, day 2 / day {s['simulated_days']:g} (fewest); most in any sample | {s['threads_after_warmup']} / {s['threads_end']}; {s['threads_most']} |
| drop folder: edits / atomic saves / new files / removals / renames / broken files | {s.get('edits', 0)} / {s.get('atomic_saves', 0)} / {s.get('new_files', 0)} / {s.get('deletes', 0)} / {s.get('renames', 0)} / {s.get('broken', 0)} |
| feed answers: 200 / 304 / 500 / truncated; refused outages | {fa.get('200', 0)} / {fa.get('304', 0)} / {fa.get('500', 0)} / {fa.get('200_truncated', 0)}; {s.get('feed_outages_refused', 0)} |
| config reloads / scrapes / screenshots | {s.get('config_reloads', 0)} / {s.get('scrapes', 0)} / {s.get('screenshots', 0)} |
| errors caught (containment) / exceptions logged | {s['errors_caught']} / {s['errors_logged']} |
| days that missed sleep, night market or day | {len(s['days_missing_a_playlist'])} |
| watcher switched to polling (a local folder: never) | {s['warnings'].get('watch_switched_to_polling', 0)} |
| play log days kept (keep_days 3) | {', '.join(s['playlog_files_kept'])} |
| result | {'passed' if s['passed'] else 'FAILED'} |

What was on screen, per simulated day. Minutes are simulated: on screen, weighted by the
time between loop wake-ups; "feed stale", "badge" and "report": minutes with the feed's
stale warning among the content's problems, the staff badge drawn, and `_错误报告.txt` in
the drop folder. "Changes": when the playlist on screen changed. Feed polls: 200 / 304 /
500 / refused / truncated. Feed listings: appearances of the feed's listings on slides.

| day | minutes sleep / day / night market | changes | slide kinds | feed listings | feed polls | feed stale | badge / report |
| --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(prog_rows)}

Reading it (every figure here from this run):

- The changes column shows when the playlist on screen changed; the shipped files change
  it at 07:00, 18:00, 21:30 and 22:00. The sleep page is one OnScreen from 22:00 to
  midnight and one from midnight to 07:00 (`next_change` is bounded by the schedule's
  next edge and by midnight), with the same start, so it is announced (play log,
  metrics) once a night.
- Staff badge: {min(badge):.1f}-{max(badge):.1f} hours a day (the bench breaks a file for
  two hours a day); the feed's stale warning: {min(stale):.1f}-{max(stale):.1f} hours a day,
  from an hour into each outage (`max_stale`) until the next good poll.
- A 12 s page lasts {12 / s['rate'] * 1000:.1f} ms of real time here, so pages are often
  due before the loop prepared them ahead and are drawn inside a frame: the "drew a page
  first" line is the cost of a render, which at normal speed happens ahead in idle time.
  Frames that only composite (the clock, the crossfade, the ticker at lunch, the badge)
  take {s['composite_frame_ms_median_p99'][0]} ms at the median, {s['composite_frame_ms_median_p99'][1]} ms
  at the p99; frames taken while the bench sampled (its `gc.get_objects`, scrapes, PNG
  encoding in other threads) are counted apart.
- Memory is compared asleep (00:00-06:00), when only the black page is up and nothing
  changes; in the day it moves by whole pages ({w * h * 4 / 2**20:.1f} MB at {s['size']}) with what
  the page cache and the transition hold when the sample is taken. Asleep, from day 2 to
  day {n:g}: {s['rss_growth_mb']:+.2f} MB ({per_day:+.2f} MB a day); anonymous {anon:+.1f} MB,
  file-backed {filed:+.1f} MB; glibc's heap in use {heap:+.1f} MB, its mmap'd blocks (page
  surfaces) {mapped:+.1f} MB. `--tracemalloc N` lists the Python allocations that grew most.
- Python objects alive, day 2 to day {n:g}: {objects:+.1f} %. "Python blocks" (all small
  allocations) include the bench's own records. Fds and threads are compared by their
  daily floor: a poll or a scrape in flight adds one for a moment.
- `signage run` (and this bench, unless `--dynamic-malloc`) fixes glibc's mmap threshold
  at 1 MB: by default glibc raises the threshold after a large block is freed, page
  surfaces then come from the heap, and resident memory steps up by whole pages and stays.
- The bench fails if the watcher switches this local folder to polling (its safety rescan
  once took a rename seen a moment before its inotify event for a missed event).

Per simulated day (samples at midnight):

| day | RSS MB | heap in use / free MB | Python objects | Python blocks | fds | threads | frames |
| --- | --- | --- | --- | --- | --- | --- | --- |
{rows}
"""


if __name__ == "__main__":
    sys.exit(main())
