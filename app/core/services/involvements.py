"""Who was involved in an incident, and in what role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import utc_now
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.models import Involvement, Person, User
from app.core.permissions import Permission, requires
from app.core.services import search_index
from app.core.services.chronology import record
from app.core.services.lookups import get_incident
from app.core.services.validation import atomic, check_choice, check_text
from app.core.vocab import ChronologyKind, InvolvementRole, PersonKind


@dataclass(frozen=True)
class InvolvementRow:
    """One person's role in an incident, as the people panel shows it."""

    id: int
    person_id: int
    person_name: str
    person_kind: PersonKind
    role: InvolvementRole
    notes: str


@requires(Permission.ADD_INVOLVEMENT, incident="incident_id")
def add_involvement(
    session: Session,
    actor: User,
    incident_id: int,
    person_id: int,
    role: InvolvementRole,
    *,
    notes: str = "",
) -> Involvement:
    """Add a person to an incident in a role (a person may hold several roles)."""
    role = check_choice("role", InvolvementRole, role, label="Role")
    check_text("notes", notes, label="The notes", max_length=2_000, multiline=True)
    with atomic(session):
        incident = get_incident(session, incident_id)
        person = session.get(Person, person_id)
        if person is None or person.withdrawn_at is not None:
            raise ValidationError("person", "Choose a person from the directory.")
        duplicate = session.scalars(
            select(Involvement.id).where(
                Involvement.incident_id == incident_id,
                Involvement.person_id == person_id,
                Involvement.role == role,
                Involvement.withdrawn_at.is_(None),
            )
        ).first()
        if duplicate is not None:
            raise Conflict(
                f"{person.full_name} is already on this incident as {role.label.lower()}."
            )
        involvement = Involvement(
            incident_id=incident_id,
            person_id=person_id,
            role=role,
            notes=notes,
            created_by_id=actor.id,
            # What was true when they were added: September's rollover must not change
            # what a letter or the governors' report says about this incident.
            year_group_then=person.year_group if person.kind is PersonKind.PUPIL else None,
            class_name_then=person.class_name if person.kind is PersonKind.PUPIL else None,
        )
        session.add(involvement)
        session.flush()
        record(
            session,
            actor,
            incident,
            ChronologyKind.PERSON_ADDED,
            f"{person.full_name} added as {role.label.lower()}.",
        )
        search_index.refresh(session, [incident_id])
    return involvement


@requires(Permission.EDIT_INCIDENT)
def withdraw_involvement(
    session: Session, actor: User, involvement_id: int, reason: str
) -> Involvement:
    """Take a person off an incident (entered in error); the record stays, withdrawn."""
    check_text(
        "reason", reason, label="The reason", max_length=1_000, required=True, multiline=True
    )
    with atomic(session):
        involvement = session.get(Involvement, involvement_id)
        if involvement is None or involvement.withdrawn_at is not None:
            raise NotFound("That person is not on this incident.")
        involvement.withdrawn_at = utc_now()
        involvement.withdrawn_by_id = actor.id
        involvement.withdrawn_reason = reason
        session.flush()
        record(
            session,
            actor,
            involvement.incident,
            ChronologyKind.PERSON_REMOVED,
            f"{involvement.person.full_name} removed as {involvement.role.label.lower()}: {reason}",
        )
        search_index.refresh(session, [involvement.incident_id])
    return involvement


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def list_involvements(session: Session, incident_id: int) -> list[InvolvementRow]:
    """The people currently on an incident, in the order they were added."""
    rows = session.execute(
        select(Involvement, Person)
        .join(Person, Person.id == Involvement.person_id)
        .where(Involvement.incident_id == incident_id, Involvement.withdrawn_at.is_(None))
        .order_by(Involvement.id)
    ).all()
    return [
        InvolvementRow(inv.id, person.id, person.full_name, person.kind, inv.role, inv.notes)
        for inv, person in rows
    ]
