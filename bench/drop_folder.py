"""Drop-folder benchmarks: reload latency, initial load at scale, one change among many.

    python bench/drop_folder.py            # everything (about a minute)
    python bench/drop_folder.py --writes 10 --sizes 1000

Prints a Markdown table; ``--record`` rewrites this bench's section of docs/benchmarks.md
from the run.

1. Reload latency: a real Player (SDL dummy video driver, 1920x1080, no transition)
   and the real FolderWatcher; a listing file is rewritten N times and the time from
   just before the write to the end of the frame that first shows the new title is
   measured (median, p95, max). Native observer, then polling.
2. Initial load of 1,000 and 10,000 listings: ``folder.scan`` plus one
   ``ContentStore.apply_many``; as one file per listing, as files of 100 listings,
   and as one Excel sheet.
   The same with 10,000 other listings in the folder, to the loop iteration that has it
   (the changed listing is seldom on the page shown).
3. One changed file among 10,000 listings: ``folder.load_file`` of the file plus
   ``ContentStore.apply_many`` of its result (median of 30), and the same change
   end to end through the watcher (write -> store updated).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402
import pygame  # noqa: E402
from benchlib import PinnedClock, machine_line, record  # noqa: E402

from signage.app import config  # noqa: E402
from signage.core.settings import FontSettings  # noqa: E402
from signage.core.store import ContentStore  # noqa: E402
from signage.player.loop import Player, Update  # noqa: E402
from signage.render import fonts as fonts_mod  # noqa: E402
from signage.sources.folder import read as folder  # noqa: E402
from signage.sources.folder.watch import FolderWatcher  # noqa: E402

TITLES = ["厨房帮工", "物流装卸工", "快递分拣员", "超市销售员", "保洁员", "餐厅服务员", "柑橘采摘工"]


def listing_text(i: int, title: str | None = None) -> str:
    return (f"岗位: {title or TITLES[i % len(TITLES)] + str(i)}\n单位: 乐至县第{i}号单位\n"
            f"工资: {100 + i % 200}元/天\n结算方式: 日结\n地点: 乐至县城北物流园 {i % 40} 号仓\n"
            f"工作时间: 7:00-17:00\n人数: {1 + i % 20}\n要求: 男女不限，18-55 岁\n"
            f"联系人: 孙队长\n电话: 138{i:08d}\n截止日期: 2027-06-30\n")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def ms(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x >= 0.01 else f"{x * 1000:.1f} ms"


# ------------------------------------------------------------------ 1. latency


class _TimedPlayer(Player):
    """Notes when a frame first shows the title being waited for."""

    waiting_for: str | None = None
    shown_at: float = 0.0
    seen = threading.Event()
    in_store_is_enough = False  # with thousands of listings the changed one is rarely on screen

    def frame(self) -> float:
        wait = super().frame()
        title = self.waiting_for
        where = self.store.snapshot.listings if self.in_store_is_enough else \
            (self.screen.shown.listings if self.screens and self.screen.shown is not None else ())
        if title and any(x.title == title for x in where):
            self.shown_at = time.perf_counter()
            self.waiting_for = None
            self.seen.set()
        return wait


def reload_latency(mode: str, writes: int, fonts, others: int = 0) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if others:
            (root / "bulk").mkdir()
            make_yaml_folder(root / "bulk", others, 1)
        target = root / "测量.yaml"
        target.write_text(listing_text(0, "开始"), encoding="utf-8")
        settings = config.from_dict({"playlists": None}, root).replace(
            fullscreen=False, size=(1920, 1080), transition="none", page_seconds=600,
            content_dir=root, watch=mode)
        player = _TimedPlayer(settings, fonts, clock=PinnedClock())  # the same page whatever the hour
        player.seen = threading.Event()
        player.in_store_is_enough = others > 0
        since = time.time()
        initial = folder.read_all(root)
        player.load(initial.values())
        watcher = FolderWatcher(root, player.post, mode, initial=initial, since=since).start()
        watcher.ready.wait(10)
        player.open_display()
        latencies: list[float] = []

        def writer() -> None:
            time.sleep(0.5)
            for i in range(writes):
                title = f"测量岗位{i}"
                player.seen.clear()
                player.waiting_for = title
                t0 = time.perf_counter()
                target.write_text(listing_text(i, title), encoding="utf-8")
                if player.seen.wait(10):
                    latencies.append(player.shown_at - t0)
                time.sleep(random.uniform(0.15, 0.4))
            player.running = False

        thread = threading.Thread(target=writer)
        thread.start()
        player.run(max_seconds=writes * 12 + 10)
        thread.join()
        watcher.stop()
        pygame.display.quit()
        pygame.display.init()
        return latencies


# ------------------------------------------------------------------ 2. load


def make_yaml_folder(root: Path, n: int, per_file: int) -> None:
    for f in range(0, n, per_file):
        if per_file == 1:
            text = listing_text(f)
        else:
            text = "".join("- " + listing_text(i).replace("\n", "\n  ").rstrip() + "\n"
                           for i in range(f, min(n, f + per_file)))
        (root / f"jobs{f:06d}.yaml").write_text(text, encoding="utf-8")


def make_xlsx(root: Path, n: int) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["岗位", "单位", "工资", "结算方式", "地点", "工作时间", "人数", "要求", "联系人", "电话", "截止日期"])
    for i in range(n):
        ws.append([TITLES[i % len(TITLES)] + str(i), f"乐至县第{i}号单位", f"{100 + i % 200}元/天", "日结",
                   f"乐至县城北物流园 {i % 40} 号仓", "7:00-17:00", 1 + i % 20, "男女不限，18-55 岁",
                   "孙队长", 13800000000 + i, "2027-06-30"])
    wb.save(root / "jobs.xlsx")


def initial_load(root: Path) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    results = folder.scan(root)
    t1 = time.perf_counter()
    store = ContentStore()
    snap = store.apply_many(results.values())
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(snap.listings)


# ------------------------------------------------------------------ 3. one change among many


def one_change(root: Path, repeats: int = 30) -> list[float]:
    store = ContentStore()
    store.apply_many(folder.scan(root).values())
    files = sorted(root.glob("*.yaml"))
    path = files[len(files) // 2]
    times = []
    for i in range(repeats):
        path.write_text(listing_text(5000, f"改动{i}"), encoding="utf-8")
        t0 = time.perf_counter()
        result = folder.load_file(path, root)
        snap = store.apply_many([result])
        times.append(time.perf_counter() - t0)
        assert any(x.title == f"改动{i}" for x in snap.listings)
    return times


def one_change_through_watcher(root: Path, n: int, repeats: int = 20) -> list[float]:
    store = ContentStore()
    initial = folder.read_all(root)
    store.apply_many(initial.values())
    done = threading.Event()
    want: list[str] = []
    applied_at = [0.0]

    def post(update: Update) -> None:
        snap = store.apply_many(update.results, update.removed)
        if want and any(x.title == want[0] for r in update.results for x in r.listings):
            applied_at[0] = time.perf_counter()
            assert len(snap.listings) == n
            done.set()

    watcher = FolderWatcher(root, post, "native", initial=initial, since=time.time() - 3600,
                            write_report=False).start()
    watcher.ready.wait(30)
    files = sorted(root.glob("*.yaml"))
    path = files[len(files) // 3]
    times = []
    for i in range(repeats):
        done.clear()
        want[:] = [f"监视改动{i}"]
        t0 = time.perf_counter()
        path.write_text(listing_text(4000, want[0]), encoding="utf-8")
        if done.wait(10):
            times.append(applied_at[0] - t0)
        time.sleep(0.2)
    watcher.stop()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=30)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000])
    parser.add_argument("--record", action="store_true",
                        help="rewrite the drop-folder section of docs/benchmarks.md from this run")
    args = parser.parse_args()
    pygame.display.init()
    pygame.freetype.init()
    fonts = fonts_mod.load(FontSettings(), "zh-cn")
    rows: list[tuple[str, str, str]] = []

    for mode, writes in (("native", args.writes), ("poll", max(5, args.writes // 3))):
        say(f"reload latency, {mode}")
        lat = reload_latency(mode, writes, fonts)
        target = "p95 <= 300 ms" if mode == "native" else "(poll interval 1 s + settle 0.4 s)"
        rows.append((f"reload latency, write -> frame, {mode} observer ({len(lat)}/{writes} writes)",
                     f"median {ms(statistics.median(lat))}, p95 {ms(pct(lat, 95))}, max {ms(max(lat))}",
                     target))

    for n in args.sizes:
        for per_file, label in ((1, "one file per listing"), (100, "100 listings per YAML file")):
            say(f"initial load {n} {label}")
            with tempfile.TemporaryDirectory() as tmp:
                make_yaml_folder(Path(tmp), n, per_file)
                scan, apply, count = initial_load(Path(tmp))
                assert count == n, count
                rows.append((f"initial load, {n:,} listings, {label}",
                             f"{ms(scan + apply)} (read {ms(scan)}, store {ms(apply)})",
                             "<= 2 s" if n == 10_000 else ""))
        say(f"initial load {n} xlsx")
        with tempfile.TemporaryDirectory() as tmp:
            make_xlsx(Path(tmp), n)
            scan, apply, count = initial_load(Path(tmp))
            assert count == n, count
            rows.append((f"initial load, {n:,} listings, one .xlsx sheet",
                         f"{ms(scan + apply)} (read {ms(scan)}, store {ms(apply)})",
                         "<= 2 s" if n == 10_000 else ""))

    n = max(args.sizes)
    say(f"reload latency with {n} listings")
    lat = reload_latency("native", args.writes, fonts, others=n)
    rows.append((f"reload latency with {n:,} other listings, write -> player loop has it, native "
                 f"({len(lat)}/{args.writes} writes)",
                 f"median {ms(statistics.median(lat))}, p95 {ms(pct(lat, 95))}, max {ms(max(lat))}",
                 "p95 <= 300 ms"))
    with tempfile.TemporaryDirectory() as tmp:
        make_yaml_folder(Path(tmp), n, 1)
        say("one change")
        times = one_change(Path(tmp))
        rows.append((f"one changed file among {n:,} listings: parse + store apply",
                     f"median {ms(statistics.median(times))}, p95 {ms(pct(times, 95))}", "<= 50 ms"))
        times = one_change_through_watcher(Path(tmp), n)
        rows.append((f"one changed file among {n:,} listings: write -> store updated, via the watcher",
                     f"median {ms(statistics.median(times))}, p95 {ms(pct(times, 95))}",
                     "(includes the 120 ms quiet period)"))

    table = "| measurement | result | target |\n|---|---|---|\n" + "\n".join(
        "| " + " | ".join(row) + " |" for row in rows)
    print(f"\nmachine: {machine_line()}; SDL video driver {os.environ.get('SDL_VIDEODRIVER')}\n")
    print(table)
    if args.record:
        import yaml

        libyaml = "with libyaml" if getattr(yaml, "CSafeLoader", None) else "without libyaml"
        record("drop_folder", f"`python bench/drop_folder.py --writes {args.writes} --sizes "
               f"{' '.join(map(str, args.sizes))} --record`: SDL's dummy video driver, a temp folder "
               f"on {filesystem(tempfile.gettempdir())}, PyYAML {libyaml}.\n\n{table}")
    return 0


def filesystem(path: str) -> str:
    """The type of the filesystem ``path`` is on (from /proc/mounts), e.g. ext4, overlay, tmpfs."""
    best = ("", "?")
    try:
        with open("/proc/mounts", encoding="utf-8") as f:
            for line in f:
                mount, kind = line.split()[1:3]
                if path.startswith(mount) and len(mount) > len(best[0]):
                    best = (mount, kind)
    except OSError:
        pass
    return best[1]


if __name__ == "__main__":
    raise SystemExit(main())
