"""The HTTP server holds under abuse: held-open sockets, slowloris, a crowd, a body without a token;
and a file name in GBK bytes shows (as replacement characters) instead of breaking /status.

The server in a test process for the protocol cases; the real ``signage run`` process, with
its real folder watcher and a low descriptor limit, for the held-open sockets and the file name.
"""

from __future__ import annotations

import json
import os
import resource
import select
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from drophelpers import eventually, listing_yaml

from signage.app.cli import main
from signage.ops import web
from signage.ops.playlog import read_records
from signage.ops.web import WebServer
from signage.sources.folder.decode import printable
from tests.playerproc import PlayerProcess

HELD = 300  # well above web.CONNECTIONS, below the player's descriptor limit in the test
NOFILE = 256  # the player's descriptor limit: the held sockets alone would exceed it


@pytest.fixture
def server():
    s = WebServer(0).start()
    yield s
    s.stop()


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """Whether the server closes ``sock`` within ``timeout`` (reads are drained)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([sock], [], [], max(0.0, end - time.monotonic()))
        if ready:
            try:
                if not sock.recv(65536):
                    return True
            except ConnectionError:
                return True
    return False


def test_a_body_without_the_token_is_refused_before_it_is_read():
    s = WebServer(0, token="s3cret-token").start()
    try:
        with socket.create_connection(("127.0.0.1", s.port), timeout=5) as sock:
            sock.sendall(b"POST /status HTTP/1.1\r\nHost: box\r\nContent-Length: 5000000\r\n"
                         b"Content-Type: application/octet-stream\r\n\r\n")  # and no body
            t0 = time.monotonic()
            answer = sock.recv(4096)
            assert answer.startswith(b"HTTP/1.1 401"), answer
            assert b'www-authenticate: bearer realm="signage"' in answer.lower()
            assert time.monotonic() - t0 < 2
            assert closed_by_server(sock, 3)
    finally:
        s.stop()


def test_a_slowloris_is_cut_after_the_header_timeout(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        t0 = time.monotonic()
        sock.sendall(b"GET /status HTTP/1.1\r\nHost: box\r\n")
        cut = None
        while time.monotonic() - t0 < web.HEADER_SECONDS + 10:
            try:
                sock.sendall(b"X-A: b\r\n")  # a header every 0.3 s: never idle, never done
            except OSError:
                cut = time.monotonic() - t0
                break
            if closed_by_server(sock, 0.3):
                cut = time.monotonic() - t0
                break
    assert cut is not None, "the slow client was never cut"
    assert web.HEADER_SECONDS - 0.5 <= cut <= web.HEADER_SECONDS + 3, cut


def test_a_silent_connection_is_cut_after_the_header_timeout(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        t0 = time.monotonic()
        assert closed_by_server(sock, web.HEADER_SECONDS + 3)
        assert time.monotonic() - t0 >= web.HEADER_SECONDS - 0.5


def test_two_hundred_concurrent_gets_are_all_answered(server):
    n = 200
    start = threading.Barrier(n)
    url = f"http://127.0.0.1:{server.port}/status"

    def get(_):
        start.wait(timeout=30)
        t0 = time.monotonic()
        r = requests.get(url, timeout=30)
        return r.status_code, time.monotonic() - t0

    with ThreadPoolExecutor(max_workers=n) as pool:
        answers = list(pool.map(get, range(n)))
    assert [code for code, _ in answers] == [200] * n
    slowest = max(t for _, t in answers)
    print(f"200 concurrent GETs: slowest {slowest:.2f} s")
    assert slowest < 15


# ---------------------------------------------------------------- the real player


def _descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def _low_nofile():
    resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))


GBK_GOOD = "招聘会".encode("gbk") + b".yaml"
GBK_BAD = "坏文件".encode("gbk") + b".yaml"


@pytest.fixture(scope="module")
def player(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("abuse")
    drop = tmp / "jobs"
    drop.mkdir()
    (drop / "a.yaml").write_text(listing_yaml("开场岗位"), encoding="utf-8")
    for name, text in ((GBK_GOOD, listing_yaml("压缩包里的岗位")), (GBK_BAD, "岗位: [没有括完\n")):
        fd = os.open(os.path.join(os.fsencode(drop), name), os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, text.encode("utf-8"))
        os.close(fd)
    box = PlayerProcess(tmp, "station: {name: 测试驿站, hotline: 028-2333 1234}\ncontent: jobs\nwatch: native\n"
                        "display: {size: [640, 360]}\npages: {seconds: 2, transition: none}\n"
                        "status: {port: 0}\nplaylog: {folder: plays, screen: tv1}\n",
                        seconds=120, size=None, preexec_fn=_low_nofile)
    try:
        eventually(lambda: box.status().get("frames"), timeout=30)
        yield box.proc, tmp, box.base, box.status
    finally:
        box.stop()
        print(box.log.read_text(errors="replace")[-3000:])


def test_held_open_sockets_neither_block_answers_nor_starve_the_watcher(player):
    proc, tmp, base, status = player
    before = _descriptors(proc.pid)
    loaded = status()["listings_loaded"]
    held = []
    try:
        for _ in range(HELD):
            held.append(socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])),
                                                 timeout=5))
        t0 = time.monotonic()
        assert requests.get(base + "/status", timeout=10).status_code == 200
        first = time.monotonic() - t0
        peak = max(_descriptors(proc.pid) for _ in range(20))
        # the watcher still has descriptors for a new file: it is read and shown
        (tmp / "jobs" / "new.yaml").write_text(listing_yaml("新岗位"), encoding="utf-8")
        eventually(lambda: (status() or {}).get("listings_loaded") == loaded + 1, timeout=20)
        cut = sum(closed_by_server(s, web.HEADER_SECONDS + 4) for s in held)
        t0 = time.monotonic()
        assert requests.get(base + "/status", timeout=10).status_code == 200
        after = time.monotonic() - t0
    finally:
        for s in held:
            s.close()
    print(f"{HELD} held sockets: GET answered in {first:.2f} s during, {after:.2f} s after; "
          f"descriptors {before} before, {peak} at most while held; {cut} held sockets cut")
    assert first < 5 and after < 2
    assert peak - before <= web.MAX_CONNECTIONS + 4, (before, peak)
    assert cut == HELD
    assert proc.poll() is None


def test_a_gbk_file_name_shows_as_replacement_characters(player):
    proc, tmp, base, status = player
    state = status()
    bad = printable(os.fsdecode(GBK_BAD))
    assert "\ufffd" in bad
    assert bad in [e["file"] for e in state["errors"]]
    good = printable(os.fsdecode(GBK_GOOD)).removesuffix(".yaml")
    # pages turn every 2 s, so every listing is shown (and logged) within a few seconds
    plays = eventually(lambda: [r for r in read_records(tmp / "plays", *[_today()] * 2)
                                if r["listing"] == good])
    assert plays[0]["title"] == "压缩包里的岗位"
    report = tmp / "jobs" / "_错误报告.txt"  # written by the watcher after its first scan
    assert bad in eventually(lambda: report.exists() and report.read_bytes().decode("utf-8-sig"))


def test_validate_json_shows_a_gbk_file_name_as_replacement_characters(tmp_path, capfdbinary):
    (tmp_path / "jobs").mkdir()
    fd = os.open(os.path.join(os.fsencode(tmp_path / "jobs"), GBK_BAD), os.O_WRONLY | os.O_CREAT)
    os.write(fd, "岗位: [没有括完\n".encode())
    os.close(fd)
    (tmp_path / "config.yaml").write_text("content: jobs\n", encoding="utf-8")
    assert main(["--config", str(tmp_path / "config.yaml"), "validate", "--json"]) == 1
    out = json.loads(capfdbinary.readouterr().out.decode("utf-8"))  # strict: valid UTF-8
    assert out["problems"][0]["file"] == printable(os.fsdecode(GBK_BAD))


def _today():
    import datetime as dt

    return dt.date.today()


def test_one_bad_name_does_not_take_the_json_down():
    state = {"errors": [{"file": os.fsdecode(GBK_BAD)}], "ids": ["\ud800"]}
    s = WebServer(0)
    s.state = state
    code, ctype, body = s._status()
    s.stop()
    assert code == 200
    assert body.decode("utf-8").count("\ufffd") >= 2


def test_printable_is_identity_on_good_text():
    text = "招聘会 ok.yaml ✓"
    assert printable(text) == text
    assert Path(printable(os.fsdecode(b"\xd5\xd0.yaml"))).suffix == ".yaml"
