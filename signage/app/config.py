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

from signage.core.theme_names import THEME_NAMES
from signage.parse import yamlsafe

DEFAULTS: dict[str, Any] = {
    "station": {
        "name": "零工驿站",  # shown at the top left of every page
        "hotline": "",  # shown in the footer when set, e.g. "028-2333 1234"
        "lang": "zh-cn",  # zh-cn (Simplified) or zh-tw / zh-hk (Traditional glyph forms)
    },
    "content": "playlists/jobs",  # the drop folder staff put listing files in
    "playlists": "playlists",  # playlist files (*.yaml) with their schedules; see docs/programme.md
    "screen": {
        "index": 1,  # which screen of the room this box is (1 = first); see docs/programme.md
        "count": 1,  # how many screens share the listings (each shows its own share)
    },
    "ticker": {
        "enabled": False,  # a line scrolling along the footer
        "speed": 120,  # pixels per second on a 1080-line screen (scaled to the screen)
        "source": "listings",  # listings (the newest) or announcements (from the playlists)
    },
    "display": {
        "index": 0,  # which monitor (0 = first)
        "fullscreen": True,
        "size": [1920, 1080],  # window size when not fullscreen; page size for `render`
        "rotation": 0,  # 0, 90, 180 or 270 for portrait-mounted TVs
        "fps": 60,  # frame rate while something moves (transitions); idle costs nothing
        "outputs": [],  # several HDMI outputs on one box, e.g. [0, 1]: one window each
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
        "folder": "var/playlog",  # one JSON Lines file per day of what was shown
        "keep_days": 90,  # older day files are deleted
        "screen": None,  # this screen's name in the log; the host name when empty
    },
    "log_level": "info",
    # Remote feeds of listings (see docs/feed.md). Each entry of the list:
    #   url: https://jobs.example.gov.cn/feed.json   (http or https only)
    #   interval: 300          seconds between polls while the server answers
    #   format: auto           auto, json, yaml (our own schema) or jobposting (schema.org, JSON-LD or HTML)
    #   headers: {}            extra request headers, e.g. {X-Station: 乐至}
    #   token: ""              sent as "Authorization: Bearer ..."; never logged nor shown on /status
    #   token_env: ""          or: the name of an environment variable holding the token
    #   max_stale: 21600       seconds of failing after which the staff badge warns (cached listings stay)
    #   connect_timeout: 5     seconds to connect
    #   read_timeout: 15       seconds of silence while reading
    #   deadline: 60           seconds for a whole request, however slowly the bytes drip
    #   max_bytes: 5000000     a larger response is cut off and refused
    #   max_redirects: 5
    #   retry_max: 900         the longest wait between retries while the server fails
    #   verify_tls: true       false only for a test server; or a path to a CA bundle
    #   images: true           download images named by listings (PNG/JPEG, image_max_bytes each)
    #   image_max_bytes: 3000000
    "feeds": [],
    "cache_dir": "var/cache",  # last good copy of each feed and its images
    "watch": "auto",  # how the drop folder is watched: auto (native, polling when that fails), native, poll
    "staff_badge": True,  # a small on-screen note when files in the drop folder have errors
    "staff_badge_corner": "bottom-right",  # top-left, top-right, bottom-left or bottom-right
}


