"""config.yaml -> one typed schema -> the flat, frozen :class:`Settings` the player reads.

The pydantic models below are the one home of every setting, its default and what
it means (``description``, which also says what is allowed). A wrong value or an
unknown key gives a message naming the file, line and column, the setting, and
what is allowed. Paths in the file are relative to the file itself.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin, overload
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from signage.core.theme_names import DEFAULT_THEME, THEME_NAMES, ThemeName
from signage.parse import yamlsafe


class ConfigError(Exception):
    """config.yaml cannot be used; the message names the file and line."""


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


def load(path: str | Path | None) -> Settings:
    """Read settings from ``path``; a missing default file gives the defaults.

    Raises:
        ConfigError: with file and line, when the file is present but wrong.
    """
    cfg_path = Path(path) if path else Path("config.yaml")
    if not cfg_path.exists():
        if path:
            raise ConfigError(f"{cfg_path}: no such file")
        return from_dict({}, base_dir=cfg_path.resolve().parent, config_path=cfg_path)
    doc = read_document(cfg_path)
    return from_dict(doc, base_dir=cfg_path.resolve().parent, config_path=cfg_path)


def read_document(cfg_path: Path) -> dict:
    """The settings mapping written in ``cfg_path``, with lines; ConfigError when it is not one."""
    try:
        data = cfg_path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{cfg_path}: cannot read: {exc.strerror or exc}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError(f"{cfg_path}:1: saved as UTF-16; save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{cfg_path}:{line}: not UTF-8 text (saved as GBK?); "
                          "save it as UTF-8") from None
    try:
        doc = yamlsafe.load_one(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or str(exc)
        bad_line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
        if "\t" in bad_line:
            what += " (use spaces, not tabs, to indent)"
        raise ConfigError(f"{cfg_path}{where}: not valid YAML: {what}") from None
    except yamlsafe.YamlRefused as exc:
        raise ConfigError(f"{cfg_path}:{exc.line or 1}: {exc.en}") from None
    if doc is None:
        raise ConfigError(f"{cfg_path}:1: the file has no settings; write at least one "
                          "(e.g. theme: day) or delete the file to run with the defaults")
    if not isinstance(doc, dict):
        line = getattr(doc, "line", 1)
        raise ConfigError(f"{cfg_path}:{line}: the top level must be a mapping of settings "
                          f"such as 'theme: day', not {_shown(doc)}")
    return doc


def from_dict(user: dict, base_dir: Path, config_path: Path | None = None) -> Settings:
    """Validate ``user`` (a mapping as read from config.yaml) into :class:`Settings`.

    Raises:
        ConfigError: one located line per wrong value.
    """
    where = str(config_path or "config.yaml")
    try:
        cfg = Config.model_validate(user)
    except ValidationError as exc:
        raise ConfigError(explain(exc, user, where)) from None

    @overload
    def rel(p: Path) -> Path: ...
    @overload
    def rel(p: None) -> None: ...
    @overload
    def rel(p: Path | None) -> Path | None: ...

    def rel(p: Path | None) -> Path | None:
        if p is None:
            return None
        try:
            q = p.expanduser()
        except RuntimeError:
            q = p
        return q if q.is_absolute() else base_dir / q

    disp = cfg.display
    feeds = tuple(
        f.model_copy(update={
            "token": f.token or (os.environ.get(f.token_env, "") if f.token_env else ""),
            "verify_tls": f.verify_tls if isinstance(f.verify_tls, bool)
            else str(rel(Path(f.verify_tls))),
        }) for f in cfg.feeds)
    font = cfg.font.model_copy(update={"path": rel(cfg.font.path),
                                       "bold_path": rel(cfg.font.bold_path)})
    return Settings(
        station_name=cfg.station.name,
        hotline=cfg.station.hotline,
        lang=cfg.station.lang,
        station_logo=rel(cfg.station.logo),
        content_dir=rel(cfg.content),
        display_index=disp.index,
        fullscreen=disp.fullscreen,
        size=disp.size,
        rotation=disp.rotation,
        fps=disp.fps,
        renderer=disp.renderer,
        cards_per_page=cfg.pages.cards_per_page,
        page_seconds=cfg.pages.seconds,
        transition=cfg.pages.transition,
        transition_seconds=cfg.pages.transition_seconds,
        theme=cfg.theme,
        font=font,
        status_port=cfg.status.port,
        status_host=cfg.status.host,
        status_token=cfg.status.token,
        status_password_hash=cfg.status.password_hash,
        playlog_dir=rel(cfg.playlog.folder),
        playlog_keep_days=cfg.playlog.keep_days,
        screen_name=cfg.playlog.screen,
        log_level=cfg.log_level,
        feeds=feeds,
        cache_dir=rel(cfg.cache_dir),
        playlists_dir=rel(cfg.playlists),
        screen_index=cfg.screen.index - 1,
        screen_count=max(cfg.screen.count, cfg.screen.index - 1 + len(disp.outputs)),
        outputs=disp.outputs,
        power=disp.power,
        ticker_enabled=cfg.ticker.enabled,
        ticker_speed=cfg.ticker.speed,
        ticker_source=cfg.ticker.source,
        watch=cfg.watch,
        staff_badge=cfg.staff_badge,
        staff_badge_corner=cfg.staff_badge_corner,
        config_path=config_path,
    )


# ----------------------------------------------------------------- messages


def explain(exc: ValidationError, doc: Any, where: str) -> str:
    """One line per error: ``file:line:col: setting: what is wrong; what is allowed``."""
    lines = []
    for err in exc.errors(include_url=False):
        place, setting, model, field = _locate(err["loc"], doc)
        what = _problem(err, model, field)
        lines.append((place, setting, f"{where}:{place[0]}:{place[1]}: {setting or '(top level)'}: {what}"))
    lines.sort(key=lambda pair: pair[0])
    out: dict[str, str] = {}  # one line per setting (a union gives one error per member)
    for _, setting, text in lines:
        out.setdefault(setting, text)
    return "\n".join(out.values())


def _locate(loc: tuple, doc: Any) -> tuple[tuple[int, int], str, type[BaseModel] | None, str | None]:
    """Where ``loc`` points in the document, the setting's dotted name, and the model and
    field name that setting belongs to (for the list of known keys and what is allowed)."""
    node = doc
    place = (getattr(doc, "line", None) or 1, getattr(doc, "column", None) or 1)
    names: list[str] = []
    model: type[BaseModel] | None = Config  # the model the next part of loc is a field of
    owner: type[BaseModel] | None = None
    field: str | None = None
    for part in loc:
        known = model is not None and part in model.model_fields
        item = isinstance(part, int) and not isinstance(node, dict)  # a place in a list
        written, child, place = _descend(node, part, item, place)
        if not (written or item or known):
            continue  # a tag pydantic adds inside a union (e.g. 'bool', 'str'), or '[key]'
        node = child  # None for a setting not written (a missing url)
        if item:
            names[-1:] = [f"{names[-1]}[{part + 1}]" if names else f"[{part + 1}]"]
            if field is not None and model is None:
                model = _submodel(owner.model_fields[field].annotation)[1] if owner else None
            continue
        names.append(str(part))
        owner, field = model, str(part)
        model = _submodel(model.model_fields[part].annotation)[0] if model and known else None
    return place, ".".join(names), owner, field


def _descend(node: Any, part: Any, item: bool, place: tuple[int, int]
             ) -> tuple[bool, Any, tuple[int, int]]:
    """(whether ``part`` is written under ``node``, the node there, where it is written)."""
    if isinstance(node, dict) and part in node:
        if isinstance(node, yamlsafe.LocatedDict):
            place = (node.line_of(part) or place[0], node.column_of(part) or place[1])
        return True, node[part], place
    if isinstance(node, list) and item and 0 <= part < len(node):
        if isinstance(node, yamlsafe.LocatedList):
            place = (node.item_lines[part], node.item_columns[part])
        return True, node[part], place
    return False, None, place


def _submodel(annotation: Any) -> tuple[type[BaseModel] | None, type[BaseModel] | None]:
    """(the model a field is, the model its list items are), either may be None."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, None
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return None, arg
    return None, None


