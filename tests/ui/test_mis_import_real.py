"""The import window with the REAL readers and service (no fakes): the DSL opens People →
"Import from MIS…", imports Kestrel Vale's September CTF and class list, then the spring
CTF (a leaver, a new NC year, a father who moved house and is answered "same person"),
then the spring contacts CSV (a class move and a court order). Each step is checked on
screen and in the log; screenshots of the mapping step and the preview tabs are saved in
/tmp for a person to look at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.core.actors import SYSTEM
from app.core.clock import today_london
from app.core.db import Database
from app.core.models import ParentChildLink, Person, User
from app.core.services.involvements import add_involvement
from app.core.timefmt import format_date
from app.core.vocab import InvolvementRole
from app.ui.main_window import PEOPLE, MainWindow
from app.ui.mis_import import dialog as dialog_module
from app.ui.mis_import.dialog import MAPPING, PREVIEW, ImportDialog
from app.ui.people.cp_transfer_dialog import LeaversOffer
from app.ui.people.directory import PeoplePage
from tests.core.mis_import import school_files as sf
from tests.core.mis_import.school_files import upn
from tests.factories import make_incident
from tests.ui.helpers import when_modal


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


def _answer(*steps: Callable[[QMessageBox], object]) -> None:
    """Answer the message boxes that come up, one after the other."""
    if not steps:
        return

    def act(box: QMessageBox) -> None:
        _answer(*steps[1:])
        steps[0](box)

    when_modal(act, kind=QMessageBox)


def _press(button: QMessageBox.StandardButton, seen: list[str]) -> Callable[[QMessageBox], object]:
    def act(box: QMessageBox) -> None:
        seen.append(box.text())
        box.button(button).click()

    return act


def _rows(tree: QTreeWidget) -> list[str]:
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return [" | ".join(i.text(c) for c in range(i.columnCount())) for i in items if i is not None]


def _children(item: QTreeWidgetItem | None) -> list[str]:
    assert item is not None
    return [
        " | ".join(filter(None, (child.text(c) for c in range(child.columnCount()))))
        for child in (item.child(i) for i in range(item.childCount()))
        if child is not None
    ]


def _people_page(window: MainWindow) -> PeoplePage:
    window.go(PEOPLE)
    assert isinstance(window.people, PeoplePage)
    return window.people


def _open(qtbot: QtBot, window: MainWindow, path: Path) -> ImportDialog:
    dialog = ImportDialog(window.context, parent=_people_page(window))
    qtbot.addWidget(dialog)
    dialog.choose_file = lambda _parent: path
    dialog.show()
    qtbot.mouseClick(dialog.file_step.browse, Qt.MouseButton.LeftButton)
    return dialog


def _apply(qtbot: QtBot, dialog: ImportDialog) -> tuple[list[str], list[str]]:
    asked: list[str] = []
    told: list[str] = []
    _answer(
        _press(QMessageBox.StandardButton.Yes, asked), _press(QMessageBox.StandardButton.Ok, told)
    )
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(told) == 1, timeout=10_000)
    return asked, told


def _next_to_preview(qtbot: QtBot, dialog: ImportDialog) -> None:
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PREVIEW, timeout=10_000)


def _person(db: Database, **where: object) -> Person:
    with db.read(SYSTEM) as s:
        person = s.scalars(select(Person).filter_by(**where)).one()
        s.expunge(person)
        return person


def test_a_school_year_through_the_import_window(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    actor: User,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # --- September's CTF, from the People page's button ---------------------------------
    september = sf.september_ctf(tmp_path)
    monkeypatch.setattr(dialog_module, "choose_file", lambda _parent: september)
    people = _people_page(window)
    seen: dict[str, object] = {}

    def run(dialog: ImportDialog) -> None:
        qtbot.mouseClick(dialog.file_step.browse, Qt.MouseButton.LeftButton)
        assert dialog.file_step.source == "ctf"
        _next_to_preview(qtbot, dialog)
        step = dialog.preview_step
        seen["summary"], seen["file"] = step.summary.text(), step.file.text()
        seen["tabs"], seen["whole"] = step.tab_titles(), step.whole_school.isChecked()
        seen["new"] = _rows(step.added)
        seen["links"] = _children(step.links.topLevelItem(0))
        seen["apply"] = _apply(qtbot, dialog)

    when_modal(run, kind=ImportDialog)
    qtbot.mouseClick(people.import_button, Qt.MouseButton.LeftButton)
    assert seen["summary"] == (
        "This import adds 8 pupils and 12 parents and contacts; adds 16 family links."
    )
    assert seen["file"] == (
        "september.xml: a Common Transfer File from 873/2461 Kestrel Vale Primary School "
        "(version 24.0), made 04/09/2026 09:12"
    )
    assert seen["tabs"] == [
        "New people (20)",
        "Changed (0)",
        "Leavers (0)",
        "Family links (16)",
        "Suggestions (0)",
        "Refused rows (0)",
        "Warnings (0)",
        "Not in the file (0)",
    ]
    assert seen["whole"] is True
    new = seen["new"]
    assert isinstance(new, list) and len(new) == 20
    assert new[:2] == ["Amelia O'Connor | Pupil | line 17 | ", "Finn O'Connor | Pupil | line 88 | "]
    assert "Мирослава Коваленко | Pupil | line 349 | " in new
    assert "Gareth Pryce | Parent/carer | line 194 | " in new
    links = seen["links"]
    assert isinstance(links, list)
    assert "Zoë Lefèvre | Gareth Pryce | Step-father, no parental responsibility, priority 2" in (
        links
    )
    applied = seen["apply"]
    assert isinstance(applied, tuple)
    asked, told = applied
    assert asked == [
        "Apply this import? It adds 8 pupils and 12 parents and contacts; adds 16 family "
        "links. It can be undone only by importing the earlier file again."
    ]
    assert told == [
        "Imported. The import adds 8 pupils and 12 parents and contacts; adds 16 family links."
    ]
    with database.read(SYSTEM) as s:
        assert s.query(Person).count() == 20
        assert s.query(ParentChildLink).count() == 16
    listed = [people.list.topLevelItem(i).text(0) for i in range(people.list.topLevelItemCount())]  # type: ignore[union-attr]
    assert len(listed) == 20
    assert {"Amelia O'Connor", "Мирослава Коваленко", "Kacper Wiśniewski"} <= set(listed)

    # --- September's class list ---------------------------------------------------------
    dialog = _open(qtbot, window, sf.september_classes_csv(tmp_path))
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == MAPPING
    assert dialog.mapping_step.columns() == {
        "upn": "UPN",
        "family_name": "Legal Surname",
        "given_name": "Legal Forename",
        "class_name": "Reg Group",
    }
    _next_to_preview(qtbot, dialog)
    assert dialog.preview_step.summary.text() == "This import changes the details of 8 pupils."
    _apply(qtbot, dialog)
    assert _person(database, upn=upn(4)).class_name == "4 Rowan"
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        for n in (7, 8):
            pupil = _person(database, upn=upn(n))
            add_involvement(s, actor, incident.id, pupil.id, InvolvementRole.TARGET)

    # --- the spring CTF: Leavers and Changed (Imran moved house: the same person) -------
    dialog = _open(qtbot, window, sf.spring_ctf(tmp_path))
    _next_to_preview(qtbot, dialog)
    step = dialog.preview_step
    assert step.whole_school.isChecked()
    assert step.summary.text() == (
        "This import changes the details of 1 pupil and 1 parent or contact; marks 1 pupil "
        "and 2 parents and contacts as left. 15 people are unchanged."
    )
    assert step.tab_titles() == [
        "New people (0)",
        "Changed (2)",
        "Leavers (3)",
        "Family links (0)",
        "Suggestions (0)",
        "Refused rows (0)",
        "Warnings (0)",
        "Not in the file (0)",
    ]
    assert _rows(step.left) == [
        "Kacper Wiśniewski | Pupil |  | on 1 incident",
        "Agnieszka Wiśniewska | Parent/carer |  | ",
        "Tomasz Wiśniewski | Parent/carer |  | ",
    ]
    assert _rows(step.changed) == [
        "Мирослава Коваленко | Pupil | line 322 | ",
        "Imran Rahman | Parent/carer | line 237 | ",
    ]
    assert _children(step.changed.topLevelItem(0)) == ["Year group: Year 1 → Year 2"]
    assert _children(step.changed.topLevelItem(1)) == [
        "Address: Flat 3, 22 Mill Street, Bradford → 7 Canal Wharf, Shipley",
        "Postcode: BD1 4AB → BD18 3JR",
    ]
    imran_row = step.changed.topLevelItem(1)
    assert imran_row is not None
    # The change reads across the whole row, not cut short at the Name column.
    assert all(imran_row.child(i).isFirstColumnSpanned() for i in range(2))  # type: ignore[union-attr]
    step.show_tab(step.changed)
    dialog.grab().save("/tmp/i15real_spring_changed.png")
    step.show_tab(step.left)
    dialog.grab().save("/tmp/i15real_spring_leavers.png")
    step.show_tab(step.links)
    step.links.expandAll()
    dialog.grab().save("/tmp/i15real_spring_links.png")
    _apply(qtbot, dialog)
    kacper = _person(database, upn=upn(7))
    assert (kacper.left_on is not None, kacper.withdrawn_at) == (True, None)
    assert _person(database, given_name="Imran").postcode == "BD18 3JR"
    assert _person(database, upn=upn(6)).year_group == "2"

    # --- the spring contacts CSV: the class move and the court order ---------------------
    dialog = _open(qtbot, window, sf.spring_contacts_csv(tmp_path))
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    mapping = dialog.mapping_step
    assert dialog.pages.currentIndex() == MAPPING
    assert mapping.heading_for("upn") == "UPN"
    assert mapping.heading_for("family_name") == "Legal Surname"
    assert mapping.heading_for("class_name") == "Reg Group"
    assert mapping.heading_for("contact_relationship") == "Contact Relationship"
    assert mapping.heading_for("contact_parental_responsibility") == "Parental Responsibility"
    assert mapping.heading_for("contact_no_contact") == "Court Order"
    assert mapping.heading_for("date_of_birth") == ""
    assert mapping.sample_text("class_name") == "5 Oak, 5 Oak, 3 Ash"
    assert dialog.next.isEnabled()
    mapping.save_name.setText("SIMS contacts report")
    dialog.grab().save("/tmp/i15real_mapping.png")
    _next_to_preview(qtbot, dialog)
    step = dialog.preview_step
    assert not step.whole_school.isChecked()
    assert step.file.text() == (
        "spring-contacts.csv: a CSV export, read with the mapping “SIMS contacts report”"
    )
    assert step.summary.text() == (
        "This import changes the details of 1 pupil; changes 1 family link. 16 people are "
        "unchanged."
    )
    assert _rows(step.changed) == ["Yusuf Rahman | Pupil | row 8 | "]
    assert _children(step.changed.topLevelItem(0)) == ["Class: 4 Rowan → 4 Birch"]
    changed_links = step.links.topLevelItem(1)
    assert changed_links is not None and changed_links.text(0) == "Changed (1)"
    court = changed_links.child(0)
    assert court is not None
    assert [court.text(c) for c in range(4)] == [
        "Noah Bright-Adeyemi",
        "Daniel Bright",
        "No contact from now on (Prohibited steps order)",
        "on 1 incident",
    ]
    assert not court.icon(2).isNull()
    assert _rows(step.warnings) == [
        "Daniel Bright is to have no contact with Noah Bright-Adeyemi (Prohibited steps "
        "order): no letter about Noah Bright-Adeyemi will be offered to them."
    ]
    step.show_tab(step.changed)
    step.changed.expandAll()
    dialog.grab().save("/tmp/i15real_csv_changed.png")
    step.show_tab(step.links)
    step.links.expandAll()
    dialog.grab().save("/tmp/i15real_csv_links.png")
    _apply(qtbot, dialog)
    assert _person(database, upn=upn(4)).class_name == "4 Birch"
    daniel = _person(database, given_name="Daniel")
    with database.read(SYSTEM) as s:
        link = s.scalars(
            select(ParentChildLink).where(ParentChildLink.parent_id == daniel.id)
        ).one()
        assert (link.no_contact, link.no_contact_reason) == (
            True,
            f"Prohibited steps order (from the MIS import of {format_date(today_london())})",
        )
