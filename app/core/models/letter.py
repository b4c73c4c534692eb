"""Letters generated for an incident, kept byte for byte so a reprint is identical."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.core.models.base import Base, Created, Withdrawable


class Letter(Created, Withdrawable, Base):
    """One generated PDF letter to one addressee."""

    __tablename__ = "letter"
    __table_args__ = (Index("ix_letter_incident_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    deletion_request_id: Mapped[int | None] = mapped_column(ForeignKey("deletion_request.id"))
    addressee_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    template_key: Mapped[str] = mapped_column(String(60))
    letter_date: Mapped[date]
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
