"""Gathering every record that mentions a person, for a subject access pack, as a draft:
each value is fixed words (vocabulary, dates, the subject's own details), free text to be
searched for other people's names, or an automatic replacement (another person named in
a structured field, another poster's account, a contact at an outside agency).

What is gathered: the person's details and family links; every incident they are involved
in, whole (the incident, the people by role, the timeline, deletion requests, escalations,
evidence listed, letters); and, from other incidents, the records addressed to them
(letters, deletion requests) or naming them in full in free text. Withdrawn records are
held, so they are gathered too, marked as withdrawn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.models import (
    ChronologyEntry,
    DeletionRequest,
    Escalation,
    Evidence,
    Incident,
    Involvement,
    Letter,
    Person,
    SubjectAccessRequest,
    User,
)
from app.core.rules.redaction import KnownPerson, NameFinder
from app.core.services.subject_access_incidents import IncidentRecords, incident_items
from app.core.services.subject_access_items import (
    ACCOUNT,
    CONTACT,
    Draft,
    DraftItem,
    DraftSection,
    Parts,
    person_items,
)
from app.core.vocab import InvolvementRole, PersonKind

_NOUNS = {
    PersonKind.PUPIL: "pupil",
    PersonKind.PARENT: "parent/carer",
    PersonKind.STAFF: "member of staff",
    PersonKind.GOVERNOR: "governor",
    PersonKind.VOLUNTEER: "volunteer",
    PersonKind.CONTRACTOR: "contractor",
}
STAFF = "[member of staff]"


def role_label(kind: PersonKind, subject_kind: PersonKind) -> str:
    """What the pack calls someone else: "[another pupil]" to a pupil, "[pupil]" to a
    parent, "[member of staff]", "[parent/carer]"; "[another person]" for third parties."""
    noun = _NOUNS.get(kind)
    if noun is None:
        return "[another person]"
    return f"[another {noun}]" if kind is subject_kind else f"[{noun}]"


@dataclass
class _Found:
    """What the queries found, by incident."""

    involved: dict[int, list[Involvement]] = field(default_factory=lambda: defaultdict(list))
    #: Incidents the subject is not involved in: the records there that concern them.
    records: dict[int, set[tuple[str, int]]] = field(default_factory=lambda: defaultdict(set))


def gather(session: Session, request_id: int) -> Draft:
    """The draft of a request's pack (the caller checks the permission)."""
    request = session.get(SubjectAccessRequest, request_id)
    if request is None:
        raise NotFound("That subject access request does not exist.")
    subject = session.get(Person, request.person_id)
    assert subject is not None  # a foreign key
    known = _known(session, subject)
    me = next(k for k in known if k.id == subject.id)
    finder = NameFinder(known, me)
    roles = {k.id: k.role for k in known}
    found = _found(session, subject, finder)
    sections = [
        DraftSection(
            f"Details held about {subject.full_name}",
            "As recorded in the school's log of social media incidents.",
            tuple(person_items(session, subject, roles)),
        )
    ]
    incidents = session.scalars(
        select(Incident)
        .where(Incident.id.in_(set(found.involved) | set(found.records)))
        .order_by(Incident.seen_at, Incident.id)
    ).all()
    _details_of_others(session, finder, incidents, found)
    records = IncidentRecords(session, [i.id for i in incidents])
    for incident in incidents:
        mine = found.involved.get(incident.id)
        items = incident_items(
            session,
            incident,
            subject,
            roles,
            records,
            involvements=mine,
            only=None if mine else found.records[incident.id],
            mentions=finder.mentions_subject,
        )
        if items:
            intro = (
                "An incident the person is involved in."
                if mine
                else "An incident the person is not part of: only the records that concern "
                "them are shown."
            )
            sections.append(DraftSection(f"Incident {incident.reference}", intro, tuple(items)))
    return Draft(request, subject, finder, tuple(sections))


