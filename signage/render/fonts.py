"""Finding a CJK font, choosing the right face of a .ttc, and measuring text.

Noto Sans CJK ships as a collection whose face 0 is Japanese; drawing Chinese
with it gives Japanese glyph forms. fontconfig knows which face serves which
language (``fc-match -f '%{file}|%{index}' 'sans-serif:lang=zh-cn'``), and
``pygame.freetype.Font(path, font_index=N)`` can open that face, which
``pygame.font.Font`` cannot.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pygame
import pygame.freetype

from signage.core.model import Listing, Problem, Severity

log = logging.getLogger(__name__)


class FontSettings(Protocol):
    """The font choice of config.yaml (``signage.core.settings.FontSettings`` is one): passed in,
    so that rendering does not import the application's configuration."""

    path: Path | None
    index: int | None
    bold_path: Path | None
    bold_index: int | None

MAX_ADVANCES = 50_000  # cached glyph widths (character, size, bold); about 5 MB at most
PROBE = "零工驿站招聘日结月结计件电话"  # must all be drawable
# Which face of a CJK collection serves a language, by the end of its family name.
FAMILY_FOR_LANG = {"zh-cn": "SC", "zh-sg": "SC", "zh-tw": "TC", "zh-hk": "HK", "zh-mo": "HK"}


class FontError(Exception):
    """No usable Chinese font; the message says what to install or set."""


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int


def fc_match(pattern: str) -> FontFace | None:
    """What fontconfig answers for ``pattern``, or None without fontconfig."""
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}", pattern],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if "|" not in out:
        return None
    file, _, index = out.rpartition("|")
    try:
        return FontFace(Path(file), int(index or 0))
    except ValueError:
        return None


def _face_for_lang(path: Path, lang: str, default: int = 0) -> int:
    """The face of a collection whose family serves ``lang`` (``... SC`` for zh-cn)."""
    want = FAMILY_FOR_LANG.get(lang, "SC")
    pygame.freetype.init()
    for index in range(16):
        try:
            font = pygame.freetype.Font(str(path), 12, font_index=index)
        except (OSError, pygame.error):
            break
        if (font.name or "").endswith(f" {want}"):
            return index
    return default


def _right_face(face: FontFace | None, lang: str) -> FontFace | None:
    """fontconfig may answer a collection's Japanese face; take the Chinese one of it."""
    if face is None or face.path.suffix.lower() not in (".ttc", ".otc"):
        return face
    return FontFace(face.path, _face_for_lang(face.path, lang, face.index))


def covers(font: pygame.freetype.Font, text: str) -> bool:
    metrics = font.get_metrics(text, size=12)
    return all(m is not None for m, ch in zip(metrics, text, strict=False) if not ch.isspace())


def find_faces(settings: FontSettings, lang: str = "zh-cn") -> tuple[FontFace, FontFace]:
    """The (regular, bold) faces to draw with.

    Raises:
        FontError: nothing that can draw Chinese was found or configured.
    """
    pygame.freetype.init()
    lang = lang.lower()
    regular: FontFace | None = None
    bold: FontFace | None = None
    if settings.path:
        if not settings.path.exists():
            raise FontError(f"font.path in config.yaml: {settings.path} does not exist")
        regular = FontFace(settings.path, settings.index if settings.index is not None
                           else _face_for_lang(settings.path, lang))
        if settings.bold_path and settings.bold_path.exists():
            bold = FontFace(settings.bold_path, settings.bold_index if settings.bold_index is not None
                            else _face_for_lang(settings.bold_path, lang))
    else:
        regular = _right_face(fc_match(f"sans-serif:lang={lang}"), lang)
        bold = _right_face(fc_match(f"sans-serif:lang={lang}:weight=bold"), lang)
    candidates = [regular] if regular else []
    if not settings.path:  # a font chosen in config.yaml is used alone, or not at all
        candidates += [f for f in _well_known(lang) if f not in candidates]
    for face in candidates:
        try:
            font = pygame.freetype.Font(str(face.path), 12, font_index=face.index)
        except (OSError, pygame.error):
            continue
        if covers(font, PROBE):
            regular = face
            break
    else:
        if settings.path:
            raise FontError(
                f"font.path in config.yaml: {settings.path} cannot draw Chinese. / "
                f"config.yaml 里设置的字体 {settings.path} 不能显示中文，请换一个中文字体。"
            )
        raise FontError(
            "No font that can draw Chinese was found. Install one "
            "(sudo apt-get install fonts-noto-cjk) or set font.path in config.yaml. / "
            "找不到能显示中文的字体：请安装 fonts-noto-cjk，或在 config.yaml 里设置 font.path。"
        )
    if bold is None or not _opens_with_chinese(bold):
        bold = regular
    log.info("font: %s face %d (bold: %s face %d)", regular.path, regular.index, bold.path, bold.index)
    return regular, bold


