"""What closing an incident needs: confirmation when requests or escalations are still
open, and a recorded decision when a safeguarding concern was never escalated."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import DecisionNeeded
from app.core.models import ChronologyEntry, DeletionRequest, Escalation, Incident, Person, User
from app.core.permissions import Permission, requires
from app.core.rules.transitions import OPEN_ESCALATION_STATUSES
from app.core.services.chronology import record
from app.core.services.lookups import get_incident
from app.core.services.validation import atomic, check_text
from app.core.vocab import ChronologyKind, DeletionOutcome, EscalationKind

#: The outside bodies that count as escalating a safeguarding concern (the school's own
#: procedures, the platform or the complaints procedure do not).
SAFEGUARDING_ESCALATIONS = frozenset(
    {
        EscalationKind.POLICE_EMERGENCY,
        EscalationKind.POLICE_NON_EMERGENCY,
        EscalationKind.CHILDRENS_SOCIAL_CARE,
        EscalationKind.LADO,
        EscalationKind.PREVENT,
        EscalationKind.CEOP,
        EscalationKind.IWF_REPORT_REMOVE,
        EscalationKind.ACT,
        EscalationKind.TRUE_VISION,
        EscalationKind.EARLY_HELP_MASH,
    }
)
OPEN_ITEMS = "open_items"
NO_ESCALATION = "no_escalation"


@dataclass(frozen=True)
class CloseDecisions:
    """The DSL's reasons, given when Footprint asked for them."""

    open_items_reason: str = ""
    no_escalation_reason: str = ""


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def open_items(session: Session, incident_id: int) -> list[str]:
    """Requests still waiting and escalations without their outcome yet (open or
    acknowledged: actioned, advised, accepted and the like are outcomes), for the DSL."""
    items = [
        f"request to {name} ({'sent' if sent else 'not sent'})"
        for sent, name in session.execute(
            select(DeletionRequest.sent_at, Person.given_name + " " + Person.family_name)
            .join(Person, Person.id == DeletionRequest.addressee_id)
            .where(
                DeletionRequest.incident_id == incident_id,
                DeletionRequest.withdrawn_at.is_(None),
                DeletionRequest.outcome == DeletionOutcome.PENDING,
            )
        )
    ]
    items += [
        f"{kind.label} ({status.label.lower()})"
        for kind, status in session.execute(
            select(Escalation.kind, Escalation.status).where(
                Escalation.incident_id == incident_id,
                Escalation.withdrawn_at.is_(None),
                Escalation.status.in_(OPEN_ESCALATION_STATUSES),
            )
        )
    ]
    return items


def needs_no_escalation_decision(session: Session, incident: Incident) -> bool:
    """A safeguarding concern with no escalation and no recorded decision not to escalate."""
    if not incident.safeguarding_concern:
        return False
    escalated = session.scalars(
        select(Escalation.id)
        .where(Escalation.incident_id == incident.id, Escalation.withdrawn_at.is_(None))
        .limit(1)
    ).first()
    decided = session.scalars(
        select(ChronologyEntry.id)
        .where(
            ChronologyEntry.incident_id == incident.id,
            ChronologyEntry.kind == ChronologyKind.NO_ESCALATION_DECISION,
        )
        .limit(1)
    ).first()
    return escalated is None and decided is None


@requires(Permission.EDIT_INCIDENT, incident="incident_id")
def record_no_escalation_decision(
    session: Session, actor: User, incident_id: int, reason: str
) -> ChronologyEntry:
    """The DSL decided this safeguarding concern needs no escalation, and why."""
    check_text(
        "no_escalation_reason",
        reason,
        label="The reason",
        max_length=5_000,
        required=True,
        multiline=True,
    )
    with atomic(session):
        incident = get_incident(session, incident_id)
        return record(
            session,
            actor,
            incident,
            ChronologyKind.NO_ESCALATION_DECISION,
            f"Decision not to escalate this safeguarding concern: {reason}",
        )


def check_and_record_closing(
    session: Session, actor: User, incident: Incident, decisions: CloseDecisions
) -> None:
    """Raise DecisionNeeded until the reasons are given; then write them to the timeline."""
    items = open_items(session, incident.id)
    if items and not decisions.open_items_reason.strip():
        raise DecisionNeeded(
            OPEN_ITEMS,
            "This incident still has open items: " + "; ".join(items) + ". Close it anyway? "
            "Say why, for the record.",
            items,
        )
    if needs_no_escalation_decision(session, incident):
        if not decisions.no_escalation_reason.strip():
            raise DecisionNeeded(
                NO_ESCALATION,
                "This is a safeguarding concern that was never escalated. Record why no "
                "escalation is needed before closing it.",
            )
        record_no_escalation_decision(session, actor, incident.id, decisions.no_escalation_reason)
    if items:
        check_text(
            "open_items_reason",
            decisions.open_items_reason,
            label="The reason",
            max_length=5_000,
            multiline=True,
        )
        record(
            session,
            actor,
            incident,
            ChronologyKind.CLOSED_WITH_OPEN_ITEMS,
            "Closed with items still open ("
            + "; ".join(items)
            + "): "
            + decisions.open_items_reason,
        )
