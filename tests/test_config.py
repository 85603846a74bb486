"""config.yaml: one schema; every wrong value is located (file:line, the setting, what is
allowed) and stops `validate` and `run` with exit code 2, never with a traceback."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from pydantic import BaseModel

from signage.app import config
from signage.core import settings

ROOT = Path(__file__).resolve().parent.parent
HEAD = "# a station's settings\nstation: {name: 测试驿站}\n"  # two lines before each variant
OFFSET = 2

# (name, text after HEAD, line within that text, the setting named, words of what is allowed)
WRONG = [
    ("seconds-abc", "pages:\n  seconds: abc\n", 2, "pages.seconds", "at least 1"),
    ("seconds-negative", "pages:\n  seconds: -5\n", 2, "pages.seconds", "at least 1"),
    ("seconds-zero", "pages: {seconds: 0}\n", 1, "pages.seconds", "at least 1"),
    ("status-a-number", "status: 8787\n", 1, "status", "port, host, token"),
    ("log-level-loud", "log_level: loud\n", 1, "log_level", "debug, info, warning or error"),
    ("log-level-list", "log_level: [info]\n", 1, "log_level", "debug, info, warning or error"),
    ("port-too-big", "status:\n  port: 99999\n", 2, "status.port", "0 to 65535"),
    ("port-words", "status:\n  host: 127.0.0.1\n  port: eighty\n", 3, "status.port", "0 to 65535"),
    ("theme-purple", "theme: purple\n", 1, "theme", "day, night, large"),
    ("transition-wipe", "pages:\n  transition: wipe\n", 2, "pages.transition",
     "crossfade, slide or none"),
    ("transition-seconds", "pages:\n  transition_seconds: 99\n", 2, "pages.transition_seconds",
     "0 to 10"),
    ("watch-inotify", "watch: inotify\n", 1, "watch", "native or poll"),
    ("rotation-45", "display:\n  rotation: 45\n", 2, "display.rotation", "0, 90, 180 or 270"),
    ("cards-7", "pages:\n  cards_per_page: 7\n", 2, "pages.cards_per_page", "auto, or 1 to 4"),
    ("cards-many", "pages:\n  cards_per_page: many\n", 2, "pages.cards_per_page",
     "auto, or 1 to 4"),
    ("unknown-key", "themes: night\n", 1, "themes", "did you mean 'theme'?"),
    ("unknown-nested-key", "pages:\n  secnds: 5\n", 2, "pages.secnds", "did you mean 'seconds'?"),
    ("list-for-mapping", "display: [1920, 1080]\n", 1, "display", "fullscreen, size"),
    ("text-for-mapping", "station: 乐至\n", 1, "station", "name, hotline, lang"),
    ("size-text", "display:\n  size: 1920x1080\n", 2, "display.size", "[1920, 1080]"),
    ("size-tiny", "display:\n  size: [10, 1080]\n", 2, "display.size[1]", "at least 64"),
    ("fps-zero", "display: {fps: 0}\n", 1, "display.fps", "1 to 240"),
    ("fullscreen-maybe", "display:\n  fullscreen: maybe\n", 2, "display.fullscreen", "true"),
    ("outputs-words", "display:\n  outputs: [left, right]\n", 2, "display.outputs[1]",
     "monitor numbers"),
    ("screen-index-past-count", "screen:\n  index: 4\n  count: 3\n", 1, "screen",
     "index must be 1 to count"),
    ("screen-count-zero", "screen:\n  count: 0\n", 2, "screen.count", "share the listings"),
    ("ticker-speed-fast", "ticker:\n  speed: fast\n", 2, "ticker.speed", "pixels per second"),
    ("ticker-source", "ticker:\n  source: weather\n", 2, "ticker.source",
     "listings (the newest) or announcements"),
    ("badge-corner", "staff_badge_corner: middle\n", 1, "staff_badge_corner", "bottom-right"),
    ("keep-days-zero", "playlog:\n  keep_days: 0\n", 2, "playlog.keep_days", "at least 1"),
    ("font-index", "font:\n  index: -1\n", 2, "font.index", "the face inside a .ttc"),
    ("feeds-a-number", "feeds: 5\n", 1, "feeds", "a list of feeds"),
    ("feed-ftp", "feeds:\n  - url: ftp://x/y\n", 2, "feeds[1].url", "http:// or https://"),
    ("feed-no-url", "feeds:\n  - interval: 5\n", 2, "feeds[1].url", "required"),
    ("feed-interval-negative", "feeds:\n  - url: http://127.0.0.1:9/f.json\n    interval: -1\n",
     3, "feeds[1].interval", "seconds between polls"),
    ("feed-headers-list", "feeds:\n  - url: http://127.0.0.1:9/f.json\n    headers: [a, b]\n",
     3, "feeds[1].headers", "mapping"),
    ("not-yaml", "pages: [seconds: 5\ntheme: day\n", 2, "not valid YAML", "YAML"),
    ("tabs", "pages:\n\tseconds: 5\n", 2, "not valid YAML", "spaces, not tabs"),
]

# Whole files that are wrong before any setting is read: (name, bytes, line, words)
WRONG_FILES = [
    ("empty", b"", 1, "no settings"),
    ("only-comments", b"# nothing set\n", 1, "no settings"),
    ("a-list", b"- theme: day\n- theme: night\n", 1, "top level must be a mapping"),
    ("plain-words", b"hello world\n", 1, "top level must be a mapping"),
    ("utf16-bom", "theme: day\n".encode("utf-16"), 1, "UTF-16; save it as UTF-8"),
    ("gbk-bytes", "theme: day\nstation:\n  name: 乐至驿站\n".encode("gbk"), 3,
     "not UTF-8 text"),
]

ENV = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYTHONPATH=str(ROOT))


def _signage(cfg: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "signage", "--config", str(cfg), *command],
                          cwd=cfg.parent, env=ENV, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every wrong file through `validate` and `run`, two processes at a time."""
    jobs = []
    for name, text, *_ in WRONG:
        folder = tmp_path_factory.mktemp(name)
        (folder / "config.yaml").write_text(HEAD + text, encoding="utf-8")
        jobs.append((name, folder / "config.yaml"))
    for name, data, *_ in WRONG_FILES:
        folder = tmp_path_factory.mktemp(name)
        (folder / "config.yaml").write_bytes(data)
        jobs.append((name, folder / "config.yaml"))
    commands = (("validate",), ("run", "--windowed", "--seconds", "5"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {(name, cmd[0]): (cfg, pool.submit(_signage, cfg, *cmd))
                   for name, cfg in jobs for cmd in commands}
        return {key: (cfg, fut.result()) for key, (cfg, fut) in futures.items()}


def _check(outcomes, name: str, line: int, words: list[str]) -> None:
    for command in ("validate", "run"):
        cfg, done = outcomes[(name, command)]
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 2, (command, done.returncode, done.stderr)
        assert f"{cfg}:{line}:" in done.stderr, (command, done.stderr)
        for w in words:
            assert w in done.stderr, (command, w, done.stderr)


@pytest.mark.parametrize("name, text, line, setting, allowed", WRONG, ids=[w[0] for w in WRONG])
def test_a_wrong_setting_is_located_and_stops_with_code_2(outcomes, name, text, line, setting,
                                                           allowed):
    _check(outcomes, name, line + OFFSET, [f": {setting}: ", allowed])


@pytest.mark.parametrize("name, data, line, words", WRONG_FILES, ids=[w[0] for w in WRONG_FILES])
def test_a_wrong_file_is_located_and_stops_with_code_2(outcomes, name, data, line, words):
    _check(outcomes, name, line, [words])


def test_every_message_of_a_file_is_located(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("pages:\n  seconds: abc\n  transition: wipe\ntheme: purple\n", encoding="utf-8")
    with pytest.raises(config.ConfigError) as err:
        config.load(cfg)
    lines = str(err.value).splitlines()
    assert [x.split(": ")[0] for x in lines] == [f"{cfg}:2:3", f"{cfg}:3:3", f"{cfg}:4:1"]


@pytest.mark.parametrize("text, located", [
    ("pages: {seconds: true}\n", ":1:9: pages.seconds: should be a number, not true or false"),
    ("status:\n  port: false\n", ":2:3: status.port: should be a number"),
    ("5: x\n", ":1:1: 5: a setting's name must be a word"),
    ("content: [a, b]\n", ":1:1: content: should be a path"),
    ("feeds: [5]\n", ":1:9: feeds[1]: should be a mapping (got 5)"),
    ("display:\n  size: [1920]\n", ":2:3: display.size[2]: is required here"),
    ("display: {index: 1.5}\n", ":1:11: display.index: should be a valid integer"),
])
def test_more_wrong_values_in_process(tmp_path, text, located):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError) as err:
        config.load(cfg)
    assert f"{cfg}{located}" in str(err.value)


def test_a_utf8_bom_and_numbers_written_for_text_are_fine(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_bytes("\ufeffstation:\n  hotline: 12345678\npages: {cards_per_page: auto}\n"
                    .encode("utf-8"))
    s = config.load(cfg)
    assert (s.hotline, s.cards_per_page) == ("12345678", None)


def test_paths_are_relative_to_the_file(tmp_path):
    (tmp_path / "etc").mkdir()
    cfg = tmp_path / "etc" / "config.yaml"
    cfg.write_text("content: drop\nfont: {path: fonts/a.ttc}\nplaylists: ''\n", encoding="utf-8")
    s = config.load(cfg)
    assert s.content_dir == tmp_path / "etc" / "drop"
    assert s.font.path == tmp_path / "etc" / "fonts" / "a.ttc"
    assert s.playlists_dir is None
    assert s.cache_dir == tmp_path / "etc" / "var" / "cache"


def test_no_file_gives_the_defaults_and_a_named_missing_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert config.load(None).page_seconds == settings.Config().pages.seconds
    with pytest.raises(config.ConfigError, match="no such file"):
        config.load(tmp_path / "elsewhere.yaml")


def _fields(model: type[BaseModel], prefix: str = ""):
    for name, info in model.model_fields.items():
        sub = info.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            yield from _fields(sub, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", info


def test_every_setting_says_what_it_is_and_what_is_allowed():
    undocumented = [name for name, info in _fields(settings.Config) if not info.description]
    undocumented += [f"feeds[].{name}" for name, info in _fields(settings.FeedSettings)
                     if not info.description]
    assert undocumented == []


def _wait_for(predicate, what: str, timeout: float = 30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_sighup_with_a_broken_file_keeps_the_old_settings_and_logs_why(tmp_path):
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "a.yaml").write_text("岗位: 保洁员\n单位: 某公司\n电话: 13812345678\n",
                                              encoding="utf-8")
    good = ("station: {name: 旧站名}\ncontent: jobs\nplaylists: ''\ndisplay: {size: [320, 180]}\n"
            "status: {port: 0}\nplaylog: {folder: plays}\n")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(good, encoding="utf-8")
    log = tmp_path / "player.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "signage", "--config", str(cfg), "run",
                                 "--windowed", "--seconds", "120"],
                                cwd=tmp_path, env=ENV, stdout=out, stderr=subprocess.STDOUT)
    try:
        def port():
            assert proc.poll() is None, log.read_text(encoding="utf-8")
            m = re.search(r"status on http://[\d.]+:(\d+)/status", log.read_text(encoding="utf-8"))
            return m and m.group(1)

        base = f"http://127.0.0.1:{_wait_for(port, 'the status server')}"
        _wait_for(lambda: requests.get(base + "/status", timeout=5).json().get("frames"),
                  "the first frame")
        renamed = good.replace("旧站名", "新站名")
        broken = [
            (renamed + "pages:\n  seconds: abc\n").encode("utf-8"),
            renamed.replace("status: {port: 0}", "status: 8787").encode("utf-8"),
            (renamed + "pages: [seconds\n").encode("utf-8"),
            renamed.encode("gbk"),
            b"",
        ]
        for n, data in enumerate(broken, start=1):
            cfg.write_bytes(data)
            with pytest.raises(config.ConfigError) as err:
                config.load(cfg)
            said = subprocess.run([sys.executable, "-m", "signage", "--config", str(cfg),
                                   "validate"], cwd=tmp_path, env=ENV, capture_output=True,
                                  text=True, timeout=60).stderr
            assert said.strip() == f"signage: {err.value}"  # the same message at start
            proc.send_signal(signal.SIGHUP)
            _wait_for(lambda n=n: log.read_text(encoding="utf-8").count(
                "config.yaml not reloaded: ") == n, f"broken file {n} to be refused")
            assert f"config.yaml not reloaded: {err.value}" in log.read_text(encoding="utf-8")
            assert requests.get(base + "/status", timeout=5).json()["station"] == "旧站名"
        cfg.write_text(renamed, encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        _wait_for(lambda: requests.get(base + "/status", timeout=5).json()["station"] == "新站名",
                  "the good file to be taken")
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=30)
    text = log.read_text(encoding="utf-8")
    assert rc == 0 and "Traceback" not in text and "applying function failed" not in text, text
