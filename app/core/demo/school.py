"""`footprint demo`: an invented primary school with a year of incidents, for trying the app."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.clock import LONDON, utc_now
from app.core.demo import names
from app.core.demo.community import Community, CommunityBuilder
from app.core.demo.incidents import IncidentBuilder
from app.core.demo.register import add_contact_exceptions
from app.core.demo.replay import clock_at
from app.core.errors import Conflict
from app.core.models import (
    ChronologyEntry,
    DeletionRequest,
    Escalation,
    Incident,
    Involvement,
    Person,
    SchoolSettings,
)
from app.core.rules.school_days import academic_year_of
from app.core.services.school import SchoolDetails, save_settings
from app.core.services.terms import ensure_default_terms, school_calendar
from app.core.services.users import get_user
from app.core.timefmt import format_date
from app.core.vocab import IncidentStatus

DEADLINE_SCHOOL_DAYS = 3
# People are entered a little before the first incident, as a DSL setting up would.
_SET_UP_DAYS_AGO = 375


def build_demo_school(session: Session, user_id: int, *, seed: int = 2026) -> str:
    """Fill an empty log with an invented school and a year of incidents; return a summary."""
    actor = get_user(session, user_id)
    refuse_unless_empty(session)
    rng = random.Random(seed)
    now = utc_now()
    academic_year = academic_year_of(now.astimezone(LONDON).date())
    with clock_at(now - timedelta(days=_SET_UP_DAYS_AGO)):
        save_settings(session, actor, _school_details())
        # Last year's terms hold the oldest incidents; next year's, deadlines set in July.
        ensure_default_terms(session, actor, around=now.astimezone(LONDON).date())
        community = CommunityBuilder(session, actor, rng, academic_year).build()
    terms = school_calendar(session)
    links = add_contact_exceptions(session, actor, rng, community, now)
    IncidentBuilder(session, actor, rng, community, terms, DEADLINE_SCHOOL_DAYS, now).build()
    return _summary(session, community, links, seed)


def refuse_unless_empty(session: Session) -> None:
    """Conflict if the log holds anything a school entered: demo data must never mix in."""
    # Default term dates don't count: Footprint adds them itself at start-up.
    for model in (SchoolSettings, Person, Incident):
        if session.scalars(select(model.id).limit(1)).first() is not None:
            raise Conflict(
                "This log already holds a school's records, so the demonstration school "
                "can't be added: invented data must never be mixed with real records. "
                "Use a new, empty log for the demonstration."
            )


def _school_details() -> SchoolDetails:
    head = names.KEY_STAFF[0]
    dsl, deputy = names.KEY_STAFF[1], names.KEY_STAFF[2]
    return SchoolDetails(
        name=names.SCHOOL_NAME,
        address=f"Kestrel Way\n{names.TOWN}\n{names.POSTCODE_AREA}4 7QX",
        phone="01632 960418",
        email=f"office@{names.SCHOOL_DOMAIN}",
        website=f"https://www.{names.SCHOOL_DOMAIN}/",
        headteacher_name=f"{head[0]} {head[1]} {head[2]}",
        dsl_names=f"{dsl[0]} {dsl[1]} {dsl[2]} (DSL); {deputy[0]} {deputy[1]} {deputy[2]} "
        "(deputy DSL)",
        complaints_url=f"https://www.{names.SCHOOL_DOMAIN}/policies/complaints",
        deletion_deadline_school_days=DEADLINE_SCHOOL_DAYS,
    )


def _summary(session: Session, community: Community, links: int, seed: int) -> str:
    def count(model: type[object]) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    first, last = session.execute(
        select(func.min(Incident.seen_at), func.max(Incident.seen_at))
    ).one()
    still_open = session.scalar(
        select(func.count()).where(Incident.status != IncidentStatus.CLOSED)
    )
    classes = len({p.class_name for p in community.pupils})
    staff = len(community.staff)
    return (
        f"Built the demonstration school “{names.SCHOOL_NAME}” (seed {seed}); every name, "
        f"address and event in it is invented. People: {len(community.pupils)} pupils in "
        f"{classes} classes from Reception to Year 6, {len(community.parents)} parents and "
        f"carers ({community.links} parent–child links), {staff} staff, "
        f"{len(community.governors)} governors, {len(community.volunteers)} volunteers, "
        f"{len(community.contractors)} contractors and {len(community.third_parties)} third "
        f"parties; {links} pupil–adult links declared in the contact register. Incidents: "
        f"{count(Incident)} seen between {format_date(first)} and {format_date(last)} "
        f"({still_open} still open), with {count(Involvement)} people involved, "
        f"{count(ChronologyEntry)} timeline entries, {count(DeletionRequest)} deletion "
        f"requests and {count(Escalation)} escalations."
    )
