"""The table of slide kinds: what a kind is, and where the parser, the schedule and the
renderer look one up.

A kind is one module (``signage/kinds/<name>.py``) that declares a :class:`Kind` and
registers it: its name and the words staff may write for it, its fields with their
aliases and defaults, how it parses, how it expands into slides for a screen, how it
lays out, and flags. The parser, the schedule and the renderer consult this table; none
of them names a kind in an if-chain.

This module is data and stays at the bottom of the package tree (it imports nothing of
``signage`` but the core's data), so core, parse and render may read it while the kind
modules, which use parse and render, sit above them. The built-in kinds are imported the
first time the table is read (:data:`BUILTIN`); a kind from elsewhere (a test, a plug-in)
is added with :func:`register`.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BUILTIN = ("jobs", "poster", "video", "announcement", "live", "join", "figures", "urgent", "black",
           "empty")


@dataclass(frozen=True)
class Field:
    """A field a slide of some kind may have: its name, what staff may write for it, a default."""

    name: str
    aliases: tuple[str, ...] = ()
    default: Any = None


@dataclass(frozen=True)
class Kind:
    """One kind of slide.

    ``parse(inp)`` (see ``signage.parse.playlists.SlideInput``) checks and completes a
    written slide after the fields every slide shares were read: it returns the values of
    the :class:`~signage.parse.playlists.SlideSpec` it sets (``title``, ``details``,
    ``extra``...), or None to skip the slide (having reported why). ``expand(spec, ctx)``
    turns a spec into the slides one screen shows (``signage.core.schedule.Expansion``).
    ``layout(slide, page)`` returns the drawing ops of the slide (``signage.render.layout.Page``):
    its body when ``chrome`` (the renderer draws page, header and footer around it), the
    whole page otherwise.

    A kind without aliases cannot be written in a playlist: the schedule places it itself
    (urgent message, sleep hours, no listings).
    """

    name: str
    layout: Callable[..., list]
    aliases: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    parse: Callable[..., dict[str, Any] | None] | None = None
    expand: Callable[..., list] | None = None
    chrome: bool = True  # the station's header (with the clock) and the footer around it
    ticker: bool = True  # the ticker may run along its footer
    badge: bool = True  # the staff badge may be drawn over it
    animated: bool = False  # frames over time (video): not drawn once and cached
    picture_refused: str = "error"  # a picture that cannot be shown: "error", "warn", "skip" the slide

    @property
    def writable(self) -> bool:
        return bool(self.aliases)


@dataclass
class _Table:
    kinds: dict[str, Kind] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # what staff write -> kind name
    fields: dict[str, str] = field(default_factory=dict)  # a field's alias -> its name
    loaded: bool = False


_table = _Table()
_lock = threading.RLock()


def _key(word: str) -> str:
    return str(word).strip().lower()


def register(kind: Kind) -> Kind:
    """Add ``kind`` (or replace the kind of that name); its aliases and fields must not
    clash with another kind's."""
    with _lock:
        aliases = {k: n for k, n in _table.aliases.items() if n != kind.name}
        for word in (kind.name, *kind.aliases) if kind.aliases else ():
            other = aliases.get(_key(word))
            if other is not None:
                raise ValueError(f"slide kind {kind.name}: '{word}' already means {other}")
            aliases[_key(word)] = kind.name
        fields = dict(_table.fields)
        for f in kind.fields:
            for word in (f.name, *f.aliases):
                other = fields.get(_key(word))
                if other is not None and other != f.name:
                    raise ValueError(f"slide kind {kind.name}: field '{word}' already means {other}")
                fields[_key(word)] = f.name
        _table.kinds[kind.name] = kind
        _table.aliases = aliases
        _table.fields = fields
    return kind


def unregister(name: str) -> None:
    """Take a kind out again (a test's toy kind); the fields it shared with others stay."""
    with _lock:
        _table.kinds.pop(name, None)
        _table.aliases = {k: n for k, n in _table.aliases.items() if n != name}
        names = {f.name for k in _table.kinds.values() for f in k.fields}
        _table.fields = {w: n for w, n in _table.fields.items() if n in names}


def _loaded() -> _Table:
    if not _table.loaded:
        with _lock:
            if not _table.loaded:
                _table.loaded = True  # a kind module reading the table while it loads sees it
                try:
                    for name in BUILTIN:
                        importlib.import_module(f"signage.kinds.{name}")
                except BaseException:
                    _table.loaded = False  # tried again (and failing loudly again) next time
                    raise
    return _table


def get(name: str) -> Kind:
    """The kind called ``name``; KeyError when there is none."""
    return _loaded().kinds[name]


def find(name: str) -> Kind | None:
    return _loaded().kinds.get(name)


def by_alias(word: Any) -> Kind | None:
    """The kind staff mean by ``word`` (招聘, poster, 通知...), or None."""
    name = _loaded().aliases.get(_key(word))
    return None if name is None else _table.kinds[name]


def writable() -> tuple[Kind, ...]:
    """The kinds staff may write: the built-in ones in the order of :data:`BUILTIN`, then
    the others in the order they were registered."""
    def order(kind: Kind) -> int:
        return BUILTIN.index(kind.name) if kind.name in BUILTIN else len(BUILTIN)

    return tuple(sorted((k for k in _loaded().kinds.values() if k.writable), key=order))


def field_names() -> dict[str, str]:
    """Every kind's fields: what staff may write -> the field's name."""
    return dict(_loaded().fields)


def chrome(name: str) -> bool:
    kind = find(name)
    return kind is None or kind.chrome


def ticker(name: str) -> bool:
    kind = find(name)
    return kind is None or kind.ticker


def badge(name: str) -> bool:
    kind = find(name)
    return kind is None or kind.badge
