"""The staff drop folder: files in, listings, posters and located problems out.

``load_file`` reads one file (YAML, CSV, Excel ``.xlsx`` or an image); ``scan``
reads a whole folder. Neither raises for bad content: everything wrong becomes
a :class:`Problem` naming file and line. Hostile files (too big, binary, not a
regular file, a link leading out of the folder) are refused with a message.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import yaml

from signage.core.model import Location, Problem, Severity, SourceResult
from signage.parse import yamlsafe
from signage.parse.images import IMAGE_SUFFIXES, MAX_IMAGE_BYTES
from signage.parse.normalise import canonical_field, listing_from_mapping
from signage.parse.playlists import URGENT_NAMES

from . import images, table
from .decode import Undecodable, decode_text
from .video import VIDEO_SUFFIXES, load_video

log = logging.getLogger(__name__)

YAML_SUFFIXES = {".yaml", ".yml"}
WORKBOOK_SUFFIXES = {".xlsx", ".xls"}  # both read by python-calamine
LISTING_SUFFIXES = YAML_SUFFIXES | {".csv"} | WORKBOOK_SUFFIXES
# Files staff may well drop that we cannot read: they get a friendly warning, not silence.
UNSUPPORTED_SUFFIXES = {".et", ".doc", ".docx", ".wps", ".pdf", ".ods", ".numbers",
                        ".gif", ".bmp", ".webp", ".heic", ".tif", ".tiff"}
READ_SUFFIXES = LISTING_SUFFIXES | IMAGE_SUFFIXES | VIDEO_SUFFIXES | UNSUPPORTED_SUFFIXES
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_XLSX_BYTES = 10 * 1024 * 1024
REPORT_NAME = "_错误报告.txt"

Signature = tuple[int, int, int]  # size, mtime in ns, inode: changes when the file does


def is_ignored(path: Path) -> bool:
    """Editors' temporary and lock files, hidden files and our own report."""
    name = path.name
    return (
        name.startswith((".", "~$", "_", "~"))
        or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", ".bak"))
        or ".goutputstream-" in name
    )


def wanted(path: Path) -> bool:
    return path.suffix.lower() in READ_SUFFIXES and not is_ignored(path)


def is_urgent(path: Path, root: Path) -> bool:
    """``紧急.yaml`` / ``urgent.yaml`` at the top of the drop folder: the urgent notice, no listing."""
    return (path.parent == root and path.suffix.lower() in YAML_SUFFIXES
            and path.stem.lower() in URGENT_NAMES)


def ignored_under(path: Path, root: Path) -> bool:
    """Whether ``path`` or a folder between it and ``root`` is ignored (hidden, ``_``...),
    or is the urgent notice (read with the playlists)."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return True
    return any(is_ignored(Path(part)) for part in parts) or is_urgent(path, root)


# Listings in a subfolder of this name get its tag: the night market's playlist shows them.
TAG_FOLDERS = {"夜市": "夜市"}


def folder_tags(key: str) -> tuple[str, ...]:
    """The tags a file gets from the folders it is in (``夜市/鸡排.yaml`` -> ``("夜市",)``)."""
    return tuple(TAG_FOLDERS[part] for part in Path(key).parts[:-1] if part in TAG_FOLDERS)


def _tagged(result: SourceResult, tags: tuple[str, ...]) -> SourceResult:
    if not tags or not result.listings:
        return result
    return replace(result, listings=tuple(
        replace(x, tags=x.tags + tuple(t for t in tags if t not in x.tags)) for x in result.listings))


def key_of(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


_key = key_of


def size_cap(suffix: str) -> int:
    """The largest file of this kind (``.xlsx``, ``.png`` ...) that is read at all."""
    suffix = suffix.lower()
    return (MAX_IMAGE_BYTES if suffix in IMAGE_SUFFIXES
            else MAX_XLSX_BYTES if suffix in WORKBOOK_SUFFIXES else MAX_FILE_BYTES)


def signature(path: Path) -> Signature | None:
    """Size, mtime and inode of a file (following a link), or None when it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def load_file(path: Path, root: Path) -> SourceResult:
    """Read one file of the drop folder into a SourceResult (never raises)."""
    key = key_of(path, root)
    try:
        return _tagged(_load(path, root, key), folder_tags(key))
    except Exception as exc:  # a bug must not take the player down: report it as a problem
        log.exception("reading %s failed", path)
        return _unreadable(key, f"读取这个文件时程序出错（{type(exc).__name__}），请把文件发给技术人员",
                           f"internal error while reading this file: {exc!r}")


