"""Logs under systemd: no timestamps of our own, each line with its journal priority."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from signage.app import logs

ROOT = Path(__file__).resolve().parent.parent


def run_player(tmp_path: Path, journal: bool) -> str:
    (tmp_path / "jobs").mkdir()
    # Open to the network without a token: the player refuses the status port, an error.
    (tmp_path / "config.yaml").write_text("content: jobs\nstatus:\n  host: 0.0.0.0\n  port: 0\n",
                                          encoding="utf-8")
    out = tmp_path / "stderr.txt"
    with open(out, "wb") as err:
        st = os.fstat(err.fileno())
        env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
        env.pop("JOURNAL_STREAM", None)
        if journal:  # what systemd sets when stderr is its journal stream
            env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
        done = subprocess.run([sys.executable, "-m", "signage", "run", "--config",
                               str(tmp_path / "config.yaml"), "--seconds", "1"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=err, timeout=60)
    assert done.returncode == 0
    return out.read_text(encoding="utf-8")


def test_under_the_journal_lines_carry_priorities_and_no_timestamps(tmp_path):
    text = run_player(tmp_path, journal=True)
    lines = text.splitlines()
    assert lines and all(re.match(r"<[0-7]>", line) for line in lines), text
    assert not re.search(r"\d\d:\d\d:\d\d", text)  # the journal stamps each line itself
    assert any(line.startswith("<3>") and "token" in line for line in lines), text
    assert any(line.startswith("<6>") and "SDL video driver: dummy" in line for line in lines), text


def test_on_a_terminal_lines_keep_their_time_and_level(tmp_path):
    text = run_player(tmp_path, journal=False)
    assert not re.search(r"^<\d>", text, re.M)
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ERROR signage", text, re.M), text


def test_a_traceback_keeps_its_priority_on_every_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("signage", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = logs.JournalFormatter().format(record)
    assert len(text.splitlines()) > 3
    assert all(line.startswith("<3>") for line in text.splitlines())
    assert logs.priority(logging.WARNING) == 4 and logs.priority(logging.DEBUG) == 7


def test_a_wrong_config_yaml_under_the_journal_is_an_error(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("theme: purple\n", encoding="utf-8")
    out = tmp_path / "stderr.txt"
    with open(out, "wb") as err:
        st = os.fstat(err.fileno())
        env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_VIDEODRIVER="dummy",
                   JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
        done = subprocess.run([sys.executable, "-m", "signage", "run", "--config", str(cfg)],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=err, timeout=60)
    assert done.returncode == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and all(line.startswith("<3>") for line in lines), lines
    assert any("theme" in line for line in lines)
