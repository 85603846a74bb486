"""A real HTTP server on 127.0.0.1 that misbehaves on demand, for the feed tests.

``server.routes[path] = behaviour`` where a behaviour is a function taking the
request handler; the helpers below build the usual ones (a good answer with
ETag, a 500, a truncated body, a slow drip, an endless body, a redirect loop...).
"""

from __future__ import annotations

import contextlib
import gzip as gzip_mod
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Behaviour = Callable[[BaseHTTPRequestHandler], None]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Behaviour] = {}
        self.requests: list[tuple[str, dict]] = []  # (path, headers) of every request
        self.release = threading.Event()  # set on stop: hanging handlers give up
        self.bytes_sent: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                path = self.path.split("?")[0]
                server.requests.append((self.path, dict(self.headers)))
                behaviour = server.routes.get(path)
                if behaviour is None:
                    self.send_error(404)
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    behaviour(self)

            def log_message(self, fmt, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def headers_of_last(self, path: str) -> dict:
        return [h for p, h in self.requests if p.split("?")[0] == path][-1]

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()


# ------------------------------------------------------------------ behaviours


def ok(body: bytes, content_type: str = "application/json", etag: str | None = None,
       last_modified: str | None = None, gzip: bool = False) -> Behaviour:
    """A good answer; a matching If-None-Match / If-Modified-Since gets a 304."""

    def run(h: BaseHTTPRequestHandler) -> None:
        if (etag and h.headers.get("If-None-Match") == etag) or (
                last_modified and not etag and h.headers.get("If-Modified-Since") == last_modified):
            h.send_response(304)
            h.end_headers()
            return
        data = gzip_mod.compress(body) if gzip else body
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        if gzip:
            h.send_header("Content-Encoding", "gzip")
        if etag:
            h.send_header("ETag", etag)
        if last_modified:
            h.send_header("Last-Modified", last_modified)
        h.end_headers()
        h.wfile.write(data)

    return run


def raw_gzip_garbage() -> Behaviour:
    """Claims gzip, sends bytes that are not."""

    def run(h: BaseHTTPRequestHandler) -> None:
        data = b"this is not gzip at all" * 10
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Encoding", "gzip")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    return run


def status(code: int, body: bytes = b"server error") -> Behaviour:
    def run(h: BaseHTTPRequestHandler) -> None:
        h.send_response(code)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return run


def truncated(body: bytes, missing: int = 1000) -> Behaviour:
    """Content-Length promises more than is sent; then the connection closes."""

    def run(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body) + missing))
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()
        h.close_connection = True

    return run


def endless(server: FeedServer, path: str, total: int = 100 * 1024 * 1024,
            declare_length: bool = True) -> Behaviour:
    """A ``total``-byte body streamed in 64 KiB pieces (never held in memory)."""
    chunk = b"[" + b" " * (64 * 1024 - 1)

    def run(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        if declare_length:
            h.send_header("Content-Length", str(total))
        h.end_headers()
        sent = 0
        server.bytes_sent[path] = 0
        while sent < total and not server.release.is_set():
            h.wfile.write(chunk)
            sent += len(chunk)
            server.bytes_sent[path] = sent
        h.close_connection = True

    return run


def drip(server: FeedServer, every: float = 0.2, total: int = 10_000) -> Behaviour:
    """A valid header, then one byte every ``every`` seconds: no read ever times out."""

    def run(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        h.wfile.write(b"[")
        h.wfile.flush()
        for _ in range(total - 1):
            if server.release.wait(every):
                return
            h.wfile.write(b" ")
            h.wfile.flush()

    return run


def hang(server: FeedServer, seconds: float = 30.0) -> Behaviour:
    """Accept the request and say nothing (until the server stops)."""

    def run(h: BaseHTTPRequestHandler) -> None:
        server.release.wait(seconds)

    return run


def redirect(to: str, code: int = 302) -> Behaviour:
    def run(h: BaseHTTPRequestHandler) -> None:
        h.send_response(code)
        h.send_header("Location", to)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return run


def slow_then(seconds: float, then: Behaviour) -> Behaviour:
    def run(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        then(h)

    return run


def drip_headers(server: FeedServer, every: float = 0.2) -> Behaviour:
    """The status line, then the headers one byte every ``every`` seconds, for ever: every
    read gets a byte in time, so only a deadline on the whole exchange ends it."""

    def run(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        h.wfile.flush()
        while not server.release.wait(every):
            h.wfile.write(b"X")
            h.wfile.flush()

    return run
