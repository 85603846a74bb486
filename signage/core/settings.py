"""The settings schema: every setting of config.yaml, its default and what it means, and the
flat, frozen :class:`Settings` the player reads.

Plain data at the bottom of the flow, so the sources, the player and the app all read
it without importing the app: reading config.yaml, resolving its paths (``from_dict``) and
the located error messages live in ``signage.app.config``. The pydantic models below are
the one home of every setting and its default (``description`` also says what is allowed).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from signage.core.theme_names import DEFAULT_THEME, THEME_NAMES, ThemeName


def _empty_is_none(value: Any) -> Any:
    return None if value == "" else value


def _none_is_empty(value: Any) -> Any:
    return "" if value is None else value


def _auto_is_none(value: Any) -> Any:
    return None if value in ("auto", "", None) else value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_none_is_empty)]
MaybePath = Annotated[Path | None, BeforeValidator(_empty_is_none)]
MaybeText = Annotated[str | None, BeforeValidator(_empty_is_none)]


class _Section(BaseModel):
    """A group of settings: unknown keys are refused, numbers written for text are text,
    true/false is not a number."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name is not None:
            kinds = _types(cls.model_fields[info.field_name].annotation)
            if bool not in kinds and kinds & {int, float}:
                raise ValueError("should be a number, not true or false")
        return value


def _types(annotation: Any) -> set:
    """The plain types a (possibly nested) annotation allows."""
    args = get_args(annotation)
    if not args:
        return {annotation}
    return set().union(*(_types(a) for a in args if not isinstance(a, FieldInfo)))


class Station(_Section):
    name: Text = Field("零工驿站", description="shown at the top left of every page")
    hotline: Text = Field("", description='shown in the footer when set, e.g. "028-2333 1234"')
    lang: Annotated[str, BeforeValidator(_lower)] = Field(
        "zh-cn", description="zh-cn (Simplified) or zh-tw / zh-hk (Traditional glyph forms)")
    logo: MaybePath = Field(None, description="a picture shown at the left of the header, e.g. "
                            "assets/logo.png")


class Screen(_Section):
    index: int = Field(1, ge=1, description="which screen of the room this box is (1 = first); "
                       "see docs/programme.md")
    count: int = Field(1, ge=1, description="how many screens share the listings "
                       "(each shows its own share)")

    @model_validator(mode="after")
    def _index_within_count(self) -> Screen:
        if self.index > self.count:
            raise ValueError(f"index {self.index} is more than count {self.count}; "
                             "index must be 1 to count (e.g. index: 2, count: 3)")
        return self


class Ticker(_Section):
    enabled: bool = Field(False, description="a line scrolling along the footer (true or false)")
    speed: float = Field(120.0, ge=1, description="pixels per second on a 1080-line screen "
                         "(scaled to the screen), at least 1")
    source: Literal["listings", "announcements"] = Field(
        "listings", description="listings (the newest) or announcements (from the playlists)")


class Display(_Section):
    index: int = Field(0, ge=0, description="which monitor (0 = first)")
    fullscreen: bool = Field(True, description="true, or false for a window")
    size: tuple[Annotated[int, Field(ge=64)], Annotated[int, Field(ge=64)]] = Field(
        (1920, 1080), description="window size when not fullscreen; page size for `render`; "
        "two numbers of at least 64 such as [1920, 1080]")
    rotation: Literal[0, 90, 180, 270] = Field(
        0, description="0, 90, 180 or 270 for portrait-mounted TVs")
    fps: Annotated[Annotated[int, Field(ge=1, le=240)] | None, BeforeValidator(_auto_is_none)] = Field(
        None, description="frame rate while something moves (transitions, the ticker): auto, or 1 "
        "to 240 (auto: 60 on the gpu path, 30 on the software path, where every frame's changed "
        "pixels travel to the screen); idle costs nothing")
    outputs: tuple[Annotated[int, Field(ge=0)], ...] = Field(
        (), description="several HDMI outputs on one box, a list of monitor numbers such as "
        "[0, 1]: one window each")
    renderer: Literal["auto", "gpu", "software"] = Field(
        "auto", description="how frames reach the screen: gpu (textures on a graphics chip), "
        "software (the window's pixels, only changed parts sent), or auto (gpu where a real "
        "graphics driver is found, else software)")
    power: Literal["cec", "none"] = Field(
        "cec", description="cec: the TV goes to standby over HDMI-CEC in sleep hours and wakes "
        "after them; none: the screen only draws black")


