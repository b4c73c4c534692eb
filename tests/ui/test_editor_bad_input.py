"""Bad input in the editor: a clear message beside the field; the form keeps everything;
the database is unchanged. Closing with unsaved changes asks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.clock import utc_now
from app.core.db import Database
from app.core.models import ChronologyEntry, Evidence, Incident, User
from app.core.vocab import Category
from app.ui.incidents.editor import IncidentEditor
from app.ui.main_window import MainWindow
from tests.ui.helpers import press, type_text, when_modal

CTRL = Qt.KeyboardModifier.ControlModifier


def _new_editor(qtbot: QtBot, window: MainWindow) -> IncidentEditor:
    press(window, Qt.Key.Key_N, CTRL)
    editor = window.editors[None]
    qtbot.waitExposed(editor)
    type_text(editor.form.summary, "Zoë's mum posted about the trip & the <coach> company.")
    editor.form.set_categories(frozenset({Category.COMPLAINT_SHARED}))
    return editor


def _stored(database: Database) -> tuple[int, int, int]:
    with database.read(SYSTEM) as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count(m.id))) or 0)
            for m in (Incident, Evidence, ChronologyEntry)
        )


def test_seen_before_posted_is_shown_beside_the_date(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    editor = _new_editor(qtbot, window)
    editor.form.seen_at.set_value(utc_now() - timedelta(days=2))
    editor.form.happened_at.set_value(utc_now() - timedelta(days=1))
    press(editor, Qt.Key.Key_S, CTRL)
    assert editor.form.errors.message_for("seen_at") == (
        "The post can't have been seen before it was made."
    )
    assert editor.form.seen_at.edit.accessibleDescription().startswith("The post can't")
    assert _stored(database) == (0, 0, 0)
    assert "<coach>" in editor.form.summary.toPlainText()  # the form kept what was typed
    assert editor.windowTitle().startswith("New incident")


def test_a_link_that_is_not_a_web_address(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    editor = _new_editor(qtbot, window)
    qtbot.keyClicks(editor.form.url, "ftp://files.example.org/post")
    press(editor, Qt.Key.Key_S, CTRL)
    assert "http:// or https://" in editor.form.errors.message_for("url")
    assert editor.tabs.currentWidget() is editor.form
    assert editor.form.url.hasFocus()
    assert editor.form.url.text() == "ftp://files.example.org/post"
    assert _stored(database) == (0, 0, 0)


def test_a_20_mb_file_that_is_not_evidence(
    qtbot: QtBot, window: MainWindow, database: Database, tmp_path: Path
) -> None:
    editor = _new_editor(qtbot, window)
    big = tmp_path / "holiday-video.png"
    with big.open("wb") as out:
        out.truncate(20 * 1024 * 1024)
    editor.tabs.setCurrentWidget(editor.evidence)
    assert not editor.evidence.add_path(big)
    assert "20.0 MB" in editor.evidence.error.text()
    assert "at most 10 MB" in editor.evidence.error.text()
    small = tmp_path / "notes.png"
    small.write_text("not a picture at all")
    assert not editor.evidence.add_path(small)
    assert "not a picture" in editor.evidence.error.text()
    assert editor.evidence.list.topLevelItemCount() == 0
    assert not editor.pending.evidence
    assert _stored(database) == (0, 0, 0)
    press(editor, Qt.Key.Key_S, CTRL)  # the rest of the form still saves
    assert _stored(database)[0] == 1


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_form(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    editor = _new_editor(qtbot, window)

    def cancel(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        assert "not saved" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()

    when_modal(cancel, kind=QMessageBox)
    press(editor, Qt.Key.Key_Escape)
    assert editor.isVisible()
    assert "<coach>" in editor.form.summary.toPlainText()

    def discard(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Discard).click()

    when_modal(discard, kind=QMessageBox)
    press(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: None not in window.editors)
    assert _stored(database) == (0, 0, 0)


def test_a_dropped_screenshot_is_staged_and_a_withdrawal_keeps_the_record(
    qtbot: QtBot, window: MainWindow, database: Database, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QColor, QDropEvent, QImage
    from PySide6.QtWidgets import QInputDialog

    editor = _new_editor(qtbot, window)
    shot = tmp_path / "Screenshot 2026-11-20.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    image.save(str(shot))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(shot))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    editor.evidence.dropEvent(drop)
    shown = editor.evidence.list.topLevelItem(0)
    assert shown is not None and shown.text(0) == "Screenshot 2026-11-20.png"
    press(editor, Qt.Key.Key_S, CTRL)
    assert _stored(database)[:2] == (1, 1)

    def reason(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("Recorded twice")
        dialog.accept()

    when_modal(reason, kind=QInputDialog)
    qtbot.mouseClick(editor.withdraw_button, Qt.MouseButton.LeftButton)
    assert editor.banner.isVisible() and not editor.save_button.isEnabled()
    with database.read(SYSTEM) as s:
        incident = s.scalars(select(Incident)).one()
        assert incident.withdrawn_reason == "Recorded twice"


def test_withdrawing_with_unsaved_changes_asks_first_and_does_not_crash(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from app.core.services.incident_form import NewInvolvement
    from app.core.vocab import InvolvementRole
    from tests.factories import make_incident, make_person

    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
        person_id = make_person(s, actor).id
    window.open_incident(incident_id)
    editor = window.editors[incident_id]
    editor.pending.involvements.append(NewInvolvement(person_id, InvolvementRole.WITNESS))
    editor.people._staged_names.append(("Siobhán O'Neill", "Parent/carer"))

    def discard(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        when_modal(reason, kind=QInputDialog)
        box.button(QMessageBox.StandardButton.Discard).click()

    def reason(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("Recorded twice")
        dialog.accept()

    when_modal(discard, kind=QMessageBox)
    qtbot.mouseClick(editor.withdraw_button, Qt.MouseButton.LeftButton)
    assert editor.banner.isVisible() and not editor.save_button.isEnabled()
    assert editor.people.list.topLevelItemCount() == 0
    with database.read(actor) as s:
        assert s.get(Incident, incident_id).withdrawn_reason == "Recorded twice"  # type: ignore[union-attr]
