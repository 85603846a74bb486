"""When the supervisor takes a change for one the native observer missed: pure rules, a number
for a clock. (The observers themselves run for real in test_drop_watch.py.)"""

from __future__ import annotations

from signage.sources.folder.supervisor import MISSED_AGE, MissedEvents, unreported


def test_what_a_rescan_found_unreported():
    now = 1_000_000.0
    changed = {"old.yaml": now - MISSED_AGE - 1, "fresh.yaml": now - MISSED_AGE + 0.5,
               "settling.yaml": now - 3600}
    missed = unreported(changed, {"gone.yaml", "settling-gone.yaml"},
                        pending={"settling.yaml", "settling-gone.yaml"}, now=now)
    # fresh.yaml: its event may simply not have come yet; the pending ones were reported
    assert sorted(missed) == ["gone.yaml", "old.yaml"]


def test_a_suspect_whose_event_comes_within_the_grace_was_late_not_missed():
    m = MissedEvents(grace=1.0)
    m.suspect(["a.yaml"], began=10.0)
    assert m.judge(10.5) == []
    m.heard("a.yaml", 10.6)
    assert m.judge(10.7) == [] and m.late == 1 and not m.suspects


def test_a_suspect_still_unreported_after_the_grace_was_missed():
    m = MissedEvents(grace=1.0)
    m.heard("a.yaml", 9.0)  # an event from before the rescan does not count for it
    m.suspect(["a.yaml", "b.yaml"], began=10.0)
    m.suspect(["a.yaml"], began=10.5)  # suspected again: the first sighting counts
    assert m.judge(10.99) == []
    assert sorted(m.judge(11.0)) == ["a.yaml", "b.yaml"]
    assert m.late == 0 and not m.suspects


def test_old_events_are_forgotten_once_no_suspect_waits_for_them():
    m = MissedEvents(grace=1.0)
    m.heard("old.yaml", 5.0)
    m.heard("recent.yaml", 9.5)
    m.suspect(["x.yaml"], began=10.0)
    m.judge(10.2)
    assert set(m.noted) == {"recent.yaml"}  # older than the oldest suspect's sighting minus the grace
    m.heard("x.yaml", 10.3)
    m.judge(10.6)  # no suspect left: events older than the grace go
    assert m.late == 1 and set(m.noted) == {"x.yaml"}
