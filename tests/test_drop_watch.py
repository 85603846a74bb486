"""The drop folder watched for real: a real temp folder, a real watchdog observer, and
the content store the player would show from. Every check polls with a generous deadline."""

from __future__ import annotations

import csv
import io
import os
import shutil
import threading
import time

import openpyxl
import pytest
from drophelpers import Shown, eventually, listing_yaml, report_of
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from signage.sources.folder import read as folder
from signage.sources.folder.watch import FolderWatcher

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


@pytest.fixture
def watched(drop):
    """Start a watcher on the drop folder; yields (folder, shown, start)."""
    started: list[FolderWatcher] = []
    shown = Shown()

    def start(mode: str = "native", **kw) -> FolderWatcher:
        kw.setdefault("quiet", 0.05)
        w = FolderWatcher(drop.folder, shown.post, mode, **kw).start()
        started.append(w)
        assert w.ready.wait(10)
        return w

    yield drop.folder, shown, start
    for w in started:
        w.stop()


def test_write_rewrite_delete(watched):
    root, shown, start = watched
    start()
    (root / "a.yaml").write_text(listing_yaml("厨房帮工"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["厨房帮工"])
    (root / "a.yaml").write_text(listing_yaml("洗碗工"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["洗碗工"])
    assert report_of(root) is None
    (root / "a.yaml").unlink()
    eventually(lambda: shown.titles() == [] and "a.yaml" not in shown.sources())


def test_atomic_save_renamed_over(watched):
    root, shown, start = watched
    (root / "a.yaml").write_text(listing_yaml("旧岗位"), encoding="utf-8")
    start()
    eventually(lambda: shown.titles() == ["旧岗位"])
    tmp = root / ".a.yaml.XYZ123.tmp"
    tmp.write_text(listing_yaml("新岗位"), encoding="utf-8")
    os.replace(tmp, root / "a.yaml")
    eventually(lambda: shown.titles() == ["新岗位"])
    assert ".a.yaml.XYZ123.tmp" not in str(shown.sources())


def test_vim_style_save(watched):
    """vim: write .swp, rename the file to file~, write the new file, delete the backup."""
    root, shown, start = watched
    target = root / "jobs.yaml"
    target.write_text(listing_yaml("保洁员"), encoding="utf-8")
    w = start()
    eventually(lambda: shown.titles() == ["保洁员"])
    swp = root / ".jobs.yaml.swp"
    swp.write_bytes(b"b0VIM 9.0\x00" * 50)
    os.rename(target, root / "jobs.yaml~")
    target.write_text(listing_yaml("保洁主管"), encoding="utf-8")
    (root / "jobs.yaml~").unlink()
    swp.unlink()
    eventually(lambda: shown.titles() == ["保洁主管"])
    assert shown.sources() == {"jobs.yaml"}
    assert report_of(root) is None
    assert w.observer_alive


def test_goutputstream_and_office_lock_files_ignored(watched):
    root, shown, start = watched
    start()
    (root / ".goutputstream-ABC123").write_text(listing_yaml("临时"), encoding="utf-8")
    (root / "~$book.xlsx").write_bytes(b"lock")
    (root / "x.yaml.tmp").write_text("岗位: 临时\n", encoding="utf-8")
    (root / "b.yaml~").write_text("岗位: 备份\n", encoding="utf-8")
    (root / "real.yaml").write_text(listing_yaml("真的"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["真的"])
    assert shown.sources() == {"real.yaml"}


def test_move_in_and_out_and_new_subfolder(watched, tmp_path):
    root, shown, start = watched
    start()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "m.yaml").write_text(listing_yaml("搬进来"), encoding="utf-8")
    shutil.move(outside / "m.yaml", root / "m.yaml")
    eventually(lambda: shown.titles() == ["搬进来"])
    shutil.move(root / "m.yaml", outside / "m.yaml")
    eventually(lambda: shown.titles() == [])

    # a whole folder moved in, and a new sub-folder with files written into it
    (outside / "batch").mkdir()
    for i in range(3):
        (outside / "batch" / f"{i}.yaml").write_text(listing_yaml(f"批量{i}"), encoding="utf-8")
    shutil.move(outside / "batch", root / "batch")
    (root / "新建文件夹").mkdir()
    (root / "新建文件夹" / "n.yaml").write_text(listing_yaml("子文件夹"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["子文件夹", "批量0", "批量1", "批量2"])
    assert "batch/1.yaml" in shown.sources()
    # and the folder moved out again: its listings leave
    shutil.move(root / "batch", outside / "batch2")
    eventually(lambda: shown.titles() == ["子文件夹"])


def test_burst_of_100_files_is_coalesced(watched):
    root, shown, start = watched
    w = start()
    for i in range(100):
        (root / f"job{i:03}.yaml").write_text(listing_yaml(f"岗位{i:03}"), encoding="utf-8")
    eventually(lambda: len(shown.snapshot.listings) == 100)
    assert len(shown.updates) < 50  # bursts are taken in a few batches, not 100 updates
    # only changed files are read again
    read_before = w.files_read
    (root / "job050.yaml").write_text(listing_yaml("改过的"), encoding="utf-8")
    eventually(lambda: "改过的" in shown.titles())
    assert w.files_read - read_before <= 2


def test_keep_last_good_and_report(watched):
    root, shown, start = watched
    start()
    (root / "good.yaml").write_text(listing_yaml("好岗位"), encoding="utf-8")
    (root / "other.yaml").write_text(listing_yaml("另一个"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["另一个", "好岗位"])
    (root / "good.yaml").write_text("岗位: 好岗位\n电话 13812345678\n  工资: [\n", encoding="utf-8")
    eventually(lambda: report_of(root) is not None)
    assert shown.titles() == ["另一个", "好岗位"]  # the last good copy stays on screen
    assert shown.snapshot.stale_sources == ("good.yaml",)
    text = report_of(root)
    assert "good.yaml" in text and "继续显示" in text and "last good" in text
    assert "other.yaml" not in text
    assert "第 3 行" in text or "第 2 行" in text
    # fixed: the report goes away
    (root / "good.yaml").write_text(listing_yaml("好岗位（已改）"), encoding="utf-8")
    eventually(lambda: report_of(root) is None)
    assert shown.titles() == ["另一个", "好岗位（已改）"]
    # broken again, then deleted: its listings leave and the report with it
    (root / "good.yaml").write_text(": : :\n", encoding="utf-8")
    eventually(lambda: report_of(root) is not None)
    (root / "good.yaml").unlink()
    eventually(lambda: shown.titles() == ["另一个"] and report_of(root) is None)


def test_gbk_csv_and_xlsx_and_poster(watched):
    root, shown, start = watched
    start()
    buf = io.StringIO()
    csv.writer(buf).writerows([["岗位", "单位", "工资", "结算方式", "电话"],
                               ["蜀绣工", "乐至绣坊", "2元/件", "计件", "138 1234 5678"],
                               ["包装工", "", "150元/天", "日结", "1234"]])
    (root / "表格.csv").write_bytes(buf.getvalue().encode("gbk"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Title", "Employer", "Pay", "Phone"])
    ws.append(["Cleaner", "Mall", "3000-4500元/月", 13912345678])
    wb.save(root / "book.xlsx")
    (root / "海报.png").write_bytes(PNG)
    eventually(lambda: shown.titles() == ["Cleaner", "蜀绣工"] and len(shown.snapshot.posters) == 1)
    shu = next(x for x in shown.snapshot.listings if x.title == "蜀绣工")
    assert shu.employer == "乐至绣坊" and shu.phone == "13812345678" and shu.pay.text() == "2元/件"
    cleaner = next(x for x in shown.snapshot.listings if x.title == "Cleaner")
    assert cleaner.phone == "13912345678"
    assert shown.snapshot.posters[0].image.endswith("海报.png")
    text = eventually(lambda: report_of(root))
    assert "表格.csv 第 3 行 E 列" in text and "1234" in text


def test_image_named_by_a_listing_is_not_a_poster(watched):
    root, shown, start = watched
    start()
    (root / "photo.png").write_bytes(PNG)
    eventually(lambda: len(shown.snapshot.posters) == 1)
    (root / "a.yaml").write_text(listing_yaml("带图片", 图片="photo.png"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["带图片"] and not shown.snapshot.posters)
    (root / "a.yaml").unlink()
    eventually(lambda: len(shown.snapshot.posters) == 1)


def test_polling_mode_waits_for_files_to_settle(watched):
    root, shown, start = watched
    w = start("poll", poll_seconds=0.2, settle=0.2)
    assert w.using == "poll"
    (root / "p.yaml").write_text(listing_yaml("轮询"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["轮询"])
    (root / "p.yaml").unlink()
    eventually(lambda: shown.titles() == [])


class _NoInotify:
    """A native observer that cannot start, as when the inotify watch limit is reached."""

    def schedule(self, *a, **k):
        pass

    def start(self):
        raise OSError(28, "inotify watch limit reached")


def test_auto_falls_back_to_polling_when_native_fails(watched):
    root, shown, start = watched
    w = start("auto", native_observer=_NoInotify, poll_seconds=0.2, settle=0.2)
    assert w.using == "poll"
    (root / "f.yaml").write_text(listing_yaml("退回轮询"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["退回轮询"])


def test_auto_switches_to_polling_when_native_sees_nothing(watched):
    """A network share: the native observer runs but reports nothing. Stand-in: a poller
    that would look only once an hour. The safety rescan notices and switches."""
    root, shown, start = watched
    w = start("auto", native_observer=lambda: PollingObserver(timeout=3600), rescan_seconds=0.3,
              poll_seconds=0.2, settle=0.2)
    assert w.using == "native"
    path = root / "share.yaml"
    path.write_text(listing_yaml("网络共享"), encoding="utf-8")
    os.utime(path, (path.stat().st_atime - 3600, path.stat().st_mtime - 3600))  # copied with its old date
    eventually(lambda: shown.titles() == ["网络共享"])
    eventually(lambda: w.using == "poll")  # once its event had a grace period to come
    (root / "later.yaml").write_text(listing_yaml("之后"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["之后", "网络共享"])


class _Late(FileSystemEventHandler):
    def __init__(self, handler, delay: float):
        self.handler, self.delay = handler, delay

    def dispatch(self, event):
        timer = threading.Timer(self.delay, self.handler.dispatch, (event,))
        timer.daemon = True
        timer.start()


class _LateObserver(Observer):
    """The native observer, its events reaching the watcher 1.5 s late (a busy box, stretched)."""

    def schedule(self, handler, path, **kw):
        return super().schedule(_Late(handler, 1.5), path, **kw)


def test_a_change_whose_event_comes_after_the_rescan_is_not_missed(watched):
    """The safety rescan can see a change before its event reaches the worker (the soak bench
    saw it with a file renamed on a busy box); that is no reason to give up native watching."""
    root, shown, start = watched
    path = root / "a.yaml"
    path.write_text(listing_yaml("改了名字"), encoding="utf-8")
    os.utime(path, (path.stat().st_atime - 3600, path.stat().st_mtime - 3600))  # a rename keeps it
    w = start("auto", native_observer=_LateObserver, rescan_seconds=0.1, missed_grace=10.0)
    names = ("a.yaml", "b.yaml")
    deadline = time.monotonic() + 30
    renames = 0
    while w.late_events == 0 and time.monotonic() < deadline:
        os.rename(root / names[renames % 2], root / names[(renames + 1) % 2])
        renames += 1
        now_named = names[renames % 2]
        eventually(lambda now_named=now_named: shown.sources() == {now_named})
        eventually(lambda: not w.backend.missed.suspects, timeout=20)
    assert w.late_events >= 1
    assert w.using == "native"
    assert shown.titles() == ["改了名字"]


def test_dead_observer_is_restarted_and_folder_rescanned(watched):
    root, shown, start = watched
    w = start()
    (root / "a.yaml").write_text(listing_yaml("一"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["一"])
    w.backend.observer.stop()  # the observer thread dies
    w.backend.observer.join(5)
    (root / "b.yaml").write_text(listing_yaml("二"), encoding="utf-8")  # while nobody watches
    eventually(lambda: w.restarts >= 1 and w.observer_alive)
    eventually(lambda: shown.titles() == ["一", "二"])
    (root / "c.yaml").write_text(listing_yaml("三"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["一", "三", "二"])


def test_initial_read_is_not_repeated(drop, tmp_path):
    """Handed the startup scan, the watcher reads again only what changed since."""
    root = drop.folder
    for i in range(5):
        (root / f"{i}.yaml").write_text(listing_yaml(f"岗位{i}"), encoding="utf-8")
    old = os.stat(root / "0.yaml").st_mtime - 60
    for i in range(5):
        os.utime(root / f"{i}.yaml", (old, old))
    import time

    since = time.time()
    initial = folder.read_all(root)
    shown = Shown()
    shown.store.apply_many(initial.values())
    (root / "4.yaml").unlink()  # between the scan and the watcher's start
    (root / "5.yaml").write_text(listing_yaml("岗位5"), encoding="utf-8")
    w = FolderWatcher(root, shown.post, "native", initial=initial, since=since, quiet=0.05).start()
    try:
        assert w.ready.wait(10)
        eventually(lambda: shown.titles() == [f"岗位{i}" for i in (0, 1, 2, 3, 5)])
        assert w.files_read == 1
    finally:
        w.stop()


def test_symlink_out_of_folder_is_refused(watched, tmp_path):
    root, shown, start = watched
    start()
    secret = tmp_path / "secret.yaml"
    secret.write_text(listing_yaml("外面的"), encoding="utf-8")
    (root / "link.yaml").symlink_to(secret)
    text = eventually(lambda: report_of(root))
    assert "link.yaml" in text and "文件夹外面" in text
    assert shown.titles() == []



def test_report_at_start_and_stale_report_removed(drop):
    root = drop.folder
    (root / folder.REPORT_NAME).write_text("旧报告", encoding="utf-8")
    shown = Shown()
    w = FolderWatcher(root, shown.post, "native", quiet=0.05).start()
    try:
        assert w.ready.wait(10)
        eventually(lambda: report_of(root) is None)
    finally:
        w.stop()
    (root / "bad.yaml").write_text("岗位: 坏\n电话: 1\n", encoding="utf-8")
    initial = folder.read_all(root)
    w = FolderWatcher(root, shown.post, "native", initial=initial, since=0, quiet=0.05).start()
    try:
        assert w.ready.wait(10)
        assert "bad.yaml" in eventually(lambda: report_of(root))
    finally:
        w.stop()


def test_folder_appearing_later_is_watched(tmp_path):
    root = tmp_path / "later"
    shown = Shown()
    w = FolderWatcher(root, shown.post, "native", quiet=0.05).start()
    try:
        root.mkdir()
        (root / "a.yaml").write_text(listing_yaml("后来的"), encoding="utf-8")
        assert w.ready.wait(10)
        eventually(lambda: shown.titles() == ["后来的"])
        (root / "b.yaml").write_text(listing_yaml("又一个"), encoding="utf-8")
        eventually(lambda: shown.titles() == ["又一个", "后来的"])
    finally:
        w.stop()


def test_polling_never_reads_a_file_still_being_written(watched):
    """A slow copy onto a share: the file is half written for a while. Polling reads it
    only once its size and mtime stopped changing, so no broken read ever reaches the screen."""
    root, shown, start = watched
    start("poll", poll_seconds=0.1, settle=1.0)
    text = listing_yaml("慢慢写完", 说明="很长的说明" * 20).encode("utf-8")
    import time

    with open(root / "slow.yaml", "wb") as f:
        f.write(b'\xe5\xb2\x97\xe4\xbd\x8d: "')  # '岗位: "' - an unclosed quote: broken until done
        f.flush()
        for i in range(0, len(text), 40):
            time.sleep(0.03)
            f.write(text[i:i + 40].replace(b"\n", b" "))
            f.flush()
    (root / "slow.yaml").write_bytes(text)
    eventually(lambda: shown.titles() == ["慢慢写完"])
    reads = [r for u in shown.updates for r in u.results if r.key == "slow.yaml"]
    assert all(r.ok and r.listings for r in reads), reads


def test_picture_becomes_a_poster_again_when_its_listing_goes(drop):
    root = drop.folder
    (root / "pic.png").write_bytes(PNG)
    (root / "a.yaml").write_text(listing_yaml("带图片", 图片="pic.png"), encoding="utf-8")
    import time

    since = time.time() + 5  # as if read just now: nothing is read again
    raw = folder.read_all(root)
    shown = Shown()
    shown.store.apply_many(folder.drop_referenced_posters(raw).values())
    assert not shown.snapshot.posters
    w = FolderWatcher(root, shown.post, "native", initial=raw, since=since, quiet=0.05).start()
    try:
        assert w.ready.wait(10)
        (root / "b.yaml").write_text(listing_yaml("别的"), encoding="utf-8")
        eventually(lambda: shown.titles() == ["别的", "带图片"])
        assert not shown.snapshot.posters and w.files_read == 1
        (root / "a.yaml").unlink()
        eventually(lambda: shown.titles() == ["别的"] and len(shown.snapshot.posters) == 1)
    finally:
        w.stop()


def test_native_never_reads_a_file_still_being_written(watched):
    """A slow writer that pauses longer than the debounce: native events come in bursts with
    gaps, but the file is read only once it was closed or stopped changing, never half written."""
    root, shown, start = watched
    start("native", settle=0.6)
    text = listing_yaml("慢慢写完", 说明="很长的说明" * 20).encode("utf-8")
    with open(root / "slow.yaml", "wb") as f:
        f.write(b'\xe5\xb2\x97\xe4\xbd\x8d: "')  # '岗位: "' - an unclosed quote: broken until done
        f.flush()
        for i in range(0, len(text), 120):
            time.sleep(0.25)  # far longer than the 0.05 s debounce
            f.write(text[i:i + 120].replace(b"\n", b" "))
            f.flush()
        f.seek(0)
        f.truncate()
        f.write(text)
    eventually(lambda: shown.titles() == ["慢慢写完"])
    reads = [r for u in shown.updates for r in u.results if r.key == "slow.yaml"]
    assert reads and all(r.ok and r.listings and not r.problems for r in reads), reads


def test_native_closed_file_is_read_at_once(watched):
    """The usual save (open, write, close) is read as soon as it is closed: no settle wait."""
    root, shown, start = watched
    start("native", settle=5.0)
    began = time.monotonic()
    (root / "quick.yaml").write_text(listing_yaml("马上显示"), encoding="utf-8")
    eventually(lambda: shown.titles() == ["马上显示"], timeout=4.0)
    assert time.monotonic() - began < 2.0


@pytest.mark.parametrize("gap", [0.0, 0.15, 0.3])
def test_save_with_a_gap_never_takes_the_listing_off(watched, gap):
    """An editor that moves the old file away, then writes the new one a moment later: the
    listing never leaves the screen in between."""
    root, shown, start = watched
    target = root / "jobs.yaml"
    target.write_text(listing_yaml("保洁员"), encoding="utf-8")
    start("native", settle=0.6)
    eventually(lambda: shown.titles() == ["保洁员"])
    os.rename(target, root / "jobs.yaml~")
    time.sleep(gap)
    target.write_text(listing_yaml("保洁主管"), encoding="utf-8")
    (root / "jobs.yaml~").unlink()
    eventually(lambda: shown.titles() == ["保洁主管"])
    time.sleep(0.8)  # past the settle time of the vanished name
    assert shown.titles() == ["保洁主管"]
    assert not any("jobs.yaml" in u.removed for u in shown.updates), shown.updates


def test_a_deleted_file_still_leaves_the_screens(watched):
    root, shown, start = watched
    (root / "a.yaml").write_text(listing_yaml("要删掉"), encoding="utf-8")
    start("native", settle=0.3)
    eventually(lambda: shown.titles() == ["要删掉"])
    (root / "a.yaml").unlink()
    eventually(lambda: shown.titles() == [] and "a.yaml" not in shown.sources(), timeout=5.0)


def test_the_report_names_characters_no_font_can_draw_and_duplicates(watched, fonts):
    from signage.render.fonts import Glyphs

    root, shown, start = watched
    start(missing_glyphs=Glyphs(fonts.regular_face, fonts.fallback_faces).missing)
    (root / "a.yaml").write_text("岗位: 编织🧶手工\n电话: 13812345678\n工资: 2元/件\n", encoding="utf-8")
    (root / "b.csv").write_text("岗位,电话,工资\n编织🧶手工,13812345678,2元/件\n", encoding="utf-8")
    text = eventually(lambda: (t := report_of(root)) and "🧶" in t and "重复" in t and t)
    assert "a.yaml 第 1 行" in text and "b.csv 第 2 行" in text
    assert len(shown.snapshot.listings) == 1


def test_names_waiting_to_settle_are_not_taken_for_missed_events(watched):
    """A rename: the old name waits to settle before its listing leaves, the new one before
    it is read. A safety rescan in that moment must not take them for changes the observer
    missed (the soak saw a local folder switched to polling that way)."""
    root, shown, start = watched
    (root / "a.yaml").write_text(listing_yaml("甲"), encoding="utf-8")
    w = start("auto", settle=1.5, rescan_seconds=0.3)
    eventually(lambda: shown.titles() == ["甲"])
    os.rename(root / "a.yaml", root / "b.yaml")
    time.sleep(3.0)
    assert w.using == "native"
    eventually(lambda: shown.titles() == ["甲"] and shown.sources() == {"b.yaml"})
