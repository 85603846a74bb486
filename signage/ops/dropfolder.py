"""What the staff page does to the drop folder: put a file in, take one out, bring one back.

Nothing is lost: a file taken out (or replaced by an upload of the same name) goes to the
bin, ``<drop folder>/_回收站/``, a folder the watcher ignores (its name starts with ``_``),
as ``YYYYmmdd-HHMMSS_<name>``; it can be restored from the page for BIN_DAYS days, then
it is deleted. Files arrive atomically: written to a temporary ``_*.part`` file in the
same folder (ignored by the watcher), then renamed over the final name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from signage.parse.images import IMAGE_SUFFIXES
from signage.sources.folder import read as folder

BIN_NAME = "_回收站"
BIN_DAYS = 30
MAX_NAME = 80  # characters of a stored name, suffix included
STAMP = "%Y%m%d-%H%M%S"
_STAMPED = re.compile(r"^(\d{8}-\d{6})(?:-\d+)?_(.+)$")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


class Refused(ValueError):
    """The file cannot be taken; ``zh`` and ``en`` say why."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


def safe_name(filename: str) -> str:
    """The name an uploaded file is stored under (raises Refused for a kind we cannot read).

    Chinese stays (unlike werkzeug's ``secure_filename``); the folder part, control and
    Windows-forbidden characters, and leading dots/underscores/tildes (hidden or ignored
    files) go; the stem is shortened to fit MAX_NAME.
    """
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE.sub("", name).strip().lstrip("._~$ ").strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot or "." + suffix.lower() not in folder.LISTING_SUFFIXES | IMAGE_SUFFIXES:
        raise Refused("只能上传 .xlsx、.xls、.csv、.yaml 招聘文件或 .png、.jpg 海报",
                      "only .xlsx, .xls, .csv, .yaml listing files or .png, .jpg posters")
    stem = stem.strip() or "文件"
    suffix = "." + suffix.lower()
    return stem[: MAX_NAME - len(suffix)].rstrip() + suffix


def check_size(name: str, size: int) -> None:
    cap = folder.size_cap(Path(name).suffix)
    if size > cap:
        raise Refused(f"文件太大（{size / 1048576:.1f} MB），最大 {cap // 1048576} MB",
                      f"the file is too large ({size} bytes; at most {cap})")
    if size == 0:
        raise Refused("文件是空的", "the file is empty")


def write_atomic(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` or what it held before, never a part (temp file + rename)."""
    fd, tmp = tempfile.mkstemp(prefix="_", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(root: Path, filename: str, data: bytes, now: dt.datetime | None = None) -> str:
    """Put an upload into the drop folder; an older file of that name goes to the bin."""
    name = safe_name(filename)
    check_size(name, len(data))
    target = root / name
    if target.exists():
        discard(root, name, now)
    write_atomic(target, data)
    return name


def _inside(root: Path, key: str) -> Path:
    path = (root / key).resolve()
    if not path.is_relative_to(root.resolve()) or path == root.resolve():
        raise Refused("没有这个文件", "no such file")
    return path


def files(root: Path) -> list[str]:
    """The drop folder's files the player reads (keys: paths relative to it)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not folder.is_ignored(Path(d)))
        for name in filenames:
            path = Path(dirpath) / name
            if folder.wanted(path):
                out.append(folder.key_of(path, root))
    return sorted(out)


def discard(root: Path, key: str, now: dt.datetime | None = None) -> str:
    """Move a file of the drop folder into the bin; returns its name there."""
    path = _inside(root, key)
    if not path.is_file():
        raise Refused("没有这个文件", "no such file")
    bin_dir = root / BIN_NAME
    bin_dir.mkdir(exist_ok=True)
    stamp = (now or dt.datetime.now()).strftime(STAMP)
    flat = key.replace("/", "／")  # a file of a subfolder keeps its path, in one name
    binned = bin_dir / f"{stamp}_{flat}"
    n = 1
    while binned.exists():
        n += 1
        binned = bin_dir / f"{stamp}-{n}_{flat}"
    os.replace(path, binned)
    return binned.name


@dataclass(frozen=True)
class Binned:
    name: str  # in the bin
    key: str  # where it came from
    when: dt.datetime


def binned(root: Path) -> list[Binned]:
    """The bin's files, newest first."""
    out = []
    with contextlib.suppress(OSError):
        for path in (root / BIN_NAME).iterdir():
            m = _STAMPED.match(path.name)
            if m and path.is_file():
                when = dt.datetime.strptime(m.group(1), STAMP)
                out.append(Binned(path.name, m.group(2).replace("／", "/"), when))
    return sorted(out, key=lambda b: (b.when, b.name), reverse=True)


def restore(root: Path, name: str) -> str:
    """Put a file from the bin back where it was (refused when a file has that name now)."""
    item = next((b for b in binned(root) if b.name == name), None)
    if item is None:
        raise Refused("回收站里没有这个文件", "no such file in the bin")
    target = _inside(root, item.key)
    if target.exists():
        raise Refused(f"文件夹里已经有“{item.key}”，请先把它删除",
                      f"'{item.key}' exists in the folder; delete it first")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(root / BIN_NAME / name, target)
    return item.key


def prune(root: Path, now: dt.datetime | None = None) -> list[str]:
    """Delete what has been in the bin for more than BIN_DAYS days."""
    oldest = (now or dt.datetime.now()) - dt.timedelta(days=BIN_DAYS)
    gone = []
    for item in binned(root):
        if item.when < oldest:
            with contextlib.suppress(OSError):
                (root / BIN_NAME / item.name).unlink()
                gone.append(item.name)
    return gone
