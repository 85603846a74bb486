"""What every bench shares: a pinned clock, the machine read from the machine, and its own
section of docs/benchmarks.md rewritten from the run that measured it.

A bench owns the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` in
docs/benchmarks.md; :func:`record` replaces it (or appends the section when it is missing).
Nothing outside the markers is touched, so prose written by hand stays.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from pathlib import Path

from signage.player.clock import CompressedClock

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
MORNING = dt.datetime(2026, 11, 9, 10, 0)  # a Monday, 10:00 local: the day programme is on


class PinnedClock(CompressedClock):
    """The player's compressed clock, started by default on a weekday morning, so a bench
    measures the same programme whatever the hour; callable for code that wants a number."""

    def __init__(self, start: float | None = None, rate: float = 1.0):
        super().__init__(MORNING.timestamp() if start is None else start, rate)

    def __call__(self) -> float:
        return self.time()


def _first(path: str, key: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.split(":")[0].strip() == key:
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def machine() -> dict:
    """This machine as it says it is: CPU model, cores, memory, Python, pygame, SDL."""
    try:
        import pygame

        pg, sdl = pygame.version.ver, ".".join(map(str, pygame.get_sdl_version()))
    except ImportError:
        pg = sdl = "?"
    mem_kb = _first("/proc/meminfo", "MemTotal").split()
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {
        "cpu": _first("/proc/cpuinfo", "model name") or platform.processor() or platform.machine(),
        "cores": len(os.sched_getaffinity(0)),
        "memory_gb": round(int(mem_kb[0]) / 1024 / 1024, 1) if mem_kb else None,
        "arch": platform.machine(),
        "python": platform.python_version(),
        "pygame": pg,
        "sdl": sdl,
        "load": load,  # other work on the machine: the 1-minute load average when the bench began
    }


def machine_line(facts: dict | None = None) -> str:
    m = facts or machine()
    return (f"{m['cpu']}, {m['cores']} cores usable, {m['memory_gb']} GB memory, {m['arch']}; "
            f"Python {m['python']}, pygame-ce {m['pygame']}, SDL {m['sdl']}; "
            f"load average {m['load']:.2f} when it began")


def replace_section(text: str, name: str, body: str) -> str:
    """``text`` with the part between the markers of ``name`` replaced by ``body``."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    return text.rstrip("\n") + f"\n\n{block}\n"


_STARTED = machine()  # as the bench began (the load average then)


def record(name: str, body: str, doc: Path = DOC) -> None:
    """Write ``body`` as bench ``name``'s section of ``doc``, dated and with the machine."""
    stamp = f"Measured {dt.date.today().isoformat()} by `bench/{name}.py` on: {machine_line(_STARTED)}."
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    doc.write_text(replace_section(text, name, f"{stamp}\n\n{body.strip()}"), encoding="utf-8")
    print(f"wrote the '{name}' section of {doc}")
