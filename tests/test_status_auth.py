"""The status server: loopback by default; elsewhere only with a token, and 401 without it."""

from __future__ import annotations

import pytest
import requests

from signage.ops.web import StatusRefused, WebServer, is_loopback


def test_non_loopback_without_token_is_refused():
    with pytest.raises(StatusRefused, match="status.token"):
        WebServer(0, host="0.0.0.0")


def test_loopback_needs_no_token():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    server = WebServer(0).start()
    try:
        assert requests.get(f"http://127.0.0.1:{server.port}/status", timeout=5).status_code == 200
    finally:
        server.stop()


def test_token_required_when_bound_to_all_addresses():
    server = WebServer(0, host="0.0.0.0", token="s3cret-token").start()
    url = f"http://127.0.0.1:{server.port}/status"
    try:
        assert requests.get(url, timeout=5).status_code == 401
        assert requests.get(url, headers={"Authorization": "Bearer wrong"}, timeout=5).status_code == 401
        ok = requests.get(url, headers={"Authorization": "Bearer s3cret-token"}, timeout=5)
        assert ok.status_code == 200 and ok.json()["starting"] is True
        assert requests.get(url + "?token=s3cret-token", timeout=5).status_code == 200
        assert requests.get(f"http://127.0.0.1:{server.port}/nothing?token=s3cret-token",
                            timeout=5).status_code == 404
    finally:
        server.stop()


def test_a_header_route_answers_with_its_own_headers_and_needs_the_token():
    def feed(headers):
        if headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Content-Type": "application/json"}, b"{}"

    server = WebServer(0, host="0.0.0.0", token="s3cret-token")
    server.header_routes["/feed.json"] = feed
    server.start()
    url = f"http://127.0.0.1:{server.port}/feed.json"
    auth = {"Authorization": "Bearer s3cret-token"}
    try:
        assert requests.get(url, timeout=5).status_code == 401
        r = requests.get(url, headers=auth, timeout=5)
        assert r.status_code == 200 and r.headers["ETag"] == '"v1"' and r.json() == {}
        r = requests.get(url, headers={**auth, "If-None-Match": '"v1"'}, timeout=5)
        assert r.status_code == 304 and r.content == b""
    finally:
        server.stop()
