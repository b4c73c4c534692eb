"""What a unit of work changed, so each screen refreshes only that (as Anki's operations
return their `OpChanges`): which incidents it touched, where each stood in the
dashboard's counts before and after, and whether it touched anything beyond incidents."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.core.clock import today_london
from app.core.models import (
    AuditEntry,
    ChronologyEntry,
    DeletionRequest,
    Escalation,
    Evidence,
    Incident,
    IncidentCategory,
    Involvement,
    ReferenceCounter,
)
from app.core.permissions import Permission, may, visible_incidents
from app.core.services.due import DueItem, due_items
from app.core.vocab import IncidentStatus

#: Records whose change moves nothing but their incident's row, counts and due items (the
#: trail and the reference counter go with every save).
INCIDENT_RECORDS = (
    Incident,
    IncidentCategory,
    ChronologyEntry,
    DeletionRequest,
    Escalation,
    Evidence,
    Involvement,
    AuditEntry,
    ReferenceCounter,
)
OVERDUE_KINDS = frozenset({"request", "follow_up", "reference"})


@dataclass(frozen=True)
class Standing:
    """Where one incident stands in what the window counts (absent: not in the log, or
    not visible to the acting account)."""

    live: bool  # not withdrawn: counted among the incidents in the log
    open_status: IncidentStatus | None  # None when closed or withdrawn
    safeguarding: bool  # an open safeguarding concern
    overdue: bool  # open with a request, follow-up or reference past due
    due: int  # its items on the due list (requests, follow-ups, references, the ICO)


@dataclass
class Changes:
    """What one unit of work changed. `only_incidents` is False when it touched records
    beyond incidents (people, letters, settings…): screens then read everything again."""

    incidents: set[int] = field(default_factory=set)
    before: dict[int, Standing] = field(default_factory=dict)
    after: dict[int, Standing] = field(default_factory=dict)
    only_incidents: bool = True
    today: date = field(default_factory=today_london)
    #: The due items of these incidents after the change (the dashboard's, by incident).
    due_after: list[DueItem] = field(default_factory=list)

    def moved(self, count: str) -> int:
        """How much a count moved: "live", "open", "safeguarding", "overdue" or "due"."""
        return sum(_value(self.after.get(i), count) for i in self.incidents) - sum(
            _value(self.before.get(i), count) for i in self.incidents
        )

    def status_moves(self) -> dict[IncidentStatus, int]:
        """How the count of open incidents of each status moved."""
        moves: dict[IncidentStatus, int] = {}
        for incident_id in self.incidents:
            for standing, step in (
                (self.before.get(incident_id), -1),
                (self.after.get(incident_id), 1),
            ):
                if standing is not None and standing.open_status is not None:
                    moves[standing.open_status] = moves.get(standing.open_status, 0) + step
        return moves


def _value(standing: Standing | None, count: str) -> int:
    if standing is None:
        return 0
    if count == "open":
        return int(standing.open_status is not None)
    if count == "due":
        return standing.due
    return int(getattr(standing, count))


@contextmanager
def recording_changes(session: Session) -> Iterator[Changes]:
    """Within a writing unit of work: each incident's standing is read the first time a
    flush is about to touch it (the database still holds the old state then), and again
    for every touched incident when the block ends (flushed first)."""
    changes = Changes()

    def before_flush(flushing: Session, _context: object, _instances: object) -> None:
        touched = [*flushing.new, *flushing.dirty, *flushing.deleted]
        if any(not isinstance(record, INCIDENT_RECORDS) for record in touched):
            changes.only_incidents = False
        ids = {i for i in map(_incident_of, touched) if i is not None} - changes.incidents
        if ids:
            with flushing.no_autoflush:
                changes.before.update(standings(flushing, ids, changes.today))
            changes.incidents |= ids

    def after_flush(flushing: Session, _context: object) -> None:
        # New incidents have their id only now (they stood nowhere before).
        changes.incidents |= {record.id for record in flushing.new if isinstance(record, Incident)}

    event.listen(session, "before_flush", before_flush)
    event.listen(session, "after_flush", after_flush)
    try:
        yield changes
        session.flush()
        if changes.incidents:
            changes.after = standings(
                session, changes.incidents, changes.today, due_out=changes.due_after
            )
    finally:
        event.remove(session, "before_flush", before_flush)
        event.remove(session, "after_flush", after_flush)


def _incident_of(record: object) -> int | None:
    if isinstance(record, Incident):
        return record.id
    incident_id = getattr(record, "incident_id", None)
    if incident_id is None:
        incident = getattr(record, "incident", None)
        incident_id = getattr(incident, "id", None)
    return incident_id if isinstance(incident_id, int) else None


def standings(
    session: Session, ids: set[int], today: date, *, due_out: list[DueItem] | None = None
) -> dict[int, Standing]:
    """Where each of these incidents stands (those the acting account may see); a few
    indexed lookups by id, whatever the size of the log. Their due items are added to
    `due_out` when it is given."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            Incident.id, Incident.status, Incident.safeguarding_concern, Incident.withdrawn_at
        ).where(Incident.id.in_(sorted(ids)), visible_incidents(session))
    ).all()
    due: dict[int, list[str]] = {}
    if may(session, Permission.READ_INCIDENTS):
        items = due_items(session, today, incident_ids=sorted(ids))
        if due_out is not None:
            due_out.extend(items)
        for item in items:
            if item.incident_id is not None:
                due.setdefault(item.incident_id, []).append(item.kind)
    result = {}
    for incident_id, status, safeguarding, withdrawn_at in rows:
        live = withdrawn_at is None
        is_open = live and status is not IncidentStatus.CLOSED
        kinds = due.get(incident_id, [])
        result[incident_id] = Standing(
            live=live,
            open_status=status if is_open else None,
            safeguarding=is_open and bool(safeguarding),
            overdue=is_open and any(kind in OVERDUE_KINDS for kind in kinds),
            due=len(kinds),
        )
    return result
