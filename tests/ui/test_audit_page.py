"""Settings → Audit: the DSL checks the trail, with a checkpoint from a governors' report
typed in; a wrong or garbled checkpoint is said plainly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton
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


def test_the_check_runs_in_the_background_with_its_progress_and_can_be_stopped(
    qtbot: QtBot, database: Database, actor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long trail takes a while: the DSL sees the bar move and may stop the check, and
    the page then says it was stopped (nothing is reported either way)."""
    import importlib
    import time

    verify_module = importlib.import_module("app.core.audit.verify")  # the module

    with database.write(actor) as s:
        for _ in range(3):
            make_incident(s, actor)
    # A chunk of one entry at a time, each taking a moment, so Cancel comes mid-check.
    monkeypatch.setattr(verify_module, "CHAIN_CHUNK", 1)
    step = verify_module._Run.step

    def slow_step(run: object, amount: int) -> None:
        time.sleep(0.02)
        step(run, amount)

    monkeypatch.setattr(verify_module._Run, "step", slow_step)
    page = _page(qtbot, database, actor)
    seen: list[str] = []

    def cancel(progress: QProgressDialog) -> None:
        qtbot.waitUntil(lambda: progress.value() > 0, timeout=5000)  # the bar moves
        seen.append(progress.labelText())
        button = next(b for b in progress.findChildren(QPushButton) if b.text() == "Cancel")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    when_modal(cancel, kind=QProgressDialog)
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert seen == ["Checking the audit trail…"]
    assert page.result.text() == "The check was stopped before it finished."
    assert page.problems.isHidden()

    # Let to run, the same check finishes and says what it found.
    monkeypatch.setattr(verify_module._Run, "step", step)
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert page.result.text().startswith("The trail is intact")