class ConfigError(Exception):
    """config.yaml cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class FontSettings:
    path: Path | None = None
    index: int | None = None
    bold_path: Path | None = None
    bold_index: int | None = None


FEED_DEFAULTS: dict[str, Any] = {
    "url": None,
    "interval": 300,
    "format": "auto",
    "headers": {},
    "token": "",
    "token_env": "",
    "max_stale": 6 * 3600,
    "connect_timeout": 5,
    "read_timeout": 15,
    "deadline": 60,
    "max_bytes": 5_000_000,
    "max_redirects": 5,
    "retry_max": 900,
    "verify_tls": True,
    "images": True,
    "image_max_bytes": 3_000_000,
}
FEED_FORMATS = ("auto", "json", "yaml", "jobposting")


@dataclass(frozen=True)
class FeedSettings:
    """One remote feed; ``token`` is kept out of repr so it never reaches a log line."""

    url: str
    interval: float = 300.0
    format: str = "auto"
    headers: tuple[tuple[str, str], ...] = ()
    token: str = field(default="", repr=False)
    max_stale: float = 6 * 3600.0
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    deadline: float = 60.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    retry_max: float = 900.0
    verify_tls: bool | str = True
    images: bool = True
    image_max_bytes: int = 3_000_000


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
    playlog_dir: Path = Path("var/playlog")
    playlog_keep_days: int = 90
    screen_name: str = ""
    log_level: str = "info"
    feeds: tuple[FeedSettings, ...] = ()
    cache_dir: Path = Path("var/cache")
    playlists_dir: Path | None = None  # None: no playlists, every listing in turn
    screen_index: int = 0  # 0-based here; 1-based in config.yaml
    screen_count: int = 1
    outputs: tuple[int, ...] = ()
    ticker_enabled: bool = False
    ticker_speed: float = 120.0
    ticker_source: str = "listings"
    watch: str = "auto"
    staff_badge: bool = True
    staff_badge_corner: str = "bottom-right"
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
    if merged["theme"] not in THEME_NAMES:
        raise fail("theme", "must be day, night or large")
    feeds = _feeds(merged["feeds"], user, fail, rel)
    screen = merged["screen"] if isinstance(merged["screen"], dict) else {}
    try:
        screen_count = int(screen.get("count", 1))
        screen_index = int(screen.get("index", 1))
        if screen_count < 1 or not 1 <= screen_index <= screen_count:
            raise ValueError
    except (TypeError, ValueError):
        raise fail("screen", "index must be 1 to count (e.g. index: 2, count: 3)",
                   user.get("screen", user)) from None
    try:
        outputs = tuple(int(v) for v in (disp.get("outputs") or ()))
    except (TypeError, ValueError):
        raise fail("display", "outputs must be a list of monitor numbers such as [0, 1]",
                   user.get("display", user)) from None
    ticker = merged["ticker"] if isinstance(merged["ticker"], dict) else {}
    if ticker.get("source", "listings") not in ("listings", "announcements"):
        raise fail("ticker", "source must be listings or announcements", user.get("ticker", user))
    try:
        ticker_speed = float(ticker.get("speed", 120))
    except (TypeError, ValueError):
        raise fail("ticker", "speed must be a number (pixels per second)", user.get("ticker", user)) from None
    if merged["watch"] not in ("auto", "native", "poll"):
        raise fail("watch", "must be auto, native or poll")
    if merged["staff_badge_corner"] not in ("top-left", "top-right", "bottom-left", "bottom-right"):
        raise fail("staff_badge_corner", "must be top-left, top-right, bottom-left or bottom-right")
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
        playlog_dir=rel(merged["playlog"]["folder"]) or base_dir / "var/playlog",
        playlog_keep_days=max(1, int(merged["playlog"]["keep_days"])),
        screen_name=str(merged["playlog"]["screen"] or ""),
        log_level=str(merged["log_level"]),
        feeds=feeds,
        cache_dir=rel(merged["cache_dir"]) or base_dir / "var/cache",
        playlists_dir=rel(merged["playlists"]),
        screen_index=screen_index - 1,
        screen_count=max(screen_count, screen_index - 1 + len(outputs)),
        outputs=outputs,
        ticker_enabled=bool(ticker.get("enabled", False)),
        ticker_speed=max(1.0, ticker_speed),
        ticker_source=str(ticker.get("source", "listings")),
        watch=str(merged["watch"]),
        staff_badge=bool(merged["staff_badge"]),
        staff_badge_corner=str(merged["staff_badge_corner"]),
        config_path=config_path,
        raw=merged,
    )


def _feeds(entries: Any, user: dict, fail, rel) -> tuple[FeedSettings, ...]:
    """The ``feeds:`` list, each entry merged over FEED_DEFAULTS and checked."""
    import os
    from urllib.parse import urlsplit

    if entries in (None, ""):
        return ()
    if isinstance(entries, dict | str):
        entries = [entries]
    if not isinstance(entries, list):
        raise fail("feeds", "must be a list of feeds, each with a url")
    out = []
    for n, entry in enumerate(entries, start=1):
        node = entry if isinstance(entry, yamlsafe.LocatedDict) else user
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict):
            raise fail("feeds", f"entry {n} must be a mapping with a url")
        unknown = set(entry) - set(FEED_DEFAULTS)
        if unknown:
            key = sorted(unknown, key=str)[0]
            raise fail(key, f"unknown feed setting (known: {', '.join(FEED_DEFAULTS)})", node)
        f = {**FEED_DEFAULTS, **entry}
        url = str(f["url"] or "").strip()
        if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).hostname:
            raise fail("url", "a feed url must start with http:// or https://", node)
        if f["format"] not in FEED_FORMATS:
            raise fail("format", f"must be one of {', '.join(FEED_FORMATS)}", node)
        headers = f["headers"] or {}
        if not isinstance(headers, dict):
            raise fail("headers", "must be a mapping of header name to value", node)
        token = str(f["token"] or "")
        if not token and f["token_env"]:
            token = os.environ.get(str(f["token_env"]), "")
        verify = f["verify_tls"]
        if not isinstance(verify, bool):
            verify = str(rel(verify))
        try:
            out.append(FeedSettings(
                url=url,
                interval=max(0.05, float(f["interval"])),
                format=str(f["format"]),
                headers=tuple((str(k), str(v)) for k, v in headers.items()),
                token=token,
                max_stale=max(0.0, float(f["max_stale"])),
                connect_timeout=max(0.05, float(f["connect_timeout"])),
                read_timeout=max(0.05, float(f["read_timeout"])),
                deadline=max(0.1, float(f["deadline"])),
                max_bytes=max(1024, int(f["max_bytes"])),
                max_redirects=max(0, int(f["max_redirects"])),
                retry_max=max(0.1, float(f["retry_max"])),
                verify_tls=verify,
                images=bool(f["images"]),
                image_max_bytes=max(1024, int(f["image_max_bytes"])),
            ))
        except (TypeError, ValueError):
            raise fail("feeds", f"entry {n}: numbers expected for times and sizes", node) from None
    return tuple(out)
