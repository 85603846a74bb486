"""进群 join: scan to join the WeChat group: a QR code drawn from ``qr``, or the group's own
QR picture (``image``); a picture that cannot be shown is only a warning."""

from __future__ import annotations

from signage.render import layout, slides
from signage.render.labels import label

from .live import no_qr
from .registry import Kind, register

CAPTION = "微信扫一扫 加入"


def parse(inp) -> dict:
    no_qr(inp)
    return {"title": inp.title or "扫码进群"}


def draw(slide, page: layout.Page) -> list:
    return slides.with_qr(slide, page.m, page.theme, page.fonts, label(CAPTION, page.lang))


KIND = register(Kind("join", draw, aliases=("进群", "加群", "入群"), parse=parse,
                     picture_refused="warn"))
