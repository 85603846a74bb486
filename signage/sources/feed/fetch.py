"""Fetching a feed over HTTP: one GET, read whole within a deadline and a size cap.

The poller asks a :class:`Fetcher` for a URL and gets a :class:`Fetched` (a complete
200, or a 304 to a conditional request) or a :class:`FetchError` whose message says in
plain words what went wrong and is safe to log (no token). :class:`HttpFetcher` is the
real one: a requests Session per feed with connect and read timeouts, an overall
deadline checked between socket reads (a slow drip of bytes never resets it) and
enforced by a timer that shuts the request's socket (a server dripping its headers is
cut off too), and a size cap enforced while streaming the decompressed body. The tests
of the poller's policy use a scripted fake (tests/fakefetch.py) instead.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection

from signage.core.settings import FeedSettings

# urllib3 logs each request line at DEBUG, query string and all: a token in a feed's URL
# must not reach the log even when the player runs with --verbose.
logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)

CHUNK = 64 * 1024
USER_AGENT = "signage-feed/0.1 (+https://github.com/; job-board player)"


class FetchError(Exception):
    """One request failed; the message is safe to log and show (no token, no secret query)."""


@dataclass(frozen=True)
class Fetched:
    status: int  # 200, or 304 for "not modified"
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""


class Fetcher(Protocol):
    """What the poller needs of the network: a feed (conditionally) and its images."""

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              max_bytes: int) -> Fetched:
        """The whole answer at ``url``, at most ``max_bytes`` long (after decompression).

        ``etag`` and ``last_modified`` (from an earlier answer) make the request
        conditional: an unchanged feed answers ``Fetched(304)``.

        Raises:
            FetchError: for anything but a complete 200 or a 304.
        """
        ...

    def close(self) -> None:
        """Let go of connections; the fetcher is not used again."""
        ...


class HttpFetcher:
    """The real :class:`Fetcher`: one requests Session, its timeouts, deadline, redirects,
    TLS checking, headers and token from the feed's settings."""

    def __init__(self, feed: FeedSettings, clock: Callable[[], float] = time.monotonic):
        self.feed = feed
        self.session = make_session(feed)
        self.clock = clock

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              max_bytes: int) -> Fetched:
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise FetchError("only http and https addresses are fetched")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        feed = self.feed
        late = FetchError(f"no complete answer within {feed.deadline:g} s")
        with _Deadline(feed.deadline) as guard:
            try:
                got = _fetch(self.session, url, headers, feed.connect_timeout, feed.read_timeout,
                             feed.deadline, max_bytes, self.clock)
            except FetchError:
                if guard.finish():
                    raise late from None
                raise
            if guard.finish():  # the socket was shut mid-answer: urllib3 may hand back a torn one
                raise late
            return got

    def close(self) -> None:
        self.session.close()


# ------------------------------------------------------------------ the deadline
#
# requests' timeouts bound each socket read, so a server that drips a byte of its
# headers every few seconds never trips them. A per-request timer shuts down the
# sockets the request uses when the deadline passes; the blocked read then returns.


class _Deadline:
    """Shuts down every socket :func:`_watch` names during its ``with`` block at ``seconds``."""

    _current = threading.local()

    def __init__(self, seconds: float):
        self.fired = False
        self._done = False
        self._sockets: list = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def watch(self, sock) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            for sock in self._sockets:
                _shut(sock)

    def finish(self) -> bool:
        """Stop the timer's effect now; whether it had already fired (and shut the sockets)."""
        with self._lock:
            self._done = True
            return self.fired

    def __enter__(self) -> _Deadline:
        _Deadline._current.guard = self
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()
        _Deadline._current.guard = None


def _shut(sock) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watch(sock) -> None:
    guard = getattr(_Deadline._current, "guard", None)
    if guard is not None and sock is not None:
        guard.watch(sock)


class _GuardedHTTP(urllib3.connection.HTTPConnection):
    def getresponse(self, *args, **kwargs):  # the headers are read in here
        _watch(self.sock)
        return super().getresponse(*args, **kwargs)


