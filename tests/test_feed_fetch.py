"""The real fetcher (HttpFetcher) against a real HTTP server on 127.0.0.1 that misbehaves on demand.

Every way a server can fail ends in a FetchError that says what happened in plain words, within
the deadline and the size cap however the bytes come; what the poller does with the answers is
tested in test_feed_poll.py, over a scripted fake.
"""

from __future__ import annotations

import time

import pytest

from signage.core.settings import FeedSettings
from signage.sources.feed.fetch import USER_AGENT, Fetched, FetchError, HttpFetcher
from tests import feedserver as fs

TOKEN = "s3cret-token-XYZ"
BODY = '[{"岗位": "保洁员", "工资": "150元/天", "电话": "13812345678"}]'.encode()
MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT"


@pytest.fixture
def server():
    with fs.FeedServer() as s:
        yield s


def fetcher_for(server, path="/feed.json", **over) -> HttpFetcher:
    settings = dict(url=server.url(path), connect_timeout=1.0, read_timeout=0.5, deadline=1.5,
                    max_redirects=3, token=TOKEN, headers={"X-Station": "乐至"})
    settings.update(over)
    return HttpFetcher(FeedSettings(**settings))


def test_a_good_answer_whole_with_its_validators_and_our_headers(server):
    server.routes["/feed.json"] = fs.ok(BODY, "application/json; charset=utf-8", etag='"v1"',
                                        last_modified=MODIFIED)
    got = fetcher_for(server).fetch(server.url("/feed.json"), max_bytes=10_000)
    assert got == Fetched(200, BODY, '"v1"', MODIFIED, "application/json; charset=utf-8")
    sent = server.headers_of_last("/feed.json")
    assert sent["Authorization"] == f"Bearer {TOKEN}"
    assert sent["User-Agent"] == USER_AGENT
    assert sent["X-Station"].encode("latin-1").decode() == "乐至"
    assert "If-None-Match" not in sent and "If-Modified-Since" not in sent


def test_validators_make_the_request_conditional_and_a_304_is_an_answer(server):
    server.routes["/feed.json"] = fs.ok(BODY, etag='"v1"', last_modified=MODIFIED)
    fetcher = fetcher_for(server)
    url = server.url("/feed.json")
    assert fetcher.fetch(url, etag='"v1"', last_modified=MODIFIED, max_bytes=10_000) == Fetched(304)
    sent = server.headers_of_last("/feed.json")
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == MODIFIED
    assert fetcher.fetch(url, etag='"v0"', max_bytes=10_000).status == 200  # changed since

    server.routes["/feed.json"] = fs.ok(BODY, last_modified=MODIFIED)
    assert fetcher.fetch(url, last_modified=MODIFIED, max_bytes=10_000) == Fetched(304)
    assert "If-None-Match" not in server.headers_of_last("/feed.json")


def test_a_gzip_answer_is_decompressed(server):
    server.routes["/feed.json"] = fs.ok(BODY, gzip=True)
    assert fetcher_for(server).fetch(server.url("/feed.json"), max_bytes=10_000).body == BODY
    assert "gzip" in server.headers_of_last("/feed.json")["Accept-Encoding"]


def test_a_redirect_is_followed(server):
    server.routes["/old.json"] = fs.redirect("/feed.json")
    server.routes["/feed.json"] = fs.ok(BODY)
    assert fetcher_for(server).fetch(server.url("/old.json"), max_bytes=10_000).body == BODY


