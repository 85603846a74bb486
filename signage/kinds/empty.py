"""No listings (yet) for this screen: "new listings are being sorted, please ask the staff".

Not written in a playlist: the schedule shows it when a cycle would have nothing.
"""

from __future__ import annotations

from signage.render import layout

from .registry import Kind, register


def draw(slide, page: layout.Page) -> list:
    return layout.empty_body(page)


KIND = register(Kind("empty", draw))
