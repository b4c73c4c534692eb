"""Accounts and roles: the first DSL account, signing in (wrong password, lockout and its
end, deactivated, forced change), the DSL's management of accounts, and the role matrix —
every service operation against every role, enforced in the services."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.actors import SYSTEM
from app.core.clock import set_clock
from app.core.db import Database
from app.core.errors import NotAllowed, NotFound, ValidationError
from app.core.models import User
from app.core.permissions import OPERATIONS, ROLE_PERMISSIONS, Permission
from app.core.services.accounts import (
    add_account,
    attempt_sign_in,
    change_own_password,
    change_role,
    create_first_account,
    needs_first_account,
    reset_password,
    set_active,
)
from app.core.services.contact_exceptions import ExceptionDetails, add_exception, approve_exception
from app.core.services.escalations import create_escalation
from app.core.services.evidence import add_evidence_description
from app.core.services.governors import build_report, find_term
from app.core.services.incident_queries import IncidentFilter, count_incidents, find_incidents
from app.core.services.incidents import (
    details_of,
    get_incident_by_reference,
    update_incident,
)
from app.core.services.lookups import get_incident
from app.core.services.people import find_people
from app.core.services.school import SchoolDetails, save_settings
from app.core.services.terms import ensure_default_terms
from app.core.vocab import EscalationKind, PersonKind, UserRole
from tests.factories import make_incident, make_person

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
GOOD = "river lantern orchard"


@pytest.fixture
def dsl(database: Database, actor: User) -> User:
    set_clock(lambda: NOW)
    with database.write(actor) as s:
        return create_first_account(s, "Ada Okafor", "aokafor", GOOD)


def _account(database: Database, dsl: User, role: UserRole, name: str) -> User:
    with database.write(dsl) as s:
        user = add_account(s, dsl, name.title(), name, role, "temporary harbour 42")
        user.must_change_password = False
        return user


def test_the_first_account_takes_over_the_old_dsl_user(database: Database, actor: User) -> None:
    with database.read(actor) as s:
        assert needs_first_account(s)
    with pytest.raises(ValidationError, match="at least 10 characters"), database.write(actor) as s:
        create_first_account(s, "Ada Okafor", "aokafor", "short")
    with pytest.raises(ValidationError, match="most common"), database.write(actor) as s:
        create_first_account(s, "Ada Okafor", "aokafor", "password123")
    with database.write(actor) as s:
        user = create_first_account(s, "Ada Okafor", "AOkafor", GOOD)
    assert user.id == actor.id and user.username == "aokafor" and user.role is UserRole.DSL
    with database.read(actor) as s:
        assert not needs_first_account(s)


def test_wrong_passwords_lock_the_account_for_a_minute(database: Database, dsl: User) -> None:
    with database.write(SYSTEM) as s:  # an unknown name gets the very same reply
        _, unknown = attempt_sign_in(s, "nobody", "wrong password")
    for _attempt in range(1, 5):
        with database.write(SYSTEM) as s:
            user, refusal = attempt_sign_in(s, "aokafor", "wrong password")
        assert user is None and refusal is not None and unknown is not None
        assert refusal.message == unknown.message
    with database.write(SYSTEM) as s:
        _, refusal = attempt_sign_in(s, "aokafor", "wrong password")
    assert refusal is not None and "wait a minute" in refusal.message
    with database.write(SYSTEM) as s:  # even the right password waits
        _, refusal = attempt_sign_in(s, "aokafor", GOOD)
    assert refusal is not None and refusal.wait_seconds == 61
    set_clock(lambda: NOW + timedelta(seconds=61))
    with database.write(SYSTEM) as s:
        user, refusal = attempt_sign_in(s, "AOKAFOR ", GOOD)
    assert refusal is None and user is not None and user.last_login_at is not None


def test_deactivated_accounts_and_forced_password_changes(database: Database, dsl: User) -> None:
    office = _account(database, dsl, UserRole.OFFICE, "office")
    with database.write(dsl) as s:
        reset_password(s, dsl, office.id, "temporary meadow 7")
        user, _ = attempt_sign_in(s, "office", "temporary meadow 7")
    assert user is not None and user.must_change_password
    with (
        pytest.raises(ValidationError, match="current password isn't right"),
        database.write(SYSTEM) as s,
    ):
        change_own_password(s, user, "wrong", "new brook lantern")
    with database.write(user) as s:
        change_own_password(s, user, "temporary meadow 7", "new brook lantern")
    with database.write(SYSTEM) as s:
        signed, _ = attempt_sign_in(s, "office", "new brook lantern")
    assert signed is not None and not signed.must_change_password
    with database.write(dsl) as s:
        set_active(s, dsl, office.id, False)
    with database.write(SYSTEM) as s:
        _, refusal = attempt_sign_in(s, "office", "new brook lantern")
    assert refusal is not None and "deactivated" in refusal.message
    with pytest.raises(NotAllowed, match="your own account"), database.write(dsl) as s:
        set_active(s, dsl, dsl.id, False)
    with pytest.raises(NotAllowed, match="only active DSL"), database.write(dsl) as s:
        change_role(s, dsl, dsl.id, UserRole.OFFICE)


def test_only_the_dsl_and_deputies_manage_accounts(database: Database, dsl: User) -> None:
    head = _account(database, dsl, UserRole.HEADTEACHER, "head")
    refused = "Headteacher account can't manage accounts"
    with pytest.raises(NotAllowed, match=refused), database.write(head) as s:
        add_account(s, head, "Someone", "someone", UserRole.OFFICE, "temporary harbour 42")


#: The issue's table, written out again here (not read from the code).
EXPECTED: dict[UserRole, set[str]] = {
    # Everything but approving exceptions: the headteacher does (the school's policy).
    UserRole.DSL: {p.name for p in Permission} - {"APPROVE_EXCEPTIONS"},
    # Nor disposing of records: that is the DSL's alone.
    UserRole.DEPUTY_DSL: {p.name for p in Permission} - {"APPROVE_EXCEPTIONS", "DISPOSE_RECORDS"},
    UserRole.HEADTEACHER: {
        "READ_INCIDENTS",
        "READ_PEOPLE",
        "READ_PERSON_DETAILS",
        "READ_EXCEPTIONS",
        "APPROVE_EXCEPTIONS",
        "LETTERS",
        "ESCALATE",
        "GOVERNORS_REPORT",
    },
    UserRole.OFFICE: {
        "READ_INCIDENTS",
        "RECORD_INCIDENT",
        "ADD_EVIDENCE",
        "ADD_PERSON",
        "READ_PEOPLE",
        "ADD_INVOLVEMENT",
    },
    UserRole.GOVERNOR: {"GOVERNORS_REPORT"},
    UserRole.CHAIR_OF_GOVERNORS: {"READ_INCIDENTS", "ESCALATE", "GOVERNORS_REPORT"},
}


def test_every_operation_against_every_role() -> None:
    import pkgutil

    import app.core.services

    for module in pkgutil.iter_modules(app.core.services.__path__):
        importlib.import_module(f"app.core.services.{module.name}")
    assert len(OPERATIONS) > 60
    for role in UserRole:
        assert {p.name for p in ROLE_PERMISSIONS[role]} == EXPECTED[role], role
    for name, permission in OPERATIONS.items():
        module_name, function_name = name.rsplit(".", 1)
        function = getattr(importlib.import_module(module_name), function_name)
        assert hasattr(function, "__wrapped__"), f"{name} is not guarded"
        for role in UserRole:
            allowed = permission.name in EXPECTED[role]
            assert (permission in ROLE_PERMISSIONS[role]) is allowed, (name, role)


def test_the_services_refuse_what_a_role_may_not_do(database: Database, dsl: User) -> None:
    office = _account(database, dsl, UserRole.OFFICE, "office")
    head = _account(database, dsl, UserRole.HEADTEACHER, "head")
    governor = _account(database, dsl, UserRole.GOVERNOR, "governor")
    with database.write(dsl) as s:
        save_settings(s, dsl, SchoolDetails(name="Kestrel Vale"))
        ensure_default_terms(s, dsl)
        theirs = make_incident(s, dsl, summary="Recorded by the DSL")
        pupil = make_person(s, dsl, kind=PersonKind.PUPIL, given_name="Zoë", year_group="4")
        adult = make_person(s, dsl, kind=PersonKind.STAFF, given_name="Sam")
    with database.write(office.id) as s:
        own = make_incident(s, office, summary="Recorded by the office")
        add_evidence_description(s, office, own.id, "A screenshot was seen")
    # Office staff: their own incident only, by id, by reference and by search.
    with database.write(office.id) as s:
        assert get_incident(s, own.id).id == own.id
        with pytest.raises(NotFound):
            get_incident(s, theirs.id)
        with pytest.raises(NotFound):
            get_incident_by_reference(s, theirs.reference)
        assert count_incidents(s, IncidentFilter(text="Recorded")) == 1
        assert [r.id for r in find_incidents(s, IncidentFilter(text="Recorded by"))] == [own.id]
        with pytest.raises(NotAllowed, match="Office staff account can't change an incident"):
            update_incident(s, office, own.id, details_of(own), expected_version=own.version)
        with pytest.raises(NotFound):
            add_evidence_description(s, office, theirs.id, "Not theirs")
    # The headteacher: reads everything but DSL-only, escalates, approves, doesn't edit.
    with database.write(SYSTEM) as s:
        get_incident(s, theirs.id).dsl_only = True
    with database.write(head.id) as s:
        assert count_incidents(s) == 1  # the office's; the DSL-only one is hidden
        with pytest.raises(NotFound):
            get_incident(s, theirs.id)
        create_escalation(s, head, own.id, kind=EscalationKind.HEADTEACHER, escalated_at=NOW)
        with pytest.raises(NotAllowed):
            update_incident(s, head, own.id, details_of(own), expected_version=own.version)
    with database.write(dsl.id) as s:
        exception = add_exception(
            s,
            dsl,
            ExceptionDetails(
                pupil_id=pupil.id,
                adult_id=adult.id,
                relationship_label="Family friend",
                declared_on=NOW.date(),
            ),
        )
    with database.write(head.id) as s:
        approve_exception(s, head, exception.id, review_on=NOW.date() + timedelta(days=90))
    # A governor: the report, and nothing else.
    with database.write(governor.id) as s:
        assert build_report(s, find_term(s, "2026-autumn")).incidents == 2
        with pytest.raises(NotAllowed, match="Governor account can't read incidents"):
            count_incidents(s)
        with pytest.raises(NotAllowed):
            find_people(s, "Zoë")


def test_only_the_dsl_and_deputies_mark_an_incident_dsl_only(database: Database, dsl: User) -> None:
    from dataclasses import replace as changed

    head = _account(database, dsl, UserRole.HEADTEACHER, "head")
    office = _account(database, dsl, UserRole.OFFICE, "office")
    with pytest.raises(NotAllowed, match="restrict an incident"), database.write(office.id) as s:
        make_incident(s, office, dsl_only=True)
    with database.write(dsl.id) as s:
        incident = make_incident(s, dsl, summary="About a member of staff", dsl_only=True)
        pupil = make_person(s, dsl, kind=PersonKind.PUPIL, given_name="Kit", year_group="3")
        from app.core.services.involvements import add_involvement
        from app.core.vocab import InvolvementRole

        add_involvement(s, dsl, incident.id, pupil.id, InvolvementRole.TARGET)
    with database.write(head.id) as s:
        from app.core.services.incident_queries import incidents_for_person

        assert incidents_for_person(s, pupil.id) == []  # not even on the person's page
        assert count_incidents(s) == 0
    with database.write(dsl.id) as s:
        details = changed(details_of(get_incident(s, incident.id)), dsl_only=False)
        update_incident(s, dsl, incident.id, details, expected_version=1)
    with database.write(head.id) as s:
        assert count_incidents(s) == 1


def test_no_back_door_to_people_or_an_incident_s_names(database: Database, dsl: User) -> None:
    from app.core.services.closing import open_items
    from app.core.services.letter_recipients import pupils_without_parents
    from app.core.services.people import get_person, parents_of

    governor = _account(database, dsl, UserRole.GOVERNOR, "governor")
    office = _account(database, dsl, UserRole.OFFICE, "office")
    with database.write(dsl.id) as s:
        incident = make_incident(s, dsl, summary="Not the office's")
        pupil = make_person(s, dsl, kind=PersonKind.PUPIL, given_name="Zoë", year_group="4")
    with database.write(governor.id) as s:
        for call in (
            lambda: get_person(s, pupil.id),
            lambda: parents_of(s, pupil.id),
            lambda: pupils_without_parents(s, incident.id),
        ):
            with pytest.raises(NotAllowed):
                call()
    with database.write(office.id) as s, pytest.raises(NotFound):
        open_items(s, incident.id)
    # A call for one account inside a unit of work opened for another is refused.
    with database.write(dsl.id) as s, pytest.raises(NotAllowed, match="opened for another"):
        add_evidence_description(s, office, incident.id, "Sneaky")


def test_the_command_line_asks_who_is_acting_in_a_log_with_accounts(
    db_url: str,
    database: Database,
    dsl: User,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.cli import main

    office = _account(database, dsl, UserRole.OFFICE, "office")
    with database.write(dsl.id) as s:
        save_settings(s, dsl, SchoolDetails(name="Kestrel Vale", headteacher_name="Ms H"))
        ensure_default_terms(s, dsl)
        incident = make_incident(s, dsl)
        parent = make_person(s, dsl, kind=PersonKind.PARENT, given_name="Pat", address="1 Road")
        from app.core.services.involvements import add_involvement
        from app.core.vocab import InvolvementRole

        add_involvement(s, dsl, incident.id, parent.id, InvolvementRole.POSTER)
    out = tmp_path / "letter.pdf"
    args = [
        "--database",
        db_url,
        "letter",
        "--incident",
        incident.reference,
        "--template",
        "proper_channels",
        "--to",
        "Pat",
        "--out",
        str(out),
    ]
    assert main(args) == 2
    assert "give --user" in capsys.readouterr().err
    monkeypatch.setenv("FOOTPRINT_PASSWORD", "wrong password")
    assert main([*args, "--user", "aokafor"]) == 2
    assert "don't match an account" in capsys.readouterr().err
    monkeypatch.setenv("FOOTPRINT_PASSWORD", "temporary harbour 42")
    assert main([*args, "--user", "office"]) == 2  # not theirs to see, let alone write about
    assert f"There is no incident {incident.reference}" in capsys.readouterr().err
    monkeypatch.setenv("FOOTPRINT_PASSWORD", GOOD)
    assert main([*args, "--user", "aokafor"]) == 0 and out.exists()
    assert office.id != dsl.id


def test_sign_ins_are_on_the_trail_in_plain_words(database: Database, dsl: User) -> None:
    from app.core.services.audit_log import audit_entries

    with database.write(dsl) as s:
        attempt_sign_in(s, "aokafor", "wrong password")
        attempt_sign_in(s, "aokafor", GOOD)
        incident = make_incident(s, dsl)
    with database.read(SYSTEM) as s:
        s.info["footprint_actor_id"] = dsl.id
        rows = audit_entries(s)
    actions = [(r.action, r.record) for r in rows]
    assert ("sign-in refused", f"account {dsl.id}") in actions
    assert ("sign-in", f"account {dsl.id}") in actions
    assert ("insert", f"incident {incident.reference}") in actions
    password_change = next(r for r in rows if "password_hash" in r.changes)
    assert "changed; not shown" in password_change.changes
