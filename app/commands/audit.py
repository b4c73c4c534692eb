"""`footprint audit verify`: check the audit trail's hash chain, the copy of its last
entry kept outside the database, and every record against what the trail says."""

from __future__ import annotations

import argparse
import sys

from app.core.errors import FootprintError

EXIT_BROKEN = 1
EXIT_USAGE = 2


def run_audit(args: argparse.Namespace) -> int:
    from app.core.audit import verify
    from app.core.startup import open_log

    try:
        log = open_log(args.database)
    except FootprintError as exc:
        print(f"footprint audit: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with log.database.read() as session:
            result = verify(session, log.database.audit_head)
    finally:
        log.database.dispose()
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
