"""Screen power: the TV goes to standby over HDMI-CEC in sleep hours and wakes after them.

``decide`` is the pure rule (programme state before and after -> what to ask the TV).
``TvPower`` is the shell: a player observer that hands the action to a worker thread
running ``cec-ctl`` (v4l-utils), so the frame loop never waits on the TV. Each
command is tried a few times and the power state is read back; the outcome comes
back to the loop thread (``post``) for /status, /metrics and the play log.

Where no CEC adapter exists (no ``cec-ctl``, no ``/dev/cec0``) it says so once and
the screen keeps drawing black in sleep hours, as without this module.
"""

from __future__ import annotations

import logging
import queue
import re
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from signage.player.hooks import Hooks

log = logging.getLogger(__name__)

MODES = ("cec", "none")
STANDBY, WAKE = "standby", "wake"
# What /status and /metrics show: the state last asked for and confirmed (or not).
STATES = ("on", "standby", "unknown", "failed", "no_adapter", "off")
TRIES = 3
RETRY_WAIT = 2.0  # seconds between tries: a TV busy switching ignores CEC for a moment
TIMEOUT = 10.0  # seconds one cec-ctl call may take
WAKE_LEAD = 20.0  # seconds before sleep hours end that the TV is woken: a TV takes 5-15 s
NO_ADAPTER = ("No such file or directory", "Failed to open", "No CEC adapter")


def decide(before: bool | None, after: bool) -> str | None:
    """What to ask the TV when the programme goes from ``before`` to ``after`` (True: sleep
    hours; ``before`` None: the player just started). None: nothing changes."""
    if after and before is not True:
        return STANDBY
    if not after and before is not False:
        return WAKE
    return None


def is_sleep(slide) -> bool:
    return slide.kind == "black"


def power_state(output: str) -> str | None:
    """The state in ``cec-ctl --give-device-power-status`` output: "on", "standby" or None."""
    m = re.search(r"pwr-state:\s*([\w-]+)", output)
    if not m:
        return None
    word = m.group(1)
    if word in ("on", "in-transition-standby-to-on"):
        return "on"
    if word in ("standby", "in-transition-on-to-standby"):
        return "standby"
    return None


def physical_address(output: str) -> str | None:
    m = re.search(r"Physical Address\s*:\s*([0-9a-fA-F.]+)", output)
    return m.group(1) if m and m.group(1) != "f.f.f.f" else None


@dataclass(frozen=True)
class Outcome:
    action: str
    state: str  # one of STATES
    tries: int
    error: str = ""


Runner = Callable[[list[str]], tuple[int, str]]


def run_cec(args: list[str]) -> tuple[int, str]:
    """Run ``cec-ctl args``; (exit code, stdout+stderr). A missing program raises OSError."""
    done = subprocess.run(["cec-ctl", *args], capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)
    return done.returncode, (done.stdout or "") + (done.stderr or "")


class NoAdapter(Exception):
    pass


class Cec:
    """The commands, tried ``tries`` times each with the state read back."""

    def __init__(self, runner: Runner = run_cec, tries: int = TRIES, retry_wait: float = RETRY_WAIT):
        self.runner = runner
        self.tries = tries
        self.retry_wait = retry_wait
        self.address: str | None = None  # our physical address, for "active source"

    def _call(self, *args: str) -> tuple[int, str]:
        try:
            rc, out = self.runner(list(args))
        except FileNotFoundError as exc:
            raise NoAdapter("cec-ctl not found (install v4l-utils)") from exc
        except (OSError, subprocess.SubprocessError) as exc:
            return 1, str(exc)
        if rc != 0 and any(s in out for s in NO_ADAPTER):
            raise NoAdapter(out.strip().splitlines()[-1] if out.strip() else "no CEC adapter")
        return rc, out

    def _setup(self) -> None:
        """Claim a logical address as a playback device (once); learn our physical address."""
        if self.address is None:
            rc, out = self._call("--playback")
            if rc == 0:
                self.address = physical_address(out) or ""

    def _send(self, action: str) -> tuple[int, str]:
        if action == STANDBY:
            return self._call("--to", "0", "--standby")
        rc, out = self._call("--to", "0", "--image-view-on")
        if rc == 0 and self.address:
            rc, more = self._call("--to", "15", "--active-source", f"phys-addr={self.address}")
            out += more
        return rc, out

    def apply(self, action: str) -> Outcome:
        want = "standby" if action == STANDBY else "on"
        error = ""
        try:
            self._setup()
            for attempt in range(1, self.tries + 1):
                rc, out = self._send(action)
                if rc == 0:
                    _, answer = self._call("--to", "0", "--give-device-power-status")
                    read = power_state(answer)
                    if read == want:
                        return Outcome(action, want, attempt)
                    if read is None:  # many TVs do not answer the question; the command went
                        return Outcome(action, "unknown", attempt)
                    error = f"the TV says it is {read}"
                else:
                    error = (out.strip().splitlines() or [f"exit code {rc}"])[-1]
                if attempt < self.tries:
                    time.sleep(self.retry_wait)
        except NoAdapter as exc:
            return Outcome(action, "no_adapter", 1, str(exc))
        return Outcome(action, "failed", self.tries, error)


