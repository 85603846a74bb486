import datetime as dt

from signage.core import schedule
from signage.core.model import Severity
from signage.core.store import ContentStore
from signage.sources.folder import read as folder

GOOD = """
岗位: 厨房帮工
工资: 150元/天
结算方式: 日结
电话: 13812345678
"""


def load(drop, name):
    return folder.load_file(drop.folder / name, drop.folder)


def test_expired_and_not_yet_valid_listings_are_not_shown(drop):
    drop("expired.yaml", GOOD + "截止日期: 2026-11-28\n")
    drop("later.yaml", GOOD + "开始日期: 2026-12-01\n")
    drop("today.yaml", GOOD + "截止日期: 2026-11-29\n")
    snap = ContentStore().apply_many(folder.scan(drop.folder).values())
    today = dt.date(2026, 11, 29)
    assert {x.id for x in snap.current(today)} == {"today"}
    noon = dt.datetime(2026, 11, 29, 12).timestamp()
    on = schedule.at(noon, snap, schedule.Programme(cards_per_page=4))
    assert [x.id for x in on.slide.listings] == ["today"]
    # The page holding it changes at midnight at the latest, when "today" expires.
    assert on.next_change <= dt.datetime(2026, 11, 30).timestamp()


def test_a_broken_file_does_not_stop_the_others(drop):
    drop("good.yaml", GOOD)
    drop("broken.yaml", "岗位: 服务员\n电话 13812345678\n  工资: : :\n")
    snap = ContentStore().apply_many(folder.scan(drop.folder).values())
    assert [x.id for x in snap.listings] == ["good"]
    errors = [p for p in snap.problems if p.severity is Severity.ERROR]
    assert errors and errors[0].where.source == "broken.yaml" and errors[0].where.line


def test_keep_last_good_then_drop_on_delete(drop):
    store = ContentStore()
    drop("a.yaml", GOOD)
    v1 = store.apply(load(drop, "a.yaml"))
    assert [x.id for x in v1.listings] == ["a"]
    drop("a.yaml", "岗位: [厨房帮工\n")  # a typo: the file no longer parses
    v2 = store.apply(load(drop, "a.yaml"))
    assert [x.id for x in v2.listings] == ["a"]  # still on screen
    assert v2.stale_sources == ("a.yaml",)
    assert any("继续显示" in p.zh for p in v2.problems)
    v3 = store.remove("a.yaml")
    assert v3.listings == () and v3.version > v2.version


def test_version_changes_only_when_content_does(drop):
    store = ContentStore()
    drop("a.yaml", GOOD)
    v1 = store.apply(load(drop, "a.yaml")).version
    assert store.apply(load(drop, "a.yaml")).version == v1
    drop("a.yaml", GOOD.replace("150", "160"))
    assert store.apply(load(drop, "a.yaml")).version == v1 + 1


def test_pages_cycle_on_the_wall_clock(drop):
    for i in range(5):
        drop(f"job{i}.yaml", GOOD.replace("厨房帮工", f"厨房帮工{i}"))  # five jobs, not one job five times
    snap = ContentStore().apply_many(folder.scan(drop.folder).values())
    prog = schedule.Programme(cards_per_page=2, seconds=10)
    t0 = dt.datetime(2026, 11, 29, 9, 0, 0).timestamp()
    seen = [schedule.at(t0 + 10 * k, snap, prog).index for k in range(6)]
    assert sorted(set(seen)) == [0, 1, 2] and seen[:3] != seen[1:4]
    on = schedule.at(t0 + 3, snap, prog)
    assert on.started_at == t0 and on.next_change == t0 + 10
    assert schedule.at(t0 + 3, snap, prog, step=1).index == (on.index + 1) % 3


def test_no_listings_shows_a_friendly_page():
    snap = ContentStore().apply_many([])
    on = schedule.at(0, snap, schedule.Programme())
    assert on.slide.kind == "empty"
