"""The real player (``signage run``) in a subprocess, headless, in its own tmp folder.

Each has its own config.yaml, drop folder and status port on 127.0.0.1; tests
read it only through HTTP (/status, /metrics, /feed.json), as another box would.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import requests
from drophelpers import eventually
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate, what: str, timeout: float = 30.0, every: float = 0.05):
    return eventually(predicate, timeout, every, what)


class PlayerProcess:
    """``signage run --windowed`` with ``config_text`` written to ``folder/config.yaml``."""

    def __init__(self, folder: Path, config_text: str, seconds: float = 300, token: str | None = None,
                 size: str | None = "320x180", preexec_fn=None):
        """``size`` None: the config's ``display.size``; ``preexec_fn`` runs in the child (limits)."""
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "jobs").mkdir(exist_ok=True)
        self.config = folder / "config.yaml"
        self.config.write_text(textwrap.dedent(config_text), encoding="utf-8")
        self.token = token
        self.log = folder / "player.log"
        env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYTHONPATH=str(ROOT))
        env.pop("NOTIFY_SOCKET", None)
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "signage", "--config", str(self.config), "run", "--windowed",
                 *(["--size", size] if size else []), "--seconds", str(seconds)],
                cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
        self.port = int(wait_for(self._port, "the status server to listen"))
        self.base = f"http://127.0.0.1:{self.port}"

    def _port(self):
        assert self.proc.poll() is None, self.log.read_text()
        m = re.search(r"status on http://[\d.]+:(\d+)/status", self.log.read_text())
        return m and m.group(1)

    def drop(self, name: str, text: str) -> Path:
        """Write a file into the drop folder the way staff's copy would land (whole, at once)."""
        path = self.folder / "jobs" / name
        tmp = path.with_name(f".{name}.part")
        tmp.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        os.replace(tmp, path)
        return path

    def get(self, path: str, headers: dict | None = None, token: str | None = None) -> requests.Response:
        headers = dict(headers or {})
        token = token or self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.get(self.base + path, headers=headers, timeout=10)

    def status(self) -> dict:
        try:
            state = self.get("/status").json()
        except (requests.RequestException, ValueError):
            return {}
        return {} if "starting" in state else state

    def metrics(self) -> dict:
        resp = self.get("/metrics")
        if resp.status_code != 200:  # not yet routed, just after start
            return {}
        text = resp.text
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for fam in text_string_to_metric_families(text) for s in fam.samples}

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(timeout=10)
