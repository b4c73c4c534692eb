"""`footprint audit verify`: check the audit trail's hash chain, the copy of its last
entry kept outside the database, and every record against what the trail says."""

from __future__ import annotations

import argparse
import sys

from app.core.errors import FootprintError

EXIT_BROKEN = 1
EXIT_USAGE = 2


def run_audit(args: argparse.Namespace) -> int:
    """Only reads: the log is not upgraded or changed in any way before it is checked."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from app.core.audit import verify
    from app.core.db import Database, create_db_engine
    from app.core.startup import explain_operational_error, refuse_missing_log

    try:
        refuse_missing_log(args.database)  # checking must not start an empty log
        database = Database(create_db_engine(args.database))
    except FootprintError as exc:
        print(f"footprint audit: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with database.read() as session:
            result = verify(session, database.audit_head)
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
        print(
            f"The audit trail is intact: {result.entries:,} entries checked, and every "
            "record matches it."
        )
        return 0
    print(f"The audit trail is NOT intact ({result.entries:,} entries read):", file=sys.stderr)
    for problem in result.problems:
        print(f"  - {problem}", file=sys.stderr)
    return EXIT_BROKEN
