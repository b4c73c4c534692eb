"""The figures on the DSL's dashboard; each one corresponds to a filter of the lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from app.core.models import ChronologyEntry, Incident, User
from app.core.permissions import (
    Permission,
    may,
    requires,
    visible_entries,
    visible_incidents,
)
from app.core.services.contact_exceptions import reviews_due
from app.core.vocab import ChronologyKind, IncidentStatus

#: Every status but closed, in workflow order.
OPEN_STATUSES = tuple(s for s in IncidentStatus if s is not IncidentStatus.CLOSED)


@dataclass(frozen=True)
class ActivityRow:
    """One recent timeline entry, across all incidents."""

    incident_id: int
    reference: str
    occurred_at: datetime
    kind: ChronologyKind
    author: str
    text: str


@dataclass(frozen=True)
class DashboardFigures:
    """What the dashboard shows."""

    open_by_status: dict[IncidentStatus, int]
    open_safeguarding: int
    exception_reviews_due: int
    recent: list[ActivityRow]

    @property
    def open_total(self) -> int:
        return sum(self.open_by_status.values())


@requires(Permission.READ_INCIDENTS)
def dashboard_figures(session: Session, *, recent_limit: int = 15) -> DashboardFigures:
    """Counts of open work, and the latest activity (two small queries). The counts walk
    the status index over open incidents only (`IN`, not `!= closed`, which would read
    every closed incident of every year): open work, not the log's history."""
    counted = session.execute(
        select(
            Incident.status,
            func.count(Incident.id),
            func.sum(case((Incident.safeguarding_concern.is_(True), 1), else_=0)),
        )
        .where(
            Incident.status.in_(OPEN_STATUSES),
            Incident.withdrawn_at.is_(None),
            visible_incidents(session),
        )
        .group_by(Incident.status)
    ).all()
    by_status = {status: count for status, count, _ in counted}
    open_by_status: dict[IncidentStatus, int] = {s: by_status.get(s, 0) for s in OPEN_STATUSES}
    safeguarding = sum(int(concerns or 0) for _, _, concerns in counted)
    recent = recent_activity(session, limit=recent_limit)
    return DashboardFigures(
        open_by_status=open_by_status,
        open_safeguarding=int(safeguarding or 0),
        exception_reviews_due=(
            len(reviews_due(session)) if may(session, Permission.READ_EXCEPTIONS) else 0
        ),
        recent=recent,
    )


#: Aliased once, so the statement is compiled once (see contact_exceptions._PUPIL).
_AUTHOR = aliased(User, name="author")


@requires(Permission.READ_INCIDENTS)
def recent_activity(session: Session, *, limit: int = 15) -> list[ActivityRow]:
    """The latest timeline entries across the incidents the account may see (newest
    first, through the entries' primary key)."""
    author = _AUTHOR
    return [
        ActivityRow(r[0], r[1], r[2], r[3], r[4], r[5])
        for r in session.execute(
            select(
                Incident.id,
                Incident.reference,
                ChronologyEntry.created_at,
                ChronologyEntry.kind,
                author.display_name,
                ChronologyEntry.text,
            )
            .join(Incident, Incident.id == ChronologyEntry.incident_id)
            .join(author, author.id == ChronologyEntry.created_by_id)
            .where(Incident.withdrawn_at.is_(None), visible_incidents(session))
            .where(visible_entries(session))
            .order_by(ChronologyEntry.id.desc())
            .limit(limit)
        )
    ]
