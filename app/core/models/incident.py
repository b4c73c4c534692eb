"""Incidents, their categories, the people involved, and the reference counter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Base, Created, Updated, UTCDateTime, VocabType, Withdrawable
from app.core.models.person import Person
from app.core.vocab import (
    Audience,
    Category,
    IncidentOutcome,
    IncidentStatus,
    InvolvementRole,
    Platform,
    PrejudiceType,
    Severity,
)


class Incident(Created, Updated, Withdrawable, Base):
    """One social media post or contact that the school has to deal with."""

    __tablename__ = "incident"
    __table_args__ = (
        Index("ix_incident_seen_at", "seen_at"),
        # The list's count and newest-first page of what is not withdrawn, from the index
        # alone (on an encrypted log every table page read is decrypted).
        Index(
            "ix_incident_live_seen",
            "seen_at",
            "id",
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
        Index("ix_incident_status_seen_at", "status", "seen_at"),
        Index("ix_incident_platform", "platform"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    happened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    platform: Mapped[Platform] = mapped_column(VocabType(Platform))
    platform_other: Mapped[str] = mapped_column(default="")
    audience: Mapped[Audience | None] = mapped_column(VocabType(Audience))
    url: Mapped[str] = mapped_column(default="")
    account_handle: Mapped[str] = mapped_column(default="")
    # None: not known whether the post is still up.
    still_live: Mapped[bool | None] = mapped_column(Boolean)
    summary: Mapped[str]
    severity: Mapped[Severity] = mapped_column(VocabType(Severity))
    safeguarding_concern: Mapped[bool] = mapped_column(Boolean, default=False)
    # Seen only by the DSL and deputies (e.g. an allegation about a member of staff).
    dsl_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A restricted incident's case manager (KCSIE Part 4): the headteacher for an
    # allegation about staff, the chair of governors when it concerns the headteacher.
    # They see it as well as the DSL and deputies.
    case_manager_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    parent_informed: Mapped[bool | None] = mapped_column(Boolean)
    parent_informed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    parent_not_informed_reason: Mapped[str] = mapped_column(default="")
    # Who told the parents (a name, as the DSL types it).
    parent_informed_by: Mapped[str] = mapped_column(default="", server_default="")
    # For a prejudice-based incident: what the prejudice was directed at.
    prejudice_type: Mapped[PrejudiceType | None] = mapped_column(VocabType(PrejudiceType))
    status: Mapped[IncidentStatus] = mapped_column(
        VocabType(IncidentStatus), default=IncidentStatus.NEW
    )
    outcome: Mapped[IncidentOutcome | None] = mapped_column(VocabType(IncidentOutcome))
    outcome_rationale: Mapped[str] = mapped_column(default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When its content was erased under the school's retention rules (a disposal record
    # says by whom and under which rule): what is left is only what the governors'
    # figures count. Nothing is added to it afterwards.
    disposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    reported_by: Mapped[Person | None] = relationship(foreign_keys=[reported_by_id])
    categories: Mapped[list[IncidentCategory]] = relationship(
        back_populates="incident",
        cascade="all, delete-orphan",
        order_by="IncidentCategory.category",
    )
    involvements: Mapped[list[Involvement]] = relationship(
        back_populates="incident", order_by="Involvement.id"
    )

    @property
    def category_set(self) -> set[Category]:
        return {c.category for c in self.categories}


class IncidentCategory(Created, Base):
    """One of an incident's categories (several per incident, from the policy).

    The categories are a multi-valued field of the incident: the rows hold the current
    set, and every change to it is written to the chronology with the old and new sets.
    """

    __tablename__ = "incident_category"
    __table_args__ = (Index("ix_incident_category_category", "category", "incident_id"),)

    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), primary_key=True)
    category: Mapped[Category] = mapped_column(VocabType(Category), primary_key=True)

    incident: Mapped[Incident] = relationship(back_populates="categories")


class Involvement(Created, Withdrawable, Base):
    """A person's role in one incident: poster, target, subject of an image, reporter, witness."""

    __tablename__ = "involvement"
    __table_args__ = (
        Index("ix_involvement_incident_id", "incident_id"),
        Index("ix_involvement_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    role: Mapped[InvolvementRole] = mapped_column(VocabType(InvolvementRole))
    notes: Mapped[str] = mapped_column(default="")
    # A pupil's year group and class when they were added to the incident: letters and
    # the governors' report say what was true then, not after September's rollover.
    year_group_then: Mapped[str | None] = mapped_column(String(4))
    class_name_then: Mapped[str | None]

    incident: Mapped[Incident] = relationship(back_populates="involvements")
    person: Mapped[Person] = relationship()


class ReferenceCounter(Base):
    """The last incident number given out in a year (SM-YYYY-NNNN), incremented atomically."""

    __tablename__ = "reference_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
