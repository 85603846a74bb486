"""config.yaml -> the typed schema of ``signage.core.settings`` -> :class:`Settings`.

Here the file is read (UTF-8, one YAML mapping, lines kept), checked against the
schema, and its paths resolved relative to the file itself. A wrong value or an
unknown key gives a message naming the file, line and column, the setting, and
what is allowed.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin, overload

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from signage.core.settings import Config, Settings
from signage.parse import yamlsafe


class ConfigError(Exception):
    """config.yaml cannot be used; the message names the file and line."""


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
