"""The real player, headless in a subprocess: /metrics, /screenshot.png, the token, the play log,
sd_notify, SIGHUP, SIGTERM, and SIGKILL mid-run."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pygame
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from signage.app.cli import main
from signage.ops.playlog import read_records
from signage.render import themes
from tests.playerproc import wait_for

ROOT = Path(__file__).resolve().parent.parent
STATION = Path(__file__).resolve().parent / "fixtures" / "station"  # a frozen copy of the demo
TOKEN = "test-token-1234"
DEADLINE = 30.0


class Run:
    """``signage run`` in a subprocess, with a datagram socket standing in for systemd."""

    def __init__(self, tmp: Path, config_text: str, seconds: float = 120):
        self.tmp = tmp
        shutil.copytree(STATION / "playlists" / "jobs", tmp / "jobs")
        self.config = tmp / "config.yaml"
        self.config.write_text(config_text, encoding="utf-8")
        self.notify_path = str(tmp / "notify.sock")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.notify_path)
        self.notify.settimeout(0.2)
        self.messages: list[str] = []
        self._listening = True
        self._listener = threading.Thread(target=self._listen, daemon=True)
        self._listener.start()
        self.log = tmp / "player.log"
        env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy",
                   PYTHONPATH=str(ROOT), NOTIFY_SOCKET=self.notify_path, WATCHDOG_USEC="400000")
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "signage", "--config", str(self.config), "run",
                 "--windowed", "--seconds", str(seconds)],
                cwd=tmp, env=env, stdout=err, stderr=subprocess.STDOUT)
        self.port = int(wait_for(self._port, "the status server to listen"))
        self.base = f"http://127.0.0.1:{self.port}"

    def _listen(self) -> None:
        while self._listening:
            try:
                self.messages.append(self.notify.recv(4096).decode())
            except TimeoutError:
                continue
            except OSError:
                return

    def _port(self):
        assert self.proc.poll() is None, self.log.read_text()
        m = re.search(r"status on http://[\d.]+:(\d+)/status", self.log.read_text())
        return m and m.group(1)

    def get(self, path: str, token: str | None = TOKEN) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.get(self.base + path, headers=headers, timeout=10)

    def metrics(self) -> dict:
        text = self.get("/metrics").text
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for fam in text_string_to_metric_families(text) for s in fam.samples}

    def finish(self, sig=signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=DEADLINE)
        self._listening = False
        self._listener.join(timeout=2)
        self.notify.close()
        return rc


KIOSK_CONFIG = f"""\
station: {{name: 测试驿站, hotline: 028-2333 1234}}
content: jobs
display: {{size: [640, 360]}}
pages: {{seconds: 3600, transition: none}}
status: {{host: 0.0.0.0, port: 0, token: {TOKEN}}}
playlog: {{folder: plays, screen: tv1}}
"""


def start(tmp: Path) -> Run:
    r = Run(tmp, KIOSK_CONFIG)
    wait_for(lambda: r.get("/status").json().get("frames"), "the first frame")
    return r


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One player shared by the tests that only look at it; tests that signal it or change its
    config start their own, so that the order the tests run in does not matter."""
    r = start(tmp_path_factory.mktemp("kiosk"))
    yield r
    r.finish()


@pytest.fixture
def own_run(tmp_path):
    r = start(tmp_path)
    yield r
    if r.proc.poll() is None:
        r.finish()


def test_metrics_parse_and_count_frames_slides_listings(run):
    m = run.metrics()
    assert m[("signage_frames_total", ())] >= 1
    assert m[("signage_display_upload_bytes_total", ())] >= 640 * 360 * 3  # at least one whole frame
    assert m[("signage_frame_seconds_count", ())] >= 1
    assert m[("signage_slides_shown_total", (("kind", "jobs"),))] >= 1
    assert m[("signage_listings_shown_total", ())] >= 1  # at 640x360 a page holds one card
    assert m[("signage_content_reloads_total", (("source", "folder"),))] == 12
    assert m[("signage_listings_loaded", ())] == 12
    assert m[("signage_resident_memory_bytes", ())] > 10e6
    assert m[("process_resident_memory_bytes", ())] > 10e6


