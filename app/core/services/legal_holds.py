"""Legal holds: an inquiry, a claim or an investigation that needs records kept. While a
hold is in place nothing it covers (every record, or the incidents it names) may be
disposed of. The DSL team places one; only the DSL lifts it, saying why. Holds are never
deleted: a lifted hold stays on record with who lifted it and when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import utc_now
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.models import Incident, LegalHold, LegalHoldIncident, User
from app.core.permissions import Permission, requires, visible_incidents
from app.core.services.chronology import record
from app.core.services.validation import atomic, check_text
from app.core.timefmt import format_date
from app.core.vocab import ChronologyKind

NAME_MAX = 200
REASON_MAX = 2_000


@dataclass(frozen=True)
class HoldRow:
    """A hold as the Retention review shows it."""

    id: int
    name: str
    reason: str
    covers_all: bool
    references: tuple[str, ...]
    placed_at: datetime
    placed_by: str
    lifted_at: datetime | None
    lifted_by: str
    lifted_reason: str

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    @property
    def covers(self) -> str:
        return "Every record" if self.covers_all else ", ".join(self.references)


@requires(Permission.REVIEW_RETENTION)
def place_hold(
    session: Session,
    actor: User,
    name: str,
    reason: str,
    *,
    covers_all: bool = False,
    references: Iterable[str] = (),
) -> LegalHold:
    """Place a hold on every record, or on the incidents named by reference."""
    check_text("hold_name", name, label="The hold's name", max_length=NAME_MAX, required=True)
    check_text("hold_reason", reason, label="The reason", max_length=REASON_MAX, multiline=True)
    wanted = sorted({r.strip().upper() for r in references if r.strip()})
    if not covers_all and not wanted:
        raise ValidationError(
            "hold_incidents", "Name the incidents the hold covers, or choose every record."
        )
    with atomic(session):
        incidents = list(
            session.scalars(
                select(Incident).where(Incident.reference.in_(wanted), visible_incidents(session))
            )
        )
        missing = sorted(set(wanted) - {i.reference for i in incidents})
        if missing and not covers_all:
            raise ValidationError(
                "hold_incidents", f"There is no incident {', '.join(missing)} in the log."
            )
        disposed = [i.reference for i in incidents if i.disposed_at is not None]
        if disposed and not covers_all:
            raise Conflict(
                f"{', '.join(disposed)} was already disposed of: there is nothing left to hold."
            )
        hold = LegalHold(
            name=name.strip(), reason=reason.strip(), covers_all=covers_all, created_by_id=actor.id
        )
        session.add(hold)
        session.flush()
        for incident in [] if covers_all else incidents:
            session.add(
                LegalHoldIncident(hold_id=hold.id, incident_id=incident.id, created_by_id=actor.id)
            )
            record(
                session,
                actor,
                incident,
                ChronologyKind.RETENTION,
                f"Legal hold “{hold.name}” placed: it can't be disposed of until the hold "
                "is lifted.",
            )
        session.flush()
    return hold


@requires(Permission.DISPOSE_RECORDS)
def lift_hold(session: Session, actor: User, hold_id: int, reason: str) -> None:
    """Lift a hold (the DSL's decision, with the reason); it stays on record."""
    check_text(
        "lift_reason",
        reason,
        label="The reason",
        max_length=REASON_MAX,
        required=True,
        multiline=True,
    )
    with atomic(session):
        hold = session.get(LegalHold, hold_id)
        if hold is None:
            raise NotFound("That legal hold does not exist.")
        if hold.lifted_at is not None:
            raise Conflict(f"The hold “{hold.name}” was already lifted.")
        hold.lifted_at = utc_now()
        hold.lifted_by_id = actor.id
        hold.lifted_reason = reason.strip()
        hold.updated_by_id = actor.id
        named = session.scalars(
            select(Incident)
            .join(LegalHoldIncident, LegalHoldIncident.incident_id == Incident.id)
            .where(LegalHoldIncident.hold_id == hold.id, Incident.disposed_at.is_(None))
        )
        for incident in named:
            record(
                session,
                actor,
                incident,
                ChronologyKind.RETENTION,
                f"Legal hold “{hold.name}” lifted ({format_date(hold.lifted_at)}): "
                f"{hold.lifted_reason}",
            )
        session.flush()


@requires(Permission.REVIEW_RETENTION)
def list_holds(session: Session) -> list[HoldRow]:
    """Every hold, those in place first, newest first."""
    names: dict[int, str] = {u: n for u, n in session.execute(select(User.id, User.display_name))}
    named: dict[int, list[str]] = defaultdict(list)
    for hold_id, reference in session.execute(
        select(LegalHoldIncident.hold_id, Incident.reference)
        .join(Incident, Incident.id == LegalHoldIncident.incident_id)
        .order_by(Incident.reference)
    ):
        named[hold_id].append(reference)
    rows = [
        HoldRow(
            id=h.id,
            name=h.name,
            reason=h.reason,
            covers_all=h.covers_all,
            references=tuple(named[h.id]),
            placed_at=h.created_at,
            placed_by=names.get(h.created_by_id, ""),
            lifted_at=h.lifted_at,
            lifted_by=names.get(h.lifted_by_id, "") if h.lifted_by_id else "",
            lifted_reason=h.lifted_reason,
        )
        for h in session.scalars(select(LegalHold).order_by(LegalHold.id.desc()))
    ]
    return sorted(rows, key=lambda r: not r.active)


def holds_on(session: Session, incident_ids: Iterable[int]) -> dict[int, list[str]]:
    """For each incident, the names of the holds in place that cover it."""
    ids = sorted(set(incident_ids))
    if not ids:
        return {}
    found: dict[int, list[str]] = {i: [] for i in ids}
    everything = list(
        session.scalars(
            select(LegalHold.name)
            .where(LegalHold.lifted_at.is_(None), LegalHold.covers_all.is_(True))
            .order_by(LegalHold.id)
        )
    )
    for names in found.values():
        names.extend(everything)
    for start in range(0, len(ids), 500):
        for incident_id, name in session.execute(
            select(LegalHoldIncident.incident_id, LegalHold.name)
            .join(LegalHold, LegalHold.id == LegalHoldIncident.hold_id)
            .where(
                LegalHold.lifted_at.is_(None),
                LegalHoldIncident.incident_id.in_(ids[start : start + 500]),
            )
            .order_by(LegalHold.id)
        ):
            found[incident_id].append(name)
    return found