def _load(path: Path, root: Path, key: str) -> SourceResult:
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            target = path.resolve()
            if not target.is_relative_to(root.resolve()):
                return _unreadable(key, "这是一个指向文件夹外面的快捷方式（链接），为了安全没有读取。请把文件本身复制进来",
                                   f"a link leading outside the drop folder (to {target}); refused. "
                                   "Copy the file itself into the folder")
            st = os.stat(path)
    except OSError as exc:
        return _unreadable(key, "文件打不开", f"cannot open the file: {exc.strerror or exc}")
    if stat.S_ISDIR(st.st_mode):
        return SourceResult(key)
    if not stat.S_ISREG(st.st_mode):
        return _unreadable(key, "这不是普通文件，没有读取", "not a regular file; not read")
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        return _unsupported(key, suffix)
    if suffix in VIDEO_SUFFIXES:  # probed where it lies: a clip is never read whole
        return load_video(path, key)
    cap = size_cap(suffix)
    if st.st_size > cap:
        return _too_big(key, cap)
    try:
        with open(path, "rb") as f:
            data = f.read(cap + 1)
    except OSError as exc:
        return _unreadable(key, "文件打不开", f"cannot open the file: {exc.strerror or exc}")
    if len(data) > cap:
        return _too_big(key, cap)
    base_dir = str(path.parent)
    if suffix in IMAGE_SUFFIXES:
        return images.load_image(path, key, data)
    if suffix in WORKBOOK_SUFFIXES:
        return images.vet_pictures(table.load_xlsx_bytes(data, key, base_dir), root)
    try:
        text, _encoding = decode_text(data)
    except Undecodable as exc:
        return _unreadable(key, exc.zh, exc.en)
    if suffix == ".csv":
        return images.vet_pictures(table.load_csv_text(text, key, base_dir), root)
    return images.vet_pictures(load_yaml_text(text, key, base_dir=base_dir), root)


_CHINESE_COLON_KEY = re.compile(r"^(\s*(?:-\s+)?)([^\s:：#\-\"'][^:：\"']{0,30}?)\s*：[ \t\u3000]*", re.M)


def _accept_chinese_colons(text: str) -> str:
    """``岗位：厨房帮工`` read as ``岗位: 厨房帮工``: staff type the Chinese colon all the time.

    Only a colon right after a short field name at the start of a line, with no
    ASCII colon before it, is taken; a "：" inside a value stays as it is.
    """
    return _CHINESE_COLON_KEY.sub(lambda m: f"{m.group(1)}{m.group(2)}: ", text)


