"""视频 video: a recruiting clip, full screen and muted, for its own length (or ``seconds``,
looping); no header, clock or ticker over it. ``file``/文件 names the clip, relative to the
playlist's folder. Clips dropped in the drop folder become slides of this kind too
(schedule.clip_slides). The player plays it (player/video.py): the page drawn here is the
black under its frames."""

from __future__ import annotations

import os
from pathlib import Path

from signage.core import schedule
from signage.parse import clips, images
from signage.render import layout
from signage.render.geometry import Box, Rect

from .registry import Field, Kind, register


def parse(inp) -> dict | None:
    written = inp.text_of("file")
    if not written:
        inp.problem(None, "视频缺少“文件”（例如 文件: 招聘.mp4），已跳过",
                    "video without 'file' (e.g. file: jobs.mp4); skipped")
        return None
    base = Path(inp.base_dir or ".")
    path = Path(written) if Path(written).is_absolute() else base / written
    try:
        if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(base)):
            raise images.Refused("视频必须放在节目单文件夹里面，没有播放",
                                 "the video must be inside the playlists folder; not played")
        clip = clips.probe(path, inp.reader.where(inp.node), f"video:{path.name}")
    except images.Refused as why:
        inp.problem("file", f"视频“{written}”：{why.zh}", f"video '{written}': {why.en}")
        return None
    return {"clip": clip}


def expand(spec, ctx: schedule.Expansion) -> list:
    return [schedule.spec_slide(spec, ctx, seconds=max(1.0, spec.clip.seconds))]


def draw(slide, page: layout.Page) -> list:
    m = page.m
    return [Box(Rect(0, 0, m.width, m.height), (0, 0, 0), role="page")]


KIND = register(Kind(
    "video", draw, aliases=("视频", "短视频"),
    fields=(Field("file", ("文件", "视频文件")),),
    parse=parse, expand=expand, chrome=False, ticker=False, animated=True,
))
