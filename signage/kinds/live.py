"""直播 live: a live-stream recruiting session (直播带岗): when, where, and the room's QR code."""

from __future__ import annotations

from signage.core.model import Severity
from signage.render import layout, slides
from signage.render.labels import label

from .jobs import WHERE
from .registry import Field, Kind, register

TAG = "直播带岗"
CAPTION = "微信扫码 进直播间"


def no_qr(inp) -> None:
    if not (inp.qr or inp.image):
        inp.problem(None, "缺少“二维码”（网址或电话），这张幻灯片没有二维码",
                    "no 'qr' (URL or phone): the slide has no QR code", Severity.WARNING)


def parse(inp) -> dict:
    no_qr(inp)
    details = tuple((label, inp.text_of(name)) for label, name in (("时间", "when"), ("地点", "where"))
                    if inp.text_of(name))
    return {"details": details, "title": inp.title or TAG}


def draw(slide, page: layout.Page) -> list:
    tag = label(TAG, page.lang)
    if slide.title.startswith((TAG, tag)):  # 直播带岗 said once, not in the tag and the title
        tag = ""
    return slides.with_qr(slide, page.m, page.theme, page.fonts, label(CAPTION, page.lang), tag=tag)


KIND = register(Kind("live", draw, aliases=("直播", "直播带岗"),
                     fields=(Field("when", ("时间",)), WHERE), parse=parse))
