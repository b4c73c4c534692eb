"""The `footprint` command: starts the app, or runs a subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app import __version__
from app.commands.safety import run_safely

#: --user where only an encrypted log needs one (its password opens the log's key).
ENCRYPTED_USER_HELP = "your user name (an encrypted log is opened with your password)"


def build_parser() -> argparse.ArgumentParser:
    """The one command-line parser shared by the GUI and every subcommand."""
    database_help = (
        "database to use (sqlite:///path or postgresql://user@host/name); "
        "default: FOOTPRINT_DATABASE_URL, else the file in your data folder"
    )
    # --database may come before or after the subcommand; the subcommand's copy must not
    # reset a value given before it, hence SUPPRESS there.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", metavar="URL", default=argparse.SUPPRESS, help=database_help)
    parser = argparse.ArgumentParser(
        prog="footprint",
        description="Footprint: the DSL's logbook of social media incidents.",
    )
    parser.add_argument("--database", metavar="URL", help=database_help)
    parser.add_argument("--version", action="version", version=f"Footprint {__version__}")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check this installation in a temporary folder and exit (0 when all is well)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo", parents=[common], help="fill an empty log with an invented demonstration school"
    )
    demo.add_argument("--seed", type=int, default=2026, help="vary the invented school")
    letter = commands.add_parser(
        "letter",
        parents=[common],
        help="make a letter about an incident as a PDF (it is kept on record, as in the app)",
    )
    letter.add_argument("--list-templates", action="store_true", help="list the templates")
    letter.add_argument("--incident", metavar="REFERENCE", help="e.g. SM-2026-0042")
    letter.add_argument("--template", metavar="NAME", help="a name from --list-templates")
    letter.add_argument(
        "--to",
        metavar="PERSON",
        help="the addressee: their name as in the log, or the number shown for them",
    )
    letter.add_argument("--out", metavar="FILE.pdf", help="where to write the letter")
    letter.add_argument(
        "--delivery",
        choices=["post", "hand", "email"],
        default="post",
        help="how it reaches them (post needs an address; default post)",
    )
    letter.add_argument(
        "--signer",
        choices=["headteacher", "deputy", "chair_of_governors"],
        default="headteacher",
        help="who signs (the deputy or the chair when the letter concerns the headteacher)",
    )
    letter.add_argument("--user", metavar="NAME", help="your user name (in a log with accounts)")
    audit = commands.add_parser("audit", help="the audit trail")
    audit_commands = audit.add_subparsers(dest="audit", metavar="ACTION", required=True)
    verify = audit_commands.add_parser(
        "verify",
        parents=[common],
        help="check the trail is intact and that no record was changed outside Footprint "
        "(exit 0 if so, 1 with where it breaks)",
    )
    verify.add_argument("--user", metavar="NAME", help=ENCRYPTED_USER_HELP)
    verify.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="N:HASH",
        help="a checkpoint printed earlier (on a governors' report, or by `audit "
        "checkpoint`): the trail must still hold that exact entry; may be repeated",
    )
    checkpoint = audit_commands.add_parser(
        "checkpoint",
        parents=[common],
        help="print the trail's newest entry as a checkpoint, to keep off this PC",
    )
    checkpoint.add_argument("--user", metavar="NAME", help=ENCRYPTED_USER_HELP)
    backup = commands.add_parser("backup", help="the log's backups (a SQLite log)")
    backup_commands = backup.add_subparsers(dest="backup", metavar="ACTION", required=True)
    create = backup_commands.add_parser(
        "create", parents=[common], help="back the log up now (checked before it counts)"
    )
    create.add_argument("--folder", metavar="DIR", help="where (default: as set for the log)")
    create.add_argument("--user", metavar="NAME", help=ENCRYPTED_USER_HELP)
    backup_commands.add_parser(
        "list", parents=[common], help="the backups kept, newest first, with what each holds"
    )
    check = backup_commands.add_parser(
        "verify", parents=[common], help="check backups against their manifests"
    )
    check.add_argument("file", nargs="?", metavar="FILE", help="one backup (default: all)")
    check.add_argument("--user", metavar="NAME", help=ENCRYPTED_USER_HELP)
    restore = backup_commands.add_parser(
        "restore",
        parents=[common],
        help="put a backup back (close Footprint first; the log as it is now is backed up first)",
    )
    restore.add_argument("file", metavar="FILE", help="the backup to put back")
    restore.add_argument("--user", metavar="NAME", help="your user name (the DSL)")
    report = commands.add_parser("report", help="make a report")
    kinds = report.add_subparsers(dest="report", metavar="KIND", required=True)
    governors = kinds.add_parser(
        "governors",
        parents=[common],
        help="the termly summary for governors (anonymised) as a PDF, and its rows as CSV",
    )
    governors.add_argument(
        "--term",
        required=True,
        metavar="TERM",
        help="the academic year it starts in, then the term: 2026-autumn (autumn 2026), "
        "2026-spring (spring 2027), 2026-summer (summer 2027)",
    )
    governors.add_argument("--out", required=True, metavar="FILE.pdf", help="the report")
    governors.add_argument("--csv", metavar="FILE.csv", help="also write the anonymised rows")
    governors.add_argument("--user", metavar="NAME", help="your user name (in a log with accounts)")
    governors.add_argument(
        "--show-small-counts",
        action="store_true",
        help="print counts of 1 and 2 exactly (by default they read “fewer than 3”)",
    )
    from app.commands.inspection import add_inspection_parser
    from app.commands.mis_import_args import add_import_parser
    from app.commands.retention import add_retention_parser

    add_import_parser(commands, common)
    from app.commands.casefile import add_casefile_parser

    add_casefile_parser(commands, common)
    from app.commands.transfer import add_transfer_parser

    add_transfer_parser(commands, common)
    add_inspection_parser(commands, common)
    add_retention_parser(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `footprint` and `python -m app`."""
    args = build_parser().parse_args(argv)
    if not args.self_check and args.command is None:
        from app.ui.app import run_gui

        return run_gui(args.database)  # the window has its own crash handling
    return run_safely(lambda: _run_command(args), "self-check" if args.self_check else args.command)


