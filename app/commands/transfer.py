"""`footprint transfer`: a pupil's child protection file for the next school, as the
People page makes it (`make`), the receipt confirmed when the slip comes back
(`confirm`), and the transfers on record (`list`)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import FootprintError
from app.core.files import StagedFile
from app.core.vocab import TransferMethod

if TYPE_CHECKING:
    from app.core.db import Database

EXIT_FAILED = 1
EXIT_USAGE = 2


def add_transfer_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """`footprint transfer make|confirm|list` on the shared parser."""
    parser = commands.add_parser(
        "transfer", help="child protection file transfer for a pupil who leaves"
    )
    actions = parser.add_subparsers(dest="transfer_action", metavar="ACTION", required=True)
    make = actions.add_parser(
        "make",
        parents=[common],
        help="write the pupil's file (every incident, a receipt slip) and record the transfer",
    )
    make.add_argument(
        "--pupil", required=True, metavar="NAME", help="the pupil (or the number listed)"
    )
    make.add_argument("--school", required=True, metavar="TEXT", help="the school it goes to")
    make.add_argument("--dsl", default="", metavar="NAME", help="that school's DSL")
    make.add_argument("--contact", default="", metavar="TEXT", help="how to reach them")
    make.add_argument(
        "--left-on",
        metavar="DD/MM/YYYY",
        help="when the pupil left (default: as recorded, else today)",
    )
    make.add_argument("--sent-on", metavar="DD/MM/YYYY", help="when it is sent (default today)")
    make.add_argument(
        "--method", required=True, choices=[str(m) for m in TransferMethod], help="how it is sent"
    )
    make.add_argument("--detail", default="", metavar="TEXT", help="e.g. the system's name")
    make.add_argument("--pictures", action="store_true", help="include pictures of kept images")
    make.add_argument(
        "--password-file", metavar="FILE", help="protect it (AES-256) with this file's first line"
    )
    make.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")
    make.add_argument("--user", metavar="NAME", help="your user name (in a log with accounts)")
    confirm = actions.add_parser(
        "confirm", parents=[common], help="the signed receipt slip came back"
    )
    confirm.add_argument("--transfer", required=True, type=int, metavar="N", help="its number")
    confirm.add_argument("--received-on", metavar="DD/MM/YYYY", help="default today")
    confirm.add_argument("--by", required=True, metavar="NAME", help="who signed the slip")
    confirm.add_argument("--note", default="", metavar="TEXT")
    confirm.add_argument("--user", metavar="NAME", help="your user name (in a log with accounts)")
    listed = actions.add_parser("list", parents=[common], help="the transfers on record")
    listed.add_argument("--user", metavar="NAME", help="your user name (in a log with accounts)")


def run_transfer(args: argparse.Namespace) -> int:
    from app.commands.signing import open_as_user

    try:
        if args.transfer_action == "make":
            _check_make(args)
        log, user_id = open_as_user(args.database, args.user)
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    try:
        if args.transfer_action == "make":
            return _make(args, log.database, user_id)
        if args.transfer_action == "confirm":
            return _confirm(args, log.database, user_id)
        return _list(log.database, user_id)
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    finally:
        log.database.dispose()


def _check_make(args: argparse.Namespace) -> None:
    out = Path(args.out)
    if not out.parent.is_dir() or out.is_dir():
        raise FootprintError(f"{out} can't be written: give a file in a folder that exists.")
    args.password = ""
    if args.password_file:
        try:
            lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise FootprintError(f"the password file {args.password_file} can't be read.") from exc
        args.password = lines[0] if lines else ""


def _day(text: str | None, field: str) -> date | None:
    from app.core.timefmt import parse_date

    return parse_date(text, field) if text else None


def _make(args: argparse.Namespace, database: Database, user_id: int) -> int:
    from app.core.clock import today_london
    from app.core.services.cp_transfer import TransferDetails, make_transfer
    from app.core.services.people import find_people
    from app.core.services.users import get_user
    from app.core.timefmt import format_date
    from app.core.vocab import PersonKind

    out = Path(args.out)
    staged: list[StagedFile] = []
    try:
        with database.write(user_id) as session:
            found = find_people(session, args.pupil, kind=PersonKind.PUPIL, limit=20)
            chosen = [p for p in found if str(p.id) == args.pupil.strip()] or found
            if len(chosen) != 1:
                listed = "\n".join(
                    f"  {p.id:>6}  {p.full_name} ({p.year_group or '?'})" for p in chosen
                )
                what = "matches more than one pupil" if chosen else "matches no pupil"
                _say(f"“{args.pupil}” {what}. Give the name in full, or the number:\n{listed}")
                return EXIT_USAGE
            pupil = chosen[0]
            left_on = _day(args.left_on, "left_on") or pupil.left_on or today_london()
            details = TransferDetails(
                pupil_id=pupil.id,
                destination_school=args.school,
                destination_dsl=args.dsl,
                destination_contact=args.contact,
                left_on=left_on,
                sent_on=_day(args.sent_on, "sent_on") or today_london(),
                method=TransferMethod(args.method),
                method_note=args.detail,
                pictures=args.pictures,
                password=args.password,
                password_again=args.password,
            )
            made = make_transfer(session, get_user(session, user_id), details)
            staged.append(StagedFile(out, made.pdf))  # named once the transfer is committed
    except OSError as exc:
        _discard(staged)
        _say(f"{out} could not be written ({exc.strerror or exc}); nothing was recorded.")
        return EXIT_FAILED
    except BaseException:
        _discard(staged)
        raise
    try:
        staged[0].publish()
    except OSError as exc:
        _discard(staged)
        _say(
            f"transfer {made.transfer_id} is recorded, but {out} could not be written "
            f"({exc.strerror or exc})."
        )
        return EXIT_FAILED
    print(
        f"Child protection file of {pupil.full_name} written to {out}: {made.pages} pages, "
        f"SHA-256 {made.sha256}. Transfer {made.transfer_id}, due at the new school by "
        f"{format_date(made.due_on)}: when the signed slip comes back, run "
        f"`footprint transfer confirm --transfer {made.transfer_id} --by NAME`."
    )
    return 0


def _confirm(args: argparse.Namespace, database: Database, user_id: int) -> int:
    from app.core.clock import today_london
    from app.core.services.cp_transfer import confirm_receipt
    from app.core.services.users import get_user

    received = _day(args.received_on, "received_on") or today_london()
    with database.write(user_id) as session:
        confirm_receipt(
            session,
            get_user(session, user_id),
            args.transfer,
            received_on=received,
            confirmed_by=args.by,
            note=args.note,
        )
    print(f"Receipt of transfer {args.transfer} confirmed.")
    return 0


def _list(database: Database, user_id: int) -> int:
    from app.core.services.cp_transfer import list_transfers
    from app.core.timefmt import format_date

    with database.read(user_id) as session:
        rows = list_transfers(session)
    for row in rows:
        if row.withdrawn:
            state = "withdrawn"
        elif row.receipt_confirmed_on:
            state = f"received {format_date(row.receipt_confirmed_on)}"
        else:
            state = f"awaiting receipt, due by {format_date(row.due_on)}"
        print(
            f"{row.id:>5}  {format_date(row.sent_on)}  {row.pupil_name} → "
            f"{row.destination_school}  ({row.incident_count} incidents; {state})"
        )
    if not rows:
        print("No child protection files have been sent.")
    return 0


def _discard(staged: list[StagedFile]) -> None:
    for file in staged:
        file.discard()


def _say(message: str) -> None:
    print(f"footprint transfer: {message}", file=sys.stderr)