class _GuardedHTTPS(urllib3.connection.HTTPSConnection):
    def getresponse(self, *args, **kwargs):
        _watch(self.sock)
        return super().getresponse(*args, **kwargs)


class _GuardedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _GuardedHTTP


class _GuardedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPS


class _GuardedAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool,
                                                   "https": _GuardedHTTPSPool}


def make_session(feed: FeedSettings) -> requests.Session:
    session = requests.Session()
    session.mount("http://", _GuardedAdapter())
    session.mount("https://", _GuardedAdapter())
    session.trust_env = False  # no proxies or .netrc credentials from the environment
    session.max_redirects = feed.max_redirects
    session.verify = feed.verify_tls
    session.headers["User-Agent"] = USER_AGENT
    # as UTF-8 bytes: http.client would refuse a value outside Latin-1 (X-Station: 乐至)
    session.headers.update({name: value.encode() for name, value in feed.headers})
    if feed.token:
        session.headers["Authorization"] = f"Bearer {feed.token}"
    return session


def _fetch(session: requests.Session, url: str, headers: dict | None, connect_timeout: float,
           read_timeout: float, deadline: float, max_bytes: int,
           clock: Callable[[], float]) -> Fetched:
    started = clock()

    def remaining() -> float:
        left = deadline - (clock() - started)
        if left <= 0:
            raise FetchError(f"no complete answer within {deadline:g} s")
        return left

    resp = _get(session, url, headers, (connect_timeout, min(read_timeout, remaining())))
    try:
        if resp.status_code == 304:
            return Fetched(304)
        if resp.status_code != 200:
            raise FetchError(f"the server answered HTTP {resp.status_code} {resp.reason or ''}".strip())
        body = _read_body(resp, max_bytes, remaining)
        return Fetched(200, body, resp.headers.get("ETag"),
                       resp.headers.get("Last-Modified"), resp.headers.get("Content-Type", ""))
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
        raise FetchError("the server stopped sending in the middle of its answer") from None
    except (urllib3.exceptions.ProtocolError, http.client.HTTPException, ConnectionError):
        raise FetchError("the answer was cut off before its end") from None
    except urllib3.exceptions.DecodeError:
        raise FetchError("the compressed answer could not be decompressed") from None
    except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
        raise FetchError(f"reading the answer failed ({type(exc).__name__})") from None
    finally:
        resp.close()


def _get(session: requests.Session, url: str, headers: dict | None,
         timeout: tuple[float, float]) -> requests.Response:
    """The response, its body not read yet; each way a request fails said in plain words."""
    try:
        return session.get(url, headers=headers, stream=True, timeout=timeout)
    except requests.TooManyRedirects:
        raise FetchError(f"more than {session.max_redirects} redirects") from None
    except requests.exceptions.InvalidSchema:
        raise FetchError("redirected to an address that is not http or https") from None
    except requests.ConnectTimeout:
        raise FetchError("could not connect in time") from None
    except requests.Timeout:
        raise FetchError("the server did not answer in time") from None
    except requests.exceptions.SSLError:
        raise FetchError("the server's TLS certificate could not be verified") from None
    except requests.ConnectionError:
        raise FetchError("could not connect to the server") from None
    except requests.RequestException as exc:
        raise FetchError(f"request failed ({type(exc).__name__})") from None


def _read_body(resp: requests.Response, max_bytes: int, remaining: Callable[[], float]) -> bytes:
    """The whole body, decompressed, refused past ``max_bytes`` or the deadline."""
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes and not resp.headers.get("Content-Encoding"):
        raise FetchError(f"the answer is larger than {max_bytes} bytes")
    chunks, total = [], 0
    raw = resp.raw
    read = getattr(raw, "read1", None) or raw.read  # read1: return as soon as some bytes came
    while True:
        remaining()
        chunk = read(CHUNK, decode_content=True)
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(f"the answer is larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
