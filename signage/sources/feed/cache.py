"""The last good copy of each feed (and its images) on disk, written so a crash never corrupts it.

One file per feed: a one-line JSON header (sha256 and length of the body, ETag,
Last-Modified, Content-Type, when it was saved), a newline, then the body
bytes exactly as the server sent them (decompressed). Writes go to a temporary
file in the same folder, are fsynced, renamed over the old copy, and the folder
is fsynced: after a power cut or ``kill -9`` the file is the old copy or the
new one, never a mixture. A copy whose checksum does not match is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from signage.parse import images

log = logging.getLogger(__name__)

FORMAT = 1
MAX_HEADER = 16 * 1024


@dataclass(frozen=True)
class Cached:
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    saved_at: float = 0.0  # Unix time of the response this copy holds


def name_for(url: str) -> str:
    """A file name for a URL that reveals nothing of it (tokens may sit in a query)."""
    return hashlib.sha256(url.encode()).hexdigest()[:24]


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: temp file in the same folder, fsync, rename, fsync folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def remove_leftovers(path: Path, older_than: float = 60.0) -> None:
    """Temporary files a killed writer left behind (never one being written right now)."""
    now = time.time()
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > older_than:
                tmp.unlink()


class FeedCache:
    """The cached copy of one feed, at ``folder/<hash of url>.feed``."""

    def __init__(self, folder: Path, url: str):
        self.path = Path(folder) / f"{name_for(url)}.feed"

    def save(self, cached: Cached) -> None:
        header = {
            "format": FORMAT,
            "sha256": hashlib.sha256(cached.body).hexdigest(),
            "length": len(cached.body),
            "etag": cached.etag,
            "last_modified": cached.last_modified,
            "content_type": cached.content_type,
            "saved_at": cached.saved_at or time.time(),
        }
        line = json.dumps(header, ensure_ascii=True).encode() + b"\n"
        write_atomic(self.path, line + cached.body)
        remove_leftovers(self.path)

    def load(self) -> Cached | None:
        """The cached copy, or None (logged) when it is missing, unreadable or corrupt."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            log.info("no cached copy of this feed yet (%s)", self.path.name)
            return None
        except OSError as exc:
            log.warning("cached feed copy %s unreadable (%s); ignored", self.path, exc)
            return None
        newline = data.find(b"\n", 0, MAX_HEADER)
        try:
            if newline < 0:
                raise ValueError("no header line")
            header = json.loads(data[:newline])
            body = data[newline + 1:]
            if header.get("format") != FORMAT:
                raise ValueError(f"unknown format {header.get('format')!r}")
            if len(body) != header["length"] or hashlib.sha256(body).hexdigest() != header["sha256"]:
                raise ValueError("checksum mismatch")
            return Cached(body, header.get("etag"), header.get("last_modified"),
                          header.get("content_type") or "", float(header.get("saved_at") or 0))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("cached feed copy %s is corrupt (%s); ignored", self.path, exc)
            return None


class ImageCache:
    """Downloaded images, named by a hash of their URL, PNG or JPEG only."""

    def __init__(self, folder: Path):
        self.folder = Path(folder) / "images"

    def path_for(self, url: str, kind: str) -> Path:
        return self.folder / f"{name_for(url)}.{kind}"

    def local(self, url: str) -> str | None:
        """The file of an image already downloaded, else None."""
        for kind in ("png", "jpg"):
            p = self.path_for(url, kind)
            if p.is_file():
                return str(p)
        return None

    def save(self, url: str, data: bytes) -> str:
        problem = images.header_problem(data)
        if problem is not None:
            raise ValueError(problem.en)
        kind = images.image_kind(data)
        assert kind is not None  # header_problem refuses what is not a PNG or a JPEG
        p = self.path_for(url, images.suffix_for(kind))
        write_atomic(p, data)
        return str(p)

    def keep(self, urls) -> None:
        """Mark the images of ``urls`` as still in use (their files' times are the marks)."""
        for url in urls:
            path = self.local(url)
            if path is not None:
                with contextlib.suppress(OSError):
                    os.utime(path)

    def prune(self, max_age_seconds: float, now: float | None = None) -> int:
        """Delete the images no feed has marked in use for ``max_age_seconds``; how many went."""
        now = time.time() if now is None else now
        gone = 0
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return 0
        for entry in entries:
            try:
                if entry.is_file() and now - entry.stat().st_mtime > max_age_seconds:
                    os.unlink(entry.path)
                    gone += 1
            except OSError:
                continue
        if gone:
            log.info("feed image cache: %d images unused for %.0f days deleted", gone,
                     max_age_seconds / 86400)
        return gone

