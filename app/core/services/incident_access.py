"""Who can see an incident: the accounts a restricted incident is open to (the DSL team
and its case manager), shown in the incident window, and the accounts that may be named
as case manager (KCSIE Part 4: the headteacher for an allegation about staff, the chair
of governors when it concerns the headteacher)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.models import User
from app.core.permissions import (
    CASE_MANAGER_ROLES,
    DSL_TEAM,
    Permission,
    account_may_see,
    requires,
)
from app.core.services.lookups import get_incident
from app.core.vocab import UserRole


@dataclass(frozen=True)
class AccountRow:
    """An account as the incident window names it."""

    id: int
    name: str
    role: UserRole

    @property
    def described(self) -> str:
        return f"{self.name} ({self.role.label})"


@dataclass(frozen=True)
class IncidentAccess:
    """Who can open one incident, and why, in the window's words."""

    restricted: bool
    case_manager: AccountRow | None
    accounts: list[AccountRow]

    @property
    def summary(self) -> str:
        names = ", ".join(a.described for a in self.accounts) or "no one"
        if not self.restricted:
            return f"Not restricted. Open to: {names}."
        if self.case_manager is None:
            return (
                f"Restricted, with no case manager named: open only to the DSL team ({names}). "
                "For an allegation about staff, name the case manager — the headteacher, or "
                "the chair of governors when it concerns the headteacher — so they can open it."
            )
        return (
            f"Restricted: open to the DSL team and the case manager, "
            f"{self.case_manager.described}. Open to: {names}."
        )


def _row(user: User) -> AccountRow:
    return AccountRow(user.id, user.display_name, user.role)


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def who_can_see(session: Session, incident_id: int) -> IncidentAccess:
    """The active accounts that can open this incident (by the same rule the services
    apply), the DSL team first."""
    incident = get_incident(session, incident_id)
    users = session.scalars(select(User).where(User.is_active.is_(True))).all()
    order = {role: index for index, role in enumerate(UserRole)}
    seeing = sorted(
        (u for u in users if account_may_see(u, incident)),
        key=lambda u: (u.role not in DSL_TEAM, order[u.role], u.display_name.casefold(), u.id),
    )
    manager = session.get(User, incident.case_manager_id) if incident.case_manager_id else None
    return IncidentAccess(
        restricted=incident.dsl_only,
        case_manager=_row(manager) if manager is not None and incident.dsl_only else None,
        accounts=[_row(u) for u in seeing],
    )


@requires(Permission.EDIT_INCIDENT)
def case_manager_candidates(session: Session) -> list[AccountRow]:
    """Active headteachers' and chairs of governors' accounts, headteachers first."""
    users = session.scalars(
        select(User).where(User.is_active.is_(True), User.role.in_(CASE_MANAGER_ROLES))
    ).all()
    return [
        _row(u)
        for u in sorted(
            users, key=lambda u: (u.role is not UserRole.HEADTEACHER, u.display_name.casefold())
        )
    ]
