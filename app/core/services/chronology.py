"""The incident timeline: entries are added, never changed; corrections are amendments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.core.errors import NotFound, ValidationError
from app.core.models import ChronologyEntry, Incident, User
from app.core.permissions import Permission, requires, visible_entries
from app.core.services.lookups import get_incident
from app.core.services.validation import atomic, check_aware, check_text
from app.core.vocab import ChronologyKind

TEXT_MAX = 10_000


@dataclass(frozen=True)
class ChronologyRow:
    """One entry as the timeline shows it."""

    id: int
    kind: ChronologyKind
    occurred_at: datetime
    recorded_at: datetime
    author: str
    text: str
    amends_id: int | None
    amended_by_ids: tuple[int, ...]


def record(
    session: Session,
    actor: User,
    incident: Incident,
    kind: ChronologyKind,
    text: str,
    *,
    occurred_at: datetime | None = None,
    amends_id: int | None = None,
) -> ChronologyEntry:
    """Append an entry (used by every service that changes an incident)."""
    entry = ChronologyEntry(
        incident_id=incident.id,
        kind=kind,
        text=text,
        amends_id=amends_id,
        created_by_id=actor.id,
    )
    if occurred_at is not None:
        entry.occurred_at = occurred_at
    session.add(entry)
    session.flush()
    return entry


@requires(Permission.EDIT_INCIDENT, incident="incident_id")
def add_note(
    session: Session,
    actor: User,
    incident_id: int,
    text: str,
    *,
    occurred_at: datetime | None = None,
) -> ChronologyEntry:
    """A note typed by the DSL (optionally about something that happened earlier)."""
    check_text("note", text, label="The note", max_length=TEXT_MAX, required=True, multiline=True)
    check_aware("occurred_at", occurred_at, label="When it happened")
    with atomic(session):
        incident = get_incident(session, incident_id)
        return record(session, actor, incident, ChronologyKind.NOTE, text, occurred_at=occurred_at)


@requires(Permission.EDIT_INCIDENT)
def amend_entry(session: Session, actor: User, entry_id: int, text: str) -> ChronologyEntry:
    """Correct an entry: a new entry pointing at the original, which stays visible."""
    check_text(
        "amendment",
        text,
        label="The correction",
        max_length=TEXT_MAX,
        required=True,
        multiline=True,
    )
    with atomic(session):
        original = session.get(ChronologyEntry, entry_id)
        if original is None:
            raise NotFound("That timeline entry does not exist.")
        if original.text == text:
            raise ValidationError("amendment", "The correction is the same as the original.")
        incident = get_incident(session, original.incident_id)
        return record(
            session,
            actor,
            incident,
            ChronologyKind.AMENDMENT,
            text,
            occurred_at=original.occurred_at,
            amends_id=original.id,
        )


def moment(occurred_at: datetime, recorded_at: datetime) -> datetime:
    """When an entry happened, for ordering. A time typed in a form has no seconds
    (09:05); when it is the minute the entry was written in, the thing happened then, up
    to the second the entry was written (09:05:40) — so it sorts after an entry written
    at 09:05:10, not before it as a time rounded to the minute would."""
    typed_to_the_minute = occurred_at.second == 0 and occurred_at.microsecond == 0
    if typed_to_the_minute and occurred_at <= recorded_at < occurred_at + timedelta(minutes=1):
        return recorded_at
    return occurred_at


#: Aliased once, so the statement is compiled once (see contact_exceptions._PUPIL).
_AUTHOR = aliased(User, name="author")


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def list_chronology(session: Session, incident_id: int) -> list[ChronologyRow]:
    """The timeline, newest first (by when things happened, to the second, then by when
    written; see `moment`)."""
    author = _AUTHOR
    rows = sorted(
        session.execute(
            select(ChronologyEntry, author.display_name)
            .join(author, author.id == ChronologyEntry.created_by_id)
            .where(ChronologyEntry.incident_id == incident_id)
            .where(visible_entries(session))  # office staff: only what they wrote
        ).all(),
        key=lambda row: (moment(row[0].occurred_at, row[0].created_at), row[0].id),
        reverse=True,
    )
    amended_by: dict[int, list[int]] = {}
    for entry, _ in rows:
        if entry.amends_id is not None:
            amended_by.setdefault(entry.amends_id, []).append(entry.id)
    return [
        ChronologyRow(
            id=entry.id,
            kind=entry.kind,
            occurred_at=entry.occurred_at,
            recorded_at=entry.created_at,
            author=name,
            text=entry.text,
            amends_id=entry.amends_id,
            amended_by_ids=tuple(sorted(amended_by.get(entry.id, []))),
        )
        for entry, name in rows
    ]
