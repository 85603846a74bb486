"""Playlist files: parsing into frozen values, and located problems for what is wrong."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from signage.core.model import Settlement, Severity
from signage.parse import playlists as playlist

ROOT = Path(__file__).resolve().parent.parent
STATION = Path(__file__).resolve().parent / "fixtures" / "station"  # a frozen copy of the demo


def load(text: str, name: str = "p.yaml", base: Path = ROOT):
    return playlist.load_playlist_text(textwrap.dedent(text).lstrip("\n"), name, base)


def test_shipped_playlists_parse_without_problems():
    pls = playlist.load_dir(STATION / "playlists")
    assert pls.problems == ()
    names = {p.name: p for p in pls.playlists}
    assert set(names) == {"白天", "零工夜市", "休息"}
    night = names["零工夜市"]
    assert night.theme == "night"
    assert night.windows == (playlist.Window(18 * 60, 21 * 60 + 30, has_time=True),)
    jobs = [s for s in night.slides if s.kind == "jobs"]
    assert jobs[0].filter.tags == ("夜市",)
    assert names["休息"].sleep and names["白天"].is_default
    kinds = [s.kind for s in names["白天"].slides]
    assert kinds == ["jobs", "announcement", "live", "join", "figures"]
    live = names["白天"].slides[2]
    assert live.details[0] == ("时间", "每周四 19:30") and live.qr.startswith("https://")


def test_every_slide_kind_and_chinese_field_names():
    p, problems = load("""
        名称: 测试
        主题: 夜市
        时间表:
          - 时段: 18:00到21:30
            星期: [周五, 周六]
            从: 2026-11-01
            到: 2026-12-31
        内容:
          - 类型: 招聘
            标签: 夜市
            结算方式: [日结, 计件]
            地点: 童家镇
            单位: 合作社
            排序: 工资
            每页: 3
            秒: 15
          - 类型: 通知
            标题: 开市
            文字: 今晚有岗位
          - 类型: 直播
            时间: 周四 19:30
            地点: 视频号
            二维码: https://example.org/live
          - 类型: 进群
            文字: 进群
            二维码: 138 1234 5678
          - 类型: 数据
            数字:
              本月帮助就业: 37 人
            自动: 否
        """)
    assert problems == []
    assert p.theme == "night"
    w = p.windows[0]
    assert (w.start, w.end, w.days, w.first, w.last) == (1080, 1290, frozenset({4, 5}),
                                                           dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    jobs, note, live, join, figs = p.slides
    assert jobs.filter == playlist.JobFilter(("夜市",), (Settlement.DAILY, Settlement.PIECE), ("童家镇",),
                                             ("合作社",))
    assert (jobs.sort, jobs.cards, jobs.seconds) == ("pay", 3, 15.0)
    assert (note.title, note.text) == ("开市", "今晚有岗位")
    assert live.details == (("时间", "周四 19:30"), ("地点", "视频号")) and live.title == "直播带岗"
    assert join.qr == "tel:13812345678"
    assert figs.details == (("本月帮助就业", "37 人"),) and figs.auto_figures is False


def test_unquoted_times_that_yaml_reads_as_numbers_still_work():
    # YAML 1.1 reads 18:00 as 1080 (base 60); it must still mean six in the evening.
    p, problems = load("""
        schedule: {start: 18:00, end: 21:30}
        slides: [jobs]
        """)
    assert problems == []
    assert (p.windows[0].start, p.windows[0].end) == (1080, 1290)


def test_a_bad_schedule_is_located_and_the_playlist_not_used():
    p, problems = load("""
        name: 夜市
        schedule:
          - time: 25:00-26:00
        slides: [jobs]
        """, "night.yaml")
    assert p is None
    assert problems[0].where.source == "night.yaml" and problems[0].where.line == 3
    assert "25:00-26:00" in problems[0].zh and problems[0].severity is Severity.ERROR
    assert any("not shown until it is fixed" in x.en for x in problems)


def test_bad_slides_are_skipped_with_their_line_and_the_rest_kept():
    p, problems = load("""
        name: 白天
        slides:
          - kind: jobs
          - kind: dance
          - kind: announcement
          - kind: poster
            image: nowhere.png
          - kind: announcement
            title: 好
            colour: red
        """)
    assert [s.kind for s in p.slides] == ["jobs", "announcement"]
    by_line = {x.where.line: x for x in problems}
    assert "dance" in by_line[4].zh and by_line[4].severity is Severity.ERROR
    assert by_line[5].en.startswith("announcement without title")
    assert "nowhere.png" in by_line[7].zh
    assert by_line[10].severity is Severity.WARNING and "colour" in by_line[10].zh


def test_invalid_yaml_is_one_located_problem():
    p, problems = load("name: a\nslides: [jobs\n")
    assert p is None and problems[0].where.line is not None


def test_windows_across_midnight_and_weekdays():
    sleep = playlist.Window(22 * 60, 7 * 60, has_time=True)
    assert sleep.covers(dt.datetime(2026, 11, 9, 23, 0))
    assert sleep.covers(dt.datetime(2026, 11, 10, 6, 59))
    assert not sleep.covers(dt.datetime(2026, 11, 10, 7, 0))
    friday_night = playlist.Window(22 * 60, 2 * 60, frozenset({4}), has_time=True)
    assert friday_night.covers(dt.datetime(2026, 11, 14, 1, 0))  # Saturday 01:00 belongs to Friday
    assert not friday_night.covers(dt.datetime(2026, 11, 15, 1, 0))
    assert playlist.parse_days("工作日") == frozenset(range(5))
    assert playlist.parse_days("周一-周三") == frozenset({0, 1, 2})
    assert playlist.parse_days("someday") is None


def test_urgent_file(tmp_path):
    (tmp_path / "urgent.yaml").write_text(textwrap.dedent("""
        标题: 今天下午停电
        文字: 驿站14:00后暂停服务
        到: 2026-11-09 14:00
        """), encoding="utf-8")
    pls = playlist.load_dir(tmp_path)
    assert pls.urgent is not None and pls.problems == ()
    assert pls.urgent.slide.title == "今天下午停电"
    assert pls.urgent.until == dt.datetime(2026, 11, 9, 14, 0)
    assert pls.urgent.active(dt.datetime(2026, 11, 9, 13, 59))
    assert not pls.urgent.active(dt.datetime(2026, 11, 9, 14, 0))


def test_fingerprint_changes_with_the_files(tmp_path):
    before = playlist.fingerprint(tmp_path)
    (tmp_path / "a.yaml").write_text("slides: [jobs]\n", encoding="utf-8")
    assert playlist.fingerprint(tmp_path) != before
    assert playlist.fingerprint(None) == ()


def test_reading_time_grows_with_the_text():
    assert playlist.reading_seconds("短") == 8.0
    assert playlist.reading_seconds("字" * 60) == 21.0
    assert playlist.reading_seconds("字" * 1000) == 30.0


def test_validate_reports_playlist_problems(tmp_path, config_file, capsys):
    import json

    from signage.app.cli import main

    (tmp_path / "playlists").mkdir()
    (tmp_path / "playlists" / "night.yaml").write_text("schedule: {time: 晚上}\nslides: [jobs]\n",
                                                       encoding="utf-8")
    path = config_file()
    assert main(["--config", str(path), "validate", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(p["file"], p["line"]) for p in report["problems"]][0] == ("night.yaml", 1)


def test_screen_and_ticker_settings(tmp_path):
    import pytest

    from signage.app import config

    s = config.from_dict({"screen": {"index": 2, "count": 3}, "ticker": {"enabled": True, "speed": 90}},
                         tmp_path)
    assert (s.screen_index, s.screen_count, s.ticker_enabled, s.ticker_speed) == (1, 3, True, 90.0)
    s = config.from_dict({"display": {"outputs": [0, 1]}}, tmp_path)
    assert (s.outputs, s.screen_index, s.screen_count) == ((0, 1), 0, 2)
    assert s.playlists_dir == tmp_path / "playlists"
    for bad in ({"screen": {"index": 4, "count": 3}}, {"ticker": {"source": "weather"}},
                {"display": {"outputs": ["left"]}}):
        with pytest.raises(config.ConfigError):
            config.from_dict(bad, tmp_path)
