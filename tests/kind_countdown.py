"""A toy slide kind for tests, as a new kind is written: one module, nothing else touched.

倒计时 countdown: "N days to <title>" on a panel of the kind's own colour. Its fields have
aliases and defaults; it parses, expands and lays out by the registry's defaults and
render's helpers. The test registers it (``register(KIND)``) and takes it out again.
"""

from __future__ import annotations

from signage.kinds.registry import Field, Kind
from signage.render.geometry import Box
from signage.render.slides import body_rect

COLOURS = {"amber": (255, 191, 0), "green": (20, 140, 60)}


def draw(slide, page) -> list:
    m, pen = page.m, page.pen
    body = body_rect(m)
    colour = COLOURS.get(slide.value_of("colour"), COLOURS["amber"])
    size = max(m.min_big, m.px(160))
    words = f"还有 {slide.value_of('days')} 天"
    width = page.fonts.width(words, size, True)
    ops = [Box(body, colour, role="panel")]
    ops.append(pen.text(slide.title, body.x + m.sp(48), body.y + m.sp(48), max(m.min_big, m.px(96)),
                        (0, 0, 0), True, "title"))
    ops.append(pen.text(words, body.x + round((body.w - width) / 2), body.y + body.h // 2, size,
                        (0, 0, 0), True, "count"))
    return ops


KIND = Kind("countdown", draw, aliases=("倒计时",),
            fields=(Field("days", ("天数",), "3"), Field("colour", ("颜色",), "amber")),
            ticker=False)
