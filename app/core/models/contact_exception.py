"""The register of approved pupil–staff social media links (e.g. family)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, false
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models.base import Base, Created, Updated, UTCDateTime, Withdrawable


class ContactException(Created, Updated, Withdrawable, Base):
    """A declared pupil–adult link on social media, approved by the headteacher, reviewed."""

    __tablename__ = "contact_exception"
    __table_args__ = (Index("ix_contact_exception_review_on", "review_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    adult_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    relationship_label: Mapped[str]
    platforms: Mapped[str] = mapped_column(default="")
    declared_on: Mapped[date]
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("app_user.id"))
    # Approved by a DSL who is also the headteacher (a school setting), not by a
    # headteacher's account: the register says so.
    approved_as_dsl_headteacher: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    review_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(default="")
