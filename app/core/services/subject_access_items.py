"""A subject access pack's draft: what each line of each record says, and which parts of
it are fixed words, free text to search for names, or an automatic replacement of another
person (by their role); and the items of the person's own record and family links.
Incidents' items are in `subject_access_incidents`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.models import (
    ParentChildLink,
    Person,
    SubjectAccessRequest,
)
from app.core.rules.redaction import NameFinder
from app.core.timefmt import format_date, format_datetime

THIRD_PARTY = "another person, named only by their role"
#: What replaces another person's account or link, and a contact at an outside agency.
ACCOUNT = "[removed: it identifies another person's account]"
CONTACT = "[contact at the organisation]"


@dataclass(frozen=True)
class Fixed:
    """Words that need no search: vocabulary, dates, the subject's own name and details."""

    text: str


@dataclass(frozen=True)
class Free:
    """Free text, searched for other people's names (each occurrence goes to the review)."""

    table: str
    record_id: int
    field: str
    text: str


@dataclass(frozen=True)
class Auto:
    """Another person's detail in a structured field, replaced without asking (logged)."""

    table: str
    record_id: int | None
    field: str
    removed: str
    shown: str
    reason: str


Part = Fixed | Free | Auto
Parts = tuple[Part, ...]


@dataclass(frozen=True)
class DraftLine:
    label: str
    parts: Parts


@dataclass(frozen=True)
class DraftItem:
    """One record: `key` names it for withholding ("table:id"); an image it may carry."""

    key: str
    location: str
    heading: str
    lines: tuple[DraftLine, ...]
    evidence_id: int | None = None


@dataclass(frozen=True)
class DraftSection:
    title: str
    intro: str
    items: tuple[DraftItem, ...]


@dataclass(frozen=True)
class Draft:
    request: SubjectAccessRequest
    subject: Person
    finder: NameFinder
    sections: tuple[DraftSection, ...]


def lines_of(*pairs: tuple[str, Part | Parts | None]) -> tuple[DraftLine, ...]:
    """Lines from (label, value) pairs, leaving out empty values."""
    lines = []
    for label, value in pairs:
        parts = value if isinstance(value, tuple) else (value,) if value is not None else ()
        if any(not isinstance(p, Fixed | Free) or p.text.strip() for p in parts):
            lines.append(DraftLine(label, parts))
    return tuple(lines)


def fixed(value: object) -> Fixed | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return Fixed(format_datetime(value))
    if isinstance(value, date):
        return Fixed(format_date(value))
    if isinstance(value, bool):
        return Fixed("Yes" if value else "No")
    return Fixed(str(getattr(value, "label", value)))


def withdrawn(table: str, record: Any) -> tuple[str, Parts | None]:
    if record.withdrawn_at is None:
        return ("Withdrawn", None)
    return (
        "Withdrawn",
        (
            Fixed(f"{format_date(record.withdrawn_at)}: "),
            Free(table, record.id, "withdrawn_reason", record.withdrawn_reason or ""),
        ),
    )


def person_part(
    table: str,
    record_id: int,
    field: str,
    person: Person | None,
    subject: Person,
    roles: dict[int, str],
) -> Part | None:
    """The subject by name; anyone else by their role, replaced and logged."""
    if person is None:
        return None
    if person.id == subject.id:
        return Fixed(subject.full_name)
    return Auto(
        table,
        record_id,
        field,
        person.full_name,
        roles.get(person.id, "[another person]"),
        THIRD_PARTY,
    )


def person_items(session: Session, subject: Person, roles: dict[int, str]) -> list[DraftItem]:
    """The subject's own record and their family links."""
    p = subject
    preferred = " ".join(n for n in (p.preferred_given_name, p.preferred_family_name) if n)
    items = [
        DraftItem(
            f"person:{p.id}",
            "Personal details",
            "Personal details",
            lines_of(
                ("Name", Fixed(p.full_name)),
                ("Known as", fixed(preferred)),
                ("Recorded as", fixed(p.kind)),
                ("Year group", fixed(p.year_group)),
                ("Class", fixed(p.class_name)),
                ("Date of birth", fixed(p.date_of_birth)),
                ("Address", Free("person", p.id, "address", p.address)),
                ("Postcode", fixed(p.postcode)),
                ("Email", fixed(p.email)),
                ("Telephone", fixed(p.phone)),
                ("Role", Free("person", p.id, "job_title", p.job_title)),
                ("Unique pupil number", fixed(p.upn)),
                ("Left the school on", fixed(p.left_on)),
                ("Notes", Free("person", p.id, "notes", p.notes)),
                withdrawn("person", p),
            ),
        )
    ]
    links = session.scalars(
        select(ParentChildLink)
        .where((ParentChildLink.parent_id == p.id) | (ParentChildLink.child_id == p.id))
        .order_by(ParentChildLink.id)
    ).all()
    for link in links:
        other = link.child if link.parent_id == p.id else link.parent
        restriction = None
        if link.no_contact:
            restriction = (
                Fixed("Yes: "),
                Free(
                    "parent_child_link",
                    link.id,
                    "no_contact_reason",
                    link.no_contact_reason or "no reason recorded",
                ),
            )
        items.append(
            DraftItem(
                f"parent_child_link:{link.id}",
                "Family link",
                "Family link",
                lines_of(
                    (
                        "Linked to",
                        person_part("parent_child_link", link.id, "person", other, p, roles),
                    ),
                    (
                        "Relationship",
                        Free(
                            "parent_child_link",
                            link.id,
                            "relationship_label",
                            link.relationship_label,
                        ),
                    ),
                    ("Parental responsibility", fixed(link.parental_responsibility)),
                    ("Receives letters", fixed(link.receives_letters)),
                    ("No contact", restriction),
                    ("Ended on", fixed(link.ended_on)),
                    withdrawn("parent_child_link", link),
                ),
            )
        )
    return items
