"""Feed timings (not tests): start-up to cached listings on /status, parse speed, and what a
misbehaving server costs a poll (a body dripped a byte at a time; a 100 MB body).

Run: .venv/bin/python bench/feed_bench.py [--record]   (``--record`` rewrites this bench's
section of docs/benchmarks.md from the run). The misbehaving server is the feed tests' own
(tests/feedserver.py), on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchlib import machine_line, record  # noqa: E402

from signage.core.settings import FeedSettings  # noqa: E402
from signage.core.store import ContentStore  # noqa: E402
from signage.sources.feed import parse as feed  # noqa: E402
from signage.sources.feed.cache import Cached, FeedCache  # noqa: E402
from signage.sources.feed.poller import FeedBoard, FeedPoller  # noqa: E402
from tests import feedserver as fs  # noqa: E402

DEADLINE = 1.5  # seconds for a whole request (as in the feed tests; config.yaml default: 60)
MAX_BYTES = 5_000_000  # the config.yaml default


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def startup_once(n_listings: int = 200) -> float:
    """Seconds from spawning ``signage run`` (feed server down) to /status showing the cache."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "jobs").mkdir()
        url = f"http://127.0.0.1:{free_port()}/feed.json"
        port = free_port()
        (tmp / "config.yaml").write_text(
            f"content: jobs\nstatus: {{port: {port}}}\ncache_dir: cache\n"
            f"feeds:\n  - url: {url}\n    connect_timeout: 0.5\n", encoding="utf-8")
        listings = [{"id": f"b{i}", "岗位": f"岗位{i}", "工资": "150元/天", "电话": "13812345678"}
                    for i in range(n_listings)]
        FeedCache(tmp / "cache", url).save(Cached(json.dumps(listings, ensure_ascii=False).encode()))
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
               "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        t0 = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "signage", "--config", str(tmp / "config.yaml"),
                                 "run", "--windowed", "--size", "1280x720", "--seconds", "5"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while time.monotonic() - t0 < 20:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=1) as r:
                        state = json.loads(r.read())
                    if state.get("listings_loaded") == n_listings:
                        return time.monotonic() - t0
                except OSError:
                    pass
                time.sleep(0.01)
            raise RuntimeError("no listings on /status")
        finally:
            proc.kill()
            proc.wait()


def parse_speed(n: int = 1000) -> float:
    postings = [{"@type": "JobPosting", "title": f"岗位{i}", "identifier": str(i),
                 "hiringOrganization": {"@type": "Organization", "name": "单位"},
                 "baseSalary": {"@type": "MonetaryAmount", "currency": "CNY",
                                "value": {"@type": "QuantitativeValue", "minValue": 3000,
                                          "maxValue": 4500, "unitText": "MONTH"}},
                 "applicationContact": {"telephone": "13812345678"}} for i in range(n)]
    body = json.dumps({"@context": "https://schema.org", "@graph": postings}, ensure_ascii=False).encode()
    t0 = time.perf_counter()
    result = feed.parse(body, "feed:bench")
    assert len(result.listings) == n
    return time.perf_counter() - t0


def misbehaving(kind: str) -> tuple[float, float, str]:
    """One poll of a server that drips (``drip``) or sends 100 MB (``endless``): seconds until
    the poll gave up, peak Python memory during it (MB), and the error it reported."""
    with fs.FeedServer() as server, tempfile.TemporaryDirectory() as tmp:
        behaviour = (fs.drip(server, every=0.2) if kind == "drip"
                     else fs.endless(server, "/feed.json", declare_length=False))
        server.routes["/feed.json"] = behaviour
        settings = FeedSettings(url=server.url("/feed.json"), connect_timeout=1.0, read_timeout=0.8,
                                deadline=DEADLINE, max_bytes=MAX_BYTES, retry_max=0.4, max_stale=3600)
        poller = FeedPoller(settings, Path(tmp) / "cache", ContentStore().apply, FeedBoard())
        tracemalloc.start()
        t0 = time.perf_counter()
        outcome = poller.poll_once()
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert outcome == "error", outcome
        return seconds, peak / 1e6, poller.state.last_error


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true",
                        help="rewrite the feed section of docs/benchmarks.md from this run")
    args = parser.parse_args()
    print(f"machine: {machine_line()}")
    runs = [startup_once() for _ in range(5)]
    print(f"spawn -> 200 cached feed listings on /status: median {statistics.median(runs):.2f} s "
          f"(runs: {', '.join(f'{r:.2f}' for r in runs)})")
    parses = [parse_speed() for _ in range(5)]
    print(f"parse 1000 JobPostings (@graph): median {statistics.median(parses) * 1000:.0f} ms of 5")
    drips = [misbehaving("drip") for _ in range(3)]
    print(f"a byte every 0.2 s: poll ended after median {statistics.median(d[0] for d in drips):.2f} s "
          f"of 3 (deadline {DEADLINE} s): {drips[0][2]}")
    big = misbehaving("endless")
    print(f"100 MB body, no length: poll ended after {big[0]:.2f} s, peak Python memory {big[1]:.1f} MB "
          f"(cap {MAX_BYTES / 1e6:.1f} MB): {big[2]}")
    if args.record:
        rows = [
            ("`signage run` started with the feed server down, to its 200 cached listings on /status: "
             "median of 5", f"{statistics.median(runs):.2f} s"),
            ("parsing 1,000 schema.org JobPostings in one `@graph`: median of 5",
             f"{statistics.median(parses) * 1000:.0f} ms"),
            (f"a body dripped a byte every 0.2 s (reads never time out), deadline {DEADLINE} s: "
             "poll given up after, median of 3", f"{statistics.median(d[0] for d in drips):.2f} s"),
            (f"a 100 MB body without a length, cap {MAX_BYTES / 1e6:.0f} MB: poll given up after; "
             "peak Python memory during the poll (tracemalloc)", f"{big[0]:.2f} s; {big[1]:.1f} MB"),
        ]
        record("feed_bench", "`.venv/bin/python bench/feed_bench.py --record`; the servers on "
               "127.0.0.1.\n\n| what | result |\n|---|---|\n"
               + "\n".join(f"| {a} | {b} |" for a, b in rows))


if __name__ == "__main__":
    main()
