"""A feed's response body -> a SourceResult (pure: no network, no files).

Formats: our own schema in JSON or YAML (a list of listings, or
``{listings: [...]}``, with the same field names and values as the staff's
files), and schema.org JobPosting as JSON-LD or inside an HTML page. ``auto``
tells them apart by the Content-Type and the first character.

A body that cannot be read as a whole (not JSON, truncated, the wrong shape, or
every entry invalid) gives ``ok=False``: the caller keeps its last good copy.
Entries that cannot be shown are skipped with a warning; a feed never names a
local file (images must be http(s) URLs, downloaded by the poller).
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import logging
import re
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import yaml

from signage.core.model import FEED_PREFIX, Listing, Location, Problem, Severity, SourceResult
from signage.parse import images, yamlsafe
from signage.parse.normalise import listing_from_mapping

from . import jobposting

log = logging.getLogger(__name__)

SECRET_QUERY_KEYS = re.compile(r"(token|key|secret|pass|auth|sig|signature|session|credential)", re.I)


class Unreadable(ValueError):
    """The body as a whole cannot be used; ``zh``/``en`` say why in words staff understand."""

    def __init__(self, zh: str, en: str, line: int | None = None):
        super().__init__(en)
        self.zh, self.en, self.line = zh, en, line


def redact_url(url: str) -> str:
    """The URL without a password and without the values of secret-looking query parameters."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid url>"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = urlencode([(k, "***" if SECRET_QUERY_KEYS.search(k) else v)
                       for k, v in parse_qsl(parts.query, keep_blank_values=True)], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def source_key(url: str) -> str:
    """The ContentStore key of a feed: local files sort before it and override it by id."""
    return FEED_PREFIX + redact_url(url)


def decode(body: bytes, content_type: str = "") -> str:
    m = re.search(r"charset=([\w.-]+)", content_type or "", re.I)
    charset = m.group(1) if m else "utf-8-sig"
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8-sig"
    if charset.lower().replace("_", "-") in ("utf-8", "utf8"):
        charset = "utf-8-sig"
    try:
        return body.decode(charset)
    except UnicodeDecodeError:
        raise Unreadable("信息源的内容编码不对（应为 UTF-8）", f"the body is not valid {charset} text") from None


def detect(text: str, content_type: str = "", fmt: str = "auto") -> str:
    """``html``, ``json`` or ``yaml``: how to read a body."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    head = text.lstrip()[:1]
    if head == "<" or "html" in ctype:
        return "html"
    if fmt == "yaml":
        return "yaml"
    if fmt in ("json", "jobposting") or head in ("[", "{") or "json" in ctype:
        return "json"
    return "yaml"


def parse(body: bytes, key: str, fmt: str = "auto", content_type: str = "",
          base_url: str = "") -> SourceResult:
    """Read a feed body into a SourceResult (never raises)."""
    try:
        text = decode(body, content_type)
        kind = detect(text, content_type, fmt)
        doc = None
        if kind == "html":
            listings, problems = _from_html(text, key)
        elif kind == "json":
            try:
                doc = strict_json(text)
            except json.JSONDecodeError as exc:
                raise Unreadable("信息源返回的内容不完整或格式有误（不是有效的 JSON），继续显示之前的招聘",
                                 f"the feed's answer is not valid JSON ({exc.msg} at line {exc.lineno})",
                                 exc.lineno) from None
            except RecursionError:
                raise Unreadable("信息源返回的内容嵌套层数太深，已拒绝读取",
                                 "the feed's answer is nested too deeply; refused") from None
            if fmt == "jobposting" or jobposting.is_jobposting_doc(doc):
                listings, problems = _from_jsonld([doc], key)
            else:
                listings, problems = _from_ours(doc, key)
        else:
            doc = _load_yaml(text)
            listings, problems = _from_ours(doc, key)
    except Unreadable as exc:
        return SourceResult(key, problems=(Problem(Location(key, exc.line), exc.zh, exc.en),), ok=False)
    listings = [_absolute_image(x, base_url) for x in listings]
    return SourceResult(key, tuple(listings), (), tuple(problems), ok=True, relayed=from_a_box(doc))


def from_a_box(doc) -> bool:
    """A document another player serves (``{box: NAME, listings: [...]}``, see ops/feedout.py)."""
    return isinstance(doc, dict) and bool(doc.get("box")) and isinstance(doc.get("listings"), list)


def _load_yaml(text: str):
    try:
        docs = [d for d in yamlsafe.load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise Unreadable("信息源返回的内容格式有误（不是有效的 YAML），继续显示之前的招聘",
                         f"the feed's answer is not valid YAML ({getattr(exc, 'problem', exc)})",
                         mark.line + 1 if mark else None) from None
    except yamlsafe.YamlRefused as exc:
        raise Unreadable(exc.zh, exc.en, exc.line) from None
    if len(docs) == 1:
        return docs[0]
    return docs


def _entries(doc) -> list:
    if isinstance(doc, dict) and isinstance(doc.get("listings"), list):
        return doc["listings"]
    if isinstance(doc, list):
        return doc
    raise Unreadable("信息源返回的内容不是招聘列表，继续显示之前的招聘",
                     "the feed's answer is not a list of listings (nor {listings: [...]})")


def _from_ours(doc, key: str) -> tuple[list[Listing], list[Problem]]:
    entries = _entries(doc)
    listings, problems = [], []
    lines = getattr(entries, "item_lines", [None] * len(entries))
    for n, (entry, line) in enumerate(zip(entries, lines, strict=False), start=1):
        origin = Location(key, line)
        if not isinstance(entry, dict):
            problems.append(Problem(origin, f"第{n}条不是一条招聘，已跳过", f"entry {n} is not a listing; skipped",
                                    Severity.WARNING))
            continue
        line_of = entry.line_of if isinstance(entry, yamlsafe.LocatedDict) else None
        item, found = listing_from_mapping(entry, origin, jobposting.stable_id(entry), line_of, base_dir=None)
        if item is None:
            problems += [_skipped(p, n) for p in found if p.severity is Severity.ERROR]
        else:
            listings.append(item)
            problems += [p for p in found if p.code == "pay"]  # how a bare or odd amount was read
    _require_some(entries, listings)
    return listings, problems


def _from_jsonld(docs: Iterable, key: str) -> tuple[list[Listing], list[Problem]]:
    listings, problems, found = [], [], 0
    for doc in docs:
        got, probs, n = jobposting.listings_from_doc(doc, Location(key))
        listings += got
        problems += probs
        found += n
    if not found:
        raise Unreadable("信息源里没有找到招聘信息（JobPosting），继续显示之前的招聘",
                         "no schema.org JobPosting found in the feed's answer")
    _require_some(range(found), listings)
    return listings, problems


def strict_json(text: str):
    """``json.loads`` refusing ``NaN``, ``Infinity`` and ``-Infinity``, which are not JSON."""

    def refuse(name: str):
        raise json.JSONDecodeError(f"{name} is not a JSON number", text, text.find(name))

    return json.loads(text, parse_constant=refuse)


def _from_html(text: str, key: str) -> tuple[list[Listing], list[Problem]]:
    docs = []
    for block in jobposting.ld_json_blocks(text):
        try:
            docs.append(strict_json(block))
        except (json.JSONDecodeError, RecursionError):
            continue  # one broken block on a page does not spoil the others
    return _from_jsonld(docs, key)


def _require_some(entries, listings: list) -> None:
    """Every entry invalid means the publisher changed its format: keep the last good copy."""
    if len(entries) and not listings:
        raise Unreadable("信息源里的招聘都无法读取（格式可能改了），继续显示之前的招聘",
                         "none of the feed's entries could be read (has its format changed?)")


def _skipped(p: Problem, n: int) -> Problem:
    return Problem(p.where, f"第{n}条招聘没有显示：{p.zh}", f"entry {n} not shown: {p.en}", Severity.WARNING)


def _absolute_image(listing: Listing, base_url: str) -> Listing:
    if not listing.image:
        return listing
    url = urljoin(base_url, listing.image) if base_url else listing.image
    ok = urlsplit(url).scheme in ("http", "https")
    return dataclasses.replace(listing, image=url if ok else None)


def with_local_images(result: SourceResult, local: Callable[[str], str | None]) -> SourceResult:
    """Image URLs replaced by their downloaded files (``local(url)``), or dropped when not there yet."""
    listings = tuple(_local_picture(x, x.image, local) if x.image and "://" in x.image else x
                     for x in result.listings)
    return dataclasses.replace(result, listings=listings)


def _local_picture(listing: Listing, url: str, local: Callable[[str], str | None]) -> Listing:
    """The listing with its downloaded picture (from ``url``, its image), vetted like any picture
    (a copy cached before the pixel cap existed is refused here), or without a picture."""
    path = local(url)
    if path is None:
        return dataclasses.replace(listing, image=None)
    try:
        picture = images.vet(path)
    except images.Refused as refused:
        log.warning("feed listing %s: picture %s not shown: %s", listing.id, path, refused.en)
        return dataclasses.replace(listing, image=None)
    return dataclasses.replace(listing, image=picture.path, image_version=picture.version)
