"""Deletion requests: asking the poster to delete the post, with a school-day deadline,
replies, outcomes and follow-ups. Every step is written to the incident's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import LONDON, today_london, utc_now
from app.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from app.core.models import DeletionRequest, Incident, Involvement, Person, User
from app.core.permissions import Permission, requires
from app.core.rules.school_days import add_working_days
from app.core.rules.transitions import REMOVAL_OUTCOMES, REQUEST_OUTCOMES
from app.core.services.chronology import record
from app.core.services.incident_status import follow_the_work
from app.core.services.lookups import get_incident
from app.core.services.school import find_settings
from app.core.services.terms import school_calendar
from app.core.services.validation import atomic, check_aware, check_choice, check_text
from app.core.timefmt import format_date, format_datetime
from app.core.vocab import (
    ChronologyKind,
    DeletionMethod,
    DeletionOutcome,
    IncidentStatus,
    InvolvementRole,
)

DEFAULT_DEADLINE_DAYS = 2
DEFAULT_POSTAL_DAYS = 3


@dataclass(frozen=True)
class RequestRow:
    """One request as the incident window lists it."""

    id: int
    addressee_id: int
    addressee_name: str
    method: DeletionMethod
    sent_at: datetime | None
    deadline: date | None
    reply_received_at: datetime | None
    reply_summary: str
    outcome: DeletionOutcome
    removal_verified_at: datetime | None
    notes: str
    follow_up_of_id: int | None
    #: The request marked removed after which this one needed nothing more (its own
    #: outcome stays as recorded).
    superseded_by_id: int | None = None
    post_description: str = ""

    @property
    def is_open(self) -> bool:
        """Drafted, or sent and still waiting."""
        return self.outcome is DeletionOutcome.PENDING

    def overdue(self, today: date) -> bool:
        """Sent, unanswered, and past its deadline."""
        return (
            self.is_open
            and self.sent_at is not None
            and self.deadline is not None
            and self.deadline < today
        )


def default_deadline(
    session: Session, sent_at: datetime, method: DeletionMethod | None = None
) -> date:
    """N school days after the day it was sent (N is the school's setting); for a letter,
    N school days after it should have arrived (second class: the school's number of
    working days after posting), so the deadline is one the addressee can meet."""
    settings = find_settings(session)
    days = settings.deletion_deadline_school_days if settings else DEFAULT_DEADLINE_DAYS
    start = sent_at.astimezone(LONDON).date()
    if method is DeletionMethod.LETTER:
        start = delivery_date(session, start)
    return school_calendar(session).add_school_days(start, days)


def delivery_date(session: Session, posted_on: date) -> date:
    """When a letter posted on `posted_on` should have arrived (the school's number of
    working days for second class)."""
    settings = find_settings(session)
    postal = settings.postal_delivery_days if settings else DEFAULT_POSTAL_DAYS
    return add_working_days(posted_on, postal)


@requires(Permission.DELETION_REQUESTS, incident="incident_id")
def create_request(
    session: Session,
    actor: User,
    incident_id: int,
    *,
    addressee_id: int,
    method: DeletionMethod,
    sent_at: datetime | None,
    deadline: date | None = None,
    notes: str = "",
    follow_up_of_id: int | None = None,
    post_description: str = "",
) -> DeletionRequest:
    """Record a request to the poster (sent now or earlier, or drafted: `sent_at` None).
    Without a deadline, it is the school's number of school days after sending (after
    delivery, for a letter). `post_description` is how the letter identifies the post
    without quoting it ("your message in the Year 4 parents' WhatsApp group on
    14 November")."""
    method = check_choice("method", DeletionMethod, method, label="How it was sent")
    check_text("notes", notes, label="The notes", max_length=5_000, multiline=True)
    check_text(
        "post_description",
        post_description,
        label="The description of the post",
        max_length=300,
    )
    check_aware("sent_at", sent_at, label="The date sent")
    with atomic(session):
        incident = get_incident(session, incident_id)
        _refuse_if_not_open(incident)
        addressee = _poster(session, incident, addressee_id)
        if sent_at is not None:
            _check_after_seen(incident, sent_at, "sent_at", "The request")
            deadline = deadline or default_deadline(session, sent_at, method)
            _check_deadline(session, deadline, sent_at, method)
        elif deadline is not None:
            raise ValidationError("deadline", "A deadline is set when the request is sent.")
        request = DeletionRequest(
            incident_id=incident.id,
            addressee_id=addressee.id,
            method=method,
            sent_at=sent_at,
            deadline=deadline,
            notes=notes,
            follow_up_of_id=follow_up_of_id,
            post_description=post_description.strip(),
            created_by_id=actor.id,
        )
        session.add(request)
        session.flush()
        kind = "Second request" if follow_up_of_id else "Request"
        how = method.label.lower()
        if sent_at is None:
            text = f"{kind} to {addressee.full_name} to delete the post drafted ({how})."
        else:
            text = (
                f"{kind} to {addressee.full_name} to delete the post sent "
                f"({method.label.lower()}); deadline {format_date(deadline)}."
            )
        record(session, actor, incident, ChronologyKind.DELETION_REQUEST, text, occurred_at=sent_at)
        follow_the_work(session, actor, incident)
    return request


@requires(Permission.DELETION_REQUESTS)
def mark_sent(
    session: Session,
    actor: User,
    request_id: int,
    sent_at: datetime,
    *,
    deadline: date | None = None,
) -> DeletionRequest:
    """A drafted request has gone out."""
    check_aware("sent_at", sent_at, label="The date sent")
    with atomic(session):
        request, incident = _request(session, request_id)
        if request.sent_at is not None:
            raise Conflict("This request has already been sent.")
        if request.outcome is not DeletionOutcome.PENDING:
            raise NotAllowed(f"This request was closed as “{request.outcome.label.lower()}”.")
        _check_after_seen(incident, sent_at, "sent_at", "The request")
        request.sent_at = sent_at
        request.deadline = deadline or default_deadline(session, sent_at, request.method)
        _check_deadline(session, request.deadline, sent_at, request.method)
        request.updated_by_id = actor.id
        session.flush()
        record(
            session,
            actor,
            incident,
            ChronologyKind.DELETION_REQUEST,
            f"Request to {request.addressee.full_name} sent; deadline "
            f"{format_date(request.deadline)}.",
            occurred_at=sent_at,
        )
        follow_the_work(session, actor, incident)
    return request


@requires(Permission.DELETION_REQUESTS)
def record_reply(
    session: Session, actor: User, request_id: int, *, reply_at: datetime, summary: str
) -> DeletionRequest:
    """The poster answered (the gist, not a copy of anything offensive)."""
    check_aware("reply_at", reply_at, label="The date of the reply")
    check_text(
        "reply_summary",
        summary,
        label="What they said",
        max_length=5_000,
        required=True,
        multiline=True,
    )
    with atomic(session):
        request, incident = _request(session, request_id)
        if request.sent_at is None:
            raise ValidationError("reply_at", "Record when the request was sent before its reply.")
        if reply_at < request.sent_at:
            raise ValidationError(
                "reply_at", "The reply can't have come before the request was sent."
            )
        request.reply_received_at = reply_at
        request.reply_summary = summary
        request.updated_by_id = actor.id
        session.flush()
        record(
            session,
            actor,
            incident,
            ChronologyKind.DELETION_REQUEST,
            f"Reply from {request.addressee.full_name}: {summary}",
            occurred_at=reply_at,
        )
    return request


@requires(Permission.DELETION_REQUESTS)
def record_outcome(
    session: Session,
    actor: User,
    request_id: int,
    outcome: DeletionOutcome,
    *,
    verified_at: datetime | None = None,
    note: str = "",
) -> DeletionRequest:
    """Close (or move on) a request: removed, partly removed, refused, no reply, withdrawn."""
    with atomic(session):
        request = _record_outcome(
            session, actor, request_id, outcome, verified_at=verified_at, note=note
        )
        follow_the_work(session, actor, get_incident(session, request.incident_id))
    return request


def _record_outcome(
    session: Session,
    actor: User,
    request_id: int,
    outcome: DeletionOutcome,
    *,
    verified_at: datetime | None,
    note: str,
) -> DeletionRequest:
    outcome = check_choice("outcome", DeletionOutcome, outcome, label="Outcome")
    check_aware("verified_at", verified_at, label="When the removal was checked")
    check_text("notes", note, label="The note", max_length=2_000, multiline=True)
    with atomic(session):
        request, incident = _request(session, request_id)
        _refuse_if_superseded(request)
        allowed = REQUEST_OUTCOMES[request.outcome]
        if outcome not in allowed:
            raise NotAllowed(
                f"A request that is “{request.outcome.label.lower()}” can't become "
                f"“{outcome.label.lower()}”."
            )
        if outcome is not DeletionOutcome.WITHDRAWN and request.sent_at is None:
            raise NotAllowed(
                f"The request hasn't been sent, so it can't be “{outcome.label.lower()}”: "
                "record when it was sent first."
            )
        if outcome in REMOVAL_OUTCOMES:
            if verified_at is None:
                raise ValidationError("verified_at", "Say when you checked the post had gone.")
            assert request.sent_at is not None
            if verified_at < request.sent_at:
                raise ValidationError(
                    "verified_at",
                    "The removal can't have been checked before the request was sent.",
                )
        elif verified_at is not None:
            raise ValidationError("verified_at", "A removal date goes with “removed” only.")
        if outcome is DeletionOutcome.NO_REPLY and request.reply_received_at is not None:
            raise NotAllowed("A reply was recorded, so the outcome can't be “no reply”.")
        if outcome is DeletionOutcome.NO_REPLY and (
            request.deadline is None or request.deadline >= today_london()
        ):
            raise NotAllowed(
                f"The deadline ({format_date(request.deadline)}) hasn't passed yet, so it is "
                "too early to record “no reply”."
            )
        previous = request.outcome
        request.outcome = outcome
        request.removal_verified_at = verified_at
        if note:
            request.notes = f"{request.notes}\n{note}".strip()
        request.updated_by_id = actor.id
        session.flush()
        text = (
            f"Request to {request.addressee.full_name}: {previous.label.lower()} → "
            f"{outcome.label.lower()}"
        )
        if verified_at is not None:
            text += f" (checked {format_datetime(verified_at)})"
        record(
            session,
            actor,
            incident,
            ChronologyKind.DELETION_REQUEST,
            text + (f". {note}" if note else "."),
            occurred_at=verified_at,
        )
        if outcome is DeletionOutcome.REMOVED:
            _close_others_after_removal(session, actor, incident, request, verified_at)
    return request


def _close_others_after_removal(
    session: Session,
    actor: User,
    incident: Incident,
    removed: DeletionRequest,
    verified_at: datetime | None,
) -> None:
    """The post is down: that person's other requests on this incident need nothing more.
    They are closed as superseded by the request marked removed; an outcome already
    recorded on one (no reply, refused, partly removed) stays as it was recorded."""
    others = session.scalars(
        select(DeletionRequest)
        .where(
            DeletionRequest.incident_id == incident.id,
            DeletionRequest.addressee_id == removed.addressee_id,
            DeletionRequest.id != removed.id,
            DeletionRequest.withdrawn_at.is_(None),
            DeletionRequest.superseded_by_id.is_(None),
            DeletionRequest.outcome.in_(
                [
                    DeletionOutcome.PENDING,
                    DeletionOutcome.NO_REPLY,
                    DeletionOutcome.REFUSED,
                    DeletionOutcome.PARTLY_REMOVED,
                ]
            ),
        )
        .order_by(DeletionRequest.id)
    ).all()
    if not others:
        return
    described = []
    for other in others:
        when = (
            f"sent {format_date(other.sent_at.astimezone(LONDON).date())}"
            if other.sent_at is not None
            else "drafted, not sent"
        )
        if other.outcome is DeletionOutcome.PENDING:
            other.outcome = DeletionOutcome.SUPERSEDED
            described.append(f"the request {when} (was still open)")
        else:
            described.append(
                f"the request {when} (its outcome stays “{other.outcome.label.lower()}”)"
            )
        other.superseded_by_id = removed.id
        other.updated_by_id = actor.id
    session.flush()
    record(
        session,
        actor,
        incident,
        ChronologyKind.DELETION_REQUEST,
        f"Other requests to {removed.addressee.full_name} closed as superseded (the post "
        f"was removed after the request {_sent_on(removed)}): " + "; ".join(described) + ".",
        occurred_at=verified_at,
    )


def _sent_on(request: DeletionRequest) -> str:
    if request.sent_at is None:
        return "drafted"
    return f"sent {format_date(request.sent_at.astimezone(LONDON).date())}"


def _refuse_if_superseded(request: DeletionRequest) -> None:
    if request.superseded_by_id is not None:
        raise NotAllowed(
            "This request was closed as superseded: the post was removed after another "
            "request. Its outcome stays as recorded."
        )


@requires(Permission.DELETION_REQUESTS)
def send_second_request(
    session: Session,
    actor: User,
    request_id: int,
    *,
    method: DeletionMethod,
    sent_at: datetime,
    notes: str = "",
    post_description: str | None = None,
) -> DeletionRequest:
    """The deadline passed without removal: record "no reply" on the first if it is still
    open, and send a second request linked to it (describing the post as the first did,
    unless a new description is given)."""
    with atomic(session):
        first, incident = _request(session, request_id)
        _refuse_if_superseded(first)
        if first.outcome is DeletionOutcome.PENDING:
            # (the status follows once the second request is sent, not in between)
            _record_outcome(
                session, actor, first.id, DeletionOutcome.NO_REPLY, verified_at=None, note=""
            )
        elif first.outcome not in (
            DeletionOutcome.NO_REPLY,
            DeletionOutcome.REFUSED,
            DeletionOutcome.PARTLY_REMOVED,
        ):
            raise NotAllowed(
                f"The first request is “{first.outcome.label.lower()}”; a second isn't needed."
            )
        return create_request(
            session,
            actor,
            incident.id,
            addressee_id=first.addressee_id,
            method=method,
            sent_at=sent_at,
            notes=notes,
            follow_up_of_id=first.id,
            post_description=(
                first.post_description if post_description is None else post_description
            ),
        )


@requires(Permission.DELETION_REQUESTS)
def withdraw_request(
    session: Session, actor: User, request_id: int, reason: str
) -> DeletionRequest:
    """A request recorded in error: kept, marked withdrawn, with the reason."""
    check_text(
        "reason", reason, label="The reason", max_length=1_000, required=True, multiline=True
    )
    with atomic(session):
        request, incident = _request(session, request_id)
        request.withdrawn_at = utc_now()
        request.withdrawn_by_id = actor.id
        request.withdrawn_reason = reason
        session.flush()
        record(
            session,
            actor,
            incident,
            ChronologyKind.DELETION_REQUEST,
            f"Request to {request.addressee.full_name} withdrawn (recorded in error): {reason}",
        )
        follow_the_work(session, actor, incident)
    return request


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def list_requests(session: Session, incident_id: int) -> list[RequestRow]:
    """An incident's requests, oldest first (withdrawn ones left out)."""
    rows = session.execute(
        select(DeletionRequest, Person)
        .join(Person, Person.id == DeletionRequest.addressee_id)
        .where(DeletionRequest.incident_id == incident_id, DeletionRequest.withdrawn_at.is_(None))
        .order_by(DeletionRequest.id)
    ).all()
    return [
        RequestRow(
            r.id,
            p.id,
            p.full_name,
            r.method,
            r.sent_at,
            r.deadline,
            r.reply_received_at,
            r.reply_summary,
            r.outcome,
            r.removal_verified_at,
            r.notes,
            r.follow_up_of_id,
            r.superseded_by_id,
            r.post_description,
        )
        for r, p in rows
    ]


def _request(session: Session, request_id: int) -> tuple[DeletionRequest, Incident]:
    request = session.get(DeletionRequest, request_id)
    if request is None or request.withdrawn_at is not None:
        raise NotFound("That deletion request does not exist.")
    incident = get_incident(session, request.incident_id)
    _refuse_if_not_open(incident)
    return request, incident


def _poster(session: Session, incident: Incident, person_id: int) -> Person:
    involved = session.scalars(
        select(Involvement).where(
            Involvement.incident_id == incident.id,
            Involvement.person_id == person_id,
            Involvement.role == InvolvementRole.POSTER,
            Involvement.withdrawn_at.is_(None),
        )
    ).first()
    if involved is None:
        raise ValidationError(
            "addressee",
            "A deletion request goes to someone recorded as the poster: add them "
            "on the People tab first.",
        )
    return involved.person


def _check_deadline(
    session: Session, deadline: date, sent_at: datetime, method: DeletionMethod
) -> None:
    sent_on = sent_at.astimezone(LONDON).date()
    if deadline <= sent_on:
        raise ValidationError("deadline", "The deadline must be after the day it was sent.")
    if method is DeletionMethod.LETTER:
        arrives = delivery_date(session, sent_on)
        if deadline <= arrives:
            raise ValidationError(
                "deadline",
                f"A letter posted on {format_date(sent_on)} should arrive by "
                f"{format_date(arrives)}; the deadline must be after that, so it can be met.",
            )


def _check_after_seen(incident: Incident, moment: datetime, field: str, what: str) -> None:
    if moment < incident.seen_at.replace(second=0, microsecond=0):
        raise ValidationError(field, f"{what} can't be before the post was seen.")


def _refuse_if_not_open(incident: Incident) -> None:
    if incident.withdrawn_at is not None:
        raise Conflict("This incident has been withdrawn and can't be changed.")
    if incident.status is IncidentStatus.CLOSED:
        raise NotAllowed("This incident is closed: reopen it (set its status) first.")
