"""Accounts as people meet them: creating the DSL's account, signing in (a wrong password,
a forced change), the idle lock with a half-filled form surviving, Ctrl+L, and a window
that shows each role only what it may use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.core.actors import SYSTEM
from app.core.clock import set_clock
from app.core.db import Database
from app.core.models import AuditEntry, Incident, User
from app.core.services.accounts import add_account, create_first_account, needs_first_account
from app.core.services.school import SchoolDetails, save_settings
from app.core.services.terms import ensure_default_terms
from app.core.vocab import UserRole
from app.ui.accounts import AccountSetupDialog, ChangePasswordDialog, SignInDialog
from app.ui.idle_lock import Blind, LockDialog
from app.ui.main_window import LETTERS, REPORTS, RETENTION, SETTINGS, SUBJECT_ACCESS, MainWindow
from tests.factories import make_incident
from tests.ui.helpers import press, type_text, when_modal

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
GOOD = "river lantern orchard"


@pytest.fixture(autouse=True)
def _clock() -> None:
    set_clock(lambda: NOW)


def _unlock(dialog: LockDialog) -> None:
    dialog.password.setText(GOOD)
    dialog.try_unlock()


def test_the_dsl_creates_the_first_account(qtbot: QtBot, database: Database) -> None:
    dialog = AccountSetupDialog(database)
    qtbot.addWidget(dialog)
    type_text(dialog.name, "Ada Okafor")
    type_text(dialog.username, "aokafor")
    type_text(dialog.password, "short")
    type_text(dialog.confirm, "short")
    dialog.create_account()
    assert "at least 10 characters" in dialog.errors.message_for("password")
    dialog.password.setText(GOOD)
    dialog.confirm.setText(GOOD + "x")
    dialog.create_account()
    assert "different" in dialog.errors.message_for("confirm")
    assert dialog.name.text() == "Ada Okafor"  # what was typed stays
    dialog.confirm.setText(GOOD)
    dialog.create_account()
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.user_id is not None
    with database.read(SYSTEM) as s:
        assert not needs_first_account(s)


def test_signing_in_with_a_wrong_then_a_temporary_password(
    qtbot: QtBot, database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        dsl = create_first_account(s, "Ada Okafor", "aokafor", GOOD)
        add_account(s, dsl, "Olu Office", "olu", UserRole.OFFICE, "temporary harbour 42")
    dialog = SignInDialog(database)
    qtbot.addWidget(dialog)
    type_text(dialog.username, "olu")
    type_text(dialog.password, "wrong password")
    dialog.sign_in()
    assert "don't match an account" in dialog.message.text() and dialog.password.text() == ""

    def choose_own(change: QWidget) -> None:
        assert isinstance(change, ChangePasswordDialog)
        change.new.setText("my own quiet meadow")
        change.confirm.setText("my own quiet meadow")
        change.change()

    when_modal(choose_own, kind=ChangePasswordDialog)
    dialog.password.setText("temporary harbour 42")
    dialog.sign_in()
    assert dialog.user_id is not None
    with database.read(actor) as s:
        user = s.get(User, dialog.user_id)
        assert user is not None and not user.must_change_password


def test_the_idle_lock_keeps_a_half_filled_form(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    with database.write(actor) as s:
        create_first_account(s, "Ada Okafor", "aokafor", GOOD)
    window = MainWindow(database, actor.id, qsettings)
    qtbot.addWidget(window)
    window.show()
    window.new_incident()
    editor = window.editors[None]
    editor.form.summary.setPlainText("Half-typed summary about a post")
    assert not window.idle.check(NOW + timedelta(minutes=9))
    seen: list[bool] = []

    def unlock(dialog: QWidget) -> None:
        assert isinstance(dialog, LockDialog)
        covered = [
            any(isinstance(child, Blind) and child.isVisible() for child in w.children())
            for w in (window, editor)
        ]
        seen.append(all(covered))
        dialog.password.setText("not it")
        dialog.try_unlock()
        assert "isn't right" in dialog.message.text()
        dialog.password.setText(GOOD)
        dialog.try_unlock()

    when_modal(unlock, kind=LockDialog)
    set_clock(lambda: NOW + timedelta(minutes=11))
    assert window.idle.check()  # ten minutes without input: locked, then unlocked above
    assert seen == [True]  # every window was covered while locked
    assert window.isVisible() and editor.isVisible()
    assert editor.form.summary.toPlainText() == "Half-typed summary about a post"

    when_modal(_unlock, kind=LockDialog)
    press(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not window.locked and editor.form.summary.toPlainText().startswith("Half-typed")
    editor.discard_and_close()


def test_each_role_sees_only_its_sections(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    with database.write(actor) as s:
        dsl = create_first_account(s, "Ada Okafor", "aokafor", GOOD)
        governor = add_account(
            s, dsl, "Gail Governor", "gail", UserRole.GOVERNOR, "temporary harbour 42"
        )
        office = add_account(s, dsl, "Olu Office", "olu", UserRole.OFFICE, "temporary harbour 42")
        make_incident(s, dsl, summary="Recorded by the DSL")
        save_settings(s, dsl, SchoolDetails(name="Kestrel Vale"))
        ensure_default_terms(s, dsl)
    for user, visible in [
        (governor, [REPORTS]),
        (office, [0, 1, 2]),
        (dsl, [0, 1, 2, 3, LETTERS, REPORTS, SUBJECT_ACCESS, SETTINGS, RETENTION]),
    ]:
        window = MainWindow(database, user.id, qsettings)
        qtbot.addWidget(window)
        shown = [i for i in range(window.nav.count()) if not window.nav.item(i).isHidden()]
        assert shown == visible, user.username
        if user is governor:  # the report, made by the governor; the commentary is the DSL's
            assert window.reports is not None and window.reports.commentary.isReadOnly()
            window.reports.make_preview()
            assert not window.reports.message.isVisible(), window.reports.message.text()
            assert len(window.reports.preview.page_labels) >= 3
        window.close()
    # Opening an incident is a look on the audit trail.
    window = MainWindow(database, dsl.id, qsettings)
    qtbot.addWidget(window)
    window.open_incident(1)
    with database.read(actor) as s:
        read = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (read.action, read.table_name, read.record_id, read.user_id) == (
        "read",
        "incident",
        1,
        dsl.id,
    )
    window.editors[1].discard_and_close()


def test_office_staff_record_an_incident_and_then_only_read_it(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    with database.write(actor) as s:
        dsl = create_first_account(s, "Ada Okafor", "aokafor", GOOD)
        office = add_account(s, dsl, "Olu Office", "olu", UserRole.OFFICE, "temporary harbour 42")
        make_incident(s, dsl, summary="The DSL's own incident")
    window = MainWindow(database, office.id, qsettings)
    qtbot.addWidget(window)
    window.show()
    assert window.incidents is not None and window.incidents.model.rowCount() == 0
    window.new_incident()
    editor = window.editors[None]
    assert not editor.form.dsl_only.isVisibleTo(editor)
    assert editor.tabs.isTabVisible(editor.tabs.indexOf(editor.casework)) is False
    editor.form.summary.setPlainText("A parent's post about the school trip, seen on Facebook.")
    editor.form.categories.item(0).setCheckState(Qt.CheckState.Checked)
    assert editor.save(), editor.message.text()
    assert not editor.form.isEnabled() and not editor.save_button.isVisible()
    with database.read(actor) as s:
        mine = s.scalars(select(Incident).where(Incident.created_by_id == office.id)).one()
    assert mine.summary.startswith("A parent's post")
    window.incidents.refresh()
    assert window.incidents.model.rowCount() == 1  # theirs only
    editor.close()


def test_locking_keeps_an_open_dialog_and_what_was_typed_in_it(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    from PySide6.QtWidgets import QInputDialog

    with database.write(actor) as s:
        create_first_account(s, "Ada Okafor", "aokafor", GOOD)
    window = MainWindow(database, actor.id, qsettings)
    qtbot.addWidget(window)
    window.show()
    results: list[tuple[int, str]] = []

    def type_then_lock(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("A half-typed reason")
        when_modal(_unlock, kind=LockDialog)
        window.lock()
        results.append((dialog.isVisible(), dialog.textValue()))
        dialog.accept()

    when_modal(type_then_lock, kind=QInputDialog)
    box = QInputDialog(window)
    box.setLabelText("Why?")
    code = box.exec()
    assert results == [(True, "A half-typed reason")] and code == 1


def test_a_switched_out_window_no_longer_locks(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    with database.write(actor) as s:
        dsl = create_first_account(s, "Ada Okafor", "aokafor", GOOD)
        add_account(s, dsl, "Olu Office", "olu", UserRole.OFFICE, "temporary harbour 42")
    window = MainWindow(database, actor.id, qsettings)
    qtbot.addWidget(window)
    window.show()

    def sign_in_as_office(dialog: QWidget) -> None:
        assert isinstance(dialog, SignInDialog)
        dialog.username.setText("olu")
        dialog.password.setText("temporary harbour 42")

        def change_password(change: ChangePasswordDialog) -> None:
            change.new.setText("my own quiet meadow")
            change.confirm.setText("my own quiet meadow")
            change.change()

        when_modal(change_password, kind=ChangePasswordDialog)
        dialog.sign_in()

    when_modal(sign_in_as_office, kind=SignInDialog)
    window.switch_user()
    replacement = window.replacement
    assert replacement is not None and replacement.context.role is UserRole.OFFICE
    qtbot.addWidget(replacement)
    assert not window.idle.timer.isActive()
    assert window.idle.check(NOW + timedelta(hours=1)) is False  # it never fires again


def test_typing_holds_the_idle_lock_off(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    window = MainWindow(database, actor.id, qsettings)
    qtbot.addWidget(window)
    window.show()
    set_clock(lambda: NOW + timedelta(minutes=9))
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)  # someone is working
    assert window.idle.last_input == NOW + timedelta(minutes=9)
    assert not window.idle.check(NOW + timedelta(minutes=15))  # six minutes since the key
