"""The local HTTP status endpoint: ``GET /status`` answers the player's state as JSON.

The server thread only reads a dict that the main loop replaces whole (a single
reference assignment), so nothing mutable is shared between threads.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = logging.getLogger(__name__)

Route = Callable[[], tuple[int, str, bytes]]


class StatusServer:
    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.state: dict = {"starting": True}
        self.routes: dict[str, Route] = {"/status": self._status}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
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
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="status-http", daemon=True)

    def _status(self) -> tuple[int, str, bytes]:
        body = json.dumps(self.state, ensure_ascii=False, indent=2, default=str).encode()
        return 200, "application/json; charset=utf-8", body

    def start(self) -> StatusServer:
        self._thread.start()
        log.info("status on http://127.0.0.1:%d/status", self.port)
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
