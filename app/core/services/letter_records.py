"""Letters on record: listed, withdrawn when made in error, and reprinted from the stored
file (checked against its SHA-256)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from app.core.audit import Action, Record, record_look
from app.core.clock import utc_now
from app.core.errors import Conflict, NotFound
from app.core.models import (
    Incident,
    Letter,
    Person,
    User,
)
from app.core.permissions import Permission, requires, visible_incidents
from app.core.services.chronology import record
from app.core.services.letter_values import (
    addressee_name,
    long_date,
)
from app.core.services.lookups import get_incident
from app.core.services.validation import atomic, check_text
from app.core.vocab import (
    ChronologyKind,
)


@dataclass(frozen=True)
class LetterRow:
    """A letter on record, as the incident window and the Letters screen list it."""

    id: int
    incident_id: int
    incident_reference: str
    letter_date: date
    template_title: str
    addressee_name: str
    made_by: str
    made_at: datetime
    page_count: int
    sha256: str


@requires(Permission.LETTERS, incident="incident_id")
def list_letters(
    session: Session, incident_id: int | None = None, *, limit: int = 500
) -> list[LetterRow]:
    """Letters on record, newest first (for one incident, or across the log)."""
    query = (
        select(Letter, Incident.reference, Person, User.display_name)
        .join(Incident, Incident.id == Letter.incident_id)
        .join(Person, Person.id == Letter.addressee_id)
        .join(User, User.id == Letter.created_by_id)
        .where(Letter.withdrawn_at.is_(None), visible_incidents(session))
        .order_by(Letter.id.desc())
        .limit(limit)
    )
    if incident_id is not None:
        query = query.where(Letter.incident_id == incident_id)
    return [
        LetterRow(
            id=letter.id,
            incident_id=letter.incident_id,
            incident_reference=reference,
            letter_date=letter.letter_date,
            template_title=letter.template_title or letter.template_key,
            addressee_name=addressee_name(person),
            made_by=made_by,
            made_at=letter.created_at,
            page_count=letter.page_count,
            sha256=letter.sha256,
        )
        for letter, reference, person, made_by in session.execute(query)
    ]


@requires(Permission.LETTERS)
def withdraw_letter(session: Session, actor: User, letter_id: int, reason: str) -> Letter:
    """A letter made in error (printed twice, wrong person ticked): it stays on record,
    marked withdrawn with the reason, and the timeline says so."""
    check_text(
        "reason", reason, label="The reason", max_length=2_000, required=True, multiline=True
    )
    with atomic(session):
        letter = session.get(Letter, letter_id)
        if letter is None:
            raise NotFound("That letter is not on record.")
        if letter.withdrawn_at is not None:
            raise Conflict("This letter has already been withdrawn.")
        letter.withdrawn_at = utc_now()
        letter.withdrawn_by_id = actor.id
        letter.withdrawn_reason = reason
        addressee = session.get(Person, letter.addressee_id)
        record(
            session,
            actor,
            get_incident(session, letter.incident_id),
            ChronologyKind.LETTER,
            f"Letter “{letter.template_title}” to "
            f"{addressee_name(addressee) if addressee else 'someone'} of "
            f"{long_date(letter.letter_date)} withdrawn: {reason}",
        )
        session.flush()
    return letter


@requires(Permission.LETTERS)
def letter_copy(session: Session, letter_id: int, action: Action, **detail: object) -> bytes:
    """A stored letter to print again or save as a copy (in this unit of work, before it
    is committed): the print or the export is on the audit trail."""
    pdf = letter_pdf(session, letter_id)
    record_look(session, action, Record.LETTER, letter_id, **detail)
    return pdf


@requires(Permission.LETTERS)
def letters_output(session: Session, letter_ids: Sequence[int], action: Action) -> None:
    """Letters just made were printed or saved (in their unit of work): on the trail."""
    for letter_id in letter_ids:
        record_look(session, action, Record.LETTER, letter_id)


@requires(Permission.LETTERS)
def letter_pdf(session: Session, letter_id: int) -> bytes:
    """The stored PDF of a letter, exactly as first printed (checked against its SHA-256)."""
    letter = session.get(Letter, letter_id, options=[undefer(Letter.pdf)])
    if letter is None:
        raise NotFound("That letter is not on record.")
    get_incident(session, letter.incident_id)  # only for someone who may see the incident
    if hashlib.sha256(letter.pdf).hexdigest() != letter.sha256:
        raise Conflict(
            "The stored copy of this letter doesn't match the fingerprint taken when it was "
            "made, so it can't be reprinted as the same document. Please tell your IT support."
        )
    return letter.pdf
