"""/feed.json as a pure function of the snapshot: our feed schema read back to the same listings,
listings from other boxes left out, ETag / Last-Modified and the conditional answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import json

from signage.core.model import Listing, Location, SourceResult
from signage.core.store import ContentStore
from signage.ops import feedout
from signage.sources.feed import parse as feed_parse
from signage.sources.folder import read as folder

RICH = """\
- 编号: r1
  岗位: 厨房帮工
  单位: 老王面馆
  工资: 3000-4500元/月
  结算方式: 月结
  地点: 天池街道 12 号
  工作时间: 早 8 点到晚 6 点
  人数: 3
  要求: [健康证, 能吃苦]
  说明: 包午饭
  联系人: 王师傅
  电话: (028)2333 1234
  标签: 餐饮、长期
  开始日期: 2026-11-01
  截止日期: 2026年12月31日
  网址: https://example.org/jobs/r1
- id: r2
  title: 装卸工
  pay: 日薪 200
  settlement: daily
  phone: 139 8765 4321
- id: r3
  title: 串珠
  pay: 2元/件
  phone: "0832-1234567"
- id: r4
  title: 临时帮工
  pay: 面议
  phone: 4001234567
- id: r5
  title: 小时工
  pay: 12.5元/小时
  settlement: 完工结
  phone: 13711112222
  picture: photo.png
"""


def key_less(x: Listing) -> Listing:
    return dataclasses.replace(x, origin=Location("-"), image=None)


def folder_result(tmp_path, text=RICH, name="jobs.yaml") -> SourceResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return folder.load_file(path, tmp_path)


def test_the_document_reads_back_as_the_same_listings(tmp_path):
    result = folder_result(tmp_path)
    assert len(result.listings) == 5
    snap = ContentStore().apply(result)
    doc = feedout.document(snap, "tv1")
    back = feed_parse.parse(doc.body, "feed:http://a/feed.json")
    assert back.ok and back.relayed and not back.problems
    assert [key_less(x) for x in back.listings] == [key_less(x) for x in snap.listings]
    assert "image" not in json.loads(doc.body)["listings"][4]  # a local picture is not sent


def test_listings_from_other_boxes_are_not_served_on(tmp_path):
    own = folder_result(tmp_path, "- {id: a1, title: 保洁员, phone: '13812345678'}\n")
    county = SourceResult("feed:https://county/feed.json", (Listing("c1", "司机", origin=Location(
        "feed:https://county/feed.json")),))
    other = feed_parse.parse(json.dumps({"box": "tv2", "listings": [
        {"id": "b1", "title": "搬运工", "phone": "13987654321"},
        {"id": "c1", "title": "司机"}]}, ensure_ascii=False).encode(), "feed:http://b/feed.json")
    assert other.relayed
    store = ContentStore()
    snap = store.apply_many([other, own, county])
    assert [x.id for x in snap.listings] == ["a1", "c1", "b1"]
    assert snap.listings[1].origin.source == "feed:https://county/feed.json"  # county before boxes
    assert snap.relayed_sources == ("feed:http://b/feed.json",)
    served = json.loads(feedout.document(snap, "tv1").body)
    assert served["box"] == "tv1"
    assert [x["id"] for x in served["listings"]] == ["a1", "c1"]


def test_a_failed_read_of_a_box_feed_keeps_it_relayed(tmp_path):
    other = feed_parse.parse(b'{"box": "tv2", "listings": [{"id": "b1", "title": "x"}]}', "feed:b")
    store = ContentStore()
    store.apply(other)
    snap = store.apply(feed_parse.parse(b"{not json", "feed:b"))
    assert snap.relayed_sources == ("feed:b",) and [x.id for x in snap.listings] == ["b1"]
    assert json.loads(feedout.document(snap, "tv1").body)["listings"] == []


def test_etag_last_modified_and_conditional_answers(tmp_path):
    now = [dt.datetime(2026, 11, 9, 8, 0, 0, 700_000)]
    store = ContentStore(clock=lambda: now[0])
    first = store.apply(folder_result(tmp_path, "- {id: a1, title: 保洁员}\n", "a.yaml"))
    doc = feedout.document(first, "tv1")
    assert feedout.document(first, "tv1") == doc  # a pure function
    assert doc.last_modified == email.utils.formatdate(int(now[0].timestamp()), usegmt=True)
    code, headers, body = feedout.answer(doc, {})
    assert code == 200 and body == doc.body and headers["ETag"] == doc.etag
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Last-Modified"] == doc.last_modified
    assert feedout.answer(doc, {"If-None-Match": doc.etag})[0] == 304
    assert feedout.answer(doc, {"If-None-Match": f'"x", W/{doc.etag}'})[0] == 304
    assert feedout.answer(doc, {"If-None-Match": '"other"'})[0] == 200
    assert feedout.answer(doc, {"If-Modified-Since": doc.last_modified})[0] == 304
    assert feedout.answer(doc, {"If-Modified-Since": "Sun, 08 Nov 2026 00:00:00 GMT"})[0] == 200
    assert feedout.answer(doc, {"If-Modified-Since": "garbage"})[0] == 200
    # If-None-Match decides when both are sent
    assert feedout.answer(doc, {"If-None-Match": '"other"', "If-Modified-Since": doc.last_modified})[0] == 200
    now[0] += dt.timedelta(seconds=5)
    second = store.apply(folder_result(tmp_path, "- {id: a2, title: 装卸工}\n", "b.yaml"))
    new = feedout.document(second, "tv1")
    assert new.etag != doc.etag and new.modified_at == doc.modified_at + 5
    assert feedout.answer(new, {"If-None-Match": doc.etag})[0] == 200


def test_route_builds_the_document_once_per_snapshot(tmp_path):
    store = ContentStore()
    store.apply(folder_result(tmp_path, "- {id: a1, title: 保洁员}\n"))
    serve = feedout.route(lambda: store.snapshot, "tv1")
    code, headers, body = serve({})
    assert code == 200 and json.loads(body)["listings"][0]["id"] == "a1"
    assert serve({"If-None-Match": headers["ETag"]})[0] == 304
    store.apply(folder_result(tmp_path, "- {id: a2, title: 装卸工}\n", "b.yaml"))
    assert serve({"If-None-Match": headers["ETag"]})[0] == 200