class Pages(_Section):
    cards_per_page: Annotated[Annotated[int, Field(ge=1, le=4)] | None,
                              BeforeValidator(_auto_is_none)] = Field(
        None, description="auto, or 1 to 4 (auto: 2 on a landscape TV, 2 on a portrait one)")
    seconds: float = Field(12.0, ge=1, description="how long each page stays up, in seconds "
                           "(at least 1)")
    transition: Literal["crossfade", "slide", "none"] = Field(
        "crossfade", description="crossfade, slide or none")
    transition_seconds: float = Field(0.8, ge=0, le=10, description="how long a transition "
                                      "takes, 0 to 10 seconds")


class FontSettings(_Section):
    path: MaybePath = Field(None, description="a .ttf/.otf/.ttc; found through fontconfig "
                            "when empty")
    index: int | None = Field(None, ge=0, description="the face inside a .ttc; chosen by "
                              "language when empty")
    bold_path: MaybePath = Field(None, description="a bold .ttf/.otf/.ttc; the regular face "
                                 "when empty")
    bold_index: int | None = Field(None, ge=0, description="the face inside the bold .ttc")


class Status(_Section):
    port: int = Field(8787, ge=0, le=65535, description="http://127.0.0.1:PORT/status, "
                      "/metrics, /screenshot.png; 0 to 65535 (0: any free port)")
    host: Annotated[str, BeforeValidator(lambda v: v or "127.0.0.1")] = Field(
        "127.0.0.1", description="another address (0.0.0.0 = all) needs a token")
    token: MaybeText = Field(None, repr=False, description="required unless host is loopback; "
                             'send "Authorization: Bearer TOKEN"')
    password_hash: MaybeText = Field(None, repr=False, description="the staff page's password "
                                     "from the LAN, hashed; `signage passwd` makes it")


class Playlog(_Section):
    folder: Path = Field(Path("var/playlog"), description="one JSON Lines file per day of "
                         "what was shown")
    keep_days: int = Field(90, ge=1, description="older day files are deleted; at least 1")
    screen: Text = Field("", description="this screen's name in the log; the host name "
                         "when empty")


def _header_pairs(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, dict):
        return tuple((str(k), "" if v is None else str(v)) for k, v in value.items())
    if isinstance(value, tuple):  # already pairs (FeedSettings made in code)
        return value
    raise ValueError("should be a mapping of header name to value")


class FeedSettings(_Section):
    """One remote feed (see docs/feed.md); ``token`` is kept out of repr and logs."""

    url: str = Field(description="http:// or https:// address of the feed")
    interval: float = Field(300.0, ge=0.05, description="seconds between polls while the "
                            "server answers")
    format: Literal["auto", "json", "yaml", "jobposting"] = Field(
        "auto", description="auto, json, yaml (our own schema) or jobposting (schema.org, "
        "JSON-LD or HTML)")
    headers: Annotated[tuple[tuple[str, str], ...], BeforeValidator(_header_pairs)] = Field(
        (), description="extra request headers, a mapping such as {X-Station: 乐至}")
    token: Text = Field("", repr=False, description='sent as "Authorization: Bearer ..."; '
                        "never logged nor shown on /status")
    token_env: Text = Field("", description="or: the name of an environment variable "
                            "holding the token")
    max_stale: float = Field(6 * 3600.0, ge=0, description="seconds of failing after which "
                             "the staff badge warns (cached listings stay)")
    connect_timeout: float = Field(5.0, ge=0.05, description="seconds to connect")
    read_timeout: float = Field(15.0, ge=0.05, description="seconds of silence while reading")
    deadline: float = Field(60.0, ge=0.1, description="seconds for a whole request, however "
                            "slowly the bytes drip")
    max_bytes: int = Field(5_000_000, ge=1024, description="a larger response is cut off "
                           "and refused")
    max_redirects: int = Field(5, ge=0, description="redirects followed")
    retry_max: float = Field(900.0, ge=0.1, description="the longest wait between retries "
                             "while the server fails")
    verify_tls: bool | str = Field(True, description="false only for a test server; or a "
                                   "path to a CA bundle")
    images: bool = Field(True, description="download images named by listings (PNG/JPEG, "
                         "image_max_bytes each)")
    image_max_bytes: int = Field(3_000_000, ge=1024, description="largest image downloaded")

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        url = url.strip()
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError("a feed url must start with http:// or https://")
        return url


