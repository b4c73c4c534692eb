"""`footprint casefile`: the case file of one incident as a PDF, exactly as the window
makes it (the export is on the audit trail and the incident's timeline)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.core.errors import FootprintError
from app.core.files import StagedFile

EXIT_FAILED = 1
EXIT_USAGE = 2

HELP = """Write the case file of one incident: the facts, the people and their part, the
whole timeline, requests, escalations, decisions, letters and evidence (with SHA-256
fingerprints). --variant agency is the copy for the police, children's social care or
the LADO: staff are named by their role and pupils other than those the incident is
about as "Pupil B", "Pupil C"… --password-file protects the PDF with AES-256 (the
file's first line is the password; it is kept nowhere). The DSL or a deputy only.

Exit codes: 0 written, 1 the file could not be written, 2 could not start (no such
incident, no log, not signed in, no permission, a missing option)."""


def add_casefile_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """`footprint casefile …` on the shared parser."""
    parser = commands.add_parser(
        "casefile",
        parents=[common],
        help="write the case file of an incident as a PDF (full, or for an outside agency)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--incident", required=True, metavar="REFERENCE", help="SM-2026-0042")
    parser.add_argument(
        "--variant",
        choices=["full", "agency"],
        required=True,
        help="full: the whole record; agency: staff by role, other pupils as Pupil B …",
    )
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")
    parser.add_argument(
        "--recipient",
        metavar="TEXT",
        help="who it is for, e.g. “PC Smith, Thames Valley Police” (recorded on the trail)",
    )
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        help="protect the PDF with the password on this file's first line (AES-256)",
    )
    parser.add_argument(
        "--picture",
        action="append",
        type=int,
        default=[],
        metavar="N",
        help="print a picture of evidence item N (E1, E2… in the case file); may be repeated",
    )
    parser.add_argument("--user", metavar="NAME", help="your user name (in a log with accounts)")


def run_casefile(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if not args.recipient or not args.recipient.strip():
        _say("say who the case file is for with --recipient (it is recorded on the trail).")
        return EXIT_USAGE
    if not out.parent.is_dir():
        _say(f"the folder for {out} does not exist.")
        return EXIT_USAGE
    if out.is_dir():
        _say(f"{out} is a folder: give the name of the file to write.")
        return EXIT_USAGE
    password = ""
    if args.password_file:
        try:
            lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            _say(f"the password file {args.password_file} can't be read ({_reason(exc)}).")
            return EXIT_USAGE
        password = lines[0] if lines else ""
        if not password:
            _say(f"the password file {args.password_file} is empty.")
            return EXIT_USAGE

    from app.commands.signing import open_as_user
    from app.core.services.casefile import CaseFileChoice, case_file_options, export_case_file
    from app.core.services.incidents import get_incident_by_reference
    from app.core.services.users import get_user
    from app.core.vocab import CaseFileVariant

    try:
        log, user_id = open_as_user(args.database, args.user)
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    staged: list[StagedFile] = []
    try:
        with log.database.write(user_id) as session:
            incident = get_incident_by_reference(session, args.incident)
            reference = incident.reference
            options = case_file_options(session, incident.id)
            pictures = set()
            for number in args.picture:
                if not 1 <= number <= len(options.evidence):
                    _say(f"{reference} has no evidence item E{number}.")
                    return EXIT_USAGE
                item = options.evidence[number - 1]
                if not item.may_picture:
                    _say(f"E{number} has no picture that may be printed (none is kept).")
                    return EXIT_USAGE
                pictures.add(item.evidence_id)
            choice = CaseFileChoice(
                CaseFileVariant(args.variant),
                args.recipient.strip(),
                thumbnails=frozenset(pictures),
                password=password,
                password_again=password,
            )
            export = export_case_file(session, get_user(session, user_id), incident.id, choice)
            # Staged inside the transaction: the file takes its name only once the export
            # is committed, and a file that can't be written leaves no export on record.
            staged.append(StagedFile(out, export.pdf))
    except FootprintError as exc:
        _discard(staged)
        _say(exc.message)
        return EXIT_USAGE
    except OSError as exc:
        _discard(staged)
        _say(f"{out} could not be written ({_reason(exc)}); nothing was recorded.")
        return EXIT_FAILED
    except BaseException:
        _discard(staged)
        raise
    finally:
        log.database.dispose()
    try:
        staged[0].publish()
    except OSError as exc:
        _say(
            f"the export is recorded, but {out} could not be written ({_reason(exc)}): "
            "run the command again to make another copy."
        )
        return EXIT_FAILED
    finally:
        _discard(staged)
    protected = ", password-protected" if export.encrypted else ""
    print(
        f"Case file of {reference} ({choice.variant.label.lower()}{protected}) "
        f"written to {out}: {export.pages} pages, SHA-256 {export.sha256}."
    )
    return 0


def _discard(staged: list[StagedFile]) -> None:
    for file in staged:  # not published: nothing is left beside the target
        file.discard()


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def _say(message: str) -> None:
    print(f"footprint casefile: {message}", file=sys.stderr)
