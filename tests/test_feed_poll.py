"""The feed poller's policy, over a scripted fetcher (tests/fakefetch.py) and a fake clock.

Through every failure the listings shown (a ContentStore fed by the poller's posts) stay the
last good ones, and the disk cache keeps the last good copy; a 304 confirms them; back-off,
staleness, the cache and redaction follow the poller's rules. No socket and no waiting: the
real fetcher is tested against a real HTTP server in test_feed_fetch.py, and the two together
at the end of this file.
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
from signage.sources.feed.cache import Cached, FeedCache
from signage.sources.feed.poller import (
    IMAGE_RETRY_SECONDS,
    STUCK_MARGIN,
    FeedBoard,
    FeedPoller,
    backoff,
)
from tests import fakefetch as ff
from tests import feedserver as fs

TOKEN = "s3cret-token-XYZ"
URL = "http://127.0.0.1:8000/feed.json"
MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT"
T0 = 1_750_000_000.0  # 2025-06-15, a plain Unix time for the fake clock

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


class Clock:
    """Wall-clock seconds that move only when a test says so."""

    def __init__(self, now: float = T0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def feed_settings(url: str, **over) -> FeedSettings:
    settings = dict(url=url, interval=300.0, connect_timeout=1.0, read_timeout=0.5, deadline=1.5,
                    max_bytes=1_000_000, max_redirects=3, retry_max=900.0, token=TOKEN,
                    max_stale=3600.0)
    settings.update(over)
    return FeedSettings(**settings)


def fake_poller(tmp_path, answer=None, url: str = URL, store=None, clock=None, rand=lambda: 1.0,
                **over):
    """A poller over a FakeFetcher that answers ``answer`` at ``url``: (poller, store, fake, clock)."""
    clock = clock or Clock()
    fake = ff.FakeFetcher({url: answer} if answer is not None else {})
    store = store if store is not None else ContentStore()
    poller = FeedPoller(feed_settings(url, **over), tmp_path / "cache", store.apply,
                        FeedBoard(clock), clock=clock, rand=rand, fetcher=fake)
    return poller, store, fake, clock


def ids(store) -> list[str]:
    return [x.id for x in store.snapshot.listings]


def status_of(poller) -> dict:
    (entry,) = poller.board.section()["feeds"].values()
    return entry


# ------------------------------------------------------------------ answers and 304s


def test_a_good_answer_then_conditional_requests_and_a_304_keeps_the_feed_fresh(tmp_path):
    poller, store, fake, clock = fake_poller(tmp_path, ff.ok(body(GOOD), etag='"v1"',
                                                             last_modified=MODIFIED))
    assert poller.poll_once() == "new"
    assert ids(store) == ["a1", "a2"]
    assert store.snapshot.listings[0].pay.text() == "150元/天"
    assert fake.calls[0] == ff.Call(URL, None, None, 1_000_000)  # nothing to compare with yet
    version = store.snapshot.version

    clock.now += 1000
    assert poller.poll_once() == "not-modified"
    assert (fake.calls[1].etag, fake.calls[1].last_modified) == ('"v1"', MODIFIED)
    assert store.snapshot.version == version  # a 304 costs nothing
    # ...and is good news: the listings are current as of now (signage_feed_age_seconds)
    assert poller.state.data_time == poller.state.last_success == clock.now
    assert status_of(poller)["data_age_seconds"] == 0.0 and poller.state.failures == 0

    fake.answers[URL] = ff.ok(body(NEWER), etag='"v2"')
    assert poller.poll_once() == "new"
    assert ids(store) == ["a1", "a2", "a3"]
    assert FeedCache(tmp_path / "cache", URL).load().etag == '"v2"'
    assert poller.poll_once() == "not-modified" and fake.calls[-1].last_modified is None


def test_a_304_to_a_request_that_was_not_conditional_is_an_error(tmp_path):
    poller, store, fake, _ = fake_poller(tmp_path, ff.not_modified())
    assert poller.poll_once() == "error"
    assert "nothing is cached" in poller.state.last_error
    assert store.snapshot.listings == ()


def bad_answers():
    """(name, answer, expected words in the error): bodies that do not parse, and failures."""
    return [
        ("invalid json", ff.ok(b'[{"title": "broken"'), "not valid JSON"),
        ("wrong type", ff.ok(b'{"message": "maintenance"}'), "not a list"),
        ("all entries bad", ff.ok(b'[{"foo": 1}, {"bar": 2}]'), "none of the feed's entries"),
        ("JSON NaN", ff.ok(b'[{"title": "x", "pay": NaN, "phone": "13812345678"}]'), "not valid JSON"),
        ("JSON Infinity", ff.ok(b'{"listings": [{"pay": Infinity}]}'), "not valid JSON"),
        ("html error page", ff.ok(b"<html><body>502 Bad Gateway</body></html>",
                                  content_type="text/html"), "no schema.org JobPosting"),
        ("too large", ff.ok(b"[" + b" " * 1_000_000 + b"]"), "larger than 1000000 bytes"),
        ("500", ff.fails(), "HTTP 500"),
        ("timeout", ff.times_out(1.5), "within 1.5 s"),
        ("surprise", lambda call: RuntimeError("boom"), "unexpected error (RuntimeError)"),
    ]


def test_answers_that_fail_never_replace_good_data_nor_the_cached_copy(tmp_path):
    poller, store, fake, clock = fake_poller(tmp_path, ff.ok(body(GOOD), etag='"v1"'))
    assert poller.poll_once() == "new"
    cache_file = FeedCache(tmp_path / "cache", URL).path
    good_bytes = cache_file.read_bytes()
    shown = store.snapshot.listings

    for n, (name, answer, words) in enumerate(bad_answers(), start=1):
        fake.answers[URL] = answer
        clock.now += 10
        assert poller.poll_once() == "error", name
        assert words in poller.state.last_error, (name, poller.state.last_error)
        assert poller.state.last_error_at == clock.now and poller.state.failures == n, name
        assert store.snapshot.listings == shown, name
        assert cache_file.read_bytes() == good_bytes, name
        assert not [p for p in store.snapshot.problems if p.severity is Severity.ERROR], name
    assert poller.state.data_time == T0  # still the time of the last good answer

    fake.answers[URL] = ff.ok(body(NEWER), etag='"v2"')
    assert poller.poll_once() == "new"
    assert ids(store) == ["a1", "a2", "a3"]
    assert poller.state.failures == 0


# ------------------------------------------------------------------ back-off and staleness


def test_backoff_grows_with_jitter_and_resets():
    assert backoff(0, 300, 900, 0.5) == 300
    delays = [backoff(n, 300, 900, 1.0) for n in range(1, 10)]
    assert delays[:4] == [10, 20, 40, 80]
    assert max(delays) == 900
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))
    assert backoff(3, 300, 900, 0.0) == 20  # jitter: half fixed, half random
    assert backoff(1, 0.1, 0.4, 1.0) == pytest.approx(0.1)


def test_the_poller_backs_off_while_its_feed_fails_and_returns_to_the_interval(tmp_path):
    answers = [ff.fails(), ff.times_out(), ff.fails(), ff.ok(body(GOOD)), ff.fails()]
    poller, _store, _fake, _ = fake_poller(tmp_path, answers, rand=lambda: 0.5)
    delays = [poller.next_delay()]
    for _ in range(5):
        poller.poll_once()
        delays.append(poller.next_delay())
    # equal jitter at 0.5: three quarters of 10, 20, 40 s; the interval after an answer
    assert delays == [300.0, 7.5, 15.0, 30.0, 300.0, 7.5]


def test_a_feed_failing_longer_than_max_stale_warns_and_keeps_its_listings(tmp_path):
    poller, store, fake, clock = fake_poller(tmp_path, ff.ok(body(GOOD), etag='"v1"'), max_stale=60)
    poller.poll_once()
    fake.answers[URL] = ff.fails("the server answered HTTP 503 Service Unavailable")
    clock.now += 30
    poller.poll_once()
    assert not store.snapshot.problems and status_of(poller)["stale"] is False
    clock.now += 40  # 70 s since the last good answer
    poller.poll_once()
    assert ids(store) == ["a1", "a2"]
    (warning,) = [p for p in store.snapshot.problems if p.severity is Severity.WARNING]
    assert "没有更新成功" in warning.zh and "has not been updated" in warning.en
    assert warning.where.source == poller.key
    assert status_of(poller)["stale"] is True and status_of(poller)["failures_in_a_row"] == 2

    fake.answers[URL] = ff.ok(body(GOOD), etag='"v1"')  # the server is back and unchanged: 304
    clock.now += 10
    assert poller.poll_once() == "not-modified"
    assert not store.snapshot.problems
    assert status_of(poller)["stale"] is False and status_of(poller)["data_age_seconds"] == 0.0


def test_a_feed_that_never_answered_warns_once_max_stale_has_passed_since_start(tmp_path):
    poller, store, _fake, clock = fake_poller(tmp_path, ff.fails(), max_stale=60)
    poller.poll_once()
    assert not store.snapshot.problems
    clock.now += 61
    poller.poll_once()
    assert store.snapshot.listings == ()
    assert [p.severity for p in store.snapshot.problems] == [Severity.WARNING]


# ------------------------------------------------------------------ the disk cache


def test_the_cached_copy_is_shown_at_start_kept_while_the_feed_fails_and_confirmed_by_a_304(tmp_path):
    first, _store, _fake, _ = fake_poller(tmp_path, ff.ok(body(GOOD), etag='"v1"'))
    assert first.poll_once() == "new"  # saves the copy

    poller, store, fake, _ = fake_poller(tmp_path, ff.fails())
    result = poller.load_cached()
    store.apply(result)
    assert [x.id for x in result.listings] == ["a1", "a2"]
    assert status_of(poller)["data_from"] == "cache"
    assert poller.poll_once() == "error"
    assert ids(store) == ["a1", "a2"]

    fake.answers[URL] = ff.ok(body(GOOD), etag='"v1"')
    assert poller.poll_once() == "not-modified"  # the cached copy's ETag went with the request
    assert fake.calls[-1].etag == '"v1"'
    assert ids(store) == ["a1", "a2"] and poller.state.failures == 0


def test_a_cached_copy_that_no_longer_parses_is_ignored(tmp_path):
    FeedCache(tmp_path / "cache", URL).save(Cached(b"[{", '"v0"', None, "application/json", T0))
    poller, _store, fake, _ = fake_poller(tmp_path, ff.ok(body(GOOD), etag='"v0"'))
    assert poller.load_cached() is None
    assert poller.poll_once() == "new"  # not asked as "unchanged since v0"
    assert fake.calls[0].etag is None


# ------------------------------------------------------------------ secrets


def test_secrets_never_reach_a_message_a_log_line_or_status(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    url = "http://staff:pa55word@127.0.0.1:8000/feed.json?page=1&access_token=abc123def"
    secrets = [TOKEN, "pa55word", "abc123def", "key-789"]
    # a failure that repeats what it was given, secrets and all
    poller, store, fake, _ = fake_poller(
        tmp_path, ff.fails(f"could not reach {url} (Bearer {TOKEN}, X-Api-Key key-789)"), url=url,
        headers={"X-Api-Key": "key-789"})
    assert poller.poll_once() == "error"
    message = poller.state.last_error
    assert "could not reach" in message and "***" in message
    seen = json.dumps(poller.board.section(), ensure_ascii=False) + caplog.text + message
    assert [s for s in secrets if s in seen] == []
    assert "access_token=***" in poller.state.url and poller.key == "feed:" + poller.state.url

    # an image's failure too
    fake.answers[url] = ff.ok(body([{"title": "有图", "phone": "13812345678", "id": "p1",
                                     "image": "/img/a.png?sig=abc123def"}]))
    fake.answers["http://staff:pa55word@127.0.0.1:8000/img/a.png?sig=abc123def"] = ff.fails(
        "refused abc123def")
    assert poller.poll_once() == "new"
    assert "/img/a.png" in caplog.text
    assert [s for s in secrets if s in caplog.text] == []


# ------------------------------------------------------------------ images


def test_images_are_downloaded_checked_cached_and_retried_after_an_hour(tmp_path):
    base = "http://127.0.0.1:8000"
    listings = [
        {"title": "有图", "phone": "13812345678", "id": "p1", "image": "img/ok.png"},
        {"title": "假图", "phone": "13812345678", "id": "p2", "image": f"{base}/img/liar.png"},
        {"title": "大图", "phone": "13812345678", "id": "p3", "image": "/img/big.jpg"},
        {"title": "本地文件", "phone": "13812345678", "id": "p4", "image": "file:///etc/passwd"},
    ]
    poller, store, fake, clock = fake_poller(tmp_path, ff.ok(body({"listings": listings})),
                                             image_max_bytes=100_000)
    fake.answers |= {
        f"{base}/img/ok.png": ff.ok(png_bytes(), content_type="image/png"),
        f"{base}/img/liar.png": ff.ok(b"<html>not an image</html>", content_type="image/png"),
        f"{base}/img/big.jpg": ff.ok(b"\xff\xd8\xff" + b"\0" * 200_000, content_type="image/jpeg"),
    }
    poller.poll_once()
    images = {x.id: x.image for x in store.snapshot.listings}
    assert images["p1"] and images["p1"].endswith(".png") and images["p1"].startswith(str(tmp_path))
    with open(images["p1"], "rb") as fh:
        assert fh.read() == png_bytes()
    assert images["p2"] is None and images["p3"] is None and images["p4"] is None
    image_calls = [c for c in fake.calls if "/img/" in c.url]
    assert sorted(c.url for c in image_calls) == [f"{base}/img/big.jpg", f"{base}/img/liar.png",
                                                  f"{base}/img/ok.png"]  # never the file
    assert {(c.etag, c.last_modified, c.max_bytes) for c in image_calls} == {(None, None, 100_000)}

    clock.now += 60
    poller.poll_once()  # on disk: not fetched again; failures are not retried at once
    assert fake.urls().count(f"{base}/img/ok.png") == 1
    assert fake.urls().count(f"{base}/img/liar.png") == 1
    clock.now += IMAGE_RETRY_SECONDS
    poller.poll_once()  # an hour later the failed ones are tried again
    assert fake.urls().count(f"{base}/img/liar.png") == 2
    assert fake.urls().count(f"{base}/img/ok.png") == 1


def test_local_file_hides_and_overrides_feed_listings(tmp_path, drop):
    from signage.sources.folder import read as folder

    store = ContentStore()
    poller, store, _fake, _ = fake_poller(tmp_path, ff.ok(body(NEWER)), store=store)
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


# ------------------------------------------------------------------ the thread


def test_a_poll_under_way_shows_on_status_and_is_stuck_past_its_deadline(tmp_path):
    release = threading.Event()
    poller, store, _fake, clock = fake_poller(tmp_path, ff.blocks(release, ff.ok(body(GOOD))),
                                              deadline=30.0)
    t = threading.Thread(target=poller.poll_once, daemon=True)
    t.start()
    try:
        eventually(lambda: status_of(poller)["polling_since"] is not None, timeout=5.0)
        assert status_of(poller)["stuck"] is False
        clock.now += 30.0 + STUCK_MARGIN - 1
        assert status_of(poller)["stuck"] is False
        clock.now += 2
        assert status_of(poller)["stuck"] is True
    finally:
        release.set()
        t.join(5)
    assert status_of(poller)["polling_since"] is None and status_of(poller)["stuck"] is False
    assert ids(store) == ["a1", "a2"]


def test_thread_backs_off_then_recovers_and_stops(tmp_path):
    answers = [ff.fails(), ff.fails(), ff.fails(), ff.ok(body(GOOD))]
    poller, store, fake, _ = fake_poller(tmp_path, answers, interval=0.05, retry_max=0.1)
    poller.start()
    try:
        eventually(lambda: ids(store) == ["a1", "a2"], timeout=10.0)
        eventually(lambda: poller.state.failures == 0, timeout=10.0)
    finally:
        t0 = time.monotonic()
        poller.stop()
        assert time.monotonic() - t0 < 5
    assert not poller._thread.is_alive()
    assert fake.closed and len(fake.calls) >= 4


# ------------------------------------------------------------------ the real thing, end to end


@pytest.fixture
def server():
    with fs.FeedServer() as s:
        yield s


def http_poller(server, tmp_path, path="/feed.json", store=None, **over):
    """A poller with its real fetcher, polling ``server``: (poller, store)."""
    store = store if store is not None else ContentStore()
    poller = FeedPoller(feed_settings(server.url(path), **over), tmp_path / "cache", store.apply,
                        FeedBoard())
    return poller, store


def test_the_poller_over_the_real_fetcher_and_a_real_server(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    server.routes["/feed.json"] = fs.ok(body(GOOD), etag='"v1"', last_modified=MODIFIED)
    poller, store = http_poller(server, tmp_path)
    assert poller.poll_once() == "new"
    assert ids(store) == ["a1", "a2"]
    assert server.headers_of_last("/feed.json")["Authorization"] == f"Bearer {TOKEN}"

    assert poller.poll_once() == "not-modified"
    sent = server.headers_of_last("/feed.json")
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == MODIFIED

    for behaviour, words in [(fs.status(500), "HTTP 500"), (fs.truncated(body(GOOD)), "cut off"),
                             (fs.drip(server, every=0.2), "within 1.5 s")]:
        server.routes["/feed.json"] = behaviour
        assert poller.poll_once() == "error"
        assert words in poller.state.last_error
        assert ids(store) == ["a1", "a2"]

    server.routes["/feed.json"] = fs.ok(body(NEWER), etag='"v2"')
    assert poller.poll_once() == "new"
    assert ids(store) == ["a1", "a2", "a3"]
    assert TOKEN not in caplog.text and TOKEN not in json.dumps(poller.board.section())
