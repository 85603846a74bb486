"""The one test that reads the shipped demo (config.yaml and playlists/): it loads and renders.

Every other test builds its content in tmp_path or reads tests/fixtures/, so that editing the
demo cannot break them; this one only checks that the demo still starts cleanly.
"""

from pathlib import Path

from signage.app import config
from signage.app.cli import main
from signage.core.model import Severity
from signage.parse import playlists
from signage.sources.folder import read as folder

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_demo_loads_without_errors_and_renders_a_page(tmp_path):
    settings = config.load(ROOT / "config.yaml")
    assert settings.playlists_dir is not None and settings.playlists_dir.is_dir()
    assert playlists.load_dir(settings.playlists_dir).problems == ()
    results = list(folder.scan(settings.content_dir).values())
    assert [r for r in results if r.listings]  # some listings, however many
    assert not [p for r in results for p in r.problems if p.severity is Severity.ERROR]

    out = tmp_path / "page.png"
    assert main(["--config", str(ROOT / "config.yaml"), "render", "--out", str(out),
                 "--size", "1280x720"]) == 0
    import pygame

    img = pygame.image.load(str(out))
    assert img.get_size() == (1280, 720)
