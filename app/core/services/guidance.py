"""Next-step guidance for an incident, from what is stored about it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import LONDON, today_london, utc_now
from app.core.models import Involvement, Person
from app.core.permissions import Permission, may, requires
from app.core.rules.guidance import (
    EscalationFact,
    IncidentFacts,
    LinkFact,
    PosterFact,
    RequestFact,
    Step,
    next_steps,
)
from app.core.services.contact_exceptions import links_among
from app.core.services.deletion_requests import list_requests
from app.core.services.escalations import list_escalations
from app.core.services.lookups import get_incident
from app.core.vocab import InvolvementRole


def incident_facts(session: Session, incident_id: int) -> IncidentFacts:
    """What the guidance rules need to know about one incident."""
    incident = get_incident(session, incident_id)
    posters: list[PosterFact] = []
    others: list[PosterFact] = []
    for person, role in session.execute(
        select(Person, Involvement.role)
        .join(Involvement, Involvement.person_id == Person.id)
        .where(Involvement.incident_id == incident_id, Involvement.withdrawn_at.is_(None))
        .order_by(Involvement.id)
    ):
        fact = PosterFact(person.id, person.full_name, person.kind)
        if role is InvolvementRole.POSTER:
            posters.append(fact)
        elif fact not in others:
            others.append(fact)
    others = [p for p in others if p not in posters]  # someone may be in two roles
    links = None
    if may(session, Permission.READ_EXCEPTIONS):
        links = [
            LinkFact(
                row.pupil_id,
                row.adult_id,
                row.relationship_label,
                row.approved_at is not None,
                row.approved_at.astimezone(LONDON).date() if row.approved_at else None,
                row.platforms,
            )
            for row in links_among(session, {p.person_id for p in posters + others})
        ]
    known = [t for t in (incident.seen_at, incident.reported_at) if t is not None]
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
        others=others,
        links=links,
        aware_at=min(known) if known else None,
        parent_informed=incident.parent_informed,
        parent_informed_by=incident.parent_informed_by,
    )


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def guidance_for(session: Session, incident_id: int) -> list[Step]:
    """The next steps the policy suggests for this incident now."""
    return next_steps(incident_facts(session, incident_id), now=utc_now(), today=today_london())
