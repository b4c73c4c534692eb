"""What the MIS import leaves on other screens: a leaver reads "Left DD/MM/YYYY" in the
People list and on their page, with their UPN and preferred name; the letter screen lists
the parents it does not offer, greyed, with the reason."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.core.db import Database
from app.core.models import Person, User
from app.core.services.letter_recipients import NotOffered
from app.core.vocab import PersonKind
from app.ui.letters import letter_dialog
from app.ui.letters.letter_dialog import LetterDialog
from app.ui.main_window import PEOPLE, MainWindow
from app.ui.people.cp_transfer_dialog import LeaversOffer
from app.ui.people.directory import PeoplePage
from tests.factories import make_incident, make_person


@pytest.fixture(autouse=True)
def leavers_offered(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The offer of leavers' child protection files after an import, answered "not now"
    (its own test is in test_mis_import_ui): what it listed, each time it came up."""
    offered: list[list[str]] = []

    def not_now(offer: LeaversOffer) -> int:
        offered.append([offer.list.item(i).text() for i in range(offer.list.count())])
        return 0

    monkeypatch.setattr(LeaversOffer, "exec", not_now)
    return offered


def _facts(people: PeoplePage) -> dict[str, str]:
    shown = {}
    for row in range(people.facts.rowCount()):
        label_item = people.facts.itemAt(row, people.facts.ItemRole.LabelRole)
        value_item = people.facts.itemAt(row, people.facts.ItemRole.FieldRole)
        assert label_item is not None and value_item is not None
        label, value = label_item.widget(), value_item.widget()
        assert isinstance(label, QLabel) and isinstance(value, QLabel)
        shown[label.text()] = value.text()
    return shown


def test_a_leaver_reads_left_with_the_date_and_their_upn_and_preferred_name(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        pupil = make_person(
            s, actor, kind=PersonKind.PUPIL, given_name="Aleksandra", family_name="Nowak"
        )
        row = s.get(Person, pupil.id)
        assert row is not None
        row.upn, row.left_on, row.class_name = "A123456789012", date(2026, 7, 22), "6H"
        row.preferred_given_name = "Ola"
        pupil_id = pupil.id
    window.go(PEOPLE)
    people = window.people
    assert isinstance(people, PeoplePage)
    people.refresh()
    item = people.list.topLevelItem(0)
    assert item is not None
    assert [item.text(c) for c in range(3)] == ["Aleksandra Nowak", "Pupil", "Left 22/07/2026"]
    people.show_person(pupil_id)
    facts = _facts(people)
    assert facts["Status"] == "Left 22/07/2026"
    assert facts["UPN"] == "A123456789012"
    assert facts["Preferred name"] == "Ola"
    assert facts["Class"] == "6H"  # the class they were in, still on record


def test_the_letter_screen_lists_parents_not_offered_greyed_with_the_reason(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    actor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
    asked: list[tuple[int, str]] = []

    def not_offered(_s: object, incident: int, template: str, _request: object) -> list[NotOffered]:
        asked.append((incident, template))
        return [NotOffered(99, "Siobhán Ó Briain", "Aoife Ó Briain", "No contact: court order")]

    monkeypatch.setattr(letter_dialog, "not_offered", not_offered)
    dialog = LetterDialog(window.context, incident_id, "SM-2026-0001")
    qtbot.addWidget(dialog)
    assert asked and asked[0][0] == incident_id
    texts = [dialog.people.item(i).text() for i in range(dialog.people.count())]
    assert texts[-1] == (
        "Siobhán Ó Briain (parent or carer of Aoife Ó Briain) — not offered: "
        "No contact: court order"
    )
    greyed = dialog.people.item(dialog.people.count() - 1)
    assert not greyed.flags() & Qt.ItemFlag.ItemIsEnabled
    assert not greyed.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert 99 not in dialog.chosen_ids()