class TvPower(Hooks):
    """Player observer: standby when sleep hours begin, wake before the first frame after.

    ``listeners`` get ``(outcome)`` on the loop thread (metrics, play log).
    """

    def __init__(self, mode: str = "cec", cec: Cec | None = None):
        self.mode = mode
        self.cec = cec or Cec()
        self.listeners: list[Callable[[Outcome], None]] = []
        self.state = "off" if mode == "none" else "unknown"
        self.last: Outcome | None = None
        self._sleeping: bool | None = None
        self.asked: list[str] = []  # actions handed to the worker, in order
        self._said_no_adapter = False
        self._failing = False
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._post: Callable | None = None

    # ------------------------------------------------------------ player hooks
    def slide_shown(self, player, on, now: float, screen: int = 0) -> None:
        """The first output began showing ``on`` (the TV on the box's first HDMI port)."""
        if screen == 0:
            self.programme_changed(is_sleep(on.slide), player.post)

    def loop_tick(self, player) -> None:
        """Near the end of sleep hours, wake the TV early, so it is on for the first frame."""
        if not self._sleeping or self.mode != "cec":
            return
        pair = player.upcoming()
        if pair is None:
            return
        on, after = pair
        if is_sleep(on.slide) and on.next_change - player.clock.time() <= WAKE_LEAD \
                and not is_sleep(after.slide):
            self.programme_changed(False, player.post)

    def stopped(self, player) -> None:
        self._jobs.put(None)

    # ------------------------------------------------------------ the rule and the worker
    def programme_changed(self, sleeping: bool, post: Callable) -> str | None:
        action = decide(self._sleeping, sleeping)
        self._sleeping = sleeping
        if action is None or self.mode != "cec":
            return None
        self._post = post
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="tv-power", daemon=True)
            self._thread.start()
        self.asked.append(action)
        del self.asked[:-20]
        self._jobs.put(action)
        return action

    def _work(self) -> None:
        while True:
            action = self._jobs.get()
            if action is None:
                return
            while not self._jobs.empty():  # only the latest wish counts
                later = self._jobs.get_nowait()
                if later is None:
                    return
                action = later
            outcome = self.cec.apply(action)
            post = self._post
            if post is not None:  # set before the first job is queued
                post(lambda _player, o=outcome: self.record(o))

    def record(self, outcome: Outcome) -> None:
        """On the loop thread: note, log once per kind of trouble, tell the listeners."""
        self.last = outcome
        self.state = outcome.state
        if outcome.state == "no_adapter":
            if not self._said_no_adapter:
                log.warning("display.power is cec but there is no CEC adapter (%s): the TV stays "
                            "on and the screen draws black in sleep hours", outcome.error)
                self._said_no_adapter = True
        elif outcome.state == "failed":
            if not self._failing:
                log.error("the TV did not take %s over HDMI-CEC after %d tries: %s",
                          outcome.action, outcome.tries, outcome.error)
                self._failing = True
        else:
            if self._failing:
                log.info("the TV takes HDMI-CEC commands again")
            self._failing = False
            log.info("TV %s over HDMI-CEC (%s, %d %s)", outcome.action, outcome.state,
                     outcome.tries, "try" if outcome.tries == 1 else "tries")
        for listener in self.listeners:
            listener(outcome)

    def section(self) -> dict:
        """The /status section."""
        last = self.last
        return {"tv_power": {"mode": self.mode, "state": self.state,
                             "last_action": last.action if last else None,
                             "error": last.error if last and last.error else None}}
