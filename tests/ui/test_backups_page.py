"""Settings → Backups, as the DSL uses it: back up now, check a backup, restore one
(after confirming; the window then closes), and the dashboard's warning after a week
without a backup."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.backups import backup_folder, create_backup, list_backups
from app.core.clock import utc_now
from app.core.db import Database
from app.core.models import AuditEntry, Incident, User
from app.ui.backups_page import BackupsPage
from app.ui.context import AppContext
from app.ui.dashboard_page import DashboardPage
from tests.factories import make_incident
from tests.ui.helpers import when_modal


@pytest.fixture
def log_file(database: Database) -> Path:
    if database.file is None:
        pytest.skip("backups are for a SQLite log")
    return database.file


def test_back_up_check_and_restore_from_the_window(
    qtbot: QtBot, database: Database, actor: User, log_file: Path
) -> None:
    with database.write(actor) as s:
        make_incident(s, actor, summary="Before the backup")
    page = BackupsPage(AppContext(database, actor.id))
    qtbot.addWidget(page)
    page.show()
    assert "There is no backup of this log yet." in page.last.text()

    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    assert page.tree.topLevelItemCount() == 1
    assert page.message.text().startswith("Backed up and checked") and not page.message.is_error
    assert "(today)" in page.last.text()
    with database.read(actor) as s:
        newest = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (newest.action, newest.table_name, newest.user_id) == ("backup", "log", actor.id)

    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert "is sound" in page.message.text()

    with database.write(actor) as s:
        make_incident(s, actor, summary="After the backup")
    said: list[str] = []

    def close(done: QMessageBox) -> None:
        said.append(done.windowTitle())
        done.accept()

    def confirm(box: QMessageBox) -> None:
        said.append(box.windowTitle())
        when_modal(close, kind=QMessageBox, tries=3000)  # after the restore (a few seconds)
        box.button(QMessageBox.StandardButton.Yes).click()

    with qtbot.waitSignal(page.restored, timeout=10_000, raising=False) as restored:
        when_modal(confirm, kind=QMessageBox)
        page.restore_button.click()
    assert restored.signal_triggered, (said, page.message.text())
    assert said == ["Restore this backup?", "Restored"]
    with database.read(SYSTEM) as s:
        assert s.scalar(select(func.count(Incident.id))) == 1  # back to the backup
        newest = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert newest.action == "restore"
    assert len(list_backups(backup_folder(log_file))) == 2  # the state it replaced, kept


def test_restoring_needs_a_yes(
    qtbot: QtBot, database: Database, actor: User, log_file: Path
) -> None:
    create_backup(log_file)
    page = BackupsPage(AppContext(database, actor.id))
    qtbot.addWidget(page)
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Cancel).click(), kind=QMessageBox)
    with qtbot.assertNotEmitted(page.restored):
        page.restore_button.click()


def test_the_dashboard_warns_after_a_week_without_a_backup(
    qtbot: QtBot, database: Database, actor: User, log_file: Path
) -> None:
    create_backup(log_file, now=utc_now() - timedelta(days=8))
    board = DashboardPage(AppContext(database, actor.id))
    qtbot.addWidget(board)
    assert not board.backup_warning.isHidden()
    assert "8 days old" in board.backup_warning.text()
    create_backup(log_file)
    board.refresh()
    assert board.backup_warning.isHidden()


def test_a_lost_log_at_start_is_offered_its_latest_backup(qtbot: QtBot, tmp_path: Path) -> None:
    from app.core.errors import LogLost
    from app.core.services.users import get_user
    from app.core.startup import open_log
    from app.ui.app import offer_restore

    path = tmp_path / "footprint.sqlite3"
    url = f"sqlite:///{path}"
    log = open_log(url)
    with log.database.write(log.user_id) as s:
        make_incident(s, get_user(s, log.user_id))
    log.database.dispose()
    create_backup(path)
    path.write_bytes(b"")  # lost, as a sync tool or a full disk might leave it
    with pytest.raises(LogLost) as lost:
        open_log(url)
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click(), kind=QMessageBox)
    restored = offer_restore(lost.value, url, None)
    assert restored is not None
    with restored.database.read(SYSTEM) as s:
        assert s.scalar(select(func.count(Incident.id))) == 1
        newest = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    restored.database.dispose()
    assert newest.action == "restore"
