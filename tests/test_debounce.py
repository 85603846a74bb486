"""The watcher's debouncer on its own: a clock that is a number, no threads, no sleeps.

The timing rules: a burst is taken once quiet for ``quiet`` s or ``max_delay`` s after its
first change; a file not seen closed is read once its signature held for ``settle`` s; a
vanished name is taken as removed once it stayed gone as long.
"""

from __future__ import annotations

import math

import pytest

from signage.sources.folder.debounce import Debouncer

SIG = (10, 1_000, 7)  # size, mtime ns, inode
SIG2 = (12, 2_000, 7)


@pytest.fixture
def d() -> Debouncer:
    return Debouncer(quiet=0.1, max_delay=1.0, settle=0.4)


def test_nothing_noted_nothing_to_take(d):
    assert d.take(5.0) == ([], math.inf)


def test_a_burst_waits_until_the_folder_is_quiet(d):
    d.note("/f/b.yaml", 10.0)
    d.note("/f/a.yaml", 10.05)
    batch, wake = d.take(10.1)
    assert batch == [] and wake == pytest.approx(10.15)  # quiet after the last change
    assert d.take(10.15) == (["/f/a.yaml", "/f/b.yaml"], 0.0)
    assert d.take(10.2) == ([], math.inf)  # taken: nothing left


def test_a_folder_that_never_goes_quiet_is_taken_after_max_delay(d):
    t = 10.0
    while t < 10.9:  # a change every 0.05 s: never 0.1 s of quiet
        d.note(f"/f/{t:.2f}.yaml", t)
        t += 0.05
        assert d.take(t)[0] == []
    d.note("/f/last.yaml", 10.95)
    assert d.take(10.99) == ([], pytest.approx(11.0))  # the first change + max_delay comes first
    batch, _ = d.take(11.0)
    assert "/f/10.00.yaml" in batch and "/f/last.yaml" in batch
    d.note("/f/next.yaml", 11.01)  # a new burst counts max_delay from its own first change
    assert d.take(11.05) == ([], pytest.approx(11.11))


def test_a_file_not_seen_closed_is_read_once_it_held_still_for_settle(d):
    assert not d.settled("/f/a.yaml", SIG, 20.0)
    assert d.take(20.39) == ([], pytest.approx(20.4))  # looked at again when settle has passed
    assert d.take(20.4) == (["/f/a.yaml"], 0.0)
    assert d.settled("/f/a.yaml", SIG, 20.4)  # the same signature: it held still
    assert "/f/a.yaml" not in d.pending()


def test_a_file_still_changing_waits_again(d):
    assert not d.settled("/f/a.yaml", SIG, 20.0)
    assert not d.settled("/f/a.yaml", SIG2, 20.4)  # grew meanwhile: another settle from now
    assert d.take(20.5) == ([], pytest.approx(20.8))
    assert d.take(20.8)[0] == ["/f/a.yaml"]
    assert d.settled("/f/a.yaml", SIG2, 20.8)


def test_a_vanished_name_is_removed_only_once_it_stayed_gone(d):
    assert not d.settled("/f/a.yaml", None, 30.0)
    assert d.take(30.4)[0] == ["/f/a.yaml"]
    assert d.settled("/f/a.yaml", None, 30.4)
    # back within the settle time (a save with a gap): not taken as gone
    assert not d.settled("/f/b.yaml", None, 31.0)
    assert not d.settled("/f/b.yaml", SIG, 31.4)


def test_deferred_paths_join_a_ready_burst(d):
    d.settled("/f/slow.yaml", SIG, 40.0)  # due at 40.4
    d.note("/f/new.yaml", 40.3)
    assert d.take(40.35) == ([], pytest.approx(40.4))  # the burst is not quiet yet
    assert d.take(40.45) == (["/f/new.yaml", "/f/slow.yaml"], 0.0)
    assert not d.deferred


def test_a_deferred_path_not_yet_due_waits_for_its_time(d):
    d.settled("/f/slow.yaml", SIG, 40.0)
    d.note("/f/new.yaml", 40.0)
    assert d.take(40.1) == (["/f/new.yaml"], 0.0)
    assert d.take(40.1) == ([], pytest.approx(40.4))


def test_closed_is_remembered_until_asked_and_reset_by_a_later_write(d):
    d.note("/f/a.yaml", 1.0, closed=True)
    d.note("/f/b.yaml", 1.0, closed=True)
    d.note("/f/b.yaml", 1.01)  # written again after the close: no longer known closed
    assert d.was_closed("/f/a.yaml")
    assert not d.was_closed("/f/a.yaml")  # asked once
    assert not d.was_closed("/f/b.yaml")


def test_pending_is_everything_reported_and_not_taken_in(d):
    d.note("/f/dirty.yaml", 1.0)
    d.settled("/f/settling.yaml", SIG, 1.0)
    assert d.pending() == {"/f/dirty.yaml", "/f/settling.yaml"}
    d.take(1.5)  # both taken; the settling one still waits for its second look
    assert d.pending() == {"/f/settling.yaml"}
    d.forget("/f/settling.yaml")
    assert d.pending() == set()
