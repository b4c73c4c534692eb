"""The contact exceptions register, a person's incidents, and the dashboard figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.core.clock import set_clock
from app.core.db import Database
from app.core.errors import Conflict, ValidationError
from app.core.models import User
from app.core.services.chronology import add_note
from app.core.services.contact_exceptions import (
    ExceptionDetails,
    add_exception,
    approve_exception,
    list_exceptions,
    review_exception,
    reviews_due,
    withdraw_exception,
)
from app.core.services.dashboard import dashboard_figures
from app.core.services.incident_queries import incidents_for_person
from app.core.services.incidents import withdraw_incident
from app.core.services.involvements import add_involvement
from app.core.vocab import IncidentOutcome, IncidentStatus, InvolvementRole, PersonKind, UserRole
from tests.factories import make_account, make_incident, make_person


@pytest.fixture
def november() -> None:
    set_clock(lambda: datetime(2026, 11, 24, 10, tzinfo=UTC))


def _pupil_and_aunt(database: Database, actor: User) -> tuple[int, int]:
    with database.write(actor) as s:
        pupil = make_person(s, actor, kind=PersonKind.PUPIL, given_name="Aoife", year_group="5")
        aunt = make_person(
            s, actor, kind=PersonKind.STAFF, given_name="Máire", family_name="Ní Bhriain"
        )
        return pupil.id, aunt.id


def test_a_link_is_declared_approved_reviewed_and_withdrawn(
    database: Database, actor: User, november: None
) -> None:
    pupil_id, aunt_id = _pupil_and_aunt(database, actor)
    details = ExceptionDetails(pupil_id, aunt_id, "Aunt", date(2026, 9, 3), platforms="Facebook")
    with database.write(actor) as s:
        entry_id = add_exception(s, actor, details).id
    with database.read(actor) as s:
        assert [r.status for r in list_exceptions(s)] == ["Awaiting approval"]
    with database.write(actor) as s:
        head = make_account(s, actor, UserRole.HEADTEACHER, "head", "Ms Fairbairn")
    with database.write(head) as s:
        approve_exception(s, head, entry_id, review_on=date(2027, 9, 1))
        with pytest.raises(Conflict):
            approve_exception(s, head, entry_id, review_on=date(2027, 9, 1))
    with database.read(actor) as s:
        [row] = list_exceptions(s)
        assert row.status == "Approved" and row.approval == "Ms Fairbairn"
        assert reviews_due(s) == []
        assert reviews_due(s, on=date(2027, 9, 1))[0].id == entry_id
    with database.write(actor) as s:
        review_exception(s, actor, entry_id, next_review_on=date(2028, 9, 1), note="Still family")
        withdraw_exception(s, actor, entry_id, "Pupil left the school")
    with database.read(actor) as s:
        [row] = list_exceptions(s)
        assert row.status == "Withdrawn" and row.withdrawn_reason == "Pupil left the school"
        assert "reviewed: Still family" in row.notes
        assert list_exceptions(s, include_withdrawn=False) == []
    with pytest.raises(Conflict), database.write(actor) as s:
        withdraw_exception(s, actor, entry_id, "again")


def test_the_register_refuses_wrong_people_and_dates(
    database: Database, actor: User, november: None
) -> None:
    pupil_id, aunt_id = _pupil_and_aunt(database, actor)
    bad = [
        (ExceptionDetails(aunt_id, pupil_id, "Aunt", date(2026, 9, 3)), "pupil"),
        (ExceptionDetails(pupil_id, pupil_id, "Self", date(2026, 9, 3)), "adult"),
        (ExceptionDetails(pupil_id, aunt_id, " ", date(2026, 9, 3)), "relationship_label"),
        (ExceptionDetails(pupil_id, aunt_id, "Aunt", date(2027, 1, 1)), "declared_on"),
        (
            ExceptionDetails(
                pupil_id, aunt_id, "Aunt", date(2026, 9, 3), review_on=date(2026, 9, 1)
            ),
            "review_on",
        ),
    ]
    for details, field in bad:
        with pytest.raises(ValidationError) as raised, database.write(actor) as s:
            add_exception(s, actor, details)
        assert raised.value.field == field
    with database.read(actor) as s:
        assert list_exceptions(s) == []


def test_a_persons_page_lists_their_incidents_and_roles(
    database: Database, actor: User, november: None
) -> None:
    with database.write(actor) as s:
        person = make_person(s, actor)
        first = make_incident(s, actor, seen_at=datetime(2026, 10, 1, tzinfo=UTC), happened_at=None)
        second = make_incident(
            s, actor, seen_at=datetime(2026, 11, 1, tzinfo=UTC), happened_at=None
        )
        add_involvement(s, actor, first.id, person.id, InvolvementRole.POSTER)
        add_involvement(s, actor, second.id, person.id, InvolvementRole.WITNESS)
        add_involvement(s, actor, second.id, person.id, InvolvementRole.REPORTER)
        ids = person.id, first.reference, second.reference
    with database.read(actor) as s:
        rows = incidents_for_person(s, ids[0])
    assert [(r.reference, r.role) for r in rows] == [
        (ids[2], InvolvementRole.WITNESS),
        (ids[2], InvolvementRole.REPORTER),
        (ids[1], InvolvementRole.POSTER),
    ]


def test_dashboard_counts_open_work_and_shows_recent_activity(
    database: Database, actor: User, november: None
) -> None:
    with database.write(actor) as s:
        make_incident(s, actor, safeguarding_concern=True)
        progress = make_incident(s, actor, status=IncidentStatus.IN_PROGRESS)
        make_incident(
            s,
            actor,
            status=IncidentStatus.CLOSED,
            outcome=IncidentOutcome.NO_ACTION_NEEDED,
            outcome_rationale="Praise for the choir; nothing to do.",
        )
        gone = make_incident(s, actor, safeguarding_concern=True)
        withdraw_incident(s, actor, gone.id, "Duplicate")
        add_note(s, actor, progress.id, "Called the parent back.")
    with database.read(actor) as s:
        figures = dashboard_figures(s)
    assert figures.open_by_status[IncidentStatus.NEW] == 1
    assert figures.open_by_status[IncidentStatus.IN_PROGRESS] == 1
    assert IncidentStatus.CLOSED not in figures.open_by_status
    assert figures.open_total == 2
    assert figures.open_safeguarding == 1
    assert figures.recent[0].text == "Called the parent back."
    assert all(r.incident_id != gone.id for r in figures.recent)