def misbehaviours(server):
    """(name, behaviour, expected words in the error) for every way a server can fail us."""
    good = BODY * 50
    return [
        ("500", fs.status(500), "HTTP 500"),
        ("404", fs.status(404, b"not here"), "HTTP 404"),
        ("truncated", fs.truncated(good[: len(good) // 2]), "cut off"),
        ("truncated whole", fs.truncated(good), "cut off"),
        ("100 MB declared", fs.endless(server, "/feed.json"), "larger than 1000000 bytes"),
        ("100 MB streamed", fs.endless(server, "/feed.json", declare_length=False), "larger than"),
        ("gzip bomb", fs.ok(b"[" + b" " * 20_000_000 + b"]", gzip=True), "larger than"),
        ("bad gzip", fs.raw_gzip_garbage(), "decompressed"),
        ("slow drip", fs.drip(server, every=0.2), "no complete answer within 1.5 s"),
        ("dripped headers", fs.drip_headers(server, every=0.2), "within 1.5 s"),
        ("silence", fs.hang(server), "did not answer in time"),
        ("redirect loop", fs.redirect("/feed.json"), "more than 3 redirects"),
        ("redirect to a file", fs.redirect("file:///etc/passwd"), "not http or https"),
    ]


def test_every_misbehaviour_is_a_fetch_error_in_plain_words(server):
    # a byte every 0.2 s never trips a 0.8 s read timeout: only the 1.5 s deadline stops it
    fetcher = fetcher_for(server, read_timeout=0.8)
    url = server.url("/feed.json")
    for name, behaviour, words in misbehaviours(server):
        server.routes["/feed.json"] = behaviour
        began = time.monotonic()
        with pytest.raises(FetchError) as err:
            fetcher.fetch(url, max_bytes=1_000_000)
        assert words in str(err.value), (name, str(err.value))
        assert TOKEN not in str(err.value), name
        assert time.monotonic() - began < 1.5 + 2.0, name  # the deadline, and a margin
    # the endless body was cut off long before its end, and never held whole
    assert server.bytes_sent["/feed.json"] < 50 * 1024 * 1024
    # the same fetcher is well when the server is
    server.routes["/feed.json"] = fs.ok(BODY)
    assert fetcher.fetch(url, max_bytes=1_000_000).body == BODY


def test_the_size_cap_is_the_callers_for_each_request(server):
    """The feed and its images share a fetcher, each with its own cap."""
    server.routes["/img/a.png"] = fs.ok(b"\x89PNG" + b"\0" * 20_000, "image/png")
    fetcher = fetcher_for(server)
    url = server.url("/img/a.png")
    with pytest.raises(FetchError, match="larger than 10000 bytes"):
        fetcher.fetch(url, max_bytes=10_000)
    assert len(fetcher.fetch(url, max_bytes=30_000).body) == 20_004


def test_dripped_headers_end_at_the_deadline(server):
    """A server that dribbles its headers byte by byte used to hold the poller for many
    minutes despite ``deadline``: the deadline covers the whole exchange, headers included."""
    server.routes["/feed.json"] = fs.drip_headers(server, every=0.1)
    fetcher = fetcher_for(server, read_timeout=10.0)  # no read ever waits that long
    began = time.monotonic()
    with pytest.raises(FetchError, match=r"within 1\.5 s"):
        fetcher.fetch(server.url("/feed.json"), max_bytes=10_000)
    took = time.monotonic() - began
    assert took < 1.5 + 2.0, took  # the 1.5 s deadline, and a margin for a busy machine


def test_an_answer_torn_by_the_deadline_is_never_taken_for_a_whole_one(server):
    """The timer shuts the socket in the middle of the headers; urllib3 then hands back what it
    had (a 200 with an empty body). With a clock that says time is left (the timer and the
    clock are read at slightly different moments), only the guard knows the answer was torn."""
    server.routes["/feed.json"] = fs.drip_headers(server, every=0.1)
    fetcher = fetcher_for(server, read_timeout=10.0)
    fetcher.clock = lambda: 0.0  # the budget never runs out by the clock: only the timer ends it
    with pytest.raises(FetchError, match=r"within 1\.5 s"):
        fetcher.fetch(server.url("/feed.json"), max_bytes=10_000)


def test_nothing_listening_is_said_plainly():
    fetcher = HttpFetcher(FeedSettings(url="http://127.0.0.1:9/feed.json", connect_timeout=0.5,
                                       read_timeout=0.5, deadline=1.0))
    with pytest.raises(FetchError, match="could not connect"):
        fetcher.fetch("http://127.0.0.1:9/feed.json", max_bytes=10_000)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/feed.json", "/feed.json"])
def test_only_http_and_https_are_fetched(server, url):
    with pytest.raises(FetchError, match="only http and https"):
        fetcher_for(server).fetch(url, max_bytes=10_000)
    assert server.requests == []
