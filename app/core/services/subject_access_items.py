"""The items of a subject access pack's draft, record by record: what each line says, and
which parts of it are fixed words, free text to search for names, or an automatic
replacement of another person (by their role)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core.models import (
    ChronologyEntry,
    DeletionRequest,
    Escalation,
    Evidence,
    Incident,
    Involvement,
    Letter,
    ParentChildLink,
    Person,
    SubjectAccessRequest,
)
from app.core.rules.redaction import NameFinder
from app.core.timefmt import format_date, format_datetime
from app.core.vocab import EvidenceKind, InvolvementRole

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


def _lines(*pairs: tuple[str, Part | Parts | None]) -> tuple[DraftLine, ...]:
    """Lines from (label, value) pairs, leaving out empty values."""
    lines = []
    for label, value in pairs:
        parts = value if isinstance(value, tuple) else (value,) if value is not None else ()
        if any(not isinstance(p, Fixed | Free) or p.text.strip() for p in parts):
            lines.append(DraftLine(label, parts))
    return tuple(lines)


def _fixed(value: object) -> Fixed | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return Fixed(format_datetime(value))
    if isinstance(value, date):
        return Fixed(format_date(value))
    if isinstance(value, bool):
        return Fixed("Yes" if value else "No")
    return Fixed(str(getattr(value, "label", value)))


def _withdrawn(table: str, record: Any) -> tuple[str, Parts | None]:
    if record.withdrawn_at is None:
        return ("Withdrawn", None)
    return (
        "Withdrawn",
        (
            Fixed(f"{format_date(record.withdrawn_at)}: "),
            Free(table, record.id, "withdrawn_reason", record.withdrawn_reason or ""),
        ),
    )


def _person(
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
            _lines(
                ("Name", Fixed(p.full_name)),
                ("Known as", _fixed(preferred)),
                ("Recorded as", _fixed(p.kind)),
                ("Year group", _fixed(p.year_group)),
                ("Class", _fixed(p.class_name)),
                ("Date of birth", _fixed(p.date_of_birth)),
                ("Address", Free("person", p.id, "address", p.address)),
                ("Postcode", _fixed(p.postcode)),
                ("Email", _fixed(p.email)),
                ("Telephone", _fixed(p.phone)),
                ("Role", Free("person", p.id, "job_title", p.job_title)),
                ("Unique pupil number", _fixed(p.upn)),
                ("Left the school on", _fixed(p.left_on)),
                ("Notes", Free("person", p.id, "notes", p.notes)),
                _withdrawn("person", p),
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
                _lines(
                    ("Linked to", _person("parent_child_link", link.id, "person", other, p, roles)),
                    (
                        "Relationship",
                        Free(
                            "parent_child_link",
                            link.id,
                            "relationship_label",
                            link.relationship_label,
                        ),
                    ),
                    ("Parental responsibility", _fixed(link.parental_responsibility)),
                    ("Receives letters", _fixed(link.receives_letters)),
                    ("No contact", restriction),
                    ("Ended on", _fixed(link.ended_on)),
                    _withdrawn("parent_child_link", link),
                ),
            )
        )
    return items


def incident_items(
    session: Session,
    incident: Incident,
    subject: Person,
    roles: dict[int, str],
    *,
    involvements: list[Involvement] | None,
    only: set[tuple[str, int]] | None,
    mentions: Callable[[str], bool],
) -> list[DraftItem]:
    """An incident's items: all of them for one the subject is involved in; otherwise only
    the records in `only` (addressed to them, or naming them)."""

    def wanted(table: str, record_id: int) -> bool:
        return only is None or (table, record_id) in only

    ref = incident.reference
    items: list[DraftItem] = []
    poster = any(i.role is InvolvementRole.POSTER for i in involvements or [])
    if only is None:
        items.append(_incident(incident, poster))
        items.append(_people(session, incident, subject, roles, mentions))
    elif ("incident", incident.id) in only:
        items.append(_incident(incident, poster, texts_only=True))
    elif any(table == "involvement" for table, _ in only):
        items.append(_people(session, incident, subject, roles, mentions, only=only))
    for entry in session.scalars(
        select(ChronologyEntry)
        .where(ChronologyEntry.incident_id == incident.id)
        .order_by(ChronologyEntry.occurred_at, ChronologyEntry.id)
    ):
        if wanted("chronology_entry", entry.id):
            amends = entry.amends if entry.amends_id is not None else None
            items.append(
                DraftItem(
                    f"chronology_entry:{entry.id}",
                    f"{ref} · timeline {format_datetime(entry.occurred_at)}",
                    f"Timeline, {format_datetime(entry.occurred_at)}: {entry.kind.label}",
                    _lines(
                        ("Entry", Free("chronology_entry", entry.id, "text", entry.text)),
                        ("Corrects the entry of", _fixed(amends.occurred_at if amends else None)),
                    ),
                )
            )
    for request in _all(session, DeletionRequest, incident.id):
        if wanted("deletion_request", request.id):
            items.append(_request(request, ref, subject, roles))
    for escalation in _all(session, Escalation, incident.id):
        if wanted("escalation", escalation.id):
            items.append(_escalation(escalation, ref))
    for evidence in _all(session, Evidence, incident.id):
        if wanted("evidence", evidence.id):
            items.append(_evidence(evidence, ref))
    for letter in _all(session, Letter, incident.id):
        if wanted("letter", letter.id):
            items.append(_letter(session, letter, ref, subject, roles))
    return items


def _all(session: Session, model: Any, incident_id: int) -> Iterable[Any]:
    query = select(model).where(model.incident_id == incident_id).order_by(model.id)
    if model is DeletionRequest:  # each names its addressee: one query for all of them
        query = query.options(selectinload(DeletionRequest.addressee))
    return session.scalars(query)


def _incident(incident: Incident, poster: bool, *, texts_only: bool = False) -> DraftItem:
    i = incident
    where = f"{i.reference} · the incident"

    def account(field: str, value: str) -> Part | None:
        if not value:
            return None
        if poster:
            return Free("incident", i.id, field, value)
        return Auto(
            "incident",
            i.id,
            field,
            value,
            ACCOUNT,
            "identifies the account of another person",
        )

    texts = (
        ("What happened", Free("incident", i.id, "summary", i.summary)),
        (
            "Reason for the outcome",
            Free("incident", i.id, "outcome_rationale", i.outcome_rationale),
        ),
        (
            "Why parents were not told",
            Free("incident", i.id, "parent_not_informed_reason", i.parent_not_informed_reason),
        ),
    )
    if texts_only:
        return DraftItem(
            f"incident:{i.id}",
            where,
            "The incident (what names the person)",
            _lines(("Seen on", _fixed(i.seen_at)), *texts),
        )
    categories = "; ".join(c.category.label for c in i.categories)
    # "Other" is named as typed, which may name someone ("Jack's Discord server").
    platform: Part = (
        Free("incident", i.id, "platform_other", i.platform_other)
        if i.platform_other
        else Fixed(i.platform.label)
    )
    return DraftItem(
        f"incident:{i.id}",
        where,
        "The incident",
        _lines(
            ("Reference", Fixed(i.reference)),
            ("Posted", _fixed(i.happened_at)),
            ("Seen", _fixed(i.seen_at)),
            ("Reported", _fixed(i.reported_at)),
            ("Platform", platform),
            ("Where it was posted", _fixed(i.audience)),
            ("Link", account("url", i.url)),
            ("Account", account("account_handle", i.account_handle)),
            ("Categories", _fixed(categories)),
            ("Type of prejudice", _fixed(i.prejudice_type)),
            ("Severity", _fixed(i.severity)),
            ("Safeguarding concern", _fixed(i.safeguarding_concern)),
            ("Parents told", _fixed(i.parent_informed)),
            ("When they were told", _fixed(i.parent_informed_at)),
            ("Who told them", Free("incident", i.id, "parent_informed_by", i.parent_informed_by)),
            ("Status", _fixed(i.status)),
            ("Outcome", _fixed(i.outcome)),
            *texts,
            ("Closed", _fixed(i.closed_at)),
            _withdrawn("incident", i),
        ),
    )


def _people(
    session: Session,
    incident: Incident,
    subject: Person,
    roles: dict[int, str],
    mentions: Callable[[str], bool],
    *,
    only: set[tuple[str, int]] | None = None,
) -> DraftItem:
    """Who was involved, each by role; the subject's own notes, and others' notes only
    where they name the subject."""
    pairs: list[tuple[str, Part | Parts | None]] = []
    for inv in session.scalars(
        select(Involvement)
        .where(Involvement.incident_id == incident.id)
        .order_by(Involvement.id)
        .options(selectinload(Involvement.person))
    ):
        mine = inv.person_id == subject.id
        if only is not None and ("involvement", inv.id) not in only:
            continue
        who = _person("involvement", inv.id, "person", inv.person, subject, roles)
        gone = " (removed from the incident)" if inv.withdrawn_at is not None else ""
        pairs.append((f"{inv.role.label}{gone}", who))
        if inv.notes and (mine or mentions(inv.notes)):
            pairs.append(("Notes", Free("involvement", inv.id, "notes", inv.notes)))
    return DraftItem(
        f"incident_people:{incident.id}",
        f"{incident.reference} · people involved",
        "People involved",
        _lines(*pairs),
    )


def _request(
    request: DeletionRequest, ref: str, subject: Person, roles: dict[int, str]
) -> DraftItem:
    r = request
    return DraftItem(
        f"deletion_request:{r.id}",
        f"{ref} · deletion request",
        "Request to delete a post",
        _lines(
            ("To", _person("deletion_request", r.id, "addressee", r.addressee, subject, roles)),
            ("How", _fixed(r.method)),
            ("Sent", _fixed(r.sent_at)),
            ("Deadline", _fixed(r.deadline)),
            ("The post", Free("deletion_request", r.id, "post_description", r.post_description)),
            ("Reply received", _fixed(r.reply_received_at)),
            ("Reply", Free("deletion_request", r.id, "reply_summary", r.reply_summary)),
            ("Outcome", _fixed(r.outcome)),
            ("Removal checked", _fixed(r.removal_verified_at)),
            ("Notes", Free("deletion_request", r.id, "notes", r.notes)),
            _withdrawn("deletion_request", r),
        ),
    )


def _escalation(escalation: Escalation, ref: str) -> DraftItem:
    e = escalation
    contact = None
    if e.contact.strip():
        contact = Auto(
            "escalation",
            e.id,
            "contact",
            e.contact,
            CONTACT,
            "names someone at the outside organisation",
        )
    return DraftItem(
        f"escalation:{e.id}",
        f"{ref} · escalation",
        f"Escalation: {e.kind.label}",
        _lines(
            ("When", _fixed(e.escalated_at)),
            ("Their reference", _fixed(e.reference_number)),
            ("Contact", contact),
            ("Where it stands", _fixed(e.status)),
            ("What came back", Free("escalation", e.id, "outcome", e.outcome)),
            ("Notes", Free("escalation", e.id, "notes", e.notes)),
            ("Next follow-up", _fixed(e.next_follow_up_on)),
            _withdrawn("escalation", e),
        ),
    )


def _evidence(evidence: Evidence, ref: str) -> DraftItem:
    e = evidence
    if e.kind is EvidenceKind.DESCRIPTION_ONLY:
        held = "A description only: no image was kept."
    elif e.content_destroyed_at is not None:
        held = (
            f"The file was destroyed on {format_date(e.content_destroyed_at)}; its record is kept."
        )
    else:
        held = f"A file ({e.media_type or 'unknown type'}, {e.size_bytes or 0:,} bytes)."
    return DraftItem(
        f"evidence:{e.id}",
        f"{ref} · evidence",
        "Evidence",
        _lines(
            ("What it is", Free("evidence", e.id, "description", e.description)),
            ("File name", Free("evidence", e.id, "original_filename", e.original_filename)),
            ("Held", Fixed(held)),
            ("Captured", _fixed(e.captured_at)),
            ("SHA-256 fingerprint", _fixed(e.sha256)),
            _withdrawn("evidence", e),
        ),
        evidence_id=e.id if _image_kept(e) else None,
    )


def _image_kept(evidence: Evidence) -> bool:
    """A stored picture (not a PDF, not a description, not destroyed): it may be put in the
    pack once the DSL has looked at it."""
    return (
        evidence.kind is EvidenceKind.FILE
        and evidence.content_destroyed_at is None
        and evidence.sha256 is not None
        and (evidence.media_type or "").startswith("image/")
    )


def _letter(
    session: Session, letter: Letter, ref: str, subject: Person, roles: dict[int, str]
) -> DraftItem:
    addressee = session.get(Person, letter.addressee_id)
    return DraftItem(
        f"letter:{letter.id}",
        f"{ref} · letter",
        f"Letter of {format_date(letter.letter_date)}",
        _lines(
            ("To", _person("letter", letter.id, "addressee", addressee, subject, roles)),
            ("Letter", _fixed(letter.template_title)),
            ("Subject", Free("letter", letter.id, "subject", letter.subject)),
            ("SHA-256 fingerprint of the letter", Fixed(letter.sha256)),
            _withdrawn("letter", letter),
        ),
    )
