"""The player bench measures the same thing at any hour: its clock is pinned to a weekday
morning (issue 11 item 7: between 22:00 and 07:00 the programme is asleep, no crossfade
happens, and the bench took the median of an empty list)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench(name: str):
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def test_the_player_bench_runs_on_a_pinned_daytime_clock():
    bench = _bench("player")
    player = bench.make_player((480, 270), page_seconds=3600.0, transition_seconds=0.2)
    try:
        local = dt.datetime.fromtimestamp(player.clock())
        assert 9 <= local.hour < 17 and local.weekday() < 5, local
        assert player.clock() - player.clock() <= 0  # it runs: pinned where it starts, not frozen
    finally:
        import pygame

        pygame.display.quit()
    try:
        measured = bench.frame_times((480, 270), static_frames=5, crossfades=1)
    finally:  # the bench quits the display; the tests after this one expect it as conftest left it
        import pygame

        pygame.display.init()
    assert measured["transition_frames"] > 0
    assert measured["kinds"]  # it says what it drew


def test_a_bench_rewrites_only_its_own_section():
    lib = _bench("benchlib")
    doc = "# B\n\nhand\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\nmore hand\n<!-- bench:b -->\nb\n<!-- /bench:b -->\n"
    new = lib.replace_section(doc, "a", "new a\n| 1 |")
    assert new == doc.replace("old a", "new a\n| 1 |")
    assert lib.replace_section(new, "c", "c").endswith("<!-- /bench:b -->\n\n<!-- bench:c -->\nc\n<!-- /bench:c -->\n")
    facts = lib.machine()
    assert facts["cores"] >= 1 and facts["memory_gb"] > 0 and facts["python"].startswith("3.")
