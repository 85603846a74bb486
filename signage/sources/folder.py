"""The staff drop folder: files in, listings and located problems out.

``load_file`` reads one file; ``scan`` reads a whole folder. Neither raises for
bad content: everything wrong becomes a :class:`Problem` naming file and line.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path

import yaml

from .. import yamlsafe
from ..model import Location, Problem, SourceResult
from .normalise import canonical_field, listing_from_mapping

log = logging.getLogger(__name__)

LISTING_SUFFIXES = {".yaml", ".yml"}
MAX_FILE_BYTES = 2 * 1024 * 1024
REPORT_NAME = "_错误报告.txt"


def is_ignored(path: Path) -> bool:
    """Editors' temporary and lock files, hidden files and our own report."""
    name = path.name
    return (
        name.startswith((".", "~$", "_"))
        or name.endswith(("~", ".swp", ".swx", ".tmp", ".part", ".crdownload"))
        or ".goutputstream-" in name
    )


def wanted(path: Path) -> bool:
    return path.suffix.lower() in LISTING_SUFFIXES and not is_ignored(path)


def load_file(path: Path, root: Path) -> SourceResult:
    """Read one file of the drop folder into a SourceResult (never raises)."""
    key = _key(path, root)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _unreadable(key, "文件打不开", f"cannot open the file: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        return _unreadable(key, f"文件太大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB），没有读取",
                           f"file larger than {MAX_FILE_BYTES // 1024 // 1024} MB; not read")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _unreadable(key, "文件编码不对，请另存为 UTF-8 格式",
                           "the file is not UTF-8 text; save it as UTF-8")
    return load_yaml_text(text, key, base_dir=str(path.parent))


def load_yaml_text(text: str, key: str, base_dir: str | None = None) -> SourceResult:
    """Listings from YAML: one listing, a list of listings, or several documents."""
    try:
        docs = yamlsafe.load_all(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = getattr(exc, "problem", None) or str(exc)
        return _unreadable(
            key,
            "格式有误（常见原因：冒号后少了空格、缩进不齐、引号没配对），整个文件没有读取",
            f"not valid YAML ({what}); the whole file was not read",
            line,
            col,
        )
    except yamlsafe.YamlRefused as exc:
        return _unreadable(key, exc.zh, exc.en, exc.line)

    listings, problems, hidden = [], [], []
    entries: list[tuple[object, int | None]] = []
    for doc in docs:
        if doc is None:
            continue
        if isinstance(doc, list):
            lines = getattr(doc, "item_lines", [None] * len(doc))
            entries.extend(zip(doc, lines, strict=False))
        else:
            entries.append((doc, getattr(doc, "line", None)))
    stem = Path(key).stem
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
        default_id = stem if len(entries) == 1 else f"{stem}#{n}"
        line_of = entry.line_of if isinstance(entry, yamlsafe.LocatedDict) else None
        listing, found = listing_from_mapping(entry, origin, default_id, line_of, base_dir)
        problems.extend(found)
        if listing is not None:
            listings.append(listing)
    return SourceResult(key, tuple(listings), (), tuple(problems), ok=True, hidden_ids=tuple(hidden))


HIDE_KEYS = ("hide", "hidden", "隐藏", "不显示")


def hidden_id(entry: dict) -> str | None:
    """The id in an entry such as ``{id: X, hide: true}`` (hides feed listing X), else None."""
    flag = next((entry[k] for k in entry if str(k).strip().lower() in HIDE_KEYS), None)
    if flag not in (True, "true", "yes", "是", 1):
        return None
    ident = next((entry[k] for k in entry if canonical_field(k) == "id"), None)
    return None if ident in (None, "") else str(ident).strip()


def scan(root: Path) -> dict[str, SourceResult]:
    """Every wanted file under ``root`` (recursively), read."""
    results: dict[str, SourceResult] = {}
    if not root.is_dir():
        return results
    for path in sorted(root.rglob("*")):
        if path.is_file() and wanted(path) and not any(is_ignored(p) for p in path.relative_to(root).parents if p.name):
            result = load_file(path, root)
            results[result.key] = result
    return results


def _key(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _unreadable(key: str, zh: str, en: str, line: int | None = None, col: int | None = None) -> SourceResult:
    return SourceResult(key, problems=(Problem(Location(key, line, col), zh, en),), ok=False)


def missing(path: Path) -> SourceResult:
    return _unreadable(str(path), "找不到这个文件或文件夹", "no such file or folder")
