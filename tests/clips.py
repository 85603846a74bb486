"""Clips for the tests, made with FFmpeg (inside PyAV): testsrc2 moves every frame."""

from __future__ import annotations

from pathlib import Path

import av

CODECS = {".mp4": ("libx264", "yuv420p"), ".mkv": ("libx264", "yuv420p"),
          ".webm": ("libvpx-vp9", "yuv420p")}


def make_clip(path: Path, seconds: float = 2.0, size: tuple[int, int] = (320, 180), fps: int = 30,
              codec: str | None = None) -> Path:
    """Encode ``seconds`` of FFmpeg's moving test picture into ``path`` (H.264, or VP9 for .webm)."""
    name, pix = CODECS[path.suffix.lower()]
    name = codec or name
    if name not in av.codecs_available:  # an FFmpeg without the encoder: MPEG-4 Part 2
        name = "mpeg4"
    src = av.open(f"testsrc2=size={size[0]}x{size[1]}:rate={fps}:duration={seconds}", format="lavfi")
    with av.open(str(path), "w") as out:
        stream = out.add_stream(name, rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], pix
        if name == "libvpx-vp9":
            stream.options = {"deadline": "realtime", "cpu-used": "8"}
        elif name == "libx264":  # as a phone or an editor exports it
            stream.options = {"preset": "veryfast", "crf": "20"}
        for frame in src.decode(video=0):
            frame = frame.reformat(format=pix)
            frame.pts = None
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    src.close()
    return path
