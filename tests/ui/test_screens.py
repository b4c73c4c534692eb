"""The other screens as a DSL uses them: dashboard figures, first run, people, register."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QInputDialog, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.core.db import Database
from app.core.models import ContactException, ParentChildLink, Person, User
from app.core.services.school import find_settings
from app.core.vocab import IncidentOutcome, IncidentStatus, PersonKind
from app.ui.context import AppContext
from app.ui.exceptions_page import ExceptionDialog
from app.ui.first_run import FirstRunDialog
from app.ui.main_window import EXCEPTIONS, INCIDENTS, MainWindow
from app.ui.people.person_dialog import PersonDialog
from app.ui.people.picker import PersonPicker
from app.ui.widgets.field_errors import error_label
from tests.factories import make_incident, make_person
from tests.ui.helpers import type_text, when_modal


def test_each_dashboard_figure_opens_its_list(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    with database.write(actor) as s:
        make_incident(s, actor, safeguarding_concern=True)
        make_incident(s, actor, status=IncidentStatus.IN_PROGRESS)
        make_incident(
            s,
            actor,
            status=IncidentStatus.CLOSED,
            outcome=IncidentOutcome.NO_ACTION_NEEDED,
            outcome_rationale="Praise.",
        )
    window = MainWindow(database, actor.id, qsettings)
    qtbot.addWidget(window)
    board = window.dashboard
    assert board is not None
    assert board.open_total.text().startswith("2\n")
    assert board.safeguarding.text().startswith("1\n")
    cases = [
        (board.open_total, "2 incidents"),
        (board.safeguarding, "1 incident"),
        (board.by_status[IncidentStatus.IN_PROGRESS], "1 incident"),
        (board.overdue, "0 incidents"),
    ]
    for button, shown in cases:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert window.stack.currentIndex() == INCIDENTS
        assert window.incident_view.count.text() == shown, button.caption
    qtbot.mouseClick(board.reviews, Qt.MouseButton.LeftButton)
    assert window.stack.currentIndex() == EXCEPTIONS


def test_first_run_sets_up_the_school(qtbot: QtBot, database: Database, actor: User) -> None:
    dialog = FirstRunDialog(AppContext(database, actor.id))
    qtbot.addWidget(dialog)
    # The new school is told where its log is kept (to protect it and back it up).
    assert database.engine.url.database
    assert str(Path(database.engine.url.database)) in dialog.location.text()
    qtbot.mouseClick(dialog.form.save_button, Qt.MouseButton.LeftButton)
    assert dialog.form.errors.message_for("name") == "The school's name is required."
    type_text(dialog.form.name, "Ysgol Gymraeg Llanfair & St Zoë's")
    qtbot.keyClicks(dialog.form.headteacher_name, "Mrs S. O'Neill")
    qtbot.mouseClick(dialog.form.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted
    with database.read(actor) as s:
        settings = find_settings(s)
        assert settings is not None and settings.name == "Ysgol Gymraeg Llanfair & St Zoë's"


def test_first_run_can_load_the_demo_school(qtbot: QtBot, database: Database, actor: User) -> None:
    dialog = FirstRunDialog(AppContext(database, actor.id))
    qtbot.addWidget(dialog)

    def yes(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(yes, kind=QMessageBox)
    qtbot.mouseClick(dialog.demo, Qt.MouseButton.LeftButton)
    assert dialog.demo_loaded
    with database.read(actor) as s:
        assert (s.scalar(select(func.count(Person.id))) or 0) > 700


def test_people_add_a_pupil_and_link_a_parent(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        make_person(s, actor, given_name="Ngozi", family_name="Okafor")
    page = window.people
    assert page is not None

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, PersonDialog)
        dialog.kind.set_value(PersonKind.PUPIL)
        type_text(dialog.given_name, "Zoë")
        qtbot.keyClicks(dialog.family_name, "Okafor")
        dialog.year_group.setCurrentIndex(dialog.year_group.findData("3"))
        qtbot.keyClicks(dialog.class_name, "3 Oak")
        dialog.save()

    when_modal(fill, kind=PersonDialog)
    qtbot.mouseClick(page.add, Qt.MouseButton.LeftButton)
    assert page.name.text() == "Zoë Okafor"

    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, PersonPicker)
        qtbot.keyClicks(dialog.search, "ngozi")
        dialog.refresh()
        when_modal(relationship, kind=QInputDialog)
        dialog.accept()

    def relationship(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("Mother")
        dialog.accept()

    when_modal(choose, kind=PersonPicker)
    qtbot.mouseClick(page.add_link, Qt.MouseButton.LeftButton)
    link = page.links.topLevelItem(0)
    assert link is not None
    assert link.text(0) == "Ngozi Okafor"
    assert link.text(1) == "Mother"
    with database.read(actor) as s:
        assert s.scalar(select(func.count(ParentChildLink.id))) == 1
        pupil = s.scalars(select(Person).where(Person.given_name == "Zoë")).one()
        assert (pupil.year_group, pupil.class_name) == ("3", "3 Oak")
    type_text(page.search, "zoe")
    qtbot.waitUntil(lambda: page.list.topLevelItemCount() == 1, timeout=2000)


def test_declare_a_link_in_the_register(qtbot: QtBot, database: Database, actor: User) -> None:
    with database.write(actor) as s:
        pupil = make_person(s, actor, kind=PersonKind.PUPIL, given_name="Aoife", year_group="5")
        aunt = make_person(s, actor, kind=PersonKind.STAFF, given_name="Máire")
        ids = pupil.id, aunt.id
    dialog = ExceptionDialog(AppContext(database, actor.id))
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.errors.message_for("pupil") == "Choose the pupil."
    dialog.pupil_id, dialog.adult_id = ids
    dialog.save()
    assert dialog.errors.message_for("relationship_label") == "The relationship is required."
    qtbot.keyClicks(dialog.relationship, "Aunt")
    dialog.declared_on.set_value(date(2026, 9, 3))
    dialog.save()
    with database.read(actor) as s:
        entry = s.scalars(select(ContactException)).one()
        assert (entry.pupil_id, entry.adult_id, entry.relationship_label) == (*ids, "Aunt")


def test_confirmations_are_not_shown_in_the_colour_of_refusals(qtbot: QtBot) -> None:
    label = error_label()
    qtbot.addWidget(label)
    plain = QLabel().palette().color(QPalette.ColorRole.WindowText)

    def colour() -> QColor:
        return label.palette().color(QPalette.ColorRole.WindowText)

    label.setText("The summary is required.")
    red = colour()
    assert red != plain and red.red() > red.green()
    label.say_done("Saved SM-2026-0001.")
    assert not label.isHidden()
    assert colour() == plain
    label.setText("Not saved: the log is busy.")  # a refusal after a confirmation is red again
    assert colour() == red
