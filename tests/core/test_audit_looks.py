"""Looks, prints and exports are recorded by the services that produce them, as a named
kind of record (never free text), in the same unit of work: if the trail can't be
written, nothing is shown ("fail closed"). A search records that it was made and how
many it found, never what was typed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.core import audit
from app.core.db import Database
from app.core.models import AuditEntry, User
from app.core.services.evidence import add_evidence_file, show_evidence
from app.core.services.lookups import open_incident
from app.core.services.people import find_people, open_person
from tests.factories import make_incident, make_person

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8ffff3f030008fc02fea79aa0a00000000049454e44ae426082"
)


def _newest(database: Database, actor: User) -> AuditEntry:
    with database.read(actor) as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()


def test_each_look_is_on_the_trail_as_the_actor_with_its_kind_of_record(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        person = make_person(s, actor, given_name="Zoë", family_name="Okafor")
        evidence = add_evidence_file(s, actor, incident.id, "shot.png", PNG)
    cases: list[tuple[Callable[[Session], object], str, str, int]] = [
        (lambda s: open_incident(s, incident.id), "read", "incident", incident.id),
        (lambda s: open_person(s, person.id), "read", "person", person.id),
        (lambda s: show_evidence(s, evidence.id), "read", "evidence", evidence.id),
        (lambda s: show_evidence(s, evidence.id, export=True), "export", "evidence", evidence.id),
    ]
    for look, action, table, record in cases:
        with database.write(actor) as s:
            look(s)
        entry = _newest(database, actor)
        assert (entry.action, entry.table_name, entry.record_id) == (action, table, record)
        assert entry.user_id == actor.id


def test_a_search_records_how_many_it_found_never_what_was_typed(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        make_person(s, actor, given_name="Zoë", family_name="Okafor")
    with database.write(actor) as s:
        assert len(find_people(s, "okaf")) == 1
    entry = _newest(database, actor)
    assert (entry.action, entry.table_name, entry.record_id) == ("search", "person", None)
    assert json.loads(entry.changes) == {"results": 1}
    assert "okaf" not in entry.changes.lower()


def test_a_look_in_a_unit_of_work_that_only_reads_is_refused(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
    with pytest.raises(audit.LookNotRecorded), database.read(actor) as s:
        open_incident(s, incident.id)
    with pytest.raises(TypeError, match="not free text"), database.write(actor) as s:
        audit.record_look(s, audit.Action.READ, "incident", incident.id)  # type: ignore[arg-type]


def test_when_the_trail_cannot_be_written_nothing_is_shown(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
    with database.engine.begin() as conn:  # a trail that refuses every new entry
        conn.execute(
            text(
                "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
            )
            if database.engine.dialect.name == "sqlite"
            else text(
                "CREATE FUNCTION refuse_entries() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'disk I/O error'; END; $$ LANGUAGE plpgsql; "
                "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_entry "
                "FOR EACH ROW EXECUTE FUNCTION refuse_entries()"
            )
        )
    shown = []
    with pytest.raises(SQLAlchemyError), database.write(actor) as s:
        shown.append(open_incident(s, incident.id))
    assert shown == []


def test_an_export_file_appears_only_once_its_record_is_committed(tmp_path: Path) -> None:
    from app.core.files import StagedFile, publish_after

    target = tmp_path / "letter.pdf"
    staged: list[StagedFile] = []

    def fails_at_commit() -> None:
        staged.append(StagedFile(target, b"%PDF-1.4 letter"))
        raise SQLAlchemyError("database or disk is full")

    with pytest.raises(SQLAlchemyError):
        publish_after(staged, fails_at_commit)
    assert list(tmp_path.iterdir()) == []  # no file, and no half-written one

    staged.clear()
    publish_after(staged, lambda: staged.append(StagedFile(target, b"%PDF-1.4 letter")))
    assert target.read_bytes() == b"%PDF-1.4 letter"
    assert [p.name for p in tmp_path.iterdir()] == ["letter.pdf"]


def test_a_people_list_re_shown_after_a_save_is_not_a_new_search(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        make_person(s, actor, given_name="Zoë", family_name="Okafor")
    before = _newest(database, actor).id
    with database.read(actor) as s:
        assert len(find_people(s, "", record=False)) == 1
    assert _newest(database, actor).id == before
