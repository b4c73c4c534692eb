"""Next-step guidance for an incident, from what is stored about it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import today_london, utc_now
from app.core.models import Involvement, Person
from app.core.permissions import Permission, requires
from app.core.rules.guidance import (
    EscalationFact,
    IncidentFacts,
    PosterFact,
    RequestFact,
    Step,
    next_steps,
)
from app.core.services.deletion_requests import list_requests
from app.core.services.escalations import list_escalations
from app.core.services.lookups import get_incident
from app.core.vocab import InvolvementRole


def incident_facts(session: Session, incident_id: int) -> IncidentFacts:
    """What the guidance rules need to know about one incident."""
    incident = get_incident(session, incident_id)
    posters = [
        PosterFact(p.id, p.full_name, p.kind)
        for p in session.scalars(
            select(Person)
            .join(Involvement, Involvement.person_id == Person.id)
            .where(
                Involvement.incident_id == incident_id,
                Involvement.withdrawn_at.is_(None),
                Involvement.role == InvolvementRole.POSTER,
            )
            .order_by(Involvement.id)
        )
    ]
    return IncidentFacts(
        status=incident.status,
        categories=frozenset(incident.category_set),
        safeguarding_concern=incident.safeguarding_concern,
        still_live=incident.still_live,
        posters=posters,
        requests=[
            RequestFact(r.id, r.addressee_id, r.outcome, r.sent_at is not None, r.deadline)
            for r in list_requests(session, incident_id)
        ],
        escalations=[
            EscalationFact(e.kind, e.escalated_at, e.status)
            for e in list_escalations(session, incident_id)
        ],
    )


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def guidance_for(session: Session, incident_id: int) -> list[Step]:
    """The next steps the policy suggests for this incident now."""
    return next_steps(incident_facts(session, incident_id), now=utc_now(), today=today_london())
