"""Subject access requests: recorded, timed (one calendar month from receipt, extended
only for a complex request and only within that month), answered or withdrawn. Only the
DSL and deputies may handle them (`Permission.SUBJECT_ACCESS`). The pack itself is made
by `subject_access_pack`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.core.clock import today_london, utc_now
from app.core.errors import NotAllowed, NotFound, ValidationError
from app.core.models import Person, SubjectAccessRedaction, SubjectAccessRequest, User
from app.core.permissions import Permission, requires
from app.core.rules.subject_access import (
    MOST_EXTENSION_MONTHS,
    extension_still_possible,
    response_due,
)
from app.core.services.validation import atomic, check_past_date, check_text
from app.core.timefmt import format_date
from app.core.vocab import RedactionAction, SubjectAccessStatus


@dataclass(frozen=True)
class SubjectAccessRow:
    """A request as the Subject access page lists it."""

    id: int
    person_id: int
    person_name: str
    requester_name: str
    requester_relationship: str
    received_on: date
    due_on: date
    extension_months: int
    extension_reason: str
    status: SubjectAccessStatus
    responded_on: date | None
    pack_sha256: str | None
    pack_made_at: datetime | None
    withdrawn: bool
    version: int

    @property
    def is_open(self) -> bool:
        return self.status is SubjectAccessStatus.OPEN and not self.withdrawn

    def overdue(self, today: date) -> bool:
        """Past its due day and not answered."""
        return self.is_open and today > self.due_on


@dataclass(frozen=True)
class RedactionLogRow:
    """One line of a pack's redaction log (kept here; never sent)."""

    made_at: datetime
    pack_sha256: str
    action: RedactionAction
    location: str
    removed: str
    replaced_by: str
    reason: str


@requires(Permission.SUBJECT_ACCESS)
def create_request(
    session: Session,
    actor: User,
    person_id: int,
    *,
    requester_name: str,
    requester_relationship: str,
    received_on: date,
) -> SubjectAccessRequest:
    """Record a request for the information held about a person; it is due one calendar
    month from the day it was received."""
    check_text("requester_name", requester_name, label="Who asked", max_length=200, required=True)
    check_text(
        "requester_relationship",
        requester_relationship,
        label="Who they are to the person",
        max_length=200,
        required=True,
    )
    if not isinstance(received_on, date):
        raise ValidationError("received_on", "Say when the request was received.")
    check_past_date("received_on", received_on, label="The day it was received")
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("That person is not in the log.")
    with atomic(session):
        request = SubjectAccessRequest(
            person_id=person_id,
            requester_name=requester_name.strip(),
            requester_relationship=requester_relationship.strip(),
            received_on=received_on,
            due_on=response_due(received_on),
            created_by_id=actor.id,
        )
        session.add(request)
        session.flush()
    return request


@requires(Permission.SUBJECT_ACCESS)
def extend_request(
    session: Session, actor: User, request_id: int, *, months: int, reason: str
) -> SubjectAccessRequest:
    """Extend a complex request by one or two further months (in all), with why it is
    complex; only within the first month, when the requester must be told."""
    check_text(
        "extension_reason",
        reason,
        label="Why the request is complex",
        max_length=2_000,
        required=True,
        multiline=True,
    )
    if months not in range(1, MOST_EXTENSION_MONTHS + 1):
        raise ValidationError("extension_months", "An extension is of one or two months.")
    with atomic(session):
        request = _open_request(session, request_id)
        if not extension_still_possible(request.received_on, today_london()):
            raise NotAllowed(
                "The first month is over: an extension must be decided, and the requester "
                f"told, by {format_date(response_due(request.received_on))}."
            )
        request.extension_months = months
        request.extension_reason = reason.strip()
        request.due_on = response_due(request.received_on, months)
        request.updated_by_id = actor.id
        session.flush()
    return request


@requires(Permission.SUBJECT_ACCESS)
def record_response(
    session: Session, actor: User, request_id: int, *, responded_on: date
) -> SubjectAccessRequest:
    """The request was answered on `responded_on`: it leaves the dashboard."""
    check_past_date("responded_on", responded_on, label="The day it was answered")
    with atomic(session):
        request = _open_request(session, request_id)
        if responded_on < request.received_on:
            raise ValidationError(
                "responded_on", "It can't have been answered before it was received."
            )
        request.status = SubjectAccessStatus.RESPONDED
        request.responded_on = responded_on
        request.updated_by_id = actor.id
        session.flush()
    return request


@requires(Permission.SUBJECT_ACCESS)
def withdraw_request(
    session: Session, actor: User, request_id: int, reason: str
) -> SubjectAccessRequest:
    """A request withdrawn by the requester, or recorded in error: kept, with the reason."""
    check_text("reason", reason, label="The reason", max_length=1_000, required=True)
    with atomic(session):
        request = _open_request(session, request_id)
        request.withdrawn_at = utc_now()
        request.withdrawn_by_id = actor.id
        request.withdrawn_reason = reason.strip()
        session.flush()
    return request


def _open_request(session: Session, request_id: int) -> SubjectAccessRequest:
    request = session.get(SubjectAccessRequest, request_id)
    if request is None:
        raise NotFound("That subject access request does not exist.")
    if request.withdrawn_at is not None:
        raise NotAllowed("That request was withdrawn.")
    if request.status is not SubjectAccessStatus.OPEN:
        raise NotAllowed("That request has been answered already.")
    return request


@requires(Permission.SUBJECT_ACCESS)
def list_requests(session: Session) -> list[SubjectAccessRow]:
    """Every request, open ones first (soonest due), then the rest, newest first."""
    rows = [_row(r, p) for r, p in session.execute(_query())]
    return sorted(
        rows,
        key=lambda r: (not r.is_open, r.due_on if r.is_open else -r.received_on.toordinal()),
    )


@requires(Permission.SUBJECT_ACCESS)
def get_request(session: Session, request_id: int) -> SubjectAccessRow:
    found = session.execute(_query().where(SubjectAccessRequest.id == request_id)).first()
    if found is None:
        raise NotFound("That subject access request does not exist.")
    return _row(found[0], found[1])


def _query() -> Select[SubjectAccessRequest, Person]:
    return select(SubjectAccessRequest, Person).join(
        Person, Person.id == SubjectAccessRequest.person_id
    )


def _row(request: SubjectAccessRequest, person: Person) -> SubjectAccessRow:
    return SubjectAccessRow(
        id=request.id,
        person_id=person.id,
        person_name=person.full_name,
        requester_name=request.requester_name,
        requester_relationship=request.requester_relationship,
        received_on=request.received_on,
        due_on=request.due_on,
        extension_months=request.extension_months,
        extension_reason=request.extension_reason,
        status=request.status,
        responded_on=request.responded_on,
        pack_sha256=request.pack_sha256,
        pack_made_at=request.pack_made_at,
        withdrawn=request.withdrawn_at is not None,
        version=request.version,
    )


@requires(Permission.SUBJECT_ACCESS)
def redaction_log(session: Session, request_id: int) -> list[RedactionLogRow]:
    """Every line of the redaction logs of the packs made for a request, oldest first."""
    return [
        RedactionLogRow(
            r.created_at, r.pack_sha256, r.action, r.location, r.removed, r.replaced_by, r.reason
        )
        for r in session.scalars(
            select(SubjectAccessRedaction)
            .where(SubjectAccessRedaction.request_id == request_id)
            .order_by(SubjectAccessRedaction.id)
        )
    ]
