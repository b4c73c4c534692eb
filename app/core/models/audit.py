"""The audit trail: every insert, change and withdrawal of every record, and every look
at an incident or a person, as a hash chain that accepts no UPDATE or DELETE."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models.base import Base, UTCDateTime


class AuditEntry(Base):
    """One entry. `hash` is SHA-256 of the previous entry's hash and this entry's canonical
    content (see app.core.audit), so changing or removing any entry breaks the chain."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_record", "table_name", "record_id"),
        Index("ix_audit_entry_user_id", "user_id"),
        Index("ix_audit_entry_at", "at"),
    )

    # Assigned by Footprint (one more than the last), never by the database, so that the
    # number is part of what is hashed.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Plain numbers, not foreign keys: the trail must outlive anything it describes.
    user_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
