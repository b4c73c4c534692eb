"""`footprint retention list|dispose`: the Retention review from the command line.

`list` prints what is due (with the reason and any legal hold), the holds in place and
the disposals made. `dispose` prints what disposing of an incident would erase and keep,
and does it only with `--yes` (the DSL's account alone may); the log file is then rebuilt
without it, and the backups made before, which still hold it, are named — and, with
`--delete-old-backups`, replaced by a new backup and deleted."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from app.core.errors import FootprintError

if TYPE_CHECKING:
    from app.core.db import Database

EXIT_FAILED = 1
EXIT_USAGE = 2


def add_retention_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """`footprint retention …`."""
    retention = commands.add_parser("retention", help="the retention review and disposal")
    actions = retention.add_subparsers(dest="retention", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list", parents=[common], help="what is due for review, legal holds, disposals made"
    )
    listing.add_argument("--user", metavar="NAME", help="your user name (in a log with accounts)")
    dispose = actions.add_parser(
        "dispose",
        parents=[common],
        help="erase a due incident's content (the DSL only); without --yes, only says what "
        "would be erased",
    )
    dispose.add_argument(
        "--incident", required=True, action="append", metavar="REFERENCE", help="e.g. SM-2019-0042"
    )
    dispose.add_argument("--user", metavar="NAME", help="your user name (the DSL)")
    dispose.add_argument("--yes", action="store_true", help="dispose of it: this can't be undone")
    dispose.add_argument(
        "--delete-old-backups",
        action="store_true",
        help="then back up and delete the earlier backups that still hold it",
    )


def run_retention(args: argparse.Namespace) -> int:
    # Here, not at the top: the window's start imports the commands' parsers, and
    # must show its sign-in before the database layer loads (tests/e2e/test_start_up.py).
    from app.commands.signing import open_as_user

    try:
        log, user_id = open_as_user(args.database, args.user)
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    try:
        if args.retention == "list":
            _list(log.database, user_id)
            return 0
        return _dispose(args, log.database, user_id)
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    finally:
        log.database.dispose()


def _list(database: Database, user_id: int) -> None:
    from app.core.services.disposal import list_disposals
    from app.core.services.legal_holds import list_holds
    from app.core.services.retention import retention_periods, retention_review
    from app.core.timefmt import format_date

    with database.read(user_id) as s:
        periods, due, holds, disposals = (
            retention_periods(s),
            retention_review(s),
            list_holds(s),
            list_disposals(s),
        )
    print(
        f"Safeguarding concerns: until the youngest pupil involved is "
        f"{periods.safeguarding_years}; other incidents: {periods.years_after_closing} years "
        "after closing. Open incidents are never due."
    )
    print(f"\nDue for review: {len(due)}")
    for item in due:
        held = f"  ON HOLD: {'; '.join(item.holds)}" if item.holds else ""
        print(f"  {item.reference}  review date {format_date(item.review_on)}{held}")
        print(f"      {item.rule.reason}")
    active = [h for h in holds if h.active]
    print(f"\nLegal holds in place: {len(active)}")
    for hold in active:
        print(
            f"  {hold.name} (placed {format_date(hold.placed_at)} by {hold.placed_by}): "
            f"{hold.covers}"
        )
    print(f"\nDisposals: {len(disposals)}")
    for done in disposals:
        print(f"  {done.reference}  {format_date(done.disposed_at)} by {done.authorised_by}")


def _dispose(args: argparse.Namespace, database: Database, user_id: int) -> int:
    from app.core.services.disposal import describe_counts, dispose_of_incident, preview_disposal
    from app.core.services.incidents import get_incident_by_reference
    from app.core.services.users import get_user

    previews = []
    for reference in args.incident:
        with database.write(user_id) as s:  # the preview names people: a recorded look
            incident_id = get_incident_by_reference(s, reference).id
            previews.append(preview_disposal(s, incident_id))
    refused = [p for p in previews if p.refusal]
    if refused:  # said on stderr, and nothing on stdout: the command failed
        for preview in refused:
            _say(preview.refusal)
        _say("nothing was disposed of.")
        return EXIT_USAGE
    for preview in previews:
        print(f"{preview.reference}: {preview.item.rule.reason}")
        print(f"  If disposed of: {describe_counts(preview.counts)}")
        for person in preview.people:
            fate = "erased" if person.erased else f"kept ({person.kept_because})"
            print(f"    {person.name or '(no name)'}, {person.kind.label.lower()}: {fate}")
    if not args.yes:
        print("Nothing was done: add --yes to dispose of it. This can't be undone.")
        return 0
    done = []
    for preview in previews:
        with database.write(user_id) as s:
            record = dispose_of_incident(s, get_user(s, user_id), preview.incident_id)
            done.append((preview.incident_id, record.reference))
        print(f"Disposed of {preview.reference}.")
    for problem in database.erase_freed_space():
        _say(problem)
    return _backups(args, database, user_id, done)


def _backups(
    args: argparse.Namespace, database: Database, user_id: int, done: list[tuple[int, str]]
) -> int:
    from app.core.backups import backups_holding_disposed, replace_backups
    from app.core.services.backups import record_disposed_backups_removed

    if database.file is None:
        print("A PostgreSQL log's backups are its server's: ask whoever runs it to prune them.")
        return 0
    ids, references = [i for i, _ in done], [r for _, r in done]
    holding = backups_holding_disposed(database.file, ids, database.keys)
    for path in holding.unreadable:
        _say(f"{path.name} could not be opened to check.")
    if not holding.files:
        print("No backup holds what was disposed of.")
        return 0
    names = ", ".join(p.name for p in holding.files)
    if not args.delete_old_backups:
        print(
            f"{len(holding.files)} backup(s) made before still hold it: {names}. Run again "
            "with --delete-old-backups to back up now and delete them (or rotation removes "
            "the last of them within 12 months)."
        )
        return 0
    replaced = replace_backups(database.file, holding.files, database.keys)
    with database.write(user_id) as s:
        record_disposed_backups_removed(s, replaced.removed, replaced.made.path.name, references)
    print(
        f"Backed up to {replaced.made.path.name}, then deleted {len(replaced.removed)} "
        "earlier backup(s) that held it."
    )
    if replaced.left:
        _say(f"these could not be deleted and still hold it: {', '.join(replaced.left)}")
        return EXIT_FAILED
    return 0


def _say(message: str) -> None:
    print(f"footprint retention: {message}", file=sys.stderr)
