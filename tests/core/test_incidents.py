"""Incidents: recording, validation, correction with chronology, closing, withdrawal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.clock import set_clock, utc_now
from app.core.db import Database
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.models import ChronologyEntry, Incident, User
from app.core.services.chronology import list_chronology
from app.core.services.incidents import (
    details_of,
    get_incident_by_reference,
    update_incident,
    withdraw_incident,
)
from app.core.services.lookups import get_incident
from app.core.vocab import (
    Category,
    ChronologyKind,
    IncidentOutcome,
    IncidentStatus,
    Platform,
    Severity,
)
from tests.factories import incident_details, make_incident, make_person


def test_incidents_get_yearly_references_and_a_created_entry(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        first = make_incident(s, actor)
        second = make_incident(s, actor)
        refs = first.reference, second.reference
        year = first.seen_at.year
    assert refs == (f"SM-{year}-0001", f"SM-{year}-0002")
    with database.read(actor) as s:
        incident = get_incident_by_reference(s, f" sm-{year}-0002 ")
        assert incident.status is IncidentStatus.NEW
        assert incident.category_set == {Category.COMPLAINT_SHARED}
        entries = list_chronology(s, incident.id)
        assert [e.kind for e in entries] == [ChronologyKind.CREATED]
        assert entries[0].author == "DSL"
        with pytest.raises(NotFound, match="no incident SM-1999-0001"):
            get_incident_by_reference(s, "SM-1999-0001")


def test_the_reference_year_is_the_year_seen_in_london(database: Database, actor: User) -> None:
    # 23:30 UTC on 31 December is still 31 December in London (GMT)…
    set_clock(lambda: datetime(2027, 1, 2, 12, 0, tzinfo=UTC))
    with database.write(actor) as s:
        winter = make_incident(
            s, actor, seen_at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC), happened_at=None
        )
        assert winter.reference == "SM-2026-0001"
        new_year = make_incident(
            s, actor, seen_at=datetime(2027, 1, 1, 0, 30, tzinfo=UTC), happened_at=None
        )
        assert new_year.reference == "SM-2027-0001"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"summary": " \n "}, "summary", "The summary is required."),
        ({"summary": "x" * 10_001}, "summary", "too long"),
        ({"url": "ftp://example.org/post"}, "url", "http:// or https://"),
        ({"url": "javascript:alert(1)"}, "url", "http:// or https://"),
        ({"url": "https://"}, "url", "http:// or https://"),
        ({"categories": frozenset()}, "categories", "at least one category"),
        ({"platform": Platform.OTHER}, "platform_other", "Say which platform"),
        ({"platform_other": "Bebo"}, "platform_other", "Other"),
        ({"status": IncidentStatus.CLOSED}, "outcome", "outcome"),
        (
            {"status": IncidentStatus.CLOSED, "outcome": IncidentOutcome.POST_REMOVED},
            "outcome_rationale",
            "Explain the outcome",
        ),
        ({"parent_informed": False}, "parent_not_informed_reason", "why the parent"),
        ({"reported_by_id": 999_999}, "reported_by_id", "directory"),
        ({"severity": "apocalyptic"}, "severity", "from the list"),
    ],
)
def test_bad_input_is_refused_with_a_message_for_its_field(
    database: Database, actor: User, overrides: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised, database.write(actor) as s:
        make_incident(s, actor, **overrides)
    assert raised.value.field == field
    assert message in raised.value.message
    with database.read(actor) as s:
        assert s.scalar(select(func.count(Incident.id))) == 0
        assert s.scalar(select(func.count(ChronologyEntry.id))) == 0


def test_times_must_be_in_order_and_not_in_the_future(database: Database, actor: User) -> None:
    now = utc_now()
    cases = [
        (
            {"happened_at": now - timedelta(hours=1), "seen_at": now - timedelta(hours=2)},
            "seen_at",
            "The post can't have been seen before it was made.",
        ),
        (
            {"happened_at": now - timedelta(hours=1), "reported_at": now - timedelta(hours=3)},
            "reported_at",
            "reported before it was made",
        ),
        ({"seen_at": now + timedelta(days=1)}, "seen_at", "future"),
        ({"seen_at": datetime(2026, 1, 1)}, "seen_at", "date and time"),  # naive
    ]
    for overrides, field, message in cases:
        with pytest.raises(ValidationError) as raised, database.write(actor) as s:
            make_incident(s, actor, **overrides)
        assert raised.value.field == field
        assert message in raised.value.message


def test_a_save_lists_every_changed_field_in_the_chronology(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        reporter = make_person(s, actor, given_name="Aoife", family_name="Byrne")
        incident = make_incident(s, actor)
        incident_id, version, reporter_id = incident.id, incident.version, reporter.id
    with database.write(actor) as s:
        details = details_of(get_incident(s, incident_id))
        changed = replace(
            details,
            severity=Severity.HIGH,
            categories=frozenset({Category.COMPLAINT_SHARED, Category.RUDE_OR_INSULTING}),
            reported_by_id=reporter_id,
            status=IncidentStatus.IN_PROGRESS,
            url="https://www.facebook.com/groups/123/posts/456",
        )
        update_incident(s, actor, incident_id, changed, expected_version=version)
    with database.read(actor) as s:
        incident = get_incident(s, incident_id)
        assert incident.severity is Severity.HIGH
        assert incident.updated_by_id == actor.id and incident.updated_at is not None
        entries = list_chronology(s, incident_id)
        kinds = [e.kind for e in entries]
        assert ChronologyKind.STATUS_CHANGED in kinds and ChronologyKind.UPDATED in kinds
        update = next(e for e in entries if e.kind is ChronologyKind.UPDATED)
        assert "Severity: Medium → High" in update.text
        assert "Reported by: (blank) → Aoife Byrne" in update.text
        assert "Rude or insulting" in update.text
        status = next(e for e in entries if e.kind is ChronologyKind.STATUS_CHANGED)
        assert status.text == "Status changed from New to In progress."


def test_saving_without_changes_writes_nothing(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        incident_id, version = incident.id, incident.version
    with database.write(actor) as s:
        details = details_of(get_incident(s, incident_id))
        update_incident(s, actor, incident_id, details, expected_version=version)
    with database.read(actor) as s:
        assert get_incident(s, incident_id).version == version
        assert len(list_chronology(s, incident_id)) == 1


def test_a_stale_form_is_a_conflict_and_changes_nothing(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        incident_id, version = incident.id, incident.version
    with database.write(actor) as s:
        details = details_of(get_incident(s, incident_id))
        update_incident(
            s, actor, incident_id, replace(details, severity=Severity.LOW), expected_version=version
        )
    with pytest.raises(Conflict, match="Someone else saved"), database.write(actor) as s:
        update_incident(
            s,
            actor,
            incident_id,
            replace(details, severity=Severity.CRITICAL),
            expected_version=version,
        )
    with database.read(actor) as s:
        assert get_incident(s, incident_id).severity is Severity.LOW


def test_closing_needs_outcome_and_rationale_and_records_when(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        incident_id, version = incident.id, incident.version
    with database.write(actor) as s:
        details = replace(
            details_of(get_incident(s, incident_id)),
            status=IncidentStatus.CLOSED,
            outcome=IncidentOutcome.POST_REMOVED,
            outcome_rationale="Parent removed the post after our letter; checked on 12/11.",
        )
        update_incident(s, actor, incident_id, details, expected_version=version)
    with database.read(actor) as s:
        incident = get_incident(s, incident_id)
        assert incident.status is IncidentStatus.CLOSED
        assert incident.closed_at is not None


def test_withdrawal_keeps_the_incident_and_says_why(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
    with database.write(actor) as s:
        withdraw_incident(s, actor, incident_id, "Duplicate of an earlier entry")
    with pytest.raises(Conflict), database.write(actor) as s:
        withdraw_incident(s, actor, incident_id, "again")
    with database.read(actor) as s:
        incident = get_incident(s, incident_id)
        assert incident.withdrawn_reason == "Duplicate of an earlier entry"
        assert list_chronology(s, incident_id)[0].kind is ChronologyKind.WITHDRAWN
    with pytest.raises(Conflict), database.write(actor) as s:
        update_incident(s, actor, incident_id, incident_details(), expected_version=1)


def test_times_come_back_timezone_aware_and_equal(database: Database, actor: User) -> None:
    # British Summer Time: 14:30 in London is 13:30 UTC.
    seen = datetime(2026, 7, 1, 13, 30, 15, 123456, tzinfo=UTC)
    set_clock(lambda: datetime(2026, 7, 2, tzinfo=UTC))
    with database.write(actor) as s:
        incident_id = make_incident(s, actor, seen_at=seen, happened_at=None).id
    with database.read(actor) as s:
        stored = get_incident(s, incident_id)
        assert stored.seen_at == seen
        assert stored.seen_at.utcoffset() == timedelta(0)
        assert stored.created_at.tzinfo is not None


def test_every_save_keeps_the_old_text_and_moves_the_version_on(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor, summary="Mr X posted that Miss Y hit his son.")
        incident_id, version = incident.id, incident.version
    with database.write(actor) as s:
        details = details_of(get_incident(s, incident_id))
        update_incident(
            s,
            actor,
            incident_id,
            replace(details, summary="Mr X posted an allegation about a teacher."),
            expected_version=version,
        )
    with database.read(actor) as s:
        entry = next(e for e in list_chronology(s, incident_id) if e.kind is ChronologyKind.UPDATED)
        assert "“Mr X posted that Miss Y hit his son.”" in entry.text
        assert "“Mr X posted an allegation about a teacher.”" in entry.text
        version = get_incident(s, incident_id).version
    with database.write(actor) as s:  # categories alone: the version still moves on
        details = details_of(get_incident(s, incident_id))
        update_incident(
            s,
            actor,
            incident_id,
            replace(details, categories=frozenset({Category.DISREPUTE})),
            expected_version=version,
        )
    with database.read(actor) as s:
        assert get_incident(s, incident_id).version == version + 1
    with pytest.raises(Conflict), database.write(actor) as s:
        update_incident(s, actor, incident_id, details, expected_version=version)
