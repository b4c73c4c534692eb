"""The sections of a case file, read from the log and worded: the timeline with its
corrections, requests, escalations, decisions, letters and evidence. Every piece of free
text goes through the naming (`casefile_names`), so an agency copy carries no name it
must not. Helpers of `casefile.gather_case_file`, which checks who may read."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.models import (
    ChronologyEntry,
    DeletionRequest,
    Escalation,
    Evidence,
    Incident,
    Letter,
    Person,
    User,
)
from app.core.services.casefile_names import Naming
from app.core.services.chronology import moment
from app.core.timefmt import format_date, format_datetime
from app.core.vocab import ChronologyKind, EvidenceKind
from app.documents.casefile_content import (
    CaseAmendment,
    CaseDecision,
    CaseEntry,
    CaseEscalation,
    CaseEvidence,
    CaseLetter,
    CaseRequest,
)

#: Timeline entries that record a decision and its reason.
DECISION_KINDS = frozenset(
    {ChronologyKind.NO_ESCALATION_DECISION, ChronologyKind.CLOSED_WITH_OPEN_ITEMS}
)
#: The longest side of a picture printed in a case file (pixels; printed at about 70 mm).
THUMBNAIL_PIXELS = 640


def users_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def timeline(session: Session, incident_id: int) -> list[ChronologyEntry]:
    """Every entry, oldest first (by when it happened, to the second, then as written)."""
    entries = session.scalars(
        select(ChronologyEntry).where(ChronologyEntry.incident_id == incident_id)
    ).all()
    return sorted(entries, key=lambda e: (moment(e.occurred_at, e.created_at), e.id))


def chronology(
    entries: list[ChronologyEntry], users: dict[int, User], naming: Naming
) -> list[CaseEntry]:
    """The timeline with each correction printed beside the entry it corrects (a
    correction of a correction goes with the first entry too)."""
    by_id = {e.id: e for e in entries}

    def root(entry: ChronologyEntry) -> int:
        seen = set()
        while entry.amends_id is not None and entry.amends_id in by_id and entry.id not in seen:
            seen.add(entry.id)
            entry = by_id[entry.amends_id]
        return entry.id

    corrections: dict[int, list[CaseAmendment]] = {}
    for entry in sorted(entries, key=lambda e: e.id):
        if entry.amends_id is not None and entry.amends_id in by_id:
            corrections.setdefault(root(entry), []).append(
                CaseAmendment(
                    format_datetime(entry.created_at),
                    naming.user(users[entry.created_by_id]),
                    naming.text(entry.text),
                )
            )
    return [
        CaseEntry(
            occurred=format_datetime(e.occurred_at),
            recorded=format_datetime(e.created_at),
            author=naming.user(users[e.created_by_id]),
            kind=e.kind.label,
            text=naming.text(e.text),
            amendments=tuple(corrections.get(e.id, ())),
        )
        for e in entries
        if e.amends_id is None or e.amends_id not in by_id
    ]


def decisions(
    incident: Incident,
    entries: list[ChronologyEntry],
    users: dict[int, User],
    naming: Naming,
) -> list[CaseDecision]:
    """Decisions recorded with their reasons: not to escalate, to close with items open,
    not to tell the parents, and the outcome with its rationale."""
    found = [
        CaseDecision(
            format_datetime(e.occurred_at),
            naming.user(users[e.created_by_id]),
            e.kind.label,
            naming.text(e.text),
        )
        for e in entries
        if e.kind in DECISION_KINDS
    ]
    if incident.parent_informed is False and incident.parent_not_informed_reason.strip():
        found.append(
            CaseDecision(
                "",
                "",
                "Parents and carers not told",
                naming.text(incident.parent_not_informed_reason),
            )
        )
    if incident.outcome is not None:
        found.append(
            CaseDecision(
                format_datetime(incident.closed_at),
                "",
                f"Outcome: {incident.outcome.label}",
                naming.text(incident.outcome_rationale),
            )
        )
    return found


def requests(session: Session, incident_id: int, naming: Naming) -> list[CaseRequest]:
    rows = session.execute(
        select(DeletionRequest, Person)
        .join(Person, Person.id == DeletionRequest.addressee_id)
        .where(DeletionRequest.incident_id == incident_id)
        .order_by(DeletionRequest.id)
    ).all()
    found = []
    for request, person in rows:
        reply = ""
        if request.reply_received_at is not None:
            reply = f"{format_datetime(request.reply_received_at)}: {request.reply_summary}"
        outcome = request.outcome.label
        if request.removal_verified_at is not None:
            outcome += f" (removal checked {format_datetime(request.removal_verified_at)})"
        if request.withdrawn_at is not None:
            outcome = f"Withdrawn {format_date(request.withdrawn_at)}: {request.withdrawn_reason}"
        notes = "\n".join(n for n in (request.post_description, request.notes) if n.strip())
        found.append(
            CaseRequest(
                addressee=naming.person(person),
                method=request.method.label,
                sent=format_datetime(request.sent_at) or "Not sent",
                deadline=format_date(request.deadline),
                reply=naming.text(reply),
                outcome=naming.text(outcome),
                notes=naming.text(notes),
            )
        )
    return found


def escalations(session: Session, incident_id: int, naming: Naming) -> list[CaseEscalation]:
    rows = session.scalars(
        select(Escalation).where(Escalation.incident_id == incident_id).order_by(Escalation.id)
    ).all()
    found = []
    for e in rows:
        status = e.status.label
        if e.withdrawn_at is not None:
            status = f"Withdrawn {format_date(e.withdrawn_at)}: {e.withdrawn_reason or ''}"
        found.append(
            CaseEscalation(
                route=e.kind.label,
                escalated=format_datetime(e.escalated_at),
                reference=naming.text(e.reference_number),
                contact=naming.text(e.contact),
                status=naming.text(status),
                outcome=naming.text(e.outcome),
                notes=naming.text(e.notes),
                follow_up=format_date(e.next_follow_up_on),
            )
        )
    return found


def letters(
    session: Session, incident_id: int, users: dict[int, User], naming: Naming
) -> list[CaseLetter]:
    rows = session.execute(
        select(Letter, Person)
        .join(Person, Person.id == Letter.addressee_id)
        .where(Letter.incident_id == incident_id)
        .order_by(Letter.id)
    ).all()
    return [
        CaseLetter(
            date=format_date(letter.letter_date),
            title=naming.text(letter.template_title or letter.template_key),
            addressee=naming.person(person),
            made_by=naming.user(users[letter.created_by_id]),
            pages=letter.page_count,
            sha256=letter.sha256,
            withdrawn=(
                naming.text(f"{format_date(letter.withdrawn_at)}: {letter.withdrawn_reason or ''}")
                if letter.withdrawn_at is not None
                else ""
            ),
        )
        for letter, person in rows
    ]


def evidence(
    session: Session, incident_id: int, thumbnails: frozenset[int], naming: Naming
) -> list[CaseEvidence]:
    """Every piece of evidence with its fingerprint; a picture only for those ticked
    that still hold an image (never a description, a destroyed or withdrawn item)."""
    rows = session.scalars(
        select(Evidence).where(Evidence.incident_id == incident_id).order_by(Evidence.id)
    ).all()
    pictures = _pictures(session, [e for e in rows if e.id in thumbnails and may_have_thumbnail(e)])
    found = []
    for number, item in enumerate(rows, start=1):
        picture = pictures.get(item.id)
        found.append(
            CaseEvidence(
                number=number,
                kind="Description only" if item.kind is EvidenceKind.DESCRIPTION_ONLY else "File",
                description=naming.text(item.description),
                file_name=naming.text(item.original_filename),
                media_type=item.media_type or "",
                size=_size(item.size_bytes),
                sha256=item.sha256 or "",
                captured=format_datetime(item.captured_at),
                added=format_datetime(item.created_at),
                note=naming.text(_evidence_note(item, picture is not None, item.id in thumbnails)),
                thumbnail=picture,
            )
        )
    return found


def _pictures(session: Session, items: list[Evidence]) -> dict[int, bytes | None]:
    """Small copies of the items' images, made two at a time (Pillow decodes and scales
    without holding Python's lock). Only a file that still matches its fingerprint."""
    expected = {item.id: item.sha256 for item in items}
    contents: dict[int, bytes] = {}
    for evidence_id, content in session.execute(
        select(Evidence.id, Evidence.content).where(Evidence.id.in_(expected))
    ):
        if content and hashlib.sha256(content).hexdigest() == expected[evidence_id]:
            contents[evidence_id] = content
    if len(contents) < 2:
        return {key: thumbnail(value) for key, value in contents.items()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(contents, pool.map(thumbnail, contents.values()), strict=True))


