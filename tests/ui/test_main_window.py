"""The main window shows the school and the size of the log."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.core.db import Database
from app.core.models import User
from app.core.services.school import SchoolDetails, save_settings
from app.ui.main_window import MainWindow
from tests.factories import make_incident


def test_window_shows_school_name_and_incident_count(
    qtbot: QtBot, database: Database, actor: User
) -> None:
    with database.write() as s:
        save_settings(s, actor, SchoolDetails(name="St Aidan's & St Zoë's C of E Primary"))
        make_incident(s, actor)
        make_incident(s, actor)
    window = MainWindow(database, actor.id)
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "Footprint — St Aidan's & St Zoë's C of E Primary"
    assert window.school_label.text() == "St Aidan's & St Zoë's C of E Primary"
    assert window.count_label.text() == "2 incidents in the log"


def test_an_empty_log_says_so(qtbot: QtBot, database: Database, actor: User) -> None:
    window = MainWindow(database, actor.id)
    qtbot.addWidget(window)
    assert window.windowTitle() == "Footprint"
    assert window.school_label.text() == "No school set up yet"
    assert window.count_label.text() == "0 incidents in the log"
