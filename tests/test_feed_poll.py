"""The feed poller against a real HTTP server on 127.0.0.1 that misbehaves on demand.

Through every failure the listings shown (a ContentStore fed by the poller's
posts) stay the last good ones, and the disk cache keeps the last good copy.
"""

from __future__ import annotations

import json
import logging
import struct
import threading
import time
import zlib

import pytest
from drophelpers import eventually

from signage.core.model import Severity
from signage.core.settings import FeedSettings
from signage.core.store import ContentStore
from signage.sources.feed.cache import FeedCache
from signage.sources.feed.poller import FeedBoard, FeedPoller, backoff
from tests import feedserver as fs

TOKEN = "s3cret-token-XYZ"

GOOD = [
    {"岗位": "保洁员", "工资": "150元/天", "电话": "138 1234 5678", "编号": "a1"},
    {"title": "装卸工", "pay": "200-260元/天", "phone": "13987654321", "id": "a2", "结算": "日结"},
]
NEWER = GOOD + [{"title": "厨房帮工", "pay": "3000元/月", "phone": "13711112222", "id": "a3"}]


def body(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def png_bytes(w: int = 4, h: int = 4) -> bytes:
    """A tiny valid PNG, made by hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def server():
    with fs.FeedServer() as s:
        yield s


def make(server, tmp_path, path="/feed.json", store=None, **over):
    settings = dict(url=server.url(path), interval=0.1, connect_timeout=1.0, read_timeout=0.5,
                    deadline=1.5, max_bytes=1_000_000, max_redirects=3, retry_max=0.4,
                    token=TOKEN, max_stale=3600)
    settings.update(over)
    feed = FeedSettings(**settings)
    store = store if store is not None else ContentStore()
    poller = FeedPoller(feed, tmp_path / "cache", store.apply, FeedBoard())
    return poller, store


def ids(store) -> list[str]:
    return [x.id for x in store.snapshot.listings]


def test_good_answer_then_304_with_etag_and_last_modified(server, tmp_path):
    server.routes["/feed.json"] = fs.ok(body(GOOD), etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    poller, store = make(server, tmp_path)
    assert poller.poll_once() == "new"
    assert ids(store) == ["a1", "a2"]
    assert store.snapshot.listings[0].pay.text() == "150元/天"
    assert server.headers_of_last("/feed.json")["Authorization"] == f"Bearer {TOKEN}"
    version = store.snapshot.version

    assert poller.poll_once() == "not-modified"
    sent = server.headers_of_last("/feed.json")
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert store.snapshot.version == version  # a 304 costs nothing
    assert poller.state.failures == 0 and poller.state.last_success is not None

    server.routes["/feed.json"] = fs.ok(body(NEWER), etag='"v2"')
    assert poller.poll_once() == "new"
    assert ids(store) == ["a1", "a2", "a3"]
    assert FeedCache(tmp_path / "cache", server.url("/feed.json")).load().etag == '"v2"'


def test_last_modified_alone_gives_304(server, tmp_path):
    server.routes["/feed.json"] = fs.ok(body(GOOD), last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    poller, store = make(server, tmp_path)
    assert poller.poll_once() == "new"
    assert poller.poll_once() == "not-modified"


def test_gzip_answer(server, tmp_path):
    server.routes["/feed.json"] = fs.ok(body(GOOD), gzip=True)
    poller, store = make(server, tmp_path)
    assert poller.poll_once() == "new"
    assert ids(store) == ["a1", "a2"]
    assert "gzip" in server.headers_of_last("/feed.json")["Accept-Encoding"]


def misbehaviours(server):
    """(name, behaviour, expected words in the error) for every way a server can fail us."""
    good = body(GOOD)
    return [
        ("500", fs.status(500), "HTTP 500"),
        ("404", fs.status(404, b"not here"), "HTTP 404"),
        ("invalid json", fs.ok(b'[{"title": "broken"'), "not valid JSON"),
        ("truncated", fs.truncated(good[: len(good) // 2]), "cut off"),
        ("truncated whole", fs.truncated(good), "cut off"),
        ("wrong type", fs.ok(b'{"message": "maintenance"}'), "not a list"),
        ("all entries bad", fs.ok(b'[{"foo": 1}, {"bar": 2}]'), "none of the feed's entries"),
        ("JSON NaN", fs.ok(b'[{"title": "x", "pay": NaN, "phone": "13812345678"}]'), "not valid JSON"),
        ("JSON Infinity", fs.ok(b'{"listings": [{"pay": Infinity}]}'), "not valid JSON"),
        ("html error page", fs.ok(b"<html><body>502 Bad Gateway</body></html>", "text/html"),
         "no schema.org JobPosting"),
        ("100 MB declared", fs.endless(server, "/feed.json"), "larger than"),
        ("100 MB streamed", fs.endless(server, "/feed.json", declare_length=False), "larger than"),
        ("gzip bomb", fs.ok(b"[" + b" " * 20_000_000 + b"]", gzip=True), "larger than"),
        ("bad gzip", fs.raw_gzip_garbage(), "decompressed"),
        ("slow drip", fs.drip(server, every=0.2), "within 1.5 s"),
        ("dripped headers", fs.drip_headers(server, every=0.2), "within 1.5 s"),
        ("silence", fs.hang(server), "did not answer in time"),
        ("redirect loop", fs.redirect("/feed.json"), "more than 3 redirects"),
        ("redirect to a file", fs.redirect("file:///etc/passwd"), "not http or https"),
    ]


def test_misbehaving_server_never_replaces_good_data(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    server.routes["/feed.json"] = fs.ok(body(GOOD), etag='"v1"')
    # a byte every 0.2 s never trips a 0.8 s read timeout: only the 1.5 s deadline stops it
    poller, store = make(server, tmp_path, read_timeout=0.8)
    assert poller.poll_once() == "new"
    cache_file = FeedCache(tmp_path / "cache", server.url("/feed.json")).path
    good_bytes = cache_file.read_bytes()
    shown = store.snapshot.listings

    for name, behaviour, words in misbehaviours(server):
        server.routes["/feed.json"] = behaviour
        # a conditional request would let a well-behaved server answer 304: the bad ones don't
        assert poller.poll_once() == "error", name
        assert words in poller.state.last_error, (name, poller.state.last_error)
        assert store.snapshot.listings == shown, name
        assert cache_file.read_bytes() == good_bytes, name
        assert not [p for p in store.snapshot.problems if p.severity is Severity.ERROR], name

    assert poller.state.failures == len(misbehaviours(server))
    # the endless body was cut off long before its end, and never held whole
    assert server.bytes_sent["/feed.json"] < 50 * 1024 * 1024
    # a token is never logged, nor in the feeds' state
    assert TOKEN not in caplog.text
    assert TOKEN not in json.dumps(poller.board.section())

    # and when the server is well again, new content comes through
    server.routes["/feed.json"] = fs.ok(body(NEWER), etag='"v2"')
    assert poller.poll_once() == "new"
    assert ids(store) == ["a1", "a2", "a3"]
    assert poller.state.failures == 0


def test_server_down_from_the_start_shows_nothing_and_does_not_crash(tmp_path):
    feed = FeedSettings(url="http://127.0.0.1:9/feed.json", connect_timeout=0.5, read_timeout=0.5,
                        deadline=1.0)
    store = ContentStore()
    poller = FeedPoller(feed, tmp_path / "cache", store.apply)
    assert poller.load_cached() is None
    assert poller.poll_once() == "error"
    assert "could not connect" in poller.state.last_error
    assert store.snapshot.listings == ()


def test_stale_feed_warns_and_keeps_listings(server, tmp_path):
    server.routes["/feed.json"] = fs.ok(body(GOOD))
    poller, store = make(server, tmp_path, max_stale=0.0)
    poller.poll_once()
    assert not store.snapshot.problems
    server.routes["/feed.json"] = fs.status(503)
    poller.poll_once()
    assert ids(store) == ["a1", "a2"]
    warnings = [p for p in store.snapshot.problems if p.severity is Severity.WARNING]
    assert len(warnings) == 1 and "没有更新成功" in warnings[0].zh
    assert warnings[0].where.source == poller.key
    assert poller.board.section()["feeds"][poller.state.url]["stale"] is True
    server.routes["/feed.json"] = fs.ok(body(GOOD))
    poller.poll_once()
    assert not store.snapshot.problems


def test_status_section_redacts_and_reports_age(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    server.routes["/feed.json"] = fs.ok(body(GOOD))
    poller, store = make(server, tmp_path, path="/feed.json?page=1&access_token=abc123def")
    poller.poll_once()
    server.routes["/feed.json"] = fs.status(500)
    poller.poll_once()
    section = poller.board.section()["feeds"]
    (url, entry), = section.items()
    assert "abc123def" not in json.dumps(section) and "access_token=***" in url
    assert "abc123def" not in caplog.text and TOKEN not in caplog.text
    assert entry["listings"] == 2 and entry["last_error"].startswith("the server answered HTTP 500")
    assert entry["last_success"] and entry["data_age_seconds"] >= 0
    assert poller.key == "feed:" + url


def test_images_are_downloaded_checked_and_cached(server, tmp_path):
    server.routes["/img/ok.png"] = fs.ok(png_bytes(), "image/png")
    server.routes["/img/liar.png"] = fs.ok(b"<html>not an image</html>", "image/png")
    server.routes["/img/big.jpg"] = fs.ok(b"\xff\xd8\xff" + b"\0" * 200_000, "image/jpeg")
    listings = [
        {"title": "有图", "phone": "13812345678", "id": "p1", "image": "img/ok.png"},
        {"title": "假图", "phone": "13812345678", "id": "p2", "image": server.url("/img/liar.png")},
        {"title": "大图", "phone": "13812345678", "id": "p3", "image": "/img/big.jpg"},
        {"title": "本地文件", "phone": "13812345678", "id": "p4", "image": "file:///etc/passwd"},
    ]
    server.routes["/feed.json"] = fs.ok(body({"listings": listings}))
    poller, store = make(server, tmp_path, image_max_bytes=100_000)
    poller.poll_once()
    images = {x.id: x.image for x in store.snapshot.listings}
    assert images["p1"] and images["p1"].endswith(".png") and images["p1"].startswith(str(tmp_path))
    with open(images["p1"], "rb") as fh:
        assert fh.read() == png_bytes()
    assert images["p2"] is None and images["p3"] is None and images["p4"] is None
    fetched = [p for p, _ in server.requests]
    assert fetched.count("/img/ok.png") == 1
    poller.poll_once()  # already on disk: not fetched again; failures are not retried at once
    assert [p for p, _ in server.requests].count("/img/ok.png") == 1
    assert [p for p, _ in server.requests].count("/img/liar.png") == 1


def test_local_file_hides_and_overrides_feed_listings(server, tmp_path, drop):
    from signage.sources.folder import read as folder

    server.routes["/feed.json"] = fs.ok(body(NEWER))
    poller, store = make(server, tmp_path)
    drop("local.yaml", """
        - id: a1
          hide: true
        - 编号: a2
          岗位: 装卸工（本站核实）
          工资: 220元/天
          电话: 13987654321
    """)
    store.apply_many(folder.scan(drop.folder).values())
    poller.poll_once()
    shown = {x.id: x for x in store.snapshot.listings}
    assert set(shown) == {"a2", "a3"}
    assert shown["a2"].title == "装卸工（本站核实）"
    assert not store.snapshot.problems


def test_backoff_grows_with_jitter_and_resets():
    assert backoff(0, 300, 900, 0.5) == 300
    delays = [backoff(n, 300, 900, 1.0) for n in range(1, 10)]
    assert delays[:4] == [10, 20, 40, 80]
    assert max(delays) == 900
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))
    assert backoff(3, 300, 900, 0.0) == 20  # jitter: half fixed, half random
    assert backoff(1, 0.1, 0.4, 1.0) == pytest.approx(0.1)


def test_thread_backs_off_then_recovers_and_stops(server, tmp_path):
    server.routes["/feed.json"] = fs.status(500)
    poller, store = make(server, tmp_path)
    posts = []
    poller.post = lambda r: (posts.append(r), store.apply(r))
    poller.start()
    try:
        wait_for(lambda: poller.state.failures >= 3)
        server.routes["/feed.json"] = fs.ok(body(GOOD))
        wait_for(lambda: ids(store) == ["a1", "a2"])
        wait_for(lambda: poller.state.failures == 0)
    finally:
        t0 = time.monotonic()
        poller.stop()
        assert time.monotonic() - t0 < 5
    assert not poller._thread.is_alive()


def wait_for(cond, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_dripped_headers_end_at_the_deadline(server, tmp_path):
    """A server that dribbles its headers byte by byte used to hold the poller for many
    minutes despite ``deadline``: the deadline covers the whole exchange, headers included."""
    server.routes["/feed.json"] = fs.drip_headers(server, every=0.1)
    poller, _store = make(server, tmp_path, read_timeout=10.0)  # no read ever waits that long
    began = time.monotonic()
    assert poller.poll_once() == "error"
    took = time.monotonic() - began
    assert took < 1.5 + 2.0, took  # the 1.5 s deadline, and a margin for a busy machine
    assert "within 1.5 s" in poller.state.last_error


def test_a_poll_under_way_shows_on_status(server, tmp_path):
    """While a request is under way /status says since when; past its deadline it says stuck."""
    server.routes["/feed.json"] = fs.hang(server, seconds=2.0)
    poller, _store = make(server, tmp_path, read_timeout=5.0, deadline=30.0)
    t = threading.Thread(target=poller.poll_once, daemon=True)
    t.start()
    def feed() -> dict:
        return next(iter(poller.board.section()["feeds"].values()))

    eventually(lambda: feed()["polling_since"] is not None, timeout=3.0)
    assert feed()["stuck"] is False
    t.join(10)
    assert feed()["polling_since"] is None
    # a request that has run far past its deadline (the clock says so) is called stuck
    poller._set(polling_since=time.time() - 60)
    assert feed()["stuck"] is True
