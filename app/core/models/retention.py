"""Retention: the DSL's decisions about records whose time is up, legal holds that stop
disposal, and the record each disposal leaves behind."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.errors import Conflict
from app.core.models.base import Base, Created, Updated, UTCDateTime
from app.core.models.incident import Incident


class RetentionDecision(Created, Base):
    """One decision about an incident whose review date has come: "dispose" or "keep"
    until a date, with the reason. Decisions are added, never changed: the newest is the
    one in force, and the older ones are its history."""

    __tablename__ = "retention_decision"
    __table_args__ = (Index("ix_retention_decision_incident", "incident_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    # "dispose" or "keep".
    decision: Mapped[str] = mapped_column(String(10))
    keep_until: Mapped[date | None]
    reason: Mapped[str] = mapped_column(default="")


class LegalHold(Created, Updated, Base):
    """A hold (an inquiry, a claim, a police investigation): nothing it covers may be
    disposed of until it is lifted. It covers every record, or the incidents named."""

    __tablename__ = "legal_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(default="")
    covers_all: Mapped[bool] = mapped_column(Boolean, default=False)
    # Placed: `created_at` / `created_by_id`. Lifted: these, with why.
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("app_user.id"))
    lifted_reason: Mapped[str] = mapped_column(default="")


class LegalHoldIncident(Created, Base):
    """An incident a hold names."""

    __tablename__ = "legal_hold_incident"
    __table_args__ = (
        Index("ix_legal_hold_incident_hold", "hold_id"),
        Index("ix_legal_hold_incident_incident", "incident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("legal_hold.id"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))


class RetentionDisposal(Created, Base):
    """What was disposed of, when (`created_at`), by whom (`created_by_id`: the DSL who
    authorised it), under which rule, and how much was erased (counts, as JSON). It holds
    nothing personal: it outlives what it describes."""

    __tablename__ = "retention_disposal"
    __table_args__ = (Index("ix_retention_disposal_incident", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    reference: Mapped[str] = mapped_column(String(20))
    seen_on: Mapped[date]
    closed_on: Mapped[date | None]
    rule: Mapped[str] = mapped_column(String(60))
    rule_reason: Mapped[str] = mapped_column(default="")
    review_on: Mapped[date | None]
    counts: Mapped[str] = mapped_column(Text, default="{}")


#: Records about retention itself, which a disposal writes through the ORM.
_RETENTION_RECORDS = (RetentionDecision, RetentionDisposal, LegalHoldIncident)


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_disposed(session: Session, _context: Any, _instances: Any) -> None:
    """Nothing is added to, or changed on, an incident whose content was disposed of (the
    disposal itself writes below the ORM): the services say why in words."""
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, _RETENTION_RECORDS):
            continue
        if isinstance(obj, Incident):
            if obj.id is not None and session.is_modified(obj, include_collections=False):
                ids.add(obj.id)
            continue
        incident_id = getattr(obj, "incident_id", None)
        if isinstance(incident_id, int):
            ids.add(incident_id)
    if not ids:
        return
    disposed = session.execute(
        select(Incident.reference)
        .where(Incident.id.in_(ids), Incident.disposed_at.is_not(None))
        .limit(1)
    ).first()
    if disposed is not None:
        raise Conflict(
            f"{disposed[0]} was disposed of under the school's retention rules: its "
            "content was erased, and nothing can be added to it or changed on it."
        )
