"""`footprint audit verify`: check the audit trail's hash chain, the copy of its last
entry kept outside the database, checkpoints printed earlier, and every record against
what the trail says. `footprint audit checkpoint`: print the newest entry as a
checkpoint to keep off the PC."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from app.core.errors import FootprintError

EXIT_BROKEN = 1
EXIT_USAGE = 2


def run_audit(args: argparse.Namespace) -> int:
    """Only reads: the log is not upgraded or changed in any way before it is checked."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from app.commands.signing import command_keys
    from app.core.actors import SYSTEM
    from app.core.audit import Checkpoint, current_checkpoint, verify
    from app.core.db import Database, create_db_engine
    from app.core.startup import explain_operational_error, refuse_missing_log

    try:
        checkpoints = tuple(Checkpoint.parse(text) for text in getattr(args, "checkpoint", []))
    except ValueError as exc:
        print(f"footprint audit: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        refuse_missing_log(args.database)  # checking must not start an empty log
        keys, _, _ = command_keys(args.database, args.user)
        key = keys.data_key if keys is not None else None
        database = Database(create_db_engine(args.database, key=key), keys)
    except FootprintError as exc:
        print(f"footprint audit: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with database.read(SYSTEM) as session:
            if args.audit == "checkpoint":
                checkpoint = current_checkpoint(session)
                print(f"Checkpoint {checkpoint}" if checkpoint else "The audit trail is empty.")
                return 0
            result = verify(
                session, database.audit_head, checkpoints=checkpoints, progress=_progress_line()
            )
    except DBAPIError as exc:
        print(f"footprint audit: {explain_operational_error(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except SQLAlchemyError:
        print(
            "footprint audit: the log could not be read as a Footprint log of this version "
            "(open it in Footprint once, so that it is upgraded).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    finally:
        database.engine.dispose()
    if result.ok:
        proved = (
            f" It still holds checkpoint {', '.join(map(str, checkpoints))}." if checkpoints else ""
        )
        print(
            f"The audit trail is intact: {result.entries:,} entries checked, and every "
            f"record matches it.{proved}"
        )
        for note in result.notes:
            print(f"  Note: {note}")
        return 0
    print(f"The audit trail is NOT intact ({result.entries:,} entries read):", file=sys.stderr)
    for problem in result.problems:
        print(f"  - {problem}", file=sys.stderr)
    return EXIT_BROKEN


def _progress_line() -> Callable[[int, int], None] | None:
    """How far the check has got, on one line of the terminal (nothing when the output
    goes to a file or a script: what is printed there stays as it was)."""
    if not sys.stderr.isatty():
        return None
    shown = [-1]

    def show(done: int, total: int) -> None:
        percent = done * 100 // total if total else 100
        if percent != shown[0]:
            shown[0] = percent
            end = "\n" if done >= total else ""
            print(f"\rChecking the audit trail… {percent}%", end=end, file=sys.stderr, flush=True)

    return show
