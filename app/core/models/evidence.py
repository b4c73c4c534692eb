"""Evidence kept on an incident: a file stored in the database, or a description only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.core.models.base import Base, Created, UTCDateTime, VocabType, Withdrawable
from app.core.vocab import EvidenceKind


class Evidence(Created, Withdrawable, Base):
    """A screenshot or file (bytes, type detected from content, SHA-256), or a description
    where the image itself must never be kept (e.g. indecent images of under-18s)."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_incident_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    kind: Mapped[EvidenceKind] = mapped_column(VocabType(EvidenceKind))
    description: Mapped[str] = mapped_column(default="")
    original_filename: Mapped[str] = mapped_column(default="")
    media_type: Mapped[str | None] = mapped_column(String(40))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Loaded only when asked for: lists of evidence never pull the bytes.
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    # An image that must not be kept (added by mistake) has its bytes destroyed; the
    # record of it (fingerprint, size, who, when, why) stays.
    content_destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    content_destroyed_reason: Mapped[str | None]
