"""The append-only timeline of everything done on an incident."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from app.core.clock import utc_now
from app.core.models.base import Base, Created, UTCDateTime, VocabType
from app.core.vocab import ChronologyKind


class ChronologyEntry(Created, Base):
    """One entry; never changed or removed. A correction is a new entry pointing at the old."""

    __tablename__ = "chronology_entry"
    __table_args__ = (
        Index("ix_chronology_entry_incident_occurred", "incident_id", "occurred_at"),
        # Deleting entries (a disposal) checks that no amendment still points at each one:
        # without this, one scan of the whole timeline table per entry deleted.
        Index("ix_chronology_entry_amends_id", "amends_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    kind: Mapped[ChronologyKind] = mapped_column(VocabType(ChronologyKind))
    # When the thing happened (may be earlier than when it was written down).
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    text: Mapped[str]
    amends_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("chronology_entry.id"))

    amends: Mapped[ChronologyEntry | None] = relationship(remote_side=[id])


class AppendOnlyViolation(RuntimeError):
    """Raised when code tries to change or delete a chronology entry."""


@event.listens_for(ChronologyEntry, "before_update")
@event.listens_for(ChronologyEntry, "before_delete")
def _refuse_changes(mapper: Mapper[ChronologyEntry], connection: object, target: object) -> None:
    raise AppendOnlyViolation("chronology entries are append-only: add an amendment instead")
