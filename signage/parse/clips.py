"""Whether a video clip may be played: the one home of that rule (drop folder and playlists).

A clip is taken when it is a regular file within the caps, opens with PyAV
(FFmpeg), has a video stream of known length and its first frame decodes;
otherwise :class:`Refused` says why in Chinese and English. Probing opens the
file and decodes one frame: it runs where the file is read (the watcher's
thread, the playlists' reading), never per frame.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from signage.core.model import Clip, Location

from .images import Refused

VIDEO_SUFFIXES = {".mp4", ".mkv", ".webm", ".mov", ".m4v"}
MAX_VIDEO_BYTES = 300 * 1024 * 1024  # a 3-minute 1080p clip at 10 Mbit/s is 225 MB
MAX_VIDEO_SECONDS = 300.0  # a recruiting clip between job pages, not a film
MAX_VIDEO_PIXELS = 3840 * 2160


def probe(path: str | Path, origin: Location, clip_id: str) -> Clip:
    """The clip at ``path``, or :class:`Refused`."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise Refused(f"找不到视频“{Path(path).name}”", f"video '{Path(path).name}' not found: "
                      f"{exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise Refused("这不是普通文件，没有播放", "not a regular file; not played")
    if st.st_size > MAX_VIDEO_BYTES:
        mb = MAX_VIDEO_BYTES // (1024 * 1024)
        raise Refused(f"视频文件太大（{st.st_size / 1024 / 1024:.0f} MB，最多 {mb} MB），没有播放。"
                      "请剪短或降低清晰度后再放进来",
                      f"video file too big ({st.st_size / 1024 / 1024:.0f} MB, at most {mb} MB); "
                      "not played. Cut it shorter or encode it smaller")
    import av

    try:
        with av.open(str(path), timeout=5.0) as container:
            if not container.streams.video:
                raise Refused("这个文件里没有画面（可能只有声音），没有播放",
                              "the file has no video stream (sound only?); not played")
            stream = container.streams.video[0]
            codec = stream.codec_context.name
            width, height = stream.codec_context.width, stream.codec_context.height
            if width * height > MAX_VIDEO_PIXELS:
                raise Refused(f"视频画面太大（{width}×{height}），最大 3840×2160，没有播放",
                              f"video frame too large ({width}x{height}; at most 3840x2160); "
                              "not played")
            seconds = _seconds(container, stream)
            if seconds > MAX_VIDEO_SECONDS:
                raise Refused(f"视频太长（{seconds:.0f} 秒，最多 {MAX_VIDEO_SECONDS:.0f} 秒），"
                              "没有播放。请剪成短片",
                              f"video too long ({seconds:.0f} s, at most "
                              f"{MAX_VIDEO_SECONDS:.0f} s); not played. Cut it shorter")
            if next(container.decode(stream), None) is None:
                raise _undecodable("no frame decodes")
    except (av.FFmpegError, ValueError, OSError, UnicodeDecodeError) as exc:
        raise _undecodable(str(exc)) from None
    if seconds <= 0:
        raise _undecodable("its length is unknown")
    return Clip(id=clip_id, path=os.path.realpath(path), origin=origin,
                version=f"{st.st_size}-{st.st_mtime_ns}-{st.st_ino}", seconds=round(seconds, 3),
                size=(width, height), codec=codec)


def _undecodable(why: str) -> Refused:
    return Refused("视频打不开或已损坏（可能没有复制完整），没有播放。请重新导出（MP4，H.264）后再放进来",
                   f"the video cannot be decoded ({why}); not played. Export it again "
                   "(MP4, H.264) and drop it in again")


def _seconds(container, stream) -> float:
    """The clip's length: from the stream, the container, or the last packet's time."""
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / 1_000_000
    end = 0.0
    for packet in container.demux(stream):  # no length written (some WebM): read packet times
        if packet.pts is not None and packet.time_base:
            end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    container.seek(0)
    return end
