"""The command line's safety net: whatever goes wrong in a subcommand, the person at the
terminal reads a plain sentence and gets an exit code, never a traceback.

Exit codes: 0 done, 1 failed (or the audit trail is broken), 2 could not start (a wrong
argument, no log, a log that can't be opened), 130 stopped with Ctrl+C. With
FOOTPRINT_DEBUG=1 the real traceback is printed as well, for developers."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_STOPPED = 130
DEBUG_VARIABLE = "FOOTPRINT_DEBUG"


def run_safely(work: Callable[[], int], command: str) -> int:
    """Run `work` (a subcommand named `command`) and return its exit code; anything it
    raises becomes a sentence on stderr. The sanitised traceback of an unexpected failure
    goes to the technical log, never its message (which may quote a name)."""
    try:
        return work()
    except KeyboardInterrupt:
        _say("Stopped.")
        return EXIT_STOPPED
    except Exception as exc:
        if os.environ.get(DEBUG_VARIABLE):
            traceback.print_exc(file=sys.stderr)
        code, message = _explain(exc, command)
        _say(message)
        return code


def _explain(exc: Exception, command: str) -> tuple[int, str]:
    from sqlalchemy.exc import DBAPIError

    from app.core.errors import FootprintError

    if isinstance(exc, FootprintError):
        return EXIT_USAGE, exc.message
    if isinstance(exc, DBAPIError):
        from app.core.startup import explain_operational_error

        _log_failure(exc, command)
        return EXIT_FAILED, explain_operational_error(exc)
    if isinstance(exc, OSError):
        return EXIT_FAILED, _explain_os_error(exc)
    log_path = _log_failure(exc, command)
    where = (
        f"Details (without names or case details) are in {log_path}."
        if log_path is not None
        else "The details could not be saved to the technical log."
    )
    return (
        EXIT_FAILED,
        "something unexpected went wrong, so the command stopped and nothing was changed "
        f"in the log. {where}",
    )


def _explain_os_error(exc: OSError) -> str:
    reason = exc.strerror or "the system refused"
    if exc.filename is None:
        return f"a file or folder could not be used ({reason}). The command stopped."
    return f"{exc.filename} could not be read or written ({reason}). The command stopped."


def _log_failure(exc: BaseException, command: str) -> Path | None:
    """Where the sanitised traceback was logged; None if the log could not be written."""
    try:
        from app.logging_setup import configure_logging, log, sanitised_traceback

        path = configure_logging()
        log.error(
            "footprint %s failed: %s", command, sanitised_traceback(type(exc), exc.__traceback__)
        )
    except Exception:  # a full disk or read-only home: the sentence on screen still stands
        return None
    return path


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # stderr closed: nothing more to say
        print(f"footprint: {message}", file=sys.stderr)
