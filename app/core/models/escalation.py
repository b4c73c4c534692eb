"""Escalations: to the platform, helplines, the police, Prevent, LADO and school procedures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models.base import Base, Created, Updated, UTCDateTime, VocabType, Withdrawable
from app.core.vocab import EscalationKind, EscalationStatus


class Escalation(Created, Updated, Withdrawable, Base):
    """One escalation of an incident, with its reference number and next follow-up."""

    __tablename__ = "escalation"
    __table_args__ = (
        Index("ix_escalation_incident_id", "incident_id"),
        Index("ix_escalation_status_follow_up", "status", "next_follow_up_on"),
        # The incident list's next action and overdue flag, a page's ids at a time.
        Index(
            "ix_escalation_incident_open",
            "incident_id",
            "status",
            "withdrawn_at",
            "next_follow_up_on",
            "reference_due_on",
            "reference_number",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    kind: Mapped[EscalationKind] = mapped_column(VocabType(EscalationKind))
    escalated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reference_number: Mapped[str] = mapped_column(default="")
    contact: Mapped[str] = mapped_column(default="")
    status: Mapped[EscalationStatus] = mapped_column(
        VocabType(EscalationStatus), default=EscalationStatus.OPEN
    )
    outcome: Mapped[str] = mapped_column(default="")
    next_follow_up_on: Mapped[date | None]
    # What the DSL noted when escalating (the outcome is what came back).
    notes: Mapped[str] = mapped_column(default="", server_default="")
    # A reference expected but not given yet: the day a reminder to add it falls due.
    reference_due_on: Mapped[date | None]
