"""Layouts for the slide kinds that are not job pages: a message on a card (announcement,
urgent message), words beside a large QR code (live stream, join), a grid of figures.
Pure: returns ops, like ``layout.py``. Which kind uses which is said by the kind's module
(signage/kinds/), which passes its own words (tag, caption) in.

Sizes follow the same rule as the job cards: no text below a 30th of the
screen's short side, titles at least a 15th. QR codes get whole pixels per
module and at least 40% of the short side (about 27 cm on a 55" TV: a phone
reads that from well beyond two metres).
"""

from __future__ import annotations

from dataclasses import replace

from signage.core.model import Slide

from . import qr
from .fonts import Fonts
from .geometry import Box, Image, Metrics, Op, Qr, Rect, Text, _Pen, footer_height, header_height
from .text import break_lines, fit, truncate
from .themes import RGB, Theme

QR_SHARE = 0.40  # the QR code's side, as a share of the screen's short side (at least)


def body_rect(m: Metrics) -> Rect:
    top = header_height(m) + m.sp(30)
    bottom = m.height - footer_height(m) - m.sp(30)
    return Rect(m.sp(36), top, m.width - 2 * m.sp(36), bottom - top)


def fit_block(text: str, width: int, height: int, max_size: int, min_size: int, line,
              measure) -> tuple[int, list[str]]:
    """The largest size at which ``text`` fits ``width`` x ``height``; at ``min_size`` the
    lines that do not fit are dropped and the last kept one ends with an ellipsis."""
    size = max_size
    while True:
        lines = break_lines(text, width, size, measure)
        if len(lines) * line(size) <= height or size <= min_size:
            break
        size = max(min_size, int(size * 0.94))
    room = max(1, height // line(size))
    if len(lines) > room:
        kept = lines[:room]
        kept[-1] = truncate(kept[-1] + lines[room], width, size, measure)
        lines = kept
    return size, lines


def _centred(pen: _Pen, text: str, rect: Rect, top: int, size: int, color: RGB, bold: bool,
             role: str, face: str = "") -> Text:
    w = pen.fonts.width(text, size, bold, face)
    return pen.text(text, rect.x + max(0, round((rect.w - w) / 2)), top, size, color, bold, role, face)


def message(slide: Slide, m: Metrics, theme: Theme, fonts: Fonts, urgent_tag: str = "") -> list[Op]:
    """An announcement on a card, or (with ``urgent_tag``) the urgent message filling the body
    in its own colours under that tag."""
    pen = _Pen(fonts)
    body = body_rect(m)
    urgent = bool(urgent_tag)
    bg = theme.urgent_bg if urgent else theme.card_bg
    title_c = theme.urgent_fg if urgent else theme.title
    text_c = theme.urgent_fg if urgent else theme.text
    ops: list[Op] = [Box(body, bg, radius=m.sp(theme.radius * 1080), border=0 if urgent else max(2, m.sp(3)),
                         border_color=None if urgent else theme.card_edge, role="card",
                         texture="" if urgent else theme.texture)]
    inner = body.inset(m.sp(48))
    y = inner.y
    wr = lambda t, s: pen.fonts.width(t, s, False)  # noqa: E731
    if urgent:
        size = max(m.min_text, m.px(52))
        ops.append(_centred(pen, f"【{urgent_tag}】", inner, y, size, text_c, True, "tag"))
        y += pen.line(size) + m.sp(10)
    qr_op = None
    if slide.qr:
        side_max = min(round(min(m.width, m.height) * 0.30), inner.h // 2)
        px = qr.module_px(slide.qr, side_max)
        side = px * qr.side_modules(slide.qr)
        qr_op = Qr(slide.qr, inner.right - side, inner.bottom - side, px, side)
    if slide.title:
        face = "" if urgent else theme.title_face  # the night market's handwriting
        f = fit(slide.title, inner.w, 2, max(m.min_big, m.px(104)), m.min_big,
                lambda t, s: pen.fonts.width(t, s, True, face))
        for line in f.lines:
            ops.append(_centred(pen, line, inner, y, f.size, title_c, True, "title", face))
            y += pen.line(f.size)
        y += m.sp(28)
    if slide.text:
        width = inner.w - (qr_op.side + m.sp(32) if qr_op else 0)
        height = inner.bottom - y
        size, lines = fit_block(slide.text, width, height, max(m.min_text, m.px(72)), m.min_text,
                                pen.line, wr)
        centre = qr_op is None and len(lines) <= 3  # a short notice reads best centred
        for line in lines:
            if centre:
                ops.append(_centred(pen, line, inner, y, size, text_c, False, "text"))
            else:
                ops.append(pen.text(line, inner.x, y, size, text_c, False, "text"))
            y += pen.line(size)
    # The words sit in the middle of the card, not at its top.
    shift = max(0, (inner.bottom - y) // 2) if qr_op is None else 0
    ops = ops[:1] + [_moved(op, shift) for op in ops[1:]]
    if qr_op is not None:
        ops.append(qr_op)
    return ops


def with_qr(slide: Slide, m: Metrics, theme: Theme, fonts: Fonts, caption: str = "微信扫一扫",
            tag: str = "") -> list[Op]:
    """Live stream or join: words (under ``tag``, if any) on one side, a large QR code (or a
    QR picture) with ``caption`` under it on the other."""
    pen = _Pen(fonts)
    body = body_rect(m)
    ops: list[Op] = [Box(body, theme.card_bg, radius=m.sp(theme.radius * 1080), border=max(2, m.sp(3)),
                         border_color=theme.card_edge, role="card", texture=theme.texture)]
    inner = body.inset(m.sp(48))
    portrait = m.height > m.width
    csize = max(m.min_text, m.px(44))
    short = min(m.width, m.height)
    qr_room = min(inner.h - pen.line(csize) - m.sp(12), inner.w if portrait else inner.w // 2,
                  max(round(short * 0.52), round(short * QR_SHARE)))
    if portrait:  # a tall screen has room for a bigger code under the words
        qr_room = min(inner.h // 2 - pen.line(csize), inner.w, round(short * 0.62))
    code: Op | None = None
    side = 0
    if slide.qr:
        px = qr.module_px(slide.qr, qr_room)
        side = px * qr.side_modules(slide.qr)
    elif slide.poster is not None:
        side = qr_room
    if side:
        block_h = side + m.sp(12) + pen.line(csize)
        if portrait:
            x, y = inner.x + (inner.w - side) // 2, inner.bottom - block_h
        else:
            x, y = inner.right - side, inner.y + (inner.h - block_h) // 2
        if slide.qr:
            code = Qr(slide.qr, x, y, px, side)
        else:
            assert slide.poster is not None  # a side is found only for a code or a picture
            code = Image(slide.poster.image, Rect(x, y, side, side), role="qr-image",
                         version=slide.poster.version)
        ops.append(code)
        cw = pen.fonts.width(caption, csize, True)
        ops.append(pen.text(caption, x + round((side - cw) / 2), y + side + m.sp(12), csize,
                            theme.label, True, "caption"))
        text_area = (Rect(inner.x, inner.y, inner.w, y - inner.y - m.sp(24)) if portrait
                     else Rect(inner.x, inner.y, inner.w - side - m.sp(48), inner.h))
    else:
        text_area = inner
    words = _words(slide, text_area, m, theme, pen, tag, centre=not (portrait and side))
    if portrait and side and words:  # words and code as one block in the middle, no hole between
        used = max(op.bottom if isinstance(op, Text) else op.rect.bottom for op in words
                   if isinstance(op, Text | Box)) - text_area.y
        dy = max(0, (inner.h - (used + m.sp(48) + block_h)) // 2)
        words = [_moved(op, dy) for op in words]
        code_dy = text_area.y + dy + used + m.sp(48) - y
        ops = ops[:1] + [_moved(op, code_dy) for op in ops[1:]]
    return ops + words


def _words(slide: Slide, area: Rect, m: Metrics, theme: Theme, pen: _Pen, tag: str,
           centre: bool = True) -> list[Op]:
    """Tag, title, details (when, where) and text, top-down in ``area``, centred vertically."""
    wb = lambda t, s: pen.fonts.width(t, s, True)  # noqa: E731
    wr = lambda t, s: pen.fonts.width(t, s, False)  # noqa: E731
    ops: list[Op] = []
    y = area.y
    if tag:
        size = max(m.min_text, m.px(46))
        pad = m.sp(16)
        w = round(wb(tag, size)) + 2 * pad
        h = pen.line(size) + m.sp(6)
        ops.append(Box(Rect(area.x, y, w, h), theme.header_bg, radius=h // 4, role="tag"))
        ops.append(pen.text(tag, area.x + pad, y + m.sp(3), size, theme.header_fg, True, "tag-text"))
        y += h + m.sp(24)
    if slide.title:
        face = theme.title_face  # the night market's handwriting
        f = fit(slide.title, area.w, 3, max(m.min_big, m.px(96)), m.min_big,
                lambda t, s: pen.fonts.width(t, s, True, face))
        for line in f.lines:
            ops.append(pen.text(line, area.x, y, f.size, theme.title, True, "title", face))
            y += pen.line(f.size)
        y += m.sp(24)
    for label, value in slide.details:
        f = fit(f"{label}：{value}", area.w, 2, max(m.min_text, m.px(64)), m.min_text, wb)
        if y + len(f.lines) * pen.line(f.size) > area.bottom:
            break
        for line in f.lines:
            ops.append(pen.text(line, area.x, y, f.size, theme.pay, True, "detail"))
            y += pen.line(f.size)
        y += m.sp(12)
    if slide.text and area.bottom - y >= pen.line(m.min_text):
        size, lines = fit_block(slide.text, area.w, area.bottom - y, max(m.min_text, m.px(58)),
                                m.min_text, pen.line, wr)
        for line in lines:
            ops.append(pen.text(line, area.x, y, size, theme.text, False, "text"))
            y += pen.line(size)
    # Centre the block vertically in the area.
    used = y - area.y
    shift = max(0, (area.h - used) // 2) if centre else 0
    return [_moved(op, shift) for op in ops] if shift else ops


def _moved(op: Op, dy: int) -> Op:
    if isinstance(op, Text):
        return replace(op, baseline=op.baseline + dy, top=op.top + dy, bottom=op.bottom + dy)
    if isinstance(op, Box | Image):
        return replace(op, rect=Rect(op.rect.x, op.rect.y + dy, op.rect.w, op.rect.h))
    if isinstance(op, Qr):
        return replace(op, y=op.y + dy)
    return op


def figures(slide: Slide, m: Metrics, theme: Theme, fonts: Fonts) -> list[Op]:
    """A title and a grid of tiles: a big number, a label under it."""
    pen = _Pen(fonts)
    body = body_rect(m)
    wb = lambda t, s: pen.fonts.width(t, s, True)  # noqa: E731
    ops: list[Op] = []
    y = body.y
    if slide.title:
        f = fit(slide.title, body.w, 1, max(m.min_big, m.px(96)), m.min_big, wb)
        ops.append(_centred(pen, f.lines[0], body, y, f.size, theme.title, True, "title"))
        y += pen.line(f.size) + m.sp(24)
    items = slide.details[:6]
    if not items:
        return ops
    portrait = m.height > m.width
    cols = (2 if len(items) > 3 else 1) if portrait else min(3, len(items))
    rows = -(-len(items) // cols)
    gap = m.sp(28)
    area = Rect(body.x, y, body.w, body.bottom - y)
    tw = (area.w - gap * (cols - 1)) // cols
    th = (area.h - gap * (rows - 1)) // rows
    for i, (label, value) in enumerate(items):
        r, c = divmod(i, cols)
        tile = Rect(area.x + c * (tw + gap), area.y + r * (th + gap), tw, th)
        ops.append(Box(tile, theme.card_bg, radius=m.sp(theme.radius * 1080), border=max(2, m.sp(3)),
                       border_color=theme.card_edge, role="tile", texture=theme.texture))
        inner = tile.inset(m.sp(24))
        lsize = max(m.min_text, m.px(46))
        vf = fit(value, inner.w, 1, max(m.min_big, m.px(120)), m.min_big, wb)
        lf = fit(label, inner.w, 2, lsize, m.min_text, lambda t, s: pen.fonts.width(t, s, False))
        block = pen.line(vf.size) + m.sp(8) + len(lf.lines) * pen.line(lf.size)
        ty = inner.y + max(0, (inner.h - block) // 2)
        ops.append(_centred(pen, vf.lines[0], inner, ty, vf.size, theme.pay, True, "figure"))
        ty += pen.line(vf.size) + m.sp(8)
        for line in lf.lines:
            ops.append(_centred(pen, line, inner, ty, lf.size, theme.label, False, "figure-label"))
            ty += pen.line(lf.size)
    return ops