def test_screenshot_is_the_page_on_screen(run, tmp_path):
    """The frame from /screenshot.png equals `signage render --at` the same second, clock included."""
    for _ in range(20):
        t0 = time.time()
        if t0 % 60 < 1.0 or t0 % 60 > 58.0:  # the clock is about to change or just did
            time.sleep(2.0)
            continue
        shot = run.get("/screenshot.png")
        t1 = time.time()
        if int(t0 // 60) == int(t1 // 60):
            break
    assert shot.status_code == 200 and shot.headers["Content-Type"] == "image/png"
    img = pygame.image.load(io.BytesIO(shot.content), "shot.png")
    assert img.get_size() == (640, 360)
    out = tmp_path / "expected.png"
    at = dt.datetime.fromtimestamp(int(t0)).strftime("%Y-%m-%d %H:%M:%S")
    assert main(["--config", str(run.config), "render", "--out", str(out), "--size", "640x360",
                 "--at", at]) == 0
    expected = pygame.image.load(str(out))
    assert pygame.image.tobytes(img, "RGB") == pygame.image.tobytes(expected, "RGB")


def test_requests_without_the_token_get_401(run):
    for path in ("/status", "/metrics", "/screenshot.png"):
        assert run.get(path, token=None).status_code == 401
        assert run.get(path, token="wrong").status_code == 401
    assert run.get("/status").status_code == 200


def test_play_log_holds_the_slide_shown(run):
    shown = run.get("/status").json()["shown_ids"]
    today = dt.date.today()

    def logged():
        rows = list(read_records(run.tmp / "plays", today - dt.timedelta(days=1), today))
        return rows if set(shown) <= {r["listing"] for r in rows} else None

    rows = wait_for(logged, "the play log to hold the page on screen")
    assert {r["screen"] for r in rows} == {"tv1"}
    assert {r["slide"] for r in rows} == {"jobs"}
    assert all(r["employer"] for r in rows)


def test_systemd_hears_ready_and_a_fed_watchdog(run):
    wait_for(lambda: run.messages.count("WATCHDOG=1") >= 2, "two watchdog pings")
    assert run.messages[0].startswith("READY=1")


def test_sighup_reloads_config_and_keeps_old_on_error(own_run):
    run = own_run
    good = run.config.read_text(encoding="utf-8")
    run.config.write_text(good + "theme: purple\n", encoding="utf-8")
    run.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: run.metrics()[("signage_config_reloads_total", (("result", "failed"),))] == 1,
             "the bad config to be refused")
    assert run.get("/status").status_code == 200  # still running, old settings
    run.config.write_text(good + "theme: night\n", encoding="utf-8")
    run.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: run.metrics()[("signage_config_reloads_total", (("result", "ok"),))] == 1,
             "the good config to be taken")
    night = themes.get("night").page_bg

    def dark():
        img = pygame.image.load(io.BytesIO(run.get("/screenshot.png").content), "s.png")
        return tuple(img.get_at((320, 358)))[:3] == tuple(night)[:3] or \
            tuple(img.get_at((5, 180)))[:3] == tuple(night)[:3]

    wait_for(dark, "the night theme on screen")


def test_sigterm_ends_cleanly(own_run):
    run = own_run
    assert run.finish(signal.SIGTERM) == 0
    assert "STOPPING=1" in run.messages
    log = run.log.read_text()
    assert "SIGTERM: stopping" in log and "stopped" in log
    assert "Traceback" not in log


def test_sigkill_mid_run_leaves_a_play_log_that_parses(tmp_path):
    r = Run(tmp_path, """\
station: {name: 测试驿站}
content: jobs
display: {size: [320, 180]}
pages: {seconds: 1, transition: none}
status: {port: 0}
playlog: {folder: plays, screen: tv2}
""")
    today = dt.date.today()
    wait_for(lambda: len({x["t"] for x in read_records(tmp_path / "plays", today, today)}) >= 3,
             "three slides in the play log")
    assert r.finish(signal.SIGKILL) == -signal.SIGKILL
    files = list((tmp_path / "plays").glob("*.jsonl"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        complete = text.split("\n")[:-1]  # a torn last line (no newline yet) is allowed
        for line in complete:
            json.loads(line)
    rows = list(read_records(tmp_path / "plays", today - dt.timedelta(days=1), today))
    assert len({r["page"] for r in rows}) >= 3


def test_sigint_ends_cleanly(tmp_path):
    r = Run(tmp_path, """\
station: {name: 测试驿站}
content: jobs
display: {size: [320, 180]}
status: {port: 0}
playlog: {folder: plays, screen: tv3}
""")
    wait_for(lambda: r.get("/status", token=None).json().get("frames"), "the first frame")
    assert r.finish(signal.SIGINT) == 0
    assert "SIGINT: stopping" in r.log.read_text()
    assert "STOPPING=1" in r.messages
