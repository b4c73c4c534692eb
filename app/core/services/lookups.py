"""Fetching one record by id, shared by the services (which import each other one way)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.models import Incident
from app.core.permissions import may_see


def get_incident(session: Session, incident_id: int) -> Incident:
    """An incident by id."""
    incident = session.get(Incident, incident_id)
    if incident is None or not may_see(session, incident):
        raise NotFound("That incident does not exist.")  # the same for one you may not see
    return incident
