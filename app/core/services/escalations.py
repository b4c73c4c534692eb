"""Escalations: the platform, Report Harmful Content, the helpline, the police, Prevent,
LADO, children's social care and the school's own procedures. Each step goes on the
incident's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import today_london, utc_now
from app.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from app.core.models import Escalation, Incident, User
from app.core.permissions import Permission, requires
from app.core.rules.transitions import (
    ESCALATION_STATUSES,
    REFERENCE_LABELS,
    REFERENCE_REQUIRED,
    RHC_WAIT_HOURS,
)
from app.core.services.chronology import record
from app.core.services.lookups import get_incident
from app.core.services.validation import atomic, check_aware, check_choice, check_text
from app.core.timefmt import format_date, format_datetime
from app.core.vocab import ChronologyKind, EscalationKind, EscalationStatus, IncidentStatus


@dataclass(frozen=True)
class EscalationRow:
    """One escalation as the incident window lists it."""

    id: int
    kind: EscalationKind
    escalated_at: datetime
    reference_number: str
    contact: str
    status: EscalationStatus
    outcome: str
    next_follow_up_on: date | None

    @property
    def is_open(self) -> bool:
        return self.status is not EscalationStatus.CLOSED_NFA

    def follow_up_due(self, today: date) -> bool:
        return (
            self.is_open and self.next_follow_up_on is not None and self.next_follow_up_on <= today
        )


@requires(Permission.ESCALATE, incident="incident_id")
def create_escalation(
    session: Session,
    actor: User,
    incident_id: int,
    *,
    kind: EscalationKind,
    escalated_at: datetime,
    reference_number: str = "",
    contact: str = "",
    next_follow_up_on: date | None = None,
    notes: str = "",
) -> Escalation:
    """Record that the incident was escalated (with the other body's reference)."""
    kind = check_choice("kind", EscalationKind, kind, label="Who it went to")
    check_aware("escalated_at", escalated_at, label="The date escalated")
    check_text("reference_number", reference_number, label="The reference", max_length=100)
    check_text("contact", contact, label="The contact", max_length=300)
    check_text("notes", notes, label="The notes", max_length=5_000, multiline=True)
    if kind in REFERENCE_REQUIRED and not reference_number.strip():
        raise ValidationError(
            "reference_number",
            f"Give the {REFERENCE_LABELS[kind]}: it is how the school follows this up.",
        )
    _check_follow_up(next_follow_up_on)
    with atomic(session):
        incident = get_incident(session, incident_id)
        _refuse_if_not_open(incident)
        if escalated_at < incident.seen_at.replace(second=0, microsecond=0):
            raise ValidationError(
                "escalated_at", "It can't have been escalated before the post was seen."
            )
        if kind is EscalationKind.REPORT_HARMFUL_CONTENT:
            _check_rhc_wait(session, incident, escalated_at)
        escalation = Escalation(
            incident_id=incident.id,
            kind=kind,
            escalated_at=escalated_at,
            reference_number=reference_number,
            contact=contact,
            outcome=notes,
            next_follow_up_on=next_follow_up_on,
            created_by_id=actor.id,
        )
        session.add(escalation)
        session.flush()
        text = f"Escalated: {kind.label}"
        if reference_number:
            text += f", {REFERENCE_LABELS.get(kind, 'reference')} {reference_number}"
        if contact:
            text += f", contact {contact}"
        if next_follow_up_on:
            text += f"; follow up by {format_date(next_follow_up_on)}"
        record(
            session,
            actor,
            incident,
            ChronologyKind.ESCALATION,
            text + (f". {notes}" if notes else "."),
            occurred_at=escalated_at,
        )
    return escalation


@requires(Permission.ESCALATE)
def update_escalation(
    session: Session,
    actor: User,
    escalation_id: int,
    *,
    status: EscalationStatus,
    outcome: str = "",
    next_follow_up_on: date | None = None,
    reference_number: str | None = None,
) -> Escalation:
    """Move an escalation on (acknowledged, actioned, closed) or set its next follow-up."""
    status = check_choice("status", EscalationStatus, status, label="Status")
    check_text("outcome", outcome, label="The outcome", max_length=5_000, multiline=True)
    if reference_number is not None:
        check_text("reference_number", reference_number, label="The reference", max_length=100)
    with atomic(session):
        escalation = session.get(Escalation, escalation_id)
        if escalation is None or escalation.withdrawn_at is not None:
            raise NotFound("That escalation does not exist.")
        incident = get_incident(session, escalation.incident_id)
        _refuse_if_not_open(incident)
        if next_follow_up_on != escalation.next_follow_up_on:
            _check_follow_up(next_follow_up_on)  # a date already set may since have passed
        if (
            reference_number is not None
            and not reference_number.strip()
            and escalation.kind in REFERENCE_REQUIRED
        ):
            raise ValidationError(
                "reference_number",
                f"Keep the {REFERENCE_LABELS[escalation.kind]}: it is how "
                "the school follows this up.",
            )
        if status is not escalation.status and status not in ESCALATION_STATUSES[escalation.status]:
            raise NotAllowed(
                f"An escalation that is “{escalation.status.label.lower()}” can't become "
                f"“{status.label.lower()}”."
            )
        if status is EscalationStatus.CLOSED_NFA:
            if not outcome.strip():
                raise ValidationError("outcome", "Say what the outcome was before closing it.")
            if next_follow_up_on is not None:
                raise ValidationError(
                    "next_follow_up_on", "A closed escalation needs no follow-up date."
                )
        changes = []
        if status is not escalation.status:
            changes.append(f"{escalation.status.label.lower()} → {status.label.lower()}")
        if reference_number is not None and reference_number != escalation.reference_number:
            changes.append(f"reference {reference_number}")
            escalation.reference_number = reference_number
        if next_follow_up_on != escalation.next_follow_up_on:
            changes.append(
                f"follow up by {format_date(next_follow_up_on)}"
                if next_follow_up_on
                else "no follow-up date"
            )
        if outcome:
            changes.append(f"outcome: {outcome}")
        if not changes:
            return escalation
        escalation.status = status
        escalation.next_follow_up_on = next_follow_up_on
        if outcome:
            escalation.outcome = outcome
        escalation.updated_by_id = actor.id
        session.flush()
        record(
            session,
            actor,
            incident,
            ChronologyKind.ESCALATION,
            f"{escalation.kind.label}: " + "; ".join(changes) + ".",
        )
    return escalation


@requires(Permission.ESCALATE)
def withdraw_escalation(
    session: Session, actor: User, escalation_id: int, reason: str
) -> Escalation:
    """An escalation recorded in error: kept, marked withdrawn, with the reason."""
    check_text(
        "reason", reason, label="The reason", max_length=1_000, required=True, multiline=True
    )
    with atomic(session):
        escalation = session.get(Escalation, escalation_id)
        if escalation is None or escalation.withdrawn_at is not None:
            raise NotFound("That escalation does not exist.")
        escalation.withdrawn_at = utc_now()
        escalation.withdrawn_by_id = actor.id
        escalation.withdrawn_reason = reason
        session.flush()
        record(
            session,
            actor,
            get_incident(session, escalation.incident_id),
            ChronologyKind.ESCALATION,
            f"{escalation.kind.label} withdrawn (recorded in error): {reason}",
        )
    return escalation


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def list_escalations(session: Session, incident_id: int) -> list[EscalationRow]:
    """An incident's escalations, oldest first (withdrawn ones left out)."""
    rows = session.scalars(
        select(Escalation)
        .where(Escalation.incident_id == incident_id, Escalation.withdrawn_at.is_(None))
        .order_by(Escalation.escalated_at, Escalation.id)
    )
    return [
        EscalationRow(
            e.id,
            e.kind,
            e.escalated_at,
            e.reference_number,
            e.contact,
            e.status,
            e.outcome,
            e.next_follow_up_on,
        )
        for e in rows
    ]


def _refuse_if_not_open(incident: Incident) -> None:
    if incident.withdrawn_at is not None:
        raise Conflict("This incident has been withdrawn and can't be changed.")
    if incident.status is IncidentStatus.CLOSED:
        raise NotAllowed("This incident is closed: reopen it (set its status) first.")


def _check_follow_up(day: date | None) -> None:
    if day is not None and day < today_london():
        raise ValidationError("next_follow_up_on", "The follow-up date can't be in the past.")


def _check_rhc_wait(session: Session, incident: Incident, when: datetime) -> None:
    reports = session.scalars(
        select(Escalation.escalated_at).where(
            Escalation.incident_id == incident.id,
            Escalation.withdrawn_at.is_(None),
            Escalation.kind == EscalationKind.PLATFORM_REPORT,
        )
    ).all()
    if not reports:
        raise NotAllowed(
            "Report Harmful Content takes a report only after the platform has "
            "been told: report it to the platform first."
        )
    ready = min(reports) + timedelta(hours=RHC_WAIT_HOURS)
    if when < ready:
        raise NotAllowed(
            "Report Harmful Content takes a report only 48 hours after the platform was "
            f"told: from {format_datetime(ready)}."
        )