def _opens_with_chinese(face: FontFace) -> bool:
    try:
        return covers(pygame.freetype.Font(str(face.path), 12, font_index=face.index), PROBE)
    except (OSError, pygame.error):
        return False


def _well_known(lang: str) -> list[FontFace]:
    out = []
    for path in (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    ):
        p = Path(path)
        if p.exists():
            out.append(FontFace(p, _face_for_lang(p, lang) if p.suffix == ".ttc" else 0))
    return out


# Fonts for what the CJK font lacks (emoji, symbols), tried in order: an outline font, so that
# it scales to any size (Noto Color Emoji is a fixed-size bitmap freetype cannot scale).
FALLBACK_FONTS = (
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",  # Debian's fonts-symbola
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


def find_fallbacks() -> tuple[FontFace, ...]:
    """The fallback fonts installed here (known paths: no fontconfig call, start-up stays quick)."""
    return tuple(FontFace(Path(p), 0) for p in FALLBACK_FONTS if Path(p).exists())


class Glyphs:
    """Which font draws each character: the main face, else the first fallback that has it.

    A character no font has is left out of the drawing (never an empty box) and
    reported by ``missing``. Holds its own font objects, so a thread may have one.
    """

    def __init__(self, main: FontFace, fallbacks: tuple[FontFace, ...] = ()):
        pygame.freetype.init()
        self._fonts = [pygame.freetype.Font(str(f.path), 12, font_index=f.index)
                       for f in (main, *fallbacks)]
        self._which: dict[str, int | None] = {}

    def which(self, ch: str) -> int | None:
        """0 for the main face, 1.. for a fallback, None when no font has ``ch``."""
        if ch in self._which:
            return self._which[ch]
        found = None
        for i, font in enumerate(self._fonts):
            metrics = font.get_metrics(ch, size=12)
            if metrics and metrics[0] is not None:
                found = i
                break
        if len(self._which) >= MAX_ADVANCES:
            self._which.clear()
        self._which[ch] = found
        return found

    def missing(self, text: str) -> set[str]:
        """Characters of ``text`` that no font can draw."""
        return {ch for ch in set(text) if not ch.isspace() and self.which(ch) is None}


def glyph_problem(listing: Listing, chars: set[str]) -> Problem:
    """The warning for a listing with characters no font can draw (they are left out)."""
    shown = "".join(sorted(chars))
    return Problem(listing.origin,
                   f"“{listing.title}”里有屏幕字体显示不了的字或表情：{shown}，屏幕上会省略它们。请换成常用字",
                   f"'{listing.title}' has characters no font can draw: {shown}; they are left out",
                   Severity.WARNING, "glyphs")


def glyph_problems(listings, missing) -> list[Problem]:
    """A warning for each listing with characters ``missing(text)`` says no font can draw."""
    out = []
    for listing in listings:
        chars = missing(listing.all_text())
        if chars:
            out.append(glyph_problem(listing, chars))
    return out


class Fonts:
    """The regular and bold faces, with cached measurements.

    Sizes are in pixels (freetype at 72 dpi: one point is one pixel). Characters the
    faces lack are drawn with a fallback font (see ``Glyphs``) or left out.
    """

    def __init__(self, regular: FontFace, bold: FontFace, fallbacks: tuple[FontFace, ...] = (),
                 hand: FontFace | None = None):
        pygame.freetype.init()
        self.regular_face = regular
        self.bold_face = bold
        self.fallback_faces = fallbacks
        self._regular = self._open(regular)
        self._bold = self._open(bold) if bold != regular else None
        self._fallbacks = [self._open(f) for f in fallbacks]
        self.glyphs = Glyphs(regular, fallbacks)
        self._hand = self._open(hand) if hand is not None else None
        if self._hand is not None:  # the brush face is thin: emboldened, for the back of the room
            self._hand.strong = True
            self._hand.strength = 0.06  # pygame's default 1/36 em is too little for a brush face
        self._advances: dict[tuple[str, int, bool, str], float] = {}

    @staticmethod
    def _open(face: FontFace) -> pygame.freetype.Font:
        font = pygame.freetype.Font(str(face.path), 16, font_index=face.index, resolution=72)
        font.kerning = False
        font.pad = False
        font.origin = True  # render_to positions are baselines
        return font

    def font(self, bold: bool, face: str = "") -> pygame.freetype.Font:
        if face == "hand" and self._hand is not None:
            return self._hand
        return self._bold if bold and self._bold is not None else self._regular

    def _draw_font(self, bold: bool, face: str = "") -> pygame.freetype.Font:
        font = self.font(bold, face)
        if font is not self._hand:  # a synthetic bold when there is no bold face
            font.strong = bold and self._bold is None
        return font

    def advance(self, ch: str, size: int, bold: bool = False, face: str = "") -> float:
        key = (ch, size, bold, face)
        adv = self._advances.get(key)
        if adv is None:
            font = self._hand if face == "hand" else self._font_for(ch, bold)
            metrics = font.get_metrics(ch, size=size) if font is not None else None
            m = metrics[0] if metrics else None
            adv = m[4] if m is not None else 0  # a character no font has is left out
            if len(self._advances) >= MAX_ADVANCES:  # months of new listings: stay bounded
                self._advances.clear()
            self._advances[key] = adv
        return adv

    def width(self, text: str, size: int, bold: bool = False, face: str = "") -> float:
        face = self._face_for(text, face)
        return sum(self.advance(ch, size, bold, face) for ch in text)

    def _face_for(self, text: str, face: str) -> str:
        """The handwriting face only for a line it can draw whole; else the regular faces."""
        if face == "hand" and (self._hand is None or not covers(self._hand, text)):
            return ""
        return face

    @functools.lru_cache(maxsize=1024)  # noqa: B019 - Fonts lives as long as the process
    def ink_height(self, text: str, size: int, bold: bool = False) -> int:
        """How tall ``text`` is drawn at ``size``, from the face's own glyph boxes: digits
        ("0123456789") are about 0.76 of the size in Noto Sans CJK, an ideograph ("国") 0.9."""
        return self.font(bold).get_rect(text, size=size).height

    def size_for_ink(self, text: str, height: float, bold: bool = False) -> int:
        """The smallest size at which ``text`` is drawn at least ``height`` pixels tall."""
        size = max(1, int(height))
        while self.ink_height(text, size, bold) < height:
            size += 1
        return size

    def missing(self, text: str) -> set[str]:
        """Characters of ``text`` that no font can draw (they are left out)."""
        return self.glyphs.missing(text)

    def _font_for(self, ch: str, bold: bool) -> pygame.freetype.Font | None:
        which = self.glyphs.which(ch) if not ch.isspace() else 0
        if which is None:
            return None
        return self.font(bold) if which == 0 else self._fallbacks[which - 1]

    def draw(self, surface: pygame.Surface, baseline: tuple[float, float], text: str,
             size: int, color, bold: bool = False, face: str = "") -> None:
        if self._hand is not None and self._face_for(text, face) == "hand":  # it has every character
            self._hand.render_to(surface, (round(baseline[0]), round(baseline[1])), text, fgcolor=color,
                                 size=size)
            return
        x, y = baseline[0], round(baseline[1])
        for which, run in self._runs(text):
            if which is not None:
                font = self._draw_font(bold) if which == 0 else self._fallbacks[which - 1]
                if which:
                    font.strong = bold
                    font.origin, font.kerning, font.pad = True, False, False
                font.render_to(surface, (round(x), y), run, fgcolor=color, size=size)
            x += self.width(run, size, bold)

    def _runs(self, text: str) -> list[tuple[int | None, str]]:
        """``text`` cut where the font drawing it changes: [(which font, characters)]."""
        runs: list[tuple[int | None, str]] = []
        for ch in text:
            which = 0 if ch.isspace() else self.glyphs.which(ch)
            if runs and runs[-1][0] == which:
                runs[-1] = (which, runs[-1][1] + ch)
            else:
                runs.append((which, ch))
        return runs


def find_hand(lang: str = "zh-cn") -> FontFace | None:
    """A handwriting-style face for the night market's titles: AR PL UKai (Debian's
    fonts-arphic-ukai), found through fontconfig; None when it is not installed."""
    region = {"zh-tw": "TW", "zh-hk": "HK", "zh-mo": "HK"}.get(lang.lower(), "CN")
    face = fc_match(f"AR PL UKai {region}")
    if face is None or "ukai" not in face.path.name.lower():
        return None
    return face if _opens_with_chinese(face) else None


@functools.cache
def load(settings: FontSettings, lang: str = "zh-cn") -> Fonts:
    regular, bold = find_faces(settings, lang)
    return Fonts(regular, bold, find_fallbacks(), find_hand(lang))
