"""signage_feed_age_seconds of a real player: a 304 Not Modified is good news, so the age stays
small while the feed answers 304, and grows once it stops answering."""

from __future__ import annotations

import json
import time

from tests import feedserver as fs
from tests.playerproc import PlayerProcess, wait_for

LISTINGS = [{"id": "c1", "岗位": "保洁员", "工资": "150元/天", "电话": "13812345678"}]


def age(player, url: str) -> float:
    return player.metrics().get(("signage_feed_age_seconds", (("source", f"feed:{url}"),)))


def test_feed_age_stays_small_while_the_feed_answers_304_and_grows_when_it_fails(tmp_path):
    with fs.FeedServer() as server:
        server.routes["/f.json"] = fs.ok(json.dumps(LISTINGS, ensure_ascii=False).encode(), etag='"v1"')
        url = server.url("/f.json")
        player = PlayerProcess(tmp_path, f"""\
            station: {{name: 测试驿站}}
            content: jobs
            status: {{port: 0}}
            cache_dir: cache
            feeds:
              - {{url: "{url}", interval: 0.3, retry_max: 0.3, max_stale: 3600}}
            """)
        try:
            wait_for(lambda: age(player, url) is not None, "the feed's first good answer")
            not_modified = lambda: sum(1 for p, h in server.requests if "If-None-Match" in h)  # noqa: E731
            wait_for(lambda: not_modified() >= 3, "three conditional polls")
            time.sleep(2.0)  # ~6 more 304s
            assert not_modified() >= 6
            assert age(player, url) < 1.5, "a 304 confirms the feed: its age must not grow"
            server.routes["/f.json"] = fs.status(500)
            time.sleep(2.0)
            assert age(player, url) >= 1.8, "a failing feed's age grows"
        finally:
            player.stop()
