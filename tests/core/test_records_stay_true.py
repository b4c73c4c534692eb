"""Records never state something false: a removal doesn't rewrite the other requests'
outcomes (and the governors' PDF and CSV agree on it), the incident's status follows the
work, escalation outcomes as they exist in life, notes kept as notes, a reference added
later with a reminder (never invented), and the timeline in the order things happened."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from app.core.actors import SYSTEM
from app.core.clock import LONDON, set_clock
from app.core.db import Database
from app.core.errors import NotAllowed, ValidationError
from app.core.models import User
from app.core.rules.incident_status import WorkDone, status_from_work
from app.core.rules.transitions import FINAL_ESCALATION_STATUSES, statuses_for
from app.core.services.chronology import add_note, list_chronology, moment, record
from app.core.services.closing import open_items
from app.core.services.dashboard import dashboard_figures
from app.core.services.deletion_requests import (
    create_request,
    list_requests,
    mark_sent,
    record_outcome,
    send_second_request,
    withdraw_request,
)
from app.core.services.due import due_items
from app.core.services.escalations import (
    add_reference,
    create_escalation,
    list_escalations,
    update_escalation,
    withdraw_escalation,
)
from app.core.services.governors import build_report, find_term
from app.core.services.governors_rows import anonymised_rows, rows_csv
from app.core.services.incident_queries import IncidentFilter, find_incidents
from app.core.services.incidents import details_of, update_incident
from app.core.services.involvements import add_involvement
from app.core.services.letter_values import letterhead
from app.core.services.lookups import get_incident
from app.core.services.school import SchoolDetails, get_settings, save_settings
from app.core.services.terms import ensure_default_terms
from app.core.vocab import (
    ChronologyKind,
    DeletionMethod,
    DeletionOutcome,
    EscalationKind,
    EscalationStatus,
    IncidentStatus,
    InvolvementRole,
)
from app.documents.governors import GovernorsReportDocument
from tests.factories import make_incident, make_person

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
THURSDAY = MONDAY + timedelta(days=3)


@pytest.fixture
def ids(database: Database, actor: User) -> dict[str, int]:
    set_clock(lambda: MONDAY)
    with database.write(actor) as s:
        ensure_default_terms(s, actor)
        incident = make_incident(s, actor, seen_at=MONDAY - timedelta(days=3), happened_at=None)
        poster = make_person(s, actor, given_name="Siobhán", family_name="O'Neill")
        add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
        return {"incident": incident.id, "poster": poster.id}


def _send(database: Database, actor: User, ids: dict[str, int], sent_at: datetime) -> int:
    with database.write(actor) as s:
        return create_request(
            s,
            actor,
            ids["incident"],
            addressee_id=ids["poster"],
            method=DeletionMethod.EMAIL,  # (a letter counts from delivery)
            sent_at=sent_at,
        ).id


def _status(database: Database, actor: User, incident_id: int) -> IncidentStatus:
    with database.read(actor) as s:
        return get_incident(s, incident_id).status


# -- 1. a removal never rewrites another request's outcome ------------------------------


@pytest.mark.parametrize("first_outcome", [DeletionOutcome.NO_REPLY, DeletionOutcome.REFUSED])
def test_marking_the_second_request_removed_keeps_the_first_as_recorded(
    database: Database, actor: User, ids: dict[str, int], first_outcome: DeletionOutcome
) -> None:
    first = _send(database, actor, ids, MONDAY)
    set_clock(lambda: THURSDAY + timedelta(days=1))
    with database.write(actor) as s:
        if first_outcome is DeletionOutcome.REFUSED:
            record_outcome(s, actor, first, DeletionOutcome.REFUSED, note="Said no on the phone")
        second = send_second_request(
            s, actor, first, method=DeletionMethod.EMAIL, sent_at=THURSDAY
        ).id
        record_outcome(
            s,
            actor,
            second,
            DeletionOutcome.REMOVED,
            verified_at=THURSDAY + timedelta(hours=20),
        )
    with database.read(actor) as s:
        rows = {r.id: r for r in list_requests(s, ids["incident"])}
        timeline = list_chronology(s, ids["incident"])
    assert rows[first].outcome is first_outcome  # as recorded, not "removed"
    assert rows[first].removal_verified_at is None
    assert rows[first].superseded_by_id == second
    assert rows[second].outcome is DeletionOutcome.REMOVED
    assert rows[second].superseded_by_id is None
    statuses = [e.text for e in reversed(timeline) if e.kind is ChronologyKind.STATUS_CHANGED]
    waiting = (
        "Status changed from New to Awaiting removal: a request to delete the post is "
        "waiting for a reply."
    )
    done = (
        "Status changed from Awaiting removal to In progress: action has been taken and "
        "nothing is waiting."
    )
    if first_outcome is DeletionOutcome.NO_REPLY:  # nothing between "no reply" and the second
        assert statuses == [waiting, done]
    else:  # refused: nothing waited until the second request went
        assert statuses == [
            waiting,
            done,
            waiting.replace("from New", "from In progress"),
            done,
        ]
    [closing] = [e for e in timeline if "superseded" in e.text]
    assert closing.text == (
        "Other requests to Siobhán O'Neill closed as superseded (the post was removed after "
        f"the request sent 26/11/2026): the request sent 23/11/2026 (its outcome stays "
        f"“{first_outcome.label.lower()}”)."
    )
    # Nothing can later turn the first into a second removal.
    for outcome in (DeletionOutcome.REMOVED, DeletionOutcome.PARTLY_REMOVED):
        with pytest.raises(NotAllowed, match="superseded"), database.write(actor) as s:
            record_outcome(s, actor, first, outcome, verified_at=THURSDAY + timedelta(days=1))
    with pytest.raises(NotAllowed, match="superseded"), database.write(actor) as s:
        send_second_request(s, actor, first, method=DeletionMethod.EMAIL, sent_at=THURSDAY)


def test_the_governors_pdf_and_csv_agree_on_a_removal_after_a_second_request(
    database: Database, actor: User
) -> None:
    set_clock(lambda: datetime(2026, 11, 24, 12, tzinfo=UTC))  # the summer term is over
    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Kestrel Vale Primary School"))
        ensure_default_terms(s, actor)
        term = find_term(s, "2025-summer")
        monday = term.starts_on + timedelta(days=14 + (7 - term.starts_on.weekday()) % 7)
        assert monday.weekday() == 0

        def at(day: date, hour: int) -> datetime:
            return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON).astimezone(UTC)

        incident = make_incident(s, actor, seen_at=at(monday, 8), happened_at=None)
        poster = make_person(s, actor)
        add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
        first = create_request(
            s,
            actor,
            incident.id,
            addressee_id=poster.id,
            method=DeletionMethod.EMAIL,  # (a letter counts from delivery)
            sent_at=at(monday, 10),
        )
        thursday, friday = monday + timedelta(days=3), monday + timedelta(days=4)
        second = send_second_request(
            s, actor, first.id, method=DeletionMethod.EMAIL, sent_at=at(thursday, 10)
        )
        record_outcome(s, actor, second.id, DeletionOutcome.REMOVED, verified_at=at(friday, 15))
    with database.read(SYSTEM) as s:
        report = build_report(s, term, suppress=False)
        pdf = GovernorsReportDocument(letterhead(get_settings(s)), report).render()
        exported = rows_csv(anonymised_rows(s, term)).decode("utf-8-sig")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    requests = {row.label: row.count for row in report.requests}
    assert requests["Post removed"] == 1 and requests["No reply"] == 1  # one removal, once
    assert re.search(r"^Requests that ended with the post removed\s+1\s*$", text, re.MULTILINE)
    # From the first request (Monday) to the removal checked on Friday: 4 school days.
    assert report.removals_timed == 1 and report.removal_days_median == 4
    assert "median 4 school days" in flat
    [row] = list(csv.DictReader(io.StringIO(exported)))
    assert row["School days to removal"] == "4"


# -- 2. the incident's status follows the work -----------------------------------------


def test_the_status_follows_requests_and_escalations_on_the_timeline(
    database: Database, actor: User, ids: dict[str, int]
) -> None:
    incident = ids["incident"]
    with database.write(actor) as s:  # a draft is not yet action taken
        draft = create_request(
            s,
            actor,
            incident,
            addressee_id=ids["poster"],
            method=DeletionMethod.EMAIL,  # (a letter counts from delivery)
            sent_at=None,
        ).id
    assert _status(database, actor, incident) is IncidentStatus.NEW
    with database.write(actor) as s:
        mark_sent(s, actor, draft, MONDAY)
    assert _status(database, actor, incident) is IncidentStatus.AWAITING_REMOVAL
    with database.write(actor) as s:
        escalation = create_escalation(
            s,
            actor,
            incident,
            kind=EscalationKind.PLATFORM_REPORT,
            escalated_at=MONDAY,
            reference_number="FB-1",
        ).id
    assert _status(database, actor, incident) is IncidentStatus.ESCALATED
    with database.read(actor) as s:
        figures = dashboard_figures(s)
    assert figures.open_by_status[IncidentStatus.ESCALATED] == 1
    assert figures.open_by_status[IncidentStatus.NEW] == 0
    with database.write(actor) as s:
        update_escalation(s, actor, escalation, status=EscalationStatus.ACTIONED)
    assert _status(database, actor, incident) is IncidentStatus.AWAITING_REMOVAL
    with database.write(actor) as s:
        record_outcome(s, actor, draft, DeletionOutcome.REMOVED, verified_at=MONDAY)
    assert _status(database, actor, incident) is IncidentStatus.IN_PROGRESS
    with database.read(actor) as s:
        changes = [
            e.text
            for e in reversed(list_chronology(s, incident))
            if e.kind is ChronologyKind.STATUS_CHANGED
        ]
    assert changes == [
        "Status changed from New to Awaiting removal: a request to delete the post is "
        "waiting for a reply.",
        "Status changed from Awaiting removal to Escalated: an escalation is open.",
        "Status changed from Escalated to Awaiting removal: a request to delete the post "
        "is waiting for a reply.",
        "Status changed from Awaiting removal to In progress: action has been taken and "
        "nothing is waiting.",
    ]


def test_monitoring_and_closing_stay_the_dsls_decision(
    database: Database, actor: User, ids: dict[str, int]
) -> None:
    with database.write(actor) as s:
        incident = get_incident(s, ids["incident"])
        details = details_of(incident)
        update_incident(
            s,
            actor,
            incident.id,
            details.__class__(**{**details.__dict__, "status": IncidentStatus.MONITORING}),
            expected_version=incident.version,
        )
    _send(database, actor, ids, MONDAY)
    with database.write(actor) as s:
        create_escalation(s, actor, ids["incident"], kind=EscalationKind.POSH, escalated_at=MONDAY)
    assert _status(database, actor, ids["incident"]) is IncidentStatus.MONITORING


def test_what_was_recorded_in_error_no_longer_holds_the_status(
    database: Database, actor: User, ids: dict[str, int]
) -> None:
    request = _send(database, actor, ids, MONDAY)
    with database.write(actor) as s:
        escalation = create_escalation(
            s, actor, ids["incident"], kind=EscalationKind.PREVENT, escalated_at=MONDAY
        ).id
    assert _status(database, actor, ids["incident"]) is IncidentStatus.ESCALATED
    with database.write(actor) as s:
        withdraw_escalation(s, actor, escalation, "Wrong incident")
    assert _status(database, actor, ids["incident"]) is IncidentStatus.AWAITING_REMOVAL
    with database.write(actor) as s:
        withdraw_request(s, actor, request, "Wrong incident")
    assert _status(database, actor, ids["incident"]) is IncidentStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("current", "work", "expected"),
    [
        (IncidentStatus.NEW, WorkDone(), None),
        (IncidentStatus.NEW, WorkDone(request_sent=True, request_waiting=True), "awaiting"),
        (IncidentStatus.NEW, WorkDone(escalated=True), IncidentStatus.IN_PROGRESS),
        (IncidentStatus.IN_PROGRESS, WorkDone(), None),
        (IncidentStatus.ESCALATED, WorkDone(), IncidentStatus.IN_PROGRESS),
        (IncidentStatus.MONITORING, WorkDone(escalated=True, escalation_open=True), None),
        (IncidentStatus.CLOSED, WorkDone(request_sent=True, request_waiting=True), None),
    ],
)
def test_the_status_rule(
    current: IncidentStatus, work: WorkDone, expected: IncidentStatus | str | None
) -> None:
    change = status_from_work(current, work)
    if expected == "awaiting":
        expected = IncidentStatus.AWAITING_REMOVAL
    assert (change[0] if change else None) is expected


# -- 3. escalation outcomes as they exist in life ----------------------------------------


def test_an_actioned_or_advised_escalation_is_not_open_when_closing(
    database: Database, actor: User, ids: dict[str, int]
) -> None:
    outcomes = {
        EscalationKind.PLATFORM_REPORT: EscalationStatus.ACTIONED,
        EscalationKind.POSH: EscalationStatus.ADVISED,
        EscalationKind.POLICE_NON_EMERGENCY: EscalationStatus.POLICE_NFA,
        EscalationKind.CHILDRENS_SOCIAL_CARE: EscalationStatus.REFERRAL_NOT_ACCEPTED,
        EscalationKind.LADO: EscalationStatus.REFERRAL_ACCEPTED,
    }
    with database.write(actor) as s:
        made = {
            kind: create_escalation(
                s,
                actor,
                ids["incident"],
                kind=kind,
                escalated_at=MONDAY,
                next_follow_up_on=date(2026, 11, 30),
            ).id
            for kind in outcomes
        }
        assert len(open_items(s, ids["incident"])) == len(outcomes)
        for kind, status in outcomes.items():
            update_escalation(s, actor, made[kind], status=status)
        assert open_items(s, ids["incident"]) == []
        rows = list_escalations(s, ids["incident"])
        assert not any(row.is_open for row in rows)
        assert due_items(s, date(2026, 12, 7)) == []  # no follow-up once there is an outcome
    assert _status(database, actor, ids["incident"]) is IncidentStatus.IN_PROGRESS


def test_an_outcome_must_be_one_that_route_can_have(
    database: Database, actor: User, ids: dict[str, int]
) -> None:
    assert EscalationStatus.POLICE_NFA not in statuses_for(
        EscalationKind.PLATFORM_REPORT, EscalationStatus.OPEN
    )
    assert set(statuses_for(EscalationKind.POSH, EscalationStatus.ACKNOWLEDGED)) <= set(
        FINAL_ESCALATION_STATUSES
    )
    with database.write(actor) as s:
        escalation = create_escalation(
            s, actor, ids["incident"], kind=EscalationKind.PLATFORM_REPORT, escalated_at=MONDAY
        ).id
    with (
        pytest.raises(NotAllowed, match="isn't an outcome of an escalation to Report to the"),
        database.write(actor) as s,
    ):
        update_escalation(s, actor, escalation, status=EscalationStatus.POLICE_NFA)
    with database.write(actor) as s:
        update_escalation(s, actor, escalation, status=EscalationStatus.NOT_ACTIONED)
    with pytest.raises(NotAllowed, match="can't become"), database.write(actor) as s:
        update_escalation(s, actor, escalation, status=EscalationStatus.ACTIONED)


def test_notes_typed_when_escalating_stay_notes(
    database: Database, actor: User, ids: dict[str, int]
) -> None:
    with database.write(actor) as s:
        escalation = create_escalation(
            s,
            actor,
            ids["incident"],
            kind=EscalationKind.PLATFORM_REPORT,
            escalated_at=MONDAY,
            reference_number="FB-1",
            notes="Reported under 'bullying'; screenshot attached",
        ).id
        update_escalation(
            s, actor, escalation, status=EscalationStatus.ACTIONED, outcome="Post taken down"
        )
        [row] = list_escalations(s, ids["incident"])
        entry = next(
            e for e in list_chronology(s, ids["incident"]) if e.text.startswith("Escalated")
        )
    assert row.notes == "Reported under 'bullying'; screenshot attached"
    assert row.outcome == "Post taken down"
    assert entry.text.endswith("Notes: Reported under 'bullying'; screenshot attached")


# -- 4. a reference given later, with a reminder; never invented -------------------------


def test_a_reference_can_come_later_with_a_reminder_to_add_it(
    database: Database, actor: User, ids: dict[str, int]
) -> None:
    incident = ids["incident"]
    with database.write(actor) as s:
        escalation = create_escalation(
            s,
            actor,
            incident,
            kind=EscalationKind.POSH,
            escalated_at=MONDAY,
            contact="Helpline adviser",
        ).id
        [row] = list_escalations(s, incident)
    assert row.reference_number == "" and row.reference_due_on == date(2026, 11, 25)
    with database.read(actor) as s:
        assert due_items(s, date(2026, 11, 24)) == []
        [due] = due_items(s, date(2026, 11, 25))
        [listed] = find_incidents(s, IncidentFilter())
    assert (due.kind, due.record_id, due.incident_id) == ("reference", escalation, incident)
    assert due.what == (
        "Add the helpline case number: Professionals Online Safety Helpline, contacted 23/11/2026"
    )
    assert listed.next_action_due == date(2026, 11, 25)
    set_clock(lambda: MONDAY + timedelta(days=2, hours=1))
    with database.read(actor) as s:
        assert [i.id for i in find_incidents(s, IncidentFilter(overdue_only=True))] == [incident]
    with pytest.raises(ValidationError, match="reference"), database.write(actor) as s:
        add_reference(s, actor, escalation, "  ")
    with database.write(actor) as s:
        add_reference(s, actor, escalation, "POSH-2026-0412")
    with pytest.raises(NotAllowed, match="already has its reference"), database.write(actor) as s:
        add_reference(s, actor, escalation, "POSH-2026-9999")
    with database.read(actor) as s:
        [row] = list_escalations(s, incident)
        entries = list_chronology(s, incident)
        assert due_items(s, date(2026, 11, 30)) == []
        [listed] = find_incidents(s, IncidentFilter())
    assert row.reference_number == "POSH-2026-0412" and not row.awaiting_reference
    assert listed.next_action_due is None
    [added] = [e for e in entries if e.kind is ChronologyKind.REFERENCE_ADDED]
    assert added.text == (
        "Professionals Online Safety Helpline (escalated 23/11/2026 09:00): helpline case "
        "number POSH-2026-0412 added."
    )
    [first] = [e for e in entries if e.kind is ChronologyKind.ESCALATION]
    assert "helpline case number not given yet" in first.text  # history as written


def test_no_reminder_once_the_escalation_has_its_outcome(
    database: Database, actor: User, ids: dict[str, int]
) -> None:
    with database.write(actor) as s:
        escalation = create_escalation(
            s, actor, ids["incident"], kind=EscalationKind.POSH, escalated_at=MONDAY
        ).id
        update_escalation(s, actor, escalation, status=EscalationStatus.ADVISED)
        assert due_items(s, date(2026, 11, 30)) == []  # advice given; no case was opened


def test_a_recorded_reference_is_kept_and_a_correction_is_on_the_timeline(
    database: Database, actor: User, ids: dict[str, int]
) -> None:
    with database.write(actor) as s:
        escalation = create_escalation(
            s,
            actor,
            ids["incident"],
            kind=EscalationKind.PLATFORM_REPORT,
            escalated_at=MONDAY,
            reference_number="FB-12",
        ).id
    with (
        pytest.raises(ValidationError, match="Keep the platform report ID"),
        database.write(actor) as s,
    ):
        update_escalation(s, actor, escalation, status=EscalationStatus.OPEN, reference_number="")
    with database.write(actor) as s:
        update_escalation(
            s, actor, escalation, status=EscalationStatus.OPEN, reference_number="FB-123"
        )
        texts = [e.text for e in list_chronology(s, ids["incident"])]
    assert "Report to the platform: reference corrected from FB-12 to FB-123." in texts


# -- 5. the timeline in the order things happened ---------------------------------------


def test_the_timeline_orders_by_the_second_not_the_minute(
    database: Database, actor: User, ids: dict[str, int]
) -> None:
    set_clock(lambda: datetime(2026, 11, 23, 9, 5, 10, tzinfo=UTC))
    with database.write(actor) as s:
        add_note(s, actor, ids["incident"], "Phoned the parent (09:05:10)")
    # At 09:05:40 a dialog records something as happening "now": its time was typed to
    # the minute (09:05), but it happened after the note.
    set_clock(lambda: datetime(2026, 11, 23, 9, 5, 40, tzinfo=UTC))
    with database.write(actor) as s:
        record(
            s,
            actor,
            get_incident(s, ids["incident"]),
            ChronologyKind.NOTE,
            "Parent called back (09:05:40)",
            occurred_at=datetime(2026, 11, 23, 9, 5, tzinfo=UTC),
        )
        add_note(
            s,
            actor,
            ids["incident"],
            "Something from earlier in that minute, written now",
            occurred_at=datetime(2026, 11, 23, 9, 5, 5, tzinfo=UTC),
        )
    with database.read(actor) as s:
        texts = [e.text for e in list_chronology(s, ids["incident"])][:3]
    assert texts == [
        "Parent called back (09:05:40)",
        "Phoned the parent (09:05:10)",
        "Something from earlier in that minute, written now",
    ]


def test_a_time_typed_for_an_earlier_minute_keeps_its_place() -> None:
    recorded = datetime(2026, 11, 23, 9, 7, 30, tzinfo=UTC)
    typed = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
    assert moment(typed, recorded) == typed
    assert moment(typed.replace(minute=7), recorded) == recorded
    exact = datetime(2026, 11, 23, 9, 7, 1, tzinfo=UTC)
    assert moment(exact, recorded) == exact
