"""The listings a player shows, as a feed other boxes of the station follow (``/feed.json``).

``document(snapshot, box)`` is a pure function of the store's snapshot: the
listings in the project's own feed schema (docs/feed.md), with an ETag (a hash
of the bytes) and a Last-Modified (when the snapshot was made). Listings this
box itself got from another box's feed (``snapshot.relayed_sources``) are left
out, so boxes that follow each other never send listings round in a loop; the
document says ``box: NAME``, which is how a follower knows a feed is a box.

``answer(doc, request_headers)`` is the conditional GET: 304 when the client's
If-None-Match (or, without one, If-Modified-Since) still matches. ``route``
ties both to a live snapshot for whatever HTTP server serves it.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from signage.core.model import Listing, Snapshot

Answer = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class Document:
    body: bytes
    etag: str
    last_modified: str | None  # an HTTP date, or None before anything was loaded
    modified_at: float | None  # the same as Unix time (whole seconds)


def listing_fields(x: Listing) -> dict:
    """One listing as a feed entry: the field names and written forms staff use, so that
    ``sources.feed.parse`` reads back the same listing. A local picture is not sent."""
    out: dict = {"id": x.id, "title": x.title}
    text = {"employer": x.employer, "pay": x.pay_display, "settlement": x.settlement.zh if x.settlement else "",
            "place": x.place, "hours": x.hours, "description": x.description, "contact": x.contact,
            "phone": x.phone, "link": x.link or ""}
    out.update((k, v) for k, v in text.items() if v)
    if x.headcount is not None:
        out["headcount"] = x.headcount
    if x.requirements:
        out["requirements"] = list(x.requirements)
    if x.tags:
        out["tags"] = list(x.tags)
    if x.starts:
        out["starts"] = x.starts.isoformat()
    if x.expires:
        out["expires"] = x.expires.isoformat()
    if x.image and x.image.startswith(("http://", "https://")):
        out["image"] = x.image
    return out


def document(snapshot: Snapshot, box: str) -> Document:
    """The feed of what ``snapshot`` shows, minus what came from other boxes."""
    relayed = set(snapshot.relayed_sources)
    listings = [listing_fields(x) for x in snapshot.listings if x.origin.source not in relayed]
    body = json.dumps({"box": box, "listings": listings}, ensure_ascii=False,
                      separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if snapshot.loaded_at is None:
        return Document(body, etag, None, None)
    when = float(int(snapshot.loaded_at.timestamp()))
    return Document(body, etag, email.utils.formatdate(when, usegmt=True), when)


def _etags(header: str) -> list[str]:
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def answer(doc: Document, headers: Mapping[str, str]) -> Answer:
    """200 with the body, or 304 Not Modified (RFC 9110: If-None-Match wins over If-Modified-Since)."""
    out = {"ETag": doc.etag, "Cache-Control": "no-cache"}
    if doc.last_modified:
        out["Last-Modified"] = doc.last_modified
    none_match = headers.get("If-None-Match")
    since = headers.get("If-Modified-Since")
    if none_match is not None:
        tags = _etags(none_match)
        if "*" in tags or doc.etag in tags:
            return 304, out, b""
    elif since and doc.modified_at is not None:
        try:
            client = email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            client = None
        if client is not None and doc.modified_at <= client:
            return 304, out, b""
    return 200, {**out, "Content-Type": "application/json; charset=utf-8"}, doc.body


def route(snapshot_of: Callable[[], Snapshot], box: str) -> Callable[[Mapping[str, str]], Answer]:
    """``request headers -> (status, headers, body)`` over the live snapshot; the document is
    built once per snapshot (snapshots are immutable and replaced whole)."""
    lock = threading.Lock()
    memo: list = [None, None]  # [snapshot, Document]

    def serve(headers: Mapping[str, str]) -> Answer:
        snap = snapshot_of()
        with lock:
            if memo[0] is not snap:
                memo[:] = [snap, document(snap, box)]
            doc = memo[1]
        return answer(doc, headers)

    return serve
