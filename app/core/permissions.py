"""Who may do what, enforced in the services (the window only hides what a role can't use).

Each service operation is marked `@requires(Permission.X)`; its first argument is the
unit of work (a session from `Database.read(actor)` or `Database.write(actor)`), and who
acts is read from there — never guessed from the operation's parameters. A unit of work
with no actor is refused. An operation about one incident says which parameter names it
(`incident="incident_id"`) and is refused, as "does not exist", for an incident the
actor may not see. Lists are filtered explicitly with `visible_incidents(session)`:
office staff see only the incidents they recorded, governors see none, and a restricted
incident (the "DSL only" flag) is seen by the DSL and deputies and by its case manager
alone — the headteacher for an allegation about staff, the chair of governors when it
concerns the headteacher; the chair of governors sees nothing else. Footprint's own work
(SYSTEM) may do and see everything.

Exceptions are approved by the headteacher (the school's policy): the DSL and deputies
declare them but approve one only when the school has named their account as also being
the headteacher (Settings), and that approval says so.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from enum import StrEnum
from typing import ParamSpec, TypeVar

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from app.core.actors import ACTOR
from app.core.errors import NotAllowed, NotFound
from app.core.models import ChronologyEntry, Incident, SchoolSettings, User
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
    READ_PERSON_DETAILS = "see people's details (dates of birth, addresses, notes)"
    MANAGE_PEOPLE = "change people's details"
    IMPORT_PEOPLE = "import pupils, contacts and staff from the MIS"
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
    CASE_FILES = "export case files and transfer child protection files"
    SUBJECT_ACCESS = "answer subject access requests"
    REVIEW_RETENTION = "see what is due for retention review, and place legal holds"
    DISPOSE_RECORDS = (
        "dispose of records or keep them longer, lift legal holds and set retention periods"
    )


_ALL = frozenset(Permission)
#: The DSL and deputies may do everything but approve exceptions: the headteacher does
#: that (unless the school names a DSL's account as also the headteacher, see `granted`).
#: Disposing of records (the one place Footprint erases) is the DSL's alone: not a
#: deputy's, not the headteacher's.
_DSL_TEAM = _ALL - {Permission.APPROVE_EXCEPTIONS, Permission.DISPOSE_RECORDS}
_HEADTEACHER = frozenset(
    {
        Permission.READ_INCIDENTS,
        Permission.READ_PEOPLE,
        Permission.READ_PERSON_DETAILS,
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
        Permission.READ_PEOPLE,  # names, to pick people; not their details
        Permission.ADD_INVOLVEMENT,
    }
)
#: The case manager when an allegation concerns the headteacher: the incidents they are
#: named on (see visible_incidents), the escalations they make, and the governors' report
#: as every governor has it. No people directory, no register, no letters.
_CHAIR = frozenset({Permission.READ_INCIDENTS, Permission.ESCALATE, Permission.GOVERNORS_REPORT})
ROLE_PERMISSIONS: dict[UserRole, frozenset[Permission]] = {
    UserRole.DSL: _DSL_TEAM | {Permission.DISPOSE_RECORDS},
    UserRole.DEPUTY_DSL: _DSL_TEAM,
    UserRole.HEADTEACHER: _HEADTEACHER,
    UserRole.OFFICE: _OFFICE,
    UserRole.GOVERNOR: frozenset({Permission.GOVERNORS_REPORT}),
    UserRole.CHAIR_OF_GOVERNORS: _CHAIR,
}
DSL_TEAM = frozenset({UserRole.DSL, UserRole.DEPUTY_DSL})
#: The roles a restricted incident's case manager may have.
CASE_MANAGER_ROLES = frozenset({UserRole.HEADTEACHER, UserRole.CHAIR_OF_GOVERNORS})
#: Every operation marked with @requires, by name (the role-matrix test walks this).
OPERATIONS: dict[str, Permission] = {}
#: The operations about one incident, whose visibility they check.
INCIDENT_OPERATIONS: set[str] = set()


def allows(role: UserRole, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def is_dsl_headteacher(session: Session, user: User) -> bool:
    """Whether the school has named this DSL (or deputy) account as also the headteacher."""
    if user.role not in DSL_TEAM:
        return False
    named = session.scalar(select(SchoolSettings.dsl_headteacher_id).order_by(SchoolSettings.id))
    return named == user.id


def granted(session: Session | None, user: User, permission: Permission) -> bool:
    """Whether this account may: its role's permissions, and approving exceptions for a
    DSL the school has named as also the headteacher."""
    if allows(user.role, permission):
        return True
    return (
        permission is Permission.APPROVE_EXCEPTIONS
        and session is not None
        and is_dsl_headteacher(session, user)
    )


def check(user: User, permission: Permission, session: Session | None = None) -> None:
    """NotAllowed, in plain words, unless the user's role allows it."""
    if not user.is_active:
        raise NotAllowed("This account has been deactivated.")
    if not granted(session, user, permission):
        label = user.role.label
        article = "An" if label[0] in "AEIOU" else "A"
        why = ""
        if permission is Permission.APPROVE_EXCEPTIONS and user.role in DSL_TEAM:
            why = (
                " The headteacher approves them (the school's policy); where the DSL is "
                "also the headteacher, name their account in Settings → Accounts."
            )
        raise NotAllowed(f"{article} {label} account can't {permission.value}.{why}")


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
    return user is None or (user.is_active and granted(session, user, permission))


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
                check(user, permission, session)
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
    if user is None or user.role in DSL_TEAM:
        return true()
    if not allows(user.role, Permission.READ_INCIDENTS):
        return false()
    if user.role is UserRole.OFFICE:
        return and_(Incident.dsl_only.is_(False), Incident.created_by_id == user.id)
    if user.role is UserRole.CHAIR_OF_GOVERNORS:
        return and_(Incident.dsl_only.is_(True), Incident.case_manager_id == user.id)
    if user.role is UserRole.HEADTEACHER:
        return or_(Incident.dsl_only.is_(False), Incident.case_manager_id == user.id)
    return Incident.dsl_only.is_(False)


def may_see(session: Session, incident: Incident) -> bool:
    user = acting_user(session)
    return user is None or account_may_see(user, incident)


def account_may_see(user: User, incident: Incident) -> bool:
    """Whether this account may see the incident (the rule `visible_incidents` writes as
    SQL): the DSL team everything; a restricted incident also its case manager; office
    staff what they recorded; the chair of governors only what they are named on."""
    if not user.is_active:
        return False
    if user.role in DSL_TEAM:
        return True
    if not allows(user.role, Permission.READ_INCIDENTS):
        return False
    manages = incident.dsl_only and incident.case_manager_id == user.id
    if user.role is UserRole.CHAIR_OF_GOVERNORS:
        return manages
    if user.role is UserRole.HEADTEACHER:
        return manages or not incident.dsl_only
    if incident.dsl_only:
        return False
    return user.role is not UserRole.OFFICE or incident.created_by_id == user.id


def visible_entries(session: Session) -> ColumnElement[bool]:
    """The timeline entries the acting user may read, of incidents they may see: office
    staff read only what they wrote themselves (not the DSL's notes and casework)."""
    user = acting_user(session)
    if user is not None and user.role is UserRole.OFFICE:
        return ChronologyEntry.created_by_id == user.id
    return true()
