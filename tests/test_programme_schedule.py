"""What is on which screen when: the schedule as a pure function of clock, content, playlists, k/n."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

from signage.core import schedule
from signage.core.model import Listing, Location, Poster, Snapshot
from signage.core.store import ContentStore
from signage.kinds import figures as figures_kind
from signage.parse import playlists as playlist
from signage.sources.folder import read as folder

STATION = Path(__file__).resolve().parent / "fixtures" / "station"  # a frozen copy of the demo
PROGRAMME = schedule.Programme(cards_per_page=2, seconds=12.0, theme="day")


def t(text: str) -> float:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").timestamp()


@pytest.fixture(scope="module")
def demo() -> Snapshot:
    return ContentStore().apply_many(folder.scan(STATION / "playlists" / "jobs").values())


@pytest.fixture(scope="module")
def shipped() -> playlist.Playlists:
    return playlist.load_dir(STATION / "playlists")


def listings(n: int, **kw) -> tuple[Listing, ...]:
    return tuple(Listing(id=f"L{i}", title=f"岗位{i}", phone="13800000000", origin=Location("x.yaml"), **kw)
                 for i in range(n))


def shown_over_cycle(snapshot, pls, start: float, screen, kinds=("jobs",)):
    """Every (time, listing ids) one screen shows during one turn of its cycle, from ``start``."""
    first = schedule.at(start, snapshot, PROGRAMME, playlists=pls, screen=screen)
    out = []
    now = first.started_at
    for _ in range(first.count):
        on = schedule.at(now + 0.001, snapshot, PROGRAMME, playlists=pls, screen=screen)
        if on.slide.kind in kinds:
            out.append((on.started_at, tuple(x.id for x in on.slide.listings)))
        now = on.next_change
    return out


def test_before_six_the_day_playlist(demo, shipped):
    on = schedule.at(t("2026-11-09 17:59"), demo, PROGRAMME, playlists=shipped)
    assert on.playlist == "白天" and on.slide.theme == "day"
    assert on.next_change <= t("2026-11-09 18:00")
    ids = {i for _, page in shown_over_cycle(demo, shipped, t("2026-11-09 10:00"), (0, 1)) for i in page}
    assert ids == {x.id for x in demo.listings}  # the day shows every listing


def test_at_half_past_six_the_night_market_with_only_its_listings(demo, shipped):
    on = schedule.at(t("2026-11-09 18:30"), demo, PROGRAMME, playlists=shipped)
    assert on.playlist == "零工夜市" and on.slide.theme == "night"
    night = {x.id for x in demo.listings if "夜市" in x.tags}
    assert 3 <= len(night) < len(demo.listings)
    ids = {i for _, page in shown_over_cycle(demo, shipped, t("2026-11-09 18:30"), (0, 1)) for i in page}
    assert ids == night
    # The night market opens on its first slide at 18:00 sharp.
    opening = schedule.at(t("2026-11-09 18:00"), demo, PROGRAMME, playlists=shipped)
    assert opening.index == 0 and opening.started_at == t("2026-11-09 18:00")


def test_sleep_hours_are_black_until_morning(demo, shipped):
    on = schedule.at(t("2026-11-09 23:00"), demo, PROGRAMME, playlists=shipped)
    assert on.slide.kind == "black" and on.playlist == "休息"
    assert on.next_change == t("2026-11-10 00:00")  # the date changes at midnight: look again
    on = schedule.at(t("2026-11-10 00:00") + 1, demo, PROGRAMME, playlists=shipped)
    assert on.slide.kind == "black" and on.next_change == t("2026-11-10 07:00")
    assert schedule.at(t("2026-11-10 07:00"), demo, PROGRAMME, playlists=shipped).playlist == "白天"
    # 21:30 to 22:00 is day time again.
    assert schedule.at(t("2026-11-09 21:45"), demo, PROGRAMME, playlists=shipped).playlist == "白天"


def write(folder_: Path, name: str, text: str) -> None:
    (folder_ / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def test_the_most_specific_playlist_wins(tmp_path, demo):
    write(tmp_path, "a-daily.yaml", """
        name: daily
        schedule: {time: "09:00-17:00"}
        slides: [{kind: announcement, title: 每天}]
        """)
    write(tmp_path, "b-friday.yaml", """
        name: friday
        schedule: {time: "09:00-17:00", days: 周五}
        slides: [{kind: announcement, title: 周五}]
        """)
    write(tmp_path, "c-fair.yaml", """
        name: fair
        schedule: {from: 2026-11-13, until: 2026-11-13}
        slides: [{kind: announcement, title: 招聘会}]
        """)
    write(tmp_path, "d-default.yaml", """
        name: default
        slides: [jobs]
        """)
    pls = playlist.load_dir(tmp_path)
    assert pls.problems == ()

    def name(at: str) -> str:
        return schedule.at(t(at), demo, PROGRAMME, playlists=pls).playlist

    assert name("2026-11-10 10:00") == "daily"  # a Tuesday
    assert name("2026-11-14 10:00") == "daily"  # a Saturday
    assert name("2026-11-07 10:00") == "daily"
    assert name("2026-11-06 10:00") == "friday"
    assert name("2026-11-13 10:00") == "fair"  # a Friday with the fair: dates beat weekdays
    assert name("2026-11-10 18:00") == "default"


def test_urgent_takes_every_screen_then_the_programme_resumes(tmp_path, demo):
    pl_dir = tmp_path / "playlists"
    shutil.copytree(STATION / "playlists", pl_dir, ignore=shutil.ignore_patterns("jobs"))
    instant = t("2026-11-09 10:05")
    before = [schedule.at(instant, demo, PROGRAMME, playlists=playlist.load_dir(pl_dir), screen=(k, 3))
              for k in range(3)]
    write(pl_dir, "urgent.yaml", """
        title: 今天下午停电
        text: 14:00 后暂停服务
        until: 2026-11-10 08:00
        """)
    pls = playlist.load_dir(pl_dir)
    for k in range(3):
        on = schedule.at(instant, demo, PROGRAMME, playlists=pls, screen=(k, 3))
        assert on.slide.kind == "urgent" and on.slide.title == "今天下午停电"
        assert on.next_change == t("2026-11-10 00:00")
    # Even in sleep hours: it is urgent.
    assert schedule.at(t("2026-11-09 23:00"), demo, PROGRAMME, playlists=pls).slide.kind == "urgent"
    assert schedule.at(t("2026-11-10 07:30"), demo, PROGRAMME, playlists=pls).next_change == \
        t("2026-11-10 08:00")
    # Expired: gone by itself.
    assert schedule.at(t("2026-11-10 08:00"), demo, PROGRAMME, playlists=pls).slide.kind != "urgent"
    # Removed: the programme is where it would have been.
    (pl_dir / "urgent.yaml").unlink()
    after = [schedule.at(instant, demo, PROGRAMME, playlists=playlist.load_dir(pl_dir), screen=(k, 3))
             for k in range(3)]
    assert after == before


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 12])
def test_screens_show_disjoint_listings_that_cover_the_set(n, count):
    snap = Snapshot(listings(count))
    pls = playlist.Playlists((playlist.Playlist("all", "all.yaml", (
        playlist.SlideSpec("announcement", Location("all.yaml"), 10.0, title="欢迎"),
        playlist.SlideSpec("jobs", Location("all.yaml")),
    )),))
    start = t("2026-11-09 10:00")
    per_screen = [shown_over_cycle(snap, pls, start, (k, n), ("jobs", "empty")) for k in range(n)]
    # Same timing on every screen: they change page at the same instants.
    assert len({tuple(when for when, _ in s) for s in per_screen}) == 1
    covered = set()
    for slot in range(len(per_screen[0])):
        at_once = [per_screen[k][slot][1] for k in range(n)]
        flat = [i for page in at_once for i in page]
        assert len(flat) == len(set(flat)), f"screens overlap at slot {slot}: {at_once}"
        covered.update(flat)
    assert covered == {x.id for x in snap.listings}


def test_screens_agree_at_any_instant(demo, shipped):
    for minute in range(0, 24 * 60, 7):
        instant = t("2026-11-09 00:00") + minute * 60 + 3.5
        ons = [schedule.at(instant, demo, PROGRAMME, playlists=shipped, screen=(k, 3)) for k in range(3)]
        assert len({(o.started_at, o.next_change, o.slide.kind) for o in ons}) == 1
        ids = [x.id for o in ons for x in o.slide.listings]
        assert len(ids) == len(set(ids))


def test_without_playlists_the_old_cycle_is_kept(demo):
    posters = (Poster("p", "/nowhere.png", Location("p.png")),)
    snap = Snapshot(demo.listings, posters)
    for step in range(0, 400, 7):
        instant = 1_790_000_000 + step * 5.0
        old = schedule.at(instant, snap, PROGRAMME)
        new = schedule.programmed(instant, snap, PROGRAMME, playlist.Playlists())
        same_page = dataclasses.replace(new.slide, cards=0)  # the old pages do not record it
        assert (old.slide, old.index, old.count, old.started_at, old.next_change) == \
               (same_page, new.index, new.count, new.started_at, new.next_change)


def test_listing_start_and_expiry_take_effect_at_midnight():
    today = dt.date(2026, 11, 9)
    snap = Snapshot((
        Listing("old", "旧岗位", phone="13800000000", expires=today),
        Listing("new", "新岗位", phone="13800000000", starts=today + dt.timedelta(days=1)),
    ))
    pls = playlist.Playlists((playlist.Playlist("all", "a.yaml", (
        playlist.SlideSpec("jobs", Location("a.yaml")),)),))
    late = schedule.at(t("2026-11-09 23:59") + 30, snap, PROGRAMME, playlists=pls)
    assert [x.id for x in late.slide.listings] == ["old"]
    assert late.next_change <= t("2026-11-10 00:00")
    early = schedule.at(t("2026-11-10 00:00") + 1, snap, PROGRAMME, playlists=pls)
    assert [x.id for x in early.slide.listings] == ["new"]


def test_figures_count_todays_listings_and_add_the_staff_figures(demo, shipped):
    day = next(p for p in shipped.playlists if p.name == "白天")
    slides = schedule.cycle(day, demo, dt.date(2026, 11, 9), PROGRAMME)
    figs = next(s for s in slides if s.kind == "figures")
    values = dict(figs.details)
    assert values["今日在招岗位"] == f"{len(demo.listings)} 个"
    assert values["本月帮助就业"] == "137 人"
    assert len(figs.details) <= figures_kind.MAX_FIGURES


def test_a_filter_sort_and_cards_per_page():
    snap = Snapshot((
        Listing("a", "甲", employer="合作社", place="童家镇", phone="13800000000", tags=("夜市",)),
        Listing("b", "乙", employer="物流园", place="城北", phone="13800000000", tags=("夜市",)),
        Listing("c", "丙", employer="合作社", place="城北", phone="13800000000"),
    ))
    spec = playlist.SlideSpec("jobs", Location("x"), filter=playlist.JobFilter(employers=("合作社",)),
                              sort="title", cards=1)
    pl = playlist.Playlist("x", "x.yaml", (spec,))
    slides = schedule.cycle(pl, snap, dt.date(2026, 11, 9), PROGRAMME)
    assert [[x.id for x in s.listings] for s in slides] == [["c"], ["a"]]  # 丙 sorts before 甲
    spec = playlist.SlideSpec("jobs", Location("x"), filter=playlist.JobFilter(tags=("夜市",), places=("城北",)))
    slides = schedule.cycle(playlist.Playlist("x", "x.yaml", (spec,)), snap, dt.date(2026, 11, 9), PROGRAMME)
    assert [[x.id for x in s.listings] for s in slides] == [["b"]]


def test_slides_shown_only_between_their_dates(tmp_path):
    write(tmp_path, "day.yaml", """
        slides:
          - {kind: announcement, title: 招聘会, until: 2026-11-13}
          - {kind: announcement, title: 常驻}
        """)
    pls = playlist.load_dir(tmp_path)
    day = pls.playlists[0]
    titles = lambda d: [s.title for s in schedule.cycle(day, Snapshot(), d, PROGRAMME)]  # noqa: E731
    assert titles(dt.date(2026, 11, 13)) == ["招聘会", "常驻"]
    assert titles(dt.date(2026, 11, 14)) == ["常驻"]


def test_ticker_words(demo, shipped):
    from signage.render.ticker import ticker_items

    items = ticker_items(demo, dt.date(2026, 11, 9), "listings", (), "028-2333 1234")
    assert items[0] == "求职咨询热线 028-2333 1234"
    assert any("厨房帮工 150元/天 日结" in x for x in items)
    notes = ticker_items(demo, dt.date(2026, 11, 9), "announcements", shipped.announcements)
    assert notes and notes[0].startswith("本周五上午 技能培训免费报名：")


def test_theme_precedence_render_flag_then_playlist_then_station(tmp_path, demo):
    """Issue 10: ``theme: large`` in config.yaml had no effect because day.yaml named a theme."""
    (tmp_path / "day.yaml").write_text("name: 白天\ndefault: true\nslides:\n  - kind: jobs\n",
                                       encoding="utf-8")
    (tmp_path / "night.yaml").write_text(
        'name: 夜市\ntheme: night\nschedule:\n  - time: "18:00-21:30"\nslides:\n  - kind: jobs\n',
        encoding="utf-8")
    pls = playlist.load_dir(tmp_path)
    station = dataclasses.replace(PROGRAMME, theme="large")
    forced = dataclasses.replace(station, forced_theme="day")
    noon, evening = t("2026-11-09 12:00"), t("2026-11-09 19:00")
    assert schedule.at(noon, demo, station, playlists=pls).slide.theme == "large"  # the station's
    assert schedule.at(evening, demo, station, playlists=pls).slide.theme == "night"  # the playlist's
    assert schedule.at(noon, demo, forced, playlists=pls).slide.theme == "day"  # --theme beats both
    assert schedule.at(evening, demo, forced, playlists=pls).slide.theme == "day"
