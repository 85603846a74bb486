"""``signage preview FILE``: the pages one listing file would make, as PNG files, before it goes live.

The file is read by the drop folder's reader from where it lies (the staff page puts an
upload in a temporary folder) and drawn by the renderer ``signage render`` uses. The
staff page runs this in a child process: a hostile file or the renderer's memory stays
out of the player.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

MAX_PAGES = 12


def render_file(settings, fonts, path: Path, out_dir: Path, size: tuple[int, int]) -> dict:
    """Write ``page-N.png`` for each page of ``path``'s listings and posters; say what was wrong."""
    import pygame

    from signage.core import schedule
    from signage.core.store import ContentStore
    from signage.render import pages
    from signage.render.look import look
    from signage.sources.folder import read as folder
    from signage.sources.folder.report import problem_lines

    result = folder.load_file(path, path.parent)
    snap = ContentStore().apply_many([result])
    shape = look(settings, fonts, size)
    now = dt.datetime.now()
    slides = schedule.slides_for(snap, now.date(), shape.programme) if snap.listings or snap.posters else []
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for i, slide in enumerate(slides[:MAX_PAGES]):
        surface = pages.compose(slide, size, fonts, shape.style, now)
        out = out_dir / f"page-{i + 1}.png"
        pygame.image.save(surface, str(out))
        written.append(str(out))
    return {
        "pages": written,
        "more": max(0, len(slides) - MAX_PAGES),
        "listings": len(result.listings),
        "posters": len(result.posters),
        "problems": [line for p in result.problems for line in problem_lines(p)[:1]],
    }


def cmd_preview(settings, args, load_fonts) -> int:
    """The CLI command: prints the result as JSON on stdout."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    pygame.display.init()
    fonts = load_fonts(settings)
    if fonts is None:
        return 2
    result = render_file(settings, fonts, Path(args.file), Path(args.out), args.size or (960, 540))
    print(json.dumps(result, ensure_ascii=False))
    return 0
