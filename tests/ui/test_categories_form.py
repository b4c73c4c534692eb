"""The incident form's new categories: the DSL chooses the type of prejudice when
"prejudice-based" is ticked, and the Evidence tab takes no file for a nude or semi-nude
image. The database is checked after each save."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.models import Evidence, Incident
from app.core.vocab import Category, PrejudiceType
from app.ui.incidents.editor import IncidentEditor
from app.ui.main_window import MainWindow
from tests.ui.helpers import make_active, press, type_text

CTRL = Qt.KeyboardModifier.ControlModifier


def _click(qtbot: QtBot, editor: IncidentEditor, category: Category) -> Qt.CheckState:
    """Click the category's check box, as a DSL would; the state it is left in."""
    categories = editor.form.categories
    [item] = categories.findItems(category.label, Qt.MatchFlag.MatchExactly)
    categories.scrollToItem(item)
    rect = categories.visualItemRect(item)
    box = rect.topLeft() + QPoint(rect.height() // 2 + 2, rect.height() // 2)
    qtbot.mouseClick(categories.viewport(), Qt.MouseButton.LeftButton, pos=box)
    return item.checkState()


def _new_editor(qtbot: QtBot, window: MainWindow) -> IncidentEditor:
    press(window, Qt.Key.Key_N, CTRL)
    editor = window.editors[None]
    qtbot.waitExposed(editor)
    make_active(editor)
    type_text(editor.form.summary, "A comment under the Year 6 video mocked a pupil's faith.")
    return editor


def _stored(database: Database) -> list[tuple[PrejudiceType | None, set[Category]]]:
    with database.read(SYSTEM) as s:
        return [(i.prejudice_type, i.category_set) for i in s.scalars(select(Incident))]


def test_the_dsl_chooses_the_type_of_prejudice(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    editor = _new_editor(qtbot, window)
    form = editor.form
    assert not form.prejudice_type.isEnabled()  # asked for only with the category
    assert _click(qtbot, editor, Category.BULLYING) == Qt.CheckState.Checked
    assert not form.prejudice_type.isEnabled()
    assert _click(qtbot, editor, Category.PREJUDICE_BASED) == Qt.CheckState.Checked
    assert form.prejudice_type.isEnabled()

    # Saved without a type: the message sits beside the field, nothing is stored.
    press(editor, Qt.Key.Key_S, CTRL)
    assert form.errors.message_for("prejudice_type").startswith("Choose the type of prejudice")
    assert _stored(database) == []

    form.prejudice_type.setFocus()
    qtbot.keyClicks(form.prejudice_type, "Religious")
    assert form.prejudice_type.value() is PrejudiceType.RELIGIOUS
    press(editor, Qt.Key.Key_S, CTRL)
    assert editor.message.text().startswith("Saved"), editor.message.text()
    assert _stored(database) == [
        (PrejudiceType.RELIGIOUS, {Category.BULLYING, Category.PREJUDICE_BASED})
    ]

    # Unticking the category clears the type and puts the field away.
    assert _click(qtbot, editor, Category.PREJUDICE_BASED) == Qt.CheckState.Unchecked
    assert not form.prejudice_type.isEnabled()
    assert form.prejudice_type.value() is None
    press(editor, Qt.Key.Key_S, CTRL)
    assert editor.message.text().startswith("Saved"), editor.message.text()
    assert _stored(database) == [(None, {Category.BULLYING})]


def test_a_reopened_incident_shows_its_type(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    editor = _new_editor(qtbot, window)
    _click(qtbot, editor, Category.PREJUDICE_BASED)
    editor.form.prejudice_type.set_value(PrejudiceType.DISABILITY)
    press(editor, Qt.Key.Key_S, CTRL)
    assert editor.message.text().startswith("Saved"), editor.message.text()
    with database.read(SYSTEM) as s:
        incident_id = s.scalars(select(Incident.id)).one()
    editor.discard_and_close()
    window.open_incident(incident_id)
    reopened = window.editors[incident_id]
    qtbot.waitExposed(reopened)
    assert reopened.form.prejudice_type.isEnabled()
    assert reopened.form.prejudice_type.value() is PrejudiceType.DISABILITY
    assert not reopened.is_dirty()


def test_who_told_the_parent_is_asked_once_they_were_told(qtbot: QtBot, window: MainWindow) -> None:
    form = _new_editor(qtbot, window).form
    assert not form.parent_informed_by.isEnabled()
    form.parent_informed.set_value(True)
    assert form.parent_informed_by.isEnabled()
    form.parent_informed.set_value(False)
    assert not form.parent_informed_by.isEnabled()


def test_no_image_can_be_added_to_a_nude_image_incident(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    editor = _new_editor(qtbot, window)
    assert _click(qtbot, editor, Category.NUDE_IMAGE) == Qt.CheckState.Checked
    editor.tabs.setCurrentWidget(editor.evidence)
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("darkorange"))
    QApplication.clipboard().setImage(image)
    qtbot.mouseClick(editor.evidence.paste, Qt.MouseButton.LeftButton)
    assert editor.evidence.list.topLevelItemCount() == 0
    assert "never stored" in editor.evidence.error.text()
    assert "UKCIS" in editor.evidence.error.text()
    # Unticked (ticked in error), a screenshot is taken as usual.
    assert _click(qtbot, editor, Category.NUDE_IMAGE) == Qt.CheckState.Unchecked
    qtbot.mouseClick(editor.evidence.paste, Qt.MouseButton.LeftButton)
    assert editor.evidence.list.topLevelItemCount() == 1
    with database.read(SYSTEM) as s:
        assert s.scalar(select(func.count(Evidence.id))) == 0  # nothing before Save
