"""What the watcher hands the player, as plain values: the last good read, and posters that
come and go as listings name their pictures."""

from __future__ import annotations

from signage.core.model import Listing, Location, Poster, Problem, SourceResult
from signage.sources.folder.handover import Handover

PIC = "/drop/pic.png"


def listing(title: str, image: str | None = None) -> Listing:
    return Listing(id=title, title=title, image=image)


def bad(key: str) -> SourceResult:
    return SourceResult(key, problems=(Problem(Location(key, 2), "坏了", "broken"),))


def poster() -> SourceResult:
    return SourceResult("pic.png", posters=(Poster("pic", PIC, Location("pic.png")),))


def test_a_broken_read_after_a_good_one_is_stale_until_fixed_or_removed():
    h = Handover()
    h.take({"a.yaml": SourceResult("a.yaml", listings=(listing("甲"),)), "empty.yaml": SourceResult("empty.yaml")},
           set())
    h.take({"a.yaml": bad("a.yaml"), "new.yaml": bad("new.yaml"), "empty.yaml": bad("empty.yaml")}, set())
    assert h.stale() == {"a.yaml"}  # new.yaml never had a good read, empty.yaml's showed nothing
    h.take({"a.yaml": SourceResult("a.yaml", listings=(listing("乙"),))}, set())
    assert h.stale() == set()
    h.take({"a.yaml": bad("a.yaml")}, set())
    h.take({}, {"a.yaml"})
    assert h.stale() == set() and "a.yaml" not in h.good


def test_a_picture_a_listing_names_leaves_the_posters_and_comes_back():
    h = Handover()
    assert h.take({"pic.png": poster()}, set())[0].posters
    out = h.take({"a.yaml": SourceResult("a.yaml", listings=(listing("甲", PIC),))}, set())
    assert {r.key: bool(r.posters) for r in out} == {"a.yaml": False, "pic.png": False}
    assert h.picture_users({}, set()) == ["a.yaml"]
    assert h.picture_users({"a.yaml": h.results["a.yaml"]}, set()) == []
    out = h.take({}, {"a.yaml"})
    assert [(r.key, bool(r.posters)) for r in out] == [("pic.png", True)]
    assert h.take({"b.yaml": SourceResult("b.yaml")}, set()) == [SourceResult("b.yaml")]  # nothing else changed


def test_adopted_reads_are_what_the_player_has():
    h = Handover()
    h.adopt({"pic.png": poster(), "a.yaml": SourceResult("a.yaml", listings=(listing("甲", PIC),))})
    assert not h.posted["pic.png"].posters  # the player was given it without the poster
    out = h.take({"c.yaml": SourceResult("c.yaml")}, set())
    assert [r.key for r in out] == ["c.yaml"]
