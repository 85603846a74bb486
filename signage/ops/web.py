"""The player's HTTP server: ``/status``, ``/metrics``, ``/screenshot.png``, served by waitress.

A Flask app in a thread of the player process, behind waitress (a pure-Python WSGI
server that reads whole request headers in its single I/O thread before any worker
thread sees them, so a client dribbling bytes costs a socket, not a thread). On top
of waitress's own limits (``channel_timeout``, fixed ``threads``, ``backlog``) this
module adds what a waiting-room box on a shared LAN needs:

- a request's line and headers must arrive within HEADER_SECONDS of its first byte
  (or of the connection, when it says nothing) and the whole request within
  REQUEST_SECONDS: a slowloris is cut however slowly it dribbles;
- at most CONNECTIONS connections (a few more while all of them are being answered;
  beyond that, new ones wait in the kernel's backlog, costing us no descriptor). At the
  limit, a new connection pushes out the oldest one that has been idle, or sending
  headers, for STALLED_SECONDS: 1,000 held-open sockets cost CONNECTIONS descriptors
  and a real request still gets through within seconds (the folder watcher keeps its
  descriptors), while a burst of real clients, each sending at once, is never cut;
- the token is checked as soon as the headers are in, before any body is read.

The routes only read ``state``, a dict the frame loop replaces whole (one reference
assignment), so nothing mutable is shared between threads.

It listens on 127.0.0.1 unless config.yaml says otherwise; listening on any other
address requires ``status: token``, and then every request must carry
``Authorization: Bearer <token>`` (or ``?token=<token>``) or gets 401.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import ipaddress
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from urllib.parse import parse_qs

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect  # type: ignore[import-untyped]  # ships no types
from itsdangerous import BadSignature

# waitress ships no types (types-waitress is wrong about the server's channels and port)
from waitress import wasyncore  # type: ignore[import-untyped]
from waitress.adjustments import Adjustments  # type: ignore[import-untyped]
from waitress.channel import HTTPChannel  # type: ignore[import-untyped]
from waitress.parser import HTTPRequestParser  # type: ignore[import-untyped]
from waitress.server import TcpWSGIServer  # type: ignore[import-untyped]
from waitress.task import ThreadedTaskDispatcher  # type: ignore[import-untyped]
from waitress.utilities import Error  # type: ignore[import-untyped]
from werkzeug.http import parse_cookie

from signage.sources.folder.decode import printable

from . import staff

log = logging.getLogger(__name__)

Route = Callable[[], tuple[int, str, bytes]]
# A route that reads the request's headers and sets its own: (status, headers, body).
HeaderRoute = Callable[[Mapping[str, str]], tuple[int, dict[str, str], bytes]]

HEADER_SECONDS = 5.0  # the request line and headers, from the request's first byte
REQUEST_SECONDS = 120.0  # the whole request with its body (an upload over a phone's Wi-Fi)
IDLE_SECONDS = 10  # silence on a connection (waitress's channel_timeout)
CONNECTIONS = 64  # open connections; beyond, the oldest stalled one goes
MAX_CONNECTIONS = CONNECTIONS + 16  # waitress stops accepting here (all being answered)
STALLED_SECONDS = 0.5  # idle (or in its headers) this long, a connection may be pushed out
THREADS = 4  # workers answering requests whose headers (and body) are complete
BACKLOG = 1024  # the kernel's queue of connections not yet accepted
MAX_BODY = 24 * 1024 * 1024  # bytes of a request body (an upload with its form fields)
SMALL_BODY = 64 * 1024  # what the staff page takes from the LAN before the password (a form)
SESSION_HOURS = 12


class StatusRefused(ValueError):
    """The status server would be reachable from the network without a token."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse a non-loopback address without a token (raises StatusRefused)."""
    if not is_loopback(host) and not token:
        raise StatusRefused(
            f"status.host is {host!r}, which other computers can reach, but status.token is "
            f"not set in config.yaml; set a long random token (or use host 127.0.0.1). "
            f"The status server is not started.")


