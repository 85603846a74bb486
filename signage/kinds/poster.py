"""海报 poster: a picture, full screen, on black; no header, clock or ticker over it."""

from __future__ import annotations

from signage.core import schedule
from signage.render import layout
from signage.render.geometry import Box, Image, Rect

from .registry import Kind, register


def parse(inp) -> dict | None:
    if not inp.image:
        inp.problem(None, "海报缺少“图片”，已跳过", "poster without 'image'; skipped")
        return None
    return {}


def expand(spec, ctx: schedule.Expansion) -> list:
    return [schedule.spec_slide(spec, ctx, seconds=ctx.page_seconds)]


def draw(slide, page: layout.Page) -> list:
    m = page.m
    if slide.poster is None:  # nothing to show: the page without listings
        return layout.chrome(slide, page) + layout.empty_body(page)
    return [Box(Rect(0, 0, m.width, m.height), (0, 0, 0), role="page"),
            Image(slide.poster.image, Rect(0, 0, m.width, m.height), role="poster",
                  version=slide.poster.version)]


KIND = register(Kind(
    "poster", draw, aliases=("海报", "图片", "image"), parse=parse, expand=expand,
    chrome=False, ticker=False, picture_refused="skip",
))
