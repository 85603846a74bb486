"""An image dropped in the folder on its own becomes a full-screen poster slide.

Only the file's header is checked here (kind and pixel size, no decoding off the
main thread, so a small file that would decode to gigabytes is refused);
an image that a listing names in its ``image``/``图片`` field is that listing's
picture, not a poster (see :func:`folder.drop_referenced_posters`).
"""

from __future__ import annotations

import struct
from pathlib import Path

from signage.core.model import Location, Poster, Problem, SourceResult

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 8000 * 8000  # decoding is width x height x 4 bytes, whatever the file's size
_MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def image_kind(head: bytes) -> str | None:
    """``"PNG"`` or ``"JPEG"`` from a file's first bytes, else None."""
    return next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's or JPEG's header, without decoding; None if not found."""
    kind = image_kind(data)
    if kind == "PNG" and len(data) >= 24 and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if kind == "JPEG":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            if marker == 0xFF:  # fill byte
                i += 1
                continue
            length = struct.unpack(">H", data[i + 2:i + 4])[0]
            if marker in _SOF:
                h, w = struct.unpack(">HH", data[i + 5:i + 9])
                return w, h
            i += 2 + length
    return None


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def load_image(path: Path, key: str, data: bytes) -> SourceResult:
    def refused(zh: str, en: str) -> SourceResult:
        return SourceResult(key, problems=(Problem(Location(key), zh, en),), ok=False)

    if image_kind(data) is None:
        return refused("这个文件名是图片，但内容不是 PNG 或 JPG 图片（可能改了扩展名或文件损坏），没有显示",
                       "named like an image but not a PNG or JPEG (renamed or damaged); not shown")
    size = image_size(data)
    if size is None:
        return refused("图片文件不完整或已损坏，没有显示。请重新保存或重新拷贝",
                       "the image is incomplete or damaged; not shown. Save or copy it again")
    if size[0] * size[1] > MAX_PIXELS or 0 in size:
        return refused(f"图片太大（{size[0]}×{size[1]} 像素），没有显示。请缩小到 3840×2160 以内",
                       f"the image is too large ({size[0]}x{size[1]} pixels); not shown. "
                       "Resize it to 3840x2160 or less")
    poster = Poster(id=f"poster:{key}", image=str(path.resolve()), origin=Location(key))
    return SourceResult(key, posters=(poster,))