class Unauthorized(Error):
    code = 401
    reason = "Unauthorized"

    def to_response(self, ident=None):
        status, headers, body = super().to_response(ident)
        return status, [*headers, ("WWW-Authenticate", 'Bearer realm="signage"')], body


# ------------------------------------------------------------------ waitress, hardened
# Gate: (the request's line and headers, parsed by waitress; the peer's address)
# -> None to go on, or the waitress Error to answer at once (the body is never read).
Gate = Callable[[HTTPRequestParser, str], Error | None]


class _Parser(HTTPRequestParser):
    def __init__(self, adj, gate: Gate, peer: str):
        super().__init__(adj)
        self.gate = gate
        self.peer = peer

    def parse_header(self, header_plus):
        super().parse_header(header_plus)
        refusal = self.gate(self, self.peer)
        if refusal is not None:
            self.error = refusal
            self.completed = True


class _Channel(HTTPChannel):
    began = 0.0  # when the request being received sent its first byte

    @property
    def parser_class(self):
        return functools.partial(_Parser, gate=self.server.gate, peer=str(self.addr[0]))

    def received(self, data):
        if self.request is None and data:
            self.began = time.time()
        return super().received(data)

    def stalled(self, now: float) -> bool:
        """Idle, or still sending its request's headers, for STALLED_SECONDS (nothing of ours runs)."""
        return (not self.requests and not self.will_close
                and (self.request is None or not self.request.headers_finished)
                and now - self.last_activity > STALLED_SECONDS)

    def overdue(self, now: float) -> bool:
        if self.requests or self.will_close:
            return False  # being answered (waitress's own timeouts apply)
        if self.request is None:
            return now - self.last_activity > HEADER_SECONDS
        if not self.request.headers_finished:
            return now - self.began > HEADER_SECONDS
        return now - self.began > REQUEST_SECONDS