def _problem(err: ErrorDetails, owner: type[BaseModel] | None, field: str | None) -> str:
    kind = err["type"]
    got = err.get("input")
    info = owner.model_fields.get(field) if owner is not None and field else None
    if kind == "extra_forbidden":
        known = list(owner.model_fields) if owner is not None else []
        close = difflib.get_close_matches(str(field), known, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown setting{hint}; known here: {', '.join(known)}"
    group = _submodel(info.annotation)[0] if info is not None else None
    if group is not None and kind in ("model_type", "model_attributes_type", "dict_type"):
        return (f"must be a group of settings ({', '.join(group.model_fields)}) written on "
                f"the lines below it, not {_shown(got)}")
    if kind == "invalid_key":
        return "a setting's name must be a word"
    if kind == "missing":
        return "is required here" + (f"; {info.description}" if info and info.description else "")
    msg = str(err["msg"]).removeprefix("Value error, ")
    if group is not None:  # a check across the group's settings (screen.index <= count)
        return msg
    for before, after in (("Input should be ", "should be "), ("a valid tuple", "a list"),
                          ("a valid list", "a list"), ("a valid dictionary", "a mapping")):
        msg = msg.replace(before, after)
    msg = re.sub(r" or instance of \w+|, unable to parse string as an? \w+", "", msg)
    msg = re.sub(r"Input is not a valid path for <class '[\w.]+'>", "should be a path", msg)
    allowed = f"; {info.description}" if info is not None and info.description else ""
    return f"{msg} (got {_shown(got)}){allowed}"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a group of settings"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
