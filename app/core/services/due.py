"""What is due and overdue: one set of rules shared by the incident list's "next action
due" column and "overdue only" filter, the dashboard and the start-up notice."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Executable, and_, bindparam, case, func, null, or_, select
from sqlalchemy.orm import Session

from app.core.clock import LONDON
from app.core.id_lists import among_given, given_ids
from app.core.models import DeletionRequest, Escalation, Incident, Person, SubjectAccessRequest
from app.core.permissions import Permission, may, requires, visible_incidents
from app.core.rules.guidance import ico_deadline
from app.core.rules.transitions import OPEN_ESCALATION_STATUSES, REFERENCE_LABELS
from app.core.services.contact_exceptions import reviews_due
from app.core.services.cp_transfer import awaiting_receipt
from app.core.timefmt import format_date, format_datetime
from app.core.vocab import DeletionOutcome, EscalationKind, IncidentStatus, SubjectAccessStatus


def open_request() -> ColumnElement[bool]:
    """A request that was sent and is still waiting for the post to come down."""
    return and_(
        DeletionRequest.withdrawn_at.is_(None),
        DeletionRequest.sent_at.is_not(None),
        DeletionRequest.outcome == DeletionOutcome.PENDING,
        DeletionRequest.deadline.is_not(None),
    )


def still_open() -> ColumnElement[bool]:
    """An escalation's status is one still being followed up: an IN list of fixed
    parameters, not the expanding one SQLAlchemy re-writes at every run (a page's lookups
    are timed in milliseconds)."""
    return Escalation.status.in_(
        [
            bindparam(f"open_status_{i}", status, type_=Escalation.status.type)
            for i, status in enumerate(sorted(OPEN_ESCALATION_STATUSES))
        ]
    )


def open_escalation() -> ColumnElement[bool]:
    """An escalation still being followed up."""
    return and_(
        Escalation.withdrawn_at.is_(None),
        still_open(),
        Escalation.next_follow_up_on.is_not(None),
    )


def awaiting_reference() -> ColumnElement[bool]:
    """An open escalation whose reference was expected later and hasn't been added."""
    return and_(
        Escalation.withdrawn_at.is_(None),
        still_open(),
        Escalation.reference_due_on.is_not(None),
        Escalation.reference_number == "",
    )


def next_action_due_expr() -> ColumnElement[Any]:
    """Per incident (correlated): the earliest request deadline or follow-up date still
    open; NULL when nothing is pending or the incident is closed."""
    request = (
        select(func.min(DeletionRequest.deadline))
        .where(DeletionRequest.incident_id == Incident.id, open_request())
        .scalar_subquery()
    )
    follow_up = (
        select(func.min(Escalation.next_follow_up_on))
        .where(Escalation.incident_id == Incident.id, open_escalation())
        .scalar_subquery()
    )
    reference = (
        select(func.min(Escalation.reference_due_on))
        .where(Escalation.incident_id == Incident.id, awaiting_reference())
        .scalar_subquery()
    )
    return case(
        (Incident.status == IncidentStatus.CLOSED, None),
        else_=_earliest(_earliest(request, follow_up), reference),
    )


