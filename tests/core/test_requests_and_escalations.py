"""Deletion requests and escalations: every allowed and forbidden step, and closing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.core.clock import set_clock
from app.core.db import Database
from app.core.errors import DecisionNeeded, NotAllowed, ValidationError
from app.core.models import User
from app.core.rules.transitions import ESCALATION_STATUSES, REQUEST_OUTCOMES, statuses_for
from app.core.services.chronology import list_chronology
from app.core.services.closing import CloseDecisions, record_no_escalation_decision
from app.core.services.deletion_requests import (
    create_request,
    delivery_date,
    list_requests,
    mark_sent,
    record_outcome,
    record_reply,
    send_second_request,
)
from app.core.services.escalations import create_escalation, list_escalations, update_escalation
from app.core.services.incidents import details_of, update_incident
from app.core.services.involvements import add_involvement
from app.core.services.lookups import get_incident
from app.core.services.terms import ensure_default_terms
from app.core.vocab import (
    ChronologyKind,
    DeletionMethod,
    DeletionOutcome,
    EscalationKind,
    EscalationStatus,
    IncidentOutcome,
    IncidentStatus,
    InvolvementRole,
)
from tests.factories import make_incident, make_person

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def setup(database: Database, actor: User) -> dict[str, int]:
    set_clock(lambda: MONDAY)
    with database.write(actor) as s:
        ensure_default_terms(s, actor)
        incident = make_incident(s, actor, seen_at=MONDAY - timedelta(days=3), happened_at=None)
        poster = make_person(s, actor, given_name="Siobhán", family_name="O'Neill")
        witness = make_person(s, actor, given_name="Zoë")
        add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
        add_involvement(s, actor, incident.id, witness.id, InvolvementRole.WITNESS)
        return {"incident": incident.id, "poster": poster.id, "witness": witness.id}


def _request(database: Database, actor: User, ids: dict[str, int], **kw: Any) -> int:
    with database.write(actor) as s:
        return create_request(
            s,
            actor,
            ids["incident"],
            addressee_id=ids["poster"],
            # Email: delivered the day it is sent (a posted letter's deadline counts from
            # delivery, tested on its own).
            method=kw.pop("method", DeletionMethod.EMAIL),
            sent_at=kw.pop("sent_at", MONDAY),
            **kw,
        ).id


def test_a_request_gets_a_deadline_two_school_days_on(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    request_id = _request(database, actor, setup)
    with database.read(actor) as s:
        [row] = list_requests(s, setup["incident"])
        assert row.id == request_id and row.deadline == date(2026, 11, 25)
        assert row.addressee_name == "Siobhán O'Neill"
        entry = next(
            e
            for e in list_chronology(s, setup["incident"])
            if e.kind is ChronologyKind.DELETION_REQUEST
        )
        assert "deadline 25/11/2026" in entry.text


def test_a_posted_request_counts_its_deadline_from_delivery(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    # Posted on Monday 23rd: second class arrives by Thursday 26th (three working days,
    # the school's setting), then two school days: Monday 30th.
    request_id = _request(database, actor, setup, method=DeletionMethod.LETTER)
    with database.read(actor) as s:
        row = next(r for r in list_requests(s, setup["incident"]) if r.id == request_id)
        assert row.deadline == date(2026, 11, 30)
        assert delivery_date(s, date(2026, 11, 23)) == date(2026, 11, 26)
        # Posted on a Friday: the weekend is not a delivery day.
        assert delivery_date(s, date(2026, 11, 27)) == date(2026, 12, 2)
    # A deadline typed by hand must fall after the letter arrives.
    with pytest.raises(ValidationError, match="should arrive by 26/11/2026") as raised:
        _request(database, actor, setup, method=DeletionMethod.LETTER, deadline=date(2026, 11, 26))
    assert raised.value.field == "deadline"
    _request(database, actor, setup, method=DeletionMethod.LETTER, deadline=date(2026, 11, 27))


def test_a_request_goes_only_to_the_poster(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    with pytest.raises(ValidationError, match="poster") as raised, database.write(actor) as s:
        create_request(
            s,
            actor,
            setup["incident"],
            addressee_id=setup["witness"],
            method=DeletionMethod.EMAIL,
            sent_at=MONDAY,
        )
    assert raised.value.field == "addressee"


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (a, b, b in REQUEST_OUTCOMES[a])
        for a in DeletionOutcome
        for b in DeletionOutcome
        if a is not b and a is not DeletionOutcome.SUPERSEDED  # set only by a removal
    ],
)
def test_every_request_outcome_step(
    database: Database,
    actor: User,
    setup: dict[str, int],
    start: DeletionOutcome,
    target: DeletionOutcome,
    allowed: bool,
) -> None:
    request_id = _request(database, actor, setup)
    set_clock(lambda: MONDAY + timedelta(days=7))  # past the deadline
    checked = MONDAY + timedelta(days=1)
    for outcome in _path_to(start):
        with database.write(actor) as s:
            verified = (
                checked
                if outcome in (DeletionOutcome.REMOVED, DeletionOutcome.PARTLY_REMOVED)
                else None
            )
            record_outcome(s, actor, request_id, outcome, verified_at=verified)
    verified = (
        checked if target in (DeletionOutcome.REMOVED, DeletionOutcome.PARTLY_REMOVED) else None
    )
    if allowed:
        with database.write(actor) as s:
            record_outcome(s, actor, request_id, target, verified_at=verified)
        with database.read(actor) as s:
            assert list_requests(s, setup["incident"])[0].outcome is target
    else:
        with pytest.raises(NotAllowed, match="can't become") as raised, database.write(actor) as s:
            record_outcome(s, actor, request_id, target, verified_at=verified)
        assert target.label.lower() in raised.value.message


def _path_to(outcome: DeletionOutcome) -> list[DeletionOutcome]:
    paths = {
        DeletionOutcome.PENDING: [],
        DeletionOutcome.NO_REPLY: [DeletionOutcome.NO_REPLY],
        DeletionOutcome.REFUSED: [DeletionOutcome.REFUSED],
        DeletionOutcome.PARTLY_REMOVED: [DeletionOutcome.PARTLY_REMOVED],
        DeletionOutcome.REMOVED: [DeletionOutcome.REMOVED],
        DeletionOutcome.WITHDRAWN: [DeletionOutcome.WITHDRAWN],
    }
    return paths[outcome]


def test_a_request_cannot_be_removed_before_it_was_sent(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    request_id = _request(database, actor, setup, sent_at=None)
    with pytest.raises(NotAllowed, match="hasn't been sent"), database.write(actor) as s:
        record_outcome(s, actor, request_id, DeletionOutcome.REMOVED, verified_at=MONDAY)
    with database.write(actor) as s:
        mark_sent(s, actor, request_id, MONDAY)
    with (
        pytest.raises(ValidationError, match="before the request was sent"),
        database.write(actor) as s,
    ):
        record_outcome(
            s, actor, request_id, DeletionOutcome.REMOVED, verified_at=MONDAY - timedelta(hours=1)
        )
    with pytest.raises(ValidationError, match="checked the post"), database.write(actor) as s:
        record_outcome(s, actor, request_id, DeletionOutcome.REMOVED)
    with pytest.raises(NotAllowed, match="too early"), database.write(actor) as s:
        record_outcome(s, actor, request_id, DeletionOutcome.NO_REPLY)


def test_a_reply_cannot_predate_sending(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    request_id = _request(database, actor, setup)
    set_clock(lambda: MONDAY + timedelta(hours=2))
    with (
        pytest.raises(ValidationError, match="before the request was sent") as raised,
        database.write(actor) as s,
    ):
        record_reply(
            s,
            actor,
            request_id,
            reply_at=MONDAY - timedelta(minutes=5),
            summary="Said she'd think about it",
        )
    assert raised.value.field == "reply_at"
    with database.write(actor) as s:
        record_reply(
            s,
            actor,
            request_id,
            reply_at=MONDAY + timedelta(minutes=30),
            summary="Said she'd remove it tonight",
        )
    with database.read(actor) as s:
        assert (
            list_requests(s, setup["incident"])[0].reply_summary == "Said she'd remove it tonight"
        )


def test_a_second_request_follows_the_first(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    first = _request(database, actor, setup)
    set_clock(lambda: MONDAY + timedelta(days=3, hours=2))
    with database.write(actor) as s:
        second = send_second_request(
            s, actor, first, method=DeletionMethod.EMAIL, sent_at=MONDAY + timedelta(days=3)
        ).id
    with database.read(actor) as s:
        rows = {r.id: r for r in list_requests(s, setup["incident"])}
        assert rows[first].outcome is DeletionOutcome.NO_REPLY
        assert rows[second].follow_up_of_id == first
        assert rows[second].deadline == date(2026, 11, 30)  # Thursday + 2: Friday, Monday


def test_escalations_need_a_future_follow_up(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    # (No reference is demanded at the time: see test_records_stay_true.)
    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            {"kind": EscalationKind.PLATFORM_REPORT, "next_follow_up_on": date(2026, 11, 20)},
            "next_follow_up_on",
            "can't be in the past",
        ),
        (
            {"kind": EscalationKind.PLATFORM_REPORT, "escalated_at": MONDAY - timedelta(days=30)},
            "escalated_at",
            "before the post",
        ),
    ]
    for overrides, field, message in cases:
        kwargs = {"escalated_at": MONDAY, **overrides}
        with pytest.raises(ValidationError, match=message) as raised, database.write(actor) as s:
            create_escalation(s, actor, setup["incident"], **kwargs)
        assert raised.value.field == field
    with database.read(actor) as s:
        assert list_escalations(s, setup["incident"]) == []


def test_report_harmful_content_waits_48_hours_after_the_platform(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    with pytest.raises(NotAllowed, match="platform first"), database.write(actor) as s:
        create_escalation(
            s,
            actor,
            setup["incident"],
            kind=EscalationKind.REPORT_HARMFUL_CONTENT,
            escalated_at=MONDAY,
            reference_number="RHC-1",
        )
    with database.write(actor) as s:
        create_escalation(
            s,
            actor,
            setup["incident"],
            kind=EscalationKind.PLATFORM_REPORT,
            escalated_at=MONDAY,
            reference_number="FB-889",
        )
    set_clock(lambda: MONDAY + timedelta(hours=50))
    with pytest.raises(NotAllowed, match="from 25/11/2026 09:00"), database.write(actor) as s:
        create_escalation(
            s,
            actor,
            setup["incident"],
            kind=EscalationKind.REPORT_HARMFUL_CONTENT,
            escalated_at=MONDAY + timedelta(hours=47),
            reference_number="RHC-1",
        )
    with database.write(actor) as s:
        create_escalation(
            s,
            actor,
            setup["incident"],
            kind=EscalationKind.REPORT_HARMFUL_CONTENT,
            escalated_at=MONDAY + timedelta(hours=49),
            reference_number="RHC-1",
        )


def _kind_reaching(status: EscalationStatus) -> EscalationKind:
    """A route on which an escalation can have this status."""
    return next(
        k
        for k in EscalationKind
        if k is not EscalationKind.REPORT_HARMFUL_CONTENT  # needs a platform report first
        and status in {EscalationStatus.OPEN, *statuses_for(k, OPEN)}
    )


OPEN = EscalationStatus.OPEN


@pytest.mark.parametrize(
    ("start", "target"),
    [(a, b) for a in EscalationStatus for b in EscalationStatus if a is not b],
)
def test_every_escalation_status_step(
    database: Database,
    actor: User,
    setup: dict[str, int],
    start: EscalationStatus,
    target: EscalationStatus,
) -> None:
    kind = _kind_reaching(start)
    with database.write(actor) as s:
        escalation_id = create_escalation(
            s, actor, setup["incident"], kind=kind, escalated_at=MONDAY, reference_number="R-1"
        ).id
    if start is not EscalationStatus.OPEN:
        with database.write(actor) as s:
            update_escalation(s, actor, escalation_id, status=start, outcome="Done")
    outcome = "No further action: the account was suspended."
    if target in statuses_for(kind, start):
        assert target in ESCALATION_STATUSES[start]
        with database.write(actor) as s:
            update_escalation(s, actor, escalation_id, status=target, outcome=outcome)
    else:
        with (
            pytest.raises(NotAllowed, match=r"can't become|isn't an outcome"),
            database.write(actor) as s,
        ):
            update_escalation(s, actor, escalation_id, status=target, outcome=outcome)


def test_closing_an_escalation_needs_an_outcome(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    with database.write(actor) as s:
        escalation_id = create_escalation(
            s, actor, setup["incident"], kind=EscalationKind.LADO, escalated_at=MONDAY
        ).id
    with pytest.raises(ValidationError, match="outcome"), database.write(actor) as s:
        update_escalation(s, actor, escalation_id, status=EscalationStatus.CLOSED_NFA)


def _close(
    database: Database, actor: User, incident_id: int, decisions: CloseDecisions | None = None
) -> None:
    with database.write(actor) as s:
        incident = get_incident(s, incident_id)
        details = replace(
            details_of(incident),
            status=IncidentStatus.CLOSED,
            outcome=IncidentOutcome.POST_REMAINS,
            outcome_rationale="Platform would not act.",
        )
        update_incident(
            s, actor, incident_id, details, expected_version=incident.version, decisions=decisions
        )


def test_closing_with_open_items_asks_and_records_why(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    _request(database, actor, setup)
    with pytest.raises(DecisionNeeded) as raised:
        _close(database, actor, setup["incident"])
    assert raised.value.decision == "open_items"
    assert raised.value.items == ["request to Siobhán O'Neill (sent)"]
    with database.read(actor) as s:
        assert get_incident(s, setup["incident"]).status is IncidentStatus.AWAITING_REMOVAL
    _close(
        database,
        actor,
        setup["incident"],
        CloseDecisions(open_items_reason="Parent has left the school; post is private now."),
    )
    with database.read(actor) as s:
        entries = list_chronology(s, setup["incident"])
        closed = next(e for e in entries if e.kind is ChronologyKind.CLOSED_WITH_OPEN_ITEMS)
        assert "Parent has left the school" in closed.text


def test_a_safeguarding_concern_needs_a_decision_not_to_escalate(
    database: Database, actor: User
) -> None:
    set_clock(lambda: MONDAY)
    with database.write(actor) as s:
        incident_id = make_incident(s, actor, safeguarding_concern=True).id
    with pytest.raises(DecisionNeeded) as raised:
        _close(database, actor, incident_id)
    assert raised.value.decision == "no_escalation"
    _close(
        database,
        actor,
        incident_id,
        CloseDecisions(no_escalation_reason="Discussed with the deputy DSL: low risk."),
    )
    with database.read(actor) as s:
        kinds = [e.kind for e in list_chronology(s, incident_id)]
        assert ChronologyKind.NO_ESCALATION_DECISION in kinds
    with database.write(actor) as s:  # a decision recorded earlier also counts
        other = make_incident(s, actor, safeguarding_concern=True).id
        record_no_escalation_decision(s, actor, other, "Handled in school.")
    _close(database, actor, other)


def test_due_items_list_the_most_urgent_first(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    from app.core.services.due import due_items

    _request(database, actor, setup)  # deadline Wednesday 25/11
    with database.write(actor) as s:
        create_escalation(
            s,
            actor,
            setup["incident"],
            kind=EscalationKind.PLATFORM_REPORT,
            escalated_at=MONDAY,
            reference_number="FB-1",
            next_follow_up_on=date(2026, 11, 27),
        )
    with database.read(actor) as s:
        assert due_items(s, date(2026, 11, 25)) == []
        items = due_items(s, date(2026, 11, 30))
    assert [(i.kind, i.due_on) for i in items] == [
        ("request", date(2026, 11, 25)),
        ("follow_up", date(2026, 11, 27)),
    ]
    assert items[0].what == "Deletion request to Siobhán O'Neill: deadline passed"
    assert items[0].days_overdue(date(2026, 11, 30)) == 5
    assert items[1].what == "Follow up: Report to the platform (FB-1)"


def test_the_deadline_counts_from_the_day_at_the_school_not_in_utc(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    # 23:30 UTC on Sunday 21 June is 00:30 on Monday 22 June in London (summer time).
    sent = datetime(2026, 6, 21, 23, 30, tzinfo=UTC)
    with database.write(actor) as s:
        ensure_default_terms(s, actor, around=date(2026, 6, 1))
        incident = make_incident(s, actor, seen_at=sent - timedelta(hours=1), happened_at=None)
        add_involvement(s, actor, incident.id, setup["poster"], InvolvementRole.POSTER)
        request = create_request(
            s,
            actor,
            incident.id,
            addressee_id=setup["poster"],
            method=DeletionMethod.EMAIL,
            sent_at=sent,
        )
        assert request.deadline == date(2026, 6, 24)  # Monday + 2 school days


def test_due_today_is_not_overdue_anywhere_and_tomorrow_it_is_everywhere(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    from app.core.services.due import due_items
    from app.core.services.incident_queries import IncidentFilter, find_incidents

    _request(database, actor, setup)  # deadline Wednesday 25/11
    for moment, expected in (
        (datetime(2026, 11, 25, 16, tzinfo=UTC), False),
        (datetime(2026, 11, 26, 8, tzinfo=UTC), True),
    ):

        def now(m: datetime = moment) -> datetime:
            return m

        set_clock(now)
        with database.read(actor) as s:
            [row] = find_incidents(s, IncidentFilter())
            in_filter = [r.id for r in find_incidents(s, IncidentFilter(overdue_only=True))]
            dashboard = due_items(s, moment.date())
        assert row.overdue is expected
        assert bool(in_filter) is expected
        assert bool(dashboard) is expected
        assert row.next_action_due == date(2026, 11, 25)


def test_a_closed_incident_takes_no_new_casework(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    _close(database, actor, setup["incident"], CloseDecisions(no_escalation_reason="n/a"))
    with pytest.raises(NotAllowed, match="reopen"), database.write(actor) as s:
        create_request(
            s,
            actor,
            setup["incident"],
            addressee_id=setup["poster"],
            method=DeletionMethod.EMAIL,
            sent_at=MONDAY,
        )
    with pytest.raises(NotAllowed, match="reopen"), database.write(actor) as s:
        create_escalation(
            s, actor, setup["incident"], kind=EscalationKind.PLATFORM_REPORT, escalated_at=MONDAY
        )


def test_removal_closes_the_same_persons_other_requests_as_superseded(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    first = _request(database, actor, setup)
    set_clock(lambda: MONDAY + timedelta(days=3, hours=2))
    with database.write(actor) as s:
        second = send_second_request(
            s, actor, first, method=DeletionMethod.EMAIL, sent_at=MONDAY + timedelta(days=3)
        ).id
        record_outcome(
            s,
            actor,
            first,
            DeletionOutcome.REMOVED,
            verified_at=MONDAY + timedelta(days=3, hours=1),
        )
    with database.read(actor) as s:
        rows = {r.id: r for r in list_requests(s, setup["incident"])}
    # The second request was still open: closed as superseded, not "removed" itself.
    assert rows[second].outcome is DeletionOutcome.SUPERSEDED
    assert rows[second].superseded_by_id == first
    assert rows[second].removal_verified_at is None
    assert not rows[second].is_open


def test_no_reply_is_refused_once_a_reply_was_recorded(
    database: Database, actor: User, setup: dict[str, int]
) -> None:
    request_id = _request(database, actor, setup)
    set_clock(lambda: MONDAY + timedelta(days=5))
    with database.write(actor) as s:
        record_reply(
            s, actor, request_id, reply_at=MONDAY + timedelta(days=1), summary="Will think about it"
        )
    with pytest.raises(NotAllowed, match="reply was recorded"), database.write(actor) as s:
        record_outcome(s, actor, request_id, DeletionOutcome.NO_REPLY)
