"""Who may do what, enforced in the services (the window only hides what a role can't use).

Each service operation is marked `@requires(Permission.X)`; its first argument is the
unit of work (a session from `Database.read(actor)` or `Database.write(actor)`), and who
acts is read from there — never guessed from the operation's parameters. A unit of work
with no actor is refused. An operation about one incident says which parameter names it
(`incident="incident_id"`) and is refused, as "does not exist", for an incident the
actor may not see. Lists are filtered explicitly with `visible_incidents(session)`:
office staff see only the incidents they recorded, governors see none, and an incident
marked "DSL only" is seen by the DSL and deputies alone. Footprint's own work (SYSTEM)
may do and see everything.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from enum import StrEnum
from typing import ParamSpec, TypeVar

from sqlalchemy import ColumnElement, and_, false, true
from sqlalchemy.orm import Session

from app.core.actors import ACTOR
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
#: The operations about one incident, whose visibility they check.
INCIDENT_OPERATIONS: set[str] = set()


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
    """The user this unit of work is for (None for Footprint's own work, SYSTEM);
    NotAllowed for a session opened for nobody."""
    if ACTOR not in session.info:
        raise NotAllowed("No one is signed in, so nothing was done.")
    user_id = session.info.get(ACTOR)
    if not isinstance(user_id, int):
        return None
    cached = session.info.get("footprint_actor")
    if isinstance(cached, User) and cached.id == user_id:
        return cached
    user = session.get(User, user_id)
    if user is None:
        raise NotAllowed("That account does not exist, so nothing was done.")
    session.info["footprint_actor"] = user
    return user


def may(session: Session, permission: Permission) -> bool:
    """Whether the acting user may; for parts of a page they may not need."""
    user = acting_user(session)
    return user is None or allows(user.role, permission)


def requires(
    permission: Permission, *, incident: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a service operation: refuse it unless the unit of work's actor may. With
    `incident`, the named parameter is an incident the actor must be able to see."""

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)
        if incident is not None and incident not in signature.parameters:
            raise TypeError(f"{function.__qualname__} has no parameter {incident!r}")

        @functools.wraps(function)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            session = args[0] if args else kwargs.get("session")
            if not isinstance(session, Session):
                raise TypeError(f"{function.__qualname__} is called with its unit of work first")
            user = acting_user(session)  # refuses a unit of work opened for nobody
            if user is not None:
                check(user, permission)
                # A service given an account as well must be given the one acting.
                given = args[1] if len(args) > 1 else kwargs.get("actor")
                if isinstance(given, User) and given.id != user.id:
                    raise NotAllowed(
                        "This was asked for one account in a unit of work opened for "
                        "another; nothing was done."
                    )
                if incident is not None:
                    incident_id = signature.bind_partial(*args, **kwargs).arguments.get(incident)
                    if isinstance(incident_id, int):
                        require_visible(session, incident_id)
            return function(*args, **kwargs)

        OPERATIONS[f"{function.__module__}.{function.__qualname__}"] = permission
        if incident is not None:
            INCIDENT_OPERATIONS.add(f"{function.__module__}.{function.__qualname__}")
        return guarded

    return wrap


def require_visible(session: Session, incident_id: int) -> None:
    """NotFound, as if it did not exist, for an incident the actor may not see."""
    found = session.get(Incident, incident_id)
    if found is not None and not may_see(session, found):
        raise NotFound("That incident does not exist.")


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
