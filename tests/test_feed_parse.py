"""Our own schema over a feed (JSON or YAML), format detection, and the feeds: settings."""

from __future__ import annotations

import dataclasses

import pytest

from signage.app import config
from signage.sources.feed import parse as feed
from signage.sources.folder import read as folder

KEY = "feed:https://county.example.cn/jobs"

YAML_TEXT = """\
- 编号: k1
  岗位: 厨房帮工
  单位: 乐至县老街饭店
  工资: 日薪150
  结算方式: 当天结
  电话: (028) 2333-1234
  截止日期: 2026年12月31日
  要求: 身体健康；能吃苦
- id: k2
  title: 快递分拣
  pay: 18元/小时
  phone: 138-1234-5678
"""


def without_origin(listing):
    return dataclasses.replace(listing, origin=None)


def test_yaml_feed_normalises_exactly_as_a_staff_file(tmp_path):
    path = tmp_path / "jobs.yaml"
    path.write_text(YAML_TEXT, encoding="utf-8")
    from_file = folder.load_file(path, tmp_path)
    from_feed = feed.parse(YAML_TEXT.encode(), KEY, fmt="yaml")
    assert from_feed.ok and not from_feed.problems
    assert [without_origin(x) for x in from_feed.listings] == [without_origin(x) for x in from_file.listings]
    first = from_feed.listings[0]
    assert first.pay.text() == "150元/天" and first.settlement.zh == "日结"
    assert first.phone == "028-23331234" and first.requirements == ("身体健康", "能吃苦")
    assert first.origin.source == KEY and first.origin.line == 1


def test_json_list_and_listings_object_auto_detected():
    listing = '{"岗位": "采摘工", "工资": "120元/天", "电话": "13812345678", "编号": "j1"}'
    for text in (f"[{listing}]", f'{{"listings": [{listing}], "generated": "2026-11-01"}}'):
        result = feed.parse(text.encode(), KEY, content_type="application/json; charset=utf-8")
        assert result.ok and [x.title for x in result.listings] == ["采摘工"]
    yaml_result = feed.parse(b"listings:\n  - title: x\n    phone: '13812345678'\n", KEY)
    assert yaml_result.ok and yaml_result.listings[0].title == "x"


def test_ids_default_to_a_stable_hash_of_the_entry():
    a = feed.parse(b'[{"title": "a", "phone": "13812345678"}]', KEY).listings[0].id
    b = feed.parse(b'[{"phone": "13812345678", "title": "a"}]', KEY).listings[0].id
    c = feed.parse(b'[{"title": "b", "phone": "13812345678"}]', KEY).listings[0].id
    assert a == b != c and a.startswith("feed-")


@pytest.mark.parametrize("body, words", [
    (b'[{"title": "x"', "not valid JSON"),
    (b'"just a string"', "not a list"),
    (b"42", "not a list"),
    (b'{"data": []}', "not a list"),
    (b"key: [unclosed", "not valid YAML"),
    (b"\xff\xfe\x00garbage", "not valid"),
    (b'[{"nope": 1}]', "none of the feed's entries"),
    (b"[" * 200_000, "nested too deeply"),
])
def test_unreadable_bodies_are_not_ok(body, words):
    result = feed.parse(body, KEY)
    assert not result.ok and words in result.problems[0].en


def test_empty_list_is_a_valid_answer():
    result = feed.parse(b"[]", KEY)
    assert result.ok and result.listings == ()


def test_images_must_be_web_addresses_resolved_against_the_feed(tmp_path):
    body = (b'[{"title": "a", "phone": "13812345678", "image": "pics/a.png"},'
            b' {"title": "b", "phone": "13812345678", "image": "file:///etc/passwd"}]')
    result = feed.parse(body, KEY, base_url="https://county.example.cn/feeds/jobs.json")
    assert [x.image for x in result.listings] == ["https://county.example.cn/feeds/pics/a.png", None]
    cached = tmp_path / "x.png"
    cached.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02rest")
    local = feed.with_local_images(result, lambda url: str(cached) if url.endswith("a.png") else None)
    assert [x.image for x in local.listings] == [str(cached), None]
    assert local.listings[0].image_version  # the file's identity: a new file, a new page


def test_redact_url():
    assert feed.redact_url("https://user:pw@h.cn/f?token=abc&page=2&api_key=k") == \
        "https://***@h.cn/f?token=***&page=2&api_key=***"
    assert feed.source_key("http://h/x") == "feed:http://h/x"


def test_folder_hide_entries(drop):
    drop("hide.yaml", """
        - id: feed-1
          hide: true
        - 编号: feed-2
          隐藏: 是
        - id: x
          hide: false
          title: 保洁员
          phone: "13812345678"
          pay: 150元/天
    """)
    result = folder.load_file(drop.folder / "hide.yaml", drop.folder)
    assert result.hidden_ids == ("feed-1", "feed-2")
    assert [x.id for x in result.listings] == ["x"]
    assert not result.problems


def test_feeds_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("COUNTY_TOKEN", "from-env")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        "feeds:\n"
        "  - url: https://county.example.cn/jobs.json\n"
        "    interval: 120\n"
        "    token: t0p-secret\n"
        "    headers: {X-Station: 乐至}\n"
        "  - url: http://127.0.0.1:8000/jobs.html\n"
        "    format: jobposting\n"
        "    token_env: COUNTY_TOKEN\n"
        "    max_stale: 3600\n"
        "cache_dir: cache\n", encoding="utf-8")
    s = config.load(cfg)
    a, b = s.feeds
    assert a.url == "https://county.example.cn/jobs.json" and a.interval == 120
    assert a.headers == (("X-Station", "乐至"),) and a.token == "t0p-secret" and a.verify_tls is True
    assert "t0p-secret" not in repr(s)
    assert b.format == "jobposting" and b.token == "from-env" and b.max_stale == 3600
    assert s.cache_dir == tmp_path / "cache"
    assert config.from_dict({}, base_dir=tmp_path).feeds == ()


@pytest.mark.parametrize("text, words", [
    ("feeds:\n  - url: ftp://x/y\n", ":2:5: feeds[1].url: a feed url must start with http"),
    ("feeds:\n  - url: file:///etc/passwd\n", "http"),
    ("feeds:\n  - url: https://x/y\n    format: xml\n", ":3:5: feeds[1].format"),
    ("feeds:\n  - url: https://x/y\n    intervall: 5\n",
     ":3:5: feeds[1].intervall: unknown setting (did you mean 'interval'?)"),
    ("feeds: 5\n", ":1:1: feeds: should be a list"),
])
def test_bad_feed_settings_are_located(tmp_path, text, words):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError) as err:
        config.load(cfg)
    assert words in str(err.value)