def may_have_thumbnail(item: Evidence) -> bool:
    """Whether a picture of this item can be printed: a kept image, not withdrawn."""
    return (
        item.kind is EvidenceKind.FILE
        and item.content_destroyed_at is None
        and item.withdrawn_at is None
        and (item.media_type or "").startswith("image/")
    )


def _evidence_note(item: Evidence, pictured: bool, ticked: bool) -> str:
    notes = []
    if item.kind is EvidenceKind.DESCRIPTION_ONLY:
        notes.append("Described only: no file is kept.")
    if item.content_destroyed_at is not None:
        notes.append(
            f"The stored file was destroyed on {format_date(item.content_destroyed_at)}"
            f" ({item.content_destroyed_reason or 'no reason recorded'}); its fingerprint "
            "is kept."
        )
    if item.withdrawn_at is not None:
        notes.append(f"Withdrawn {format_date(item.withdrawn_at)}: {item.withdrawn_reason or ''}")
    if ticked and not pictured and may_have_thumbnail(item):
        notes.append("The picture could not be drawn (or no longer matches its SHA-256).")
    return " ".join(notes)


def _size(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def thumbnail(content: bytes) -> bytes | None:
    """A small copy of an image to print (JPEG read at a reduced size, so a large photo
    costs little); None if it can't be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format == "JPEG":
                image.draft("RGB", (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            # Halved by averaging first (quick), then resampled: a screenshot's text stays
            # legible at a fraction of a plain resample's cost.
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS), reducing_gap=2.0)
            small = Image.new("RGB", image.size, "white")  # transparency prints as paper
            rgba = image.convert("RGBA")
            small.paste(rgba, mask=rgba.getchannel("A"))
            out = io.BytesIO()
            small.save(out, format="JPEG", quality=80)
            return out.getvalue()
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
