"""Video clips: probed when read, refused with a message when bad, played between the pages
with no black frame at either end. Clips are made by the tests with FFmpeg (PyAV)."""

from __future__ import annotations

import json
import time

import pygame
import pytest
from clips import make_clip
from drophelpers import player_at

from signage.app import config as config_mod
from signage.app.cli import main
from signage.ops.metrics import Metrics
from signage.parse import clips as clips_rule
from signage.player import video as video_mod
from signage.player.clock import FakeClock
from signage.player.loop import Player
from signage.sources.folder import read as folder
from signage.sources.folder import report

JOBS = """
- id: a1
  title: 服务员
  employer: 川味餐馆
  pay: 150元/天
  phone: "13812345678"
"""


# ------------------------------------------------------------------ reading the drop folder


@pytest.mark.parametrize("name", ["clip.mp4", "clip.mkv", "clip.webm"])
def test_a_clip_is_probed_into_a_clip_value(drop, name):
    make_clip(drop.folder / name, seconds=1.5)
    result = folder.scan(drop.folder)[name]
    assert result.ok and not result.problems
    (clip,) = result.clips
    assert clip.seconds == pytest.approx(1.5, abs=0.1)
    assert clip.size == (320, 180)
    assert clip.codec == ("vp9" if name.endswith(".webm") else "h264")
    assert clip.id == f"video:{name}" and clip.version


