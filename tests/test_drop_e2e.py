"""End to end: the real ``signage run`` process, its real watcher, and its /status endpoint."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request

from drophelpers import eventually, listing_yaml, report_of


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2) as r:
            state = json.loads(r.read())
            return None if state.get("starting") else state
    except OSError:
        return None


def test_signage_run_takes_in_drop_folder_changes(drop, config_file, tmp_path):
    port = _free_port()
    cfg = config_file("watch: native\npages:\n  transition: none\n", port=port)
    drop("a.yaml", listing_yaml("开场岗位"))
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    with open(tmp_path / "run.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "signage", "--config", str(cfg), "run",
                                 "--windowed", "--size", "640x360", "--seconds", "60"],
                                env=env, stdout=log, stderr=log)
    try:
        eventually(lambda: (_status(port) or {}).get("listings_loaded") == 1, timeout=30)
        drop("b.yaml", listing_yaml("新来的岗位"))
        eventually(lambda: (_status(port) or {}).get("listings_loaded") == 2)
        drop("c.csv", "岗位,电话\n坏电话,12\n")
        state = eventually(lambda: (s := _status(port)) and s["errors"] and s)
        assert state["errors"][0]["file"] == "c.csv" and state["errors"][0]["column"] == 2
        assert "c.csv 第 2 行 B 列" in eventually(lambda: report_of(drop.folder))
        (drop.folder / "c.csv").unlink()
        eventually(lambda: (s := _status(port)) and not s["errors"])
        eventually(lambda: report_of(drop.folder) is None)
        (drop.folder / "a.yaml").unlink()
        eventually(lambda: (_status(port) or {}).get("listings_loaded") == 1)
    finally:
        proc.terminate()
        proc.wait(10)
