"""Several boxes in one station: two real players (``signage run``) on 127.0.0.1.

Box B follows box A's /feed.json: it shows A's listings, a file dropped on A
reaches B's screen within 5 s, the two screens split the pages, and B keeps its
listings when A is switched off. Two boxes following each other show each
other's listings once, and settle (no listing loops back, no ping-pong).
"""

from __future__ import annotations

import socket
import time

import pytest

from tests.playerproc import PlayerProcess, wait_for

TOKEN = "station-token-5678"
REACH_SECONDS = 5.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def box(folder, port: int, screen: str, follows: str | None = None, token: str | None = None,
        follow_token: str | None = None) -> PlayerProcess:
    status = f"{{host: 0.0.0.0, port: {port}, token: {token}}}" if token else f"{{port: {port}}}"
    feeds = ""
    if follows:
        auth = f", token: {follow_token}" if follow_token else ""
        feeds = (f"feeds:\n  - {{url: '{follows}', interval: 2, retry_max: 2, connect_timeout: 1, "
                 f"max_stale: 3600{auth}}}\n")
    return PlayerProcess(folder, f"""\
station: {{name: 测试驿站}}
content: jobs
screen: {screen}
pages: {{seconds: 3600, transition: none}}
status: {status}
cache_dir: cache
playlog: {{folder: plays}}
{feeds}""", token=token)


def listing(id_: str, title: str) -> str:
    return f"- {{编号: {id_}, 岗位: {title}, 工资: 150元/天, 电话: 138 1234 5678}}\n"


def loaded(player: PlayerProcess) -> int | None:
    return player.status().get("listings_loaded")


@pytest.fixture
def players():
    started: list[PlayerProcess] = []
    yield started
    for p in started:
        p.stop()


def test_a_box_follows_another_and_keeps_its_listings_when_it_is_off(tmp_path, players):
    port_a, port_b = free_port(), free_port()
    (tmp_path / "a" / "jobs").mkdir(parents=True)
    (tmp_path / "a" / "jobs" / "a.yaml").write_text(listing("a1", "保洁员") + listing("a2", "装卸工"),
                                                   encoding="utf-8")
    a = box(tmp_path / "a", port_a, "{index: 1, count: 2}", token=TOKEN)
    players.append(a)
    b = box(tmp_path / "b", port_b, "{index: 2, count: 2}",
            follows=f"http://127.0.0.1:{port_a}/feed.json", follow_token=TOKEN)
    players.append(b)
    wait_for(lambda: loaded(b) == 2, "B to show A's two listings")

    # A's feed: the token is needed from the LAN; an unchanged feed costs a 304
    assert a.get("/feed.json", token="wrong").status_code == 401
    first = a.get("/feed.json")
    assert first.status_code == 200 and first.json()["box"]
    assert [x["id"] for x in first.json()["listings"]] == ["a1", "a2"]
    again = a.get("/feed.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert a.get("/feed.json", headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304

    # the pages are split between the two screens
    shown = wait_for(lambda: (a.status().get("shown_ids"), b.status().get("shown_ids"))
                     if a.status().get("shown_ids") and b.status().get("shown_ids") else None,
                     "both screens to show a page")
    assert not set(shown[0]) & set(shown[1]), shown
    assert b.status()["screen"] == "2/2"
    assert isinstance(b.status()["clock_synchronised"], bool) and b.status()["sleeping"] is False
    m = b.metrics()
    assert m[("signage_sleeping", ())] == 0 and m[("signage_listings_current", ())] == 2
    assert m[("signage_clock_synchronised", ())] == float(b.status()["clock_synchronised"])

    # a file dropped on A reaches B's screen within 5 s
    wait_for(lambda: b.status().get("feeds") and all(
        f["last_success"] for f in b.status()["feeds"].values()), "B's first poll")
    dropped = time.monotonic()
    a.drop("new.yaml", listing("a3", "厨房帮工"))
    wait_for(lambda: loaded(b) == 3, "the dropped file on B", timeout=REACH_SECONDS + 5, every=0.02)
    took = time.monotonic() - dropped
    print(f"\ndrop on A -> B's /status: {took:.2f} s")
    assert took < REACH_SECONDS
    assert loaded(a) == 3

    # A switched off: B keeps showing the listings
    a.stop()
    time.sleep(4.5)  # two polls of B fail
    state = b.status()
    assert state["listings_loaded"] == 3
    (feed,) = state["feeds"].values()
    assert feed["failures_in_a_row"] >= 1 and feed["listings"] == 3


def test_two_boxes_following_each_other_show_each_listing_once_and_settle(tmp_path, players):
    port_a, port_b = free_port(), free_port()
    for name, id_, title in (("a", "a1", "保洁员"), ("b", "b1", "送餐员")):
        (tmp_path / name / "jobs").mkdir(parents=True)
        (tmp_path / name / "jobs" / f"{name}.yaml").write_text(listing(id_, title), encoding="utf-8")
    a = box(tmp_path / "a", port_a, "{index: 1, count: 2}", follows=f"http://127.0.0.1:{port_b}/feed.json")
    players.append(a)
    b = box(tmp_path / "b", port_b, "{index: 2, count: 2}", follows=f"http://127.0.0.1:{port_a}/feed.json")
    players.append(b)
    wait_for(lambda: loaded(a) == 2 and loaded(b) == 2, "each box to show the other's listing")
    ids = lambda p: [x["id"] for x in p.get("/feed.json").json()["listings"]]  # noqa: E731
    assert ids(a) == ["a1"] and ids(b) == ["b1"]
    versions = (a.status()["version"], b.status()["version"])
    etags = (a.get("/feed.json").headers["ETag"], b.get("/feed.json").headers["ETag"])
    time.sleep(4.5)  # two more polls each way
    assert (a.status()["version"], b.status()["version"]) == versions, "the boxes keep changing"
    assert (a.get("/feed.json").headers["ETag"], b.get("/feed.json").headers["ETag"]) == etags
    assert loaded(a) == 2 and loaded(b) == 2
    # a listing removed on A does not come back from B (it would, were B serving A's listings)
    (tmp_path / "a" / "jobs" / "a.yaml").unlink()
    wait_for(lambda: loaded(a) == 1 and loaded(b) == 1, "a1 to leave both screens",
             timeout=REACH_SECONDS + 5)
    time.sleep(4.5)
    assert loaded(a) == 1 and loaded(b) == 1, "a removed listing looped back"
    assert ids(a) == [] and ids(b) == ["b1"]
