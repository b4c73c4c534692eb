"""Requests the school sends asking for a post to be deleted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Base, Created, Updated, UTCDateTime, VocabType, Withdrawable
from app.core.models.person import Person
from app.core.vocab import DeletionMethod, DeletionOutcome


class DeletionRequest(Created, Updated, Withdrawable, Base):
    """One request to the poster; a second request links to the first by `follow_up_of_id`."""

    __tablename__ = "deletion_request"
    __table_args__ = (
        Index("ix_deletion_request_incident_id", "incident_id"),
        Index("ix_deletion_request_outcome_deadline", "outcome", "deadline"),
        # The incident list's next action and overdue flag, a page's ids at a time.
        Index(
            "ix_deletion_request_incident_open",
            "incident_id",
            "outcome",
            "deadline",
            "sent_at",
            "withdrawn_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    addressee_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    method: Mapped[DeletionMethod] = mapped_column(VocabType(DeletionMethod))
    # None until it has actually been sent.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deadline: Mapped[date | None]
    reply_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply_summary: Mapped[str] = mapped_column(default="")
    outcome: Mapped[DeletionOutcome] = mapped_column(
        VocabType(DeletionOutcome), default=DeletionOutcome.PENDING
    )
    removal_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notes: Mapped[str] = mapped_column(default="")
    # How the letter identifies the post without quoting it ("your message in the Year 4
    # parents' WhatsApp group on 14 November").
    post_description: Mapped[str] = mapped_column(default="", server_default="")
    follow_up_of_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("deletion_request.id"))
    # The request marked "removed" after which this one needed nothing more; this one's
    # own outcome (no reply, refused…) stays as it was recorded.
    superseded_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("deletion_request.id"))

    addressee: Mapped[Person] = relationship()
