"""Letters generated for an incident, kept byte for byte so a reprint is identical, and
the school's own versions of the letter templates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
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
    # The template's title and subject as they were when the letter was made.
    template_title: Mapped[str] = mapped_column(default="", server_default="")
    subject: Mapped[str] = mapped_column(default="", server_default="")
    letter_date: Mapped[date]
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class LetterTemplateVersion(Created, Base):
    """One saved version of a school's template. The newest version of a key is the one in
    use; older ones stay as history. A version with `is_default` restores the shipped text."""

    __tablename__ = "letter_template_version"
    __table_args__ = (Index("ix_letter_template_version_key", "template_key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_key: Mapped[str] = mapped_column(String(60))
    is_default: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(default="")
    subject: Mapped[str] = mapped_column(default="")
    body: Mapped[str] = mapped_column(Text, default="")
