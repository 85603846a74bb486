"""The feed's disk copy: checksummed, atomic, and intact after kill -9 in the middle of a write."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from signage.parse.images import image_kind
from signage.sources.feed.cache import Cached, FeedCache, ImageCache, remove_leftovers

URL = "https://jobs.example.cn/feed.json?token=abc"


def test_round_trip_and_file_name_reveals_nothing(tmp_path):
    cache = FeedCache(tmp_path, URL)
    cache.save(Cached(b'[{"title": "x"}]', '"e1"', "Wed, 01 Jan 2025 00:00:00 GMT", "application/json", 5.0))
    got = cache.load()
    assert got == Cached(b'[{"title": "x"}]', '"e1"', "Wed, 01 Jan 2025 00:00:00 GMT", "application/json", 5.0)
    assert "abc" not in cache.path.name and "example" not in cache.path.name
    assert [p.name for p in tmp_path.iterdir()] == [cache.path.name]  # no temporary file left


def test_missing_and_corrupt_copies_are_ignored_with_a_log_line(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    cache = FeedCache(tmp_path, URL)
    assert cache.load() is None
    assert "no cached copy" in caplog.text
    cache.save(Cached(b"[1, 2, 3]" * 100))
    good = cache.path.read_bytes()
    corruptions = {
        "flipped byte": good[:-5] + bytes([good[-5] ^ 1]) + good[-4:],
        "cut short": good[: len(good) // 2],
        "empty": b"",
        "garbage header": b"\x00\x01garbage\n" + good,
        "no newline": b"x" * 100,
        "wrong format": good.replace(b'"format": 1', b'"format": 9'),
    }
    for name, data in corruptions.items():
        caplog.clear()
        cache.path.write_bytes(data)
        assert cache.load() is None, name
        assert "ignored" in caplog.text, name


def test_image_kinds_by_magic_bytes(tmp_path):
    assert image_kind(b"\x89PNG\r\n\x1a\n....") == "PNG"
    assert image_kind(b"\xff\xd8\xff\xe0....") == "JPEG"
    assert image_kind(b"GIF89a") is None and image_kind(b"<svg") is None
    images = ImageCache(tmp_path)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02rest"
    path = images.save("http://x/a.png", png)
    assert path.endswith(".png")
    assert images.local("http://x/a.png") == path and images.local("http://x/b.png") is None
    with pytest.raises(ValueError, match="not a PNG or JPEG"):
        images.save("http://x/c.png", b"<html>not an image</html>")


WRITER = textwrap.dedent("""
    import sys
    from signage.sources.feed.cache import Cached, FeedCache
    cache = FeedCache(sys.argv[1], "http://127.0.0.1/feed")
    bodies = [bytes([65 + i]) * (3 * 1024 * 1024 + i) for i in range(2)]
    n = 0
    print("ready", flush=True)
    if sys.argv[2:] == ["pause"]:
        import os, time
        cache.save(Cached(bodies[0], etag="0"))
        def fsync_then_wait(fd):
            os.fdatasync(fd)
            print("in the middle", flush=True)
            time.sleep(60)
        os.fsync = fsync_then_wait
    while True:
        cache.save(Cached(bodies[n % 2], etag=str(n % 2)))
        n += 1
""")


def test_kill_9_while_writing_leaves_old_or_new_copy(tmp_path):
    folder = tmp_path / "cache"
    cache = FeedCache(folder, "http://127.0.0.1/feed")
    bodies = {str(i): bytes([65 + i]) * (3 * 1024 * 1024 + i) for i in range(2)}
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    seen = set()
    for attempt in range(6):
        proc = subprocess.Popen([sys.executable, str(script), str(folder)], stdout=subprocess.PIPE,
                                env=env)
        assert proc.stdout.readline().strip() == b"ready"
        # let it write a few copies, then kill it at some point of a write
        deadline = time.monotonic() + 10
        while not cache.path.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05 + 0.037 * attempt)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        got = cache.load()
        assert got is not None, f"attempt {attempt}: the copy is corrupt"
        assert got.body == bodies[got.etag]
        seen.add(got.etag)
    # and one kill that surely lands mid-write: after the new bytes, before the rename
    proc = subprocess.Popen([sys.executable, str(script), str(folder), "pause"], stdout=subprocess.PIPE,
                            env=env)
    assert proc.stdout.readline().strip() == b"ready"
    assert proc.stdout.readline().strip() == b"in the middle"
    before = cache.load()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert cache.load() == before and before is not None
    # the leftovers of killed writers are temporary files only, cleaned up later
    leftovers = [p for p in folder.iterdir() if p != cache.path]
    assert seen
    assert all(p.name.startswith(".") and p.name.endswith(".tmp") for p in leftovers)
    remove_leftovers(cache.path, older_than=-1)
    assert list(folder.iterdir()) == [cache.path]


def test_images_no_feed_names_any_more_are_deleted_after_a_month(tmp_path):
    images = ImageCache(tmp_path)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02rest"
    kept = images.save("http://x/kept.png", png)
    stale = images.save("http://x/stale.png", png)
    month_ago = time.time() - 31 * 86400
    for path in (kept, stale):
        os.utime(path, (month_ago, month_ago))
    images.keep(["http://x/kept.png", "http://x/never-downloaded.png"])  # still named by a feed
    assert images.prune(30 * 86400) == 1
    assert images.local("http://x/kept.png") == kept
    assert images.local("http://x/stale.png") is None
