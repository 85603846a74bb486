"""通知 announcement: a title and words on a card (a QR code in its corner if given)."""

from __future__ import annotations

from signage.render import layout, slides

from .registry import Kind, register


def parse(inp) -> dict | None:
    if not (inp.title or inp.text):
        inp.problem(None, "通知缺少“标题”和“文字”，已跳过", "announcement without title or text; skipped")
        return None
    return {}


def draw(slide, page: layout.Page) -> list:
    return slides.message(slide, page.m, page.theme, page.fonts)


KIND = register(Kind("announcement", draw, aliases=("通知", "公告"), parse=parse))
