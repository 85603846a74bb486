"""First boot: the player says which screen it got, and refuses to draw where no one sees."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from signage.player import driver

ROOT = Path(__file__).resolve().parent.parent


def run_player(tmp_path: Path, **env_changes: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "jobs").mkdir()
    (tmp_path / "config.yaml").write_text("content: jobs\nstatus:\n  port: 0\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_AUDIODRIVER="dummy")
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run([sys.executable, "-m", "signage", "--config", str(tmp_path / "config.yaml"),
                           "run", "--seconds", "3"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)


def test_no_display_and_no_driver_asked_for_exits_with_what_to_check(tmp_path):
    done = run_player(tmp_path, DISPLAY=None, WAYLAND_DISPLAY=None, SDL_VIDEODRIVER=None)
    assert done.returncode == 3, done.stderr
    assert "no screen found" in done.stderr
    assert "SDL_VIDEODRIVER not set" in done.stderr and "DISPLAY not set" in done.stderr
    assert "kmsdrm" in done.stderr and "libgbm1" in done.stderr and "Trouble" in done.stderr
    assert "Traceback" not in done.stderr
    assert "first frame" not in done.stderr


def test_a_driver_that_cannot_open_gives_the_trouble_hint_not_a_traceback(tmp_path):
    done = run_player(tmp_path, DISPLAY=None, WAYLAND_DISPLAY=None, SDL_VIDEODRIVER="kmsdrm")
    if done.returncode == 0:  # a machine with a real console screen
        return
    assert done.returncode == 3
    assert "cannot open the screen" in done.stderr and "video and render groups" in done.stderr
    assert "Traceback" not in done.stderr


def test_dummy_asked_for_runs_and_says_so(tmp_path):
    done = run_player(tmp_path, DISPLAY=None, WAYLAND_DISPLAY=None, SDL_VIDEODRIVER="dummy")
    assert done.returncode == 0, done.stderr
    assert "SDL video driver: dummy" in done.stderr


def test_check_refuses_only_a_fallback():
    assert driver.check("kmsdrm", {}) is None
    assert driver.check("x11", {"DISPLAY": ":0"}) is None
    assert driver.check("dummy", {"SDL_VIDEODRIVER": "dummy"}) is None
    assert driver.check("offscreen", {"SDL_VIDEODRIVER": "offscreen"}) is None
    assert "offscreen" in driver.check("offscreen", {})
    assert "dummy" in driver.check("dummy", {"SDL_VIDEODRIVER": "kmsdrm"})


def test_under_systemd_no_screen_waits_before_the_restart_and_a_stop_ends_it(tmp_path):
    """The unit restarts 2 s after an exit: without a pause the journal would fill all day."""
    (tmp_path / "jobs").mkdir()
    (tmp_path / "config.yaml").write_text("content: jobs\nstatus:\n  port: 0\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env.update(PYTHONPATH=str(ROOT), SDL_AUDIODRIVER="dummy", INVOCATION_ID="0123456789abcdef")
    log = tmp_path / "stderr.txt"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "signage", "run", "--config",
                                 str(tmp_path / "config.yaml")], cwd=tmp_path, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 30
        while "trying again in 30 s" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.05)
        assert "no screen found" in log.read_text()
        time.sleep(0.5)
        assert proc.poll() is None  # still pausing
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
