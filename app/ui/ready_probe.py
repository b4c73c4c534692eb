"""FOOTPRINT_EXIT_WHEN_READY=1: a hook for measuring start-up (the bench, a test).

With it set, the first window the user can type into at start (sign-in, the first
account, the first-run form) prints `footprint-ready <ms>` on stdout — milliseconds since
the process started, as the system counts them — and closes itself as Cancel would, so
Footprint ends (exit 0) having changed nothing. Nothing else reads it."""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog

ENV = "FOOTPRINT_EXIT_WHEN_READY"
#: Time at import, for systems without /proc (a few ms after the process began).
_IMPORTED = time.monotonic()


def measuring() -> bool:
    """Whether this run only measures how long the first window takes."""
    return os.environ.get(ENV, "") == "1"


def process_age_ms() -> float:
    """Milliseconds since this process started (Linux: from /proc, 10 ms steps; else
    since this module was imported)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start, in ticks
        return (time.clock_gettime(time.CLOCK_BOOTTIME) - started) * 1000
    except (OSError, ValueError, IndexError, AttributeError):
        return (time.monotonic() - _IMPORTED) * 1000


def report_when_shown(dialog: QDialog) -> None:
    """When measuring: once `dialog` is up (its event loop running), say so and close it."""
    if not measuring():
        return

    def ready() -> None:
        print(f"footprint-ready {process_age_ms():.0f}", flush=True)
        sys.stdout.flush()
        dialog.reject()

    QTimer.singleShot(0, ready)