def _run_command(args: argparse.Namespace) -> int:
    if args.self_check:
        from app.selfcheck import run_self_check

        _attach_windows_console()
        return run_self_check()
    if args.command == "demo":
        return _demo(args)
    if args.command == "audit":
        from app.commands.audit import run_audit

        return run_audit(args)
    if args.command == "backup":
        from app.commands.backup import run_backup

        return run_backup(args)
    if args.command == "import":
        from app.commands.mis_import import run_import

        return run_import(args)
    if args.command == "report":
        from app.commands.report import run_report

        return run_report(args)
    if args.command == "casefile":
        from app.commands.casefile import run_casefile

        return run_casefile(args)
    if args.command == "transfer":
        from app.commands.transfer import run_transfer

        return run_transfer(args)
    if args.command == "inspection":
        from app.commands.inspection import run_inspection

        return run_inspection(args)
    if args.command == "retention":
        from app.commands.retention import run_retention

        return run_retention(args)
    from app.commands.letter import run_letter

    return run_letter(args)


def _demo(args: argparse.Namespace) -> int:
    from app.core.actors import SYSTEM
    from app.core.demo import build_demo_school
    from app.core.errors import FootprintError
    from app.core.startup import open_log

    try:
        log = open_log(args.database)
    except FootprintError as exc:
        print(f"footprint demo: {exc.message}", file=sys.stderr)
        return 2
    try:
        with log.database.write(SYSTEM) as session:
            summary = build_demo_school(session, log.user_id, seed=args.seed)
    except FootprintError as exc:
        print(f"footprint demo: {exc.message}", file=sys.stderr)
        return 2
    finally:
        log.database.dispose()
    print(summary)
    return 0


def _attach_windows_console() -> None:
    """The Windows bundle is a windowed program; borrow the terminal it was started from
    so `footprint --self-check` prints where the person typed it."""
    if sys.platform != "win32" or getattr(sys, "frozen", False) is False:
        return
    import ctypes

    if ctypes.windll.kernel32.AttachConsole(-1):  # -1: the parent process's console
        sys.stdout = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115 (lives until exit)
        sys.stderr = sys.stdout
