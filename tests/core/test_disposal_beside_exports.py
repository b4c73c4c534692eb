"""Disposal beside the other ways records leave the log: a pupil whose child protection
file went to the next school, and a person who asked what the school holds, stay with those
records; a disposed incident has no case file to make."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.errors import NotAllowed
from app.core.models import Person, User
from app.core.services.casefile import CaseFileChoice, export_case_file
from app.core.services.cp_transfer import TransferDetails, make_transfer
from app.core.services.disposal import dispose_of_incident, preview_disposal
from app.core.services.subject_access import create_request
from app.core.vocab import CaseFileVariant, TransferMethod
from tests.core.retention_scene import Scene, build_scene


@pytest.fixture
def scene(database: Database, actor: User) -> Scene:
    return build_scene(database, actor)


def test_a_transfer_keeps_its_pupil_and_so_their_family(
    database: Database, actor: User, scene: Scene
) -> None:
    with database.write(actor) as s:
        make_transfer(
            s,
            actor,
            TransferDetails(
                pupil_id=scene.pupil_id,
                destination_school="Heron Lane Academy",
                destination_dsl="A. Receiver",
                destination_contact="dsl@heron.example",
                left_on=date(2020, 7, 17),
                sent_on=date(2020, 7, 20),
                method=TransferMethod.SECURE_EMAIL,
            ),
        )
    with database.write(actor) as s:
        fates = {f.person_id: f for f in preview_disposal(s, scene.disposed_id).people}
    assert fates[scene.pupil_id].kept_because == "named on a child protection file transfer"
    _dispose_and_check(database, actor, scene, kept={scene.pupil_id, scene.other_parent_id})


def test_a_subject_access_request_keeps_its_subject(
    database: Database, actor: User, scene: Scene
) -> None:
    with database.write(actor) as s:
        create_request(
            s,
            actor,
            scene.parent_id,
            requester_name="The parent",
            requester_relationship="themself",
            received_on=date(2020, 9, 1),
        )
    with database.write(actor) as s:
        fates = {f.person_id: f for f in preview_disposal(s, scene.disposed_id).people}
    assert fates[scene.parent_id].kept_because == "the subject of a subject access request"
    assert fates[scene.pupil_id].erased and fates[scene.other_parent_id].erased
    _dispose_and_check(database, actor, scene, kept={scene.parent_id}, erased={scene.pupil_id})


def _dispose_and_check(
    database: Database,
    actor: User,
    scene: Scene,
    kept: set[int],
    erased: frozenset[int] | set[int] = frozenset(),
) -> None:
    with database.write(actor) as s:
        dispose_of_incident(s, actor, scene.disposed_id)
    with database.read(SYSTEM) as s:
        assert all(s.get(Person, person) is not None for person in kept)
        assert all(s.get(Person, person) is None for person in erased)


def test_a_disposed_incident_has_no_case_file(
    database: Database, actor: User, scene: Scene
) -> None:
    with database.write(actor) as s:
        dispose_of_incident(s, actor, scene.disposed_id)
    choice = CaseFileChoice(CaseFileVariant.FULL, recipient="PC Smith")
    with database.write(actor) as s, pytest.raises(NotAllowed, match="disposed of on"):
        export_case_file(s, actor, scene.disposed_id, choice)
