"""config.yaml -> typed, frozen settings with defaults and located errors.

``DEFAULTS`` below doubles as the documentation of every setting; the user's
file is merged over it. Paths in the file are relative to the file itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import yamlsafe

DEFAULTS: dict[str, Any] = {
    "station": {
        "name": "零工驿站",  # shown at the top left of every page
        "hotline": "",  # shown in the footer when set, e.g. "028-2333 1234"
        "lang": "zh-cn",  # zh-cn (Simplified) or zh-tw / zh-hk (Traditional glyph forms)
    },
    "content": "playlists/jobs",  # the drop folder staff put listing files in
    "display": {
        "index": 0,  # which monitor (0 = first)
        "fullscreen": True,
        "size": [1920, 1080],  # window size when not fullscreen; page size for `render`
        "rotation": 0,  # 0, 90, 180 or 270 for portrait-mounted TVs
        "fps": 60,  # frame rate while something moves (transitions); idle costs nothing
    },
    "pages": {
        "cards_per_page": "auto",  # 1-4, or auto (2 on a landscape TV, 2 on a portrait one)
        "seconds": 12,  # how long each page stays up
        "transition": "crossfade",  # crossfade, slide or none
        "transition_seconds": 0.8,
    },
    "theme": "day",  # day, night or large
    "font": {
        "path": None,  # a .ttf/.otf/.ttc; found through fontconfig when empty
        "index": None,  # the face inside a .ttc; chosen by language when empty
        "bold_path": None,
        "bold_index": None,
    },
    "status": {
        "port": 8787,  # http://127.0.0.1:PORT/status, /metrics, /screenshot.png
        "host": "127.0.0.1",  # another address (0.0.0.0 = all) needs a token
        "token": None,  # required unless host is loopback; send "Authorization: Bearer TOKEN"
    },
    "playlog": {
        "folder": "playlog",  # one JSON Lines file per day of what was shown
        "keep_days": 90,  # older day files are deleted
        "screen": None,  # this screen's name in the log; the host name when empty
    },
    "log_level": "info",
}


class ConfigError(Exception):
    """config.yaml cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class FontSettings:
    path: Path | None = None
    index: int | None = None
    bold_path: Path | None = None
    bold_index: int | None = None


@dataclass(frozen=True)
class Settings:
    station_name: str = DEFAULTS["station"]["name"]
    hotline: str = ""
    lang: str = "zh-cn"
    content_dir: Path = Path("playlists/jobs")
    display_index: int = 0
    fullscreen: bool = True
    size: tuple[int, int] = (1920, 1080)
    rotation: int = 0
    fps: int = 60
    cards_per_page: int | None = None  # None = auto
    page_seconds: float = 12.0
    transition: str = "crossfade"
    transition_seconds: float = 0.8
    theme: str = "day"
    font: FontSettings = field(default_factory=FontSettings)
    status_port: int = 8787
    status_host: str = "127.0.0.1"
    status_token: str | None = field(default=None, repr=False)
    playlog_dir: Path = Path("playlog")
    playlog_keep_days: int = 90
    screen_name: str = ""
    log_level: str = "info"
    config_path: Path | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _merge(base[key], value)
        else:
            out[key] = value
    return out


def load(path: str | Path | None) -> Settings:
    """Read settings from ``path``; a missing default file gives the defaults.

    Raises:
        ConfigError: with file and line, when the file is present but wrong.
    """
    cfg_path = Path(path) if path else Path("config.yaml")
    user: dict = {}
    if cfg_path.exists():
        try:
            text = cfg_path.read_text(encoding="utf-8-sig")
            doc = yamlsafe.load_one(text)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{cfg_path}: cannot read: {exc}") from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            raise ConfigError(f"{cfg_path}{line}: not valid YAML: {exc}") from exc
        except yamlsafe.YamlRefused as exc:
            raise ConfigError(f"{cfg_path}:{exc.line}: {exc.en}") from exc
        if doc is None:
            doc = {}
        if not isinstance(doc, dict):
            raise ConfigError(f"{cfg_path}: the top level must be a mapping of settings")
        user = doc
    elif path:
        raise ConfigError(f"{cfg_path}: no such file")
    return from_dict(user, base_dir=cfg_path.resolve().parent, config_path=cfg_path)


def from_dict(user: dict, base_dir: Path, config_path: Path | None = None) -> Settings:
    merged = _merge(DEFAULTS, user)
    where = str(config_path or "config.yaml")

    def fail(key: str, msg: str, node: Any = user) -> ConfigError:
        line = node.line_of(key) if isinstance(node, yamlsafe.LocatedDict) else None
        return ConfigError(f"{where}{':' + str(line) if line else ''}: {key}: {msg}")

    def rel(p: Any) -> Path | None:
        if p in (None, ""):
            return None
        q = Path(str(p)).expanduser()
        return q if q.is_absolute() else (base_dir / q)

    disp = merged["display"]
    pages = merged["pages"]
    font = merged["font"]
    try:
        size = tuple(int(v) for v in disp["size"])
        if len(size) != 2 or min(size) < 64:
            raise ValueError
    except (TypeError, ValueError):
        raise fail("display", "size must be two numbers such as [1920, 1080]",
                   user.get("display", user)) from None
    rotation = int(disp["rotation"])
    if rotation not in (0, 90, 180, 270):
        raise fail("display", "rotation must be 0, 90, 180 or 270", user.get("display", user))
    cpp = pages["cards_per_page"]
    if cpp in (None, "auto"):
        cpp = None
    else:
        try:
            cpp = int(cpp)
        except (TypeError, ValueError):
            cpp = 0
        if not 1 <= cpp <= 4:
            raise fail("pages", "cards_per_page must be auto or 1 to 4", user.get("pages", user))
    if pages["transition"] not in ("crossfade", "slide", "none"):
        raise fail("pages", "transition must be crossfade, slide or none", user.get("pages", user))
    if merged["theme"] not in ("day", "night", "large"):
        raise fail("theme", "must be day, night or large")
    return Settings(
        station_name=str(merged["station"]["name"]),
        hotline=str(merged["station"]["hotline"] or ""),
        lang=str(merged["station"]["lang"]).lower(),
        content_dir=rel(merged["content"]) or base_dir / "playlists/jobs",
        display_index=int(disp["index"]),
        fullscreen=bool(disp["fullscreen"]),
        size=size,  # type: ignore[arg-type]
        rotation=rotation,
        fps=max(1, int(disp["fps"])),
        cards_per_page=cpp,
        page_seconds=max(1.0, float(pages["seconds"])),
        transition=str(pages["transition"]),
        transition_seconds=max(0.0, float(pages["transition_seconds"])),
        theme=str(merged["theme"]),
        font=FontSettings(
            path=rel(font["path"]),
            index=None if font["index"] is None else int(font["index"]),
            bold_path=rel(font["bold_path"]),
            bold_index=None if font["bold_index"] is None else int(font["bold_index"]),
        ),
        status_port=int(merged["status"]["port"]),
        status_host=str(merged["status"]["host"] or "127.0.0.1"),
        status_token=None if not merged["status"]["token"] else str(merged["status"]["token"]),
        playlog_dir=rel(merged["playlog"]["folder"]) or base_dir / "playlog",
        playlog_keep_days=max(1, int(merged["playlog"]["keep_days"])),
        screen_name=str(merged["playlog"]["screen"] or ""),
        log_level=str(merged["log_level"]),
        config_path=config_path,
        raw=merged,
    )
