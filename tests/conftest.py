"""Shared test fixtures. Tests run headless: SDL's dummy video and audio drivers."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import textwrap  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from signage.core.settings import FontSettings  # noqa: E402
from signage.render import fonts as fonts_mod  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _pygame():
    pygame.display.init()
    pygame.freetype.init()
    yield


@pytest.fixture(scope="session")
def fonts() -> fonts_mod.Fonts:
    return fonts_mod.load(FontSettings(), "zh-cn")


@pytest.fixture
def drop(tmp_path: Path):
    """A drop folder, and a function that writes a file into it (dedented text)."""
    folder = tmp_path / "jobs"
    folder.mkdir()

    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding=encoding)
        return path

    write.folder = folder
    return write


@pytest.fixture
def config_file(tmp_path: Path, drop):
    """A config.yaml pointing at the ``drop`` folder; extra YAML text may be appended."""

    def make(extra: str = "", port: int = 0) -> Path:
        path = tmp_path / "config.yaml"
        path.write_text(
            f"station:\n  name: 测试驿站\n  hotline: 028-2333 1234\n"
            f"content: {drop.folder.name}\n"
            f"status:\n  port: {port}\n" + textwrap.dedent(extra),
            encoding="utf-8",
        )
        return path

    return make
