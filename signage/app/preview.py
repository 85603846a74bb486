"""The preview folder: files staff put in ``_预览/`` are drawn to PNG, not put on air.

The drop folder's ``_预览/`` subfolder is ignored by the player (its name starts
with ``_``) and watched by a watcher of its own. For each file put there, the
pages it would make are drawn, on the frame loop's thread (the only one that may
touch pygame), to ``_预览_<file name>.png`` beside it (``-2``, ``-3``... for more
pages), and its problems, if any, to ``_预览_<file name>.txt``. Those names start
with ``_`` too, so no preview is ever previewed again.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path

from signage.core import schedule
from signage.core.model import SourceResult
from signage.core.settings import Settings
from signage.core.store import ContentStore, Update

log = logging.getLogger(__name__)

FOLDER = "_预览"
PREFIX = "_预览_"
MAX_PAGES = 10
SCALE = 0.5  # previews at half the screen's size: enough to check, small to send on WeChat


def outputs(folder: Path, key: str) -> list[Path]:
    """The preview files written for ``key`` (a file name in the folder)."""
    mine = re.compile(re.escape(PREFIX + Path(key).name) + r"(-\d+)?\.(png|txt)")
    try:
        return sorted(p for p in folder.iterdir() if mine.fullmatch(p.name))
    except OSError:
        return []


def slides_of(result: SourceResult, today: dt.date, programme: schedule.Programme):
    """The pages one file makes on its own, as the screens would cycle them."""
    snap = ContentStore().apply_many([result])
    slides = [s for s in schedule.slides_for(snap, today, programme) if s.kind != "empty"]
    return slides[:MAX_PAGES]


def problems_text(result: SourceResult, pages: int) -> str | None:
    from signage.sources.folder.report import problem_lines

    lines = [line for p in result.problems for line in problem_lines(p)]
    if not pages:
        lines.insert(0, "这个文件没有可以显示的内容（可能已过期或还没开始，或有错误）。 / "
                        "Nothing in this file would be shown (expired, not started yet, or wrong).")
    return "\r\n".join(lines) + "\r\n" if lines else None


def draw(player, update: Update, folder: Path) -> None:
    """Run on the frame loop: draw the previews of what changed, remove those of what went."""
    import pygame

    from signage.render import pages
    from signage.render.look import look

    settings: Settings = player.settings
    w, h = player.screen.logical_size if player.screens else settings.size
    shape = look(settings, player.fonts, (w, h))
    now = dt.datetime.now()
    for key in update.removed:
        for old in outputs(folder, key):
            old.unlink(missing_ok=True)
    for result in update.results:
        name = Path(result.key).name
        for old in outputs(folder, result.key):
            old.unlink(missing_ok=True)
        slides = slides_of(result, now.date(), shape.programme)
        for n, slide in enumerate(slides, start=1):
            surface = pages.compose(slide, (w, h), player.fonts, shape.style, now)
            small = pygame.transform.smoothscale(surface, (int(w * SCALE), int(h * SCALE)))
            out = folder / (f"{PREFIX}{name}.png" if n == 1 else f"{PREFIX}{name}-{n}.png")
            tmp = out.with_name(out.name + ".tmp.png")
            pygame.image.save(small, str(tmp))
            tmp.replace(out)
        text = problems_text(result, len(slides))
        if text is not None:
            (folder / f"{PREFIX}{name}.txt").write_bytes(text.encode("utf-8-sig"))
        log.info("preview: %s drawn, %d page(s)%s", result.key, len(slides),
                 f", {len(result.problems)} problem(s)" if result.problems else "")


def make_folder(settings: Settings) -> Path:
    """``_预览/`` in the drop folder, made when missing, so that staff find it there."""
    folder = settings.content_dir / FOLDER
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        log.warning("preview folder %s cannot be made: %s", folder, exc)
    return folder


def start(settings: Settings, post: Callable[[object], None]) -> Callable[[], None]:
    """Watch ``_预览/`` in the drop folder (created if missing); returns the stop function."""
    from signage.sources.folder.watch import FolderWatcher

    folder = make_folder(settings)

    def hand_over(update: object) -> None:  # the watcher posts Updates
        if isinstance(update, Update):
            post(lambda player: _draw_guarded(player, update, folder))

    return FolderWatcher(folder, hand_over, settings.watch, write_report=False).start().stop


def _draw_guarded(player, update: Update, folder: Path) -> None:
    try:
        draw(player, update, folder)
    except Exception as exc:  # a preview must never take the screen down
        player.faults.report("drawing a preview", exc)
