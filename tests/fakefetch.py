"""A scripted :class:`~signage.sources.feed.fetch.Fetcher` for the poller's tests: no socket, no waiting.

``fake.answers[url]`` is what a request for ``url`` gets: one answer (given every time) or a
list of answers (taken in turn, the last one repeating). An answer is a ``Fetched``, a
``FetchError`` (raised), or a function of the :class:`Call` that returns one of those; the
helpers below build the usual ones. Every request is kept in ``fake.calls``. Like the real
fetcher the fake honours ``max_bytes``: a longer body is refused as too large.

The real fetcher (timeouts, deadline, size caps, headers on the wire) is tested against a real
HTTP server in test_feed_fetch.py; this fake stands in for it where the poller's policy is tested.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from signage.sources.feed.fetch import Fetched, FetchError


@dataclass(frozen=True)
class Call:
    url: str
    etag: str | None
    last_modified: str | None
    max_bytes: int


Answer = Fetched | Exception | Callable[[Call], "Fetched | Exception"]


class FakeFetcher:
    def __init__(self, answers: dict[str, Answer | list[Answer]] | None = None) -> None:
        self.answers: dict[str, Answer | list[Answer]] = dict(answers or {})
        self.calls: list[Call] = []
        self.closed = False

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              max_bytes: int) -> Fetched:
        assert not self.closed, "fetch after close"
        call = Call(url, etag, last_modified, max_bytes)
        self.calls.append(call)
        script = self.answers.get(url, fails("the server answered HTTP 404 Not Found"))
        if isinstance(script, list):
            answer = script.pop(0) if len(script) > 1 else script[0]
        else:
            answer = script
        if callable(answer):
            answer = answer(call)
        if isinstance(answer, Exception):
            raise type(answer)(*answer.args)  # a fresh one each time, as a real failure is
        if len(answer.body) > max_bytes:
            raise FetchError(f"the answer is larger than {max_bytes} bytes")
        return answer

    def close(self) -> None:
        self.closed = True

    def urls(self) -> list[str]:
        return [c.url for c in self.calls]


# ------------------------------------------------------------------ answers


def ok(body: bytes, *, etag: str | None = None, last_modified: str | None = None,
       content_type: str = "application/json") -> Callable[[Call], Fetched]:
    """A 200, or a 304 to a request whose validators match (as a well-behaved server does)."""

    def answer(call: Call) -> Fetched:
        if (etag and call.etag == etag) or (last_modified and not etag
                                            and call.last_modified == last_modified):
            return Fetched(304)
        return Fetched(200, body, etag, last_modified, content_type)

    return answer


def not_modified() -> Fetched:
    """A 304 whatever was asked (also to a request that was not conditional)."""
    return Fetched(304)


def fails(message: str = "the server answered HTTP 500 Internal Server Error") -> FetchError:
    return FetchError(message)


def times_out(deadline: float = 60.0) -> FetchError:
    """What the real fetcher says when its deadline passes, said at once."""
    return FetchError(f"no complete answer within {deadline:g} s")


def blocks(release: threading.Event, then: Answer) -> Callable[[Call], Fetched | Exception]:
    """A request that stays under way until ``release`` is set, then answers ``then``."""

    def answer(call: Call) -> Fetched | Exception:
        assert release.wait(10), "the test never released the request"
        return then(call) if callable(then) else then

    return answer
