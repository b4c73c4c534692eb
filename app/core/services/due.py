"""What is due and overdue: one set of rules shared by the incident list's "next action
due" column and "overdue only" filter, the dashboard and the start-up notice."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.core.models import DeletionRequest, Escalation, Incident
from app.core.vocab import DeletionOutcome, EscalationStatus, IncidentStatus


def open_request() -> ColumnElement[bool]:
    """A request that was sent and is still waiting for the post to come down."""
    return and_(
        DeletionRequest.withdrawn_at.is_(None),
        DeletionRequest.sent_at.is_not(None),
        DeletionRequest.outcome == DeletionOutcome.PENDING,
        DeletionRequest.deadline.is_not(None),
    )


def open_escalation() -> ColumnElement[bool]:
    """An escalation still being followed up."""
    return and_(
        Escalation.withdrawn_at.is_(None),
        Escalation.status != EscalationStatus.CLOSED_NFA,
        Escalation.next_follow_up_on.is_not(None),
    )


def next_action_due_expr() -> ColumnElement[Any]:
    """Per incident (correlated): the earliest request deadline or follow-up date still
    open; NULL when nothing is pending or the incident is closed."""
    request = (
        select(func.min(DeletionRequest.deadline))
        .where(DeletionRequest.incident_id == Incident.id, open_request())
        .scalar_subquery()
    )
    follow_up = (
        select(func.min(Escalation.next_follow_up_on))
        .where(Escalation.incident_id == Incident.id, open_escalation())
        .scalar_subquery()
    )
    return case(
        (Incident.status == IncidentStatus.CLOSED, None),
        (request.is_(None), follow_up),
        (follow_up.is_(None), request),
        (request < follow_up, request),
        else_=follow_up,
    )


def overdue_condition(today: date) -> ColumnElement[bool]:
    """Open incidents with a request past its deadline or a follow-up that has come due.

    Written as `id IN (…)` rather than EXISTS: the few overdue requests are found first
    through their (outcome, deadline) index, instead of probing every open incident.
    """
    late_requests = select(DeletionRequest.incident_id).where(
        open_request(), DeletionRequest.deadline < today
    )
    due_follow_ups = select(Escalation.incident_id).where(
        open_escalation(), Escalation.next_follow_up_on <= today
    )
    return and_(
        Incident.status != IncidentStatus.CLOSED,
        or_(Incident.id.in_(late_requests), Incident.id.in_(due_follow_ups)),
    )


def next_action_due_for(session: Session, ids: list[int]) -> dict[int, date]:
    """The next action due of each of these incidents (two grouped queries, no N+1)."""
    due: dict[int, date] = {}
    queries = [
        select(DeletionRequest.incident_id, func.min(DeletionRequest.deadline))
        .join(Incident, Incident.id == DeletionRequest.incident_id)
        .where(
            DeletionRequest.incident_id.in_(ids),
            open_request(),
            Incident.status != IncidentStatus.CLOSED,
        )
        .group_by(DeletionRequest.incident_id),
        select(Escalation.incident_id, func.min(Escalation.next_follow_up_on))
        .join(Incident, Incident.id == Escalation.incident_id)
        .where(
            Escalation.incident_id.in_(ids),
            open_escalation(),
            Incident.status != IncidentStatus.CLOSED,
        )
        .group_by(Escalation.incident_id),
    ]
    for query in queries:
        for incident_id, day in session.execute(query):
            if day is not None and (incident_id not in due or day < due[incident_id]):
                due[incident_id] = day
    return due
