"""The loop's inbox: typed messages from other threads (watcher, poller, HTTP, signals).

Only the frame loop applies them, between frames. :class:`Update` (new reads for the
store) comes from core.store; :class:`Run` carries a job to run on the loop's thread
with the player (a config reload, a screenshot, a /status section to add).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from signage.core.model import SourceResult
from signage.core.store import Update


@dataclass(frozen=True)
class Run:
    """Run ``job(player)`` on the loop's thread."""

    job: Callable[[Any], None]

    @property
    def name(self) -> str:
        return getattr(self.job, "__qualname__", type(self.job).__name__)


Message = Update | Run


def message(item: Message | SourceResult | Callable[[Any], None]) -> Message:
    """What to queue for ``item``: a SourceResult becomes an Update, a callable a Run."""
    if isinstance(item, (Update, Run)):
        return item
    if isinstance(item, SourceResult):
        return Update((item,))
    if callable(item):
        return Run(item)
    raise TypeError(f"the player's inbox takes Update or Run, not {type(item).__name__}")