def _explain_yaml_error(exc: yaml.YAMLError, text: str) -> tuple[str, str, int | None, int | None]:
    """Words for a YAML syntax error, at the line a person would fix.

    The parser reports where it noticed the mistake, often the line after it: for
    a field written without its colon ("电话 138…") it points at the next line, so
    the line without a colon is looked for and named instead.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    what = getattr(exc, "problem", None) or str(exc)
    if line and "expected ':'" in what:
        lines = text.splitlines()
        for n in range(min(line, len(lines)), 0, -1):
            raw = lines[n - 1].strip()
            if not raw or raw.startswith(("#", "-", "---")):
                continue
            if ":" not in raw and "：" not in raw:
                name, _, rest = raw.partition(" ")
                hint = f"，应写成“{name}: {rest.strip()}”" if rest.strip() else ""
                return (f"“{raw}”少了冒号（字段名后要有英文冒号和一个空格）{hint}；整个文件没有读取",
                        f"'{raw}' has no colon after the field name (write 'name: value'); "
                        f"the whole file was not read", n, None)
            if "：" in raw and ":" not in raw:
                return ("这一行用了中文冒号“：”，请改成英文冒号“:”加一个空格；整个文件没有读取",
                        "this line uses a Chinese colon '：'; write ':' and a space; the whole file was not read",
                        n, None)
            if n < line:  # the line before the one the parser stopped at was fine
                break
    return ("格式有误（常见原因：冒号后少了空格、缩进不齐、引号没配对），整个文件没有读取",
            f"not valid YAML ({what}); the whole file was not read", line, col)


def load_yaml_text(text: str, key: str, base_dir: str | None = None) -> SourceResult:
    """Listings from YAML: one listing, a list of listings, or several documents."""
    text = _accept_chinese_colons(text)
    try:
        docs = yamlsafe.load_all(text)
    except yaml.YAMLError as exc:
        return _unreadable(key, *_explain_yaml_error(exc, text))
    except yamlsafe.YamlRefused as exc:
        return _unreadable(key, exc.zh, exc.en, exc.line)

    listings, problems, hidden, rejected = [], [], [], []
    stem = Path(key).with_suffix("").as_posix()
    entries: list[tuple[object, int | None]] = []
    for doc in docs:
        if doc is None:
            continue
        if isinstance(doc, list):
            lines = getattr(doc, "item_lines", [None] * len(doc))
            entries.extend(zip(doc, lines, strict=False))
        else:
            entries.append((doc, getattr(doc, "line", None)))
    for n, (entry, line) in enumerate(entries, start=1):
        origin = Location(key, line)
        if not isinstance(entry, dict):
            problems.append(Problem(origin, "这里应是一条招聘（“字段: 内容”的形式），已跳过",
                                    "expected a listing (field: value pairs) here; skipped"))
            continue
        hide_id = hidden_id(entry)
        if hide_id is not None:
            hidden.append(hide_id)
            continue
        if any(str(k).strip().lower() in HIDE_KEYS for k in entry):  # "hide: false": just a listing
            entry = copy.copy(entry)
            for k in [k for k in entry if str(k).strip().lower() in HIDE_KEYS]:
                del entry[k]
        # the file's path in the folder without .yaml: a/x.yaml and b/x.yaml never share an id
        default_id = stem if len(entries) == 1 else f"{stem}#{n}"
        line_of = entry.line_of if isinstance(entry, yamlsafe.LocatedDict) else None
        listing, found = listing_from_mapping(entry, origin, default_id, line_of, base_dir)
        problems.extend(found)
        if listing is not None:
            listings.append(listing)
        else:
            title = next((str(v) for k, v in entry.items() if canonical_field(k) == "title"), "")
            rejected.append((origin, title))
    return SourceResult(key, tuple(listings), (), tuple(problems), ok=True, hidden_ids=tuple(hidden),
                        rejected=tuple(rejected))


HIDE_KEYS = ("hide", "hidden", "隐藏", "不显示")


def hidden_id(entry: dict) -> str | None:
    """The id in an entry such as ``{id: X, hide: true}`` (hides feed listing X), else None."""
    flag = next((entry[k] for k in entry if str(k).strip().lower() in HIDE_KEYS), None)
    if flag not in (True, "true", "yes", "是", 1):
        return None
    ident = next((entry[k] for k in entry if canonical_field(k) == "id"), None)
    return None if ident in (None, "") else str(ident).strip()


def files_under(root: Path, start: Path | None = None) -> Iterator[Path]:
    """Every file ``scan`` reads under ``start`` (default ``root``), in a stable order.

    Ignored folders are not entered; links to folders are not followed, but one
    leading out of the drop folder is yielded so that it is reported.
    """
    start = start or root
    if ignored_under(start, root) and start != root:
        return
    for here, dirs, files in os.walk(start, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not is_ignored(Path(d)))
        base = Path(here)
        for d in list(dirs):
            if (base / d).is_symlink():
                dirs.remove(d)
                if not (base / d).resolve().is_relative_to(root.resolve()):
                    yield base / d
        for name in sorted(files):
            path = base / name
            if wanted(path) and not is_urgent(path, root):
                yield path


def scan(root: Path) -> dict[str, SourceResult]:
    """Every wanted file under ``root`` (recursively), read, as the screens should show them."""
    return drop_referenced_posters(read_all(root))


def read_all(root: Path) -> dict[str, SourceResult]:
    """Every wanted file under ``root``, each read on its own (see ``drop_referenced_posters``)."""
    results: dict[str, SourceResult] = {}
    if root.is_dir():
        for path in files_under(root):
            result = load_file(path, root)
            results[result.key] = result
    return results


def drop_referenced_posters(results: Mapping[str, SourceResult]) -> dict[str, SourceResult]:
    """Images a listing names as its picture are not posters of their own."""
    pictures = {os.path.realpath(x.image) for r in results.values() for x in r.listings if x.image}
    if not pictures:
        return dict(results)
    out = {}
    for key, result in results.items():
        if any(os.path.realpath(p.image) in pictures for p in result.posters):
            result = replace(result, posters=tuple(
                p for p in result.posters if os.path.realpath(p.image) not in pictures))
        out[key] = result
    return out


def _too_big(key: str, cap: int) -> SourceResult:
    mb = cap // 1024 // 1024
    return _unreadable(key, f"文件太大（超过 {mb} MB），没有读取。请分成几个小文件",
                       f"file larger than {mb} MB; not read. Split it into smaller files")


def _unsupported(key: str, suffix: str) -> SourceResult:
    if suffix in (".et", ".ods", ".numbers"):
        zh = f"{suffix} 格式的表格读不了，请在 Excel 或 WPS 中“另存为” .xlsx 或 .csv"
        en = f"{suffix} spreadsheets cannot be read; save it as .xlsx or .csv"
    elif suffix in (".doc", ".docx", ".wps", ".pdf"):
        zh = f"{suffix} 文档读不了。招聘请写在 Excel 表格（.xlsx）或 .yaml 文件里"
        en = f"{suffix} documents cannot be read; put listings in an .xlsx sheet or a .yaml file"
    else:
        zh = f"{suffix} 图片读不了，请另存为 .png 或 .jpg"
        en = f"{suffix} images cannot be shown; save it as .png or .jpg"
    return SourceResult(key, problems=(Problem(Location(key), zh, en, Severity.WARNING),))


def _unreadable(key: str, zh: str, en: str, line: int | None = None, col: int | None = None) -> SourceResult:
    return SourceResult(key, problems=(Problem(Location(key, line, col), zh, en),), ok=False)


def missing(path: Path) -> SourceResult:
    return _unreadable(str(path), "找不到这个文件或文件夹", "no such file or folder")
