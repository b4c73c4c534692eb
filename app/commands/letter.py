"""`footprint letter`: make a letter from the command line, exactly as the app does
(the letter is kept on record and written to the incident's timeline)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.commands.signing import open_as_user
from app.core.actors import SYSTEM
from app.core.audit import Action
from app.core.errors import FootprintError
from app.core.files import StagedFile
from app.core.folding import tokens
from app.core.letter_templates import LetterTemplate, default_templates
from app.core.vocab import LetterDelivery, LetterSigner

EXIT_USAGE = 2


def run_letter(args: argparse.Namespace) -> int:
    if args.list_templates:
        return _list_templates(args)
    missing = [
        f"--{name}" for name in ("incident", "template", "to", "out") if not getattr(args, name)
    ]
    if missing:
        _say(f"also give {', '.join(missing)} (or --list-templates).")
        return EXIT_USAGE
    out = Path(args.out)
    if not out.parent.is_dir():
        _say(f"the folder for {out} does not exist.")
        return EXIT_USAGE

    from app.core.services.incidents import get_incident_by_reference
    from app.core.services.letter_recipients import recipients
    from app.core.services.letter_records import letter_pdf, letters_output
    from app.core.services.letters import make_letters, prepare_letters
    from app.core.services.users import get_user

    try:
        log, user_id = open_as_user(args.database, args.user)
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    staged: list[StagedFile] = []
    try:
        with log.database.write(user_id) as session:
            incident = get_incident_by_reference(session, args.incident)
            candidates = recipients(session, incident.id, args.template)
            wanted = set(tokens(args.to))
            matches = [
                c
                for c in candidates
                if str(c.person_id) == args.to.strip() or (wanted and wanted <= set(tokens(c.name)))
            ]
            if len(matches) != 1:
                listed = (
                    "\n".join(
                        f"  {c.person_id:>6}  {c.name} — {c.reason}"
                        for c in (matches or candidates)
                    )
                    or "  (nobody: add the people involved to the incident first)"
                )
                what = "matches more than one person" if matches else "matches nobody"
                _say(f"“{args.to}” {what} this letter could go to. Use a name or number:\n{listed}")
                return EXIT_USAGE
            user = get_user(session, user_id)
            person_id = matches[0].person_id
            delivery = LetterDelivery(getattr(args, "delivery", "post"))
            signer = LetterSigner(getattr(args, "signer", "headteacher"))
            (prepared,) = prepare_letters(
                session, incident.id, args.template, [person_id], delivery=delivery, signer=signer
            )
            for warning in prepared.warnings:
                _say(f"note: {warning}")
            (letter,) = make_letters(
                session,
                user,
                incident.id,
                args.template,
                [person_id],
                delivery=delivery,
                signer=signer,
            )
            pdf = letter_pdf(session, letter.id)
            # Staged inside the transaction: if the file can't be written, the letter is
            # not kept on record either (so running the command again makes one letter);
            # it takes its name only once the letter and its export are committed.
            staged.append(StagedFile(out, pdf))
            letters_output(session, [letter.id], Action.EXPORT)
        staged[0].publish()
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    except OSError as exc:
        _say(f"{out} could not be written ({exc.strerror or exc}); no letter was kept.")
        return EXIT_USAGE
    finally:
        for file in staged:  # not published (the unit of work failed): nothing is left
            file.discard()
        log.database.dispose()
    print(f"Letter to {matches[0].name} written to {out} ({len(pdf):,} bytes).")
    return 0


def _list_templates(args: argparse.Namespace) -> int:
    """The templates in use: the school's wording where there is a log, else Footprint's
    own (no log is created just to list them)."""
    from app.core.errors import NoLog
    from app.core.services.letter_wording import current_templates
    from app.core.startup import open_log

    try:
        log = open_log(args.database, create=False)
    except NoLog:
        templates = default_templates()
    except FootprintError as exc:
        _say(f"note: {exc.message} These are Footprint's own templates, not the school's.")
        templates = default_templates()
    else:
        try:
            with log.database.read(SYSTEM) as session:
                templates = current_templates(session)
        finally:
            log.database.dispose()
    return _print_templates(templates)


def _print_templates(templates: dict[str, LetterTemplate]) -> int:
    width = max(len(key) for key in templates)
    for key, template in templates.items():
        print(f"{key:<{width}}  {template.title}")
    return 0


def _say(message: str) -> None:
    print(f"footprint letter: {message}", file=sys.stderr)
