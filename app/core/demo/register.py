"""A few declared pupil–adult links for the register of contact exceptions."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from app.core.actors import ACTOR
from app.core.clock import LONDON
from app.core.demo import names
from app.core.demo.community import Community
from app.core.demo.replay import clock_at
from app.core.models import User
from app.core.services.accounts import add_account
from app.core.services.contact_exceptions import (
    ExceptionDetails,
    add_exception,
    approve_exception,
)
from app.core.vocab import UserRole

# (relationship, platforms, note, days before now declared, days to approval or None,
# days from declaration to review)
_LINKS = (
    ("Aunt or uncle", "Facebook, WhatsApp", "Declared at the start of the year.", 370, 2, 360),
    ("Cousin (adult)", "Instagram", "Declared when the adult joined the school.", 200, 5, 365),
    ("Godparent (family friend)", "WhatsApp", "Declared by the parent this week.", 3, None, 0),
)


def add_contact_exceptions(
    session: Session, actor: User, rng: random.Random, community: Community, now: datetime
) -> int:
    """Declare (and mostly approve) links between staff and their young relatives at school;
    the first is approved a year ago, so its review is due."""
    head = _headteacher_account(session, actor)
    adults = community.assistants + community.contractors
    # Older pupils, so that a link declared a year ago is to a child already at school.
    pupils = [p for p in community.pupils if p.year_index >= 2]
    for label, platforms, note, declared_ago, approve_after, review_after in _LINKS:
        pupil = rng.choice(pupils)
        declared_on = (now - timedelta(days=declared_ago)).astimezone(LONDON).date()
        # Paperwork is entered in office hours.
        declared = datetime.combine(declared_on, time(10, rng.randint(0, 59)), tzinfo=LONDON)
        with clock_at(declared):
            entry = add_exception(
                session,
                actor,
                ExceptionDetails(
                    pupil_id=pupil.id,
                    adult_id=rng.choice(adults),
                    relationship_label=label,
                    declared_on=declared_on,
                    platforms=platforms,
                    notes=note,
                ),
            )
        if approve_after is not None:
            approved = declared + timedelta(days=approve_after)
            # The headteacher approves links (the school's policy), not the DSL.
            with clock_at(approved), _acting_as(session, head):
                approve_exception(
                    session,
                    head,
                    entry.id,
                    review_on=declared_on + timedelta(days=review_after),
                )
    return len(_LINKS)


def _headteacher_account(session: Session, actor: User) -> User:
    """The demonstration headteacher's account, with no password yet: the DSL sets one
    (Settings → Accounts → Reset password) to try Footprint as the headteacher. Having
    none, it leaves the demo school's first start asking for the DSL's own account."""
    title, given, family, _job = names.KEY_STAFF[0]
    password = "demo " + secrets.token_urlsafe(18)
    head = add_account(
        session, actor, f"{title} {given} {family}", "head", UserRole.HEADTEACHER, password
    )
    head.password_hash = None
    head.must_change_password = False
    session.flush()
    return head


@contextmanager
def _acting_as(session: Session, user: User) -> Iterator[None]:
    """Run a step of the invented history as another account (the trail says who)."""
    before = session.info[ACTOR], session.info.pop("footprint_actor", None)
    session.info[ACTOR] = user.id
    try:
        yield
    finally:
        session.info[ACTOR] = before[0]
        session.info.pop("footprint_actor", None)
        if before[1] is not None:
            session.info["footprint_actor"] = before[1]
