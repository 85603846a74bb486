"""The command line as the county's IT person types it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from signage.app.cli import main

ROOT = Path(__file__).resolve().parent.parent


def station(tmp_path: Path) -> Path:
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "cook.yaml").write_text("岗位: 厨房帮工\n单位: 蜀香人家餐馆\n电话: 13800000000\n",
                                                   encoding="utf-8")
    cfg = tmp_path / "station.yaml"
    cfg.write_text("content: jobs\nplaylog:\n  folder: plays\n", encoding="utf-8")
    return cfg


@pytest.mark.parametrize("order", ["before", "after"])
def test_config_before_or_after_the_command(tmp_path, capsys, monkeypatch, order):
    cfg = station(tmp_path)
    monkeypatch.chdir(tmp_path / "jobs")  # no ./config.yaml here: only --config finds the station
    argv = (["--config", str(cfg), "validate"] if order == "before"
            else ["validate", "--config", str(cfg)])
    assert main(argv) == 0
    assert "1 listings," in capsys.readouterr().out


def test_verbose_after_the_command_and_config_before_it(tmp_path, capsys, monkeypatch):
    cfg = station(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["--config", str(cfg), "validate", "-v", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"] == 1


def test_version_and_help_without_markup():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "signage", "--version"], capture_output=True,
                          text=True, env=env, timeout=30)
    assert done.returncode == 0 and done.stdout.strip() == f"signage {version('signage')}"
    done = subprocess.run([sys.executable, "-m", "signage", "--help"], capture_output=True,
                          text=True, env=env, timeout=30)
    assert done.returncode == 0
    assert "``" not in done.stdout
    assert "examples:" in done.stdout and "signage validate --config" in done.stdout
    assert "\n  signage run --windowed --size 1280x720" in done.stdout  # the lines kept as written


def test_report_from_yesterday_and_an_empty_range_says_so(tmp_path, capsys):
    cfg = station(tmp_path)
    assert main(["report", "--config", str(cfg), "--from", "yesterday"]) == 0
    captured = capsys.readouterr()
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert f"{yesterday} .. {dt.date.today()}" in captured.out
    assert "没有播放记录" in captured.err and "nothing was recorded" in captured.err


def test_a_day_that_is_not_a_day_is_refused(tmp_path, capsys):
    cfg = station(tmp_path)
    with pytest.raises(SystemExit) as ended:
        main(["report", "--config", str(cfg), "--from", "last week"])
    assert ended.value.code == 2
    assert "today or yesterday" in capsys.readouterr().err