class _Server(TcpWSGIServer):
    channel_class = _Channel

    def __init__(self, app, gate: Gate, adj: Adjustments):
        self.gate = gate
        dispatcher = ThreadedTaskDispatcher()
        dispatcher.set_thread_count(adj.threads)
        super().__init__(app, map={}, dispatcher=dispatcher, adj=adj, sockinfo=adj.listen[0])

    def maintenance(self, now):
        super().maintenance(now)
        for channel in list(self.active_channels.values()):
            if channel.overdue(now):
                channel.will_close = True
        if len(self.active_channels) >= CONNECTIONS:  # at the limit: room to accept again
            self._make_room(now, CONNECTIONS // 2)

    def handle_accept(self):
        super().handle_accept()
        self._make_room(time.time(), CONNECTIONS)

    def _make_room(self, now: float, keep: int) -> None:
        """Close the oldest stalled connections beyond ``keep`` open ones."""
        excess = len(self.active_channels) - keep
        if excess <= 0:
            return
        stalled = sorted((c for c in self.active_channels.values() if c.stalled(now)),
                         key=lambda c: c.last_activity)
        for channel in stalled[:excess]:
            channel.handle_close()


def _adjustments(host: str, port: int) -> Adjustments:
    return Adjustments(
        host=host, port=port, threads=THREADS, backlog=BACKLOG,
        connection_limit=MAX_CONNECTIONS,
        channel_timeout=IDLE_SECONDS, cleanup_interval=1, asyncore_loop_timeout=1,
        asyncore_use_poll=True,  # select() fails past descriptor 1024
        max_request_body_size=MAX_BODY, ident="signage", expose_tracebacks=False,
        clear_untrusted_proxy_headers=True)


# ------------------------------------------------------------------ the server


class WebServer:
    """The HTTP server of one player process: ``start()``, set ``state``, ``stop()``.

    ``routes`` maps a path to a function answering ``(code, content type, body)``;
    ``/status`` is built in, ``runtime.attach`` adds ``/metrics`` and ``/screenshot.png``.
    """

    def __init__(self, port: int, host: str = "127.0.0.1", token: str | None = None,
                 site: staff.Site | None = None, local: Callable[[str], bool] = is_loopback):
        check_bind(host, token)
        self.local = local  # whether a peer is the box itself (tests pretend otherwise)
        self.state: dict = {"starting": True}
        self.routes: dict[str, Route] = {"/status": self._status}
        self.header_routes: dict[str, HeaderRoute] = {}
        self.host = host
        self.token = token or None
        self.app = self._make_app(site)
        self._server = _Server(self.app, self.gate, _adjustments(host, port))
        self.port = int(self._server.effective_port)
        self._thread = threading.Thread(target=self._server.run, name="status-http", daemon=True)

    def _make_app(self, site: staff.Site | None) -> Flask:
        app = Flask(__name__)
        app.config.update(
            SECRET_KEY=secrets.token_bytes(32),  # sessions last while the player runs
            SESSION_COOKIE_NAME="signage_session", SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Strict",
            PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
            MAX_CONTENT_LENGTH=MAX_BODY, WTF_CSRF_TIME_LIMIT=None)
        CSRFProtect(app)

        @app.get("/<path:name>")
        def route(name: str):
            handler = self.routes.get("/" + name)
            header_handler = self.header_routes.get("/" + name)
            try:
                if header_handler is not None:
                    code, headers, body = header_handler(dict(request.headers.items()))
                    return Response(body, status=code, headers=headers)
                if handler is not None:
                    return _response(*handler())
            except Exception:
                log.exception("status route /%s failed", name)
                return _response(500, "text/plain; charset=utf-8", b"internal error\n")
            return _response(404, "text/plain; charset=utf-8", b"not found\n")

        if site is not None:
            app.register_blueprint(staff.blueprint(site, lambda: self.state, self.routes, self.local))
        return app

    def gate(self, parsed: HTTPRequestParser, peer: str) -> Error | None:
        """Called by waitress with the headers, before the body: None lets the request in.

        The machine routes (/status ...) need the token when there is one. The staff page
        checks its password itself, but from the LAN only a logged-in browser may send
        more than a small form.
        """
        if parsed.path in self.routes or parsed.path in self.header_routes:
            if self.token is None or self.token_given(parsed.headers.get("AUTHORIZATION", ""),
                                                      parsed.query):
                return None
            return Unauthorized("a token is needed: Authorization: Bearer <status.token>")
        small = not parsed.chunked and parsed.content_length <= SMALL_BODY
        if small or self.local(peer) or self.logged_in(parsed.headers.get("COOKIE", "")):
            return None
        return Unauthorized("log in on the staff page first")

    def logged_in(self, cookie_header: str) -> bool:
        """Whether the session cookie is ours, unexpired, and of a logged-in browser."""
        value = parse_cookie(cookie_header).get(self.app.config["SESSION_COOKIE_NAME"])
        interface = self.app.session_interface
        if not value or not isinstance(interface, SecureCookieSessionInterface):
            return False
        serializer = interface.get_signing_serializer(self.app)
        if serializer is None:
            return False
        try:
            data = serializer.loads(value, max_age=SESSION_HOURS * 3600)
        except BadSignature:
            return False
        return bool(isinstance(data, dict) and data.get(staff.STAFF))

    def token_given(self, authorization: str, query: str) -> bool:
        if authorization.startswith("Bearer "):
            given = authorization[len("Bearer "):].strip()
        else:
            given = (parse_qs(query).get("token") or [""])[0]
        return hmac.compare_digest(given.encode(), (self.token or "").encode())

    def _status(self) -> tuple[int, str, bytes]:
        text = json.dumps(self.state, ensure_ascii=False, indent=2, default=str)
        return 200, "application/json; charset=utf-8", printable(text).encode()

    def start(self) -> WebServer:
        self._thread.start()
        log.info("status on http://%s:%d/status%s", self.host, self.port,
                 " (token required)" if self.token else "")
        return self

    def stop(self) -> None:
        server = self._server
        if self._thread.is_alive():  # close every socket in the I/O thread, which then ends
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
            self._thread.join(timeout=5)
        else:
            wasyncore.close_all(server._map)
        server.task_dispatcher.shutdown(timeout=2)


def _response(code: int, ctype: str, body: bytes) -> Response:
    return Response(body, status=code, content_type=ctype, headers={"Cache-Control": "no-store"})
