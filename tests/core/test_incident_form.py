"""The editor's one-transaction save: all of it is stored, or none of it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.errors import ValidationError
from app.core.models import ChronologyEntry, Evidence, Incident, Involvement, User
from app.core.services.chronology import list_chronology
from app.core.services.evidence import list_evidence
from app.core.services.incident_form import (
    Amendment,
    NewEvidence,
    NewInvolvement,
    PendingChanges,
    Removal,
    save_incident_form,
)
from app.core.services.incidents import details_of
from app.core.services.involvements import list_involvements
from app.core.services.lookups import get_incident
from app.core.vocab import ChronologyKind, InvolvementRole, Severity
from tests.core.test_evidence_and_chronology import PNG
from tests.factories import incident_details, make_person


def _counts(database: Database) -> tuple[int, ...]:
    with database.read(SYSTEM) as s:
        return tuple(
            s.scalar(select(func.count(model.id))) or 0
            for model in (Incident, Involvement, Evidence, ChronologyEntry)
        )


def test_a_new_incident_is_saved_with_its_people_evidence_and_note(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        poster = make_person(s, actor).id
        target = make_person(s, actor, given_name="Zoë").id
    pending = PendingChanges(
        involvements=[
            NewInvolvement(poster, InvolvementRole.POSTER),
            NewInvolvement(target, InvolvementRole.TARGET),
        ],
        evidence=[NewEvidence("shot.png", PNG), NewEvidence("", None, "Image not kept")],
        notes=["Spoke to the class teacher."],
    )
    with database.write(actor) as s:
        incident_id = save_incident_form(s, actor, incident_details(), pending).id
    with database.read(actor) as s:
        assert [r.role for r in list_involvements(s, incident_id)] == [
            InvolvementRole.POSTER,
            InvolvementRole.TARGET,
        ]
        assert len(list_evidence(s, incident_id)) == 2
        assert list_chronology(s, incident_id)[0].kind in set(ChronologyKind)


def test_one_refused_part_stores_nothing(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        poster = make_person(s, actor).id
    before = _counts(database)
    pending = PendingChanges(
        involvements=[NewInvolvement(poster, InvolvementRole.POSTER)],
        evidence=[NewEvidence("big.bin", b"not a picture")],
        notes=["A note"],
    )
    with pytest.raises(ValidationError) as raised, database.write(actor) as s:
        save_incident_form(s, actor, incident_details(), pending)
    assert raised.value.field == "file"
    assert _counts(database) == before


def test_an_update_applies_removals_amendments_and_fields_together(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        person = make_person(s, actor).id
        incident = save_incident_form(
            s,
            actor,
            incident_details(),
            PendingChanges(
                involvements=[NewInvolvement(person, InvolvementRole.WITNESS)],
                evidence=[NewEvidence("a.png", PNG)],
                notes=["First note"],
            ),
        )
        incident_id, version = incident.id, incident.version
    with database.read(actor) as s:
        [involvement] = list_involvements(s, incident_id)
        [evidence] = list_evidence(s, incident_id)
        note = next(r for r in list_chronology(s, incident_id) if r.kind is ChronologyKind.NOTE)
        details = details_of(get_incident(s, incident_id))
    with database.write(actor) as s:
        save_incident_form(
            s,
            actor,
            replace(details, severity=Severity.HIGH),
            PendingChanges(
                involvement_removals=[Removal(involvement.id, "Not a witness")],
                evidence_removals=[Removal(evidence.id, "Wrong screenshot")],
                amendments=[Amendment(note.id, "First note, corrected")],
            ),
            incident_id=incident_id,
            expected_version=version,
        )
    with database.read(actor) as s:
        assert list_involvements(s, incident_id) == []
        assert list_evidence(s, incident_id) == []
        assert get_incident(s, incident_id).severity is Severity.HIGH
        texts = [r.text for r in list_chronology(s, incident_id)]
        assert "First note" in texts and "First note, corrected" in texts
