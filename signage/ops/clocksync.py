"""Is the system clock synchronised (NTP, chrony)? Read from the kernel with ``adjtimex``.

Screens of a room split the pages by the wall clock and the play log is compared
across boxes, so a box whose clock drifts shows the wrong page at the wrong time.
``adjtimex`` with no modes only reads: it needs no privilege. The kernel sets
``STA_UNSYNC`` (and answers ``TIME_ERROR``) until a time daemon such as chrony or
systemd-timesyncd says the clock is in step.
"""

from __future__ import annotations

import ctypes
import ctypes.util

STA_UNSYNC = 0x0040
TIME_ERROR = 5


class _Timex(ctypes.Structure):
    """The head of ``struct timex`` (linux/timex.h); room after it for the rest."""

    _fields_ = [("modes", ctypes.c_uint), ("offset", ctypes.c_long), ("freq", ctypes.c_long),
                ("maxerror", ctypes.c_long), ("esterror", ctypes.c_long), ("status", ctypes.c_int),
                ("rest", ctypes.c_byte * 256)]


def in_step(state: int, status: int) -> bool:
    """From adjtimex's answer and the status bits: is the clock synchronised?"""
    return state != TIME_ERROR and not status & STA_UNSYNC


def synchronised() -> bool | None:
    """True or False as the kernel says, None where that cannot be asked (not Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        adjtimex = libc.adjtimex
    except (OSError, AttributeError):
        return None
    timex = _Timex()  # modes 0: read only
    state = adjtimex(ctypes.byref(timex))
    if state < 0:
        return None
    return in_step(state, timex.status)
