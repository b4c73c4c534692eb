"""Fetching one record by id, shared by the services (which import each other one way)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.audit import Action, Record, record_look
from app.core.errors import NotFound
from app.core.models import Incident
from app.core.permissions import Permission, may_see, requires


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def open_incident(session: Session, incident_id: int) -> Incident:
    """An incident the actor is opening to read: the look goes on the audit trail, in
    this (writing) unit of work, so it is never shown unrecorded."""
    incident = get_incident(session, incident_id)
    record_look(session, Action.READ, Record.INCIDENT, incident.id)
    return incident


def get_incident(session: Session, incident_id: int) -> Incident:
    """An incident by id."""
    incident = session.get(Incident, incident_id)
    if incident is None or not may_see(session, incident):
        raise NotFound("That incident does not exist.")  # the same for one you may not see
    return incident
