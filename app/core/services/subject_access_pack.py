"""A subject access pack: the DSL's review (every other person's name found in free text,
with its context; the evidence images, and whether each has been viewed; the items that
may be withheld), then the pack made from the DSL's decisions — names replaced by roles
unless kept with a reason, items withheld with a reason, images put in only once viewed —
with its redaction log kept in the log (never sent) and the export on the audit trail.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.audit import Action
from app.core.audit.looks import Record, record_look
from app.core.clock import today_london, utc_now
from app.core.errors import NotAllowed, ValidationError
from app.core.models import AuditEntry, SubjectAccessRedaction, User
from app.core.permissions import Permission, acting_user, requires
from app.core.rules.redaction import context, redact
from app.core.services.evidence import evidence_content
from app.core.services.letter_values import letterhead
from app.core.services.school import find_settings
from app.core.services.subject_access_items import Auto, Draft, DraftItem, Fixed, Free
from app.core.services.subject_access_records import gather
from app.core.services.validation import atomic, check_text
from app.core.subject_access_data import (
    ImageChoice,
    ItemChoice,
    Occurrence,
    PackDecisions,
    PackItem,
    PackLine,
    PackReview,
    PackSection,
    SubjectAccessPack,
)
from app.core.vocab import RedactionAction
from app.documents.base import Letterhead
from app.documents.subject_access import SubjectAccessDocument

REDACTED_REASON = "another person's name: replaced by their role"


@dataclass(frozen=True)
class MadePack:
    """The pack made: its bytes (to save), fingerprint, pages, and what the log holds."""

    pdf: bytes
    sha256: str
    pages: int
    redacted: int
    kept: int
    withheld: int
    images: int


def _occurrence_key(part: Free, start: int) -> str:
    return f"{part.table}:{part.record_id}:{part.field}:{start}"


@requires(Permission.SUBJECT_ACCESS)
def review_pack(session: Session, request_id: int) -> PackReview:
    """What the DSL confirms before making the pack (the look is on the trail)."""
    draft = gather(session, request_id)
    occurrences, images, items, automatic = [], [], [], 0
    for item in _items(draft):
        items.append(ItemChoice(item.key, item.location, _summary(item)))
        for line in item.lines:
            for part in line.parts:
                if isinstance(part, Auto):
                    automatic += 1
                elif isinstance(part, Free):
                    for name in draft.finder.find(part.text):
                        occurrences.append(
                            Occurrence(
                                _occurrence_key(part, name.start),
                                f"{item.location} · {line.label.lower()}",
                                name.text,
                                name.role,
                                context(part.text, name),
                            )
                        )
        if item.evidence_id is not None:
            images.append(
                ImageChoice(
                    item.evidence_id,
                    item.location,
                    _plain(item, "What it is"),
                    _viewed(session, draft, item.evidence_id),
                )
            )
    record_look(session, Action.READ, Record.SUBJECT_ACCESS, request_id, review=True)
    return PackReview(tuple(occurrences), tuple(images), tuple(items), automatic)


def _items(draft: Draft) -> list[DraftItem]:
    return [item for section in draft.sections for item in section.items]


def _plain(item: DraftItem, label: str) -> str:
    for line in item.lines:
        if line.label == label:
            return " ".join(p.text if isinstance(p, Fixed | Free) else p.shown for p in line.parts)
    return ""


def _summary(item: DraftItem, most: int = 160) -> str:
    """The item's heading and what its lines say, on one line, cut to `most` characters."""
    said = " · ".join(_plain(item, line.label) for line in item.lines)
    text = " ".join(f"{item.heading}: {said}".split())
    return text if len(text) <= most else text[: most - 1] + "…"


def _viewed(session: Session, draft: Draft, evidence_id: int) -> bool:
    """Whether the acting DSL has looked at this image since the request was recorded
    (the look is on the audit trail, so "viewed" can't be claimed without it)."""
    user = acting_user(session)
    user_id = user.id if user is not None else None
    seen = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.table_name == "evidence",
            AuditEntry.record_id == evidence_id,
            AuditEntry.action.in_([Action.READ, Action.EXPORT]),
            AuditEntry.user_id == user_id,
            AuditEntry.at >= draft.request.created_at,
        )
    )
    return bool(seen)


