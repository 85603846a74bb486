from signage.app.cli import main


def test_render_demo_page_writes_png(tmp_path):
    out = tmp_path / "page.png"
    assert main(["--config", "config.yaml", "render", "--out", str(out), "--size", "1280x720"]) == 0
    import pygame

    img = pygame.image.load(str(out))
    assert img.get_size() == (1280, 720)
