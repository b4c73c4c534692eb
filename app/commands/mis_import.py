"""`footprint import ctf|csv`: read an export from the school's MIS, print what importing
it would change, and apply it only with --apply (see app.commands.mis_import_args for
the options and exit codes)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.commands.signing import open_as_user
from app.core.errors import Conflict, FootprintError
from app.core.mis_import import csv_files, ctf
from app.core.mis_import.cleaning import printable
from app.core.mis_import.plan import LinkPlan, PersonPlan, Plan
from app.core.mis_import.records import ImportFile, ImportFileError
from app.core.mis_import.wording import (
    change_parts,
    change_text,
    counted,
    counts_sentence,
    file_description,
    incidents_note,
    restriction_text,
)
from app.core.permissions import Permission, allows
from app.core.services import mis_import as service
from app.core.services.users import get_user

if TYPE_CHECKING:
    from app.core.startup import OpenedLog

EXIT_FAILED = 1
EXIT_USAGE = 2


def run_import(args: argparse.Namespace) -> int:
    """Preview, and apply with --apply; every refusal is a sentence on stderr."""
    path = Path(args.file)
    if not path.is_file():
        _say(f"{path} is not a file that can be read.")
        return EXIT_USAGE
    try:
        log, user_id = open_as_user(args.database, args.user)
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    try:
        with log.database.read(user_id) as session:
            role = get_user(session, user_id).role
            if not allows(role, Permission.IMPORT_PEOPLE):
                _say(
                    "this account may not import people from the MIS: the DSL or a deputy "
                    "DSL does that."
                )
                return EXIT_USAGE
            columns, kind, mapping_name = {}, "pupils", ""
            if args.import_kind == "csv":
                mapping = service.get_mapping(session, args.mapping)
                kind = args.kind or mapping.kind
                columns, mapping_name = mapping.columns, mapping.name
        import_file = _read(path, args.import_kind, columns, kind, mapping_name)
        with log.database.read(user_id) as session:
            whole_school = (
                bool(args.whole_school)
                if args.whole_school is not None
                else service.holds_whole_school(session, import_file)
            )
            plan = service.preview_import(session, import_file, whole_school=whole_school)
        print(printable("\n".join(preview_lines(plan, import_file))))
        if not args.apply:
            if plan.changes_anything:
                print("\nNothing was changed: run again with --apply to make these changes.")
            return 0
        return _apply(log, user_id, import_file, plan, args.new_for_suggestions)
    except ImportFileError as exc:
        _say(exc.message)
        return EXIT_FAILED
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    finally:
        log.database.dispose()


def _read(
    path: Path, source: str, columns: dict[str, str], kind: str, mapping_name: str
) -> ImportFile:
    if source == "ctf":
        return ctf.read_ctf(path)
    return csv_files.read_csv(path, columns, kind, mapping_name=mapping_name)


def _apply(
    log: OpenedLog, user_id: int, import_file: ImportFile, plan: Plan, new_for_suggestions: bool
) -> int:
    if not plan.changes_anything:
        print("\nNothing to apply: the log already matches the file.")
        return 0
    if plan.suggestions and not new_for_suggestions:
        number = len(plan.suggestions)
        _say(
            f"{counted(number, 'possible match needs', 'possible matches need')} a decision, "
            "so nothing was applied. Answer them in the window (People → Import from MIS…), "
            "or run again with --new-for-suggestions to add "
            f"{'it as a new person' if number == 1 else 'them all as new people'}."
        )
        return EXIT_FAILED
    try:
        with log.database.write(user_id) as session:
            actor = get_user(session, user_id)
            result = service.apply_import(session, actor, import_file, plan)
    except Conflict as exc:
        _say(f"{exc.message} Nothing was applied: run the command again to preview afresh.")
        return EXIT_FAILED
    done = "; ".join(change_parts(result.counts)) or "changes nothing"
    print(f"\nApplied (import {result.import_id}): the import {done}.")
    return 0


def preview_lines(plan: Plan, import_file: ImportFile) -> list[str]:
    """The preview as text: what the file is, the counts, then each part, a line an item."""
    lines = [file_description(import_file), counts_sentence(plan.counts())]
    lines.append(
        "Read as the whole school: anyone the MIS kept who is not in it is marked as left."
        if plan.whole_school
        else "Read as part of the school: nobody is marked as left."
    )
    _section(lines, "New people", [_person(p) for p in plan.added])
    changed = []
    for person in plan.changed:
        changed.append(_person(person))
        changed += [f"      {change_text(c)}" for c in person.changes]
    _section(lines, "Changed", changed, count=len(plan.changed))
    _section(lines, "Leavers", [_person(p) for p in plan.left])
    _section(lines, "Family links added", [_link(k) for k in plan.links_added])
    _section(lines, "Family links changed", [_link(k) for k in plan.links_changed])
    _section(lines, "Family links ended", [_link(k) for k in plan.links_ended])
    suggestions = [
        f"  - {s.record_name} may be {s.person_name} ({s.why}){_on(s.on_incidents)}: "
        + ("same person" if plan.decisions.get(s.record_key) == s.person_id else "added as new")
        for s in plan.suggestions
    ]
    _section(lines, "Possible matches (answer them in the window)", suggestions)
    _section(lines, "Refused rows", [f"  - {r}" for r in plan.refused])
    _section(lines, "Warnings", [f"  - {w}" for w in plan.warnings])
    _section(
        lines,
        "In Footprint, not in the file (left unchanged)",
        [_person(p) for p in plan.not_in_file],
    )
    return lines


def _section(lines: list[str], title: str, items: list[str], *, count: int | None = None) -> None:
    if items:
        lines += ["", f"{title} ({count if count is not None else len(items):,}):", *items]


def _on(on_incidents: int) -> str:
    note = incidents_note(on_incidents)
    return f" [{note}]" if note else ""


def _person(person: PersonPlan) -> str:
    where = f", {person.position}" if person.position is not None else ""
    return f"  - {person.name} ({person.kind.label.lower()}{where}){_on(person.on_incidents)}"


def _link(link: LinkPlan) -> str:
    what = "; ".join(change_text(c) for c in link.changes) or link.description
    if link.adds_no_contact:  # said once, and loud enough to see in a terminal
        what = restriction_text(link).replace("No contact", "NO CONTACT", 1)
    return f"  - {link.contact_name} → {link.pupil_name}: {what}{_on(link.on_incidents)}"


def _say(message: str) -> None:
    print(f"footprint import: {printable(message)}", file=sys.stderr)
