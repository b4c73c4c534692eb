"""Roles as the school's policy and KCSIE Part 4 have them: a restricted incident is seen
by the DSL team and its case manager (the headteacher for an allegation about staff, the
chair of governors when it concerns the headteacher); the chair of governors sees only
the incidents they are named on; exceptions are approved by the headteacher (a DSL who
is also the headteacher only by the school's setting, and the approval says so); office
staff see people's names but not their details, and only what they wrote on a timeline.

Each role is run through every service that reads an incident, so a door left open in
one of them fails here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from app.core.clock import set_clock
from app.core.db import Database
from app.core.errors import FootprintError, NotAllowed, NotFound, ValidationError
from app.core.models import User
from app.core.security import passwords
from app.core.services.accounts import change_role, create_first_account, set_active
from app.core.services.chronology import add_note, list_chronology
from app.core.services.contact_exceptions import (
    ExceptionDetails,
    add_exception,
    approve_exception,
    list_exceptions,
)
from app.core.services.dashboard import dashboard_figures
from app.core.services.deletion_requests import list_requests
from app.core.services.dsl_headteacher import dsl_headteacher_id, set_dsl_headteacher
from app.core.services.due import due_items
from app.core.services.escalations import create_escalation, list_escalations
from app.core.services.evidence import add_evidence_description, list_evidence
from app.core.services.governors import build_report, find_term
from app.core.services.guidance import guidance_for
from app.core.services.incident_access import case_manager_candidates, who_can_see
from app.core.services.incident_form import load_incident_form
from app.core.services.incident_queries import (
    IncidentFilter,
    count_incidents,
    find_incidents,
    incidents_for_person,
)
from app.core.services.incidents import details_of, get_incident_by_reference, update_incident
from app.core.services.involvements import add_involvement, list_involvements
from app.core.services.letter_records import list_letters
from app.core.services.lookups import get_incident, open_incident
from app.core.services.people import (
    family_links,
    find_people,
    get_person,
    open_person,
    parents_of,
    person_row,
)
from app.core.services.school import SchoolDetails, save_settings
from app.core.services.terms import ensure_default_terms
from app.core.vocab import EscalationKind, InvolvementRole, PersonKind, UserRole
from tests.factories import make_account, make_incident, make_person

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@dataclass
class School:
    dsl: User
    deputy: User
    head: User
    office: User
    governor: User
    chair: User
    pupil: int
    incidents: dict[str, int]


def _restrict(database: Database, dsl: User, incident_id: int, manager: User | None) -> None:
    with database.write(dsl) as s:
        incident = get_incident(s, incident_id)
        details = replace(
            details_of(incident),
            dsl_only=True,
            case_manager_id=manager.id if manager else None,
        )
        update_incident(s, dsl, incident_id, details, expected_version=incident.version)


@pytest.fixture
def school(database: Database, actor: User, monkeypatch: pytest.MonkeyPatch) -> School:
    set_clock(lambda: NOW)
    # Six accounts per test: a cheap hash (the accounts tests check the real one).
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)
    with database.write(actor) as s:
        dsl = create_first_account(s, "Ada Okafor", "aokafor", "river lantern orchard")
        save_settings(s, dsl, SchoolDetails(name="Kestrel Vale", headteacher_name="Ms Head"))
        ensure_default_terms(s, dsl)
        accounts = {
            role: make_account(s, dsl, role, name)
            for role, name in (
                (UserRole.DEPUTY_DSL, "deputy"),
                (UserRole.HEADTEACHER, "head"),
                (UserRole.OFFICE, "office"),
                (UserRole.GOVERNOR, "governor"),
                (UserRole.CHAIR_OF_GOVERNORS, "chair"),
            )
        }
        pupil = make_person(s, dsl, kind=PersonKind.PUPIL, given_name="Zoë", year_group="4")
        ids = {
            name: make_incident(s, dsl, summary=f"Kestrel {name} post").id
            for name in ("open", "about_staff", "about_head", "unnamed")
        }
        for incident_id in ids.values():
            add_involvement(s, dsl, incident_id, pupil.id, InvolvementRole.TARGET)
    office = accounts[UserRole.OFFICE]
    with database.write(office) as s:
        ids["office_own"] = make_incident(s, office, summary="Kestrel office_own post").id
        add_involvement(s, office, ids["office_own"], pupil.id, InvolvementRole.TARGET)
    _restrict(database, dsl, ids["about_staff"], accounts[UserRole.HEADTEACHER])
    _restrict(database, dsl, ids["about_head"], accounts[UserRole.CHAIR_OF_GOVERNORS])
    _restrict(database, dsl, ids["unnamed"], None)
    return School(
        dsl,
        accounts[UserRole.DEPUTY_DSL],
        accounts[UserRole.HEADTEACHER],
        office,
        accounts[UserRole.GOVERNOR],
        accounts[UserRole.CHAIR_OF_GOVERNORS],
        pupil.id,
        ids,
    )


ALL = {"open", "about_staff", "about_head", "unnamed", "office_own"}
#: Which incidents each role sees (written out here, not read from the code).
SEES: dict[str, set[str]] = {
    "dsl": ALL,
    "deputy": ALL,
    "head": {"open", "office_own", "about_staff"},  # not the one about the head
    "office": {"office_own"},
    "governor": set(),
    "chair": {"about_head"},
}
#: Readers of one incident: each must refuse an incident the role can't see as missing.
READERS: dict[str, Callable[[Session, int], object]] = {
    "get_incident": get_incident,
    "open_incident": open_incident,
    "load_incident_form": load_incident_form,
    "list_chronology": list_chronology,
    "list_evidence": list_evidence,
    "list_involvements": list_involvements,
    "list_requests": list_requests,
    "list_escalations": list_escalations,
    "guidance_for": guidance_for,
    "who_can_see": who_can_see,
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_sees_exactly_its_incidents_in_every_service(
    database: Database, school: School, who: str
) -> None:
    user: User = getattr(school, who)
    expected = {school.incidents[name] for name in SEES[who]}
    names = {v: k for k, v in school.incidents.items()}
    with database.write(user) as s:
        if not SEES[who]:  # a governor: no incident service at all
            with pytest.raises(NotAllowed):
                count_incidents(s)
            return
        assert {r.id for r in find_incidents(s, IncidentFilter())} == expected
        assert count_incidents(s) == len(expected)
        # Search: every incident's summary says "Kestrel".
        assert {r.id for r in find_incidents(s, IncidentFilter(text="Kestrel"))} == expected
        figures = dashboard_figures(s)
        assert figures.open_total == len(expected)
        assert {r.incident_id for r in figures.recent} <= expected
        assert {i.incident_id for i in due_items(s, NOW.date() + timedelta(days=400))} <= expected
        for incident_id, name in names.items():
            for reader in READERS.values():
                if name in SEES[who]:
                    reader(s, incident_id)
                else:
                    with pytest.raises(NotFound, match="does not exist"):
                        reader(s, incident_id)
            with database.read(school.dsl) as dsl_session:
                reference = get_incident(dsl_session, incident_id).reference
            if name in SEES[who]:
                assert get_incident_by_reference(s, reference).id == incident_id
            else:
                with pytest.raises(NotFound):
                    get_incident_by_reference(s, reference)
    # The person's page lists only what the role may see of a pupil's incidents.
    if who in ("dsl", "deputy", "head", "office"):
        with database.read(user) as s:
            rows = incidents_for_person(s, school.pupil)
        assert {r.incident_id for r in rows} == expected


def test_the_headteacher_and_the_chair_open_the_incidents_they_manage(
    database: Database, school: School
) -> None:
    about_staff, about_head = school.incidents["about_staff"], school.incidents["about_head"]
    # The case manager acts on it: escalates (e.g. consults the LADO).
    with database.write(school.chair) as s:
        create_escalation(s, school.chair, about_head, kind=EscalationKind.LADO, escalated_at=NOW)
        with pytest.raises(NotFound):
            create_escalation(
                s, school.chair, about_staff, kind=EscalationKind.LADO, escalated_at=NOW
            )
    with database.write(school.head) as s:
        create_escalation(s, school.head, about_staff, kind=EscalationKind.LADO, escalated_at=NOW)
        assert [r.incident_id for r in list_letters(s)] == []  # only letters it may see
    # Who can see it, as the window says.
    with database.read(school.dsl) as s:
        access = who_can_see(s, about_head)
        assert access.restricted and access.case_manager is not None
        assert access.case_manager.id == school.chair.id
        assert {a.id for a in access.accounts} == {school.dsl.id, school.deputy.id, school.chair.id}
        assert "chair of governors" in access.summary.lower()
        unnamed = who_can_see(s, school.incidents["unnamed"])
        assert {a.id for a in unnamed.accounts} == {school.dsl.id, school.deputy.id}
        assert "no case manager named" in unnamed.summary
        ordinary = who_can_see(s, school.incidents["office_own"])
        assert {a.id for a in ordinary.accounts} == {
            school.dsl.id,
            school.deputy.id,
            school.head.id,
            school.office.id,
        }
        timeline = list_chronology(s, about_head)
        assert any("Case manager: (blank) → Chair (Chair of governors)" in r.text for r in timeline)
    # A case manager who leaves (deactivated) no longer sees it.
    with database.write(school.dsl) as s:
        set_active(s, school.dsl, school.chair.id, False)
    with database.read(school.dsl) as s:
        assert school.chair.id not in {a.id for a in who_can_see(s, about_head).accounts}


def test_only_the_dsl_team_names_a_case_manager_of_the_right_kind(
    database: Database, school: School
) -> None:
    incident_id = school.incidents["open"]

    def save(user: User, **changes: object) -> None:
        with database.write(user) as s:
            incident = get_incident(s, incident_id)
            details = replace(details_of(incident), **changes)  # type: ignore[arg-type]
            update_incident(s, user, incident_id, details, expected_version=incident.version)

    with pytest.raises(ValidationError, match="only for a restricted incident"):
        save(school.dsl, case_manager_id=school.head.id)
    for wrong in (school.office, school.governor, school.deputy):
        with pytest.raises(ValidationError, match="headteacher's or chair of governors'"):
            save(school.dsl, dsl_only=True, case_manager_id=wrong.id)
    with database.read(school.dsl) as s:
        assert [a.id for a in case_manager_candidates(s)] == [school.head.id, school.chair.id]
    with pytest.raises(NotAllowed):  # the headteacher may not edit at all
        save(school.head, dsl_only=True, case_manager_id=school.head.id)
    save(school.deputy, dsl_only=True, case_manager_id=school.head.id)
    with database.read(school.head) as s:
        assert get_incident(s, incident_id).case_manager_id == school.head.id
    # Another role for the case manager's account: the rule follows the role.
    with database.write(school.dsl) as s:
        change_role(s, school.dsl, school.head.id, UserRole.OFFICE)
    with database.read(school.head) as s, pytest.raises(NotFound):
        get_incident(s, incident_id)


def test_the_chair_of_governors_sees_nothing_else_of_the_log(
    database: Database, school: School
) -> None:
    with database.write(school.chair) as s:
        for call in (
            lambda: find_people(s, "Zoë"),
            lambda: person_row(s, school.pupil),
            lambda: list_exceptions(s),
            lambda: add_note(s, school.chair, school.incidents["about_head"], "A note"),
        ):
            with pytest.raises(NotAllowed):
                call()
        # A person's incidents: only the one they manage.
        rows = incidents_for_person(s, school.pupil)
        assert [r.incident_id for r in rows] == [school.incidents["about_head"]]
        # The governors' report, as every governor has it.
        assert build_report(s, find_term(s, "2026-autumn")).incidents == 5
        figures = dashboard_figures(s)
        assert figures.exception_reviews_due == 0 and figures.open_total == 1


def _declare(database: Database, school: School) -> int:
    with database.write(school.dsl) as s:
        aunt = make_person(s, school.dsl, kind=PersonKind.STAFF, given_name="Máire")
        return add_exception(
            s,
            school.dsl,
            ExceptionDetails(school.pupil, aunt.id, "Aunt", declared_on=NOW.date()),
        ).id


def test_the_headteacher_approves_exceptions_not_the_dsl(
    database: Database, school: School
) -> None:
    first = _declare(database, school)
    review = NOW.date() + timedelta(days=180)
    for user in (school.dsl, school.deputy, school.office, school.chair):
        with (
            pytest.raises(NotAllowed, match="can't approve exceptions"),
            database.write(user) as s,
        ):
            approve_exception(s, user, first, review_on=review)
    with (
        pytest.raises(NotAllowed, match="The headteacher approves them"),
        database.write(school.dsl) as s,
    ):
        approve_exception(s, school.dsl, first, review_on=review)
    with database.write(school.head) as s:
        approve_exception(s, school.head, first, review_on=review)
    with database.read(school.dsl) as s:
        row = next(r for r in list_exceptions(s) if r.id == first)
    assert row.approval == "Head" and not row.approved_as_dsl_headteacher


def test_a_dsl_who_is_also_the_headteacher_approves_by_the_school_s_setting(
    database: Database, school: School
) -> None:
    entry = _declare(database, school)
    review = NOW.date() + timedelta(days=180)
    with database.write(school.dsl) as s:
        for wrong in (school.head, school.office):  # a headteacher needs no setting
            with pytest.raises(ValidationError, match="active DSL's or deputy DSL's"):
                set_dsl_headteacher(s, school.dsl, wrong.id)
        set_dsl_headteacher(s, school.dsl, school.dsl.id)
        assert dsl_headteacher_id(s) == school.dsl.id
    with pytest.raises(NotAllowed), database.write(school.deputy) as s:  # not the deputy
        approve_exception(s, school.deputy, entry, review_on=review)
    with database.write(school.dsl) as s:
        approve_exception(s, school.dsl, entry, review_on=review)
    with database.read(school.dsl) as s:
        [row] = [r for r in list_exceptions(s) if r.id == entry]
    assert row.approved_as_dsl_headteacher
    assert row.approval == "Ada Okafor (DSL and headteacher, a school setting)"
    # Setting cleared: the DSL declares again but no longer approves.
    second = _declare(database, school)
    with database.write(school.dsl) as s:
        set_dsl_headteacher(s, school.dsl, None)
    with pytest.raises(NotAllowed), database.write(school.dsl) as s:
        approve_exception(s, school.dsl, second, review_on=review)
    with pytest.raises(NotAllowed), database.write(school.head) as s:  # only the DSL names one
        set_dsl_headteacher(s, school.head, school.dsl.id)


def test_office_staff_see_names_but_not_details_nor_others_notes(
    database: Database, school: School
) -> None:
    own = school.incidents["office_own"]
    with database.write(school.dsl) as s:
        parent = make_person(s, school.dsl, given_name="Pat", address="1 Secret Road")
        add_note(s, school.dsl, own, "The DSL's confidential note")
        add_evidence_description(s, school.dsl, own, "A screenshot the DSL saw")
    with database.write(school.office) as s:
        [row] = [r for r in find_people(s, "Zoë")]
        assert row.full_name == "Zoë O'Neill" and row.year_group == "4"
        assert person_row(s, school.pupil).full_name == "Zoë O'Neill"
        for call in (
            lambda: get_person(s, parent.id),
            lambda: open_person(s, parent.id),
            lambda: parents_of(s, school.pupil),
            lambda: family_links(s, school.pupil),
        ):
            with pytest.raises(NotAllowed, match="people's details"):
                call()
        timeline = list_chronology(s, own)
        assert timeline and {r.author for r in timeline} == {"Office"}
        assert not any("confidential" in r.text for r in timeline)
        assert not any("confidential" in r.text for r in dashboard_figures(s).recent)
        form = load_incident_form(s, own)
        assert not any("confidential" in r.text for r in form.timeline)
        assert len(form.evidence) == 1  # evidence on their own incident stays in view
    with database.read(school.dsl) as s:  # the DSL still reads the whole timeline
        assert any("confidential" in r.text for r in list_chronology(s, own))
    with database.read(school.head) as s:  # the headteacher keeps people's details
        assert get_person(s, parent.id).address == "1 Secret Road"


def test_refusals_are_plain_words(database: Database, school: School) -> None:
    with database.write(school.office) as s, pytest.raises(FootprintError) as refused:
        get_person(s, school.pupil)
    assert refused.value.message == (
        "An Office staff account can't see people's details (dates of birth, addresses, notes)."
    )
