"""The roles as the window shows them: the DSL restricts an incident and names its case
manager, who then opens it (and sees who can); the chair of governors' window holds only
what they manage; exceptions are approved by the headteacher, or by a DSL the school
names as also the headteacher (Settings → Accounts); office staff pick people by name
without seeing their details."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QLabel, QMessageBox, QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from app.core.clock import set_clock
from app.core.db import Database
from app.core.models import User
from app.core.security import passwords
from app.core.services.accounts import create_first_account
from app.core.services.chronology import list_chronology
from app.core.services.contact_exceptions import ExceptionDetails, add_exception, list_exceptions
from app.core.services.school import SchoolDetails, save_settings
from app.core.services.terms import ensure_default_terms
from app.core.vocab import PersonKind, UserRole
from app.ui.accounts_page import AccountsPage
from app.ui.exceptions_page import ExceptionsPage
from app.ui.main_window import DASHBOARD, INCIDENTS, PEOPLE, REPORTS, SETTINGS, MainWindow
from app.ui.people.directory import PeoplePage
from tests.factories import make_account, make_incident, make_person

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def _row(tree: QTreeWidget, index: int = 0) -> QTreeWidgetItem:
    item = tree.topLevelItem(index)
    assert item is not None
    return item


@pytest.fixture(autouse=True)
def _cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    set_clock(lambda: NOW)
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture
def dsl(database: Database, actor: User) -> User:
    with database.write(actor) as s:
        dsl = create_first_account(s, "Ada Okafor", "aokafor", "river lantern orchard")
        save_settings(s, dsl, SchoolDetails(name="Kestrel Vale", headteacher_name="Ms Head"))
        ensure_default_terms(s, dsl)
        return dsl


def _window(qtbot: QtBot, database: Database, user: User, qsettings: QSettings) -> MainWindow:
    window = MainWindow(database, user.id, qsettings)
    qtbot.addWidget(window)
    return window


def test_the_dsl_names_the_case_manager_who_then_opens_the_incident(
    qtbot: QtBot, database: Database, dsl: User, qsettings: QSettings
) -> None:
    with database.write(dsl) as s:
        head = make_account(s, dsl, UserRole.HEADTEACHER, "head", "Ms Head")
        chair = make_account(s, dsl, UserRole.CHAIR_OF_GOVERNORS, "chair", "Mr Chair")
        incident = make_incident(s, dsl, summary="An allegation about a teacher's messages")
    window = _window(qtbot, database, dsl, qsettings)
    window.open_incident(incident.id)
    editor = window.editors[incident.id]
    form = editor.form
    assert form.dsl_only.isVisibleTo(editor) and not form.case_manager.isEnabled()
    assert "Not restricted" in form.access.text() and "Ms Head (Headteacher)" in form.access.text()
    form.dsl_only.setChecked(True)
    assert form.case_manager.isEnabled()
    names = [form.case_manager.itemText(i) for i in range(form.case_manager.count())]
    assert names == ["None named", "Ms Head (Headteacher)", "Mr Chair (Chair of governors)"]
    form.case_manager.setCurrentIndex(form.case_manager.findData(head.id))
    assert editor.save(), editor.message.text()
    assert "case manager, Ms Head (Headteacher)" in form.access.text()
    assert "Mr Chair" not in form.access.text()
    with database.read(dsl) as s:
        assert any("Case manager" in r.text for r in list_chronology(s, incident.id))
    editor.discard_and_close()
    window.close()

    # The headteacher, as case manager, opens it: no restriction controls, who can see it.
    head_window = _window(qtbot, database, head, qsettings)
    assert head_window.incidents is not None
    assert head_window.incidents.model.rowCount() == 1
    head_window.open_incident(incident.id)
    head_editor = head_window.editors[incident.id]
    assert not head_editor.form.dsl_only.isVisibleTo(head_editor)
    assert not head_editor.form.case_manager.isVisibleTo(head_editor)
    assert "case manager, Ms Head" in head_editor.form.access.text()
    assert not head_editor.is_dirty()  # the hidden case manager is kept as it was
    head_editor.discard_and_close()
    head_window.close()

    # The chair sees nothing of it, and only the sections a case manager needs.
    chair_window = _window(qtbot, database, chair, qsettings)
    shown = [i for i in range(chair_window.nav.count()) if not chair_window.nav.item(i).isHidden()]
    assert shown == [DASHBOARD, INCIDENTS, REPORTS]
    assert chair_window.incidents is not None
    assert chair_window.incidents.model.rowCount() == 0
    chair_window.close()


def test_unticking_restricted_clears_the_case_manager(
    qtbot: QtBot, database: Database, dsl: User, qsettings: QSettings
) -> None:
    with database.write(dsl) as s:
        chair = make_account(s, dsl, UserRole.CHAIR_OF_GOVERNORS, "chair", "Mr Chair")
        incident = make_incident(s, dsl, summary="About the headteacher")
    window = _window(qtbot, database, dsl, qsettings)
    window.open_incident(incident.id)
    editor = window.editors[incident.id]
    editor.form.dsl_only.setChecked(True)
    editor.form.case_manager.setCurrentIndex(editor.form.case_manager.findData(chair.id))
    assert editor.collect().case_manager_id == chair.id
    editor.form.dsl_only.setChecked(False)
    assert editor.collect().case_manager_id is None
    editor.discard_and_close()
    window.close()


def _declare(database: Database, dsl: User) -> None:
    with database.write(dsl) as s:
        pupil = make_person(s, dsl, kind=PersonKind.PUPIL, given_name="Aoife", year_group="5")
        aunt = make_person(s, dsl, kind=PersonKind.STAFF, given_name="Máire")
        add_exception(s, dsl, ExceptionDetails(pupil.id, aunt.id, "Aunt", NOW.date()))


def test_the_dsl_approves_only_once_named_as_also_the_headteacher(
    qtbot: QtBot,
    database: Database,
    dsl: User,
    qsettings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _declare(database, dsl)
    window = _window(qtbot, database, dsl, qsettings)
    register = window.exceptions
    assert isinstance(register, ExceptionsPage)
    assert not register.approve.isVisibleTo(register) and register.add.isVisibleTo(register)
    # Settings → Accounts: the DSL's account is named as also the headteacher.
    window.go(SETTINGS)  # built when first shown
    accounts = window.findChild(AccountsPage)
    assert accounts is not None
    accounts.tree.setCurrentItem(_row(accounts.tree))
    assert accounts.headteacher_button.isEnabled()
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *_a: QMessageBox.StandardButton.Yes)
    )
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *_a: None))
    accounts.toggle_headteacher()
    assert _row(accounts.tree).text(2) == "DSL, also the headteacher"
    assert register.approve.isVisibleTo(register)  # the register heard of the change
    prompts: list[str] = []

    def answer(_parent: object, _title: str, prompt: str, **_kw: object) -> tuple[str, bool]:
        prompts.append(prompt)
        return "01/09/2027", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    register.list.setCurrentItem(_row(register.list))
    register._approve()
    assert "You approve as the headteacher" in prompts[0]
    assert _row(register.list).text(6) == ("Ada Okafor (DSL and headteacher, a school setting)")
    with database.read(dsl) as s:
        assert list_exceptions(s)[0].approved_as_dsl_headteacher
    window.close()


def test_the_headteacher_approves_and_the_register_names_them(
    qtbot: QtBot,
    database: Database,
    dsl: User,
    qsettings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _declare(database, dsl)
    with database.write(dsl) as s:
        head = make_account(s, dsl, UserRole.HEADTEACHER, "head", "Ms Head")
    window = _window(qtbot, database, head, qsettings)
    register = window.exceptions
    assert isinstance(register, ExceptionsPage)
    assert register.approve.isVisibleTo(register) and not register.add.isVisibleTo(register)
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *_a, **_k: ("01/09/2027", True))
    )
    register.list.setCurrentItem(_row(register.list))
    register._approve()
    assert _row(register.list).text(6) == "Ms Head"
    window.close()


def _facts(page: PeoplePage) -> list[str]:
    """The texts on the person's page (labels and values)."""
    texts = []
    for i in range(page.facts.count()):
        item = page.facts.itemAt(i)
        widget = item.widget() if item is not None else None
        if isinstance(widget, QLabel):
            texts.append(widget.text())
    return texts


def test_office_staff_see_a_person_s_name_but_not_their_details(
    qtbot: QtBot, database: Database, dsl: User, qsettings: QSettings
) -> None:
    with database.write(dsl) as s:
        office = make_account(s, dsl, UserRole.OFFICE, "office", "Olu Office")
        parent = make_person(
            s,
            dsl,
            kind=PersonKind.PARENT,
            given_name="Pat",
            family_name="Okoro",
            address="1 Secret Road",
        )
    window = _window(qtbot, database, office, qsettings)
    window.go(PEOPLE)
    people = window.people
    assert isinstance(people, PeoplePage)
    people.show_person(parent.id)
    assert people.name.text() == "Pat Okoro"
    shown = _facts(people)
    assert PersonKind.PARENT.label in shown  # the kind, to tell people apart
    assert not any("Secret Road" in text for text in shown)
    assert not people.links.isVisibleTo(people)
    # The DSL sees the address.
    window.close()
    dsl_window = _window(qtbot, database, dsl, qsettings)
    assert isinstance(dsl_window.people, PeoplePage)
    dsl_window.people.show_person(parent.id)
    assert any("Secret Road" in text for text in _facts(dsl_window.people))
    dsl_window.close()
