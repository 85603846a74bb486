"""Pictures never crash, freeze or bloat the player (issue 9 item 2).

Huge pictures are built here as real PNG files whose header says 30000×30000
(a few hundred KB of zlib'd zero rows); nothing in this process decodes them.
"""

from __future__ import annotations

import io
import os
import struct
import threading
import time
import zlib
from dataclasses import replace
from pathlib import Path

import pygame
import pytest
from drophelpers import Shown, eventually, listing_yaml
from PIL import Image

from signage.core.model import Severity, Slide
from signage.parse import images
from signage.render import pages, pictures, themes
from signage.render.geometry import Image as ImageOp
from signage.render.layout import layout_page
from signage.sources.feed import parse as feed
from signage.sources.folder import read as folder
from signage.sources.folder.watch import FolderWatcher
from tests import feedserver as fs
from tests.test_feed_poll import body, http_poller, png_bytes


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(w: int = 30000, h: int = 30000, rows: bool = True) -> bytes:
    """A real PNG of w×h black 1-bit pixels (zlib'd zero rows, streamed), or its header alone."""
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
    idat = b""
    if rows:
        z = zlib.compressobj(9)
        row = b"\0" * (1 + (w + 7) // 8)
        block = row * 1000
        parts = [z.compress(block) for _ in range(h // 1000)] + [z.compress(row * (h % 1000)), z.flush()]
        idat = _chunk(b"IDAT", b"".join(parts))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + _chunk(b"IEND", b"")


def solid_png(path: Path, color, size=(400, 300)) -> None:
    Image.new("RGB", size, color).save(path, "PNG")


def within(seconds: float, fn, *args):
    """``fn(*args)`` in a thread; fails (instead of hanging the suite) when it blocks."""
    out: list = []
    t = threading.Thread(target=lambda: out.append(fn(*args)), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{fn.__name__} blocked for more than {seconds} s"
    return out[0]


@pytest.fixture(autouse=True)
def fresh_cache():
    pictures.cache.clear()
    yield
    pictures.cache.clear()
    pictures.cache.box = pictures.DEFAULT_BOX


def page_of(result, fonts, size=(1280, 720)) -> pygame.Surface:
    return pages.compose(Slide("jobs", listings=result.listings, pages=1), size, fonts,
                         pages.PageStyle("驿站", cards=1))


def picture_rect(listing, fonts, size=(1280, 720)):
    ops = layout_page(Slide("jobs", listings=(listing,)), *size, themes.DAY, fonts, "驿站", "", 1)
    return next(op.rect for op in ops if isinstance(op, ImageOp))


def near(got, want, tol=8) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(tuple(got)[:3], want, strict=True))


# ------------------------------------------------------------------ the pixel cap

def test_one_pixel_cap_checked_from_the_header():
    assert images.MAX_PIXELS == 3840 * 2160 * 2
    data = huge_png()
    assert len(data) < 2_000_000 and images.image_size(data) == (30000, 30000)
    refused = images.header_problem(data)
    assert refused is not None and "30000×30000" in refused.zh and "too large" in refused.en
    assert images.header_problem(huge_png(3840 * 2, 2160, rows=False)) is None


def test_huge_png_as_a_listing_picture_the_listing_shows_without_it(drop, fonts):
    (drop.folder / "huge.png").write_bytes(huge_png())
    drop("a.yaml", listing_yaml("保洁员", 图片="huge.png"))
    result = within(10, folder.load_file, drop.folder / "a.yaml", drop.folder)
    (listing,) = result.listings
    assert listing.title == "保洁员" and listing.image is None
    (warning,) = [p for p in result.problems if "huge.png" in p.zh]
    assert warning.severity is Severity.WARNING and warning.where.source == "a.yaml"
    assert warning.where.line and "30000×30000" in warning.zh and "图片" in warning.zh
    page = within(10, page_of, result, fonts)
    assert page.get_size() == (1280, 720)
    assert pictures.cache.bytes == 0


def test_huge_png_as_a_poster_is_refused_and_never_decoded(drop):
    (drop.folder / "huge.png").write_bytes(huge_png())
    result = within(10, folder.load_file, drop.folder / "huge.png", drop.folder)
    assert not result.ok and not result.posters
    assert "图片太大" in result.problems[0].zh and "30000x30000" in result.problems[0].en


def test_the_renderer_refuses_a_huge_picture_however_it_got_there(tmp_path):
    path = tmp_path / "huge.png"
    path.write_bytes(huge_png())
    assert within(10, pictures.cache.get, str(path), "") is None
    with pytest.raises(images.Refused):
        pictures.decode(str(path), (1920, 1080))
    assert pictures.cache.bytes == 0


def test_four_posters_declaring_7999x7999_are_refused_and_nothing_is_decoded(drop):
    for n in range(4):
        (drop.folder / f"p{n}.png").write_bytes(huge_png(7999, 7999, rows=False))
    results = folder.scan(drop.folder)
    assert len(results) == 4 and all(not r.ok and not r.posters for r in results.values())
    assert all("7999×7999" in r.problems[0].zh for r in results.values())
    for n in range(4):  # even drawn by path, they are not decoded
        assert pictures.cache.get(str(drop.folder / f"p{n}.png"), "") is None
    assert pictures.cache.bytes == 0


def test_decoded_pictures_are_bounded_in_bytes(tmp_path):
    cache = pictures.PictureCache(budget_bytes=3 * 400 * 300 * 4, box=(1920, 1080))
    for n in range(10):
        p = tmp_path / f"{n}.png"
        solid_png(p, (n * 20, 0, 0))
        assert cache.get(str(p), "v") is not None
        assert cache.bytes <= cache.budget
    assert cache.decodes == 10


def test_pictures_are_shrunk_to_the_screen_when_decoded(tmp_path):
    p = tmp_path / "wide.png"
    solid_png(p, (0, 0, 255), (3840, 2160))
    surface = pictures.decode(str(p), (1280, 720))
    assert surface.get_size() == (1280, 720)


def test_huge_feed_image_is_not_kept_and_a_cached_one_is_not_shown(tmp_path, fonts):
    with fs.FeedServer() as server:
        server.routes["/img/huge.png"] = fs.ok(huge_png(), "image/png")
        server.routes["/img/ok.png"] = fs.ok(png_bytes(), "image/png")
        server.routes["/feed.json"] = fs.ok(body([
            {"title": "大图", "phone": "13812345678", "id": "h", "image": "/img/huge.png"},
            {"title": "小图", "phone": "13812345678", "id": "s", "image": "/img/ok.png"}]))
        poller, store = http_poller(server, tmp_path, image_max_bytes=5_000_000)
        within(20, poller.poll_once)
        shown = {x.id: x for x in store.snapshot.listings}
        assert shown["h"].image is None and shown["s"].image and shown["s"].image_version
        assert poller.images.local(server.url("/img/huge.png")) is None  # not saved
        # A copy saved before the cap existed (the crash loop): refused when used.
        old = poller.images.folder / (poller.images.path_for(server.url("/img/huge.png"), "png").name)
        old.write_bytes(huge_png())
        result = feed.with_local_images(poller._good, poller.images.local)
        assert {x.id: x.image for x in result.listings}["h"] is None
        page = within(10, page_of, result, fonts)
        assert page.get_size() == (1280, 720) and pictures.cache.bytes < 1_000_000


# ------------------------------------------------------------------ only regular files in the folder

def test_fifo_as_a_picture_returns_promptly(drop):
    os.mkfifo(drop.folder / "pipe.png")
    drop("a.yaml", listing_yaml("带图", 图片="pipe.png"))
    result = within(5, folder.load_file, drop.folder / "a.yaml", drop.folder)
    assert result.listings[0].title == "带图" and result.listings[0].image is None
    assert any("pipe.png" in p.zh and "普通" in p.zh for p in result.problems)
    scanned = within(5, folder.scan, drop.folder)
    assert not scanned["pipe.png"].ok  # the FIFO itself is no poster
    assert within(5, pictures.cache.get, str(drop.folder / "pipe.png"), "") is None


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.png", "link.png"])
def test_pictures_outside_the_drop_folder_are_refused(drop, tmp_path, name):
    outside = tmp_path / "outside.png"
    solid_png(outside, (255, 0, 0))
    os.symlink(outside, drop.folder / "link.png")
    drop("a.yaml", listing_yaml("越界", 图片=name))
    result = folder.load_file(drop.folder / "a.yaml", drop.folder)
    assert result.listings[0].title == "越界" and result.listings[0].image is None
    (warning,) = [p for p in result.problems if os.path.basename(name) in p.zh]
    assert "投放文件夹" in warning.zh and "inside the drop folder" in warning.en


# ------------------------------------------------------------------ a picture replaced under its name

def _replace_picture(path: Path, color) -> None:
    before = os.stat(path)
    solid_png(path, color)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))


def test_a_picture_replaced_under_the_same_name_shows_the_new_pixels(drop, fonts):
    pic = drop.folder / "pic.png"
    solid_png(pic, (255, 0, 0))
    drop("a.yaml", listing_yaml("换图", 图片="pic.png"))
    cache = pages.PageCache(fonts, pages.PageStyle("驿站", cards=1), (1280, 720))
    first = folder.scan(drop.folder)["a.yaml"]
    r = picture_rect(first.listings[0], fonts)
    centre = (r.x + r.w // 2, r.y + r.h // 2)
    assert near(cache.get(Slide("jobs", listings=first.listings)).get_at(centre), (255, 0, 0))
    _replace_picture(pic, (0, 0, 255))
    second = folder.scan(drop.folder)["a.yaml"]
    assert second.listings[0].image_version != first.listings[0].image_version
    assert near(cache.get(Slide("jobs", listings=second.listings)).get_at(centre), (0, 0, 255))


def test_a_poster_replaced_under_the_same_name_shows_the_new_pixels(drop, fonts):
    pic = drop.folder / "poster.png"
    solid_png(pic, (255, 0, 0))
    cache = pages.PageCache(fonts, pages.PageStyle("驿站"), (640, 360))
    (poster,) = folder.scan(drop.folder)["poster.png"].posters
    assert near(cache.get(Slide("poster", poster=poster)).get_at((320, 180)), (255, 0, 0))
    _replace_picture(pic, (0, 0, 255))
    (poster,) = folder.scan(drop.folder)["poster.png"].posters
    assert near(cache.get(Slide("poster", poster=poster)).get_at((320, 180)), (0, 0, 255))


def test_the_watcher_rereads_listings_whose_picture_changed(drop):
    pic = drop.folder / "pic.png"
    solid_png(pic, (255, 0, 0))
    drop("a.yaml", listing_yaml("换图", 图片="pic.png"))
    shown = Shown()
    w = FolderWatcher(drop.folder, shown.post, "native", quiet=0.05).start()
    try:
        assert w.ready.wait(10)
        eventually(lambda: shown.titles() == ["换图"] and shown.snapshot.listings[0].image)
        version = shown.snapshot.listings[0].image_version
        _replace_picture(pic, (0, 0, 255))
        t0 = time.monotonic()
        eventually(lambda: shown.snapshot.listings[0].image_version not in ("", version))
        assert time.monotonic() - t0 < 5
        pic.write_bytes(huge_png(30000, 30000, rows=False))  # replaced by one too big: refused
        eventually(lambda: shown.snapshot.listings[0].image is None
                   and any("pic.png" in p.zh for p in shown.snapshot.problems))
    finally:
        w.stop()


# ------------------------------------------------------------------ a phone's photo

def phone_jpeg(path: Path) -> None:
    """4032×3024 as the sensor saw it (left red, right blue), EXIF: turn 90° clockwise to view."""
    im = Image.new("RGB", (4032, 3024), (220, 0, 0))
    im.paste((0, 0, 220), (2016, 0, 4032, 3024))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85, exif=exif.tobytes())
    path.write_bytes(buf.getvalue())


def test_a_jpeg_size_found_after_large_metadata_segments(tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (9, 9, 9)).save(buf, "JPEG")
    data = buf.getvalue()
    app2 = b"\xff\xe2" + struct.pack(">H", 60_002) + b"\0" * 60_000  # five: 300 KB of metadata
    path = tmp_path / "meta.jpg"
    path.write_bytes(data[:2] + app2 * 5 + data[2:])
    picture = images.vet(path)
    assert (picture.width, picture.height) == (640, 480)


def test_a_phone_photo_is_drawn_upright_and_shrunk(drop, fonts, tmp_path):
    phone_jpeg(drop.folder / "photo.jpg")
    assert images.vet(drop.folder / "photo.jpg").width == 4032
    surface = pictures.decode(str(drop.folder / "photo.jpg"), (1280, 720))
    w, h = surface.get_size()
    assert h == 720 and w == 540  # upright: portrait, fitted to the box
    assert near(surface.get_at((w // 2, 20)), (220, 0, 0), 20)
    assert near(surface.get_at((w // 2, h - 20)), (0, 0, 220), 20)
    drop("a.yaml", listing_yaml("手机照片", 图片="photo.jpg"))
    result = folder.load_file(drop.folder / "a.yaml", drop.folder)
    listing = replace(result.listings[0], employer="县城家政公司", place="城关镇")
    page = page_of(replace(result, listings=(listing,)), fonts, (1920, 1080))
    pygame.image.save(page, str(tmp_path / "card.png"))
    r = picture_rect(listing, fonts, (1920, 1080))
    assert near(page.get_at((r.x + r.w // 2, r.y + 10)), (220, 0, 0), 20)
    assert near(page.get_at((r.x + r.w // 2, r.bottom - 10)), (0, 0, 220), 20)
    if os.environ.get("SIGNAGE_KEEP_PNG"):
        pygame.image.save(page, os.environ["SIGNAGE_KEEP_PNG"])


# ------------------------------------------------------------------ the player

def test_the_player_decodes_pictures_where_content_arrives_and_keeps_running(tmp_path, drop):
    from signage.core.store import Update
    from tests.test_player import make_player

    player = make_player(tmp_path, drop, cards_per_page=1, page_seconds=0.3)
    assert pictures.cache.box == (960, 540)
    solid_png(drop.folder / "pic.png", (255, 0, 0), (3000, 2000))
    (drop.folder / "huge.png").write_bytes(huge_png())
    drop("zpic.yaml", listing_yaml("带图", 图片="pic.png"))
    drop("zhuge.yaml", listing_yaml("大图", 图片="huge.png"))
    results = tuple(folder.load_file(drop.folder / n, drop.folder) for n in ("zpic.yaml", "zhuge.yaml"))
    loader = threading.Thread(target=player.post, args=(Update(results),))
    loader.start()
    loader.join(10)
    assert pictures.cache.decodes == 1 and 0 < pictures.cache.bytes <= 960 * 540 * 4  # shrunk
    player.run(max_seconds=2.5)  # every page at least once
    drawn = {x.title for slide in player.screen.cache._pages for x in slide.listings}
    assert "带图" in drawn and "大图" in drawn
    assert pictures.cache.decodes == 1  # the frame loop decoded nothing itself
    assert {"带图", "大图"} <= {x.title for x in player.store.snapshot.listings}
    assert any("huge.png" in p.zh for p in player.problems)


# ------------------------------------------------------------------ the programme's pictures

def test_programme_pictures_are_vetted_and_read_again_when_replaced(tmp_path):
    from signage.parse import playlists as playlist

    pl = tmp_path / "playlists"
    pl.mkdir()
    solid_png(pl / "ad.png", (255, 0, 0))
    (pl / "huge.png").write_bytes(huge_png())
    (pl / "main.yaml").write_text(
        "name: 白天\nslides:\n  - kind: poster\n    image: ad.png\n  - kind: poster\n    image: huge.png\n"
        "  - kind: poster\n    image: /etc/passwd\n", encoding="utf-8")
    loaded = playlist.load_dir(pl)
    (spec,) = loaded.playlists[0].slides
    assert spec.image == str((pl / "ad.png").resolve()) and spec.image_version
    by_line = {p.where.line: p for p in loaded.problems}
    assert "30000×30000" in by_line[6].zh and "huge.png" in by_line[6].zh
    assert "/etc/passwd" in by_line[8].zh
    before = playlist.fingerprint(pl, loaded.pictures)
    _replace_picture(pl / "ad.png", (0, 0, 255))
    assert playlist.fingerprint(pl, loaded.pictures) != before
    (spec2,) = playlist.load_dir(pl).playlists[0].slides
    assert spec2.image_version != spec.image_version


def test_a_player_with_a_huge_cached_feed_image_keeps_running_and_shows_the_listing(tmp_path, config_file):
    """The crash loop: a 30000×30000 feed image in the cache, loaded again on every start."""
    import json
    import subprocess
    import sys

    import psutil

    from signage.sources.feed.cache import Cached, FeedCache, ImageCache
    from tests.test_feed_player import free_port, statuses

    with fs.FeedServer() as server:
        image_url = server.url("/img/huge.png")
        server.routes["/img/huge.png"] = fs.ok(huge_png(), "image/png")
        listing = [{"id": "h", "岗位": "大图岗位", "电话": "13812345678", "图片": image_url}]
        doc = json.dumps(listing, ensure_ascii=False).encode()
        server.routes["/feed.json"] = fs.ok(doc, etag='"old"')
        url = server.url("/feed.json")
        FeedCache(tmp_path / "cache", url).save(Cached(doc, '"old"', None, "application/json"))
        cached = ImageCache(tmp_path / "cache").path_for(image_url, "png")
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(huge_png())
        port = free_port()
        cfg = config_file(f"feeds:\n  - url: {url}\n    interval: 0.5\ncache_dir: cache\n", port=port)
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYTHONPATH": os.getcwd()}
        proc = subprocess.Popen(
            [sys.executable, "-m", "signage", "--config", str(cfg), "-v", "run", "--windowed",
             "--size", "640x360", "--seconds", "4"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
        peak = [0]

        def shown(state):
            peak[0] = max(peak[0], psutil.Process(proc.pid).memory_info().rss)
            return state["listings_loaded"] == 1 and state.get("slide") == "jobs"

        try:
            seen = statuses(f"http://127.0.0.1:{port}/status", proc, shown)
            code = proc.wait(20)
        finally:
            proc.kill()
            out = proc.communicate()[0].decode(errors="replace")
    assert seen and seen[-1][0]["listings_loaded"] == 1 and seen[-1][0]["slide"] == "jobs", out
    assert code == 0, out  # ran its 4 seconds and ended cleanly
    assert "too large" in out, out  # refused, and said so
    assert peak[0] < 400 * 1024 * 1024, peak[0]  # decoding it would be 900 MB (1-bit) to 3.6 GB