def _feed_list(value: Any) -> Any:
    if value in (None, ""):
        return ()
    if isinstance(value, dict | str):
        value = [value]
    if isinstance(value, list):
        return [{"url": v} if isinstance(v, str) else v for v in value]
    return value


class Config(_Section):
    """config.yaml as written: every setting, its default, and what it means."""

    station: Station = Field(default_factory=Station)
    content: Path = Field(Path("playlists/jobs"), description="the drop folder staff put "
                          "listing files in")
    playlists: MaybePath = Field(Path("playlists"), description="playlist files (*.yaml) with "
                                 "their schedules; see docs/programme.md")
    screen: Screen = Field(default_factory=Screen)
    ticker: Ticker = Field(default_factory=Ticker)
    display: Display = Field(default_factory=Display)
    pages: Pages = Field(default_factory=Pages)
    theme: ThemeName = Field(DEFAULT_THEME, description=", ".join(THEME_NAMES))
    font: FontSettings = Field(default_factory=FontSettings)
    status: Status = Field(default_factory=Status)
    playlog: Playlog = Field(default_factory=Playlog)
    log_level: Annotated[Literal["debug", "info", "warning", "error"],
                         BeforeValidator(_lower)] = Field(
        "info", description="debug, info, warning or error")
    feeds: Annotated[tuple[FeedSettings, ...], BeforeValidator(_feed_list)] = Field(
        (), description="remote feeds of listings (see docs/feed.md), a list of feeds "
        "each with a url")
    cache_dir: Path = Field(Path("var/cache"), description="last good copy of each feed and "
                            "its images")
    watch: Literal["auto", "native", "poll"] = Field(
        "auto", description="how the drop folder is watched: auto (native, polling when that "
        "fails), native or poll")
    staff_badge: bool = Field(True, description="a small on-screen note when files in the drop "
                              "folder have errors (true or false)")
    staff_badge_corner: Literal["top-left", "top-right", "bottom-left", "bottom-right"] = Field(
        "bottom-right", description="top-left, top-right, bottom-left or bottom-right")


@dataclass(frozen=True)
class Settings:
    """What the player reads: :class:`Config` with paths resolved and screens counted.

    No defaults here: they live in :class:`Config`; build with :func:`from_dict`.
    """

    station_name: str
    hotline: str
    lang: str
    content_dir: Path
    display_index: int
    fullscreen: bool
    size: tuple[int, int]
    rotation: int
    fps: int | None  # None: the path's own (compositor.motion_fps)
    renderer: str  # auto, gpu or software (see player/outputs.py)
    cards_per_page: int | None  # None = auto
    page_seconds: float
    transition: str
    transition_seconds: float
    theme: str
    font: FontSettings
    status_port: int
    status_host: str
    status_token: str | None = dataclasses.field(repr=False)
    status_password_hash: str | None = dataclasses.field(repr=False)
    playlog_dir: Path
    playlog_keep_days: int
    screen_name: str
    log_level: str
    feeds: tuple[FeedSettings, ...]
    cache_dir: Path
    playlists_dir: Path | None  # None: no playlists, every listing in turn
    screen_index: int  # 0-based here; 1-based in config.yaml
    screen_count: int
    outputs: tuple[int, ...]
    power: str  # "cec" or "none"
    ticker_enabled: bool
    ticker_speed: float
    ticker_source: str
    watch: str
    staff_badge: bool
    staff_badge_corner: str
    config_path: Path | None = None
    station_logo: Path | None = None  # shown in the header (assets/logo.png in the demo)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)