def test_a_broken_clip_is_reported_like_any_bad_file(drop, config_file, capsys):
    good = make_clip(drop.folder / "good.mp4", seconds=2)
    (drop.folder / "noise.mp4").write_bytes(bytes(range(256)) * 400)
    data = good.read_bytes()
    (drop.folder / "cut.mp4").write_bytes(data[: len(data) // 3])  # copied half-way
    drop("jobs.yaml", JOBS)
    results = folder.scan(drop.folder)
    assert results["good.mp4"].clips
    for name in ("noise.mp4", "cut.mp4"):
        (problem,) = results[name].problems
        assert not results[name].clips and not results[name].ok
        assert problem.where.source == name
        assert "视频打不开或已损坏" in problem.zh and "cannot be decoded" in problem.en
    text = report.report_text(results)
    assert "noise.mp4" in text and "cut.mp4" in text and "good.mp4" not in text
    assert main(["--config", str(config_file()), "validate", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert {e["file"] for e in out["problems"]} == {"noise.mp4", "cut.mp4"} and not out["ok"]


def test_caps_on_size_and_length_refuse_with_a_message(drop, monkeypatch):
    make_clip(drop.folder / "long.mp4", seconds=2)
    monkeypatch.setattr(clips_rule, "MAX_VIDEO_SECONDS", 1.0)
    (problem,) = folder.scan(drop.folder)["long.mp4"].problems
    assert "视频太长" in problem.zh and "video too long (2 s, at most 1 s)" in problem.en
    monkeypatch.setattr(clips_rule, "MAX_VIDEO_BYTES", 1000)
    (problem,) = folder.scan(drop.folder)["long.mp4"].problems
    assert "视频文件太大" in problem.zh and "video file too big" in problem.en


# ------------------------------------------------------------------ the decoder


def test_playback_gives_the_frame_due_and_counts_the_dropped(tmp_path):
    clip = make_clip(tmp_path / "c.mp4", seconds=1, fps=30)
    pb = video_mod.Playback(clip, (160, 160), ("rgb24", "RGB"), loop=True)
    try:
        first = pb.first()
        assert first is not None and first.at == 0 and first.size == (160, 90)
        assert pb.decoder == "software"  # no VAAPI or v4l2m2m device on a test machine
        assert pb.frame_at(0.0) is first
        assert pb.frame_at(0.01) is None  # not due yet: the frame on screen stays
        time.sleep(0.2)
        late = pb.frame_at(3 / 30 + 0.001)  # two frames late: the newest due is shown
        assert late.at == pytest.approx(3 / 30, abs=1e-3) and pb.dropped == 2
        # it loops: frames past the clip's length keep coming
        t = late.at
        deadline = time.monotonic() + 5
        while t < 1.5 and time.monotonic() < deadline:
            f = pb.frame_at(t + 1 / 30 + 1e-6)
            t = f.at if f else t
            time.sleep(0.002)
        assert t >= 1.5 and pb.error is None
    finally:
        pb.close()
        pb.join()


def test_hardware_decoders_that_fail_fall_back_to_software(tmp_path, monkeypatch, caplog):
    """The real v4l2m2m decoder and VAAPI device type, on a machine that has neither."""
    clip = make_clip(tmp_path / "c.mp4", seconds=1)
    monkeypatch.setattr(video_mod, "_hw_choices", lambda codec: [
        ("v4l2m2m", {"decoder": f"{codec}_v4l2m2m"}), ("vaapi", {"hwaccel": "vaapi"})])
    caplog.set_level("DEBUG", logger="signage.player.video")
    pb = video_mod.Playback(clip, (160, 90))
    try:
        assert pb.first() is not None and pb.decoder == "software" and pb.error is None
        tried = " ".join(r.getMessage() for r in caplog.records)
        assert "v4l2m2m decoding not available" in tried and "vaapi decoding not available" in tried
    finally:
        pb.close()


def test_a_clip_that_fails_while_playing_ends_its_playback(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 5000)
    pb = video_mod.Playback(bad, (160, 90))
    assert pb.first(timeout=5) is None and pb.done and pb.error


# ------------------------------------------------------------------ on the screen


@pytest.fixture
def player_with_clip(drop, config_file, fonts):
    drop("jobs.yaml", JOBS)
    make_clip(drop.folder / "clip.mp4", seconds=2, size=(320, 180))

    def make(transition: str = "crossfade") -> tuple[Player, FakeClock]:
        settings = config_mod.load(config_file(
            "display: {fullscreen: false, size: [480, 270], power: none}\n"
            f"pages: {{seconds: 3, transition: {transition}, transition_seconds: 0.25}}\n"))
        p, now = player_at(settings, fonts, 0.0)
        return p, now

    return make


def _clip_start(p: Player, after: float) -> float:
    """When the next clip slide starts (the schedule cycles: jobs page 3 s, then the clip 2 s)."""
    t = after
    while p.screen.schedule_at(t, p.shared()).slide.kind != "video":
        t += 0.05
    return p.screen.schedule_at(t, p.shared()).started_at


def _decoder_keeps_up(p: Player, t: float) -> None:
    """The test's clock runs faster than real time: wait (a little) for the frame due at ``t``,
    so the test sees what the screen shows, not how fast this machine decodes today."""
    deadline = time.monotonic() + 0.5
    v = p.screen.clips.playback
    while v is not None and not v.done and time.monotonic() < deadline:
        with v._cond:
            if v._frames and v._frames[-1].at >= t - p.screen.clips.started:
                return
        time.sleep(0.002)


def _black(screen: pygame.Surface) -> bool:
    return max(pygame.transform.average_color(screen)[:3]) < 8


@pytest.mark.parametrize("transition", ["crossfade", "slide", "none"])
def test_the_clip_plays_between_pages_with_no_black_frame(player_with_clip, transition):
    p, now = player_with_clip(transition)
    metrics = Metrics(clock=p.clock.time)
    p.observers.append(metrics)
    start = _clip_start(p, 1_800_000_000.0)
    now.set(start - 1.0)  # the job page, a second before the clip
    p.frame()
    assert p.state()["slide"] == "jobs"
    assert p.screen.clips._next is not None  # the clip is decoding in idle time, before it is due
    frames: list[bytes] = []
    kinds = []
    t = start - 1 / 60
    end = p.screen.schedule_at(start, p.shared()).next_change + 0.5
    while t < end:
        now.set(t)
        p.frame()
        kinds.append(p.state()["slide"])
        assert not _black(p.screen.grab()), f"a black frame at {t - start:+.3f} s ({kinds[-1]})"
        if kinds[-1] == "video":
            frames.append(pygame.image.tobytes(p.screen.grab(), "RGB"))
        t += 1 / 60
        _decoder_keeps_up(p, t)
    assert kinds[0] == "jobs" and "video" in kinds and kinds[-1] == "jobs"
    # the first frame after the page is already the clip's (or a blend towards it)
    moving = sum(1 for a, b in zip(frames, frames[1:], strict=False) if a != b)
    assert moving >= 40  # ~2 s at 30 fps: successive frames differ on the screen
    assert len(frames) == pytest.approx(2 * 60, abs=2)  # up for its own length: 2 s at 60 Hz
    assert p.screen.clips.playback is None  # its playback ended with its slide
    text = metrics.render()[2].decode()
    assert 'signage_video_frames_total{result="dropped"}' in text
    shown = float(text.split('signage_video_frames_total{result="shown"} ')[1].split()[0])
    assert shown >= 50  # ~60 frames of a 2 s clip at 30 fps, less the 0.25 s transition


def test_a_clip_that_does_not_decode_leaves_the_page_up(player_with_clip, drop):
    p, now = player_with_clip("none")
    start = _clip_start(p, 1_800_000_000.0)
    now.set(start - 1.0)
    p.frame()
    w, h = p.screen.grab().get_size()
    body = pygame.Rect(0, h // 3, w, h // 3)  # below the header (whose clock a clip slide lacks)
    page = pygame.image.tobytes(p.screen.grab().subsurface(body), "RGB")
    clip = drop.folder / "clip.mp4"
    clip.write_bytes(b"\x00" * 1000)  # broken after it was read: the playback fails
    p.screen.clips.stop_all()
    now.set(start + 0.5)
    p.frame()
    assert p.state()["slide"] == "video"
    assert pygame.image.tobytes(p.screen.grab().subsurface(body), "RGB") == page  # the last page stays
    assert not _black(p.screen.grab())


# ------------------------------------------------------------------ named in a playlist


def test_a_playlist_names_a_clip_for_its_seconds_and_it_loops(tmp_path, drop, config_file, fonts):
    drop("jobs.yaml", JOBS)
    pl = tmp_path / "playlists"
    pl.mkdir()
    make_clip(pl / "招聘.webm", seconds=1)
    (pl / "noise.mp4").write_bytes(b"\x01" * 4000)
    (pl / "day.yaml").write_text(
        "name: 白天\ndefault: true\nslides:\n  - jobs\n"
        "  - {类型: 视频, 文件: 招聘.webm, 秒: 3}\n"
        "  - {kind: video, file: noise.mp4}\n"
        "  - {kind: video, file: ../jobs/jobs.yaml}\n", encoding="utf-8")
    settings = config_mod.load(config_file(
        "playlists: playlists\ndisplay: {fullscreen: false, size: [480, 270], power: none}\n"
        "pages: {seconds: 3, transition: none}\n"))
    p, now = player_at(settings, fonts, 1_800_000_000.0)
    lines = {(x.where.line, x.en.split(":")[0]) for x in p.playlists.current.problems}
    assert lines == {(6, "video 'noise.mp4'"), (7, "video '../jobs/jobs.yaml'")}
    start = _clip_start(p, now.now)
    on = p.screen.schedule_at(start, p.shared())
    assert on.slide.seconds == 3 and on.slide.clip.codec == "vp9"
    frames = []
    t = start
    while t < start + 2.9:
        now.set(t)
        p.frame()
        if t > start + 1.2:  # past the clip's 1 s: it has looped
            frames.append(pygame.image.tobytes(p.screen.grab(), "RGB"))
        t += 1 / 30
        _decoder_keeps_up(p, t)
    changes = sum(1 for a, b in zip(frames, frames[1:], strict=False) if a != b)
    assert p.state()["slide"] == "video" and changes >= len(frames) - 3  # moving all along
    assert not _black(p.screen.grab())


# ------------------------------------------------------------------ the real process


def test_signage_run_plays_a_dropped_clip_and_reports_a_broken_one(drop, tmp_path):
    import io
    import os

    from drophelpers import eventually, report_of

    from tests.playerproc import PlayerProcess

    drop("jobs.yaml", JOBS)
    player = PlayerProcess(tmp_path, "station: {name: 测试驿站, hotline: 028-2333 1234}\ncontent: jobs\n"
                                     "status: {port: 0}\nwatch: native\npages: {seconds: 2, transition: none}\n"
                                     "display: {power: none}\n", seconds=50, size="640x360")
    status = player.status
    try:
        eventually(lambda: status().get("listings_loaded") == 1, timeout=30)
        make_clip(tmp_path / "clip.mp4", seconds=3)
        os.replace(tmp_path / "clip.mp4", drop.folder / "招聘视频.mp4")  # arrives whole
        state = eventually(lambda: (s := status()) and s.get("slide") == "video" and s, timeout=20)
        assert state["video"]["clip"] == "招聘视频.mp4" and state["video"]["decoder"] == "software"
        shot = pygame.image.load(io.BytesIO(player.get("/screenshot.png").content))
        assert not _black(shot)
        (drop.folder / "坏视频.mp4").write_bytes(b"\x00\x01" * 3000)
        state = eventually(lambda: (s := status()) and s["errors"] and s)
        assert state["errors"][0]["file"] == "坏视频.mp4"
        assert "坏视频.mp4" in eventually(lambda: report_of(drop.folder))
        metrics = player.get("/metrics").text
        assert 'signage_tv_power{state="off"} 1.0' in metrics
    finally:
        player.stop()


def test_a_window_exposed_mid_clip_keeps_its_timeline(player_with_clip):
    p, now = player_with_clip("none")
    start = _clip_start(p, 1_800_000_000.0)
    t = start
    while t < start + 1.0:
        now.set(t)
        p.frame()
        t += 1 / 30
        _decoder_keeps_up(p, t)
    shown = p.screen.clips.playback.shown
    p.handle_events([pygame.event.Event(pygame.WINDOWEXPOSED)])  # the whole page drawn again
    for _ in range(5):
        now.set(t)
        p.frame()
        t += 1 / 30
        _decoder_keeps_up(p, t)
    assert p.screen.clips.playback.shown >= shown + 4  # it goes on where it was, not from frame 0


def test_on_the_texture_path_a_clip_streams_into_one_texture(drop, config_file, fonts):
    """SDL's software renderer stands in for a GPU: frames go into one streaming texture."""
    from signage.player.textures import TextureCompositor

    drop("jobs.yaml", JOBS)
    make_clip(drop.folder / "clip.mp4", seconds=2, size=(320, 180))
    settings = config_mod.load(config_file(
        "display: {fullscreen: false, size: [480, 270], power: none, renderer: gpu}\n"
        "pages: {seconds: 3, transition: crossfade, transition_seconds: 0.25}\n"))
    p, now = player_at(settings, fonts, 0.0)
    try:
        comp = p.screen.compositor
        assert isinstance(comp, TextureCompositor)
        start = _clip_start(p, 1_800_000_000.0)
        t = start - 0.5
        shots = []
        while t < start + 1.5:
            now.set(t)
            p.frame()
            shot = p.screen.grab()
            assert not _black(shot)
            if t > start + 0.3:
                shots.append(pygame.image.tobytes(shot, "RGB"))
            t += 1 / 30
            _decoder_keeps_up(p, t)
        before = comp.uploaded
        now.set(t)
        p.frame()  # one more frame of the clip: one frame's bytes into the stream, no new texture
        w, h = comp._stream.width, comp._stream.height
        assert comp.uploaded - before in (0, w * h * 4)
        assert sum(1 for a, b in zip(shots, shots[1:], strict=False) if a != b) >= len(shots) - 3
    finally:
        pygame.display.quit()
        pygame.display.init()
