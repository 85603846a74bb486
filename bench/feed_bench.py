"""Feed timings (not tests): start-up to cached listings on /status, and parse speed.

Run: SDL_VIDEODRIVER=dummy python bench/feed_bench.py
"""

from __future__ import annotations

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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from signage.sources.feed import parse as feed  # noqa: E402
from signage.sources.feed.cache import Cached, FeedCache  # noqa: E402


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


if __name__ == "__main__":
    runs = [startup_once() for _ in range(5)]
    print(f"spawn -> cached feed listings on /status: median {statistics.median(runs):.2f} s "
          f"(runs: {', '.join(f'{r:.2f}' for r in runs)})")
    parses = [parse_speed() for _ in range(5)]
    print(f"parse 1000 JobPostings ({'@graph'}): median {statistics.median(parses) * 1000:.0f} ms")
