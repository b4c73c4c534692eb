"""Technical logging only: a rotating file in the user's log folder, and crash reports
that name where it failed (file, line, function) but never the values involved."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from platformdirs import user_log_path

log = logging.getLogger("footprint")


def _make_private(path: Path) -> None:
    """The log file (and each one rotated in) is the user's alone, from its first byte."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        os.chmod(path, 0o600)
    except OSError:
        pass  # logging must never stop Footprint; the handler says if it can't write


class _PrivateRotatingFileHandler(RotatingFileHandler):
    def doRollover(self) -> None:
        super().doRollover()
        _make_private(Path(self.baseFilename))


def log_folder() -> Path:
    """Where Footprint's technical log lives."""
    return user_log_path("Footprint", appauthor=False, ensure_exists=False)


def configure_logging(folder: Path | None = None) -> Path:
    """Send warnings and above (and Footprint's info) to footprint.log; returns its path."""
    folder = folder or log_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "footprint.log"
    _make_private(path)
    handler = _PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("footprint").setLevel(logging.INFO)
    logging.getLogger("app").setLevel(logging.INFO)
    return path


def sanitised_traceback(kind: type[BaseException], tb: TracebackType | None) -> str:
    """The exception's type and the frames it passed through, without its message (which
    may quote a name or a summary) and without local values."""
    frames = traceback.extract_tb(tb)
    lines = [f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames]
    return f"{kind.__module__}.{kind.__qualname__}\n" + "\n".join(lines)


def install_crash_logger() -> None:
    """Log uncaught exceptions in sanitised form (the default hook still prints them)."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.error("uncaught exception: %s", sanitised_traceback(kind, tb))
        previous(kind, value, tb)

    sys.excepthook = hook
