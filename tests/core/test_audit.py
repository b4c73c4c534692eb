"""The audit trail: every change is captured with before and after, the table refuses
UPDATE and DELETE, and `audit verify` finds a raw SQL change, an edited entry, a removed
entry, a cut-back chain and a rebuilt chain."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError as SQLDatabaseError

from app.cli import main
from app.core import audit
from app.core.actors import SYSTEM
from app.core.db import Database, create_db_engine
from app.core.models import AuditEntry, User
from app.core.services.chronology import add_note
from app.core.services.incidents import details_of, update_incident, withdraw_incident
from app.core.services.involvements import add_involvement
from app.core.services.lookups import get_incident
from app.core.services.people import PersonDetails, update_person
from app.core.services.users import get_user
from app.core.vocab import InvolvementRole, PersonKind
from tests.factories import make_incident, make_person


def _entries(database: Database, after: int = 0) -> list[AuditEntry]:
    with database.read(SYSTEM) as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id))
        )


def _last_id(database: Database) -> int:
    with database.read(SYSTEM) as s:
        return s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0


def _verify(database: Database) -> audit.Verification:
    with database.read(SYSTEM) as s:
        return audit.verify(s, database.audit_head)


def _drop_triggers(database: Database) -> None:
    """What someone with the database file and a SQL tool could do."""
    with database.engine.begin() as conn:
        for action in ("update", "delete"):
            conn.execute(
                text(f"DROP TRIGGER audit_entry_no_{action} ON audit_entry")
                if database.engine.dialect.name == "postgresql"
                else text(f"DROP TRIGGER audit_entry_no_{action}")
            )


def test_each_change_is_captured_with_who_and_before_and_after(
    database: Database, actor: User
) -> None:
    start = _last_id(database)
    with database.write(actor) as s:
        incident = make_incident(s, actor, summary="First wording")
        person = make_person(s, actor, given_name="Zoë", family_name="Nguyễn")
        add_involvement(s, actor, incident.id, person.id, InvolvementRole.POSTER)
        add_note(s, actor, incident.id, "A note")
    created = _entries(database, start)
    tables = {(e.table_name, e.action) for e in created}
    for expected in [
        ("incident", "insert"),
        ("incident_category", "insert"),
        ("person", "insert"),
        ("involvement", "insert"),
        ("chronology_entry", "insert"),
    ]:
        assert expected in tables, expected
    inserted = next(e for e in created if e.table_name == "incident")
    assert inserted.record_id == incident.id and inserted.user_id == actor.id
    assert json.loads(inserted.changes)["summary"] == "First wording"

    start = _last_id(database)
    with database.write(actor) as s:
        details = replace(details_of(get_incident(s, incident.id)), summary="Second wording")
        update_incident(s, actor, incident.id, details, expected_version=1)
        update_person(
            s,
            actor,
            person.id,
            PersonDetails(kind=PersonKind.PARENT, given_name="Zoë", family_name="Nguyen"),
            expected_version=1,
        )
        withdraw_incident(s, actor, incident.id, "Recorded twice")
    changed = _entries(database, start)
    update = next(e for e in changed if e.table_name == "incident" and e.action == "update")
    assert json.loads(update.changes)["summary"] == ["First wording", "Second wording"]
    person_change = next(e for e in changed if e.table_name == "person")
    assert json.loads(person_change.changes)["family_name"] == ["Nguyễn", "Nguyen"]
    withdrawn = next(e for e in changed if e.action == "withdraw")
    assert withdrawn.record_id == incident.id
    assert json.loads(withdrawn.changes)["withdrawn_reason"] == [None, "Recorded twice"]
    assert _verify(database).ok


def test_reads_exports_and_printing_are_on_the_trail(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
    with database.write(actor) as s:
        audit.record_read(s, actor.id, audit.Action.READ, "incident", incident.id)
        audit.record_read(s, actor.id, audit.Action.PRINT, "letter", 7, {"pages": 2})
    read, printed = _entries(database)[-2:]
    assert (read.action, read.table_name, read.record_id) == ("read", "incident", incident.id)
    assert (printed.action, json.loads(printed.changes)) == ("print", {"pages": 2})
    assert _verify(database).ok


def test_the_table_refuses_update_and_delete(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        make_incident(s, actor)
    for statement in ("UPDATE audit_entry SET action = 'read'", "DELETE FROM audit_entry"):
        with (
            pytest.raises(SQLDatabaseError, match="append-only"),
            database.engine.begin() as conn,
        ):
            conn.execute(text(statement))


def test_a_raw_sql_change_to_an_incident_is_found(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor, summary="As recorded")
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE incident SET summary = 'Quietly changed' WHERE id = :id"),
            {"id": incident.id},
        )
    result = _verify(database)
    assert not result.ok
    assert f"incident {incident.id}: “summary” differs from the trail" in " ".join(result.problems)


def test_an_edited_or_removed_entry_is_found(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        for n in range(3):
            make_incident(s, actor, summary=f"Incident {n}")
    _drop_triggers(database)
    middle = _entries(database)[3]
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entry SET changes = :c WHERE id = :id"),
            {"c": "{}", "id": middle.id},
        )
    assert f"Entry {middle.id} has been altered" in " ".join(_verify(database).problems)

    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": middle.id})
    assert f"Entry {middle.id} is missing" in " ".join(_verify(database).problems)


def test_cutting_back_or_rebuilding_the_whole_chain_is_found(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor, summary="As recorded")
    assert database.audit_head is not None and database.audit_head.exists()
    last = _last_id(database)
    _drop_triggers(database)

    # Rewrite the incident and the whole chain consistently, as a careful forger would.
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE incident SET summary = 'Forged' WHERE id = :id"), {"id": incident.id}
        )
        rows = conn.execute(text("SELECT * FROM audit_entry ORDER BY id")).mappings().all()
        prev = audit.GENESIS
        for row in rows:
            changes = json.loads(row["changes"])
            if row["table_name"] == "incident" and changes.get("summary") == "As recorded":
                changes["summary"] = "Forged"
            body = audit.canonical(changes)
            at = row["at"] if isinstance(row["at"], str) else row["at"].isoformat()
            content = audit.canonical(
                {
                    "id": row["id"],
                    "at": _iso(database, at),
                    "user": row["user_id"],
                    "action": row["action"],
                    "table": row["table_name"],
                    "record": row["record_id"],
                    "changes": changes,
                }
            )
            digest = audit.chain_hash(prev, content)
            conn.execute(
                text(
                    "UPDATE audit_entry SET changes = :c, prev_hash = :p, hash = :h WHERE id = :id"
                ),
                {"c": body, "p": prev, "h": digest, "id": row["id"]},
            )
            prev = digest
    problems = " ".join(_verify(database).problems)
    assert f"Entry {last} differs from the copy kept outside the database" in problems
    assert "Entry" in problems and "altered" not in problems  # the chain itself looks whole

    # Cutting the end off the chain is found too.
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": last})
    assert f"but entry {last} was written" in " ".join(_verify(database).problems)


def _iso(database: Database, stored: str) -> str:
    """The timestamp as the trail hashed it (what the ORM reads back, as ISO text)."""
    with database.read(SYSTEM) as s:
        value = s.scalar(select(AuditEntry.at).where(AuditEntry.id == 1))
    assert value is not None
    from datetime import datetime

    parsed = datetime.fromisoformat(stored)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=value.tzinfo)
    return parsed.isoformat()


def test_audit_verify_on_the_command_line(
    db_url: str, database: Database, actor: User, capsys: pytest.CaptureFixture[str]
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
    assert main(["--database", db_url, "audit", "verify"]) == 0
    assert "The audit trail is intact" in capsys.readouterr().out
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE incident SET severity = 'low' WHERE id = :id"), {"id": incident.id}
        )
    assert main(["--database", db_url, "audit", "verify"]) == 1
    assert "changed outside Footprint" in capsys.readouterr().err


def test_an_emptied_trail_or_a_removed_outside_copy_is_reported_never_re_baselined(
    db_url: str,
) -> None:
    from app.core.startup import open_log

    log = open_log(db_url)
    with log.database.write(log.user_id) as s:
        make_incident(s, get_user(s, log.user_id))
    log.database.dispose()
    database = Database(create_db_engine(db_url))
    _drop_triggers(database)
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry"))
    if database.audit_head is not None:
        database.audit_head.unlink()
    database.dispose()
    # The next start writes no fresh baseline over the doctored records…
    log = open_log(db_url)
    with log.database.read(SYSTEM) as s:
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.action == "baseline")) is None
    problems = " ".join(_verify(log.database).problems)
    log.database.dispose()
    assert "is not on the trail: it was added outside Footprint" in problems


def test_a_missing_outside_copy_is_not_made_anew_by_the_next_start(db_url: str) -> None:
    from app.core.startup import open_log

    if not db_url.startswith("sqlite"):
        pytest.skip("a PostgreSQL log's copy is per PC: a PC's first start makes its own")
    log = open_log(db_url)
    assert log.database.audit_head is not None and log.database.audit_head.exists()
    log.database.audit_head.unlink()
    log.database.dispose()
    log = open_log(db_url)
    with log.database.write(log.user_id) as s:
        make_incident(s, get_user(s, log.user_id))  # work goes on…
    assert log.database.audit_head is not None and not log.database.audit_head.exists()
    problems = _verify(log.database).problems  # …and the removal is still reported
    log.database.dispose()
    assert any("is missing" in p for p in problems), problems


def test_removed_categories_and_raw_deletes_are_on_or_against_the_trail(
    database: Database, actor: User
) -> None:
    from app.core.vocab import Category

    with database.write(actor) as s:
        incident = make_incident(
            s, actor, categories=frozenset({Category.BULLYING, Category.COMPLAINT_SHARED})
        )
        person = make_person(s, actor, given_name="Kit")
    start = _last_id(database)
    with database.write(actor) as s:
        details = replace(
            details_of(get_incident(s, incident.id)), categories=frozenset({Category.BULLYING})
        )
        update_incident(s, actor, incident.id, details, expected_version=1)
    removed = [e for e in _entries(database, start) if e.action == "delete"]
    assert [(e.table_name, json.loads(e.changes)["category"]) for e in removed] == [
        ("incident_category", "complaint_shared")
    ]
    assert _verify(database).ok
    with database.engine.begin() as conn:
        conn.execute(
            text("DELETE FROM incident_category WHERE incident_id = :id"), {"id": incident.id}
        )
    assert "incident_category" in " ".join(_verify(database).problems)
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM involvement"))
        conn.execute(text("DELETE FROM person WHERE id = :id"), {"id": person.id})
    assert f"person {person.id} is on the trail but not in the log" in " ".join(
        _verify(database).problems
    )


def test_a_change_after_a_rolled_back_savepoint_is_still_captured(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor, summary="Before")
    with database.write(actor) as s:
        loaded = get_incident(s, incident.id)
        try:
            with s.begin_nested():
                loaded.summary = "Rolled back"
                s.flush()
                raise RuntimeError
        except RuntimeError:
            pass
        loaded.summary = "After"
    assert _verify(database).ok
    last = _entries(database)[-1]
    assert json.loads(last.changes)["summary"] == ["Before", "After"]


def test_the_head_file_sits_beside_the_log(database: Database, tmp_path: Path) -> None:
    if database.engine.dialect.name == "sqlite":
        assert database.audit_head is not None
        assert database.audit_head.name.endswith(".audit-head")


def test_each_kind_of_change_in_the_log_reaches_the_trail(database: Database, actor: User) -> None:
    """A walk through the services that change records: each step must add an entry for
    the record it changed, with the action it was."""
    from datetime import UTC, date, datetime, timedelta

    from app.core.clock import set_clock
    from app.core.services.accounts import (
        add_account,
        change_role,
        create_first_account,
        reset_password,
        set_active,
    )
    from app.core.services.chronology import amend_entry, list_chronology
    from app.core.services.contact_exceptions import (
        ExceptionDetails,
        add_exception,
        approve_exception,
        withdraw_exception,
    )
    from app.core.services.deletion_requests import create_request, mark_sent, record_reply
    from app.core.services.escalations import create_escalation, update_escalation
    from app.core.services.evidence import (
        add_evidence_file,
        destroy_evidence_content,
        withdraw_evidence,
    )
    from app.core.services.involvements import list_involvements, withdraw_involvement
    from app.core.services.letter_records import withdraw_letter
    from app.core.services.letter_wording import save_template
    from app.core.services.letters import make_letters
    from app.core.services.people import link_parent, unlink_parent
    from app.core.services.school import SchoolDetails, save_settings
    from app.core.vocab import DeletionMethod, EscalationKind, EscalationStatus, UserRole

    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c63f8ffff3f030008fc02fea79aa0a00000000049454e44ae426082"
    )
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    set_clock(lambda: now)
    ids: dict[str, int] = {}

    def step(expected: tuple[str, str], work: object) -> None:
        start = _last_id(database)
        with database.write(SYSTEM) as s:
            work(s)  # type: ignore[operator]
        found = {(e.table_name, e.action) for e in _entries(database, start)}
        assert expected in found, (expected, found)

    def setup(s: object) -> None:
        dsl = create_first_account(s, "Ada Okafor", "aokafor", "river lantern orchard")  # type: ignore[arg-type]
        ids["dsl"] = dsl.id
        save_settings(s, dsl, SchoolDetails(name="Kestrel Vale", headteacher_name="Ms H"))  # type: ignore[arg-type]
        incident = make_incident(s, dsl, seen_at=now - timedelta(days=1), happened_at=None)  # type: ignore[arg-type]
        pupil = make_person(s, dsl, kind=PersonKind.PUPIL, given_name="Zoë", year_group="4")  # type: ignore[arg-type]
        parent = make_person(s, dsl, given_name="Pat", address="1 Road")  # type: ignore[arg-type]
        staff = make_person(s, dsl, kind=PersonKind.STAFF, given_name="Sam")  # type: ignore[arg-type]
        ids.update(incident=incident.id, pupil=pupil.id, parent=parent.id, staff=staff.id)

    step(("app_user", "update"), setup)

    def user(s: object) -> User:
        return s.get(User, ids["dsl"])  # type: ignore[attr-defined, no-any-return]

    step(
        ("parent_child_link", "insert"),
        lambda s: ids.update(link=link_parent(s, user(s), ids["parent"], ids["pupil"]).id),
    )
    step(
        ("involvement", "insert"),
        lambda s: add_involvement(
            s, user(s), ids["incident"], ids["pupil"], InvolvementRole.POSTER
        ),
    )
    step(
        ("deletion_request", "insert"),
        lambda s: ids.update(
            request=create_request(
                s,
                user(s),
                ids["incident"],
                addressee_id=ids["pupil"],
                method=DeletionMethod.LETTER,
                sent_at=None,
            ).id
        ),
    )
    step(("deletion_request", "update"), lambda s: mark_sent(s, user(s), ids["request"], now))
    step(
        ("deletion_request", "update"),
        lambda s: record_reply(s, user(s), ids["request"], reply_at=now, summary="Will do"),
    )
    step(
        ("escalation", "insert"),
        lambda s: ids.update(
            escalation=create_escalation(
                s, user(s), ids["incident"], kind=EscalationKind.HEADTEACHER, escalated_at=now
            ).id
        ),
    )
    step(
        ("escalation", "update"),
        lambda s: update_escalation(
            s, user(s), ids["escalation"], status=EscalationStatus.ACTIONED, outcome="Spoken to"
        ),
    )
    step(
        ("evidence", "insert"),
        lambda s: ids.update(
            evidence=add_evidence_file(s, user(s), ids["incident"], "shot.png", png).id
        ),
    )
    step(
        ("evidence", "update"),
        lambda s: destroy_evidence_content(s, user(s), ids["evidence"], "Image of a child"),
    )
    step(
        ("evidence", "withdraw"),
        lambda s: withdraw_evidence(s, user(s), ids["evidence"], "Not needed"),
    )
    step(
        ("chronology_entry", "insert"),
        lambda s: amend_entry(s, user(s), list_chronology(s, ids["incident"])[0].id, "Corrected"),
    )
    step(
        ("letter", "insert"),
        lambda s: ids.update(
            letter=make_letters(s, user(s), ids["incident"], "child_involved", [ids["parent"]])[
                0
            ].id
        ),
    )
    step(
        ("letter", "withdraw"), lambda s: withdraw_letter(s, user(s), ids["letter"], "Wrong parent")
    )
    step(
        ("letter_template_version", "insert"),
        lambda s: save_template(s, user(s), "proper_channels", "T", "S", "Body"),
    )
    step(
        ("contact_exception", "insert"),
        lambda s: ids.update(
            exception=add_exception(
                s,
                user(s),
                ExceptionDetails(
                    pupil_id=ids["pupil"],
                    adult_id=ids["staff"],
                    relationship_label="Aunt",
                    declared_on=date(2026, 11, 1),
                ),
            ).id
        ),
    )
    step(
        ("contact_exception", "update"),
        lambda s: approve_exception(s, user(s), ids["exception"], review_on=date(2027, 2, 1)),
    )
    step(
        ("contact_exception", "withdraw"),
        lambda s: withdraw_exception(s, user(s), ids["exception"], "Moved away"),
    )
    step(
        ("involvement", "withdraw"),
        lambda s: withdraw_involvement(
            s, user(s), list_involvements(s, ids["incident"])[0].id, "Wrong person"
        ),
    )
    step(
        ("parent_child_link", "withdraw"),
        lambda s: unlink_parent(s, user(s), ids["link"], "Recorded in error"),
    )
    step(
        ("app_user", "insert"),
        lambda s: ids.update(
            office=add_account(s, user(s), "Olu", "olu", UserRole.OFFICE, "temporary harbour 42").id
        ),
    )
    step(
        ("app_user", "update"),
        lambda s: change_role(s, user(s), ids["office"], UserRole.HEADTEACHER),
    )
    step(
        ("app_user", "update"),
        lambda s: reset_password(s, user(s), ids["office"], "another harbour 77"),
    )
    step(("app_user", "update"), lambda s: set_active(s, user(s), ids["office"], False))
    assert _verify(database).ok
