"""UI test helpers: layout memory goes to a throwaway settings file, never the user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from pytestqt.qtbot import QtBot

from app.core.db import Database
from app.core.models import User
from app.ui.incidents.editor import IncidentEditor
from app.ui.main_window import MainWindow


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "footprint.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> Iterator[MainWindow]:
    main = MainWindow(database, actor.id, qsettings)
    qtbot.addWidget(main, before_close_func=discard_open_editors)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    yield main
    # Before the test's database goes: a timer still pending (a commentary check, a
    # search) must not fire into the next test's event loop against a dropped database.
    for timer in main.findChildren(QTimer):
        timer.stop()


def discard_open_editors(main: MainWindow) -> None:
    """A failed test may leave an editor with unsaved changes: close it without the
    prompt, which would otherwise wait for an answer for ever."""
    for editor in main.findChildren(IncidentEditor):
        editor.discard_and_close()
