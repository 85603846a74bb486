"""The watcher's file index on an in-memory folder (its ``stat`` and ``walk`` are seams we own),
and once on a real one, for the default walk's rules."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest

from signage.sources.folder.fileindex import FileIndex, keys_under

ROOT = Path("/drop")


class FakeFolder:
    """Path -> (size, mtime in ns, inode) for files; folders are implied by the files in them."""

    def __init__(self, files: dict[str, tuple[int, int, int]]):
        self.files = {ROOT / k: v for k, v in files.items()}
        self.gone_after_walk: set[Path] = set()  # folders unmounted while the walk ran
        self.walked = False

    def dirs(self) -> set[Path]:
        return {ROOT} | {p for f in self.files for p in f.parents if p.is_relative_to(ROOT)}

    def stat(self, path: Path):
        path = Path(path)
        if path in self.files:
            size, mtime_ns, ino = self.files[path]
            return SimpleNamespace(st_size=size, st_mtime_ns=mtime_ns, st_ino=ino, st_mode=stat.S_IFREG | 0o644)
        if path in self.dirs() and not (self.walked and path in self.gone_after_walk):
            return SimpleNamespace(st_size=0, st_mtime_ns=0, st_ino=1, st_mode=stat.S_IFDIR | 0o755)
        raise FileNotFoundError(path)

    def walk(self, start: Path):
        yield from sorted(p for p in self.files if p.is_relative_to(start))
        self.walked = True


@pytest.fixture
def disk() -> FakeFolder:
    return FakeFolder({"a.yaml": (10, 1_000, 1), "b.csv": (20, 2_000, 2), "sub/c.yaml": (30, 3_000, 3),
                       "subway.yaml": (40, 4_000, 4)})


def index_of(disk: FakeFolder) -> FileIndex:
    return FileIndex(ROOT, stat=disk.stat, walk=disk.walk)


def take_in(index: FileIndex, found) -> set[str]:
    """Record every changed file as read, as the watcher does; the keys it now knows."""
    for _, key, sig in found.changed:
        index.record(key, sig)
    return {key for _, key, _ in found.changed}


def test_a_new_index_reads_everything(disk):
    found = index_of(disk).reconcile(ROOT, known=set())
    assert [(p.as_posix(), k, s) for p, k, s in found.changed] == [
        ("/drop/a.yaml", "a.yaml", (10, 1_000, 1)), ("/drop/b.csv", "b.csv", (20, 2_000, 2)),
        ("/drop/sub/c.yaml", "sub/c.yaml", (30, 3_000, 3)), ("/drop/subway.yaml", "subway.yaml", (40, 4_000, 4))]
    assert found.removed == set()


def test_only_changed_files_are_read_again(disk):
    index = index_of(disk)
    known = take_in(index, index.reconcile(ROOT, known=set()))
    assert index.reconcile(ROOT, known).changed == []
    disk.files[ROOT / "a.yaml"] = (10, 1_500, 1)  # touched: same size, new mtime
    disk.files[ROOT / "b.csv"] = (20, 2_000, 9)  # replaced by rename: same size and mtime, new inode
    disk.files[ROOT / "sub/c.yaml"] = (31, 3_000, 3)  # one byte more in the same second
    found = index.reconcile(ROOT, known)
    assert [k for _, k, _ in found.changed] == ["a.yaml", "b.csv", "sub/c.yaml"]
    assert found.removed == set()


def test_a_file_known_but_never_signed_is_read_again(disk):
    """A read the watcher adopted without a signature (changed after the startup scan)."""
    index = index_of(disk)
    found = index.reconcile(ROOT, known={"a.yaml", "b.csv", "sub/c.yaml", "subway.yaml"})
    assert len(found.changed) == 4


def test_files_gone_from_disk_are_removed(disk):
    index = index_of(disk)
    known = take_in(index, index.reconcile(ROOT, known=set())) | {"never/on/disk.yaml"}
    del disk.files[ROOT / "b.csv"]
    found = index.reconcile(ROOT, known)
    assert found.changed == [] and found.removed == {"b.csv", "never/on/disk.yaml"}


def test_a_subfolder_is_reconciled_on_its_own(disk):
    index = index_of(disk)
    known = take_in(index, index.reconcile(ROOT, known=set()))
    del disk.files[ROOT / "sub/c.yaml"]
    del disk.files[ROOT / "a.yaml"]  # outside sub/: not this reconcile's business
    disk.files[ROOT / "sub/d.yaml"] = (5, 5_000, 5)
    disk.files[ROOT / "sub/c.yaml2"] = (5, 5_000, 6)
    found = index.reconcile(ROOT / "sub", known)
    assert [k for _, k, _ in found.changed] == ["sub/c.yaml2", "sub/d.yaml"]
    assert found.removed == {"sub/c.yaml"}  # not subway.yaml, nor a.yaml


def test_a_folder_that_vanished_during_the_walk_changes_nothing(disk):
    """An unmounted share: what the walk saw is not taken as every file removed or changed."""
    index = index_of(disk)
    known = take_in(index, index.reconcile(ROOT, known=set()))
    disk.files[ROOT / "a.yaml"] = (11, 1_100, 1)
    disk.gone_after_walk = {ROOT}
    found = index.reconcile(ROOT, known | {"elsewhere.yaml"})
    assert found.changed == [] and found.removed == set()


def test_signatures_and_forgetting(disk):
    index = index_of(disk)
    assert index.signature(ROOT / "a.yaml") == (10, 1_000, 1)
    assert index.signature(ROOT / "gone.yaml") is None
    assert index.is_dir(ROOT / "sub") and not index.is_dir(ROOT / "a.yaml") and not index.is_dir(ROOT / "x")
    index.record("a.yaml", (10, 1_000, 1))
    index.record("b.csv", None)  # gone before it was signed: nothing noted
    assert index.unchanged("a.yaml", (10, 1_000, 1)) and not index.unchanged("a.yaml", (10, 1_001, 1))
    assert not index.unchanged("b.csv", None) and not index.unchanged("a.yaml", None)
    assert index.mtime("a.yaml") == pytest.approx(1e-6) and index.mtime("b.csv") == 0.0
    index.forget("a.yaml")
    assert not index.unchanged("a.yaml", (10, 1_000, 1))


def test_adopted_files_are_signed_only_when_older_than_the_startup_scan(disk):
    """A second of margin: a file modified within a second before the scan is read again."""
    disk.files[ROOT / "a.yaml"] = (10, 98_500_000_000, 1)  # 98.5 s
    disk.files[ROOT / "b.csv"] = (20, 99_500_000_000, 2)  # 99.5 s: within the margin of 100
    index = index_of(disk)
    index.adopt(["a.yaml", "b.csv", "gone.yaml"], since=100.0)
    assert set(index.sigs) == {"a.yaml"}
    found = index.reconcile(ROOT, known={"a.yaml", "b.csv", "gone.yaml"})
    assert [k for _, k, _ in found.changed] == ["b.csv", "sub/c.yaml", "subway.yaml"]
    assert found.removed == {"gone.yaml"}


def test_keys_under_takes_a_folder_with_its_files():
    keys = {"sub", "sub/c.yaml", "sub/deeper/e.yaml", "subway.yaml", "a.yaml"}
    assert keys_under(keys, "sub") == {"sub", "sub/c.yaml", "sub/deeper/e.yaml"}
    assert keys_under(keys, "a.yaml") == {"a.yaml"}


def test_the_default_walk_and_stat_are_the_real_folder(tmp_path):
    """Defaults: ``os.stat`` and the drop folder's walk, which skips what staff never mean to show."""
    root = tmp_path / "jobs"
    for name in ("a.yaml", "紧急.yaml", ".hidden.yaml", "_预览/p.yaml", "夜市/b.csv", "~$lock.xlsx", "notes.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("岗位: x\n", encoding="utf-8")
    index = FileIndex(root)
    found = index.reconcile(root, known={"gone.yaml"})
    assert [k for _, k, _ in found.changed] == ["a.yaml", "夜市/b.csv"]
    st = os.stat(root / "a.yaml")
    assert found.changed[0][2] == (st.st_size, st.st_mtime_ns, st.st_ino)
    assert found.removed == {"gone.yaml"}
