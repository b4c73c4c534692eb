"""Who may do what, enforced in the services (the window only hides what a role can't use).

Each service operation is marked `@requires(Permission.X)`. The acting user is the
`actor` argument if the operation has one, else the user the unit of work was opened for
(`session.info`, set by the app). Incidents are also filtered by `visible_incidents`:
office staff see only the incidents they recorded, governors see none, and an incident
marked "DSL only" is seen by the DSL and deputies alone.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from enum import StrEnum
from typing import ParamSpec, TypeVar

from sqlalchemy import ColumnElement, and_, false, true
from sqlalchemy.orm import Session

from app.core.audit import ACTOR
from app.core.errors import NotAllowed, NotFound
from app.core.models import Incident, User
from app.core.vocab import UserRole

P = ParamSpec("P")
R = TypeVar("R")


class Permission(StrEnum):
    READ_INCIDENTS = "read incidents"
    RECORD_INCIDENT = "record an incident"
    EDIT_INCIDENT = "change an incident"
    ADD_EVIDENCE = "add evidence"
    MANAGE_EVIDENCE = "remove or destroy evidence"
    ADD_PERSON = "add a person"
    READ_PEOPLE = "see people"
    MANAGE_PEOPLE = "change people's details"
    ADD_INVOLVEMENT = "add people to an incident"
    DELETION_REQUESTS = "record deletion requests"
    ESCALATE = "record escalations"
    READ_EXCEPTIONS = "see the exceptions register"
    MANAGE_EXCEPTIONS = "declare or withdraw exceptions"
    APPROVE_EXCEPTIONS = "approve exceptions"
    LETTERS = "make and print letters"
    LETTER_TEMPLATES = "change letter wording"
    SETTINGS = "change settings"
    GOVERNORS_REPORT = "see and export the governors' report"
    REPORT_COMMENTARY = "write the governors' commentary"
    ACCOUNTS = "manage accounts"
    AUDIT = "see the audit trail"


_ALL = frozenset(Permission)
_HEADTEACHER = frozenset(
    {
        Permission.READ_INCIDENTS,
        Permission.READ_PEOPLE,
        Permission.READ_EXCEPTIONS,
        Permission.APPROVE_EXCEPTIONS,
        Permission.LETTERS,
        Permission.ESCALATE,
        Permission.GOVERNORS_REPORT,
    }
)
_OFFICE = frozenset(
    {
        Permission.READ_INCIDENTS,  # only the ones they recorded (see visible_incidents)
        Permission.RECORD_INCIDENT,
        Permission.ADD_EVIDENCE,
        Permission.ADD_PERSON,
        Permission.READ_PEOPLE,
        Permission.ADD_INVOLVEMENT,
    }
)
ROLE_PERMISSIONS: dict[UserRole, frozenset[Permission]] = {
    UserRole.DSL: _ALL,
    UserRole.DEPUTY_DSL: _ALL,
    UserRole.HEADTEACHER: _HEADTEACHER,
    UserRole.OFFICE: _OFFICE,
    UserRole.GOVERNOR: frozenset({Permission.GOVERNORS_REPORT}),
}
#: Every operation marked with @requires, by name (the role-matrix test walks this).
OPERATIONS: dict[str, Permission] = {}


def allows(role: UserRole, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def check(user: User, permission: Permission) -> None:
    """NotAllowed, in plain words, unless the user's role allows it."""
    if not user.is_active:
        raise NotAllowed("This account has been deactivated.")
    if not allows(user.role, permission):
        label = user.role.label
        article = "An" if label[0] in "AEIOU" else "A"
        raise NotAllowed(f"{article} {label} account can't {permission.value}.")


def acting_user(session: Session) -> User | None:
    """The user this unit of work is for (None for Footprint's own start-up work)."""
    user_id = session.info.get(ACTOR)
    if user_id is None:
        return None
    cached = session.info.get("footprint_actor")
    if isinstance(cached, User) and cached.id == user_id:
        return cached
    user = session.get(User, user_id)
    session.info["footprint_actor"] = user
    return user


def may(session: Session, permission: Permission) -> bool:
    """Whether the acting user (if any) may; for parts of a page they may not need."""
    user = acting_user(session)
    return user is None or allows(user.role, permission)


def requires(permission: Permission) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a service operation: refuse it unless the acting user's role allows it."""

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind_partial(*args, **kwargs).arguments
            session = bound.get("session")
            if not isinstance(session, Session):
                session = None
            actor = bound.get("actor")
            user = actor if isinstance(actor, User) else None
            if user is None and session is not None:
                user = acting_user(session)
            elif user is not None and session is not None:
                opened_for = session.info.get(ACTOR)
                if opened_for is None:
                    session.info[ACTOR] = user.id  # visibility and the trail follow it
                elif opened_for != user.id:
                    raise NotAllowed(
                        "This was asked for one account in a unit of work opened for "
                        "another; nothing was done."
                    )
            if user is not None:
                check(user, permission)
                incident_id = bound.get("incident_id")
                if session is not None and isinstance(incident_id, int):
                    incident = session.get(Incident, incident_id)
                    if incident is not None and not may_see(session, incident):
                        raise NotFound("That incident does not exist.")
            return function(*args, **kwargs)

        OPERATIONS[f"{function.__module__}.{function.__qualname__}"] = permission
        return guarded

    return wrap


def visible_incidents(session: Session) -> ColumnElement[bool]:
    """The incidents the acting user may see, as a WHERE clause."""
    user = acting_user(session)
    if user is None or user.role in (UserRole.DSL, UserRole.DEPUTY_DSL):
        return true()
    if not allows(user.role, Permission.READ_INCIDENTS):
        return false()
    if user.role is UserRole.OFFICE:
        return and_(Incident.dsl_only.is_(False), Incident.created_by_id == user.id)
    return Incident.dsl_only.is_(False)


def may_see(session: Session, incident: Incident) -> bool:
    user = acting_user(session)
    if user is None or user.role in (UserRole.DSL, UserRole.DEPUTY_DSL):
        return True
    if not allows(user.role, Permission.READ_INCIDENTS) or incident.dsl_only:
        return False
    return user.role is not UserRole.OFFICE or incident.created_by_id == user.id
