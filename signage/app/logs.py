"""Log lines for a terminal, or for the journal when systemd reads our stderr.

Under systemd (``JOURNAL_STREAM`` names our stderr) each line starts with its
sd-daemon priority, ``<3>`` for an error to ``<7>`` for debug, and carries no
timestamp of its own (the journal stamps every line), so that
``journalctl -u signage -p warning`` finds the warnings and errors.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

TERMINAL_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JOURNAL_FORMAT = "%(name)s: %(message)s"


def priority(level: int) -> int:
    """syslog priority of a logging level: error 3, warning 4, info 6, debug 7."""
    if level >= logging.CRITICAL:
        return 2
    if level >= logging.ERROR:
        return 3
    if level >= logging.WARNING:
        return 4
    if level >= logging.INFO:
        return 6
    return 7


class JournalFormatter(logging.Formatter):
    """Every line of a record (a traceback's too) with the record's ``<N>`` prefix."""

    def __init__(self) -> None:
        super().__init__(JOURNAL_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        prefix = f"<{priority(record.levelno)}>"
        return "\n".join(prefix + line for line in super().format(record).splitlines() or [""])


def to_journal(env: Mapping[str, str], stream=None) -> bool:
    """Whether ``stream`` (stderr) is the journal stream systemd named in JOURNAL_STREAM."""
    device, _, inode = env.get("JOURNAL_STREAM", "").partition(":")
    if not device or not inode:
        return False
    try:
        st = os.fstat((stream or sys.stderr).fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return f"{st.st_dev}:{st.st_ino}" == f"{device}:{inode}"


def setup(level: int = logging.INFO, env: Mapping[str, str] | None = None) -> None:
    """One handler on stderr, formatted for the journal or for a terminal.

    Like ``logging.basicConfig``, it leaves a logging set up by someone else alone
    (pytest's, or a program that embeds the player) and only sets the level.
    """
    env = os.environ if env is None else env
    root = logging.getLogger()
    root.setLevel(level)
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    journal = to_journal(env)
    handler.setFormatter(JournalFormatter() if journal else logging.Formatter(TERMINAL_FORMAT))
    root.addHandler(handler)
    if journal:  # a library's warnings.warn() too, as a line at warning priority
        logging.captureWarnings(True)


def say_error(text: str, env: Mapping[str, str] | None = None) -> None:
    """A message on stderr that stops a command (a wrong config.yaml, no font): under the
    journal at error priority, like a logged error, so that ``-p warning`` shows it."""
    env = os.environ if env is None else env
    if to_journal(env):
        text = "\n".join(f"<{priority(logging.ERROR)}>{line}" for line in text.splitlines())
    print(text, file=sys.stderr)
