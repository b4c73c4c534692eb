"""Evidence files (type from content, SHA-256, size cap) and description-only entries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Action, Record, record_look
from app.core.clock import utc_now
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.models import Evidence, User
from app.core.permissions import Permission, requires
from app.core.pictures import MAX_EVIDENCE_PIXELS, PictureRefused, check_picture
from app.core.services.chronology import record
from app.core.services.lookups import get_incident
from app.core.services.validation import atomic, check_aware, check_text
from app.core.vocab import Category, ChronologyKind, EvidenceKind

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

#: Why a nude or semi-nude image is never stored (said whenever a file is refused for it).
NUDE_IMAGE_RULE = (
    "Images of this kind are never stored: the UKCIS guidance “Sharing nudes and "
    "semi-nudes” (2024) says staff must not view, copy, print or store them. Record a "
    "description of what was reported instead."
)

# The formats a screenshot or saved page arrives in, recognised by their opening bytes
# (the formats' own signatures), never by the file name.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
)
EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}


@dataclass(frozen=True)
class EvidenceRow:
    """One evidence entry without its bytes."""

    id: int
    kind: EvidenceKind
    description: str
    original_filename: str
    media_type: str | None
    size_bytes: int | None
    sha256: str | None
    captured_at: datetime | None
    added_at: datetime
    destroyed_at: datetime | None = None


def detect_media_type(content: bytes) -> str | None:
    """PNG, JPEG, GIF, WebP or PDF from the file's content; None for anything else."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    for signature, offset, media_type in _SIGNATURES:
        if content[offset : offset + len(signature)] == signature:
            return media_type
    return None


@requires(Permission.ADD_EVIDENCE, incident="incident_id")
def add_evidence_file(
    session: Session,
    actor: User,
    incident_id: int,
    filename: str,
    content: bytes,
    *,
    description: str = "",
    captured_at: datetime | None = None,
) -> Evidence:
    """Store a screenshot or file with its SHA-256 (never for a nude or semi-nude image:
    refused before the content is looked at)."""
    if Category.NUDE_IMAGE in get_incident(session, incident_id).category_set:
        raise ValidationError(
            "file",
            "No file can be stored for an incident about a nude or semi-nude image. "
            + NUDE_IMAGE_RULE,
        )
    check_text("filename", filename, label="The file name", max_length=255)
    check_text(
        "description", description, label="The description", max_length=2_000, multiline=True
    )
    check_aware("captured_at", captured_at, label="When it was captured")
    if not content:
        raise ValidationError("file", "That file is empty.")
    if len(content) > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            "file",
            f"That file is {len(content) / 1_048_576:.1f} MB; evidence files can be at most "
            f"{MAX_EVIDENCE_BYTES // 1_048_576} MB. Crop the screenshot or save a smaller copy.",
        )
    media_type = detect_media_type(content)
    if media_type is None:
        raise ValidationError(
            "file", "Evidence must be a picture (PNG, JPEG, GIF or WebP) or a PDF."
        )
    if media_type.startswith("image/"):
        try:
            check_picture(content, media_type, max_pixels=MAX_EVIDENCE_PIXELS)
        except PictureRefused as exc:
            raise ValidationError("file", str(exc)) from None
    with atomic(session):
        incident = get_incident(session, incident_id)
        evidence = Evidence(
            incident_id=incident.id,
            kind=EvidenceKind.FILE,
            description=description,
            original_filename=filename,
            media_type=media_type,
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            captured_at=captured_at,
            content=content,
            created_by_id=actor.id,
        )
        session.add(evidence)
        session.flush()
        record(
            session,
            actor,
            incident,
            ChronologyKind.EVIDENCE_ADDED,
            f"Evidence added: {filename or 'pasted image'} (SHA-256 {evidence.sha256}).",
        )
    return evidence


@requires(Permission.ADD_EVIDENCE, incident="incident_id")
def add_evidence_description(
    session: Session,
    actor: User,
    incident_id: int,
    description: str,
    *,
    captured_at: datetime | None = None,
) -> Evidence:
    """Record what was seen without keeping the image (it must never be stored)."""
    check_text(
        "description",
        description,
        label="The description",
        max_length=5_000,
        required=True,
        multiline=True,
    )
    check_aware("captured_at", captured_at, label="When it was seen")
    with atomic(session):
        incident = get_incident(session, incident_id)
        evidence = Evidence(
            incident_id=incident.id,
            kind=EvidenceKind.DESCRIPTION_ONLY,
            description=description,
            captured_at=captured_at,
            created_by_id=actor.id,
        )
        session.add(evidence)
        session.flush()
        record(
            session,
            actor,
            incident,
            ChronologyKind.EVIDENCE_ADDED,
            "Evidence described (no image kept).",
        )
    return evidence


