"""An image dropped in the folder on its own becomes a full-screen poster slide.

Only the file's first bytes are checked here (no decoding off the main thread);
an image that a listing names in its ``image``/``图片`` field is that listing's
picture, not a poster (see :func:`folder.drop_referenced_posters`).
"""

from __future__ import annotations

from pathlib import Path

from ..model import Location, Poster, Problem, SourceResult

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
MAX_IMAGE_BYTES = 20 * 1024 * 1024
_MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def image_kind(head: bytes) -> str | None:
    """``"PNG"`` or ``"JPEG"`` from a file's first bytes, else None."""
    return next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)


def load_image(path: Path, key: str, head: bytes) -> SourceResult:
    if image_kind(head) is None:
        return SourceResult(key, problems=(Problem(
            Location(key),
            "这个文件名是图片，但内容不是 PNG 或 JPG 图片（可能改了扩展名或文件损坏），没有显示",
            "named like an image but not a PNG or JPEG (renamed or damaged); not shown"),), ok=False)
    poster = Poster(id=f"poster:{key}", image=str(path.resolve()), origin=Location(key))
    return SourceResult(key, posters=(poster,))
