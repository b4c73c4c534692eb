"""The lines the People page shows about a person: in the directory's list, and beside
their name when opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.services.people import PersonRow
from app.core.timefmt import format_date
from app.core.vocab import PersonKind

if TYPE_CHECKING:
    from app.core.models import Person


def left_text(row: PersonRow) -> str:
    """ "Left 20/07/2026" for someone the MIS import found gone; "" otherwise."""
    return f"Left {format_date(row.left_on)}" if row.left_on else ""


def list_columns(row: PersonRow) -> list[str]:
    """Name, kind, and the class (a leaver's class is history: the date they left instead)."""
    return [row.full_name, row.kind.label, left_text(row) or row.class_name or ""]


def row_facts(row: PersonRow) -> list[tuple[str, str]]:
    """What anyone who may see people sees of one: kind, year group and class, or when
    they left."""
    facts = [("Kind", row.kind.label), ("Year group", row.year_group or "")]
    facts.append(("Class", row.class_name or ""))
    facts.append(("Status", left_text(row)))
    return [(label, value) for label, value in facts if value]


def detail_facts(person: Person) -> list[tuple[str, str]]:
    """A person's details, for those who may see them (empty lines left out)."""
    preferred = " ".join(
        part for part in (person.preferred_given_name, person.preferred_family_name) if part
    )
    facts = [("Kind", person.kind.label)]
    if person.left_on is not None:
        facts.append(("Status", f"Left {format_date(person.left_on)}"))
    if preferred:
        facts.append(("Preferred name", preferred))
    if person.kind is PersonKind.PUPIL:
        facts += [
            ("UPN", person.upn or ""),
            ("Year group", person.year_group or ""),
            ("Class", person.class_name or ""),
            ("Date of birth", format_date(person.date_of_birth)),
        ]
    facts += [
        ("Address", "\n".join(filter(None, [person.address, person.postcode]))),
        ("Email", person.email),
        ("Phone", person.phone),
        ("Job title", person.job_title),
        ("Notes", person.notes),
    ]
    return [(label, value) for label, value in facts if value]
