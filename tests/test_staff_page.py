"""The staff page without a browser: the drop folder's bin, the report for Excel, and the LAN rules
(password, lock-out, CSRF, no body before login) over real HTTP on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import socket
import time

import pytest
import requests
from openpyxl import load_workbook
from werkzeug.security import generate_password_hash

from signage.ops import dropfolder, playlog, staff
from signage.ops.web import WebServer

PASSWORD = "驿站-password-1"


# ---------------------------------------------------------------- the drop folder


def test_safe_names_keep_chinese_and_drop_paths_and_hidden_prefixes():
    assert dropfolder.safe_name("招聘 表.XLSX") == "招聘 表.xlsx"
    assert dropfolder.safe_name("旧表.xls") == "旧表.xls"
    assert dropfolder.safe_name("C:\\Users\\王\\桌面\\岗位.csv") == "岗位.csv"
    assert dropfolder.safe_name("../../etc/岗位.yaml") == "岗位.yaml"
    assert dropfolder.safe_name("._~$岗位.xlsx") == "岗位.xlsx"
    assert dropfolder.safe_name('a<b>:c"|?*\x00.png') == "abc.png"
    assert len(dropfolder.safe_name("长" * 300 + ".xlsx")) == dropfolder.MAX_NAME
    for bad in ("run.sh", "岗位.et", "noext", "_错误报告.txt", ".xlsx"):
        with pytest.raises(dropfolder.Refused):
            dropfolder.safe_name(bad)


def test_upload_replaces_into_the_bin_and_restores(tmp_path):
    t0 = dt.datetime(2026, 11, 1, 9, 0)
    assert dropfolder.store(tmp_path, "a.yaml", b"old", t0) == "a.yaml"
    dropfolder.store(tmp_path, "a.yaml", b"new", t0)
    assert (tmp_path / "a.yaml").read_bytes() == b"new"
    [old] = dropfolder.binned(tmp_path)
    assert old.key == "a.yaml" and (tmp_path / dropfolder.BIN_NAME / old.name).read_bytes() == b"old"
    assert dropfolder.files(tmp_path) == ["a.yaml"]  # the bin is not content
    with pytest.raises(dropfolder.Refused, match="exists"):
        dropfolder.restore(tmp_path, old.name)
    dropfolder.discard(tmp_path, "a.yaml", t0)
    assert dropfolder.files(tmp_path) == []
    assert len(dropfolder.binned(tmp_path)) == 2  # same second: both kept
    dropfolder.restore(tmp_path, old.name)
    assert (tmp_path / "a.yaml").read_bytes() == b"old"
    assert not list(tmp_path.glob("_*.part"))
    with pytest.raises(dropfolder.Refused):
        dropfolder.discard(tmp_path, "../outside.yaml")
    assert dropfolder.prune(tmp_path, t0 + dt.timedelta(days=29)) == []
    assert len(dropfolder.prune(tmp_path, t0 + dt.timedelta(days=31))) == 1
    assert dropfolder.binned(tmp_path) == []


def test_size_caps_are_the_readers():
    with pytest.raises(dropfolder.Refused, match="too large"):
        dropfolder.check_size("a.csv", 2 * 1024 * 1024 + 1)
    dropfolder.check_size("a.xlsx", 5 * 1024 * 1024)
    with pytest.raises(dropfolder.Refused, match="empty"):
        dropfolder.check_size("a.png", 0)


# ---------------------------------------------------------------- the report


def test_periods():
    sunday = dt.date(2026, 11, 29)
    assert playlog.period("yesterday", sunday) == (dt.date(2026, 11, 28),) * 2
    assert playlog.period("week", sunday) == (dt.date(2026, 11, 23), sunday)
    assert playlog.period("month", sunday) == (dt.date(2026, 11, 1), sunday)


def test_report_for_chinese_excel():
    rows = [{"t": "x", "listing": "a", "employer": "川味餐馆", "title": "厨房帮工", "seconds": 60},
            {"t": "y", "listing": "a", "employer": "川味餐馆", "title": "厨房帮工", "seconds": 30}]
    sheets = playlog.report_sheets(*playlog.tally(rows))
    data = playlog.report_excel_csv(sheets, "报表")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "编号,岗位,单位,播放次数,播放分钟\r\na,厨房帮工,川味餐馆,2,1.5\r\n" in text
    book = load_workbook(io.BytesIO(playlog.report_xlsx(sheets, "报表")))
    assert book.sheetnames == ["按招聘", "按单位"]
    assert [c.value for c in book["按单位"][3]] == ["川味餐馆", 1, 2, 1.5]


# ---------------------------------------------------------------- from the LAN


@pytest.fixture
def lan(tmp_path):
    """A server that takes every peer for the LAN, with a station password."""
    (tmp_path / "jobs").mkdir()
    site = staff.Site(tmp_path / "jobs", tmp_path / "playlists", tmp_path / "plays",
                      generate_password_hash(PASSWORD), "测试驿站")
    server = WebServer(0, site=site, local=lambda peer: False).start()
    server.base = f"http://127.0.0.1:{server.port}"
    server.site = site
    yield server
    server.stop()


def _csrf(session: requests.Session, base: str, path: str = "/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(base + path).text).group(1)


def test_lan_needs_the_password_and_the_form_token(lan):
    s = requests.Session()
    r = s.get(lan.base + "/", allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    assert s.post(lan.base + "/login", data={"password": PASSWORD}).status_code == 400  # no CSRF
    r = s.post(lan.base + "/login", data={"password": PASSWORD, "csrf_token": _csrf(s, lan.base)})
    assert r.status_code == 200 and "上传招聘文件" in r.text
    token = _csrf(s, lan.base, "/")
    assert s.post(lan.base + "/upload", files={"file": ("a.yaml", b"x")}).status_code == 400
    r = s.post(lan.base + "/upload", data={"csrf_token": token},
               files={"file": ("岗位.yaml", "岗位: 保洁\n电话: 13812345678\n".encode())})
    assert "已上传" in r.text and (lan.site.drop_dir / "岗位.yaml").exists()
    s.post(lan.base + "/logout", data={"csrf_token": token})
    assert s.get(lan.base + "/", allow_redirects=False).status_code == 302


def test_lan_is_locked_out_after_repeated_failures(lan):
    s = requests.Session()
    for _ in range(staff.LOCK_FAILURES):
        r = s.post(lan.base + "/login", data={"password": "guess", "csrf_token": _csrf(s, lan.base)})
        assert "密码" in r.text
    r = s.post(lan.base + "/login", data={"password": PASSWORD, "csrf_token": _csrf(s, lan.base)})
    assert r.status_code == 429 and "分钟后再试" in r.text
    assert s.get(lan.base + "/", allow_redirects=False).status_code == 302


def test_lan_upload_without_login_is_refused_before_the_body(lan):
    with socket.create_connection(("127.0.0.1", lan.port), timeout=5) as sock:
        sock.sendall(b"POST /upload HTTP/1.1\r\nHost: box\r\nContent-Length: 9000000\r\n"
                     b"Content-Type: multipart/form-data; boundary=x\r\n\r\n")
        t0 = time.monotonic()
        assert sock.recv(4096).startswith(b"HTTP/1.1 401")
        assert time.monotonic() - t0 < 2


def test_lan_without_a_password_set_gets_a_page_saying_so(tmp_path):
    site = staff.Site(tmp_path, None, tmp_path, None, "测试驿站")
    server = WebServer(0, site=site, local=lambda peer: False).start()
    try:
        r = requests.get(f"http://127.0.0.1:{server.port}/", timeout=5)
        assert r.status_code == 403 and "signage passwd" in r.text
    finally:
        server.stop()


def test_the_box_itself_means_a_loopback_name_not_a_rebound_domain(tmp_path):
    """DNS rebinding: a web page's own domain pointed at 127.0.0.1 gets no passwordless page."""
    assert staff.host_name("[::1]:8787") == "::1" and staff.host_name("localhost:80") == "localhost"
    site = staff.Site(tmp_path, None, tmp_path, generate_password_hash(PASSWORD), "测试驿站")
    server = WebServer(0, site=site).start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        assert requests.get(base + "/", timeout=5, allow_redirects=False).status_code == 200
        r = requests.get(base + "/", headers={"Host": f"evil.example:{server.port}"}, timeout=5,
                         allow_redirects=False)
        assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    finally:
        server.stop()


