"""The demonstration school: realistic, complete, repeatable, and never mixed into a real log."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.cli import main
from app.core import clock
from app.core.db import Database
from app.core.demo import build_demo_school
from app.core.errors import Conflict
from app.core.models import (
    ChronologyEntry,
    ContactException,
    DeletionRequest,
    Escalation,
    Incident,
    IncidentCategory,
    ParentChildLink,
    Person,
    User,
)
from app.core.services.school import get_settings
from app.core.vocab import (
    Category,
    ChronologyKind,
    DeletionOutcome,
    IncidentStatus,
    PersonKind,
    Platform,
)
from tests.factories import make_person

# Mid spring term, so the year behind it spans last year's terms and a new calendar year.
NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


def _incident_list(session: Session) -> list[tuple[str, str, str]]:
    rows = session.execute(
        select(Incident.reference, Incident.summary, Incident.status).order_by(Incident.reference)
    )
    return [(r[0], r[1], str(r[2])) for r in rows]


def _count(session: Session, *where: ColumnElement[bool], model: type[Any] = Person) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_demo_school_is_complete_repeatable_and_refuses_a_second_time(
    database: Database, actor: User
) -> None:
    clock.set_clock(lambda: NOW)
    # A throwaway build (read sessions roll back) to compare with the kept one.
    with database.read(actor) as session:
        first_summary = build_demo_school(session, actor.id, seed=11)
        first_list = _incident_list(session)
    with database.write(actor) as session:
        summary = build_demo_school(session, actor.id, seed=11)
        assert _incident_list(session) == first_list
    assert summary == first_summary
    assert "300 pupils" in summary and "200 seen" in summary
    with database.read(actor) as session:  # its first start still makes the DSL's account
        from app.core.services.accounts import needs_first_account

        assert needs_first_account(session)

    with database.read(actor) as session:
        kinds = dict(session.execute(select(Person.kind, func.count()).group_by(Person.kind)).all())
        assert 280 <= kinds[PersonKind.PUPIL] <= 320
        assert 400 <= kinds[PersonKind.PARENT] <= 500
        assert 35 <= kinds[PersonKind.STAFF] <= 45
        assert 20 <= kinds[PersonKind.THIRD_PARTY] <= 30
        assert all(kinds.get(k, 0) >= 1 for k in PersonKind)
        assert 180 <= _count(session, model=Incident) <= 220

        # Pupils: every year group R–6, classes like "3 Oak", every pupil with a parent.
        years = set(
            session.scalars(select(Person.year_group).where(Person.year_group.is_not(None)))
        )
        assert years == {"R", "1", "2", "3", "4", "5", "6"}
        assert _count(session, Person.class_name == "3 Oak") > 10
        unlinked = _count(
            session,
            Person.kind == PersonKind.PUPIL,
            ~Person.id.in_(select(ParentChildLink.child_id)),
        )
        assert unlinked == 0
        assert _count(session, Person.postcode.like("EF%"), Person.kind == PersonKind.PARENT) > 300

        names = [
            f"{g} {f}" for g, f in session.execute(select(Person.given_name, Person.family_name))
        ]
        assert any(not c.isascii() and c.isalpha() for name in names for c in name)
        assert any("'" in name or "’" in name for name in names)
        assert "Wimbledon" not in get_settings(session).name

        statuses = set(session.scalars(select(Incident.status).distinct()))
        assert statuses == set(IncidentStatus)
        categories = set(session.scalars(select(IncidentCategory.category).distinct()))
        assert categories == set(Category)
        assert len(set(session.scalars(select(Incident.platform).distinct()))) >= len(Platform) - 2

        closed = session.scalars(select(Incident).where(Incident.status == IncidentStatus.CLOSED))
        assert all(i.outcome is not None and i.outcome_rationale and i.closed_at for i in closed)
        assert _count(session, Incident.safeguarding_concern.is_(True), model=Incident) >= 5

        # Every incident has a timeline with 1–4 notes, and nothing is dated in the future.
        notes = dict(
            session.execute(
                select(ChronologyEntry.incident_id, func.count())
                .where(ChronologyEntry.kind == ChronologyKind.NOTE)
                .group_by(ChronologyEntry.incident_id)
            ).all()
        )
        assert len(notes) == _count(session, model=Incident)
        assert all(1 <= n <= 4 for n in notes.values())
        latest = session.scalar(select(func.max(ChronologyEntry.occurred_at)))
        assert latest is not None and latest <= NOW
        before_seen = _count(
            session,
            ChronologyEntry.kind == ChronologyKind.NOTE,
            ChronologyEntry.occurred_at < Incident.seen_at,
            ChronologyEntry.incident_id == Incident.id,
            model=ChronologyEntry,
        )
        assert before_seen == 0
        assert _count(session, model=ContactException) >= 2

        # Requests and escalations match the statuses, each with its timeline entry.
        waiting = session.scalars(
            select(Incident.id).where(Incident.status == IncidentStatus.AWAITING_REMOVAL)
        ).all()
        pending = set(
            session.scalars(
                select(DeletionRequest.incident_id).where(
                    DeletionRequest.outcome == DeletionOutcome.PENDING
                )
            )
        )
        assert set(waiting) <= pending
        overdue = _count(
            session,
            DeletionRequest.outcome == DeletionOutcome.PENDING,
            DeletionRequest.deadline < NOW.date(),
            model=DeletionRequest,
        )
        assert overdue >= 1
        escalated = session.scalars(
            select(Incident.id).where(Incident.status == IncidentStatus.ESCALATED)
        ).all()
        assert set(escalated) <= set(session.scalars(select(Escalation.incident_id)))
        assert _count(session, Escalation.reference_number != "", model=Escalation) >= 5
        logged = _count(
            session, ChronologyEntry.kind == ChronologyKind.DELETION_REQUEST, model=ChronologyEntry
        )
        assert logged >= _count(session, model=DeletionRequest)

    with database.write(actor) as session, pytest.raises(Conflict):
        build_demo_school(session, actor.id, seed=11)


def test_demo_school_refuses_a_log_with_anyone_in_it(database: Database, actor: User) -> None:
    with database.write(actor) as session:
        make_person(session, actor)
    with database.write(actor) as session, pytest.raises(Conflict, match="never be mixed"):
        build_demo_school(session, actor.id)


def test_footprint_demo_command_fills_a_new_log_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert main(["demo", "--database", url]) == 0
    assert "Kestrel Vale Primary School" in capsys.readouterr().out
    assert main(["demo", "--database", url]) != 0
    assert "can't be added" in capsys.readouterr().err
