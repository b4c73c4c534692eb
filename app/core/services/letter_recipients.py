"""Who a letter about an incident can go to: a pupil's parents and carers (those linked to
receive letters), adults as themselves, and the usual addressees of each letter."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.models import (
    DeletionRequest,
    Incident,
    Involvement,
    ParentChildLink,
    Person,
)
from app.core.permissions import Permission, requires
from app.core.services.letter_values import (
    address_lines,
    addressee_name,
)
from app.core.services.letter_wording import get_template
from app.core.services.lookups import get_incident
from app.core.vocab import (
    InvolvementRole,
    PersonKind,
)

#: Letters about the post itself go to whoever posted it (a pupil's parents for a pupil).
POSTER_TEMPLATES = frozenset(
    {"request_removal", "second_request", "images_without_consent", "proper_channels"}
)

#: Letters about what a pupil did themselves go to the parents of a pupil who posted.
PUPIL_POSTER_TEMPLATES = frozenset({"underage_use", "pupil_staff_contact"})


@dataclass(frozen=True)
class Recipient:
    """Someone a letter about this incident can be addressed to."""

    person_id: int
    name: str
    reason: str
    has_address: bool
    # The pupil the letter is about (for a parent/carer), if any.
    child_id: int | None = None
    suggested: bool = False
    # A parent's priority for the pupil in the MIS (1 first): suggested in that order.
    priority: int | None = None


@requires(Permission.LETTERS, incident="incident_id")
def recipients(
    session: Session, incident_id: int, template_key: str, request_id: int | None = None
) -> list[Recipient]:
    """Everyone a letter about the incident could go to, with the usual addressees of
    this template marked `suggested`: for a deletion request, its addressee (or, for a
    pupil, their parents and carers); for letters about the post, the posters; for
    underage use, the parents of a pupil who posted; for letters about a child, the
    parents and carers of every pupil involved. Parents and carers are those linked to
    the pupil to receive letters; a pupil's own letters go to them. A parent whose
    contact with the pupil is restricted ("no contact") is never offered a letter about
    that pupil."""
    incident = get_incident(session, incident_id)
    get_template(session, template_key)  # an unknown template is named, not ignored
    request = get_request(session, incident, request_id) if request_id is not None else None
    found: dict[int, Recipient] = {}
    involvements = _involvements(session, incident.id)
    # Whoever has no contact with any pupil in the incident gets no letter about it at
    # all (making one would be refused), even as another pupil's parent or as a poster:
    # `not_offered` says why.
    restricted = _restricted_parents(
        session, {i.person_id for i in involvements if i.person.kind is PersonKind.PUPIL}
    )

    def add(
        person: Person,
        reason: str,
        child: Person | None,
        suggested: bool,
        priority: int | None = None,
    ) -> None:
        if person.id in restricted:
            return
        existing = found.get(person.id)
        if existing is not None:
            if suggested and not existing.suggested:
                found[person.id] = replace(
                    existing, suggested=True, child_id=child.id if child else existing.child_id
                )
            return
        found[person.id] = Recipient(
            person_id=person.id,
            name=addressee_name(person),
            reason=reason,
            has_address=bool(address_lines(person)),
            child_id=child.id if child is not None else None,
            suggested=suggested,
            priority=priority,
        )

    about_post = template_key in POSTER_TEMPLATES
    # Posters first, so a parent of two pupils in the incident is written to about the
    # one who posted when the letter is about the post.
    involvements.sort(key=lambda i: i.role is not InvolvementRole.POSTER)
    for involvement in involvements:
        person, role = involvement.person, involvement.role
        is_poster = role is InvolvementRole.POSTER
        if request is not None:
            wanted = request.addressee_id == person.id
        elif about_post:
            wanted = is_poster
        elif template_key in PUPIL_POSTER_TEMPLATES:
            wanted = is_poster and person.kind is PersonKind.PUPIL
        else:
            wanted = person.kind is PersonKind.PUPIL
        if person.kind is PersonKind.PUPIL:
            for parent, link in _letter_parents(session, person.id):
                relation = link.relationship_label or "Parent/carer"
                parent_wanted = wanted or (
                    request is not None and request.addressee_id == parent.id
                )
                add(
                    parent,
                    f"{relation} of {person.full_name} ({role.label.lower()})",
                    person,
                    parent_wanted,
                    link.priority,
                )
        else:
            add(person, f"{person.kind.label} ({role.label.lower()})", None, wanted)
    if request is not None and request.addressee_id not in found:
        # A request to a parent who is not in the incident themselves (their child is).
        addressee = session.get(Person, request.addressee_id)
        if (
            addressee is not None
            and addressee.withdrawn_at is None
            and addressee.kind is not PersonKind.PUPIL  # a pupil's letters go to parents
        ):
            add(
                addressee,
                "The deletion request's addressee",
                _child_in_incident(session, incident, addressee),
                True,
            )
    return sorted(
        found.values(),
        key=lambda r: (not r.suggested, r.priority is None, r.priority or 0, r.name.casefold()),
    )


@dataclass(frozen=True)
class NotOffered:
    """A parent or carer of a pupil in the incident who is not offered this letter, and
    why ("No contact: court order", "No parental responsibility"), so the letter screen
    can say so rather than leave the DSL wondering."""

    person_id: int
    name: str
    child_name: str
    reason: str


@requires(Permission.LETTERS, incident="incident_id")
def not_offered(
    session: Session, incident_id: int, template_key: str, request_id: int | None = None
) -> list[NotOffered]:
    """The parents and carers linked to a pupil in the incident whom `recipients` leaves
    out, each with the reason: a "no contact" restriction (never offered, whatever else
    the link says), or a link not set to receive letters (said to be for want of parental
    responsibility when the MIS says so)."""
    offered = {r.person_id for r in recipients(session, incident_id, template_key, request_id)}
    found: dict[tuple[int, int], NotOffered] = {}
    for involvement in _involvements(session, incident_id):
        child = involvement.person
        if child.kind is not PersonKind.PUPIL:
            continue
        for parent, link in _parents(session, child.id):
            if link.no_contact:
                reason = f"No contact: {link.no_contact_reason or 'restriction recorded'}"
            elif not link.receives_letters and parent.id not in offered:
                reason = "Not set to receive letters"
                if link.parental_responsibility is False:
                    reason += " (no parental responsibility)"
            else:
                continue
            found.setdefault(
                (parent.id, child.id),
                NotOffered(parent.id, addressee_name(parent), child.full_name, reason),
            )
    return list(found.values())


@requires(Permission.LETTERS, incident="incident_id")
def pupils_without_parents(session: Session, incident_id: int) -> list[str]:
    """Pupils in the incident with no parent or carer linked to receive letters (so
    their families can't be written to until someone is linked in People)."""
    names = []
    for involvement in _involvements(session, incident_id):
        person = involvement.person
        if person.kind is PersonKind.PUPIL and not _letter_parents(session, person.id):
            names.append(f"{person.full_name} ({involvement.role.label.lower()})")
    return list(dict.fromkeys(names))


def _restricted_parents(session: Session, pupil_ids: set[int]) -> set[int]:
    """The people with a current "no contact" link to any of these pupils."""
    if not pupil_ids:
        return set()
    return set(
        session.scalars(
            select(ParentChildLink.parent_id).where(
                ParentChildLink.child_id.in_(pupil_ids),
                ParentChildLink.withdrawn_at.is_(None),
                ParentChildLink.no_contact.is_(True),
            )
        )
    )


def _involvements(session: Session, incident_id: int) -> list[Involvement]:
    return list(
        session.scalars(
            select(Involvement)
            .join(Person, Person.id == Involvement.person_id)
            .where(
                Involvement.incident_id == incident_id,
                Involvement.withdrawn_at.is_(None),
                Person.withdrawn_at.is_(None),
            )
            .order_by(Involvement.id)
        )
    )


def _parents(
    session: Session, child_id: int, *, letters_only: bool = False
) -> list[tuple[Person, ParentChildLink]]:
    """A pupil's current parents and carers, in the MIS's priority order (1 first; links
    without a priority last, oldest first)."""
    query = (
        select(Person, ParentChildLink)
        .join(ParentChildLink, ParentChildLink.parent_id == Person.id)
        .where(
            ParentChildLink.child_id == child_id,
            ParentChildLink.withdrawn_at.is_(None),
            Person.withdrawn_at.is_(None),
        )
        .order_by(ParentChildLink.priority.is_(None), ParentChildLink.priority, ParentChildLink.id)
    )
    if letters_only:
        query = query.where(
            ParentChildLink.receives_letters.is_(True), ParentChildLink.no_contact.is_(False)
        )
    return [(person, link) for person, link in session.execute(query)]


def _letter_parents(session: Session, child_id: int) -> list[tuple[Person, ParentChildLink]]:
    return _parents(session, child_id, letters_only=True)


def no_contact_children(session: Session, parent_id: int) -> set[int]:
    """The pupils this person must not be written to about (a "no contact" link)."""
    return set(
        session.scalars(
            select(ParentChildLink.child_id).where(
                ParentChildLink.parent_id == parent_id,
                ParentChildLink.withdrawn_at.is_(None),
                ParentChildLink.no_contact.is_(True),
            )
        )
    )


def _child_in_incident(session: Session, incident: Incident, parent: Person) -> Person | None:
    """A pupil in this incident whom `parent` receives letters about (posters first)."""
    rows = list(
        session.execute(
            select(Person, Involvement.role)
            .join(Involvement, Involvement.person_id == Person.id)
            .join(ParentChildLink, ParentChildLink.child_id == Person.id)
            .where(
                Involvement.incident_id == incident.id,
                Involvement.withdrawn_at.is_(None),
                ParentChildLink.parent_id == parent.id,
                ParentChildLink.withdrawn_at.is_(None),
                ParentChildLink.receives_letters.is_(True),
                ParentChildLink.no_contact.is_(False),
                Person.kind == PersonKind.PUPIL,
                Person.withdrawn_at.is_(None),
            )
            .order_by(Involvement.id)
        )
    )
    rows.sort(key=lambda row: row[1] is not InvolvementRole.POSTER)
    return rows[0][0] if rows else None


def get_request(session: Session, incident: Incident, request_id: int) -> DeletionRequest:
    request = session.get(DeletionRequest, request_id)
    if request is None or request.incident_id != incident.id or request.withdrawn_at is not None:
        raise NotFound("That deletion request is not part of this incident.")
    return request
