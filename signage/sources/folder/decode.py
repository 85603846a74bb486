"""Bytes of a text file (YAML, CSV) -> text, without ever producing mojibake.

Staff save files from Notepad, WPS and Excel on Chinese Windows, so a file may be
UTF-8, UTF-8 with a BOM, UTF-16 with a BOM (Excel's "Unicode text") or GBK/GB18030.
The heuristic, in order:

1. A byte-order mark decides: UTF-8-BOM or UTF-16 (LE/BE).
2. NUL bytes without a UTF-16 BOM mean a binary file: refused.
3. Strict UTF-8. GBK text with Chinese in it is almost never valid UTF-8.
4. Strict GB18030, accepted only when the result is *plausible* Chinese text:
   no control characters, no private-use characters, and at least 90 % of the
   non-ASCII characters are in GB2312 (the 6,763 common characters and the
   usual punctuation, which is what people type). Random bytes or a Latin-1/
   Big5 file decoded as GB18030 give rare characters and fail this test.
5. Otherwise the file is refused with a message asking to save it as UTF-8.

Text decoded by any route is also refused when it contains control characters
(other than tab, newline, carriage return, form feed): that is a binary file.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

GB2312_SHARE = 0.9


class Undecodable(ValueError):
    """The bytes are not text we can read; ``zh``/``en`` say what to do."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


_SAVE_AS = ("请用记事本或 WPS 打开，选择“另存为”，编码选“UTF-8”后保存",
            "open it in Notepad or WPS, 'Save as' and choose the UTF-8 encoding")
BINARY = Undecodable("这不是文字文件（可能是程序、压缩包或损坏的文件），没有读取",
                     "this is not a text file (a program, an archive or a damaged file); not read")


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding used (``utf-8``, ``utf-8-sig``, ``utf-16``, ``gb18030``).

    Raises:
        Undecodable: binary data, or text in an encoding we cannot tell reliably.
    """
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data, "utf-8-sig"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16"), "utf-16"
    elif b"\x00" in data:
        raise BINARY
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _gb18030(data), "gb18030"
    if _has_controls(text):
        raise BINARY
    return text, encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise Undecodable(f"文件里有乱码，读不出来。{_SAVE_AS[0]}",
                          f"the file has bytes that are not {encoding} text; {_SAVE_AS[1]}") from None


def _gb18030(data: bytes) -> str:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is None or not plausible_chinese(text):
        raise Undecodable(f"文件的编码认不出来（既不是 UTF-8 也不是 GBK），为了不显示乱码没有读取。{_SAVE_AS[0]}",
                          f"the file's encoding is neither UTF-8 nor GBK; not read, to avoid "
                          f"showing garbled text. {_SAVE_AS[1]}")
    return text


def plausible_chinese(text: str) -> bool:
    """Whether text decoded as GB18030 looks like what a person typed (see module doc)."""
    non_ascii = [c for c in text if ord(c) > 0x7F]
    if not non_ascii:
        return True
    if any(unicodedata.category(c) in ("Co", "Cs", "Cn") for c in non_ascii):
        return False
    common = 0
    for c in non_ascii:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= GB2312_SHARE * len(non_ascii)


_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")


def _has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def printable(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, so it can be written as UTF-8.

    Python reads a file name whose bytes are not UTF-8 (GBK names unzipped from a Windows
    archive) with ``surrogateescape``: each odd byte becomes a lone surrogate, which no
    UTF-8 writer accepts. Everything shown or logged about a file goes through here.
    """
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte (from JSON "\\ud800")
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")
