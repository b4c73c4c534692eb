"""What goes into a child protection file: the incidents involving a pupil, each as a
full case file, a cover with their index, and the receipt slip. Helpers of
`cp_transfer.make_transfer`, which checks who may and records what was sent."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.models import Evidence, Incident, IncidentCategory, Involvement, Person, User
from app.core.permissions import visible_incidents
from app.core.services.casefile import CaseFileChoice, gather_case_file, school_letterhead
from app.core.services.governors import MENTION_CATEGORIES
from app.core.timefmt import format_date
from app.core.vocab import CaseFileVariant, TransferMethod
from app.documents.casefile_content import (
    CaseFileContent,
    ReceiptSlip,
    TransferBundleContent,
)
from app.documents.transfer_bundle import TransferBundleDocument


def incidents_of(session: Session, pupil_id: int) -> list[Incident]:
    """Every incident the pupil is on (in any part, not withdrawn), oldest first."""
    return list(
        session.scalars(
            select(Incident)
            .where(
                Incident.id.in_(
                    select(Involvement.incident_id).where(
                        Involvement.person_id == pupil_id, Involvement.withdrawn_at.is_(None)
                    )
                ),
                Incident.withdrawn_at.is_(None),
                visible_incidents(session),
            )
            .order_by(Incident.seen_at, Incident.id)
        )
    )


def is_mention_only(session: Session, incident_id: int) -> bool:
    """Praise of the school and nothing else: no part of a child protection file."""
    found = set(
        session.scalars(
            select(IncidentCategory.category).where(IncidentCategory.incident_id == incident_id)
        )
    )
    return bool(found) and found <= MENTION_CATEGORIES


def contents_fingerprint(case_files: list[CaseFileContent]) -> str:
    """SHA-256 of the records enclosed (their text, and each picture's own fingerprint):
    printed on the receipt slip, since a file can't carry its own."""

    def plain(value: object) -> object:
        if isinstance(value, bytes):
            return hashlib.sha256(value).hexdigest()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    canonical = json.dumps(
        [plain(asdict(c)) for c in case_files], ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def render_bundle(
    session: Session,
    actor: User,
    pupil: Person,
    incidents: list[Incident],
    *,
    destination: str,
    left_on: date,
    due_on: date,
    sent_on: date,
    method: TransferMethod,
    method_note: str,
    pictures: bool,
) -> tuple[bytes, int, str]:
    """The bundle's PDF, its page count and the contents' fingerprint."""
    case_files = []
    for incident in incidents:
        pictured: frozenset[int] = frozenset()
        if pictures:
            pictured = frozenset(
                session.scalars(select(Evidence.id).where(Evidence.incident_id == incident.id))
            )
        choice = CaseFileChoice(CaseFileVariant.FULL, destination, thumbnails=pictured)
        case_files.append(gather_case_file(session, actor, incident, choice, preface=()))
    contents = contents_fingerprint(case_files)
    head = school_letterhead(session)
    how = method.label + (f" ({method_note})" if method_note.strip() else "")
    cover = (
        ("Pupil", pupil.full_name),
        ("Date of birth", format_date(pupil.date_of_birth) or "Not recorded"),
        ("UPN", pupil.upn or "Not known"),
        ("Year group when last recorded", pupil.year_group or ""),
        ("Left on", format_date(left_on)),
        ("From", f"{head.school_name} (sent by {actor.display_name})"),
        ("To", destination),
        ("Sent on", format_date(sent_on)),
        ("How", how),
        ("Due by", f"{format_date(due_on)} (five school days, KCSIE)"),
        ("Incidents", str(len(case_files))),
    )
    return_to = ", ".join(
        part for part in (head.school_name, *head.address_lines, head.contact_line) if part.strip()
    )
    count = f"{len(case_files)} incident{'s' if len(case_files) != 1 else ''}"
    content = TransferBundleContent(
        title="Child protection file",
        notice=(
            f"CONFIDENTIAL. Every incident involving {pupil.full_name} recorded in "
            f"{head.school_name}'s safeguarding log, each as its full case file, oldest first. "
            "For the designated safeguarding lead: keep it apart from the main pupil file, "
            "and sign and return the receipt slip on the last page."
        ),
        cover_lines=cover,
        case_files=tuple(case_files),
        index_titles=tuple(
            f"{i.reference} · seen {format_date(i.seen_at)} · "
            + ", ".join(c.category.label for c in i.categories)
            for i in incidents
        ),
        receipt=ReceiptSlip(
            pupil_name=pupil.full_name,
            date_of_birth=format_date(pupil.date_of_birth) or "Not recorded",
            upn=pupil.upn or "",
            sending_school=f"{head.school_name} ({actor.display_name})",
            receiving_school=destination,
            incidents=len(case_files),
            pages_line=count,
            sha256_line=f"SHA-256 of the records enclosed: {contents}",
            sent_on=format_date(sent_on),
            return_to=return_to or head.school_name,
        ),
    )
    document = TransferBundleDocument(head, content)
    pdf = document.render()
    return pdf, document.page_count, contents