def test_a_gbk_named_file_can_be_deleted_and_restored_from_the_page(tmp_path):
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    raw = "招聘".encode("gbk") + b".yaml"
    fd = os.open(os.path.join(os.fsencode(jobs), raw), os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, "岗位: 保洁\n电话: 13812345678\n".encode())
    os.close(fd)
    site = staff.Site(jobs, None, tmp_path, None, "测试驿站")
    server = WebServer(0, site=site).start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        s = requests.Session()
        page = s.get(base + "/").text
        ident = re.search(r'name="id" value="([0-9a-f]+)"', page).group(1)
        assert "\ufffd" in page
        s.post(base + "/delete", data={"id": ident, "csrf_token": _csrf(s, base, "/")})
        assert os.listdir(os.fsencode(jobs)) == [os.fsencode(dropfolder.BIN_NAME)]
        page = s.get(base + "/").text
        ident = re.search(r'action="/restore">\s*<input[^>]*>\s*<input type="hidden" name="id" '
                          r'value="([0-9a-f]+)"', page).group(1)
        s.post(base + "/restore", data={"id": ident, "csrf_token": _csrf(s, base, "/")})
        assert raw in os.listdir(os.fsencode(jobs))
    finally:
        server.stop()


def test_the_page_shows_the_frame_of_every_output(tmp_path, fonts):
    """One box, two HDMI outputs: the page has a frame of each, and they are the two screens."""
    import threading

    import pygame

    from signage.app import config, wiring
    from signage.player.loop import Player
    from signage.sources.folder import read as folder

    (tmp_path / "jobs").mkdir()
    for name, title in (("a.yaml", "厨房帮工"), ("b.yaml", "夜班保安")):
        (tmp_path / "jobs" / name).write_text(f"岗位: {title}\n电话: 13812345678\n", encoding="utf-8")
    (tmp_path / "config.yaml").write_text(
        "content: jobs\ndisplay: {fullscreen: false, size: [320, 180], outputs: [0, 1]}\n"
        "pages: {seconds: 3600, transition: none, cards_per_page: 1}\n", encoding="utf-8")
    settings = config.load(tmp_path / "config.yaml")
    box = Player(settings, fonts)  # a screen per output
    server = WebServer(0, site=staff.staff_site(settings))
    wiring.attach(box, server)
    box.load(folder.scan(settings.content_dir).values())
    server.start()
    base = f"http://127.0.0.1:{server.port}"
    got: dict = {}

    def visit():
        try:
            time.sleep(1.0)  # the first frames
            got["page"] = requests.get(base + "/", timeout=10).text
            for n in (1, 2, 3):
                r = requests.get(f"{base}/frame/{n}.png", timeout=10)
                got[n] = r.content if r.status_code == 200 else r.status_code
        finally:
            box.stop()

    visitor = threading.Thread(target=visit)
    visitor.start()
    try:
        box.run(max_seconds=20)
    finally:
        visitor.join(timeout=10)
        server.stop()
        pygame.display.quit()
    assert "第 2 个屏幕的画面" in got["page"] and "/frame/2.png" in got["page"]
    one, two = (pygame.image.load(io.BytesIO(got[n]), "f.png") for n in (1, 2))
    assert one.get_size() == two.get_size() == (320, 180)
    assert pygame.image.tobytes(one, "RGB") != pygame.image.tobytes(two, "RGB")
    assert got[3] == 404
