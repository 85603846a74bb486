"""Metrics text parses; the PNG encoder writes what pygame reads back."""

from __future__ import annotations

import io
import random

import pygame
from prometheus_client.parser import text_string_to_metric_families

from signage.core.model import Listing, Location, Problem, Snapshot, SourceResult
from signage.ops.metrics import Metrics
from signage.ops.screenshot import png_bytes
from signage.sources.feed.poller import FeedBoard, FeedState


def samples(metrics: Metrics) -> dict:
    code, ctype, body = metrics.render()
    assert code == 200 and ctype.startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(body.decode()) for s in fam.samples}


def test_content_reloads_failures_and_feed_age():
    now = [1000.0]
    m = Metrics(clock=lambda: now[0])
    good = SourceResult("feed:bureau", (Listing("a", "岗位"),))
    m.content_applied(None, (good, SourceResult("jobs/a.yaml")), Snapshot(version=3))
    now[0] = 1100.0
    bad = SourceResult("feed:bureau", ok=False, problems=(Problem(Location("feed:bureau"), "z", "e"),))
    m.content_applied(None, (bad,), Snapshot(version=3))
    s = samples(m)
    assert s[("signage_content_reloads_total", (("source", "feed:bureau"),))] == 2
    assert s[("signage_content_reloads_total", (("source", "folder"),))] == 1
    assert s[("signage_content_failures_total", (("source", "feed:bureau"),))] == 1
    assert s[("signage_feed_age_seconds", (("source", "feed:bureau"),))] == 100
    assert s[("signage_content_version", ())] == 3
    assert s[("signage_resident_memory_bytes", ())] > 1e6
    m.feed_fresh("feed:bureau")  # a poller's 304: unchanged but alive
    assert samples(m)[("signage_feed_age_seconds", (("source", "feed:bureau"),))] == 0
    board = FeedBoard(clock=lambda: now[0])  # the pollers' own bookkeeping
    board.put(FeedState("county", data_time=1090.0, failures=2, max_stale=60))
    m.feed_boards.append(board.states)
    s = samples(m)
    assert s[("signage_feed_age_seconds", (("source", "feed:county"),))] == 10
    assert s[("signage_feed_failures", (("source", "feed:county"),))] == 2
    assert s[("signage_feed_max_stale_seconds", (("source", "feed:county"),))] == 60


def test_png_encoder_round_trip():
    rng = random.Random(1)
    w, h = 37, 21
    rgb = bytes(rng.randrange(256) for _ in range(w * h * 3))
    img = pygame.image.load(io.BytesIO(png_bytes(w, h, rgb)), "shot.png")
    assert img.get_size() == (w, h)
    assert pygame.image.tobytes(img, "RGB") == rgb
