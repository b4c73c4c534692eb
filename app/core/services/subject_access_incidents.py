"""The items of a subject access pack's draft from incidents: the incident, the people
by role, the timeline, deletion requests, escalations, evidence (listed) and letters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core.models import (
    ChronologyEntry,
    DeletionRequest,
    Escalation,
    Evidence,
    Incident,
    Involvement,
    Letter,
    Person,
)
from app.core.services.subject_access_items import (
    ACCOUNT,
    CONTACT,
    Auto,
    DraftItem,
    Fixed,
    Free,
    Part,
    Parts,
    fixed,
    lines_of,
    person_part,
    withdrawn,
)
from app.core.timefmt import format_date, format_datetime
from app.core.vocab import EvidenceKind, InvolvementRole


class IncidentRecords:
    """Every record of the pack's incidents, read with one query per table (500 incidents
    at a time) rather than one per incident, grouped by incident."""

    def __init__(self, session: Session, incident_ids: Iterable[int]) -> None:
        ids = sorted(set(incident_ids))
        self._by: dict[type, dict[int, list[Any]]] = {}
        orders: list[tuple[Any, tuple[Any, ...], tuple[Any, ...]]] = [
            (ChronologyEntry, (ChronologyEntry.occurred_at, ChronologyEntry.id), ()),
            # Each request and involvement names a person: one query for all of them.
            (DeletionRequest, (DeletionRequest.id,), (selectinload(DeletionRequest.addressee),)),
            (Escalation, (Escalation.id,), ()),
            (Evidence, (Evidence.id,), ()),
            (Letter, (Letter.id,), ()),
            (Involvement, (Involvement.id,), (selectinload(Involvement.person),)),
        ]
        for model, order, options in orders:
            grouped: dict[int, list[Any]] = defaultdict(list)
            for start in range(0, len(ids), 500):
                query = (
                    select(model)
                    .where(model.incident_id.in_(ids[start : start + 500]))
                    .order_by(*order)
                    .options(*options)
                )
                for record in session.scalars(query):
                    grouped[record.incident_id].append(record)
            self._by[model] = grouped

    def of(self, model: type, incident_id: int) -> list[Any]:
        """The records of `model` on one incident, in order."""
        return self._by[model].get(incident_id, [])


def incident_items(
    session: Session,
    incident: Incident,
    subject: Person,
    roles: dict[int, str],
    records: IncidentRecords,
    *,
    involvements: list[Involvement] | None,
    only: set[tuple[str, int]] | None,
    mentions: Callable[[str], bool],
) -> list[DraftItem]:
    """An incident's items: all of them for one the subject is involved in; otherwise only
    the records in `only` (addressed to them, or naming them)."""

    def wanted(table: str, record_id: int) -> bool:
        return only is None or (table, record_id) in only

    ref = incident.reference
    items: list[DraftItem] = []
    poster = any(i.role is InvolvementRole.POSTER for i in involvements or [])
    people = records.of(Involvement, incident.id)
    if only is None:
        items.append(_incident(incident, poster))
        items.append(_people(incident, people, subject, roles, mentions))
    elif ("incident", incident.id) in only:
        items.append(_incident(incident, poster, texts_only=True))
    elif any(table == "involvement" for table, _ in only):
        items.append(_people(incident, people, subject, roles, mentions, only=only))
    for entry in records.of(ChronologyEntry, incident.id):
        if wanted("chronology_entry", entry.id):
            amends = entry.amends if entry.amends_id is not None else None
            items.append(
                DraftItem(
                    f"chronology_entry:{entry.id}",
                    f"{ref} · timeline {format_datetime(entry.occurred_at)}",
                    f"Timeline, {format_datetime(entry.occurred_at)}: {entry.kind.label}",
                    lines_of(
                        ("Entry", Free("chronology_entry", entry.id, "text", entry.text)),
                        ("Corrects the entry of", fixed(amends.occurred_at if amends else None)),
                    ),
                )
            )
    for request in records.of(DeletionRequest, incident.id):
        if wanted("deletion_request", request.id):
            items.append(_request(request, ref, subject, roles))
    for escalation in records.of(Escalation, incident.id):
        if wanted("escalation", escalation.id):
            items.append(_escalation(escalation, ref))
    for evidence in records.of(Evidence, incident.id):
        if wanted("evidence", evidence.id):
            items.append(_evidence(evidence, ref))
    for letter in records.of(Letter, incident.id):
        if wanted("letter", letter.id):
            items.append(_letter(session, letter, ref, subject, roles))
    return items


def _incident(incident: Incident, poster: bool, *, texts_only: bool = False) -> DraftItem:
    i = incident
    where = f"{i.reference} · the incident"

    def account(field: str, value: str) -> Part | None:
        if not value:
            return None
        if poster:
            return Free("incident", i.id, field, value)
        return Auto(
            "incident",
            i.id,
            field,
            value,
            ACCOUNT,
            "identifies the account of another person",
        )

    texts = (
        ("What happened", Free("incident", i.id, "summary", i.summary)),
        (
            "Reason for the outcome",
            Free("incident", i.id, "outcome_rationale", i.outcome_rationale),
        ),
        (
            "Why parents were not told",
            Free("incident", i.id, "parent_not_informed_reason", i.parent_not_informed_reason),
        ),
    )
    if texts_only:
        return DraftItem(
            f"incident:{i.id}",
            where,
            "The incident (what names the person)",
            lines_of(("Seen on", fixed(i.seen_at)), *texts),
        )
    categories = "; ".join(c.category.label for c in i.categories)
    # "Other" is named as typed, which may name someone ("Jack's Discord server").
    platform: Part = (
        Free("incident", i.id, "platform_other", i.platform_other)
        if i.platform_other
        else Fixed(i.platform.label)
    )
    return DraftItem(
        f"incident:{i.id}",
        where,
        "The incident",
        lines_of(
            ("Reference", Fixed(i.reference)),
            ("Posted", fixed(i.happened_at)),
            ("Seen", fixed(i.seen_at)),
            ("Reported", fixed(i.reported_at)),
            ("Platform", platform),
            ("Where it was posted", fixed(i.audience)),
            ("Link", account("url", i.url)),
            ("Account", account("account_handle", i.account_handle)),
            ("Categories", fixed(categories)),
            ("Type of prejudice", fixed(i.prejudice_type)),
            ("Severity", fixed(i.severity)),
            ("Safeguarding concern", fixed(i.safeguarding_concern)),
            ("Parents told", fixed(i.parent_informed)),
            ("When they were told", fixed(i.parent_informed_at)),
            ("Who told them", Free("incident", i.id, "parent_informed_by", i.parent_informed_by)),
            ("Status", fixed(i.status)),
            ("Outcome", fixed(i.outcome)),
            *texts,
            ("Closed", fixed(i.closed_at)),
            withdrawn("incident", i),
        ),
    )


def _people(
    incident: Incident,
    involvements: list[Involvement],
    subject: Person,
    roles: dict[int, str],
    mentions: Callable[[str], bool],
    *,
    only: set[tuple[str, int]] | None = None,
) -> DraftItem:
    """Who was involved, each by role; the subject's own notes, and others' notes only
    where they name the subject."""
    pairs: list[tuple[str, Part | Parts | None]] = []
    for inv in involvements:
        mine = inv.person_id == subject.id
        if only is not None and ("involvement", inv.id) not in only:
            continue
        who = person_part("involvement", inv.id, "person", inv.person, subject, roles)
        gone = " (removed from the incident)" if inv.withdrawn_at is not None else ""
        pairs.append((f"{inv.role.label}{gone}", who))
        if inv.notes and (mine or mentions(inv.notes)):
            pairs.append(("Notes", Free("involvement", inv.id, "notes", inv.notes)))
    return DraftItem(
        f"incident_people:{incident.id}",
        f"{incident.reference} · people involved",
        "People involved",
        lines_of(*pairs),
    )


def _request(
    request: DeletionRequest, ref: str, subject: Person, roles: dict[int, str]
) -> DraftItem:
    r = request
    return DraftItem(
        f"deletion_request:{r.id}",
        f"{ref} · deletion request",
        "Request to delete a post",
        lines_of(
            ("To", person_part("deletion_request", r.id, "addressee", r.addressee, subject, roles)),
            ("How", fixed(r.method)),
            ("Sent", fixed(r.sent_at)),
            ("Deadline", fixed(r.deadline)),
            ("The post", Free("deletion_request", r.id, "post_description", r.post_description)),
            ("Reply received", fixed(r.reply_received_at)),
            ("Reply", Free("deletion_request", r.id, "reply_summary", r.reply_summary)),
            ("Outcome", fixed(r.outcome)),
            ("Removal checked", fixed(r.removal_verified_at)),
            ("Notes", Free("deletion_request", r.id, "notes", r.notes)),
            withdrawn("deletion_request", r),
        ),
    )


def _escalation(escalation: Escalation, ref: str) -> DraftItem:
    e = escalation
    contact = None
    if e.contact.strip():
        contact = Auto(
            "escalation",
            e.id,
            "contact",
            e.contact,
            CONTACT,
            "names someone at the outside organisation",
        )
    return DraftItem(
        f"escalation:{e.id}",
        f"{ref} · escalation",
        f"Escalation: {e.kind.label}",
        lines_of(
            ("When", fixed(e.escalated_at)),
            ("Their reference", fixed(e.reference_number)),
            ("Contact", contact),
            ("Where it stands", fixed(e.status)),
            ("What came back", Free("escalation", e.id, "outcome", e.outcome)),
            ("Notes", Free("escalation", e.id, "notes", e.notes)),
            ("Next follow-up", fixed(e.next_follow_up_on)),
            withdrawn("escalation", e),
        ),
    )


def _evidence(evidence: Evidence, ref: str) -> DraftItem:
    e = evidence
    if e.kind is EvidenceKind.DESCRIPTION_ONLY:
        held = "A description only: no image was kept."
    elif e.content_destroyed_at is not None:
        held = (
            f"The file was destroyed on {format_date(e.content_destroyed_at)}; its record is kept."
        )
    else:
        held = f"A file ({e.media_type or 'unknown type'}, {e.size_bytes or 0:,} bytes)."
    return DraftItem(
        f"evidence:{e.id}",
        f"{ref} · evidence",
        "Evidence",
        lines_of(
            ("What it is", Free("evidence", e.id, "description", e.description)),
            ("File name", Free("evidence", e.id, "original_filename", e.original_filename)),
            ("Held", Fixed(held)),
            ("Captured", fixed(e.captured_at)),
            ("SHA-256 fingerprint", fixed(e.sha256)),
            withdrawn("evidence", e),
        ),
        evidence_id=e.id if _image_kept(e) else None,
    )


def _image_kept(evidence: Evidence) -> bool:
    """A stored picture (not a PDF, not a description, not destroyed): it may be put in the
    pack once the DSL has looked at it."""
    return (
        evidence.kind is EvidenceKind.FILE
        and evidence.content_destroyed_at is None
        and evidence.sha256 is not None
        and (evidence.media_type or "").startswith("image/")
    )


def _letter(
    session: Session, letter: Letter, ref: str, subject: Person, roles: dict[int, str]
) -> DraftItem:
    addressee = session.get(Person, letter.addressee_id)
    return DraftItem(
        f"letter:{letter.id}",
        f"{ref} · letter",
        f"Letter of {format_date(letter.letter_date)}",
        lines_of(
            ("To", person_part("letter", letter.id, "addressee", addressee, subject, roles)),
            ("Letter", fixed(letter.template_title)),
            ("Subject", Free("letter", letter.id, "subject", letter.subject)),
            ("SHA-256 fingerprint of the letter", Fixed(letter.sha256)),
            withdrawn("letter", letter),
        ),
    )