@requires(Permission.MANAGE_EVIDENCE)
def withdraw_evidence(session: Session, actor: User, evidence_id: int, reason: str) -> Evidence:
    """Withdraw evidence added in error; the entry stays, marked withdrawn."""
    check_text(
        "reason", reason, label="The reason", max_length=1_000, required=True, multiline=True
    )
    with atomic(session):
        evidence = session.get(Evidence, evidence_id)
        if evidence is None or evidence.withdrawn_at is not None:
            raise NotFound("That evidence does not exist or was already withdrawn.")
        evidence.withdrawn_at = utc_now()
        evidence.withdrawn_by_id = actor.id
        evidence.withdrawn_reason = reason
        session.flush()
        record(
            session,
            actor,
            get_incident(session, evidence.incident_id),
            ChronologyKind.EVIDENCE_WITHDRAWN,
            f"Evidence withdrawn: {reason}",
        )
    return evidence


@requires(Permission.MANAGE_EVIDENCE)
def destroy_evidence_content(
    session: Session, actor: User, evidence_id: int, reason: str
) -> Evidence:
    """Erase a stored file's bytes (an image that must never be kept, added by mistake).
    The entry stays: its SHA-256 and size, who destroyed it, when and why. Call
    `Database.scrub_freed_space()` after the commit so the bytes leave the file too."""
    check_text(
        "reason", reason, label="The reason", max_length=1_000, required=True, multiline=True
    )
    with atomic(session):
        evidence = session.get(Evidence, evidence_id)
        if evidence is None or evidence.kind is not EvidenceKind.FILE:
            raise NotFound("There is no stored file for that evidence.")
        if evidence.content_destroyed_at is not None:
            raise Conflict("That file has already been destroyed.")
        evidence.content = None
        evidence.content_destroyed_at = utc_now()
        evidence.content_destroyed_reason = reason
        session.flush()
        record(
            session,
            actor,
            get_incident(session, evidence.incident_id),
            ChronologyKind.EVIDENCE_WITHDRAWN,
            f"Stored file destroyed: {evidence.original_filename or 'pasted image'} "
            f"(SHA-256 {evidence.sha256}). Reason: {reason}",
        )
    return evidence


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def list_evidence(session: Session, incident_id: int) -> list[EvidenceRow]:
    """An incident's current evidence, oldest first, without the bytes."""
    rows = session.scalars(
        select(Evidence)
        .where(Evidence.incident_id == incident_id, Evidence.withdrawn_at.is_(None))
        .order_by(Evidence.id)
    ).all()
    return [
        EvidenceRow(
            e.id,
            e.kind,
            e.description,
            e.original_filename,
            e.media_type,
            e.size_bytes,
            e.sha256,
            e.captured_at,
            e.created_at,
            e.content_destroyed_at,
        )
        for e in rows
    ]


@requires(Permission.READ_INCIDENTS)
def show_evidence(session: Session, evidence_id: int, *, export: bool = False) -> bytes:
    """The stored bytes, to be shown in the app (or, with `export`, saved as a copy by the
    caller in this unit of work): the look or the export is on the audit trail."""
    content = evidence_content(session, evidence_id)
    record_look(session, Action.EXPORT if export else Action.READ, Record.EVIDENCE, evidence_id)
    return content


@requires(Permission.READ_INCIDENTS)
def evidence_content(session: Session, evidence_id: int) -> bytes:
    """The stored bytes of a file, checked against its SHA-256."""
    evidence = session.get(Evidence, evidence_id)
    if evidence is None or evidence.content is None:
        raise NotFound("There is no stored file for that evidence.")
    get_incident(session, evidence.incident_id)  # only for someone who may see the incident
    if hashlib.sha256(evidence.content).hexdigest() != evidence.sha256:
        raise ValidationError("file", "The stored file no longer matches its SHA-256 fingerprint.")
    return evidence.content
