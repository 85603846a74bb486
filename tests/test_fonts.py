from pathlib import Path

import pygame
import pygame.freetype
import pytest

from signage.core.settings import FontSettings
from signage.render import fonts as fonts_mod


def glyph_bytes(font: pygame.freetype.Font, ch: str, size: int = 64) -> bytes:
    surf, _ = font.render(ch, fgcolor=(0, 0, 0), bgcolor=(255, 255, 255), size=size)
    return pygame.image.tobytes(surf, "RGB") + bytes(str(surf.get_size()), "ascii")


def test_chinese_is_drawn_with_real_glyphs_not_tofu(fonts):
    font = fonts.font(False)
    drawn = [glyph_bytes(font, ch) for ch in "厨房帮工"]
    tofu = glyph_bytes(font, "\U000f0000")  # a private-use code point: the font's "missing" box
    assert len(set(drawn)) == 4, "four different characters must give four different glyphs"
    assert tofu not in drawn


def test_the_simplified_chinese_face_is_chosen_not_the_japanese_one(fonts):
    face = fonts.regular_face
    assert fonts.font(False).name.endswith(" SC")
    if face.path.suffix == ".ttc":
        japanese = pygame.freetype.Font(str(face.path), 64, font_index=0)
        assert japanese.name.endswith(" JP")
        # 骨 and 直 are drawn differently in Simplified Chinese and Japanese.
        for ch in "骨直":
            assert glyph_bytes(fonts.font(False), ch) != glyph_bytes(japanese, ch)


def test_traditional_chinese_gets_the_traditional_face():
    tc = fonts_mod.find_faces(FontSettings(), "zh-tw")[0]
    font = pygame.freetype.Font(str(tc.path), 12, font_index=tc.index)
    assert font.name.endswith(" TC")


def test_a_configured_font_that_cannot_draw_chinese_is_refused_clearly():
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not dejavu.exists():
        pytest.skip("DejaVu is not installed here")
    with pytest.raises(fonts_mod.FontError) as err:
        fonts_mod.find_faces(FontSettings(path=dejavu))
    assert "cannot draw Chinese" in str(err.value) and "不能显示中文" in str(err.value)


def test_a_configured_font_path_and_face_are_used(fonts):
    face = fonts.regular_face
    chosen = fonts_mod.find_faces(FontSettings(path=face.path, index=face.index))[0]
    assert chosen == face


def test_missing_characters_are_found(fonts):
    assert fonts.missing("厨房帮工 150元/天") == set()
    assert fonts.missing("编织🧶") == {"🧶"}


def test_the_player_refuses_to_start_without_a_chinese_font(config_file):
    import os
    import subprocess
    import sys

    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not dejavu.exists():
        pytest.skip("DejaVu is not installed here")
    cfg = config_file(f"font:\n  path: {dejavu}\n")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "signage", "--config", str(cfg), "run", "--seconds", "5"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "cannot draw Chinese" in proc.stderr and "不能显示中文" in proc.stderr


def _ink(surface: pygame.Surface) -> int:
    return sum(1 for x in range(surface.get_width()) for y in range(surface.get_height())
               if surface.get_at((x, y))[:3] != (255, 255, 255))


def test_emoji_are_drawn_by_a_fallback_font_and_unknown_characters_left_out(fonts):
    if not fonts.fallback_faces:
        pytest.skip("no fallback font (scripts/setup.sh installs fonts-symbola)")
    assert fonts.missing("烧烤🔥帮工👍★😀") == set()

    def drawn(text: str, font=None) -> pygame.Surface:
        surface = pygame.Surface((200, 100))
        surface.fill((255, 255, 255))
        if font is None:
            fonts.draw(surface, (10, 70), text, 60, (0, 0, 0))
        else:
            font.render_to(surface, (10, 10), text, fgcolor=(0, 0, 0), size=60)
        return surface

    fire = drawn("🔥")
    assert _ink(fire) > 200
    box = drawn("🔥", fonts.font(False))  # what the CJK font alone would draw: an empty box
    assert pygame.image.tobytes(fire, "RGB") != pygame.image.tobytes(box, "RGB")
    assert fonts.missing("🧶") == {"🧶"}  # no font here has it: nothing drawn, no box
    assert _ink(drawn("🧶")) == 0 and fonts.width("🧶", 60) == 0
    assert fonts.width("帮🧶工", 60) == fonts.width("帮工", 60)


def test_undrawable_characters_are_reported_by_validate_and_in_the_report(drop, config_file, capsys, fonts):
    import json

    from signage.app.cli import main
    from signage.sources.folder import read as folder
    from signage.sources.folder import report

    cfg = config_file()
    drop("a.yaml", "岗位: 编织🧶手工\n电话: 13812345678\n工资: 2元/件\n")
    assert main(["--config", str(cfg), "validate", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (glyphs,) = [p for p in out["problems"] if p["code"] == "glyphs"]
    assert "🧶" in glyphs["zh"] and glyphs["file"] == "a.yaml"
    text = report.report_text(folder.scan(drop.folder), missing_glyphs=fonts.missing)
    assert "🧶" in text and "省略" in text
