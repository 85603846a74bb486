"""What the watcher last read of each file, and what differs on disk now.

A file's signature (size, mtime in ns, inode) changes when the file does, so comparing
signatures finds the files to read again without reading any. The disk is reached only
through two callables, ``stat`` (default ``os.stat``) and ``walk`` (default: the files
``read.files_under`` yields, which honours ``ignored_under``), so tests can drive the index
with an in-memory folder.
"""

from __future__ import annotations

import os
import stat as stat_mode
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import read as folder
from .read import Signature

Stat = Callable[[Path], os.stat_result]
Walk = Callable[[Path], Iterable[Path]]  # start -> the wanted files under it


@dataclass
class Reconciled:
    """A folder compared with the index: files to read (path, key, signature) and keys gone."""

    changed: list[tuple[Path, str, Signature | None]] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)


class FileIndex:
    """Key (path below ``root``, ``/``-separated) -> the signature of the file as it was read."""

    def __init__(self, root: Path, stat: Stat = os.stat, walk: Walk | None = None):
        self.root = root
        self._stat = stat
        self._walk = walk or (lambda start: folder.files_under(root, start))
        self.sigs: dict[str, Signature] = {}

    def key(self, path: Path) -> str:
        return folder.key_of(path, self.root)

    def signature(self, path: Path) -> Signature | None:
        """Size, mtime and inode of a file (following a link), or None when it is gone."""
        try:
            st = self._stat(path)
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns, st.st_ino)

    def is_dir(self, path: Path) -> bool:
        try:
            return stat_mode.S_ISDIR(self._stat(path).st_mode)
        except OSError:
            return False

    def record(self, key: str, sig: Signature | None) -> None:
        """``key`` was read as it is when it has ``sig`` (None: gone by then, nothing to note)."""
        if sig is not None:
            self.sigs[key] = sig

    def forget(self, key: str) -> None:
        self.sigs.pop(key, None)

    def unchanged(self, key: str, sig: Signature | None) -> bool:
        """Whether the file read as ``key`` still has signature ``sig``."""
        return sig is not None and sig == self.sigs.get(key)

    def mtime(self, key: str) -> float:
        """When the file read as ``key`` was modified (seconds since the epoch; 0: unknown)."""
        sig = self.sigs.get(key)
        return sig[1] / 1e9 if sig else 0.0

    def adopt(self, keys: Iterable[str], since: float | None) -> None:
        """Files read before the watcher began (at ``since``): those not modified after it
        (with a second of margin for coarse clocks) are taken as read as they are."""
        since_ns = int(((since or 0) - 1.0) * 1e9)
        for key in keys:
            sig = self.signature(self.root / key)
            if sig is not None and sig[1] < since_ns:
                self.sigs[key] = sig

    def reconcile(self, start: Path, known: Collection[str]) -> Reconciled:
        """The files under ``start`` that are new or changed since read, and the ``known``
        keys under it that are gone. A ``start`` that vanished meanwhile (an unmounted share)
        changes nothing."""
        out = Reconciled()
        seen: set[str] = set()
        for path in self._walk(start):
            key = self.key(path)
            seen.add(key)
            sig = self.signature(path)
            if key in known and self.unchanged(key, sig):
                continue
            out.changed.append((path, key, sig))
        if not self.is_dir(start):
            return Reconciled()
        prefix = "" if start == self.root else self.key(start) + "/"
        out.removed = {k for k in known if k.startswith(prefix) and k not in seen}
        return out


def keys_under(keys: Iterable[str], key: str) -> set[str]:
    """``key`` and the keys below it (a removed folder takes its files with it)."""
    return {k for k in keys if k == key or k.startswith(key + "/")}

