"""Whether a picture may be shown: the one home of that rule, for every path a picture takes.

A poster (an image dropped in the folder on its own), a listing's picture
(its ``image``/``图片`` field) and a feed's downloaded image all pass
:func:`vet` (or :func:`header_problem` for bytes in hand) before anything
decodes them. Only the file's header is read: a 0.6 MB PNG can declare
30000×30000 pixels, and decoding that is 3.6 GB (then a crash, on every
restart). Only regular files are opened (a FIFO would block the process), and
a listing's picture must lie inside the drop folder.
"""

from __future__ import annotations

import os
import stat
import struct
from dataclasses import dataclass
from pathlib import Path

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 3840 * 2160 * 2  # decoding is width x height x 4 bytes, whatever the file's size
_MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class Refused(Exception):
    """A picture that will not be shown, with the reason in Chinese and English."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Picture:
    """A vetted picture file and its identity: a file replaced under the same name is a new one."""

    path: str  # real path
    version: str  # size, mtime (ns) and inode
    width: int
    height: int


def image_kind(head: bytes) -> str | None:
    """``"PNG"`` or ``"JPEG"`` from a file's first bytes, else None (names and Content-Types lie)."""
    return next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)


def suffix_for(kind: str) -> str:
    return {"PNG": "png", "JPEG": "jpg"}[kind]


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's or JPEG's header, without decoding; None if not found."""
    return _size(image_kind(data), lambda offset, n: data[offset:offset + n])


def _size(kind: str | None, read) -> tuple[int, int] | None:
    """The size from a header read by ``read(offset, n)``: a JPEG's size follows its EXIF, ICC
    and other segments, which are skipped by their lengths, not read."""
    if kind == "PNG":
        head = read(0, 24)
        return struct.unpack(">II", head[16:24]) if len(head) == 24 and head[12:16] == b"IHDR" else None
    if kind == "JPEG":
        i = 2
        for _ in range(10_000):
            seg = read(i, 9)
            if len(seg) < 9 or seg[0] != 0xFF:
                return None
            marker = seg[1]
            if marker == 0xFF:  # fill byte
                i += 1
                continue
            if marker in _SOF:
                h, w = struct.unpack(">HH", seg[5:9])
                return w, h
            i += 2 + struct.unpack(">H", seg[2:4])[0]
    return None


def header_problem(head: bytes) -> Refused | None:
    """Why the image whose first bytes are ``head`` may not be decoded, or None when it may."""
    return _problem(head, image_size(head))


def _problem(head: bytes, size: tuple[int, int] | None) -> Refused | None:
    if image_kind(head) is None:
        return Refused("内容不是 PNG 或 JPG 图片（可能改了扩展名或文件损坏），没有显示",
                       "not a PNG or JPEG image (renamed or damaged); not shown")
    if size is None:
        return Refused("图片文件不完整或已损坏，没有显示。请重新保存或重新拷贝",
                       "the image is incomplete or damaged; not shown. Save or copy it again")
    if size[0] * size[1] > MAX_PIXELS or 0 in size:
        return Refused(f"图片太大（{size[0]}×{size[1]} 像素），没有显示。请缩小到 3840×2160 以内",
                       f"the image is too large ({size[0]}x{size[1]} pixels); not shown. "
                       "Resize it to 3840x2160 or less")
    return None


def open_regular(path: str | Path) -> tuple[int, os.stat_result]:
    """An fd of a regular file, opened without blocking (a FIFO, device or folder is refused)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise Refused("找不到这张图片", f"picture not found ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(st.st_mode):
        raise Refused("这不是普通的图片文件，没有显示", "not a regular file; not shown")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Refused("图片打不开", f"cannot open the picture ({exc.strerror or exc})") from exc
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):  # swapped between stat and open
        os.close(fd)
        raise Refused("这不是普通的图片文件，没有显示", "not a regular file; not shown")
    return fd, st


def vet(path: str | Path, inside: str | Path | None = None) -> Picture:
    """The picture at ``path`` if it may be shown (header only), else :class:`Refused`.

    ``inside``: the folder the picture must lie in, links followed (the drop folder).
    """
    real = os.path.realpath(path)
    if inside is not None and not Path(real).is_relative_to(os.path.realpath(inside)):
        raise Refused("图片必须放在投放文件夹里面（不能写其他位置的路径），没有显示",
                      "the picture must be inside the drop folder; not shown")
    fd, st = open_regular(real)
    try:
        if st.st_size > MAX_IMAGE_BYTES:
            raise Refused(f"图片文件太大（超过 {MAX_IMAGE_BYTES // 1024 // 1024} MB），没有显示",
                          f"picture file larger than {MAX_IMAGE_BYTES // 1024 // 1024} MB; not shown")
        head = os.pread(fd, 64, 0)
        size = _size(image_kind(head), lambda offset, n: os.pread(fd, n, offset))
    finally:
        os.close(fd)
    problem = _problem(head, size)
    if problem is not None:
        raise problem
    assert size is not None  # _problem refuses a file without a size
    w, h = size
    return Picture(real, f"{st.st_size}-{st.st_mtime_ns}-{st.st_ino}", w, h)