@requires(Permission.SUBJECT_ACCESS)
def make_pack(session: Session, actor: User, request_id: int, decisions: PackDecisions) -> MadePack:
    """Make the pack from the DSL's decisions; keep its redaction log; record the export
    (with who asked for it) and the pack's fingerprint on the request."""
    for key, reason in [*decisions.keep.items(), *decisions.withhold.items()]:
        check_text("reason", reason, label=f"The reason for {key}", max_length=1_000, required=True)
    draft = gather(session, request_id)
    request = draft.request
    if request.withdrawn_at is not None:
        raise NotAllowed("That request was withdrawn: no pack is made for it.")
    log: list[tuple[RedactionAction, str, int | None, str, str, str, str, str]] = []
    sections = []
    for section in draft.sections:
        items = []
        for item in section.items:
            if item.key in decisions.withhold:
                table, _, record = item.key.partition(":")
                reason = decisions.withhold[item.key].strip()
                log.append(
                    (
                        RedactionAction.WITHHELD,
                        table,
                        int(record),
                        "",
                        item.location,
                        item.heading,
                        "",
                        reason,
                    )
                )
                continue
            items.append(_made_item(session, draft, item, decisions, log))
        if items:
            sections.append(PackSection(section.title, section.intro, tuple(items)))
    unknown = set(decisions.include_images) - {
        i.evidence_id for i in _items(draft) if i.evidence_id
    }
    if unknown:
        raise ValidationError("images", "Only images listed in this pack can be included.")
    settings = find_settings(session)
    pack = SubjectAccessPack(
        school_name=settings.name if settings else "",
        subject_name=draft.subject.full_name,
        requester_name=request.requester_name,
        requester_relationship=request.requester_relationship,
        received_on=request.received_on,
        produced_on=today_london(),
        sections=tuple(sections),
    )
    head = letterhead(settings) if settings is not None else Letterhead(school_name="")
    document = SubjectAccessDocument(head, pack)
    pdf = document.render()
    sha = hashlib.sha256(pdf).hexdigest()
    with atomic(session):
        for action, table, record_id, field, location, removed, shown, reason in log:
            session.add(
                SubjectAccessRedaction(
                    request_id=request.id,
                    pack_sha256=sha,
                    action=action,
                    record_table=table,
                    record_id=record_id,
                    field=field,
                    location=location,
                    removed=removed,
                    replaced_by=shown,
                    reason=reason,
                    created_by_id=actor.id,
                )
            )
        request.pack_sha256, request.pack_pages, request.pack_made_at = (
            sha,
            document.page_count,
            utc_now(),
        )
        request.updated_by_id = actor.id
        session.flush()
        counts = {a: sum(1 for entry in log if entry[0] is a) for a in RedactionAction}
        record_look(
            session,
            Action.EXPORT,
            Record.SUBJECT_ACCESS,
            request.id,
            requester=request.requester_name,
            relationship=request.requester_relationship,
            sha256=sha,
            pages=document.page_count,
            redacted=counts[RedactionAction.REDACTED],
            kept=counts[RedactionAction.KEPT],
            withheld=counts[RedactionAction.WITHHELD],
            images=counts[RedactionAction.IMAGE_INCLUDED],
        )
    return MadePack(
        pdf,
        sha,
        document.page_count,
        counts[RedactionAction.REDACTED],
        counts[RedactionAction.KEPT],
        counts[RedactionAction.WITHHELD],
        counts[RedactionAction.IMAGE_INCLUDED],
    )


def _made_item(
    session: Session,
    draft: Draft,
    item: DraftItem,
    decisions: PackDecisions,
    log: list[tuple[RedactionAction, str, int | None, str, str, str, str, str]],
) -> PackItem:
    lines = []
    for line in item.lines:
        words = []
        where = f"{item.location} · {line.label.lower()}"
        for part in line.parts:
            if isinstance(part, Fixed):
                words.append(part.text)
            elif isinstance(part, Auto):
                words.append(part.shown)
                log.append(
                    (
                        RedactionAction.REDACTED,
                        part.table,
                        part.record_id,
                        part.field,
                        where,
                        part.removed,
                        part.shown,
                        part.reason,
                    )
                )
            else:
                found = draft.finder.find(part.text)
                keep = set()
                for name in found:
                    key = _occurrence_key(part, name.start)
                    if key in decisions.keep:
                        keep.add(name.start)
                        log.append(
                            (
                                RedactionAction.KEPT,
                                part.table,
                                part.record_id,
                                part.field,
                                where,
                                name.text,
                                "",
                                decisions.keep[key].strip(),
                            )
                        )
                    else:
                        log.append(
                            (
                                RedactionAction.REDACTED,
                                part.table,
                                part.record_id,
                                part.field,
                                where,
                                name.text,
                                name.role,
                                REDACTED_REASON,
                            )
                        )
                words.append(redact(part.text, found, keep))
        lines.append(PackLine(line.label, "".join(words)))
    image = None
    if item.evidence_id is not None and item.evidence_id in decisions.include_images:
        if not _viewed(session, draft, item.evidence_id):
            raise ValidationError(
                "images",
                f"Look at the image ({item.location}) before putting it in the pack: each "
                "image goes in only once the DSL has viewed it.",
            )
        image = evidence_content(session, item.evidence_id)
        log.append(
            (
                RedactionAction.IMAGE_INCLUDED,
                "evidence",
                item.evidence_id,
                "content",
                item.location,
                "",
                "",
                "viewed by the DSL and included",
            )
        )
    return PackItem(item.heading, tuple(lines), image)
