"""Settings → Audit: the DSL checks the trail, with a checkpoint from a governors' report
typed in; a wrong or garbled checkpoint is said plainly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from app.core import audit
from app.core.db import Database
from app.core.models import User
from app.ui.audit_page import AuditPage
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from tests.factories import make_incident
from tests.ui.helpers import when_modal


def _page(qtbot: QtBot, database: Database, actor: User) -> AuditPage:
    page = AuditPage(AppContext(database, actor.id))
    qtbot.addWidget(page)
    page.show()
    return page


def _check(qtbot: QtBot, page: AuditPage, typed: str) -> None:
    page.checkpoint.clear()
    qtbot.keyClicks(page.checkpoint, typed)
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)


def test_a_checkpoint_typed_in_is_proved_or_refuted(
    qtbot: QtBot, database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        make_incident(s, actor)
    with database.read(actor) as s:
        printed = audit.current_checkpoint(s)
    assert printed is not None
    page = _page(qtbot, database, actor)

    _check(qtbot, page, str(printed).upper())
    assert page.result.text().startswith("The trail is intact")
    assert f"It still holds checkpoint {printed}." in page.result.text()
    assert page.problems.isHidden()

    _check(qtbot, page, f"{printed.entry_id}:{'a' * 16}")
    assert page.result.text().startswith("The trail is NOT intact")
    assert "the trail was rewritten at or before it" in page.problems.text()
    assert page.problems.is_error and not page.problems.isHidden()

    _check(qtbot, page, "yesterday's")
    assert "A checkpoint is the entry number" in page.problems.text()


def test_an_incident_whose_look_cannot_be_recorded_is_not_opened(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
    if database.engine.dialect.name != "sqlite":
        pytest.skip("the refusing trigger below is SQLite's")
    with database.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
            )
        )
    said: list[str] = []

    def read_and_close(box: QMessageBox) -> None:
        said.append(box.text())
        box.accept()

    when_modal(read_and_close, kind=QMessageBox)
    window.open_incident(incident.id)
    assert incident.id not in window.editors
    assert said and said[0].startswith("This can't be shown: the audit trail could not record")
