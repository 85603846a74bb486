"""A whole player (``signage run`` in a subprocess) with a feed: cached listings from the first frame."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from signage.sources.feed.cache import Cached, FeedCache
from tests import feedserver as fs

TOKEN = "player-secret-token"
CACHED = [
    {"id": "c1", "岗位": "保洁员", "工资": "150元/天", "电话": "13812345678"},
    {"id": "c2", "岗位": "装卸工", "工资": "200元/天", "电话": "13987654321"},
]
FRESH = CACHED + [{"id": "c3", "岗位": "厨房帮工", "工资": "3000元/月", "电话": "13711112222"}]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_player(tmp_path, config_file, feed_url: str, seconds: float):
    status_port = free_port()
    cfg = config_file(f"""
        feeds:
          - url: {feed_url}
            interval: 0.3
            token: {TOKEN}
            connect_timeout: 0.5
            read_timeout: 0.5
            deadline: 1
            retry_max: 0.5
            max_stale: 3600
        cache_dir: cache
    """, port=status_port)
    FeedCache(tmp_path / "cache", feed_url).save(
        Cached(json.dumps(CACHED, ensure_ascii=False).encode(), '"old"', None, "application/json"))
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
           "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "signage", "--config", str(cfg), "-v", "run", "--windowed",
         "--size", "640x360", "--seconds", str(seconds)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    return proc, f"http://127.0.0.1:{status_port}/status"


def statuses(url: str, proc, until):
    """Every /status answer (once the loop publishes) until ``until(state)`` or the player ends."""
    seen = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                text = resp.read().decode()
        except OSError:
            time.sleep(0.05)
            continue
        state = json.loads(text)
        if "starting" not in state:
            seen.append((state, text))
            if until(state):
                break
        time.sleep(0.05)
    return seen


@pytest.mark.parametrize("server_up", [False, True])
def test_player_shows_cached_feed_listings_from_the_first_frame(tmp_path, config_file, server_up):
    with fs.FeedServer() as server:
        if server_up:
            server.routes["/feed.json"] = fs.ok(json.dumps(FRESH, ensure_ascii=False).encode(), etag='"new"')
            url = server.url("/feed.json")
        else:
            url = f"http://127.0.0.1:{free_port()}/feed.json"  # nobody listens there
        proc, status_url = run_player(tmp_path, config_file, url, seconds=6)
        try:
            want = 3 if server_up else 2

            def done(state):
                feeds = state.get("feeds", {})
                return state["listings_loaded"] == want and feeds and (
                    next(iter(feeds.values()))["last_error" if not server_up else "last_success"])

            seen = statuses(status_url, proc, done)
        finally:
            proc.kill()
            out = proc.communicate()[0].decode(errors="replace")
    assert seen, out
    first, _ = seen[0]
    assert first["listings_loaded"] >= 2, out  # the cached copy, before the network answered
    last, text = seen[-1]
    assert last["listings_loaded"] == want, (last, out)
    (entry,) = last["feeds"].values()
    assert entry["listings"] == want
    if server_up:
        assert entry["data_from"] == "network" and entry["last_success"]
        assert server.headers_of_last("/feed.json")["If-None-Match"] == '"old"'
    else:
        assert entry["data_from"] == "cache" and "could not connect" in entry["last_error"]
        assert entry["data_age_seconds"] is not None
    assert TOKEN not in text and TOKEN not in out
