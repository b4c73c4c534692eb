"""Fetching one record by id, shared by the services (which import each other one way)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.models import Incident


def get_incident(session: Session, incident_id: int) -> Incident:
    """An incident by id."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("That incident does not exist.")
    return incident
