"""The local HTTP status endpoint: ``GET /status`` answers the player's state as JSON.

The server thread only reads a dict that the main loop replaces whole (a single
reference assignment), so nothing mutable is shared between threads.

It listens on 127.0.0.1 unless config.yaml says otherwise; listening on any
other address requires ``status: token``, and then every request must carry
``Authorization: Bearer <token>`` (or ``?token=<token>``) or gets 401.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

Route = Callable[[], tuple[int, str, bytes]]


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


class StatusServer:
    def __init__(self, port: int, host: str = "127.0.0.1", token: str | None = None):
        check_bind(host, token)
        self.state: dict = {"starting": True}
        self.routes: dict[str, Route] = {"/status": self._status}
        self.host = host
        self.token = token or None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                if not server.authorized(self.path, self.headers.get("Authorization", "")):
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Bearer realm="signage"')
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", "13")
                    self.end_headers()
                    self.wfile.write(b"unauthorized\n")
                    return
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    self._send(404, "text/plain; charset=utf-8", b"not found\n")
                    return
                try:
                    code, ctype, body = route()
                except Exception:
                    log.exception("status route %s failed", self.path)
                    code, ctype, body = 500, "text/plain; charset=utf-8", b"internal error\n"
                self._send(code, ctype, body)

            def _send(self, code: int, ctype: str, body: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, fmt, *args):
                log.debug("status: " + fmt, *args)

        self._httpd = ThreadingHTTPServer((host, port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._serve, name="status-http", daemon=True)

    def _serve(self) -> None:
        self._httpd.serve_forever(poll_interval=0.2)  # stop() returns quickly on SIGTERM

    def authorized(self, path: str, authorization: str) -> bool:
        if self.token is None:
            return True
        given = ""
        if authorization.startswith("Bearer "):
            given = authorization[len("Bearer "):].strip()
        else:
            given = (parse_qs(urlsplit(path).query).get("token") or [""])[0]
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _status(self) -> tuple[int, str, bytes]:
        body = json.dumps(self.state, ensure_ascii=False, indent=2, default=str).encode()
        return 200, "application/json; charset=utf-8", body

    def start(self) -> StatusServer:
        self._thread.start()
        log.info("status on http://%s:%d/status%s", self.host, self.port,
                 " (token required)" if self.token else "")
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
