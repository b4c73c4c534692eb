"""Escalations: the platform, Report Harmful Content, the helpline, the police, Prevent,
LADO, children's social care and the school's own procedures. Each step goes on the
incident's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import LONDON, today_london, utc_now
from app.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from app.core.models import Escalation, Incident, User
from app.core.permissions import Permission, requires
from app.core.rules.transitions import (
    FINAL_ESCALATION_STATUSES,
    OPEN_ESCALATION_STATUSES,
    REFERENCE_LABELS,
    REFERENCE_REMINDED,
    REFERENCE_REMINDER_DAYS,
    RHC_WAIT_HOURS,
    statuses_for,
)
from app.core.services.chronology import record
from app.core.services.incident_status import follow_the_work
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
    #: What the DSL noted when escalating (not the outcome).
    notes: str = ""
    #: A reference expected and not given yet: when the reminder to add it falls due.
    reference_due_on: date | None = None

    @property
    def is_open(self) -> bool:
        """Still being followed up: every other status is a final outcome."""
        return self.status in OPEN_ESCALATION_STATUSES

    @property
    def awaiting_reference(self) -> bool:
        """Open, with a reference expected that hasn't been added yet."""
        return self.is_open and self.reference_due_on is not None and not self.reference_number

    def reference_due(self, today: date) -> bool:
        return (
            self.awaiting_reference
            and self.reference_due_on is not None
            and self.reference_due_on <= today
        )

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
    """Record that the incident was escalated. The other body's reference is given if it
    is known; where one is expected later (a helpline case number, a crime reference), a
    reminder to add it falls due a few days on — nobody is made to invent one."""
    kind = check_choice("kind", EscalationKind, kind, label="Who it went to")
    check_aware("escalated_at", escalated_at, label="The date escalated")
    check_text("reference_number", reference_number, label="The reference", max_length=100)
    check_text("contact", contact, label="The contact", max_length=300)
    check_text("notes", notes, label="The notes", max_length=5_000, multiline=True)
    reference_number = reference_number.strip()
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
        reference_due_on = None
        if not reference_number and kind in REFERENCE_REMINDED:
            reference_due_on = escalated_at.astimezone(LONDON).date() + timedelta(
                days=REFERENCE_REMINDER_DAYS
            )
        escalation = Escalation(
            incident_id=incident.id,
            kind=kind,
            escalated_at=escalated_at,
            reference_number=reference_number,
            contact=contact,
            notes=notes,
            next_follow_up_on=next_follow_up_on,
            reference_due_on=reference_due_on,
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
        if reference_due_on is not None:
            text += (
                f"; {REFERENCE_LABELS.get(kind, 'reference')} not given yet (a reminder to "
                f"add it is due {format_date(reference_due_on)})"
            )
        record(
            session,
            actor,
            incident,
            ChronologyKind.ESCALATION,
            text + (f". Notes: {notes}" if notes else "."),
            occurred_at=escalated_at,
        )
        follow_the_work(session, actor, incident)
    return escalation


@requires(Permission.ESCALATE)
def add_reference(
    session: Session, actor: User, escalation_id: int, reference_number: str
) -> Escalation:
    """The other body's reference, given after the contact (POSH opens a case, the police
    give a crime reference): a new timeline entry; the escalation's record is unchanged."""
    check_text(
        "reference_number",
        reference_number,
        label="The reference",
        max_length=100,
        required=True,
    )
    with atomic(session):
        escalation = _escalation(session, escalation_id)
        incident = get_incident(session, escalation.incident_id)
        _refuse_if_not_open(incident)
        if escalation.reference_number:
            raise NotAllowed(
                f"This escalation already has its reference ({escalation.reference_number})."
            )
        _add_reference(session, actor, incident, escalation, reference_number.strip())
    return escalation


def _add_reference(
    session: Session,
    actor: User,
    incident: Incident,
    escalation: Escalation,
    reference_number: str,
) -> None:
    escalation.reference_number = reference_number
    escalation.reference_due_on = None
    escalation.updated_by_id = actor.id
    session.flush()
    label = REFERENCE_LABELS.get(escalation.kind, "reference")
    record(
        session,
        actor,
        incident,
        ChronologyKind.REFERENCE_ADDED,
        f"{escalation.kind.label} (escalated {format_datetime(escalation.escalated_at)}): "
        f"{label} {reference_number} added.",
    )


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
    """Move an escalation on (acknowledged, or its outcome: actioned, advised, referral
    accepted…), set its next follow-up, or add the reference that came later."""
    status = check_choice("status", EscalationStatus, status, label="Status")
    check_text("outcome", outcome, label="The outcome", max_length=5_000, multiline=True)
    if reference_number is not None:
        check_text("reference_number", reference_number, label="The reference", max_length=100)
    with atomic(session):
        escalation = _escalation(session, escalation_id)
        incident = get_incident(session, escalation.incident_id)
        _refuse_if_not_open(incident)
        if next_follow_up_on != escalation.next_follow_up_on:
            _check_follow_up(next_follow_up_on)  # a date already set may since have passed
        if (
            reference_number is not None
            and not reference_number.strip()
            and escalation.reference_number
        ):
            raise ValidationError(
                "reference_number",
                f"Keep the {REFERENCE_LABELS.get(escalation.kind, 'reference')}: it is how "
                "the school follows this up (correct it if it was mistyped).",
            )
        if status is not escalation.status and status not in statuses_for(
            escalation.kind, escalation.status
        ):
            if (
                status in FINAL_ESCALATION_STATUSES
                and escalation.status in OPEN_ESCALATION_STATUSES
            ):
                raise NotAllowed(
                    f"“{status.label}” isn't an outcome of an escalation to "
                    f"{escalation.kind.label}."
                )
            raise NotAllowed(
                f"An escalation that is “{escalation.status.label.lower()}” can't become "
                f"“{status.label.lower()}”."
            )
        if status is EscalationStatus.CLOSED_NFA and not outcome.strip():
            raise ValidationError("outcome", "Say what the outcome was before closing it.")
        if status in FINAL_ESCALATION_STATUSES and next_follow_up_on is not None:
            raise ValidationError(
                "next_follow_up_on", "An escalation with its outcome needs no follow-up date."
            )
        changes = []
        if status is not escalation.status:
            changes.append(f"{escalation.status.label.lower()} → {status.label.lower()}")
        if reference_number is not None:
            reference_number = reference_number.strip()
        if (
            reference_number is not None
            and escalation.reference_number
            and reference_number != escalation.reference_number
        ):
            changes.append(
                f"reference corrected from {escalation.reference_number} to {reference_number}"
            )
            escalation.reference_number = reference_number
        if next_follow_up_on != escalation.next_follow_up_on:
            changes.append(
                f"follow up by {format_date(next_follow_up_on)}"
                if next_follow_up_on
                else "no follow-up date"
            )
        if outcome:
            changes.append(f"outcome: {outcome}")
        added = reference_number if reference_number and not escalation.reference_number else None
        if added:
            _add_reference(session, actor, incident, escalation, added)
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
        follow_the_work(session, actor, incident)
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
        escalation = _escalation(session, escalation_id)
        escalation.withdrawn_at = utc_now()
        escalation.withdrawn_by_id = actor.id
        escalation.withdrawn_reason = reason
        session.flush()
        incident = get_incident(session, escalation.incident_id)
        record(
            session,
            actor,
            incident,
            ChronologyKind.ESCALATION,
            f"{escalation.kind.label} withdrawn (recorded in error): {reason}",
        )
        follow_the_work(session, actor, incident)
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
            e.notes,
            e.reference_due_on,
        )
        for e in rows
    ]


def _escalation(session: Session, escalation_id: int) -> Escalation:
    escalation = session.get(Escalation, escalation_id)
    if escalation is None or escalation.withdrawn_at is not None:
        raise NotFound("That escalation does not exist.")
    return escalation


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
