"""Moving an incident's status on as the work is done, on the timeline (append-only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import utc_now
from app.core.models import DeletionRequest, Escalation, Incident, User
from app.core.permissions import Permission, requires
from app.core.rules.incident_status import WorkDone, status_from_work
from app.core.rules.transitions import OPEN_ESCALATION_STATUSES
from app.core.services.chronology import record
from app.core.services.lookups import get_incident
from app.core.vocab import ChronologyKind, DeletionOutcome, IncidentStatus


def work_done(session: Session, incident_id: int) -> WorkDone:
    """What has been sent and escalated on this incident (withdrawn records left out)."""
    requests = select(DeletionRequest.id).where(
        DeletionRequest.incident_id == incident_id,
        DeletionRequest.withdrawn_at.is_(None),
        DeletionRequest.sent_at.is_not(None),
    )
    escalations = select(Escalation.id).where(
        Escalation.incident_id == incident_id, Escalation.withdrawn_at.is_(None)
    )
    sent, waiting, escalated, escalation_open = session.execute(
        select(
            requests.exists(),
            requests.where(DeletionRequest.outcome == DeletionOutcome.PENDING).exists(),
            escalations.exists(),
            escalations.where(Escalation.status.in_(OPEN_ESCALATION_STATUSES)).exists(),
        )
    ).one()
    return WorkDone(
        escalation_open=bool(escalation_open),
        request_waiting=bool(waiting),
        request_sent=bool(sent),
        escalated=bool(escalated),
    )


def follow_the_work(session: Session, actor: User, incident: Incident) -> None:
    """Set the status the work calls for (if it differs), and say so on the timeline.
    Called by the services that send requests and make or close escalations."""
    if incident.withdrawn_at is not None:
        return
    change = status_from_work(incident.status, work_done(session, incident.id))
    if change is None:
        return
    status, why = change
    old = incident.status
    incident.status = status
    incident.updated_by_id = actor.id
    incident.updated_at = utc_now()
    session.flush()
    record(
        session,
        actor,
        incident,
        ChronologyKind.STATUS_CHANGED,
        f"Status changed from {old.label} to {status.label}: {why}.",
    )


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def incident_state(session: Session, incident_id: int) -> tuple[IncidentStatus, int]:
    """An incident's status and version as stored now (for a window that has it open and
    has just sent a request or made an escalation, which may have moved the status on)."""
    incident = get_incident(session, incident_id)
    return incident.status, incident.version