def _earliest(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    """The earlier of two dates, either of which may be NULL (NULL only if both are)."""
    return case((a.is_(None), b), (b.is_(None), a), (a < b, a), else_=b)


def overdue_condition(today: date) -> ColumnElement[bool]:
    """Open incidents with a request past its deadline or a follow-up that has come due.

    Written as `id IN (…)` rather than EXISTS: the few overdue requests are found first
    through their (outcome, deadline) index, instead of probing every open incident.
    """
    late_requests = select(DeletionRequest.incident_id).where(
        open_request(), DeletionRequest.deadline < today
    )
    due_follow_ups = select(Escalation.incident_id).where(
        open_escalation(), Escalation.next_follow_up_on <= today
    )
    late_references = select(Escalation.incident_id).where(
        awaiting_reference(), Escalation.reference_due_on <= today
    )
    return and_(
        Incident.status != IncidentStatus.CLOSED,
        Incident.withdrawn_at.is_(None),
        or_(
            Incident.id.in_(late_requests),
            Incident.id.in_(due_follow_ups),
            Incident.id.in_(late_references),
        ),
    )


def next_action_due_for(session: Session, ids: list[int]) -> dict[int, date]:
    """The next action due of each of these incidents (three grouped queries, no N+1)."""
    return {i: due.next_action for i, due in page_due(session, ids, None).items()}


@dataclass(frozen=True, slots=True)
class PageDue:
    """A list row's next action due and whether it is overdue (the rule of
    `overdue_condition`, worked out from the same three earliest dates)."""

    next_action: date
    overdue: bool


def page_due(
    session: Session,
    ids: list[int],
    today: date | None,
    *,
    states: Mapping[int, tuple[IncidentStatus, bool]] | None = None,
) -> dict[int, PageDue]:
    """Next action due and overdue for these incidents only (a page of the list): two
    grouped lookups through the (incident_id, …) covering indexes, so the cost follows the
    page, never how many requests or escalations the whole log holds. Incidents with
    nothing pending are left out. `states` (id → status, withdrawn), when the caller has
    them already, saves a query; `today` None leaves overdue False."""
    if not ids:
        return {}
    dialect = session.get_bind().dialect.name
    lookups, states_query = _page_statements(dialect)
    # Core, not the ORM, and statements built once: at this size building them and the
    # ORM's per-statement work were most of the cost.
    connection = session.connection()
    given = {"ids": given_ids(ids, dialect)}
    earliest: dict[int, list[date | None]] = {}
    for query in lookups:
        for incident_id, *days in connection.execute(query, given):
            dates = earliest.setdefault(incident_id, [None, None, None])
            for kind, day in enumerate(days):
                dates[kind] = day if day is not None else dates[kind]
    if not earliest:
        return {}
    if states is None:
        rows = connection.execute(states_query, {"ids": given_ids(earliest, dialect)})
        states = {i: (status, withdrawn is not None) for i, status, withdrawn in rows}
    result: dict[int, PageDue] = {}
    for incident_id, (request, follow, ref) in earliest.items():
        status, withdrawn = states.get(incident_id, (IncidentStatus.CLOSED, False))
        days = [d for d in (request, follow, ref) if d is not None]
        if status == IncidentStatus.CLOSED or not days:  # nothing is due on a closed one
            continue
        overdue = (
            today is not None
            and not withdrawn
            and (
                (request is not None and request < today)  # a deadline passes the day after
                or (follow is not None and follow <= today)
                or (ref is not None and ref <= today)
            )
        )
        result[incident_id] = PageDue(min(days), overdue)
    return result


@cache
def _page_statements(dialect: str) -> tuple[tuple[Executable, Executable], Executable]:
    """`page_due`'s statements for a dialect, each taking the page's ids as `ids`: the
    earliest dates (requests, escalations), and the incidents' states."""
    follow_up = case((open_escalation(), Escalation.next_follow_up_on))
    reference = case((awaiting_reference(), Escalation.reference_due_on))
    requests = (
        select(DeletionRequest.incident_id, func.min(DeletionRequest.deadline), null(), null())
        .where(among_given(DeletionRequest.incident_id, dialect), open_request())
        .group_by(DeletionRequest.incident_id)
    )
    escalations = (
        select(Escalation.incident_id, null(), func.min(follow_up), func.min(reference))
        .where(
            among_given(Escalation.incident_id, dialect),
            Escalation.withdrawn_at.is_(None),
            still_open(),
        )
        .group_by(Escalation.incident_id)
    )
    states = select(Incident.id, Incident.status, Incident.withdrawn_at).where(
        among_given(Incident.id, dialect)
    )
    return (requests, escalations), states


@dataclass(frozen=True)
class DueItem:
    """Something due or overdue, for the dashboard (most urgent first)."""

    #: "request", "follow_up", "reference", "review", "ico" (a breach's 72 hours) or
    #: "transfer" (a child protection file whose receipt is not confirmed).
    #: "sar" (a subject access request's calendar month; `record_id` is the request's).
    kind: str
    due_on: date
    what: str
    incident_id: int | None
    reference: str | None
    record_id: int

    def days_overdue(self, today: date) -> int:
        """Days since it fell due (0 when due today)."""
        return (today - self.due_on).days


#: The dashboard lists this many, most urgent first; "and N more" opens the filtered list.
DUE_SHOWN = 200


@dataclass(frozen=True)
class DueList:
    """The most urgent due items, and how many there are in all."""

    items: list[DueItem]
    total: int


@requires(Permission.READ_INCIDENTS)
def due_list(session: Session, today: date, *, limit: int = DUE_SHOWN) -> DueList:
    """The `limit` most urgent of `due_items`, and the count of them all: each kind is
    read in date order up to `limit` and counted (indexed), never built in full."""
    parts = _late_records(session, today)
    total = sum(
        session.scalar(select(func.count()).select_from(query.subquery())) or 0
        for query, _ in parts
    )
    items = _items(
        session, [(q.order_by(day, q.selected_columns[0]).limit(limit), day) for q, day in parts]
    )
    extra = (
        _breach_clocks(session)
        + _reviews(session, today)
        + _transfers(session)
        + _subject_access(session)
    )
    return DueList(_sorted(items + extra)[:limit], total + len(extra))


@requires(Permission.READ_INCIDENTS)
def due_items(
    session: Session, today: date, *, incident_ids: Collection[int] | None = None
) -> list[DueItem]:
    """Requests past their deadline, follow-ups due, references still to add, exception
    reviews due, and the ICO's 72 hours for each data breach still open (shown from the
    start: it is that short); oldest first. With `incident_ids`, only theirs (what a save
    of those incidents may have moved; reviews belong to no incident)."""
    parts = _late_records(session, today)
    if incident_ids is not None:  # through each record's incident index, not its dates
        ids = list(incident_ids)
        (late, deadline), (follow_ups, follow_up), (references, reference) = parts
        parts = [
            (late.where(DeletionRequest.incident_id.in_(ids)), deadline),
            (follow_ups.where(Escalation.incident_id.in_(ids)), follow_up),
            (references.where(Escalation.incident_id.in_(ids)), reference),
        ]
    items = _items(session, parts) + _breach_clocks(session, incident_ids)
    if incident_ids is None:
        items += _reviews(session, today) + _transfers(session) + _subject_access(session)
    return _sorted(items)


def _sorted(items: list[DueItem]) -> list[DueItem]:
    return sorted(items, key=lambda item: (item.due_on, item.kind, item.record_id))


def _late_records(session: Session, today: date) -> list[tuple[Any, Any]]:
    """The three kinds of late record, each a query and the column of its due date."""
    live = (
        Incident.status != IncidentStatus.CLOSED,
        Incident.withdrawn_at.is_(None),
        visible_incidents(session),
    )
    late = (
        select(
            DeletionRequest.id,
            DeletionRequest.deadline,
            Incident.id,
            Incident.reference,
            Person.given_name,
            Person.family_name,
        )
        .join(Incident, Incident.id == DeletionRequest.incident_id)
        .join(Person, Person.id == DeletionRequest.addressee_id)
        .where(open_request(), DeletionRequest.deadline < today, *live)
    )
    follow_ups = (
        select(
            Escalation.id,
            Escalation.next_follow_up_on,
            Escalation.kind,
            Escalation.reference_number,
            Incident.id,
            Incident.reference,
        )
        .join(Incident, Incident.id == Escalation.incident_id)
        .where(open_escalation(), Escalation.next_follow_up_on <= today, *live)
    )
    references = (
        select(
            Escalation.id,
            Escalation.reference_due_on,
            Escalation.kind,
            Escalation.escalated_at,
            Incident.id,
            Incident.reference,
        )
        .join(Incident, Incident.id == Escalation.incident_id)
        .where(awaiting_reference(), Escalation.reference_due_on <= today, *live)
    )
    return [
        (late, DeletionRequest.deadline),
        (follow_ups, Escalation.next_follow_up_on),
        (references, Escalation.reference_due_on),
    ]


def _items(session: Session, parts: list[tuple[Any, Any]]) -> list[DueItem]:
    """DueItems from `_late_records`' three queries (in that order)."""
    (late, _), (follow_ups, _), (references, _) = parts
    items: list[DueItem] = []
    for request_id, deadline, incident_id, reference, given, family in session.execute(late):
        assert deadline is not None  # open_request() requires one
        what = f"Deletion request to {given} {family}".strip() + ": deadline passed"
        items.append(DueItem("request", deadline, what, incident_id, reference, request_id))
    for escalation_id, follow_up, kind, number, incident_id, reference in session.execute(
        follow_ups
    ):
        assert follow_up is not None  # open_escalation() requires one
        what = f"Follow up: {kind.label}" + (f" ({number})" if number else "")
        items.append(DueItem("follow_up", follow_up, what, incident_id, reference, escalation_id))
    for escalation_id, due_on, kind, escalated_at, incident_id, reference in session.execute(
        references
    ):
        assert due_on is not None  # awaiting_reference() requires one
        label = REFERENCE_LABELS.get(kind, "reference")
        contacted = format_date(escalated_at.astimezone(LONDON).date())
        what = f"Add the {label}: {kind.label}, contacted {contacted}"
        items.append(DueItem("reference", due_on, what, incident_id, reference, escalation_id))
    return items


def _reviews(session: Session, today: date) -> list[DueItem]:
    """Exception reviews due (the register: no incident of their own)."""
    if not may(session, Permission.READ_EXCEPTIONS):
        return []
    return [
        DueItem(
            "review",
            row.review_on,
            f"Review the link between {row.pupil_name} and {row.adult_name}",
            None,
            None,
            row.id,
        )
        for row in reviews_due(session, on=today)
        if row.review_on is not None
    ]


def _transfers(session: Session) -> list[DueItem]:
    """Child protection files sent whose receipt is not confirmed: listed from the day
    they are sent (KCSIE's five school days are short), overdue once the day has passed."""
    return [
        DueItem(
            "transfer",
            row.due_on,
            f"Child protection file of {row.pupil_name} sent to {row.destination_school}: "
            "confirm it arrived (the signed receipt slip)",
            None,
            None,
            row.id,
        )
        for row in awaiting_receipt(session)
    ]


def _subject_access(session: Session) -> list[DueItem]:
    """Subject access requests not yet answered, from the day they arrive (a month is
    short, and school holidays don't pause it), for those who handle them."""
    if not may(session, Permission.SUBJECT_ACCESS):
        return []
    rows = session.execute(
        select(
            SubjectAccessRequest.id,
            SubjectAccessRequest.due_on,
            Person.given_name,
            Person.family_name,
        )
        .join(Person, Person.id == SubjectAccessRequest.person_id)
        .where(
            SubjectAccessRequest.status == SubjectAccessStatus.OPEN,
            SubjectAccessRequest.withdrawn_at.is_(None),
        )
    )
    return [
        DueItem(
            "sar",
            due_on,
            f"Answer the subject access request about {given} {family}".rstrip()
            + f" by {format_date(due_on)}",
            None,
            None,
            request_id,
        )
        for request_id, due_on, given, family in rows
    ]


def _breach_clocks(session: Session, incident_ids: Collection[int] | None = None) -> list[DueItem]:
    """An open data-breach escalation: the ICO must be told within 72 hours of the school
    becoming aware (the earlier of when it was reported and seen), where there is a risk
    to people. Listed until the escalation is closed with what the DPO decided."""
    rows = session.execute(
        select(
            Escalation.id,
            Incident.id,
            Incident.reference,
            Incident.seen_at,
            Incident.reported_at,
        )
        .join(Incident, Incident.id == Escalation.incident_id)
        .where(
            Escalation.withdrawn_at.is_(None),
            Escalation.kind == EscalationKind.DPO_DATA_BREACH,
            Escalation.status.in_(OPEN_ESCALATION_STATUSES),  # until the DPO decided
            Incident.status != IncidentStatus.CLOSED,
            Incident.withdrawn_at.is_(None),
            visible_incidents(session),
            *([Escalation.incident_id.in_(list(incident_ids))] if incident_ids is not None else []),
        )
    )
    items = []
    for escalation_id, incident_id, reference, seen_at, reported_at in rows:
        aware = min(t for t in (seen_at, reported_at) if t is not None)
        deadline = ico_deadline(aware)
        what = (
            f"Data breach: tell the ICO by {format_datetime(deadline)} if it is a risk to "
            "people (72 hours from when the school became aware)"
        )
        due_on = deadline.astimezone(LONDON).date()
        items.append(DueItem("ico", due_on, what, incident_id, reference, escalation_id))
    return items
