"""The urgent message (playlists/urgent.yaml): the body in its own colours under a tag.

Not written in a playlist: the schedule puts it on every screen while it is active.
"""

from __future__ import annotations

from signage.render import layout, slides
from signage.render.labels import label

from .registry import Kind, register

TAG = "紧急通知"


def draw(slide, page: layout.Page) -> list:
    return slides.message(slide, page.m, page.theme, page.fonts, urgent_tag=label(TAG, page.lang))


KIND = register(Kind("urgent", draw))