def _details_of_others(
    session: Session, finder: NameFinder, incidents: Sequence[Incident], found: _Found
) -> None:
    """Details that identify someone else wherever they are written (the timeline repeats
    them): another poster's account and link, and contacts at outside agencies."""
    for incident in incidents:
        posted = any(i.role is InvolvementRole.POSTER for i in found.involved.get(incident.id, []))
        if not posted:
            for detail in (
                incident.url,
                incident.account_handle,
                incident.account_handle.lstrip("@"),
            ):
                finder.add_literal(detail, ACCOUNT)
    contacts = session.scalars(
        select(Escalation.contact).where(
            Escalation.incident_id.in_([i.id for i in incidents]), Escalation.contact != ""
        )
    )
    for contact in contacts:
        finder.add_literal(contact, CONTACT)


def _known(session: Session, subject: Person) -> list[KnownPerson]:
    """Everyone in the log, and every account (staff), with what the pack calls them."""
    people = [
        KnownPerson(
            pid,
            given,
            family,
            role_label(kind, subject.kind),
            preferred_given=pg,
            preferred_family=pf,
        )
        for pid, kind, given, family, pg, pf in session.execute(
            select(
                Person.id,
                Person.kind,
                Person.given_name,
                Person.family_name,
                Person.preferred_given_name,
                Person.preferred_family_name,
            )
        )
    ]
    own = f"{subject.given_name} {subject.family_name}".strip().casefold()
    for user_id, name in session.execute(select(User.id, User.display_name)):
        given, _, family = name.strip().partition(" ")
        if name.strip().casefold() != own:  # the subject's own account is the subject
            people.append(KnownPerson(-user_id, given, family, STAFF, whole_name_only=True))
    return people


def _found(session: Session, subject: Person, finder: NameFinder) -> _Found:
    found = _Found()
    for involvement in session.scalars(
        select(Involvement).where(Involvement.person_id == subject.id).order_by(Involvement.id)
    ):
        found.involved[involvement.incident_id].append(involvement)
    for table, model in (("letter", Letter), ("deletion_request", DeletionRequest)):
        for record_id, incident_id in session.execute(
            select(model.id, model.incident_id).where(model.addressee_id == subject.id)
        ):
            if incident_id not in found.involved:
                found.records[incident_id].add((table, record_id))
    for table, record_id, incident_id in _mentions(session, subject, finder):
        if incident_id not in found.involved:
            found.records[incident_id].add((table, record_id))
    return found


#: Free text that may name the subject, by table: (model, its text columns).
_TEXTS: dict[str, tuple[type, tuple[str, ...]]] = {
    "incident": (Incident, ("summary", "outcome_rationale", "parent_not_informed_reason")),
    "chronology_entry": (ChronologyEntry, ("text",)),
    "deletion_request": (DeletionRequest, ("reply_summary", "notes", "post_description")),
    "escalation": (Escalation, ("notes", "outcome")),
    "evidence": (Evidence, ("description",)),
    "involvement": (Involvement, ("notes",)),
}


def _mentions(session: Session, subject: Person, finder: NameFinder) -> list[tuple[str, int, int]]:
    """(table, record id, incident id) of every free text naming the subject in full:
    found by the family name in SQL, then confirmed in Python."""
    families = {n.strip() for n in (subject.family_name, subject.preferred_family_name)}
    families.discard("")
    if not families:
        return []  # a given name alone would match half the log
    postgres = session.get_bind().dialect.name == "postgresql"
    hits = []
    for table, (model, columns) in _TEXTS.items():
        incident_column = model.id if model is Incident else model.incident_id  # type: ignore[attr-defined]
        wanted: list[ColumnElement[bool]] = []
        for column in columns:
            attribute = getattr(model, column)
            for family in families:
                # SQLite's LIKE ignores ASCII case (and Footprint's lower() would run in
                # Python for every row); PostgreSQL needs ILIKE for the same.
                pattern = f"%{_escape_like(family)}%"
                wanted.append(
                    attribute.ilike(pattern, escape="\\")
                    if postgres
                    else attribute.like(pattern, escape="\\")
                )
        query = select(model.id, incident_column, *[getattr(model, c) for c in columns])  # type: ignore[attr-defined]
        for record_id, incident_id, *texts in session.execute(query.where(or_(*wanted))):
            if any(finder.mentions_subject(text or "") for text in texts):
                hits.append((table, record_id, incident_id))
    return hits


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


__all__ = ["Draft", "DraftItem", "DraftSection", "Parts", "gather", "role_label"]
