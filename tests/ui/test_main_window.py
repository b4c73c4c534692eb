"""The main window: title, status bar, navigation, shortcuts, remembered layout."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.core.db import Database
from app.core.models import User
from app.core.services.school import SchoolDetails, save_settings
from app.ui.main_window import EXCEPTIONS, INCIDENTS, PEOPLE, MainWindow
from tests.factories import make_incident


def test_title_and_status_show_school_and_count(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="St Aidan's & St Zoë's C of E Primary"))
        make_incident(s, actor)
        make_incident(s, actor)
    window = MainWindow(database, actor.id, qsettings)
    qtbot.addWidget(window)
    assert window.windowTitle() == "Footprint — St Aidan's & St Zoë's C of E Primary"
    # Counted once the window is up (the count of the whole log waits for it).
    qtbot.waitUntil(lambda: window.status_count.text() == "2 incidents in the log")
    assert window.status_user.text() == "Signed in as DSL (DSL)"


def test_navigation_by_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentIndex() == PEOPLE
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentIndex() == EXCEPTIONS
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentIndex() == INCIDENTS
    assert window.incident_view.search.hasFocus()


def test_size_and_column_widths_are_remembered(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    first = MainWindow(database, actor.id, qsettings)
    qtbot.addWidget(first)
    first.resize(760, 540)
    first.incident_view.table.setColumnWidth(3, 321)
    first.close()
    second = MainWindow(database, actor.id, qsettings)
    qtbot.addWidget(second)
    assert (second.size().width(), second.size().height()) == (760, 540)
    assert second.incident_view.table.columnWidth(3) == 321
