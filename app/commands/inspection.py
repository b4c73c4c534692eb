"""`footprint inspection`: the list of referrals and their resolution, as the incident
list's "Export for inspection…" makes it (CSV for Excel, or a landscape PDF), for the
incidents the account may see, on the trail as that account's export."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from app.core.errors import FootprintError
from app.core.vocab import Category, IncidentStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")
EXIT_FAILED = 1
EXIT_USAGE = 2
#: The status filter's extra choice, as on screen: everything not closed.
OPEN = "open"


def add_inspection_parser(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: argparse.ArgumentParser,
) -> None:
    """`footprint inspection …` and its options."""
    parser = commands.add_parser(
        "inspection",
        parents=[common],
        help="the list of referrals and their resolution for an inspector (CSV or PDF)",
    )
    parser.add_argument("--format", required=True, choices=["csv", "pdf"], dest="file_format")
    parser.add_argument("--out", required=True, metavar="FILE", help="where to write it")
    parser.add_argument(
        "--from", dest="seen_from", metavar="DATE", help="seen on or after (DD/MM/YYYY)"
    )
    parser.add_argument(
        "--to", dest="seen_to", metavar="DATE", help="seen on or before (DD/MM/YYYY)"
    )
    parser.add_argument(
        "--status",
        action="append",
        default=[],
        choices=[OPEN, *[s.value for s in IncidentStatus]],
        help="only this status (“open”: everything not closed); may be repeated",
    )
    parser.add_argument(
        "--category",
        action="append",
        default=[],
        choices=[c.value for c in Category],
        metavar="CATEGORY",
        help="only incidents in this category (e.g. prejudice_based, bullying); may be repeated",
    )
    parser.add_argument(
        "--safeguarding-only", action="store_true", help="only safeguarding concerns"
    )
    parser.add_argument(
        "--include-withdrawn", action="store_true", help="include withdrawn incidents"
    )
    parser.add_argument("--user", metavar="NAME", help="your user name (in a log with accounts)")


def run_inspection(args: argparse.Namespace) -> int:
    from app.core.services.incident_queries import IncidentFilter
    from app.core.services.inspection_export import export_inspection_list
    from app.core.services.inspection_list import ExportFormat

    out = Path(args.out)
    if not out.parent.is_dir():
        _say(f"the folder for {out} does not exist.")
        return EXIT_USAGE
    try:
        seen_from = _day(args.seen_from, "--from")
        seen_to = _day(args.seen_to, "--to")
    except ValueError as exc:
        _say(str(exc))
        return EXIT_USAGE
    if seen_from and seen_to and seen_to < seen_from:
        _say("--to is before --from.")
        return EXIT_USAGE
    statuses = [IncidentStatus(s) for s in args.status if s != OPEN]
    flt = IncidentFilter(
        statuses=frozenset(statuses),
        open_only=OPEN in args.status and not statuses,
        categories=frozenset(Category(c) for c in args.category),
        seen_from=seen_from,
        seen_to=seen_to,
        safeguarding_only=args.safeguarding_only,
        include_withdrawn=args.include_withdrawn,
    )
    if OPEN in args.status and statuses:
        _say("give either --status open or particular statuses, not both.")
        return EXIT_USAGE
    # Here, not at the top: the window's start imports the commands' parsers, and
    # must show its sign-in before the database layer loads (tests/e2e/test_start_up.py).
    from app.commands.signing import open_as_user

    try:
        log, user_id = open_as_user(args.database, args.user)
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    database = log.database

    def read(work: Callable[[Session], T]) -> T:
        with database.read(user_id) as session:
            return work(session)

    def write(work: Callable[[Session], T]) -> T:
        with database.write(user_id) as session:
            return work(session)

    try:
        facts = export_inspection_list(
            read,
            write,
            out,
            flt,
            ExportFormat(args.file_format),
            by="command",
        )
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    except OSError as exc:
        _say(f"the list could not be written ({exc.strerror or exc}).")
        return EXIT_FAILED
    finally:
        database.dispose()
    noun = "incident" if facts.rows == 1 else "incidents"
    print(f"{facts.rows:,} {noun} written to {out} (SHA-256 {facts.sha256}).")
    return 0


def _day(text: str | None, option: str) -> date | None:
    """DD/MM/YYYY (as the window shows dates) or YYYY-MM-DD."""
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{option} “{text}” is not a date: write it as DD/MM/YYYY, e.g. 01/09/2026.")


def _say(message: str) -> None:
    print(f"footprint inspection: {message}", file=sys.stderr)
